/**
 * The entry points the scan pipeline calls: read an image (OCI layout, OCI archive, docker-save
 * archive) or a root filesystem directory into a VirtualFs, keeping the content of the files the
 * caller wants, in one streaming pass per layer.
 *
 *   openImageFilesystem(source, { platform, tag, wanted, limits, cache, persist, history })
 *     → Promise<Collected<OpenedImage>>    (the image stays open until close())
 *   readImageFilesystem(source, options)
 *     → Promise<Collected<{ image: ImageInfo; files: VirtualFs; layers: LayerSummary[] }>>
 *
 * - `wanted(path, size)` is asked for every file, symlink and hard link of every layer (path without
 *   leading '/'): `false` skips the content, `true` keeps it up to `limits.maxFileBytes`, a number
 *   keeps it up to that many bytes (an analyzer's maxFileBytes). A wanted file above its cap is
 *   listed with `omitted: 'too-large'` and one `image.file-too-large` diagnostic if it is in the
 *   final view.
 * - Bytes that were not kept (the target of a wanted link, a file whose layer came from the cache
 *   without it) are fetched from their layer when asked: `OpenedImage.fetch(paths)` (one pass per
 *   layer for all of them) or `files.readFile(path)` while the image is open. readImageFilesystem
 *   fetches every wanted file and link target before it closes the image, so its view is complete.
 * - Layers are applied in order with whiteouts and opaque directories (filesystem.ts); each file
 *   records the diff ID of the layer that wrote it last. `history(path)` selects paths (package
 *   databases) whose every layer's version is kept: `OpenedImage.versions(path)`.
 * - With `cache`, each layer is first looked up in the layer cache (cache.ts): a hit, once its blob
 *   has been hashed and matched, gives the layer's entries and persisted contents without
 *   decompressing it; a complete, verified, diagnostic-free layer read now is stored by `commit()`,
 *   with the analysis results the caller attached (`results(layerIndex)`).
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
import { join } from 'node:path';
import tar, { type Header } from 'tar-stream';
import type { Collected, Diagnostic } from '#core';
import type { LayerCache, LayerRecord } from './cache.ts';
import { entryLocation, LayeredFs, type LayerOp, type Node, type VirtualFs } from './filesystem.ts';
import { normaliseEntryName } from './member-name.ts';
import { detectSource, type OpenImageOptions, openImage } from './source.ts';
import { collectEntry, drainEntry, extractSink, type Source, skipEntry } from './tar-sink.ts';
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
  /** The layer cache and the scope of its records (see cache.ts); without it every layer is read. */
  readonly cache?: { readonly store: LayerCache; readonly scope: string };
  /** Kept files whose bytes a cache record stores (default all); the others are fetched from the layer again when needed. */
  readonly persist?: (path: string) => boolean;
  /** Paths whose every layer's version is kept (OpenedImage.versions); their bytes are persisted too. */
  readonly history?: (path: string) => boolean;
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
  // Returns the file to keep, or undefined to skip the entry's bytes: most entries are skipped, and
  // skipping them without a promise per entry keeps the walk close to the floor's speed.
  const handle = (header: Header): { path: string; size: number; mode: number } | undefined => {
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
      return undefined;
    }
    const normal = normaliseEntryName(header.name);
    if (normal.kind === 'traversal') {
      diag('error', 'image.path-traversal', header.name, `entry "${header.name}" leaves the image root; skipped`);
      return undefined;
    }
    if (normal.kind === 'root') {
      return undefined;
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
      return undefined;
    }
    const slash = path.lastIndexOf('/');
    const base = path.slice(slash + 1);
    if (base.startsWith(WHITEOUT)) {
      const dir = slash < 0 ? '' : path.slice(0, slash);
      if (base === OPAQUE) {
        ops.push({ kind: 'opaque', dir });
      } else if (!base.startsWith(`${WHITEOUT}${WHITEOUT}`)) {
        ops.push({
          kind: 'whiteout',
          path: dir === '' ? base.slice(WHITEOUT.length) : `${dir}/${base.slice(WHITEOUT.length)}`,
        });
      }
      return undefined;
    }
    const mode = header.mode ?? 0;
    switch (header.type) {
      case 'directory':
        ops.push({ kind: 'entry', path, type: 'dir', size: 0, mode, wanted: false });
        return undefined;
      case 'symlink':
        ops.push({
          kind: 'entry',
          path,
          type: 'symlink',
          size: 0,
          mode,
          linkTarget: header.linkname ?? '',
          wanted: state.wanted(path, 0) !== false,
        });
        return undefined;
      case 'link': {
        const target = normaliseEntryName(header.linkname ?? '');
        if (target.kind !== 'ok') {
          diag(
            'error',
            'image.path-traversal',
            path,
            `hard link ${path} points to "${header.linkname ?? ''}", outside the image root; skipped`,
          );
          return undefined;
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
        return undefined;
      }
      case 'file':
      case 'contiguous-file':
        break;
      default:
        ops.push({ kind: 'entry', path, type: 'other', size: 0, mode, wanted: false });
        return undefined;
    }
    const want = state.wanted(path, size);
    if (want === false) {
      ops.push({ kind: 'entry', path, type: 'file', size, mode, wanted: false });
      return undefined;
    }
    const cap = typeof want === 'number' ? Math.min(want, state.limits.maxFileBytes) : state.limits.maxFileBytes;
    if (size > cap) {
      ops.push({ kind: 'entry', path, type: 'file', size, mode, wanted: true, omitted: `too-large:${cap}` });
      return undefined;
    }
    if (state.retainedBytes + size > state.limits.maxRetainedBytes) {
      ops.push({ kind: 'entry', path, type: 'file', size, mode, wanted: true, omitted: 'retain-cap' });
      return undefined;
    }
    return { path, size, mode };
  };
  extract.on('entry', (header: Header, stream: Source, next: (error?: Error | null) => void) => {
    const keep = handle(header);
    if (!keep) {
      skipEntry(stream, next);
      return;
    }
    collectEntry(stream, keep.size).then(
      (content) => {
        state.retainedBytes += keep.size;
        ops.push({ kind: 'entry', ...keep, type: 'file', wanted: true, content });
        next();
      },
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

/** Nodes to load, by layer index and by path in that layer's tar. */
type Requests = Map<number, Map<string, Node[]>>;

/** One more pass over each requested layer, keeping the requested entries' bytes. */
async function fetchPass(
  handle: ImageHandle,
  requests: Requests,
  state: WalkState,
  limits: ImageLimits,
  stats: LayerReadStats,
): Promise<void> {
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
        state.retainedBytes + size > limits.maxRetainedBytes
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
    stats.decompressions++;
    // Problems were reported by the first pass; a digest mismatch still throws.
    await handle.streamLayer(layer, extractSink(extract), { limits, uncompressedSoFar: 0 });
  }
}

/**
 * The diagnostics of the final view, in one walk: a wanted file that was not kept (too large, retain
 * cap), a wanted symlink that does not resolve.
 */
function viewDiagnostics(fs: LayeredFs, state: WalkState): void {
  const loops: Diagnostic[] = [];
  for (const [path, node] of fs.nodes()) {
    if (node.omitted && !node.hardlink) {
      state.diagnostics.push(omittedDiagnostic(state.image, path, node, state.limits));
    }
    if (node.wanted && node.type === 'symlink' && fs.resolve(path).kind === 'loop') {
      loops.push({
        level: 'error',
        code: 'image.symlink-loop',
        message: `image ${state.image}: symlink ${path} does not resolve (more than ${state.limits.maxSymlinkHops} hops, a loop); not analysed`,
        location: entryLocation(state.image, node.layerIndex, node.layer, path),
      });
    }
  }
  state.diagnostics.push(...loops);
}

/** Where the bytes of `path`'s file must come from, or undefined when they are kept or cannot be fetched. */
function request(fs: LayeredFs, state: WalkState, path: string, requests: Requests): void {
  const target = fs.resolveNode(path);
  if (target?.type !== 'file' || target.content || target.load || target.omitted || !target.origin) {
    return;
  }
  const cap = state.wanted(path, target.size);
  const limit = typeof cap === 'number' ? Math.min(cap, state.limits.maxFileBytes) : state.limits.maxFileBytes;
  if (target.size > limit) {
    target.omitted = `too-large:${limit}`;
    state.diagnostics.push(omittedDiagnostic(state.image, path, target, state.limits));
    return;
  }
  const perLayer = requests.get(target.origin.layerIndex) ?? new Map<string, Node[]>();
  requests.set(target.origin.layerIndex, perLayer);
  perLayer.set(target.origin.path, [...(perLayer.get(target.origin.path) ?? []), target]);
}

/** The content of a path as one layer left it. */
export interface PathVersion {
  readonly layerIndex: number;
  readonly diffId: string;
  /** Undefined when the layer deleted the path, or wrote it but its content was not kept. */
  readonly content?: Buffer;
  readonly deleted?: boolean;
}

/** Counters of one read, for statistics and tests. */
export interface LayerReadStats {
  /** Layer decompressions: first passes and follow-up passes. */
  decompressions: number;
  /** Indexes of the layers whose entries came from the layer cache (their blobs were hashed, not decompressed). */
  readonly cachedLayers: number[];
  /** Layer records written to the cache. */
  written: number;
}

/** Analysis results stored with a cached layer (see cache.ts). */
export interface LayerResults {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
}

/** An image opened for analysis: its final view, and the layers still readable until close(). */
export interface OpenedImage extends ImageFilesystem {
  readonly stats: LayerReadStats;
  /** Each layer's version of `path` (only for paths chosen by `history`), in layer order. */
  versions(path: string): readonly PathVersion[];
  /** The layer index and tar path the bytes of the file at `path` come from (no symlinks followed). */
  origin(path: string): { readonly layerIndex: number; readonly path: string } | undefined;
  /** Loads the bytes of these wanted files (or link targets) that are not kept: one pass per layer. */
  fetch(paths: Iterable<string>): Promise<void>;
  /** The cached-results store of a layer, or undefined when the layer is not cached or cacheable. */
  results(layerIndex: number): LayerResults | undefined;
  /** Writes the cache records of layers read now, and of cached layers given new results. */
  commit(): Promise<Diagnostic[]>;
  close(): Promise<void>;
}

interface Cached {
  readonly key: string;
  readonly record: LayerRecord;
  dirty: boolean;
}

/**
 * Opens an image (or root filesystem directory) for analysis: every layer is walked (or taken from
 * the layer cache) into the final view, wanted files are kept, and the image stays open so that
 * files whose bytes were not kept can be fetched (fetch, or readFile on the view) until close().
 */
export async function openImageFilesystem(
  source: string,
  options: ReadImageOptions = {},
): Promise<Collected<OpenedImage>> {
  const limits: ImageLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const wanted: Wanted = options.wanted ?? (() => false);
  if ((await detectSource(source)) === 'rootfs') {
    const rootfs = await readRootfs(source, wanted, limits);
    const stats: LayerReadStats = { decompressions: 0, cachedLayers: [], written: 0 };
    return {
      value: {
        ...rootfs.value,
        stats,
        versions: () => [],
        origin: () => undefined,
        fetch: async () => {},
        results: () => undefined,
        commit: async () => [],
        close: async () => {},
      },
      diagnostics: rootfs.diagnostics,
    };
  }
  const handle = await openImage(source, options);
  try {
    const opened = await walkImage(handle, options, limits, wanted);
    return opened;
  } catch (error) {
    await handle.close();
    throw error;
  }
}

async function walkImage(
  handle: ImageHandle,
  options: ReadImageOptions,
  limits: ImageLimits,
  wanted: Wanted,
): Promise<Collected<OpenedImage>> {
  const image = handle.info.name;
  const state: WalkState = { image, limits, wanted, diagnostics: [...handle.archiveDiagnostics], retainedBytes: 0 };
  const fs = new LayeredFs(limits.maxSymlinkHops);
  const budget: LayerBudget = { limits, uncompressedSoFar: 0 };
  const layers: LayerSummary[] = [];
  const stats: LayerReadStats = { decompressions: 0, cachedLayers: [], written: 0 };
  const cache = options.cache;
  const persist = options.persist ?? (() => true);
  const history = options.history ?? (() => false);
  const verifying = options.verify !== false;
  const records = new Map<number, Cached>();
  const versions = new Map<string, PathVersion[]>();
  const cacheLimits = {
    maxEntryBytes: limits.maxEntryBytes,
    maxFileBytes: limits.maxFileBytes,
    maxEntries: limits.maxEntries,
  };
  const keyOf = (layer: LayerRef): string | undefined =>
    cache && verifying
      ? cache.store.key({
          scope: cache.scope,
          diffId: layer.diffId,
          blob: layer.digest ?? layer.diffId,
          limits: cacheLimits,
        })
      : undefined;

  for (const layer of handle.info.layers) {
    const key = keyOf(layer);
    let record = key ? await cache?.store.get(key) : undefined;
    if (record && (record.diffId !== layer.diffId || (await handle.verifyLayer(layer)) !== 'verified')) {
      record = undefined;
    }
    let ops: LayerOp[];
    if (record && key) {
      ops = record.ops.map((op) => {
        if (op.kind !== 'entry' || op.type !== 'file' || !op.wanted || op.omitted) {
          return op;
        }
        // Count kept files against the budget as a full read would, so later layers keep the same files.
        state.retainedBytes += op.size;
        const content = record.contents.get(op.path);
        return content ? { ...op, content } : op;
      });
      budget.uncompressedSoFar += record.uncompressedBytes;
      records.set(layer.index, { key, record, dirty: false });
      stats.cachedLayers.push(layer.index);
      layers.push({
        index: layer.index,
        diffId: layer.diffId,
        ...(layer.digest ? { digest: layer.digest } : {}),
        compression: record.compression,
        compressedBytes: record.compressedBytes,
        uncompressedBytes: record.uncompressedBytes,
        entries: record.entries,
        complete: true,
      });
    } else {
      ops = [];
      const before = state.diagnostics.length;
      const { extract, count } = layerExtractor(state, layer, ops);
      stats.decompressions++;
      const outcome = await handle.streamLayer(layer, extractSink(extract), budget);
      const clean = state.diagnostics.length === before && outcome.diagnostics.length === 0 && outcome.complete;
      state.diagnostics.push(...outcome.diagnostics);
      const summary: LayerSummary = {
        index: layer.index,
        diffId: layer.diffId,
        ...(layer.digest ? { digest: layer.digest } : {}),
        compression: outcome.compression,
        compressedBytes: outcome.compressedBytes,
        uncompressedBytes: outcome.uncompressedBytes,
        entries: count(),
        complete: outcome.complete,
      };
      layers.push(summary);
      const verifiedBlob = layer.digest ?? (outcome.compression === 'none' ? layer.diffId : undefined);
      if (
        key &&
        clean &&
        verifiedBlob !== undefined &&
        !ops.some((op) => op.kind === 'entry' && op.omitted === 'retain-cap')
      ) {
        const contents = new Map<string, Buffer>();
        for (const op of ops) {
          if (op.kind === 'entry' && op.content && (persist(op.path) || history(op.path))) {
            contents.set(op.path, op.content);
          }
        }
        records.set(layer.index, {
          key,
          dirty: true,
          record: {
            diffId: layer.diffId,
            blob: verifiedBlob,
            compression: summary.compression,
            compressedBytes: summary.compressedBytes,
            uncompressedBytes: summary.uncompressedBytes,
            entries: summary.entries,
            ops: ops.map((op) => (op.kind === 'entry' && op.content ? { ...op, content: undefined } : op)),
            contents,
            results: new Map(),
          },
        });
      }
    }
    for (const problem of fs.applyLayer(layer.index, layer.diffId, ops)) {
      state.diagnostics.push({
        level: 'error',
        code: problem.code,
        message: `image ${image}: layer ${layer.index + 1} (${layer.diffId}): ${problem.message}`,
        location: entryLocation(image, layer.index, layer.diffId, problem.path),
      });
    }
    trackVersions(fs, layer, ops, history, versions);
  }
  viewDiagnostics(fs, state);
  let open = true;
  fs.fetcher = async (node) => {
    if (!open || !node.origin) {
      return undefined;
    }
    await fetchPass(
      handle,
      new Map([[node.origin.layerIndex, new Map([[node.origin.path, [node]]])]]),
      state,
      limits,
      stats,
    );
    return node.content;
  };
  const opened: OpenedImage = {
    image: handle.info,
    files: fs,
    layers,
    stats,
    versions: (path) => versions.get(path) ?? [],
    origin: (path) => {
      const walk = fs.walk(path, false);
      return walk.kind === 'found' ? walk.node.origin : undefined;
    },
    async fetch(paths) {
      if (!open) {
        return;
      }
      const requests: Requests = new Map();
      for (const path of paths) {
        request(fs, state, path, requests);
      }
      await fetchPass(handle, requests, state, limits, stats);
    },
    results(layerIndex) {
      const cached = records.get(layerIndex);
      if (!cached) {
        return undefined;
      }
      return {
        get: (key) => cached.record.results.get(key),
        set: (key, value) => {
          cached.record.results.set(key, value);
          cached.dirty = true;
        },
      };
    },
    async commit() {
      const problems: Diagnostic[] = [];
      if (!cache) {
        return problems;
      }
      for (const [index, cached] of records) {
        if (!cached.dirty) {
          continue;
        }
        try {
          await cache.store.put(cached.key, cached.record);
          cached.dirty = false;
          stats.written++;
        } catch (error) {
          problems.push({
            level: 'warning',
            code: 'image.cache-write',
            message: `image ${image}: layer ${index + 1} could not be stored in the layer cache ${cache.store.dir} (${error instanceof Error ? error.message : String(error)}); the next scan reads it again`,
            location: { file: cache.store.dir },
          });
        }
      }
      return problems;
    },
    async close() {
      if (open) {
        open = false;
        fs.fetcher = undefined;
        await handle.close();
      }
    },
  };
  return { value: opened, diagnostics: state.diagnostics };
}

/** Records, for the paths `history` selects, the version of the file each layer left. */
function trackVersions(
  fs: LayeredFs,
  layer: LayerRef,
  ops: readonly LayerOp[],
  history: (path: string) => boolean,
  versions: Map<string, PathVersion[]>,
): void {
  const written = new Set<string>();
  for (const op of ops) {
    if (op.kind !== 'entry' || op.type !== 'file' || !history(op.path)) {
      continue;
    }
    const path = fs.stat(op.path)?.path ?? op.path;
    written.add(path);
    const list = versions.get(path) ?? [];
    versions.set(path, list);
    list.push({ layerIndex: layer.index, diffId: layer.diffId, ...(op.content ? { content: op.content } : {}) });
  }
  for (const [path, list] of versions) {
    if (written.has(path) || list[list.length - 1]?.deleted) {
      continue;
    }
    if (fs.stat(path)?.type !== 'file') {
      list.push({ layerIndex: layer.index, diffId: layer.diffId, deleted: true });
    }
  }
}

/** Reads an image or root filesystem directory, keeping every wanted file's bytes; see the file header. */
export async function readImageFilesystem(
  source: string,
  options: ReadImageOptions = {},
): Promise<Collected<ImageFilesystem>> {
  const opened = await openImageFilesystem(source, options);
  const { value } = opened;
  try {
    // Wanted files and link targets whose bytes were not kept (link targets that were not wanted
    // themselves, files whose contents the cache does not store) are fetched now, before closing.
    const paths: string[] = [];
    for (const [path, node] of value.files instanceof LayeredFs ? value.files.nodes() : []) {
      if (node.wanted && (node.type === 'symlink' || node.type === 'file')) {
        paths.push(path);
      }
    }
    await value.fetch(paths);
    const written = await value.commit();
    const files = value.files;
    if (files instanceof LayeredFs && value.image.format !== 'rootfs') {
      files.fetcher = undefined;
    }
    return {
      value: { image: value.image, files, layers: value.layers },
      diagnostics: [...opened.diagnostics, ...written],
    };
  } finally {
    await value.close();
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
