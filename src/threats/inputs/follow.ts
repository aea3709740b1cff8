/**
 * `--follow`: tails a growing JSON-lines file (an audit log or Falco's json_output file) and
 * yields a ThreatEvent for each new complete line, as `tail -F` does. Rotation is handled: when
 * the path names a new file (rename + create, as kube-apiserver and logrotate do) the old file is
 * read to its end and the new one from its start; when the file shrinks (copytruncate) reading
 * restarts at its start. fs.watch on the directory wakes the loop early; polling every `pollMs`
 * (size and inode) is the fallback, since watch events are not reliable on every file system.
 *
 * Only JSON lines are followed (no gzip, no pretty-printed documents). Bad lines become
 * diagnostics naming the file and line, as in readEvents. Ends when `signal` aborts.
 */
import { type FSWatcher, watch } from 'node:fs';
import { type FileHandle, open, stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { Diagnostic } from '#core';
import type { ThreatEvent } from '../event.ts';
import { classify, DIAGNOSTIC_CODES, error, oversized } from './classify.ts';
import { type Line, LineSplitter } from './lines.ts';
import { DEFAULT_MAX_EVENT_BYTES } from './read.ts';

export interface FollowOptions {
  /** Ends the iteration (it returns normally). */
  readonly signal: AbortSignal;
  /** How often to check size and inode when no watch event comes. Default 250 ms. */
  readonly pollMs?: number;
  /** Read the lines already in the file first. Default false: start at its end (after its last complete line). */
  readonly fromStart?: boolean;
  /** Largest line, in bytes. Default 4 MiB. */
  readonly maxEventBytes?: number;
  /** Receives a diagnostic for each bad line. */
  readonly onDiagnostic?: (diagnostic: Diagnostic) => void;
}

const CHUNK = 256 * 1024;

export async function* followEvents(path: string, options: FollowOptions): AsyncGenerator<ThreatEvent> {
  const { signal } = options;
  const pollMs = options.pollMs ?? 250;
  const maxEventBytes = options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
  const report = options.onDiagnostic ?? (() => {});
  const splitter = new LineSplitter(maxEventBytes);
  const buffer = Buffer.allocUnsafe(CHUNK);
  const lines: Line[] = [];
  let events: ThreatEvent[] = [];
  const emit = (event: ThreatEvent): void => {
    events.push(event);
  };

  // Wake-ups: a watch event, the poll timer, or abort. `dirty` keeps one that came while reading.
  let dirty = false;
  let wake: (() => void) | null = null;
  const notify = (): void => {
    dirty = true;
    const resolve = wake;
    wake = null;
    resolve?.();
  };
  let timer: NodeJS.Timeout | undefined;
  const wait = async (): Promise<void> => {
    if (dirty || signal.aborted) {
      dirty = false;
      return;
    }
    await new Promise<void>((resolve) => {
      wake = resolve;
      timer = setTimeout(notify, pollMs);
    });
    clearTimeout(timer);
    dirty = false;
  };
  signal.addEventListener('abort', notify);
  const name = basename(path);
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(dirname(path), (_event, changed) => {
      if (!changed || changed === name) notify();
    });
    watcher.on('error', () => {
      watcher?.close();
      watcher = undefined;
    });
  } catch {
    watcher = undefined; // polling only
  }

  // One object, so that TypeScript does not narrow what openCurrent() reassigns.
  const state: { handle: FileHandle | null; inode: number; position: number } = { handle: null, inode: 0, position: 0 };

  const handleLine = (line: Line): void => {
    const location = { file: path, line: line.no };
    if (line.text === null) {
      report(oversized(line.bytes, maxEventBytes, location));
      return;
    }
    if (line.text.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line.text);
    } catch (cause) {
      const message = cause instanceof Error ? cause.message : String(cause);
      report(error(DIAGNOSTIC_CODES.malformedLine, `line is not valid JSON: ${message}`, location));
      return;
    }
    classify(value, location, line.bytes, maxEventBytes, emit, report);
  };

  /** Reads what is new in the open file; returns the events of the complete lines. */
  const drain = async (): Promise<ThreatEvent[]> => {
    if (!state.handle) return [];
    for (;;) {
      const { bytesRead } = await state.handle.read(buffer, 0, CHUNK, state.position);
      if (bytesRead === 0) break;
      state.position += bytesRead;
      splitter.push(buffer.subarray(0, bytesRead), lines);
      for (const line of lines) handleLine(line);
      lines.length = 0;
      if (events.length >= 1024) break;
    }
    const out = events;
    events = [];
    return out;
  };

  const openCurrent = async (atEnd: boolean): Promise<void> => {
    try {
      state.handle = await open(path, 'r');
    } catch {
      state.handle = null; // not there yet: wait for it
      return;
    }
    const info = await state.handle.stat();
    state.inode = info.ino;
    state.position = 0;
    splitter.reset();
    if (atEnd) {
      // Start after the last complete line, numbering lines as in the file.
      const { newlines, lastNewlineEnd } = await countLines(state.handle, info.size, buffer);
      state.position = lastNewlineEnd;
      splitter.reset(newlines);
    }
  };

  try {
    await openCurrent(!options.fromStart);
    while (!signal.aborted) {
      let batch = await drain();
      while (batch.length > 0) {
        yield* batch;
        if (signal.aborted) return;
        batch = await drain();
      }
      const current = await stat(path).catch(() => null);
      if (!state.handle) {
        if (current) {
          await openCurrent(false);
          continue;
        }
      } else if (current && current.ino !== state.inode) {
        // Replaced: finish the old file (a last line without its newline counts), then switch.
        for (let rest = await drain(); rest.length > 0; rest = await drain()) {
          yield* rest;
        }
        splitter.end(lines);
        for (const line of lines) handleLine(line);
        lines.length = 0;
        yield* events;
        events = [];
        await state.handle.close();
        state.handle = null;
        await openCurrent(false);
        continue;
      } else if (current) {
        const info = await state.handle.stat();
        if (info.size < state.position) {
          // Truncated in place: start again at its beginning.
          state.position = 0;
          splitter.reset();
          continue;
        }
      }
      await wait();
    }
  } finally {
    signal.removeEventListener('abort', notify);
    clearTimeout(timer);
    watcher?.close();
    await state.handle?.close();
  }
}

async function countLines(
  handle: FileHandle,
  size: number,
  buffer: Buffer,
): Promise<{ newlines: number; lastNewlineEnd: number }> {
  let newlines = 0;
  let lastNewlineEnd = 0;
  let offset = 0;
  while (offset < size) {
    const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, size - offset), offset);
    if (bytesRead === 0) break;
    let at = buffer.indexOf(0x0a, 0);
    while (at !== -1 && at < bytesRead) {
      newlines++;
      lastNewlineEnd = offset + at + 1;
      at = buffer.indexOf(0x0a, at + 1);
    }
    offset += bytesRead;
  }
  return { newlines, lastNewlineEnd };
}
