/**
 * From a source to its packages: open the source (an image archive or layout, a registry
 * reference pulled into a local layout, a root filesystem or project directory, or an existing
 * SBOM), walk its final filesystem view once, detect the OS and run every analyzer whose path
 * test matches a file. Every package records the file and the layer that introduced it (dpkg:
 * the layer of the package's file list; apk and rpm: the first layer from which each version of
 * the database lists it, see introducedBy).
 *
 * Images are opened with the layer cache (oci/cache.ts; `cache: false` turns it off): the records
 * store each layer's entries, its package databases, os-release and file lists whole, and the
 * language analyzers' results per file, so a rescan decompresses no layer it has seen. Files that
 * an OS package installed are not handed to language analyzers (ownedFiles).
 *
 * When an image or a root filesystem has no detectable OS, or an OS package database could not
 * be read, the result says so with an error-level diagnostic ('os.undetected',
 * 'packages.unreadable'): a scan must never report "no vulnerabilities" because it saw nothing.
 */
import { readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import type { Collected, Diagnostic, Logger, OsRelease, Package } from '#core';
import { ECOSYSTEMS, InputError } from '#core';
import type { AnalyzeContext, Analyzer } from './analyzer.ts';
import { ANALYZERS } from './analyzers/index.ts';
import { readRpmdb, rpmdbFormat } from './analyzers/os/rpm/storage.ts';
import { LayerCache } from './oci/cache.ts';
import type { FsEntry, VirtualFs } from './oci/filesystem.ts';
import { parsePlatform } from './oci/platform.ts';
import { type ImageFilesystem, type LayerResults, type OpenedImage, openImageFilesystem } from './oci/read.ts';
import type { ImageInfo, ImageLimits } from './oci/types.ts';
import { detectOs } from './os/detect.ts';
import { type PullOptions, pullImage } from './registry/pull.ts';
import { parseReference } from './registry/reference.ts';
import { readSbom } from './sbom/read.ts';

/** Files OS detection reads (detect.ts). */
const OS_RELEASE_FILES = new Set([
  'etc/os-release',
  'usr/lib/os-release',
  'etc/alpine-release',
  'etc/debian_version',
  'etc/redhat-release',
  'etc/system-release',
  'etc/lsb-release',
  'etc/centos-release',
  'etc/fedora-release',
  'etc/SuSE-release',
]);

export type SourceType = 'image' | 'registry' | 'rootfs' | 'project' | 'sbom';

export interface ScannedSource {
  /** What the user named: a path or a registry reference. */
  readonly name: string;
  readonly type: SourceType;
  /** Image details (digest, platform, layers) for images and registry pulls. */
  readonly image?: ImageInfo;
  readonly layers?: ImageFilesystem['layers'];
  readonly os?: OsRelease;
  readonly packages: readonly Package[];
  /** Number of files handed to analyzers (or whose analysis came from the layer cache). */
  readonly filesAnalyzed: number;
  /** Files a language analyzer matched but did not analyze because an OS package owns them. */
  readonly ownedFilesSkipped?: number;
  /** How the layers were read: decompressed, or taken from the layer cache (images only). */
  readonly layerReads?: { readonly decompressions: number; readonly cachedLayers: readonly number[] };
}

export interface CollectOptions {
  /** `os/arch[/variant]`; default linux/amd64 for indexes. */
  readonly platform?: string;
  readonly limits?: Partial<ImageLimits>;
  readonly analyzers?: readonly Analyzer[];
  readonly logger?: Logger;
  /** Registry pulls: cache directory, credentials, insecure hosts. */
  readonly registry?: Partial<Omit<PullOptions, 'platform'>>;
  /** Treat the source as a registry reference even when a path of that name exists. */
  readonly forceRegistry?: boolean;
  /**
   * The layer cache (oci/cache.ts): a directory, `true` for the default
   * ($XDG_CACHE_HOME/palisade/layers), `false` to read every layer. Default: true.
   */
  readonly cache?: boolean | string;
}

/** Bump when what inventory keeps, persists or stores as results per layer changes (it scopes the layer cache). */
const INVENTORY_CACHE_VERSION = 1;

const DPKG_INFO = 'var/lib/dpkg/info/';
const DPKG_STATUS_D = 'var/lib/dpkg/status.d/';
const APK_INSTALLED = 'lib/apk/db/installed';
const MiB = 1024 * 1024;

/** Files that list the paths each OS package installed (dpkg file lists, distroless md5sums). */
function isOwnershipList(path: string): boolean {
  return (
    (path.startsWith(DPKG_INFO) && path.endsWith('.list') && !path.slice(DPKG_INFO.length).includes('/')) ||
    (path.startsWith(DPKG_STATUS_D) && path.endsWith('.md5sums') && !path.slice(DPKG_STATUS_D.length).includes('/'))
  );
}

/** The SQLite rpm database's write-ahead log, which the rpm analyzer reads beside the database. */
function isRpmWal(path: string): boolean {
  return path === 'var/lib/rpm/rpmdb.sqlite-wal' || path === 'usr/lib/sysimage/rpm/rpmdb.sqlite-wal';
}

/** Which files the reader keeps: what any analyzer reads, OS detection, ownership lists. */
function wantedBy(analyzers: readonly Analyzer[]): (path: string, size: number) => boolean | number {
  return (path) => {
    if (OS_RELEASE_FILES.has(path)) {
      return MiB;
    }
    if (isOwnershipList(path)) {
      return 16 * MiB;
    }
    let max = 0;
    for (const analyzer of analyzers) {
      if (analyzer.matches(path) && analyzer.maxFileBytes > max) {
        max = analyzer.maxFileBytes;
      }
    }
    if (max === 0 && isRpmWal(path)) {
      return 512 * MiB;
    }
    return max > 0 ? max : false;
  };
}

/**
 * Which kept files a layer cache record stores: everything but the files only language analyzers
 * read (executables, jars, lockfiles), whose per-file results are stored instead (language analyzers
 * depend on nothing but the file: no OS, no other file). OS databases, os-release and ownership
 * lists are stored whole, because their analysis depends on the final view (the detected OS, the
 * rpm WAL, the ownership of other layers' files).
 */
function persistedBy(analyzers: readonly Analyzer[]): (path: string) => boolean {
  return (path) =>
    OS_RELEASE_FILES.has(path) ||
    isOwnershipList(path) ||
    isRpmWal(path) ||
    analyzers.some((analyzer) => analyzer.kind === 'os' && analyzer.matches(path)) ||
    !analyzers.some((analyzer) => analyzer.kind === 'lang' && analyzer.matches(path));
}

/** The package databases whose every layer's version is kept, for per-package layer attribution. */
function historyOf(analyzers: readonly Analyzer[]): (path: string) => boolean {
  const multi = analyzers.filter((analyzer) => analyzer.id === 'os/apk' || analyzer.id === 'os/rpm');
  return (path) => isRpmWal(path) || multi.some((analyzer) => analyzer.matches(path));
}

function cacheScope(analyzers: readonly Analyzer[]): string {
  return JSON.stringify({
    inventory: INVENTORY_CACHE_VERSION,
    analyzers: analyzers.map((analyzer) => [analyzer.id, analyzer.version, analyzer.maxFileBytes]),
  });
}

/**
 * The layer that installed a dpkg package: the layer of its file list
 * (`var/lib/dpkg/info/<name>[:<arch>].list`), which dpkg writes when it installs the package and
 * leaves alone when later layers install others. The status file itself is rewritten by every
 * layer that installs or removes anything, so its layer says little. Distroless images have no
 * lists; their status.d files are per package already.
 */
function dpkgLayer(files: VirtualFs, pkg: Package): string | undefined {
  const candidates = pkg.arch
    ? [`var/lib/dpkg/info/${pkg.name}:${pkg.arch}.list`, `var/lib/dpkg/info/${pkg.name}.list`]
    : [`var/lib/dpkg/info/${pkg.name}.list`];
  for (const path of candidates) {
    const entry = files.stat(path);
    if (entry?.layer) {
      return entry.layer;
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Files owned by OS packages

/**
 * Paths installed by OS packages, as final-view paths (symlinked directories such as a merged
 * /usr's `bin -> usr/bin` resolved). Their vulnerabilities come from the OS advisories of the
 * package that installed them, so language analyzers do not analyze them (Debian's own Go
 * programs, Python modules installed by python3-* packages...), as Trivy does.
 * Sources: dpkg `var/lib/dpkg/info/<pkg>.list` (one absolute path a line, directories included),
 * distroless `status.d/<pkg>.md5sums` (`<md5>  <relative path>`), apk `installed` (`F:` directory,
 * then `R:` file names in it; https://wiki.alpinelinux.org/wiki/Apk_spec), and the rpm database's
 * per-package file lists (tags DIRNAMES 1118, BASENAMES 1117, DIRINDEXES 1116, or the old
 * OLDFILENAMES 1027; https://rpm-software-management.github.io/rpm/manual/tags.html).
 */
export async function ownedFiles(files: VirtualFs, entries: readonly FsEntry[]): Promise<Set<string>> {
  const owned = new Set<string>();
  const canonicalDirs = new Map<string, string>();
  const add = (raw: string): void => {
    const path = raw.replace(/^\/+/, '').replace(/\/+$/, '');
    if (path === '' || path === '.') {
      return;
    }
    const slash = path.lastIndexOf('/');
    const dir = slash < 0 ? '' : path.slice(0, slash);
    let canonical = canonicalDirs.get(dir);
    if (canonical === undefined) {
      const resolved = dir === '' ? undefined : files.resolve(dir);
      canonical = resolved?.kind === 'found' ? resolved.path : dir;
      canonicalDirs.set(dir, canonical);
    }
    owned.add(canonical === '' ? path.slice(slash + 1) : `${canonical}/${path.slice(slash + 1)}`);
  };
  for (const entry of entries) {
    if (!isOwnershipList(entry.path) && entry.path !== APK_INSTALLED && !RPM_DATABASES.has(entry.path)) {
      continue;
    }
    const content = entry.readable ? await files.readFile(entry.path) : undefined;
    if (!content) {
      continue;
    }
    if (entry.path.endsWith('.list')) {
      for (const line of content.toString('utf8').split('\n')) {
        add(line);
      }
    } else if (entry.path.endsWith('.md5sums')) {
      for (const line of content.toString('utf8').split('\n')) {
        const match = /^[0-9a-f]{32} [ *]?(.+)$/.exec(line);
        if (match?.[1]) {
          add(match[1]);
        }
      }
    } else if (entry.path === APK_INSTALLED) {
      let dir = '';
      for (const line of content.toString('utf8').split('\n')) {
        if (line.startsWith('F:')) {
          dir = line.slice(2);
        } else if (line.startsWith('R:')) {
          add(dir === '' ? line.slice(2) : `${dir}/${line.slice(2)}`);
        } else if (line.trim() === '') {
          dir = '';
        }
      }
    } else {
      const format = rpmdbFormat(content);
      if (format) {
        const wal = format === 'sqlite' ? await files.readFile(`${entry.path}-wal`) : undefined;
        for (const blob of readRpmdb(format, content, wal).blobs) {
          for (const path of rpmFileNames(blob.data)) {
            add(path);
          }
        }
      }
    }
  }
  return owned;
}

const RPM_DATABASES = new Set(
  ['var/lib/rpm/', 'usr/lib/sysimage/rpm/'].flatMap((dir) =>
    ['Packages', 'Packages.db', 'rpmdb.sqlite'].map((file) => dir + file),
  ),
);
const RPM_TAG = { OLDFILENAMES: 1027, DIRINDEXES: 1116, BASENAMES: 1117, DIRNAMES: 1118 } as const;
const RPM_INT32 = 4;
const RPM_STRING_ARRAY = 8;

/**
 * The file paths an rpm header blob lists (format_v4: int32 index count, int32 data size, 16-byte
 * index entries {tag, type, offset, count}, then the data store). Every offset is bounds-checked; a
 * malformed blob yields what could be read (the rpm analyzer reports the blob itself).
 */
export function rpmFileNames(blob: Buffer): string[] {
  if (blob.length < 8) {
    return [];
  }
  const il = blob.readUInt32BE(0);
  const dl = blob.readUInt32BE(4);
  const dataStart = 8 + il * 16;
  if (il > 0xffff || dataStart + dl > blob.length) {
    return [];
  }
  const data = blob.subarray(dataStart, dataStart + dl);
  const tags = new Map<number, { type: number; offset: number; count: number }>();
  for (let i = 0; i < il; i++) {
    const at = 8 + i * 16;
    const tag = blob.readInt32BE(at);
    if (!tags.has(tag)) {
      tags.set(tag, {
        type: blob.readUInt32BE(at + 4),
        offset: blob.readInt32BE(at + 8),
        count: blob.readUInt32BE(at + 12),
      });
    }
  }
  const strings = (tag: number): string[] => {
    const entry = tags.get(tag);
    if (entry?.type !== RPM_STRING_ARRAY || entry.offset < 0 || entry.offset > dl) {
      return [];
    }
    const out: string[] = [];
    let pos = entry.offset;
    for (let i = 0; i < entry.count && pos < dl; i++) {
      const end = data.indexOf(0, pos);
      if (end < 0) {
        break;
      }
      out.push(data.toString('utf8', pos, end));
      pos = end + 1;
    }
    return out;
  };
  const ints = (tag: number): number[] => {
    const entry = tags.get(tag);
    if (entry?.type !== RPM_INT32 || entry.offset < 0 || entry.offset + entry.count * 4 > dl) {
      return [];
    }
    return Array.from({ length: entry.count }, (_, i) => data.readInt32BE(entry.offset + i * 4));
  };
  const basenames = strings(RPM_TAG.BASENAMES);
  if (basenames.length === 0) {
    return strings(RPM_TAG.OLDFILENAMES);
  }
  const dirnames = strings(RPM_TAG.DIRNAMES);
  const indexes = ints(RPM_TAG.DIRINDEXES);
  const paths: string[] = [];
  basenames.forEach((base, i) => {
    const dir = dirnames[indexes[i] ?? -1];
    if (dir !== undefined) {
      paths.push(`${dir}${base}`);
    }
  });
  return paths;
}

// ---------------------------------------------------------------------------------------------
// Analysis

/** A language analyzer's result for one file, as stored with the layer that holds the file's bytes. */
const CachedResult = z.object({
  packages: z.array(
    z.object({
      name: z.string(),
      version: z.string(),
      ecosystem: z.enum(ECOSYSTEMS),
      purl: z.string(),
      kind: z.enum(['os', 'lang']),
      analyzer: z.string(),
      location: z.object({ path: z.string(), line: z.number().optional(), layer: z.string().optional() }),
      sourceName: z.string().optional(),
      sourceVersion: z.string().optional(),
      arch: z.string().optional(),
      licenses: z.array(z.string()).optional(),
      dev: z.boolean().optional(),
    }),
  ),
  diagnostics: z.array(
    z.object({
      level: z.enum(['error', 'warning', 'info']),
      code: z.string(),
      message: z.string(),
      location: z.object({
        file: z.string(),
        line: z.number().optional(),
        column: z.number().optional(),
        path: z.string().optional(),
      }),
    }),
  ),
});

/** The key of a language analyzer's result in the layer record of the file's bytes. */
function resultKey(analyzer: Analyzer, entry: FsEntry, originPath: string): string {
  return JSON.stringify([analyzer.id, analyzer.version, entry.path, entry.layer ?? '', originPath, entry.size]);
}

/** Identity of an OS package across versions of its database. */
function packageIdentity(pkg: Package): string {
  return `${pkg.name}\0${pkg.version}\0${pkg.arch ?? ''}`;
}

/**
 * The layer that introduced each package of an apk or rpm database: the first layer from which on
 * every version of the database lists the package with the same version (a package removed and
 * installed again counts from its reinstallation). Each layer's version of the database is
 * analyzed; undefined when the database was written by one layer only (that layer is the answer).
 */
async function introducedBy(
  analyzer: Analyzer,
  path: string,
  image: OpenedImage,
  ctx: AnalyzeContext,
): Promise<Map<string, string> | undefined> {
  const versions = image.versions(path);
  if (versions.length < 2) {
    return undefined;
  }
  let since = new Map<string, string>();
  for (const version of versions) {
    if (version.deleted || !version.content) {
      since = new Map();
      continue;
    }
    const content = version.content;
    const wal = [...image.versions(`${path}-wal`)].reverse().find((v) => v.layerIndex <= version.layerIndex);
    const result = await analyzer.analyze(
      { path, size: content.length, layer: version.diffId, read: async () => content },
      { ...ctx, readFile: async (other) => (other === `${path}-wal` ? wal?.content : ctx.readFile?.(other)) },
    );
    const next = new Map<string, string>();
    for (const pkg of result.value) {
      const id = packageIdentity(pkg);
      next.set(id, since.get(id) ?? version.diffId);
    }
    since = next;
  }
  return since;
}

/** Run the analyzers over a filesystem view. */
export async function analyzeFilesystem(
  files: VirtualFs,
  analyzers: readonly Analyzer[],
  logger?: Logger,
): Promise<Collected<{ os?: OsRelease; packages: Package[]; filesAnalyzed: number; osDatabases: number }>> {
  return analyze(files, analyzers, logger, undefined);
}

async function analyze(
  files: VirtualFs,
  analyzers: readonly Analyzer[],
  logger: Logger | undefined,
  image: OpenedImage | undefined,
): Promise<
  Collected<{
    os?: OsRelease;
    packages: Package[];
    filesAnalyzed: number;
    osDatabases: number;
    ownedFilesSkipped: number;
  }>
> {
  const diagnostics: Diagnostic[] = [];
  const detected = await detectOs((path) => files.readFile(path));
  diagnostics.push(...detected.diagnostics);
  const os = detected.value;
  const ctx: AnalyzeContext = {
    ...(os ? { os } : {}),
    ...(logger ? { logger } : {}),
    readFile: (path) => files.readFile(path),
  };
  const packages: Package[] = [];
  let filesAnalyzed = 0;
  let osDatabases = 0;
  let ownedFilesSkipped = 0;
  const entries: FsEntry[] = [];
  // Each file with the analyzers whose path test matches it (most files have none).
  const work: { entry: FsEntry; analyzers: Analyzer[] }[] = [];
  for (const entry of files.entries()) {
    if (entry.type !== 'file') {
      continue;
    }
    entries.push(entry);
    const matching = analyzers.filter((analyzer) => analyzer.matches(entry.path));
    if (matching.length > 0) {
      work.push({ entry, analyzers: matching });
    }
  }
  const owned = await ownedFiles(files, entries);

  // Language files: a stored result (keyed in the record of the layer holding the bytes), or the
  // bytes, fetched in one pass per layer for all the files that need them.
  const stored = new Map<string, { store: LayerResults; key: string; result?: z.infer<typeof CachedResult> }>();
  const toFetch: string[] = [];
  for (const { entry, analyzers: matching } of work) {
    for (const analyzer of matching) {
      if (analyzer.kind !== 'lang' || !entry.readable || owned.has(entry.path)) {
        continue;
      }
      const origin = image?.origin(entry.path);
      const store = origin ? image?.results(origin.layerIndex) : undefined;
      if (!origin || !store) {
        continue;
      }
      const key = resultKey(analyzer, entry, origin.path);
      const parsed = CachedResult.safeParse(store.get(key));
      stored.set(`${analyzer.id}\0${entry.path}`, { store, key, ...(parsed.success ? { result: parsed.data } : {}) });
      if (!parsed.success) {
        toFetch.push(entry.path);
      }
    }
  }
  if (image && toFetch.length > 0) {
    await image.fetch(toFetch);
  }

  for (const { entry, analyzers: matching } of work) {
    for (const analyzer of matching) {
      if (analyzer.kind === 'lang' && owned.has(entry.path)) {
        ownedFilesSkipped++;
        continue;
      }
      if (analyzer.kind === 'os') {
        osDatabases++;
      }
      if (!entry.readable) {
        if (entry.omitted === undefined) {
          diagnostics.push({
            level: 'error',
            code: 'packages.unreadable',
            message: `${entry.path} could not be read, so ${analyzer.id} did not analyze it`,
            location: { file: entry.path },
          });
        }
        continue; // the reader already reported why (too large, retain cap)
      }
      filesAnalyzed++;
      const cached = analyzer.kind === 'lang' ? stored.get(`${analyzer.id}\0${entry.path}`) : undefined;
      if (cached?.result) {
        packages.push(...(cached.result.packages as Package[]));
        diagnostics.push(...(cached.result.diagnostics as Diagnostic[]));
        continue;
      }
      try {
        const result = await analyzer.analyze(
          {
            path: entry.path,
            size: entry.size,
            ...(entry.layer ? { layer: entry.layer } : {}),
            read: async () => {
              const content = await files.readFile(entry.path);
              if (!content) {
                throw new InputError('input.invalid', `${entry.path} vanished while it was analyzed`);
              }
              return content;
            },
          },
          ctx,
        );
        const since =
          image && (analyzer.id === 'os/apk' || analyzer.id === 'os/rpm')
            ? await introducedBy(analyzer, entry.path, image, ctx)
            : undefined;
        const found: Package[] = [];
        for (const pkg of result.value) {
          const layer =
            (analyzer.id === 'os/dpkg' ? dpkgLayer(files, pkg) : undefined) ??
            since?.get(packageIdentity(pkg)) ??
            pkg.location.layer ??
            entry.layer;
          found.push(layer && layer !== pkg.location.layer ? { ...pkg, location: { ...pkg.location, layer } } : pkg);
        }
        packages.push(...found);
        diagnostics.push(...result.diagnostics);
        cached?.store.set(cached.key, { packages: found, diagnostics: result.diagnostics });
        if (
          analyzer.kind === 'os' &&
          result.value.length === 0 &&
          result.diagnostics.some((d) => d.level === 'error')
        ) {
          diagnostics.push({
            level: 'error',
            code: 'packages.unreadable',
            message: `the OS package database ${entry.path} could not be read: vulnerabilities of OS packages cannot be reported`,
            location: { file: entry.path },
          });
        }
      } catch (error) {
        diagnostics.push({
          level: 'error',
          code: 'analyzer.failed',
          message: `${analyzer.id} failed on ${entry.path}: ${error instanceof Error ? error.message : String(error)}`,
          location: { file: entry.path },
        });
      }
    }
  }
  return {
    value: { ...(os ? { os } : {}), packages, filesAnalyzed, osDatabases, ownedFilesSkipped },
    diagnostics,
  };
}

async function looksLikeSbom(path: string): Promise<boolean> {
  const info = await stat(path);
  if (!info.isFile() || info.size > 512 * 1024 * 1024) {
    return false;
  }
  const handle = await readFile(path);
  const head = handle.subarray(0, 4096).toString('utf8').trimStart();
  return head.startsWith('{') && /"(bomFormat|spdxVersion)"\s*:/.test(handle.subarray(0, 65536).toString('utf8'));
}

/** Where pulled images are kept: $XDG_CACHE_HOME/palisade/images or ~/.cache/palisade/images. */
export function defaultImageCache(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'palisade', 'images');
}

/** Text that can only be a path: starts with '/', './', '../' or '~', or ends like an archive or SBOM. */
function looksLikePath(source: string): boolean {
  return /^(?:\/|\.{1,2}\/|~)/.test(source) || /\.(?:tar|tgz|tar\.gz|json|zip)$/i.test(source);
}

async function pathExists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Read a source into its packages. Throws InputError for a source that cannot be opened at all. */
export async function collectPackages(source: string, options: CollectOptions = {}): Promise<Collected<ScannedSource>> {
  const analyzers = options.analyzers ?? ANALYZERS;
  const diagnostics: Diagnostic[] = [];
  const isPath = !options.forceRegistry && (await pathExists(source));
  if (isPath && (await looksLikeSbom(source))) {
    const content = await readFile(source);
    const sbom = readSbom(content, source);
    return {
      value: {
        name: source,
        type: 'sbom',
        ...(sbom.value.os ? { os: sbom.value.os } : {}),
        packages: sbom.value.packages,
        filesAnalyzed: 1,
      },
      diagnostics: sbom.diagnostics,
    };
  }
  let path = source;
  let type: SourceType = 'image';
  if (!isPath && !options.forceRegistry && looksLikePath(source)) {
    throw new InputError('input.not-found', `${source} does not exist (and is not a registry reference)`, {
      location: { file: source },
    });
  }
  if (!isPath) {
    // Not a path: a registry reference (parseReference throws a UsageError naming the text).
    parseReference(source);
    const pulled = await pullImage(source, {
      ...options.registry,
      cacheDir: options.registry?.cacheDir ?? defaultImageCache(),
      ...(options.platform ? { platform: options.platform } : {}),
    });
    diagnostics.push(...pulled.diagnostics);
    path = pulled.layoutDir;
    type = 'registry';
  }
  const cache =
    options.cache === false ? undefined : new LayerCache(typeof options.cache === 'string' ? options.cache : undefined);
  const opened = await openImageFilesystem(path, {
    ...(options.platform ? { platform: parsePlatform(options.platform) } : {}),
    ...(options.limits ? { limits: options.limits } : {}),
    wanted: wantedBy(analyzers),
    persist: persistedBy(analyzers),
    history: historyOf(analyzers),
    ...(cache ? { cache: { store: cache, scope: cacheScope(analyzers) } } : {}),
  });
  const reader = opened.value;
  let analyzed: Awaited<ReturnType<typeof analyze>>;
  try {
    diagnostics.push(...opened.diagnostics);
    analyzed = await analyze(reader.files, analyzers, options.logger, reader);
    diagnostics.push(...analyzed.diagnostics);
    diagnostics.push(...(await reader.commit()));
  } finally {
    await reader.close();
  }
  const { image, layers } = reader;
  if (image.format === 'rootfs') {
    type = 'rootfs';
  }
  const { os, packages, filesAnalyzed, osDatabases, ownedFilesSkipped } = analyzed.value;
  if (type === 'rootfs' && !os && osDatabases === 0) {
    type = 'project'; // a directory of lockfiles or an application tree, not a distribution
  }
  if (!os && type !== 'project') {
    diagnostics.push({
      level: 'error',
      code: 'os.undetected',
      message: `the operating system of ${source} could not be detected: OS package vulnerabilities are not reported`,
      location: { file: source },
    });
  }
  return {
    value: {
      name: source,
      type,
      ...(type === 'project' ? {} : { image }),
      ...(layers.length > 0 ? { layers } : {}),
      ...(os ? { os } : {}),
      packages,
      filesAnalyzed,
      ...(ownedFilesSkipped > 0 ? { ownedFilesSkipped } : {}),
      ...(image.format === 'rootfs'
        ? {}
        : { layerReads: { decompressions: reader.stats.decompressions, cachedLayers: reader.stats.cachedLayers } }),
    },
    diagnostics,
  };
}
