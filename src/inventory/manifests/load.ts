/**
 * Read manifests from files, directories (recursive) and stdin ('-').
 * Directories are walked for *.yaml, *.yml and *.json (an OpenShift must-gather or `oc adm inspect`
 * tree included); files named explicitly are read whatever their extension. Binary and oversized
 * files are skipped with a diagnostic, and so are unreadable files and directories and broken or
 * looping symbolic links; a file reached twice (named twice, or through a link) is read once.
 * The same live object found twice (same uid and resourceVersion, as must-gather writes it both in
 * a List and on its own) is kept once.
 */
import type { Dirent, Stats } from 'node:fs';
import { lstat, open, readdir, readFile, realpath, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { type Diagnostic, InputError, type Resource, type SourceRef } from '#core';
import { expandTemplates, type ParametersFile } from '../azure/template.ts';
import { documentKind, toAnyResource } from '../document.ts';
import { decode } from './decode.ts';

export const DEFAULT_MAX_FILE_BYTES = 64 * 1024 * 1024;

export interface LoadOptions {
  /** Files larger than this are skipped with a diagnostic. */
  readonly maxFileBytes?: number;
  /** Reads standard input when a path is '-'. */
  readonly stdin?: () => Promise<string>;
  /**
   * ARM parameters files to expand every template in the input with (`--parameters`), instead of
   * pairing each template with `<name>.parameters[.<env>].json` beside it.
   */
  readonly parameters?: readonly string[];
}

export interface LoadStats {
  readonly filesRead: number;
  /** Files skipped during directory walks because of their extension (not manifests). */
  readonly filesIgnored: number;
  readonly documents: number;
  /** Identical live objects seen more than once (kept once). */
  readonly duplicates: number;
}

export interface LoadResult {
  readonly resources: Resource[];
  readonly diagnostics: Diagnostic[];
  readonly stats: LoadStats;
}

const MANIFEST_EXTENSIONS = /\.(?:ya?ml|json)$/i;

/** An ARM template or parameters file, expanded once every file is read (templates pair with parameter files). */
interface ArmDocument {
  readonly kind: 'arm-template' | 'arm-parameters';
  readonly value: unknown;
  readonly text: string;
  readonly source: SourceRef;
}

/** The file name used for standard input in sources and diagnostics. */
export const STDIN = '<stdin>';

function errorCode(error: unknown): string {
  const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
  return typeof code === 'string' ? code : 'unknown error';
}

function isBinary(buffer: Buffer): boolean {
  const sample = buffer.subarray(0, 8192);
  return sample.includes(0);
}

/**
 * A file's bytes. A regular file is read with one read call of its whole size (fs.readFile reads in
 * 512 KiB steps, each a trip through the thread pool, which costs a tenth of the load of a large
 * cluster export); files that report no size (pipes, /proc) fall back to readFile.
 */
async function readBytes(path: string): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    if (size === 0) {
      return await readFile(handle);
    }
    const buffer = Buffer.allocUnsafe(size);
    let filled = 0;
    while (filled < size) {
      const { bytesRead } = await handle.read(buffer, filled, size - filled, filled);
      if (bytesRead === 0) {
        break; // the file shrank since stat: keep what was there
      }
      filled += bytesRead;
    }
    return filled === size ? buffer : buffer.subarray(0, filled);
  } finally {
    await handle.close();
  }
}

/**
 * A file's text, or undefined when it is binary. The bytes are dropped on return, so that a large
 * file is not held twice (bytes and text) while it is decoded.
 */
async function readText(path: string): Promise<string | undefined> {
  const buffer = await readBytes(path);
  return isBinary(buffer) ? undefined : buffer.toString('utf8');
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) {
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function loadManifests(paths: readonly string[], options: LoadOptions = {}): Promise<LoadResult> {
  const maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const resources: Resource[] = [];
  const diagnostics: Diagnostic[] = [];
  const seenUids = new Map<string, string>();
  const seenLive = new Set<string>();
  const seenKeys = new Set<string>();
  const visitedDirs = new Set<string>();
  const visitedFiles = new Set<string>();
  let filesRead = 0;
  let filesIgnored = 0;
  let documents = 0;
  let duplicates = 0;
  const azureAt = new Map<string, number>();
  const armDocuments: ArmDocument[] = [];

  function addText(text: string, file: string): void {
    filesRead++;
    const decoded = decode(text, file);
    for (const diagnostic of decoded.diagnostics) {
      diagnostics.push(diagnostic);
    }
    for (const { value, source } of decoded.objects) {
      documents++;
      const kind = documentKind(value);
      if (kind === 'arm-template' || kind === 'arm-parameters') {
        armDocuments.push({ kind, value, text, source });
        continue;
      }
      const result = toAnyResource(value, source, kind);
      for (const diagnostic of result.diagnostics) {
        diagnostics.push(diagnostic);
      }
      const resource = result.resource;
      if (!resource) {
        continue;
      }
      if (resource.azure) {
        addAzure(resource);
        continue;
      }
      const meta = resource.object.metadata;
      if (meta?.uid) {
        // The same live object (uid and resourceVersion) read twice: keep the first. Looked up by
        // uid first, so that the usual case hashes the uid string JSON.parse made, not a new key.
        const version = String(meta.resourceVersion ?? '');
        const first = seenUids.get(meta.uid);
        if (first === undefined) {
          seenUids.set(meta.uid, version);
        } else {
          const liveKey = `${meta.uid}@${version}`;
          if (first === version || seenLive.has(liveKey)) {
            duplicates++;
            continue;
          }
          seenLive.add(liveKey);
        }
      }
      // Two different objects with one identity (overlays, per-environment copies) are both kept,
      // told apart by where they came from.
      if (seenKeys.has(resource.key)) {
        resources.push({ ...resource, key: `${resource.key}@${source.file}:${source.line ?? 0}` });
      } else {
        seenKeys.add(resource.key);
        resources.push(resource);
      }
    }
  }

  /**
   * The same Azure resource from two exports (`az resource list` and `az keyvault show`): keep the
   * one that has properties; of two that both have them, the first.
   */
  function addAzure(resource: Resource): void {
    const at = azureAt.get(resource.key);
    if (at === undefined) {
      azureAt.set(resource.key, resources.length);
      resources.push(resource);
      return;
    }
    duplicates++;
    const kept = resources[at];
    if (kept?.azure?.propertiesUnknown && !resource.azure?.propertiesUnknown) {
      resources[at] = resource;
    }
  }

  function unreadable(path: string, error: unknown, what: string): void {
    diagnostics.push({
      level: 'error',
      code: 'input.unreadable',
      message: `${what} could not be read (${errorCode(error)}); it was skipped`,
      location: { file: path },
    });
  }

  /** Reads one file once, however many ways it was reached (named twice, symbolic links). */
  async function addFile(path: string, size: number, real: string): Promise<void> {
    if (visitedFiles.has(real)) {
      return;
    }
    visitedFiles.add(real);
    if (size > maxFileBytes) {
      diagnostics.push({
        level: 'error',
        code: 'input.too-large',
        message: `file is ${size} bytes, over the ${maxFileBytes}-byte limit (--max-file-size); it was skipped`,
        location: { file: path },
      });
      return;
    }
    let text: string | undefined;
    try {
      text = await readText(path);
    } catch (error) {
      unreadable(path, error, 'file');
      return;
    }
    if (text === undefined) {
      diagnostics.push({
        level: 'error',
        code: 'input.binary',
        message: 'file is binary (contains NUL bytes), not YAML or JSON; it was skipped',
        location: { file: path },
      });
      return;
    }
    addText(text, path);
  }

  async function walk(dir: string, root: string): Promise<void> {
    let real: string;
    let entries: Dirent[];
    try {
      real = await realpath(dir);
      if (visitedDirs.has(real)) {
        return; // a symlink loop, or a directory reached twice
      }
      visitedDirs.add(real);
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      unreadable(dir, error, 'directory');
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isSymbolicLink()) {
        await followLink(path, entry.name, root);
      } else if (entry.isDirectory()) {
        await walk(path, root);
      } else if (entry.isFile()) {
        if (!MANIFEST_EXTENSIONS.test(entry.name)) {
          filesIgnored++;
          continue;
        }
        let size: number;
        try {
          ({ size } = await lstat(path));
        } catch (error) {
          unreadable(path, error, 'file');
          continue;
        }
        await addFile(path, size, join(real, entry.name));
      }
    }
  }

  async function followLink(path: string, name: string, root: string): Promise<void> {
    let target: Stats;
    let real: string;
    try {
      target = await stat(path);
      real = await realpath(path);
    } catch (error) {
      const loop = errorCode(error) === 'ELOOP';
      diagnostics.push({
        level: 'warning',
        code: loop ? 'input.link-loop' : 'input.broken-link',
        message: `symbolic link ${relative(root, path) || name} ${loop ? 'is part of a loop' : 'points nowhere'}; it was skipped`,
        location: { file: path },
      });
      return;
    }
    if (target.isDirectory()) {
      await walk(path, root);
    } else if (target.isFile()) {
      if (!MANIFEST_EXTENSIONS.test(name)) {
        filesIgnored++;
        return;
      }
      await addFile(path, target.size, real);
    }
  }

  for (const path of paths) {
    if (path === '-') {
      const text = await (options.stdin ?? readStdin)();
      if (Buffer.byteLength(text) > maxFileBytes) {
        diagnostics.push({
          level: 'error',
          code: 'input.too-large',
          message: `standard input is over the ${maxFileBytes}-byte limit (--max-file-size); it was skipped`,
          location: { file: STDIN },
        });
        continue;
      }
      addText(text, STDIN);
      continue;
    }
    let info: Stats;
    let real: string;
    try {
      info = await stat(path);
      real = await realpath(path);
    } catch (error) {
      const code = errorCode(error);
      if (code === 'ENOENT' || code === 'ENOTDIR') {
        throw new InputError('input.not-found', `no such file or directory: ${path}`, { location: { file: path } });
      }
      throw new InputError('input.invalid', `cannot read ${path} (${code})`, {
        location: { file: path },
        cause: error,
      });
    }
    if (info.isDirectory()) {
      await walk(path, path);
    } else {
      await addFile(path, info.size, real);
    }
  }
  const explicit: ParametersFile[] = [];
  for (const file of options.parameters ?? []) {
    let text: string | undefined;
    try {
      text = await readText(file);
    } catch (error) {
      throw new InputError('input.not-found', `cannot read the parameters file ${file} (${errorCode(error)})`, {
        location: { file },
        cause: error,
      });
    }
    const decoded = text === undefined ? undefined : decode(text, file);
    const value = decoded?.objects[0]?.value;
    if (decoded === undefined || decoded.objects.length !== 1 || documentKind(value) !== 'arm-parameters') {
      throw new InputError(
        'input.invalid',
        `${file} is not an ARM deployment parameters file (deploymentParameters.json schema)`,
        {
          location: { file },
        },
      );
    }
    explicit.push({ file, value });
  }
  if (armDocuments.length > 0 || explicit.length > 0) {
    const templates = armDocuments
      .filter((d) => d.kind === 'arm-template')
      .map((d) => ({
        file: d.source.file,
        text: d.text,
        value: d.value,
        ...(d.source.line === undefined ? {} : { line: d.source.line }),
      }));
    const parameterFiles = armDocuments
      .filter((d) => d.kind === 'arm-parameters')
      .map((d) => ({ file: d.source.file, value: d.value }));
    const expanded = expandTemplates(templates, parameterFiles, explicit);
    for (const diagnostic of expanded.diagnostics) {
      diagnostics.push(diagnostic);
    }
    for (const resource of expanded.resources) {
      if (seenKeys.has(resource.key) || azureAt.has(resource.key)) {
        const source = resource.source;
        addAzure({
          ...resource,
          key: `${resource.key}@${source.file}:${source.line ?? 0}${source.parameters ? `:${source.parameters}` : ''}`,
        });
      } else {
        addAzure(resource);
      }
    }
  }
  return { resources, diagnostics, stats: { filesRead, filesIgnored, documents, duplicates } };
}
