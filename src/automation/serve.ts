/**
 * The long-running mode: an HTTPS endpoint that feeds a Runner, and scheduled scans.
 *
 * - `POST /alerts`: the `{"alerts": [Alert, ...]}` batches `palisade detect serve --forward <url>`
 *   (and `palisade detect --follow --forward`) post, or alert records as JSON lines;
 * - `POST /findings`: a `palisade scan --format json` report;
 * - `GET /healthz`: 200 `ok`.
 * Replies: 202 with `{"subjects": n, "invalid": m}` once the subjects are submitted (rate limits
 * and cooldowns are decided then; actions run after the reply); 400 for a body that holds no
 * valid subject; 404/405/413/415 as usual; 401/403 from client authentication (bearer token and/or
 * mutual TLS, the same options as the other endpoints). Certificates and token are reloaded when
 * their files change.
 *
 * `every` with `scan` runs a scan of those paths on that interval and submits its failing findings
 * (an unchanged failing finding is not acted on twice: the runner remembers the subjects handled).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import {
  type ClientAuthOptions,
  closeGracefully,
  createClientAuth,
  createTlsReloader,
  type Diagnostic,
  listenOn,
  readLimitedBody,
  refusalMessage,
  watchFiles,
} from '#core';
import { parseSubjects } from './input.ts';
import type { Runner } from './runner.ts';
import type { Subject } from './types.ts';

export interface AutomationServerOptions extends ClientAuthOptions {
  readonly host?: string;
  readonly port?: number;
  readonly certFile: string;
  readonly keyFile: string;
  /** Default 16 MiB. */
  readonly maxBodyBytes?: number;
  readonly runner: Runner;
  readonly onDiagnostic?: (diagnostic: Diagnostic) => void;
  /** Scheduled scans: returns the subjects of one scan. */
  readonly scan?: () => Promise<readonly Subject[]>;
  /** Interval of the scheduled scans in ms (the first runs at start). */
  readonly everyMs?: number;
}

export interface AutomationServerStats {
  requests: number;
  subjects: number;
  invalid: number;
  rejected: number;
  scans: number;
  scanErrors: number;
}

export interface AutomationServer {
  readonly host: string;
  readonly port: number;
  readonly stats: AutomationServerStats;
  close(graceMs?: number): Promise<void>;
}

function reply(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
  res.end(`${body}\n`);
}

const PATHS: Readonly<Record<string, 'alerts' | 'findings'>> = { '/alerts': 'alerts', '/findings': 'findings' };

export async function startAutomationServer(options: AutomationServerOptions): Promise<AutomationServer> {
  const report = options.onDiagnostic ?? ((): void => {});
  const maxBodyBytes = options.maxBodyBytes ?? 16 * 1024 * 1024;
  const stats: AutomationServerStats = { requests: 0, subjects: 0, invalid: 0, rejected: 0, scans: 0, scanErrors: 0 };
  const warn = (code: string, message: string, file: string): void =>
    report({ level: 'warning', code, message, location: { file } });
  const auth = await createClientAuth({
    ...options,
    onTokenReloadError: (problem) => warn('automation.serve.token-reload-failed', problem.message, problem.file),
  });
  let installTo: Server | undefined;
  const tls = await createTlsReloader({
    certFile: options.certFile,
    keyFile: options.keyFile,
    ...auth.tlsFiles,
    install(next, previous) {
      if (installTo) auth.installSecureContext(installTo, next, previous);
    },
    onError: (err) =>
      warn(
        'automation.serve.tls-reload-failed',
        `cannot reload the TLS files (keeping the previous ones): ${err instanceof Error ? err.message : String(err)}`,
        options.certFile,
      ),
  });
  const server: Server = createServer({ ...tls.current, ...auth.serverOptions });
  installTo = server;

  function handle(
    req: IncomingMessage,
    res: ServerResponse,
    kind: 'alerts' | 'findings',
    body: Buffer,
    n: number,
  ): void {
    const file = `<automation request ${n} from ${req.socket.remoteAddress ?? '?'}>`;
    let read: ReturnType<typeof parseSubjects>;
    try {
      read = parseSubjects(body.toString('utf8'), file);
    } catch (error) {
      stats.rejected++;
      reply(res, 400, error instanceof Error ? error.message : String(error));
      return;
    }
    for (const d of read.diagnostics) report(d);
    const wanted = kind === 'alerts' ? 'alerts' : 'report';
    if (read.format !== wanted || (read.subjects.length === 0 && read.diagnostics.length > 0)) {
      stats.rejected++;
      const why =
        read.format !== wanted
          ? `POST ${kind === 'alerts' ? 'alert records to /alerts' : 'a scan report to /findings'}`
          : read.diagnostics.map((d) => d.message).join('\n');
      reply(res, 400, why);
      return;
    }
    for (const subject of read.subjects) options.runner.submit(subject);
    stats.subjects += read.subjects.length;
    stats.invalid += read.diagnostics.length;
    res.writeHead(202, { 'content-type': 'application/json' });
    res.end(`{"subjects":${read.subjects.length},"invalid":${read.diagnostics.length}}\n`);
  }

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const n = ++stats.requests;
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (path === '/healthz') {
      reply(
        res,
        req.method === 'GET' || req.method === 'HEAD' ? 200 : 405,
        req.method === 'GET' || req.method === 'HEAD' ? 'ok' : 'method not allowed',
      );
      req.resume();
      return;
    }
    const kind = PATHS[path];
    if (!kind) {
      reply(res, 404, 'not found (POST alerts to /alerts, scan reports to /findings)');
      req.resume();
      return;
    }
    const verdict = auth.judge(req);
    if (!verdict.ok) {
      warn('automation.serve.unauthorized', refusalMessage(req, verdict), `<automation request ${n}>`);
      auth.answer(req, res, verdict, (status, body, headers) => reply(res, status, body, headers));
      return;
    }
    if (req.method !== 'POST') {
      reply(res, 405, 'method not allowed', { allow: 'POST' });
      req.resume();
      return;
    }
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    if (type !== 'application/json' && type !== 'application/x-ndjson' && type !== 'application/jsonl') {
      reply(res, 415, `content-type ${JSON.stringify(req.headers['content-type'] ?? '')} is not JSON`);
      req.resume();
      return;
    }
    readLimitedBody(req, maxBodyBytes, {
      tooLarge: (size) => {
        res.once('finish', () => req.destroy());
        reply(res, 413, `body of ${size} bytes is larger than the limit of ${maxBodyBytes} bytes`, {
          connection: 'close',
        });
      },
      body: (bytes) => handle(req, res, kind, bytes, n),
    });
  });

  const watch = watchFiles({
    files: [options.certFile, options.keyFile, ...auth.files],
    onChange: () => void Promise.all([tls.reload(), auth.reloadToken()]),
    onWatchError: () => {},
  });

  let timer: NodeJS.Timeout | undefined;
  let scanning: Promise<void> | undefined;
  const scanOnce = async (): Promise<void> => {
    if (!options.scan) return;
    try {
      const subjects = await options.scan();
      stats.scans++;
      for (const subject of subjects) options.runner.submit(subject);
      stats.subjects += subjects.length;
    } catch (error) {
      stats.scanErrors++;
      warn(
        'automation.serve.scan-failed',
        `scheduled scan failed: ${error instanceof Error ? error.message : String(error)}`,
        '<scan>',
      );
    }
  };
  if (options.scan && options.everyMs !== undefined) {
    scanning = scanOnce();
    timer = setInterval(() => {
      scanning ??= scanOnce().finally(() => {
        scanning = undefined;
      });
    }, options.everyMs);
    void scanning.finally(() => {
      scanning = undefined;
    });
  }

  const host = options.host ?? '0.0.0.0';
  const port = await listenOn(server, options.port ?? 8444, host);
  let closing: Promise<void> | undefined;
  return {
    host,
    port,
    stats,
    close(graceMs = 5000) {
      if (!closing) {
        if (timer) clearInterval(timer);
        watch.close();
        closing = (async () => {
          await scanning;
          await closeGracefully(server, graceMs);
          await options.runner.drain();
        })();
      }
      return closing;
    },
  };
}
