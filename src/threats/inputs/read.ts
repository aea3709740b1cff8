/**
 * Reads threat-detection inputs as a stream of ThreatEvents: audit.k8s.io/v1 and v1beta1 `Event`s
 * as JSON lines (the log backend; OpenShift's kube-apiserver, openshift-apiserver and
 * oauth-apiserver logs as they are), `EventList`s (the webhook backend's body), a single
 * pretty-printed `Event` or `EventList`, and Falco's JSON output. Plain or gzip (detected by its
 * magic bytes), rotated sets oldest first, `-` for stdin.
 *
 * Memory is bounded: lines are split from the byte stream and a line longer than `maxEventBytes`
 * is skipped without being held. Only a file that is one JSON document spread over many lines is
 * read whole, up to `maxDocumentBytes`.
 *
 * Bad input never ends the stream: each malformed line, wrong apiVersion, missing field, oversized
 * event or truncated file becomes a Diagnostic naming the file and line, is counted in `stats`,
 * and reading goes on.
 */
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline, Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { Diagnostic } from '#core';
import type { ThreatEvent } from '../event.ts';
import { classify, DIAGNOSTIC_CODES, error, oversized } from './classify.ts';
import { type Line, LineSplitter } from './lines.ts';
import { orderRotated } from './order.ts';

export const DEFAULT_MAX_EVENT_BYTES = 4 * 1024 * 1024;
export const DEFAULT_MAX_DOCUMENT_BYTES = 256 * 1024 * 1024;
/** Diagnostics kept in `EventStream.diagnostics` when no `onDiagnostic` is given. */
export const DEFAULT_MAX_KEPT_DIAGNOSTICS = 1000;
/** The file name diagnostics and locations use for `-`. */
export const STDIN_NAME = '<stdin>';

export interface ReadEventsOptions {
  /** Largest single event (one JSON line, or one EventList item), in bytes. Default 4 MiB. */
  readonly maxEventBytes?: number;
  /** Largest file read whole (one pretty-printed Event or EventList, or a one-line EventList). Default 256 MiB. */
  readonly maxDocumentBytes?: number;
  /** Source for `-`; defaults to process.stdin. */
  readonly stdin?: () => AsyncIterable<Buffer>;
  /** Receives every diagnostic as it happens. When absent they are kept in `diagnostics` (up to 1000). */
  readonly onDiagnostic?: (diagnostic: Diagnostic) => void;
}

export interface EventReadStats {
  files: number;
  lines: number;
  events: number;
  audit: number;
  falco: number;
  /** Diagnostics reported (each is one rejected line, item, or file problem). */
  diagnostics: number;
  byCode: Record<string, number>;
}

export interface EventStream extends AsyncIterable<ThreatEvent> {
  /** Counters, updated while iterating; final once iteration ends. */
  readonly stats: EventReadStats;
  /** Diagnostics kept when no `onDiagnostic` was given (the first 1000; `stats` counts all). */
  readonly diagnostics: readonly Diagnostic[];
  /**
   * The same events in read order, a chunk's worth at a time (one await per chunk instead of per
   * event). `stats` counts a batch's events when it is yielded. Use either this or the iterator.
   */
  readonly batches: () => AsyncIterable<readonly ThreatEvent[]>;
}

/**
 * Reads `paths` (files, directories of rotated logs, or `-` for stdin) in order. Directories are
 * expanded to their regular files; all files are then ordered so rotated sets read oldest first.
 */
export function readEvents(paths: readonly string[], options: ReadEventsOptions = {}): EventStream {
  const stats: EventReadStats = { files: 0, lines: 0, events: 0, audit: 0, falco: 0, diagnostics: 0, byCode: {} };
  const kept: Diagnostic[] = [];
  const report = (diagnostic: Diagnostic): void => {
    stats.diagnostics++;
    stats.byCode[diagnostic.code] = (stats.byCode[diagnostic.code] ?? 0) + 1;
    if (options.onDiagnostic) {
      options.onDiagnostic(diagnostic);
    } else if (kept.length < DEFAULT_MAX_KEPT_DIAGNOSTICS) {
      kept.push(diagnostic);
    }
  };
  const limits = {
    maxEventBytes: options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES,
    maxDocumentBytes: options.maxDocumentBytes ?? DEFAULT_MAX_DOCUMENT_BYTES,
  };
  async function* batches(): AsyncGenerator<readonly ThreatEvent[]> {
    const files = await expand(paths, report);
    for (const file of files) {
      stats.files++;
      const name = file === '-' ? STDIN_NAME : file;
      const source =
        file === '-'
          ? (options.stdin ?? (() => process.stdin as AsyncIterable<Buffer>))()
          : createReadStream(file, { highWaterMark: 256 * 1024 });
      for await (const batch of readSource(name, source, limits, report, stats)) {
        for (const event of batch) {
          if (event.kind === 'audit') stats.audit++;
          else stats.falco++;
        }
        stats.events += batch.length;
        yield batch;
      }
    }
  }
  async function* generate(): AsyncGenerator<ThreatEvent> {
    for await (const batch of batches()) yield* batch;
  }
  return { stats, diagnostics: kept, batches, [Symbol.asyncIterator]: () => generate() };
}

async function expand(paths: readonly string[], report: (diagnostic: Diagnostic) => void): Promise<string[]> {
  const files: string[] = [];
  for (const path of paths) {
    if (path === '-') {
      files.push(path);
      continue;
    }
    try {
      const info = await stat(path);
      if (info.isDirectory()) {
        const entries = await readdir(path, { withFileTypes: true });
        const names = entries
          .filter((entry) => entry.isFile())
          .map((entry) => entry.name)
          .filter((name) => !name.startsWith('.'))
          .sort();
        files.push(...names.map((name) => join(path, name)));
      } else {
        files.push(path);
      }
    } catch (cause) {
      report(error(DIAGNOSTIC_CODES.unreadable, `cannot read ${path}: ${errorMessage(cause)}`, { file: path }));
    }
  }
  return orderRotated(files);
}

interface Limits {
  readonly maxEventBytes: number;
  readonly maxDocumentBytes: number;
}

/** Decompresses when the stream starts with the gzip magic bytes (1f 8b). */
async function* bytes(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const iterator = source[Symbol.asyncIterator]();
  let first = await iterator.next();
  while (!first.done && first.value.length === 0) {
    first = await iterator.next();
  }
  if (first.done) {
    return;
  }
  // A one-byte first chunk (stdin) cannot show the magic; join with the next one.
  let head = Buffer.from(first.value);
  if (head.length < 2) {
    const next = await iterator.next();
    if (!next.done) head = Buffer.concat([head, next.value]);
  }
  const rest: AsyncIterable<Buffer> = { [Symbol.asyncIterator]: () => iterator };
  if (head[0] === 0x1f && head[1] === 0x8b) {
    async function* compressed(): AsyncGenerator<Buffer> {
      yield head;
      yield* rest;
    }
    const gunzip = createGunzip({ chunkSize: 256 * 1024 });
    // pipeline (not pipe) so that a read error of the source also ends the iteration below.
    pipeline(Readable.from(compressed(), { objectMode: false }), gunzip, () => {});
    yield* gunzip;
    return;
  }
  yield head;
  yield* rest;
}

/**
 * Reads one source, yielding its events in batches (one per chunk read) so that the per-event cost
 * of async iteration is paid once per chunk.
 */
async function* readSource(
  file: string,
  source: AsyncIterable<Buffer>,
  limits: Limits,
  report: (diagnostic: Diagnostic) => void,
  stats: EventReadStats,
): AsyncGenerator<ThreatEvent[]> {
  // The first line may be a whole EventList on one line, so it gets the document limit.
  const splitter = new LineSplitter(limits.maxDocumentBytes);
  const lines: Line[] = [];
  let batch: ThreatEvent[] = [];
  const emit = (event: ThreatEvent): void => {
    batch.push(event);
  };
  let sawContent = false;
  /** Set when the file is one JSON document over many lines: its text so far. */
  let document: { parts: string[]; bytes: number; firstLine: number } | null = null;
  let overflowed = false;

  const handle = (line: Line): void => {
    stats.lines++;
    if (document) {
      if (line.text === null || document.bytes + line.bytes + 1 > limits.maxDocumentBytes) {
        overflowed = true;
        document = null;
        return;
      }
      document.parts.push(line.text);
      document.bytes += line.bytes + 1;
      return;
    }
    if (overflowed) {
      return;
    }
    const location = { file, line: line.no };
    if (line.text === null) {
      const limit = sawContent ? limits.maxEventBytes : limits.maxDocumentBytes;
      sawContent = true;
      splitter.limit = limits.maxEventBytes;
      report(oversized(line.bytes, limit, location));
      return;
    }
    const text = line.text;
    if (isBlank(text)) {
      return;
    }
    const first = !sawContent;
    sawContent = true;
    splitter.limit = limits.maxEventBytes;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (cause) {
      if (first && text.trimStart().startsWith('{')) {
        // Maybe one pretty-printed document: read the rest of the file and parse it whole.
        document = { parts: [text], bytes: line.bytes + 1, firstLine: line.no };
        return;
      }
      report(error(DIAGNOSTIC_CODES.malformedLine, `line is not valid JSON: ${errorMessage(cause)}`, location));
      return;
    }
    classify(value, location, line.bytes, limits.maxEventBytes, emit, report);
  };

  const finishDocument = (): void => {
    if (overflowed) {
      report(
        error(
          DIAGNOSTIC_CODES.oversizedDocument,
          `the JSON document starting here is larger than the limit of ${limits.maxDocumentBytes} bytes (maxDocumentBytes); skipped`,
          { file, line: 1 },
        ),
      );
      return;
    }
    if (!document) return;
    const { parts, firstLine } = document;
    document = null;
    const text = parts.join('\n');
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (cause) {
      replayAsLines(parts, firstLine, cause);
      return;
    }
    classify(value, { file, line: firstLine }, Buffer.byteLength(text), limits.maxEventBytes, emit, report);
  };

  /**
   * The whole file did not parse either. If other lines are JSON values on their own, this was
   * JSON lines with a broken first line: report that line and read the rest as lines. Otherwise
   * report the document once.
   */
  const replayAsLines = (parts: string[], firstLine: number, cause: unknown): void => {
    let lineLike = false;
    for (let i = 1; i < parts.length && !lineLike; i++) {
      const part = parts[i]?.trim() ?? '';
      if (part.startsWith('{') && part.endsWith('}')) {
        try {
          JSON.parse(part);
          lineLike = true;
        } catch {
          // not a JSON line
        }
      }
    }
    if (!lineLike) {
      report(
        error(DIAGNOSTIC_CODES.malformedDocument, `file is not valid JSON or JSON lines: ${errorMessage(cause)}`, {
          file,
          line: firstLine,
        }),
      );
      return;
    }
    report(
      error(DIAGNOSTIC_CODES.malformedLine, 'line is not valid JSON: unterminated object', { file, line: firstLine }),
    );
    stats.lines -= parts.length - 1;
    parts.slice(1).forEach((text, index) => {
      const no = firstLine + 1 + index;
      handle({ text, no, bytes: Buffer.byteLength(text) });
    });
  };

  try {
    for await (const chunk of bytes(source)) {
      splitter.push(chunk, lines);
      for (const line of lines) handle(line);
      lines.length = 0;
      if (batch.length > 0) {
        yield batch;
        batch = [];
      }
    }
    splitter.end(lines);
    for (const line of lines) handle(line);
    lines.length = 0;
  } catch (cause) {
    for (const line of lines) handle(line);
    lines.length = 0;
    const dropped = splitter.discard();
    const at = splitter.linesSeen + 1;
    const truncated = isTruncation(cause);
    report(
      error(
        truncated ? DIAGNOSTIC_CODES.truncatedInput : DIAGNOSTIC_CODES.unreadable,
        truncated
          ? `input ends early (${errorMessage(cause)}) at line ${at}; ${dropped} bytes of an incomplete line dropped`
          : `cannot read ${file} at line ${at}: ${errorMessage(cause)}`,
        { file, line: at },
      ),
    );
  }
  finishDocument();
  if (batch.length > 0) {
    yield batch;
  }
}

function isTruncation(cause: unknown): boolean {
  const code = (cause as { code?: unknown } | null)?.code;
  return code === 'Z_BUF_ERROR' || code === 'Z_DATA_ERROR';
}

function isBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0d) return false;
  }
  return true;
}

function errorMessage(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
