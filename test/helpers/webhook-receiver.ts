/**
 * A webhook receiver for tests: a real HTTPS server on 127.0.0.1 with a CA and serving certificate
 * made by openssl in a temporary directory. It records every request (method, path, headers, the
 * body parsed as JSON) and answers 200 "ok", or the statuses it was told to answer next (a 429
 * with Retry-After, a 500, a 400). `close()` stops it and removes the directory.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeServingCerts } from './tls.ts';

export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** The raw body. */
  readonly text: string;
  /** The body parsed as JSON (undefined when it is not JSON). */
  readonly body: unknown;
}

export interface ReplyPlan {
  readonly status: number;
  /** Sent as Retry-After. */
  readonly retryAfter?: string;
  readonly body?: string;
}

export interface WebhookReceiver {
  /** `https://127.0.0.1:<port>`: append a path. */
  readonly origin: string;
  /** The test CA (PEM) that signed the server's certificate. */
  readonly ca: Buffer;
  /** Every request received, in order. */
  readonly requests: ReceivedRequest[];
  /** Answers the next `count` requests with `reply` (then 200 again). */
  failNext(count: number, reply: ReplyPlan): void;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-hook-'));
  makeServingCerts(dir, ['hook']);
  const ca = readFileSync(join(dir, 'ca.crt'));
  const requests: ReceivedRequest[] = [];
  const plans: ReplyPlan[] = [];
  const server = createServer(
    { key: readFileSync(join(dir, 'hook.key')), cert: readFileSync(join(dir, 'hook.crt')) },
    (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          body = undefined;
        }
        requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, text, body });
        const plan = plans.shift() ?? { status: 200, body: 'ok' };
        res.writeHead(plan.status, {
          'content-type': 'text/plain',
          ...(plan.retryAfter === undefined ? {} : { 'retry-after': plan.retryAfter }),
        });
        res.end(plan.body ?? '');
      });
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `https://127.0.0.1:${port}`,
    ca,
    requests,
    failNext(count, reply) {
      for (let i = 0; i < count; i++) plans.push(reply);
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
