/**
 * The entry point the scan pipeline calls: read an image (OCI layout, OCI archive, docker-save
 * archive) or a root filesystem directory into a VirtualFs, keeping the content of the files the
 * caller wants, in one streaming pass per layer.
 *
 *   readImageFilesystem(source, { platform, tag, wanted, limits })
 *     → Promise<Collected<{ image: ImageInfo; files: VirtualFs; layers: LayerSummary[] }>>
 *
 * - `wanted(path, size)` is asked for every file, symlink and hard link of every layer (path without
 *   leading '/'): `false` skips the content, `true` keeps it up to `limits.maxFileBytes`, a number
 *   keeps it up to that many bytes (an analyzer's maxFileBytes). A wanted file above its cap is
 *   listed with `omitted: 'too-large'` and one `image.file-too-large` diagnostic if it is in the
 *   final view. A wanted symlink or hard link whose target was not kept gets its target's content
 *   in a follow-up pass over only the layers that hold those targets.
 * - Layers are applied in order with whiteouts and opaque directories (filesystem.ts); each file
 *   records the diff ID of the layer that wrote it last.
 * - Tar entry names are normalised: a leading '/' is re-rooted (`image.absolute-path`), a `..` that
 *   leaves the root skips the entry (`image.path-traversal`); nothing is ever written to disk.
 * - Bad input yields diagnostics (see types.ts) and keeps everything else; a digest mismatch throws
 *   InputError (exit 2). A root filesystem directory is listed without layers; its files are read
 *   lazily from disk when asked, never following a symlink out of the root.
 *
 * `walkLayers(handle)` is the benchmark floor: decompress every layer and walk its tar entries,
 * nothing else (no hashing, no filesystem view).
 */

import { constants } from 'node:fs';
import { lstat, open, opendir, readlink } from 'node:fs/promises';
import { join, posix } from 'node:path';
import tar, { type Header } from 'tar-stream';
import type { Collected, Diagnostic } from '#core';
import { entryLocation, LayeredFs, type LayerOp, type Node, type VirtualFs } from './filesystem.ts';
import { detectSource, type OpenImageOptions, openImage } from './source.ts';
import { collectEntry, drainEntry, extractSink, type Source } from './tar-sink.ts';
import {
  DEFAULT_LIMITS,
  type ImageHandle,
  type ImageInfo,
  type ImageLimits,
  type LayerBudget,
  type LayerOutcome,
  type LayerRef,
} from './types.ts';

export type Wanted = (path: string, size: number) => boolean | number;

export interface ReadImageOptions extends OpenImageOptions {
  readonly wanted?: Wanted;
}

export interface LayerSummary {
  readonly index: number;
  readonly diffId: string;
  readonly digest?: string;
  readonly compression: LayerOutcome['compression'];
  readonly compressedBytes: number;
  readonly uncompressedBytes: number;
  readonly entries: number;
  /** False when the layer was cut short (see the diagnostics). */
  readonly complete: boolean;
}

export interface ImageFilesystem {
  readonly image: ImageInfo;
  readonly files: VirtualFs;
  readonly layers: readonly LayerSummary[];
}

type Normalised =
  | { readonly kind: 'ok'; readonly path: string; readonly absolute: boolean }
  | { readonly kind: 'root' }
  | { readonly kind: 'traversal' };

/** Normalises a tar entry name inside the root; `..` that leaves the root is a traversal. */
export function normaliseEntryName(name: string): Normalised {
  const absolute = name.startsWith('/');
  const parts: string[] = [];
  for (const part of name.split('/')) {
    if (part === '' || part === '.') {
      continue;
    }
    if (part === '..') {
      if (parts.length === 0) {
        return { kind: 'traversal' };
      }
      parts.pop();
      continue;
    }
    parts.push(part);
  }
  return parts.length === 0 ? { kind: 'root' } : { kind: 'ok', path: parts.join('/'), absolute };
}

const WHITEOUT = '.wh.';
const OPAQUE = '.wh..wh..opq';

interface WalkState {
  readonly image: string;
  readonly limits: ImageLimits;
  readonly wanted: Wanted;
  readonly diagnostics: Diagnostic[];
  retainedBytes: number;
}

/** Walks one layer's tar into operations on the view. */
function layerExtractor(
  state: WalkState,
  layer: LayerRef,
  ops: LayerOp[],
): { extract: tar.Extract; count: () => number } {
  const extract = tar.extract();
  let entries = 0;
  const diag = (level: Diagnostic['level'], code: string, path: string, message: string): void => {
    state.diagnostics.push({
      level,
      code,
      message: `image ${state.image}: layer ${layer.index + 1} (${layer.diffId}): ${message}`,
      location: entryLocation(state.image, layer.index, layer.diffId, path),
    });
  };
  const handle = async (header: Header, stream: Source): Promise<void> => {
    entries++;
    const size = header.size ?? 0;
    if (entries > state.limits.maxEntries) {
      if (entries === state.limits.maxEntries + 1) {
        diag(
          'error',
          'image.too-many-entries',
          header.name,
          `more than ${state.limits.maxEntries} entries; the rest of the layer is skipped`,
        );
      }
      await drainEntry(stream);
      return;
    }
    const normal = normaliseEntryName(header.name);
    if (normal.kind === 'traversal') {
      diag('error', 'image.path-traversal', header.name, `entry "${header.name}" leaves the image root; skipped`);
      await drainEntry(stream);
      return;
    }
    if (normal.kind === 'root') {
      await drainEntry(stream);
      return;
    }
    const path = normal.path;
    if (normal.absolute) {
      diag(
        'warning',
        'image.absolute-path',
        path,
        `entry "${header.name}" has an absolute path; read as /${path} inside the image`,
      );
    }
    if (size > state.limits.maxEntryBytes) {
      diag(
        'error',
        'image.too-large',
        path,
        `entry ${path} declares ${size} bytes, above the limit of ${state.limits.maxEntryBytes}; skipped`,
      );
      await drainEntry(stream);
      return;
    }
    const base = posix.basename(path);
    if (base.startsWith(WHITEOUT)) {
      const dir = posix.dirname(path) === '.' ? '' : posix.dirname(path);
      if (base === OPAQUE) {
        ops.push({ kind: 'opaque', dir });
      } else if (!base.startsWith(`${WHITEOUT}${WHITEOUT}`)) {
        ops.push({
          kind: 'whiteout',
          path: dir === '' ? base.slice(WHITEOUT.length) : `${dir}/${base.slice(WHITEOUT.length)}`,
        });
      }
      await drainEntry(stream);
      return;
    }
    const mode = header.mode ?? 0;
    switch (header.type) {
      case 'directory':
        await drainEntry(stream);
        ops.push({ kind: 'entry', path, type: 'dir', size: 0, mode, wanted: false });
        return;
      case 'symlink':
        await drainEntry(stream);
        ops.push({
          kind: 'entry',
          path,
          type: 'symlink',
          size: 0,
          mode,
          linkTarget: header.linkname ?? '',
          wanted: state.wanted(path, 0) !== false,
        });
        return;
      case 'link': {
        await drainEntry(stream);
        const target = normaliseEntryName(header.linkname ?? '');
        if (target.kind !== 'ok') {
          diag(
            'error',
            'image.path-traversal',
            path,
            `hard link ${path} points to "${header.linkname ?? ''}", outside the image root; skipped`,
          );
          return;
        }
        ops.push({
          kind: 'entry',
          path,
          type: 'hardlink',
          size: 0,
          mode,
          linkTarget: target.path,
          wanted: state.wanted(path, 0) !== false,
        });
        return;
      }
      case 'file':
      case 'contiguous-file':
        break;
      default:
        await drainEntry(stream);
        ops.push({ kind: 'entry', path, type: 'other', size: 0, mode, wanted: false });
        return;
    }
    const want = state.wanted(path, size);
    if (want === false) {
      await drainEntry(stream);
      ops.push({ kind: 'entry', path, type: 'file', size, mode, wanted: false });
      return;
    }
    const cap = typeof want === 'number' ? Math.min(want, state.limits.maxFileBytes) : state.limits.maxFileBytes;
    if (size > cap) {
      await drainEntry(stream);
      ops.push({ kind: 'entry', path, type: 'file', size, mode, wanted: true, omitted: `too-large:${cap}` });
      return;
    }
    if (state.retainedBytes + size > state.limits.maxRetainedBytes) {
      await drainEntry(stream);
      ops.push({ kind: 'entry', path, type: 'file', size, mode, wanted: true, omitted: 'retain-cap' });
      return;
    }
    const content = await collectEntry(stream, size);
    state.retainedBytes += size;
    ops.push({ kind: 'entry', path, type: 'file', size, mode, wanted: true, content });
  };
  extract.on('entry', (header: Header, stream: Source, next: (error?: Error | null) => void) => {
    handle(header, stream).then(
      () => next(),
      (error: unknown) => next(error instanceof Error ? error : new Error(String(error))),
    );
  });
  return { extract, count: () => entries };
}

function omittedDiagnostic(image: string, path: string, node: Node, limits: ImageLimits): Diagnostic {
  const cap = node.omitted?.startsWith('too-large:') ? Number(node.omitted.slice('too-large:'.length)) : undefined;
  const where = node.layer ? `layer ${node.layerIndex + 1} (${node.layer}): ` : '';
  return cap !== undefined
    ? {
        level: 'warning',
        code: 'image.file-too-large',
        message: `image ${image}: ${where}file ${path} has ${node.size} bytes, above the ${cap}-byte limit for it; not analysed`,
        location: entryLocation(image, node.layerIndex, node.layer, path),
      }
    : {
        level: 'warning',
        code: 'image.retain-cap',
        message: `image ${image}: ${where}file ${path} not analysed: the ${limits.maxRetainedBytes}-byte budget for kept files is spent`,
        location: entryLocation(image, node.layerIndex, node.layer, path),
      };
}

/** Re-reads the given layers to fetch the contents of wanted symlink / hard-link targets. */
async function followUp(handle: ImageHandle, fs: LayeredFs, state: WalkState, budget: LayerBudget): Promise<void> {
  const requests = new Map<number, Map<string, Node[]>>();
  for (const [path, node] of fs.nodes()) {
    if (!node.wanted || (node.type !== 'symlink' && !node.hardlink)) {
      continue;
    }
    const resolution = fs.resolve(path);
    if (resolution.kind === 'loop') {
      state.diagnostics.push({
        level: 'error',
        code: 'image.symlink-loop',
        message: `image ${state.image}: symlink ${path} does not resolve (more than ${state.limits.maxSymlinkHops} hops, a loop); not analysed`,
        location: entryLocation(state.image, node.layerIndex, node.layer, path),
      });
      continue;
    }
    const target = fs.resolveNode(path);
    if (target?.type !== 'file' || target.content || target.omitted || !target.origin) {
      continue;
    }
    const cap = state.wanted(path, target.size);
    const limit = typeof cap === 'number' ? Math.min(cap, state.limits.maxFileBytes) : state.limits.maxFileBytes;
    if (target.size > limit) {
      target.omitted = `too-large:${limit}`;
      state.diagnostics.push(omittedDiagnostic(state.image, path, target, state.limits));
      continue;
    }
    const perLayer = requests.get(target.origin.layerIndex) ?? new Map<string, Node[]>();
    requests.set(target.origin.layerIndex, perLayer);
    perLayer.set(target.origin.path, [...(perLayer.get(target.origin.path) ?? []), target]);
  }
  for (const [layerIndex, wantedPaths] of requests) {
    const layer = handle.info.layers[layerIndex]!;
    const extract = tar.extract();
    extract.on('entry', (header: Header, stream: Source, next: (error?: Error | null) => void) => {
      const normal = normaliseEntryName(header.name);
      const nodes = normal.kind === 'ok' ? wantedPaths.get(normal.path) : undefined;
      const size = header.size ?? 0;
      if (
        !nodes ||
        (header.type !== 'file' && header.type !== 'contiguous-file') ||
        state.retainedBytes + size > state.limits.maxRetainedBytes
      ) {
        drainEntry(stream).then(() => next(), next);
        return;
      }
      collectEntry(stream, size).then((content) => {
        state.retainedBytes += size;
        for (const node of nodes) {
          if (node.size === size) {
            node.content = content;
          }
        }
        next();
      }, next);
    });
    // Problems were reported by the first pass; a digest mismatch still throws.
    await handle.streamLayer(layer, extractSink(extract), { limits: budget.limits, uncompressedSoFar: 0 });
  }
}

/** Reads an image or root filesystem directory; see the file header. */
export async function readImageFilesystem(
  source: string,
  options: ReadImageOptions = {},
): Promise<Collected<ImageFilesystem>> {
  const limits: ImageLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const wanted: Wanted = options.wanted ?? (() => false);
  if ((await detectSource(source)) === 'rootfs') {
    return readRootfs(source, wanted, limits);
  }
  const handle = await openImage(source, options);
  try {
    const image = handle.info.name;
    const state: WalkState = { image, limits, wanted, diagnostics: [...handle.archiveDiagnostics], retainedBytes: 0 };
    const fs = new LayeredFs(limits.maxSymlinkHops);
    const budget: LayerBudget = { limits, uncompressedSoFar: 0 };
    const layers: LayerSummary[] = [];
    for (const layer of handle.info.layers) {
      const ops: LayerOp[] = [];
      const { extract, count } = layerExtractor(state, layer, ops);
      const outcome = await handle.streamLayer(layer, extractSink(extract), budget);
      state.diagnostics.push(...outcome.diagnostics);
      for (const problem of fs.applyLayer(layer.index, layer.diffId, ops)) {
        state.diagnostics.push({
          level: 'error',
          code: problem.code,
          message: `image ${image}: layer ${layer.index + 1} (${layer.diffId}): ${problem.message}`,
          location: entryLocation(image, layer.index, layer.diffId, problem.path),
        });
      }
      layers.push({
        index: layer.index,
        diffId: layer.diffId,
        ...(layer.digest ? { digest: layer.digest } : {}),
        compression: outcome.compression,
        compressedBytes: outcome.compressedBytes,
        uncompressedBytes: outcome.uncompressedBytes,
        entries: count(),
        complete: outcome.complete,
      });
    }
    for (const [path, node] of fs.nodes()) {
      if (node.omitted && !node.hardlink) {
        state.diagnostics.push(omittedDiagnostic(image, path, node, limits));
      }
    }
    await followUp(handle, fs, state, budget);
    return { value: { image: handle.info, files: fs, layers }, diagnostics: state.diagnostics };
  } finally {
    await handle.close();
  }
}

/** The floor of an image scan: decompress every layer and walk its tar entries, nothing else. */
export async function walkLayers(
  source: string,
  options: OpenImageOptions = {},
): Promise<{ layers: number; entries: number; compressedBytes: number; uncompressedBytes: number }> {
  const handle = await openImage(source, { verify: false, ...options });
  try {
    const budget: LayerBudget = { limits: { ...DEFAULT_LIMITS, ...options.limits }, uncompressedSoFar: 0 };
    let entries = 0;
    let compressedBytes = 0;
    let uncompressedBytes = 0;
    for (const layer of handle.info.layers) {
      const extract = tar.extract();
      extract.on('entry', (_header: Header, stream: Source, next: (error?: Error | null) => void) => {
        entries++;
        stream.on('end', next);
        stream.resume();
      });
      const outcome = await handle.streamLayer(layer, extractSink(extract), budget);
      compressedBytes += outcome.compressedBytes;
      uncompressedBytes += outcome.uncompressedBytes;
    }
    return { layers: handle.info.layers.length, entries, compressedBytes, uncompressedBytes };
  } finally {
    await handle.close();
  }
}

/** A root filesystem directory as a VirtualFs: listed once, contents read lazily from disk. */
async function readRootfs(root: string, wanted: Wanted, limits: ImageLimits): Promise<Collected<ImageFilesystem>> {
  const fs = new LayeredFs(limits.maxSymlinkHops);
  const diagnostics: Diagnostic[] = [];
  const ops: LayerOp[] = [];
  const loaders = new Map<string, () => Promise<Buffer>>();
  let count = 0;
  const visit = async (dir: string, rel: string): Promise<void> => {
    let handle: Awaited<ReturnType<typeof opendir>>;
    try {
      handle = await opendir(dir);
    } catch (error) {
      diagnostics.push({
        level: 'warning',
        code: 'image.unreadable',
        message: `root filesystem ${root}: directory /${rel} cannot be read (${(error as Error).message})`,
        location: { file: root, path: rel },
      });
      return;
    }
    for await (const dirent of handle) {
      count++;
      if (count > limits.maxEntries) {
        if (count === limits.maxEntries + 1) {
          diagnostics.push({
            level: 'error',
            code: 'image.too-many-entries',
            message: `root filesystem ${root} has more than ${limits.maxEntries} entries; the rest is skipped`,
            location: { file: root },
          });
        }
        return;
      }
      const path = rel === '' ? dirent.name : `${rel}/${dirent.name}`;
      const full = join(dir, dirent.name);
      const info = await lstat(full);
      const mode = info.mode & 0o7777;
      if (info.isDirectory()) {
        ops.push({ kind: 'entry', path, type: 'dir', size: 0, mode, wanted: false });
        await visit(full, path);
      } else if (info.isSymbolicLink()) {
        ops.push({
          kind: 'entry',
          path,
          type: 'symlink',
          size: 0,
          mode,
          linkTarget: await readlink(full),
          wanted: wanted(path, 0) !== false,
        });
      } else if (info.isFile()) {
        const want = wanted(path, info.size);
        const cap = typeof want === 'number' ? Math.min(want, limits.maxFileBytes) : limits.maxFileBytes;
        const tooLarge = want !== false && info.size > cap;
        ops.push({
          kind: 'entry',
          path,
          type: 'file',
          size: info.size,
          mode,
          wanted: want !== false,
          ...(tooLarge ? { omitted: `too-large:${cap}` } : {}),
        });
        if (!tooLarge) {
          loaders.set(path, () => readNoFollow(full, info.size, cap));
        }
      } else {
        ops.push({ kind: 'entry', path, type: 'other', size: 0, mode, wanted: false });
      }
    }
  };
  await visit(root, '');
  fs.applyLayer(-1, undefined, ops);
  for (const [path, node] of fs.nodes()) {
    const load = loaders.get(path);
    if (load && node.type === 'file') {
      node.load = load;
    }
    if (node.omitted) {
      diagnostics.push(omittedDiagnostic(root, path, node, limits));
    }
    if (node.wanted && node.type === 'symlink' && fs.resolve(path).kind === 'loop') {
      diagnostics.push({
        level: 'error',
        code: 'image.symlink-loop',
        message: `root filesystem ${root}: symlink ${path} does not resolve (more than ${limits.maxSymlinkHops} hops, a loop); not analysed`,
        location: { file: root, path },
      });
    }
  }
  const image: ImageInfo = { name: root, source: root, format: 'rootfs', layers: [] };
  return { value: { image, files: fs, layers: [] }, diagnostics };
}

/** Reads a regular file without following a symlink at its last component, up to `cap` bytes. */
async function readNoFollow(path: string, size: number, cap: number): Promise<Buffer> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const length = Math.min(size, cap);
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
