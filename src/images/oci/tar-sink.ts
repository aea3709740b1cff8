/**
 * Bridges tar-stream 3 (built on streamx, not on node:stream) to node:stream: a node Writable that
 * feeds a tar-stream extractor with backpressure and reports its parse errors, plus helpers to
 * drain or collect one entry's bytes by events (so a destroyed entry rejects instead of hanging).
 */
import { Writable } from 'node:stream';
import type { Extract, ExtractEvents } from 'tar-stream';

/** One entry's byte stream (tar-stream does not export its type). */
export type Source = ExtractEvents['entry'][1];

/** A node Writable that writes into `extract`; it fails with the extractor's error (bad header, unexpected end). */
export function extractSink(extract: Extract): Writable {
  let failure: Error | undefined;
  let pending: ((error?: Error | null) => void) | undefined;
  const settle = (error?: Error): void => {
    const callback = pending;
    pending = undefined;
    callback?.(error ?? null);
  };
  extract.on('error', (error: Error) => {
    failure = error;
    settle(error);
  });
  extract.on('drain', () => settle());
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      if (failure) {
        callback(failure);
        return;
      }
      if (extract.write(chunk)) {
        callback();
        return;
      }
      pending = callback;
    },
    final(callback) {
      if (failure) {
        callback(failure);
        return;
      }
      pending = callback;
      extract.once('finish', () => settle());
      extract.once('close', () => settle(failure ?? new Error('tar extraction closed before the end of data')));
      extract.end(undefined);
    },
    destroy(error, callback) {
      extract.destroy(error ?? new Error('tar extraction aborted'));
      callback(error);
    },
  });
}

function onceEnded(stream: Source): Promise<void> {
  return new Promise((resolve, reject) => {
    let ended = false;
    stream.once('end', () => {
      ended = true;
      resolve();
    });
    stream.once('error', (error: Error) => reject(error));
    stream.once('close', () => {
      if (!ended) {
        reject(new Error('tar entry closed before its end (truncated)'));
      }
    });
  });
}

/**
 * Discards an entry's bytes, then calls `done`. Callback-style and with two plain listeners, as the
 * floor benchmark's walk: this runs for nearly every entry. An entry cut short (truncated layer)
 * never ends: the extractor itself then fails with the truncation, and the layer's pipeline with it.
 */
export function skipEntry(stream: Source, done: (error?: Error) => void): void {
  stream.on('end', () => done());
  stream.on('error', (error: Error) => done(error));
  stream.resume();
}

/** Discards an entry's bytes. */
export function drainEntry(stream: Source): Promise<void> {
  const done = onceEnded(stream);
  stream.resume();
  return done;
}

/** Collects an entry's bytes; rejects when fewer than `size` arrive. */
export async function collectEntry(stream: Source, size: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  stream.on('data', (data: unknown) => {
    const chunk = data as Buffer;
    chunks.push(chunk);
    total += chunk.length;
  });
  await onceEnded(stream);
  if (total !== size) {
    throw new Error(`tar entry ended after ${total} of ${size} bytes`);
  }
  return Buffer.concat(chunks, total);
}
