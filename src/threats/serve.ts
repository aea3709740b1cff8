/**
 * An HTTPS endpoint for the Kubernetes audit webhook backend (`--audit-webhook-config-file`).
 * The API server POSTs `audit.k8s.io/v1` EventList JSON bodies (batches; a single Event is also
 * accepted) and retries a failed request, so the handler answers fast: it parses and classifies the
 * body with the same code as the file inputs, hands the events to `onEvents`, and replies 200.
 * Reference: https://kubernetes.io/docs/tasks/debug/debug-cluster/audit/#webhook-backend and
 * https://kubernetes.io/docs/reference/config-api/apiserver-audit.v1/
 *
 * Replies: 200 accepted; 400 malformed JSON or a body with no audit event in it; 404 unknown path;
 * 405 wrong method; 413 body over `maxBodyBytes`; 415 not JSON; 503 (Retry-After) when `onEvents`
 * refuses the batch (queue full; the API server retries). `GET /healthz` answers 200 `ok`.
 * Certificate and key files are watched and reloaded (`setSecureContext`) when they change; a bad
 * pair (for example the key written before its certificate) keeps the previous one until the next
 * change. `AuditEventQueue` is the bounded queue between the handler and detect().
 */
import { type FSWatcher, watch } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import { createSecureContext } from 'node:tls';
import type { Diagnostic } from '#core';
import type { ThreatEvent } from './event.ts';
import { classify, error } from './inputs/classify.ts';
import { DEFAULT_MAX_EVENT_BYTES } from './inputs/read.ts';

export const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;
export const DEFAULT_QUEUE_EVENTS = 10_000;

export const SERVE_DIAGNOSTIC_CODES = {
  malformedBody: 'threats.webhook.malformed-body',
  oversizedBody: 'threats.webhook.oversized-body',
  queueFull: 'threats.webhook.queue-full',
  tlsReload: 'threats.webhook.tls-reload-failed',
} as const;

export interface AuditWebhookOptions {
  /** Default 0.0.0.0. */
  readonly host?: string;
  /** Default 8443; 0 picks a free port (see `port` on the result). */
  readonly port?: number;
  readonly certFile: string;
  readonly keyFile: string;
  /** Larger bodies get 413 (default 16 MiB). */
  readonly maxBodyBytes?: number;
  /** Larger events inside a body are skipped with a diagnostic (default 4 MiB). */
  readonly maxEventBytes?: number;
  /**
   * Receives the events of one accepted request (possibly empty when every item was invalid).
   * Returning false refuses the batch: the request gets 503 and the API server sends it again.
   */
  onEvents(events: ThreatEvent[]): boolean | undefined;
  /** Invalid items, malformed bodies, refused batches and failed TLS reloads. */
  onDiagnostic?(diagnostic: Diagnostic): void;
  /** Wait after a file change before reloading (default 100 ms). */
  readonly reloadDelayMs?: number;
  /** Also re-read the files this often, in case a change was not seen (default 60 s; 0 = never). */
  readonly reloadIntervalMs?: number;
}

export interface AuditWebhookStats {
  requests: number;
  /** POSTs whose events were handed to `onEvents` and accepted. */
  accepted: number;
  events: number;
  /** Items of accepted bodies that were not valid audit events (each one a diagnostic). */
  invalidEvents: number;
  malformed: number;
  tooLarge: number;
  unsupportedType: number;
  notFound: number;
  methodNotAllowed: number;
  /** Batches refused by `onEvents` (503). */
  refused: number;
  reloads: number;
  reloadErrors: number;
}

export interface AuditWebhook {
  readonly host: string;
  readonly port: number;
  readonly stats: AuditWebhookStats;
  /** Re-reads the certificate and key now; true when a new pair was installed. */
  reload(): Promise<boolean>;
  /** Stops accepting connections, lets requests in flight finish (at most `graceMs`, default 5 s). */
  close(graceMs?: number): Promise<void>;
}

const AUDIT_PATHS: ReadonlySet<string> = new Set(['/', '/audit']);

function isJson(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const media = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  return media === 'application/json' || (media.startsWith('application/') && media.endsWith('+json'));
}

function reply(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
  res.end(`${body}\n`);
}

export async function startAuditWebhook(options: AuditWebhookOptions): Promise<AuditWebhook> {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const maxEventBytes = options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
  const report = options.onDiagnostic ?? ((): void => {});
  const stats: AuditWebhookStats = {
    requests: 0,
    accepted: 0,
    events: 0,
    invalidEvents: 0,
    malformed: 0,
    tooLarge: 0,
    unsupportedType: 0,
    notFound: 0,
    methodNotAllowed: 0,
    refused: 0,
    reloads: 0,
    reloadErrors: 0,
  };

  let cert = await readFile(options.certFile);
  let key = await readFile(options.keyFile);
  const server: Server = createServer({ cert, key });

  function handleBody(req: IncomingMessage, res: ServerResponse, body: Buffer, n: number): void {
    const file = `<webhook request ${n} from ${req.socket.remoteAddress ?? '?'}>`;
    let value: unknown;
    try {
      value = JSON.parse(body.toString('utf8'));
    } catch (err) {
      stats.malformed++;
      const message = `body is not valid JSON: ${err instanceof Error ? err.message : String(err)}`;
      report(error(SERVE_DIAGNOSTIC_CODES.malformedBody, message, { file }));
      reply(res, 400, message);
      return;
    }
    const events: ThreatEvent[] = [];
    const problems: Diagnostic[] = [];
    classify(
      value,
      { file },
      body.length,
      maxEventBytes,
      (e) => events.push(e),
      (d) => problems.push(d),
    );
    if (events.length === 0 && problems.length > 0 && !isEmptyList(value)) {
      // Not an audit payload at all (wrong apiVersion/kind, or every item bad): the sender is
      // misconfigured, and a retry would fail the same way.
      stats.malformed++;
      for (const d of problems) report(d);
      reply(res, 400, problems.map((d) => d.message).join('\n'));
      return;
    }
    stats.invalidEvents += problems.length;
    for (const d of problems) report(d);
    if (options.onEvents(events) === false) {
      stats.refused++;
      report({
        level: 'warning',
        code: SERVE_DIAGNOSTIC_CODES.queueFull,
        message: `${events.length} event(s) refused with 503: the detection queue is full (the API server retries)`,
        location: { file },
      });
      reply(res, 503, 'queue full, retry later', { 'retry-after': '1' });
      return;
    }
    stats.accepted++;
    stats.events += events.length;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(`{"events":${events.length},"invalid":${problems.length}}\n`);
  }

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const n = ++stats.requests;
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (path === '/healthz') {
      if (req.method === 'GET' || req.method === 'HEAD') {
        reply(res, 200, 'ok');
      } else {
        stats.methodNotAllowed++;
        reply(res, 405, 'method not allowed', { allow: 'GET, HEAD' });
      }
      req.resume();
      return;
    }
    if (!AUDIT_PATHS.has(path)) {
      stats.notFound++;
      reply(res, 404, 'not found (POST audit EventLists to /audit)');
      req.resume();
      return;
    }
    if (req.method !== 'POST') {
      stats.methodNotAllowed++;
      reply(res, 405, 'method not allowed', { allow: 'POST' });
      req.resume();
      return;
    }
    if (!isJson(req.headers['content-type'])) {
      stats.unsupportedType++;
      reply(res, 415, `content-type ${JSON.stringify(req.headers['content-type'] ?? '')} is not application/json`);
      req.resume();
      return;
    }
    const tooLarge = (size: string): void => {
      stats.tooLarge++;
      const message = `body of ${size} bytes is larger than the limit of ${maxBodyBytes} bytes`;
      report(error(SERVE_DIAGNOSTIC_CODES.oversizedBody, message, { file: `<webhook request ${n}>` }));
      // Do not read the rest of a hostile body: answer, then drop the connection.
      res.once('finish', () => req.destroy());
      reply(res, 413, message, { connection: 'close' });
    };
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBodyBytes) {
      tooLarge(String(declared));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > maxBodyBytes) {
        over = true;
        chunks.length = 0;
        tooLarge(`more than ${maxBodyBytes}`);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!over) handleBody(req, res, Buffer.concat(chunks, size), n);
    });
    req.on('error', () => {
      // Client went away mid-body: nothing to answer.
    });
  });

  async function reload(): Promise<boolean> {
    let nextCert: NonSharedBuffer;
    let nextKey: NonSharedBuffer;
    try {
      [nextCert, nextKey] = await Promise.all([readFile(options.certFile), readFile(options.keyFile)]);
    } catch (err) {
      failed(err);
      return false;
    }
    if (nextCert.equals(cert) && nextKey.equals(key)) return false;
    try {
      const context = { cert: nextCert, key: nextKey };
      createSecureContext(context); // validates the pair (key mismatch, bad PEM) before installing it
      server.setSecureContext(context);
    } catch (err) {
      failed(err);
      return false;
    }
    cert = nextCert;
    key = nextKey;
    stats.reloads++;
    return true;
  }

  function failed(err: unknown): void {
    stats.reloadErrors++;
    report({
      level: 'warning',
      code: SERVE_DIAGNOSTIC_CODES.tlsReload,
      message: `cannot reload the TLS certificate/key (keeping the previous pair): ${err instanceof Error ? err.message : String(err)}`,
      location: { file: options.certFile },
    });
  }

  // Watch the folders, not the files: an atomic replace (rename, or Kubernetes' ..data symlink
  // swap for mounted secrets) ends a watch on the file itself.
  let timer: NodeJS.Timeout | undefined;
  const schedule = (): void => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      void reload();
    }, options.reloadDelayMs ?? 100);
    timer.unref();
  };
  const watchers: FSWatcher[] = [];
  for (const dir of new Set([dirname(options.certFile), dirname(options.keyFile)])) {
    try {
      const w = watch(dir, { persistent: false }, schedule);
      w.on('error', () => {});
      watchers.push(w);
    } catch (err) {
      failed(err);
    }
  }
  const intervalMs = options.reloadIntervalMs ?? 60_000;
  const interval = intervalMs > 0 ? setInterval(() => void reload(), intervalMs) : undefined;
  interval?.unref();

  const host = options.host ?? '0.0.0.0';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8443, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  let closing: Promise<void> | undefined;
  return {
    host,
    port,
    stats,
    reload,
    close(graceMs = 5000): Promise<void> {
      closing ??= new Promise<void>((resolve) => {
        for (const w of watchers) w.close();
        if (timer) clearTimeout(timer);
        if (interval) clearInterval(interval);
        const force = setTimeout(() => server.closeAllConnections(), graceMs);
        force.unref();
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}

function isEmptyList(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<string, unknown>).kind === 'EventList' &&
    Array.isArray((value as Record<string, unknown>).items) &&
    ((value as Record<string, unknown>).items as unknown[]).length === 0
  );
}

export interface AuditEventQueueStats {
  /** Events accepted into the queue. */
  accepted: number;
  /** Events refused because the queue was full (their request got 503). */
  refused: number;
  /** Largest number of events waiting at once. */
  highWater: number;
}

/**
 * A bounded single-consumer queue of events: the webhook handler `offer`s batches, detect()
 * iterates. A batch is taken whole or refused whole (counted in `stats.refused`); an empty queue
 * always takes a batch, so one oversized batch cannot be refused forever. `end()` lets the
 * consumer finish what is queued.
 */
export class AuditEventQueue implements AsyncIterable<ThreatEvent> {
  readonly stats: AuditEventQueueStats = { accepted: 0, refused: 0, highWater: 0 };
  private readonly max: number;
  private items: ThreatEvent[] = [];
  private head = 0;
  private ended = false;
  private wake: (() => void) | undefined;

  constructor(maxEvents: number = DEFAULT_QUEUE_EVENTS) {
    this.max = Math.max(1, maxEvents);
  }

  get size(): number {
    return this.items.length - this.head;
  }

  offer(events: readonly ThreatEvent[]): boolean {
    if (this.ended || (this.size > 0 && this.size + events.length > this.max)) {
      this.stats.refused += events.length;
      return false;
    }
    for (const e of events) this.items.push(e);
    this.stats.accepted += events.length;
    this.stats.highWater = Math.max(this.stats.highWater, this.size);
    this.notify();
    return true;
  }

  end(): void {
    this.ended = true;
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<ThreatEvent> {
    for (;;) {
      while (this.head < this.items.length) {
        const e = this.items[this.head] as ThreatEvent;
        this.head++;
        if (this.head > 1024 && this.head * 2 > this.items.length) {
          this.items = this.items.slice(this.head);
          this.head = 0;
        }
        yield e;
      }
      if (this.ended) return;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }
}
