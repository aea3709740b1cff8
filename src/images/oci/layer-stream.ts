/**
 * Streaming one layer blob: detect its compression by magic bytes (gzip 1f 8b, zstd 28 b5 2f fd,
 * else an uncompressed tar), decompress with node:zlib, and verify while streaming.
 *
 * What is verified, and why that is enough:
 * - the stored blob's sha256 against the descriptor digest (when the source gives one) and its
 *   length against the descriptor size;
 * - the uncompressed tar's sha256 against the config's rootfs.diff_ids entry, but only when the blob
 *   has no descriptor digest (docker-save members without a digest in their name; an uncompressed
 *   blob without one is checked against its diff ID once, as the same bytes).
 * The chain of trust is the manifest: it is checked against the digest it is named by, and it pins
 * the config's digest and every layer blob's digest and size. Once the blob matches, every byte the
 * scan reads is the byte the manifest names (decompression is a pure function of the blob), so a
 * second hash of the uncompressed stream cannot detect any tampering the first did not. What it
 * would detect is an image whose own config states a wrong diff ID: container runtimes refuse to
 * unpack such an image (containerd and CRI-O check diff IDs), so it never runs, and Palisade never
 * trusts an unverified diff ID to identify content: the layer cache (cache.ts) keys entries by the
 * verified blob digest together with the diff ID. Skipping that second hash saves about a third of
 * the hashing (the uncompressed tar is usually 2-3x the blob).
 *
 * A mismatch throws InputError naming the image and the layer. Decompression stops with an
 * `image.decompression-bomb` diagnostic when a layer, or the image, grows past its limits or the
 * layer's expansion ratio is absurd. A blob shorter than its descriptor, or a stream that ends early
 * or is corrupt, yields `image.truncated` / `image.corrupt-layer`: the sink keeps what it read.
 * When a stream fails, the blob is re-read and hashed to the end, so a tampered blob is still refused
 * with InputError rather than reported as merely corrupt.
 */
import { createHash, type Hash } from 'node:crypto';
import { PassThrough, Transform, type TransformCallback, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createZstdDecompress } from 'node:zlib';
import { type Diagnostic, InputError, PalisadeError } from '#core';
import type { BlobSource } from './blob-source.ts';
import type { Compression, LayerBudget, LayerOutcome, LayerRef } from './types.ts';

export function detectCompression(head: Buffer): Compression {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) {
    return 'gzip';
  }
  if (head.length >= 4 && head.readUInt32LE(0) === 0xfd2fb528) {
    return 'zstd';
  }
  return 'none';
}

/**
 * Output chunk of the decompressors. node:zlib's default (16 KiB) makes one round trip to the
 * thread pool, one Buffer and one tar-parser call per 16 KiB: for a 160 MiB layer, 10,000 of them,
 * which cost more than the inflating itself. 256 KiB chunks make a layer read about 1.5x faster
 * (measured on the benchmark image); the floor benchmark streams through the same code.
 */
const CHUNK_BYTES = 256 * 1024;

export class DecompressionBombError extends Error {}

/** Counts (and optionally hashes) the bytes flowing through. */
class Tap extends Transform {
  bytes = 0;
  ended = false;
  readonly hash: Hash | undefined;
  readonly check: ((bytes: number) => void) | undefined;
  constructor(algorithm: string | undefined, check?: (bytes: number) => void) {
    super();
    this.hash = algorithm ? createHash(algorithm) : undefined;
    this.check = check;
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    this.hash?.update(chunk);
    try {
      this.check?.(this.bytes);
    } catch (error) {
      callback(error as Error);
      return;
    }
    callback(null, chunk);
  }
  override _flush(callback: TransformCallback): void {
    this.ended = true;
    callback();
  }
  digest(): string | undefined {
    return this.hash?.digest('hex');
  }
}

/** `sha256:abc` → ['sha256', 'abc'], for the algorithms node:crypto can check. */
export function splitDigest(digest: string): { algorithm: 'sha256' | 'sha512'; hex: string } | undefined {
  const match = /^(?<algorithm>sha256|sha512):(?<hex>[a-f0-9]+)$/.exec(digest);
  if (!match?.groups) {
    return undefined;
  }
  const algorithm = match.groups.algorithm === 'sha512' ? 'sha512' : 'sha256';
  const expected = algorithm === 'sha256' ? 64 : 128;
  return match.groups.hex?.length === expected ? { algorithm, hex: match.groups.hex } : undefined;
}

export interface StreamLayerContext {
  readonly source: BlobSource;
  /** Image name for messages. */
  readonly image: string;
  /** Hash while streaming (on by default: only the floor benchmark turns it off). */
  readonly verify?: boolean;
}

function layerLabel(layer: LayerRef): string {
  return `layer ${layer.index + 1} (${layer.diffId})`;
}

function classify(error: unknown): { code: string; detail: string } | undefined {
  if (error instanceof PalisadeError) {
    return undefined;
  }
  if (error instanceof DecompressionBombError) {
    return { code: 'image.decompression-bomb', detail: error.message };
  }
  const err = error as NodeJS.ErrnoException;
  if (typeof err?.syscall === 'string') {
    return undefined; // an I/O failure of the machine, not of the input
  }
  const message = err instanceof Error ? err.message : String(error);
  if (/unexpected end|end of data|premature|truncat/i.test(message)) {
    return { code: 'image.truncated', detail: message };
  }
  return { code: 'image.corrupt-layer', detail: message };
}

async function hashWhole(source: BlobSource, name: string, algorithm: string): Promise<{ hex: string; bytes: number }> {
  const hash = createHash(algorithm);
  let bytes = 0;
  for await (const chunk of (await source.open(name)) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  return { hex: hash.digest('hex'), bytes };
}

/** Streams a layer's uncompressed tar into `sink`, verifying digests; see the file header. */
export async function streamLayerBlob(
  ctx: StreamLayerContext,
  layer: LayerRef,
  sink: Writable,
  budget: LayerBudget,
): Promise<LayerOutcome> {
  const { source, image } = ctx;
  const verify = ctx.verify !== false;
  const diagnostics: Diagnostic[] = [];
  const location = { file: image, path: `${layerLabel(layer)} ${layer.blobPath}` };
  const stat = await source.stat(layer.blobPath);
  if (!stat) {
    sink.end();
    diagnostics.push({
      level: 'error',
      code: 'image.missing-layer',
      message: `image ${image}: ${layerLabel(layer)} blob ${layer.blobPath} is missing; its files and deletions are not applied`,
      location,
    });
    return { compression: 'none', compressedBytes: 0, uncompressedBytes: 0, complete: false, diagnostics };
  }
  const truncatedBlob = stat.available < layer.size;
  const compression = detectCompression(await source.head(layer.blobPath, 4));
  // An uncompressed blob is its own diff: without a descriptor digest, check the blob against the diff ID.
  const expectedBlobDigest = layer.digest ?? (compression === 'none' ? layer.diffId : undefined);
  const blobDigest = expectedBlobDigest ? splitDigest(expectedBlobDigest) : undefined;
  const diffDigest = splitDigest(layer.diffId);
  if (verify && layer.digest && !blobDigest) {
    throw new InputError(
      'input.unsupported',
      `image ${image}: ${layerLabel(layer)} has an unsupported digest ${layer.digest}`,
      { location },
    );
  }
  if (verify && !diffDigest) {
    throw new InputError('input.unsupported', `image ${image}: ${layerLabel(layer)} has an unsupported diff ID`, {
      location,
    });
  }
  const { limits } = budget;
  const rawTap = new Tap(verify ? blobDigest?.algorithm : undefined);
  const startTotal = budget.uncompressedSoFar;
  // The diff ID is hashed only when the blob has no digest of its own (see the file header); an
  // uncompressed blob checked against its diff ID needs no second hash of the same bytes.
  const checkDiff = verify && blobDigest === undefined;
  const outTap = new Tap(checkDiff ? diffDigest?.algorithm : undefined, (bytes) => {
    budget.uncompressedSoFar = startTotal + bytes;
    if (bytes > limits.maxLayerBytes) {
      throw new DecompressionBombError(`uncompressed size passed the layer limit of ${limits.maxLayerBytes} bytes`);
    }
    if (budget.uncompressedSoFar > limits.maxImageBytes) {
      throw new DecompressionBombError(`uncompressed size passed the image limit of ${limits.maxImageBytes} bytes`);
    }
    if (
      compression !== 'none' &&
      bytes > limits.ratioGraceBytes &&
      bytes > limits.maxRatio * Math.max(rawTap.bytes, 1)
    ) {
      throw new DecompressionBombError(
        `expanded ${bytes} bytes from ${rawTap.bytes} compressed bytes, above the ratio limit of ${limits.maxRatio}`,
      );
    }
  });
  const decompressor =
    compression === 'gzip'
      ? createGunzip({ chunkSize: CHUNK_BYTES })
      : compression === 'zstd'
        ? createZstdDecompress({ chunkSize: CHUNK_BYTES })
        : new PassThrough();
  let failure: unknown;
  try {
    await pipeline(await source.open(layer.blobPath), rawTap, decompressor, outTap, sink);
  } catch (error) {
    failure = error;
  }
  const problem = failure === undefined ? undefined : classify(failure);
  if (failure !== undefined && problem === undefined) {
    throw failure;
  }
  const outcome = (complete: boolean): LayerOutcome => ({
    compression,
    compressedBytes: rawTap.bytes,
    uncompressedBytes: outTap.bytes,
    complete,
    diagnostics,
  });
  if (truncatedBlob) {
    diagnostics.push({
      level: 'error',
      code: 'image.truncated',
      message: `image ${image}: ${layerLabel(layer)} blob ${layer.blobPath} is truncated (${stat.available} of ${layer.size} bytes); files read before the cut are kept unverified`,
      location,
    });
    return outcome(false);
  }
  if (verify && blobDigest) {
    let actual: string | undefined;
    let bytes = rawTap.bytes;
    if (rawTap.ended) {
      actual = rawTap.digest();
    } else {
      const whole = await hashWhole(source, layer.blobPath, blobDigest.algorithm);
      actual = whole.hex;
      bytes = whole.bytes;
    }
    if (actual !== blobDigest.hex || bytes !== layer.size) {
      throw new InputError(
        'input.invalid',
        `image ${image}: ${layerLabel(layer)} blob ${layer.blobPath} does not match its digest ${expectedBlobDigest} (got ${blobDigest.algorithm}:${actual}, ${bytes} of ${layer.size} bytes); refusing the image`,
        { location },
      );
    }
  }
  if (problem) {
    const what =
      problem.code === 'image.decompression-bomb'
        ? 'stopped decompressing'
        : problem.code === 'image.truncated'
          ? 'ends early'
          : 'is corrupt';
    diagnostics.push({
      level: 'error',
      code: problem.code,
      message: `image ${image}: ${layerLabel(layer)} ${what} after ${outTap.bytes} uncompressed bytes (${problem.detail}); files read before it are kept, the rest of the layer is skipped`,
      location,
    });
    return outcome(false);
  }
  if (checkDiff && diffDigest) {
    const actual = outTap.digest();
    if (actual !== diffDigest.hex) {
      throw new InputError(
        'input.invalid',
        `image ${image}: ${layerLabel(layer)} uncompressed content does not match its diff ID ${layer.diffId} (got ${diffDigest.algorithm}:${actual}); refusing the image`,
        { location },
      );
    }
  }
  return outcome(true);
}

/**
 * Checks a layer blob against its digest without decompressing it, for a layer whose contents come
 * from the layer cache. 'verified' when the blob hashes to its descriptor digest (or, uncompressed and
 * without one, to its diff ID); 'unverifiable' when it cannot be checked that way (missing,
 * truncated, or compressed without a digest): the caller then reads the layer normally. A mismatch
 * throws InputError, as a full read would.
 */
export async function verifyLayerBlob(ctx: StreamLayerContext, layer: LayerRef): Promise<'verified' | 'unverifiable'> {
  const { source, image } = ctx;
  const stat = await source.stat(layer.blobPath);
  if (!stat || stat.available < layer.size) {
    return 'unverifiable';
  }
  const expected =
    layer.digest ?? (detectCompression(await source.head(layer.blobPath, 4)) === 'none' ? layer.diffId : undefined);
  const digest = expected ? splitDigest(expected) : undefined;
  if (!expected || !digest) {
    return 'unverifiable';
  }
  const whole = await hashWhole(source, layer.blobPath, digest.algorithm);
  if (whole.hex !== digest.hex || whole.bytes !== layer.size) {
    throw new InputError(
      'input.invalid',
      `image ${image}: ${layerLabel(layer)} blob ${layer.blobPath} does not match its digest ${expected} (got ${digest.algorithm}:${whole.hex}, ${whole.bytes} of ${layer.size} bytes); refusing the image`,
      { location: { file: image, path: `${layerLabel(layer)} ${layer.blobPath}` } },
    );
  }
  return 'verified';
}
