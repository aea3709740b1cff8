/**
 * The ARM REST client of the Azure actions: GET and PATCH on resources by id, with a bearer token
 * from an @azure/identity credential (DefaultAzureCredential unless one is given), long-running
 * operations followed to the end, and ARM's answers mapped to ActionError: 429, 408 and 5xx, and
 * the 409s that mean another operation is in progress, are transient (the runner retries them,
 * honouring Retry-After); 401/403, resource locks (409 ScopeLocked) and other refusals fail at once
 * with ARM's `{error: {code, message}}` in the message. The token is only sent over https (or to a
 * loopback test server).
 * Source: ARM REST API reference (https://learn.microsoft.com/rest/api/azure/) and its guidance on
 * asynchronous operations (https://learn.microsoft.com/azure/azure-resource-manager/management/async-operations).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { AccessToken, TokenCredential } from '@azure/identity';
import { isLoopbackHost, retryAfterMs } from '#core';
import { type HttpResponse, isTransientStatus, sendHttp } from './http.ts';
import { ActionError, type ArmClient } from './types.ts';

export const DEFAULT_ARM_ENDPOINT = 'https://management.azure.com';

export interface ArmClientOptions {
  /** The ARM endpoint (default https://management.azure.com; another cloud's, or a test server). */
  readonly endpoint?: string;
  /** Default: a DefaultAzureCredential (environment, workload identity, managed identity, Azure CLI...). */
  readonly credential?: TokenCredential;
  /** Extra PEM CA certificates trusted besides the system's. */
  readonly ca?: string | Buffer;
  /** Budget of each request in ms (default 30 s). */
  readonly timeoutMs?: number;
  /** Wait between polls of a long-running operation when ARM sends no Retry-After (default 2 s). */
  readonly pollIntervalMs?: number;
  /** Longest wait for a long-running operation (default 10 minutes). */
  readonly maxPollMs?: number;
}

const GUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
/** A path segment: no separators, query or fragment characters, percent signs or whitespace. */
const SEGMENT = '(?!\\.\\.?(?:/|$))[^/?#%\\\\\\s]+';
const NAMESPACE = '[A-Za-z][A-Za-z0-9]*(?:\\.[A-Za-z0-9]+)+';
const PROVIDER = `/providers/${NAMESPACE}(?:/${SEGMENT}/${SEGMENT})+`;

/**
 * ARM ids the client accepts: a resource group, or a resource (with its children) in a resource
 * group or directly in a subscription. Compared case-insensitively, as ARM does.
 */
const ARM_ID = new RegExp(`^/subscriptions/${GUID}(?:/resourceGroups/${SEGMENT}(?:${PROVIDER})?|${PROVIDER})$`, 'i');

/** `YYYY-MM-DD` with an optional `-preview`, as ARM's api-version. */
export const ARM_API_VERSION = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])(-preview)?$/;

export function isArmId(id: string): boolean {
  return ARM_ID.test(id);
}

/** Tokens are renewed this long before they expire. */
const TOKEN_MARGIN_MS = 5 * 60_000;

/** `{error: {code, message}}` of an ARM answer, as "Code: message"; undefined when the body is not that. */
export function armErrorText(body: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (!isRecord(parsed)) return undefined;
  const error = isRecord(parsed.error) ? parsed.error : parsed;
  const code = typeof error.code === 'string' ? error.code : undefined;
  const message = typeof error.message === 'string' ? error.message : undefined;
  if (code === undefined && message === undefined) return undefined;
  return [code, message].filter((x) => x).join(': ');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function header(res: HttpResponse, name: string): string | undefined {
  const value = res.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** `{error: {code, message}}` of an ARM answer, as its parts (empty strings when absent). */
function armErrorParts(body: string): { code: string; message: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { code: '', message: '' };
  }
  if (!isRecord(parsed)) return { code: '', message: '' };
  const error = isRecord(parsed.error) ? parsed.error : parsed;
  return {
    code: typeof error.code === 'string' ? error.code : '',
    message: typeof error.message === 'string' ? error.message : '',
  };
}

/** 409 codes that mean "another operation holds the resource: try again". */
const RETRYABLE_CONFLICT_CODES = new Set([
  'anotheroperationinprogress',
  'conflictingconcurrentwritenotallowed',
  'pessimisticconcurrencyconflict',
]);

/** A 409 message asking to try again later (another operation in progress, retry hints). */
const RETRY_HINT = /\b(?:another operation|in progress|try again|retry)\b/i;

/**
 * Whether a 409 is worth retrying, and if not what blocks the request. A resource lock
 * (`ScopeLocked`) stays until someone removes it, even though ARM's message says "try again".
 */
function conflictOf(body: string): { transient: boolean; blocker?: string } {
  const { code, message } = armErrorParts(body);
  if (code.toLowerCase() === 'scopelocked') {
    return {
      transient: false,
      blocker:
        'a resource lock (ScopeLocked) blocks the write: remove or relax the lock on the scope ARM names (az lock list), or apply the change by hand',
    };
  }
  if (RETRYABLE_CONFLICT_CODES.has(code.toLowerCase()) || RETRY_HINT.test(message)) return { transient: true };
  return {
    transient: false,
    blocker: 'the current state of the resource conflicts with the request, so it is not retried',
  };
}

/**
 * The ActionError a non-2xx ARM answer means: transient for 408/429/5xx and for the 409s that ask
 * to try again, with Retry-After as ARM gave it (the runner caps the wait).
 */
function armFailure(res: HttpResponse, what: string): ActionError {
  const text = armErrorText(res.body) ?? (res.body.length > 300 ? `${res.body.slice(0, 300)}…` : res.body).trim();
  const wait = retryAfterMs(res.headers['retry-after']);
  const conflict = res.status === 409 ? conflictOf(res.body) : undefined;
  const blocker = conflict?.blocker === undefined ? '' : ` (${conflict.blocker})`;
  return new ActionError(`${what}: HTTP ${res.status}${text ? `: ${text}` : ''}${blocker}`, {
    transient: conflict?.transient ?? isTransientStatus(res.status),
    status: res.status,
    ...(wait === undefined ? {} : { retryAfterMs: wait }),
  });
}

function parseObject(res: HttpResponse, what: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(res.body);
  } catch {
    throw new ActionError(`${what}: HTTP ${res.status} with a body that is not JSON`);
  }
  if (!isRecord(parsed)) throw new ActionError(`${what}: HTTP ${res.status} with a body that is not a JSON object`);
  return parsed;
}

function duration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : ms < 120_000 ? `${Math.round(ms / 1000)} s` : `${Math.round(ms / 60_000)} min`;
}

function credentialName(credential: TokenCredential): string {
  return credential.constructor?.name && credential.constructor.name !== 'Object'
    ? credential.constructor.name
    : 'the credential';
}

export function createArmClient(options: ArmClientOptions = {}): ArmClient {
  const endpoint = (options.endpoint ?? DEFAULT_ARM_ENDPOINT).replace(/\/+$/, '');
  let origin: string;
  try {
    const url = new URL(endpoint);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(url.protocol);
    origin = url.origin;
  } catch {
    throw new ActionError(`ARM endpoint "${endpoint}" is not an http(s) URL`);
  }
  if (origin.startsWith('http:') && !isLoopbackHost(new URL(origin).hostname)) {
    throw new ActionError(
      `ARM endpoint "${endpoint}" is plain http: refused, since the bearer token would travel in clear text (use https; http is accepted for loopback test servers only)`,
    );
  }
  const scope = `${endpoint}/.default`;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const pollIntervalMs = options.pollIntervalMs ?? 2000;
  const maxPollMs = options.maxPollMs ?? 10 * 60_000;
  const http = { ...(options.ca === undefined ? {} : { ca: options.ca }), timeoutMs };

  let credential: TokenCredential | undefined = options.credential;
  let cached: AccessToken | undefined;
  let pending: Promise<string> | undefined;

  async function fetchToken(): Promise<string> {
    if (!credential) {
      const { DefaultAzureCredential } = await import('@azure/identity');
      credential = new DefaultAzureCredential();
    }
    let token: AccessToken | null;
    try {
      token = await credential.getToken(scope);
    } catch (error) {
      const name = error instanceof Error ? error.name : '';
      const message = error instanceof Error ? error.message : String(error);
      const kind =
        name === 'CredentialUnavailableError'
          ? 'no Azure credential is available'
          : name === 'AuthenticationError' || name === 'AggregateAuthenticationError'
            ? 'Azure authentication failed'
            : 'could not get an Azure token';
      throw new ActionError(`${kind} (${credentialName(credential)}, scope ${scope}): ${message}`, { cause: error });
    }
    if (!token?.token) {
      throw new ActionError(`${credentialName(credential)} returned no token for scope ${scope}`);
    }
    cached = token;
    return token.token;
  }

  async function token(): Promise<string> {
    if (cached && Date.now() < cached.expiresOnTimestamp - TOKEN_MARGIN_MS) return cached.token;
    if (!pending) {
      pending = fetchToken().finally(() => {
        pending = undefined;
      });
    }
    return pending;
  }

  async function send(method: 'GET' | 'PATCH', url: string, body?: unknown): Promise<HttpResponse> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${await token()}`,
      accept: 'application/json',
    };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await sendHttp(
      { method, url, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) },
      http,
    );
    // A refused token is not reused: the next attempt asks the credential again.
    if (res.status === 401) cached = undefined;
    return res;
  }

  function resourceUrl(id: string, apiVersion: string, method: string): string {
    if (!isArmId(id)) {
      throw new ActionError(
        `${method} refused: "${id}" is not an ARM resource id (/subscriptions/<guid>/resourceGroups/<group>/providers/<namespace>/<type>/<name>)`,
      );
    }
    if (!ARM_API_VERSION.test(apiVersion)) {
      throw new ActionError(
        `${method} ${id} refused: api-version "${apiVersion}" is not YYYY-MM-DD or YYYY-MM-DD-preview`,
      );
    }
    return `${endpoint}${id}?api-version=${apiVersion}`;
  }

  /** A polling URL ARM gave: followed only on the ARM endpoint, since the token goes with it. */
  function pollUrl(value: string, what: string): string {
    let url: URL;
    try {
      url = new URL(value, `${endpoint}/`);
    } catch {
      throw new ActionError(`${what}: ARM gave the polling URL "${value}", which is not a URL`);
    }
    if (url.origin !== origin) {
      throw new ActionError(`${what}: ARM gave the polling URL ${url.origin}, not on ${origin}: not followed`);
    }
    return url.toString();
  }

  async function get(id: string, apiVersion: string): Promise<Record<string, unknown> | undefined> {
    const url = resourceUrl(id, apiVersion, 'GET');
    const what = `GET ${id}`;
    const res = await send('GET', url);
    if (res.status === 404) return undefined;
    if (res.status !== 200) throw armFailure(res, what);
    return parseObject(res, what);
  }

  /** Waits for a long-running operation to end; throws when it fails or takes too long. */
  async function follow(first: HttpResponse, what: string): Promise<void> {
    const asyncOperation = header(first, 'azure-asyncoperation');
    const location = header(first, 'location');
    if (asyncOperation === undefined && location === undefined) return;
    const url = pollUrl(asyncOperation ?? (location as string), what);
    const deadline = Date.now() + maxPollMs;
    let last = first;
    for (;;) {
      const wait = retryAfterMs(last.headers['retry-after']) ?? pollIntervalMs;
      if (Date.now() + wait > deadline) {
        throw new ActionError(
          `${what}: the operation did not finish within ${duration(maxPollMs)} (it may still complete in Azure; polled ${url})`,
        );
      }
      await sleep(wait);
      last = await send('GET', url);
      if (last.status === 429) {
        // Throttled: wait as asked within the budget, else let the runner retry the step later.
        const again = retryAfterMs(last.headers['retry-after']) ?? pollIntervalMs;
        if (Date.now() + again > deadline) throw armFailure(last, `${what}: polling the operation`);
        continue;
      }
      if (asyncOperation !== undefined) {
        if (last.status !== 200) throw armFailure(last, `${what}: polling the operation`);
        const body = parseObject(last, `${what}: polling the operation`);
        const status = typeof body.status === 'string' ? body.status : '';
        if (status.toLowerCase() === 'succeeded') return;
        if (status.toLowerCase() === 'failed' || status.toLowerCase() === 'canceled') {
          const detail = armErrorText(JSON.stringify(body)) ?? 'no error given';
          throw new ActionError(`${what}: the operation ${status}: ${detail}`);
        }
      } else {
        if (last.status === 202) continue;
        if (last.status === 200 || last.status === 204) return;
        throw armFailure(last, `${what}: the operation failed`);
      }
    }
  }

  async function patch(id: string, apiVersion: string, body: unknown): Promise<Record<string, unknown>> {
    const url = resourceUrl(id, apiVersion, 'PATCH');
    const what = `PATCH ${id}`;
    const res = await send('PATCH', url, body);
    // A 200 is final unless it names an operation to follow (some providers answer 200 with
    // Azure-AsyncOperation while the change is still being made).
    if (res.status === 200 && res.body.trim() !== '' && header(res, 'azure-asyncoperation') === undefined) {
      return parseObject(res, what);
    }
    if (![200, 201, 202, 204].includes(res.status)) throw armFailure(res, what);
    await follow(res, what);
    const after = await get(id, apiVersion);
    if (after === undefined) throw new ActionError(`${what}: the operation succeeded but the resource is gone (404)`);
    return after;
  }

  return { get, patch };
}
