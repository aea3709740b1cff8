/**
 * HTTP for the actions (webhooks, ARM): node:http/node:https with a time budget, a bounded
 * response body and an optional extra CA (a private endpoint or a TLS-inspecting proxy).
 * Statuses are mapped to ActionError: 408, 429 and 5xx and network errors are transient (the
 * runner retries them, honouring Retry-After); any other non-2xx status fails at once.
 */
import { request as httpRequestRaw } from 'node:http';
import { Agent, request as httpsRequestRaw } from 'node:https';
import { retryAfterMs } from '#core';
import { ActionError, type HttpPoster } from './types.ts';

export interface HttpOptions {
  /** Extra PEM CA certificates trusted besides the system's. */
  readonly ca?: string | Buffer;
  /** Whole-request budget in ms (default 10 s). */
  readonly timeoutMs?: number;
  /** Largest response body kept (default 1 MiB); more is an error. */
  readonly maxResponseBytes?: number;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

export interface HttpRequest {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

const agents = new Map<string, Agent>();

function agentFor(ca: string | Buffer | undefined): Agent | undefined {
  if (ca === undefined) return undefined;
  const key = ca.toString();
  let agent = agents.get(key);
  if (!agent) {
    agent = new Agent({ keepAlive: true, ca: [key] });
    agents.set(key, agent);
  }
  return agent;
}

/** Sends one request; resolves with any status (network errors reject with a transient ActionError). */
export function sendHttp(req: HttpRequest, options: HttpOptions = {}): Promise<HttpResponse> {
  let url: URL;
  try {
    url = new URL(req.url);
  } catch {
    return Promise.reject(new ActionError(`"${req.url}" is not a URL`));
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return Promise.reject(new ActionError(`${url.protocol} URLs are not supported (http or https)`));
  }
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxBytes = options.maxResponseBytes ?? 1024 * 1024;
  const body = req.body === undefined ? undefined : Buffer.from(req.body);
  const headers: Record<string, string> = { ...(req.headers ?? {}) };
  if (body !== undefined) headers['content-length'] = String(body.length);
  return new Promise((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequestRaw : httpRequestRaw;
    const agent = url.protocol === 'https:' ? agentFor(options.ca) : undefined;
    const r = send(
      url,
      { method: req.method, headers, ...(agent ? { agent } : {}), signal: AbortSignal.timeout(timeoutMs) },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) {
            res.destroy(new ActionError(`${url.origin}: response larger than ${maxBytes} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        res.on('error', (error) => reject(toActionError(error, url)));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    r.on('error', (error) => reject(toActionError(error, url)));
    r.end(body);
  });
}

function toActionError(error: Error, url: URL): ActionError {
  if (error instanceof ActionError) return error;
  const timedOut = error.name === 'AbortError' || error.name === 'TimeoutError';
  return new ActionError(`${url.origin}: ${timedOut ? 'timed out' : error.message}`, { transient: true, cause: error });
}

/** True for the statuses worth retrying: 408, 429 and 5xx. */
export function isTransientStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** Throws the ActionError a non-2xx response means (transient for 408/429/5xx). */
export function checkStatus(res: HttpResponse, what: string): void {
  if (res.status >= 200 && res.status < 300) return;
  const detail = res.body.length > 300 ? `${res.body.slice(0, 300)}…` : res.body;
  const wait = retryAfterMs(res.headers['retry-after']);
  throw new ActionError(`${what}: HTTP ${res.status}${detail ? `: ${detail.trim()}` : ''}`, {
    transient: isTransientStatus(res.status),
    status: res.status,
    ...(wait === undefined ? {} : { retryAfterMs: wait }),
  });
}

/** POSTs JSON; non-2xx statuses throw (see checkStatus). */
export function createHttpPoster(options: HttpOptions = {}): HttpPoster {
  return {
    async post(url, body, headers = {}) {
      const res = await sendHttp(
        {
          method: 'POST',
          url,
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify(body),
        },
        options,
      );
      checkStatus(res, `POST ${new URL(url).origin}`);
      return { status: res.status, body: res.body };
    },
  };
}
