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
 *
 * Client authentication (core/net/client-auth.ts, shared with the admission webhook; both optional;
 * when both are configured both must pass): `clientCaFile` asks for a client certificate (mutual
 * TLS) verified against that CA bundle, and `tokenFile` wants
 * `Authorization: Bearer <token>`, the kube-apiserver's identity from the webhook kubeconfig's
 * `users[].user` (`client-certificate`/`client-key`, or `token`). The TLS handshake does not reject
 * clients without a certificate, so that kubelet probes of `GET /healthz` keep working; the audit
 * paths answer 401 (no or unverified certificate, missing or wrong token) or 403 (certificate not in
 * `allowedClientNames`) without reading the body.
 *
 * Certificate, key, client CA and token files are watched and reloaded (`setSecureContext`) when
 * they change; a bad pair (for example the key written before its certificate), a CA file with no
 * valid certificate or an empty token file keeps the previous one until the next change.
 * `AuditEventQueue` is the bounded queue between the handler and detect().
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import {
  type ClientAuthOptions,
  type ClientAuthRefusal,
  closeGracefully,
  createClientAuth,
  createTlsReloader,
  type Diagnostic,
  listenOn,
  NamedFileError,
  readLimitedBody,
  refusalMessage,
  watchFiles,
} from '#core';
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
  tokenReload: 'threats.webhook.token-reload-failed',
  unauthorized: 'threats.webhook.unauthorized',
} as const;

/** `ClientAuthOptions` guard the audit paths; `GET /healthz` stays open. */
export interface AuditWebhookOptions extends ClientAuthOptions {
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
  /** Invalid items, malformed bodies, refused batches, refused clients and failed reloads. */
  onDiagnostic?(diagnostic: Diagnostic): void;
  /** Wait after a file change before reloading (default 100 ms). */
  readonly reloadDelayMs?: number;
  /** Also re-read the files (certificate, key, client CA, token) this often, in case a change was not seen (default 60 s; 0 = never). */
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
  /** Audit requests answered 401: no or unverified client certificate, missing or wrong token. */
  unauthorized: number;
  /** Audit requests answered 403: verified client certificate whose name is not allowed. */
  forbidden: number;
  /** New certificate/key/client CA contexts installed. */
  reloads: number;
  /** New tokens installed. */
  tokenReloads: number;
  /** Reloads that failed (TLS or token; each one a diagnostic). */
  reloadErrors: number;
}

export interface AuditWebhook {
  readonly host: string;
  readonly port: number;
  readonly stats: AuditWebhookStats;
  /** Re-reads the certificate, key, client CA and token now; true when something new was installed. */
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

const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

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
    unauthorized: 0,
    forbidden: 0,
    reloads: 0,
    tokenReloads: 0,
    reloadErrors: 0,
  };

  const caFile = options.clientCaFile;
  const auth = await createClientAuth({
    ...options,
    onTokenReloadError: (problem) => failed(SERVE_DIAGNOSTIC_CODES.tokenReload, problem.message, problem.file),
  });

  // The server is created once the files loaded; reloads install into it (setSecureContext).
  let installTo: Server | undefined;
  const tls = await createTlsReloader({
    certFile: options.certFile,
    keyFile: options.keyFile,
    ...auth.tlsFiles,
    install(next, previous) {
      if (installTo) auth.installSecureContext(installTo, next, previous);
      stats.reloads++;
    },
    onError: (err) => tlsFailed(err),
  });
  // With a client CA, ask for a certificate but do not fail the handshake without one: /healthz
  // stays open to probes, and the audit paths are judged by `auth`.
  const server: Server = createServer({ ...tls.current, ...auth.serverOptions });
  installTo = server;

  function refuse(req: IncomingMessage, res: ServerResponse, n: number, refused: ClientAuthRefusal): void {
    if (refused.status === 401) stats.unauthorized++;
    else stats.forbidden++;
    report({
      level: 'warning',
      code: SERVE_DIAGNOSTIC_CODES.unauthorized,
      message: refusalMessage(req, refused),
      location: { file: `<webhook request ${n} from ${req.socket.remoteAddress ?? '?'}>` },
    });
    // Never read the body of a refused request.
    auth.answer(req, res, refused, (status, body, headers) => reply(res, status, body, headers));
  }

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
    const verdict = auth.judge(req);
    if (!verdict.ok) {
      refuse(req, res, n, verdict);
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
    readLimitedBody(req, maxBodyBytes, { tooLarge, body: (bytes) => handleBody(req, res, bytes, n) });
  });

  const tlsFailed = (err: unknown): void =>
    failed(
      SERVE_DIAGNOSTIC_CODES.tlsReload,
      `cannot reload the TLS certificate/key${caFile ? '/client CA' : ''} (keeping the previous ones): ${messageOf(err)}`,
      err instanceof NamedFileError ? err.file : options.certFile,
    );

  async function reload(): Promise<boolean> {
    const [a, b] = await Promise.all([tls.reload(), auth.reloadToken()]);
    if (b) stats.tokenReloads++;
    return a || b;
  }

  function failed(code: string, message: string, file: string): void {
    stats.reloadErrors++;
    report({ level: 'warning', code, message, location: { file } });
  }

  const watch = watchFiles({
    files: [options.certFile, options.keyFile, ...auth.files],
    ...(options.reloadDelayMs !== undefined ? { delayMs: options.reloadDelayMs } : {}),
    ...(options.reloadIntervalMs !== undefined ? { intervalMs: options.reloadIntervalMs } : {}),
    onChange: () => void reload(),
    onWatchError: (dir, err) =>
      failed(
        SERVE_DIAGNOSTIC_CODES.tlsReload,
        `cannot watch ${dir} for changes (the files are re-read on the interval only): ${messageOf(err)}`,
        dir,
      ),
  });

  const host = options.host ?? '0.0.0.0';
  const port = await listenOn(server, options.port ?? 8443, host);

  let closing: Promise<void> | undefined;
  return {
    host,
    port,
    stats,
    reload,
    close(graceMs = 5000): Promise<void> {
      if (!closing) {
        watch.close();
        closing = closeGracefully(server, graceMs);
      }
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
