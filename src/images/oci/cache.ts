/**
 * The layer cache: what reading one layer produced, stored on disk so that a rescan of the image,
 * or of another image that shares the layer, does not decompress it again.
 *
 * One JSON file per layer and scope under the cache directory (default
 * `$XDG_CACHE_HOME/palisade/layers`, else `~/.cache/palisade/layers`), named by the SHA-256 of its
 * key. A record holds:
 * - the layer's tar entry index as the reader turned it into operations on the view: whiteouts and
 *   opaque markers, then every entry (path, type, size, mode, link target, wanted, why a wanted file
 *   was not kept), and the layer's summary (compression, sizes, entry count);
 * - the kept contents of the files the caller asked to persist (package databases, os-release:
 *   small files that later analysis needs whole); other kept files are listed but not stored;
 * - `results`: what the caller computed from the layer's files (analysis results by file), opaque
 *   here and validated by the caller when read back.
 *
 * Key: the record format (bump CACHE_FORMAT whenever the reader's output for a layer changes), the
 * caller's scope (analyzer ids and versions, what it keeps and persists), the reader limits, the
 * diff ID and the verified identity of the blob (its descriptor digest; for an uncompressed blob
 * without one, its diff ID). A record is written only for a layer that was read completely and
 * verified against that identity without any diagnostic, and it is used only after the blob has been
 * hashed again and matched (cheap: no decompression). Keying by the verified blob digest, not only by
 * the diff ID the image's config claims, means an image with a lying config cannot plant results
 * that another image sharing that diff ID would read.
 *
 * Files are written atomically (temporary file, then rename) so concurrent scans never read half a
 * record; an unreadable or malformed record is a miss and is overwritten. Nothing is evicted: delete
 * the directory to reclaim the space (each record is about 100 bytes per tar entry plus the
 * persisted contents).
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { EntryType, LayerOp } from './filesystem.ts';
import type { Compression } from './types.ts';

/** Bump whenever the reader turns the same layer into different operations or summaries. */
export const CACHE_FORMAT = 1;

/** Where layer records are kept unless told otherwise. */
export function defaultLayerCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'palisade', 'layers');
}

/** One layer, as the reader produced it. */
export interface LayerRecord {
  readonly diffId: string;
  /** The verified identity of the blob: its descriptor digest, or the diff ID of an uncompressed blob without one. */
  readonly blob: string;
  readonly compression: Compression;
  readonly compressedBytes: number;
  readonly uncompressedBytes: number;
  readonly entries: number;
  /** The layer's operations, whiteouts and opaque markers first, then entries, in tar order. */
  readonly ops: readonly LayerOp[];
  /** Persisted contents by tar path (normalised). */
  readonly contents: ReadonlyMap<string, Buffer>;
  /** The caller's results, by the caller's keys; validated by the caller. */
  readonly results: Map<string, unknown>;
}

const TYPE_CODE: Record<EntryType | 'hardlink', string> = {
  file: 'f',
  dir: 'd',
  symlink: 'l',
  hardlink: 'h',
  other: 'o',
};
const CODE_TYPE: Record<string, EntryType | 'hardlink'> = {
  f: 'file',
  d: 'dir',
  l: 'symlink',
  h: 'hardlink',
  o: 'other',
};

type StoredEntry = [
  path: string,
  type: string,
  size: number,
  mode: number,
  link: string | null,
  wanted: 0 | 1,
  omitted: string | null,
];

interface StoredRecord {
  readonly format: number;
  readonly key: string;
  readonly diffId: string;
  readonly blob: string;
  readonly compression: string;
  readonly compressedBytes: number;
  readonly uncompressedBytes: number;
  readonly entries: number;
  readonly marks: [kind: 'w' | 'o', path: string][];
  readonly ops: StoredEntry[];
  readonly contents: Record<string, string>;
  readonly results: Record<string, unknown>;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

/** Checks a parsed record field by field; returns why it is unusable. */
function decode(json: unknown, key: string): LayerRecord | string {
  if (!isObject(json)) {
    return 'not an object';
  }
  if (json.format !== CACHE_FORMAT || json.key !== key) {
    return 'another format or key';
  }
  const { diffId, blob, compression, compressedBytes, uncompressedBytes, entries, marks, ops, contents, results } =
    json;
  if (typeof diffId !== 'string' || typeof blob !== 'string') {
    return 'no diff ID or blob digest';
  }
  if (compression !== 'gzip' && compression !== 'zstd' && compression !== 'none') {
    return 'unknown compression';
  }
  if (!isCount(compressedBytes) || !isCount(uncompressedBytes) || !isCount(entries)) {
    return 'bad sizes';
  }
  if (!Array.isArray(marks) || !Array.isArray(ops) || !isObject(contents) || !isObject(results)) {
    return 'missing sections';
  }
  const decoded: LayerOp[] = [];
  for (const mark of marks) {
    if (!Array.isArray(mark) || mark.length !== 2 || typeof mark[1] !== 'string') {
      return 'bad whiteout';
    }
    if (mark[0] === 'w') {
      decoded.push({ kind: 'whiteout', path: mark[1] });
    } else if (mark[0] === 'o') {
      decoded.push({ kind: 'opaque', dir: mark[1] });
    } else {
      return 'bad whiteout';
    }
  }
  for (const op of ops) {
    if (!Array.isArray(op) || op.length !== 7) {
      return 'bad entry';
    }
    const [path, code, size, mode, link, wanted, omitted] = op as unknown[];
    const type = typeof code === 'string' ? CODE_TYPE[code] : undefined;
    if (
      typeof path !== 'string' ||
      path === '' ||
      type === undefined ||
      !isCount(size) ||
      !isCount(mode) ||
      (link !== null && typeof link !== 'string') ||
      (wanted !== 0 && wanted !== 1) ||
      (omitted !== null && typeof omitted !== 'string')
    ) {
      return `bad entry ${JSON.stringify(op).slice(0, 80)}`;
    }
    decoded.push({
      kind: 'entry',
      path,
      type,
      size,
      mode,
      wanted: wanted === 1,
      ...(link !== null ? { linkTarget: link } : {}),
      ...(omitted !== null ? { omitted } : {}),
    });
  }
  const bytes = new Map<string, Buffer>();
  for (const [path, base64] of Object.entries(contents)) {
    if (typeof base64 !== 'string') {
      return `bad content of ${path}`;
    }
    bytes.set(path, Buffer.from(base64, 'base64'));
  }
  return {
    diffId,
    blob,
    compression,
    compressedBytes,
    uncompressedBytes,
    entries,
    ops: decoded,
    contents: bytes,
    results: new Map(Object.entries(results)),
  };
}

function encode(record: LayerRecord, key: string): string {
  const marks: StoredRecord['marks'] = [];
  const ops: StoredEntry[] = [];
  for (const op of record.ops) {
    if (op.kind === 'whiteout') {
      marks.push(['w', op.path]);
    } else if (op.kind === 'opaque') {
      marks.push(['o', op.dir]);
    } else {
      ops.push([
        op.path,
        TYPE_CODE[op.type],
        op.size,
        op.mode,
        op.linkTarget ?? null,
        op.wanted ? 1 : 0,
        op.omitted ?? null,
      ]);
    }
  }
  const stored: StoredRecord = {
    format: CACHE_FORMAT,
    key,
    diffId: record.diffId,
    blob: record.blob,
    compression: record.compression,
    compressedBytes: record.compressedBytes,
    uncompressedBytes: record.uncompressedBytes,
    entries: record.entries,
    marks,
    ops,
    contents: Object.fromEntries([...record.contents].map(([path, content]) => [path, content.toString('base64')])),
    results: Object.fromEntries(record.results),
  };
  return JSON.stringify(stored);
}

/** What identifies a layer record. */
export interface LayerKey {
  /** The caller's scope: analyzer ids and versions, and what it keeps and persists. */
  readonly scope: string;
  readonly diffId: string;
  /** Verified blob identity (descriptor digest, or the diff ID of an uncompressed blob without one). */
  readonly blob: string;
  /** Reader limits that change which entries are kept or skipped. */
  readonly limits: unknown;
}

export class LayerCache {
  readonly dir: string;
  /** Counters for the caller's statistics and the tests. */
  reads = 0;
  writes = 0;

  constructor(dir: string = defaultLayerCacheDir()) {
    this.dir = dir;
  }

  key(parts: LayerKey): string {
    return createHash('sha256')
      .update(JSON.stringify([CACHE_FORMAT, parts.scope, parts.diffId, parts.blob, parts.limits]))
      .digest('hex');
  }

  private file(key: string): string {
    return join(this.dir, `${key}.json`);
  }

  /** The record for `key`, or undefined (absent, unreadable, malformed: all misses). */
  async get(key: string): Promise<LayerRecord | undefined> {
    let text: string;
    try {
      text = await readFile(this.file(key), 'utf8');
    } catch {
      return undefined;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return undefined;
    }
    const record = decode(json, key);
    if (typeof record === 'string') {
      return undefined;
    }
    this.reads++;
    return record;
  }

  /** Stores a record atomically; throws the file system's error (the caller reports it). */
  async put(key: string, record: LayerRecord): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const target = this.file(key);
    const temp = `${target}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await writeFile(temp, encode(record, key));
      await rename(temp, target);
      this.writes++;
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }
}
