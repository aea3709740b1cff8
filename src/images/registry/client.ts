/**
 * HTTP client for the OCI distribution API v2 (https://github.com/opencontainers/distribution-spec/blob/main/spec.md):
 * manifests (GET/HEAD/PUT), blobs (GET following redirects to storage, HEAD, upload by POST+PUT or
 * POST+PATCH…+PUT), with the auth challenge handled once per request, bounded retries on 429/5xx and
 * network errors, timeouts, and digest verification of everything read.
 *
 * HTTPS by default; plain HTTP only for loopback hosts and hosts listed in `insecureHosts`.
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Diagnostic, ExternalError, InputError, type Logger, retryAfterMs, silentLogger } from '#core';
import {
  type AuthOptions,
  type Credentials,
  errorText,
  fetchToken,
  parseWwwAuthenticate,
  resolveCredentials,
  TokenCache,
} from './auth.ts';
import { type Descriptor, MANIFEST_ACCEPT, type ParsedManifest, parseManifest } from './manifest.ts';
import { digestProblem, isLoopback, type RegistryReference } from './reference.ts';

export interface ClientOptions {
  readonly auth?: AuthOptions;
  /** host[:port] entries reached over plain HTTP (loopback always is). */
  readonly insecureHosts?: readonly string[];
  /** Time to wait for response headers and, while streaming, between two chunks (ms). Default 30 s. */
  readonly timeoutMs?: number;
  /** Extra attempts after a 429/5xx or network error. Default 3. */
  readonly retries?: number;
  /** First backoff delay (ms), doubled each attempt, capped at 10 s. Default 250. */
  readonly retryBaseMs?: number;
  /** Largest manifest accepted (bytes). Default 4 MiB (distribution's own limit). */
  readonly maxManifestBytes?: number;
  /** Largest blob accepted (bytes). Default 8 GiB. */
  readonly maxBlobBytes?: number;
  readonly userAgent?: string;
  readonly logger?: Logger;
}

/** What a request is about: the registry and repository, for URLs, auth scope and messages. */
export type RepositoryTarget = Pick<RegistryReference, 'registry' | 'apiHost' | 'repository'>;

export interface FetchedManifest {
  readonly bytes: Buffer;
  readonly digest: string;
  readonly mediaType: string;
  readonly parsed: ParsedManifest;
}

export type BlobSource =
  | { readonly digest: string; readonly size: number; readonly data: Uint8Array }
  | { readonly digest: string; readonly size: number; readonly path: string };

type Action = 'pull' | 'pull,push';

interface RequestSpec {
  readonly method: 'GET' | 'HEAD' | 'PUT' | 'POST' | 'PATCH';
  /** Path under the API base ('/v2/…') or an absolute URL (upload locations). */
  readonly url: string;
  readonly headers?: Record<string, string>;
  /** A fresh body for each attempt. */
  readonly body?: () => Uint8Array | ReadableStream<Uint8Array>;
  readonly action: Action;
  /** What the request is for, in messages: 'manifest demo/x:1'. */
  readonly what: string;
  /** Statuses returned to the caller rather than turned into errors (beyond 2xx). */
  readonly allow?: readonly number[];
}

interface Sent {
  readonly response: Response;
  readonly url: string;
  readonly controller: AbortController;
}

interface HostAuth {
  readonly scheme: 'basic' | 'bearer';
  readonly realm?: string;
  readonly service?: string;
}

const RETRY_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);
const MAX_REDIRECTS = 5;
const SUPPORTED_HASHES: ReadonlySet<string> = new Set(['sha256', 'sha512']);

export function digestOf(bytes: Uint8Array, algorithm = 'sha256'): string {
  return `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
}

/** A hash for a digest's algorithm; InputError for algorithms we cannot verify. */
export function hashFor(digest: string, what: string): Hash {
  const problem = digestProblem(digest);
  if (problem) throw new InputError('input.invalid', `${what}: ${problem}`);
  const algorithm = digest.slice(0, digest.indexOf(':'));
  if (!SUPPORTED_HASHES.has(algorithm)) {
    throw new InputError('input.unsupported', `${what}: digest algorithm "${algorithm}" is not supported`);
  }
  return createHash(algorithm);
}

export class RegistryClient {
  readonly #options: ClientOptions;
  readonly #timeoutMs: number;
  readonly #retries: number;
  readonly #retryBaseMs: number;
  readonly #userAgent: string;
  readonly #log: Logger;
  readonly #tokens = new TokenCache();
  readonly #hostAuth = new Map<string, HostAuth>();
  readonly #credentials = new Map<string, Promise<Credentials | undefined>>();
  readonly #insecure: ReadonlySet<string>;
  readonly maxManifestBytes: number;
  readonly maxBlobBytes: number;
  /** Diagnostics gathered while resolving credentials (credential helper problems). */
  readonly diagnostics: Diagnostic[] = [];

  constructor(options: ClientOptions = {}) {
    this.#options = options;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#retries = options.retries ?? 3;
    this.#retryBaseMs = options.retryBaseMs ?? 250;
    this.#userAgent = options.userAgent ?? 'palisade-registry-client';
    this.#log = options.logger ?? silentLogger;
    this.maxManifestBytes = options.maxManifestBytes ?? 4 * 1024 * 1024;
    this.maxBlobBytes = options.maxBlobBytes ?? 8 * 1024 ** 3;
    this.#insecure = new Set((options.insecureHosts ?? []).map((h) => h.toLowerCase()));
  }

  /** 'https://registry-1.docker.io' or 'http://127.0.0.1:5000'. */
  baseUrl(apiHost: string): string {
    const plain = isLoopback(apiHost) || this.#insecure.has(apiHost.toLowerCase());
    return `${plain ? 'http' : 'https'}://${apiHost}`;
  }

  // -------------------------------------------------------------------------------------------
  // Manifests

  /** GET a manifest or index by tag or digest, verified against the digest asked for or announced. */
  async getManifest(target: RepositoryTarget, reference: string): Promise<FetchedManifest> {
    const what = `manifest ${target.registry}/${target.repository}${reference.includes(':') ? '@' : ':'}${reference}`;
    const sent = await this.#send(target, {
      method: 'GET',
      url: `/v2/${target.repository}/manifests/${reference}`,
      headers: { accept: MANIFEST_ACCEPT },
      action: 'pull',
      what,
    });
    const declared = Number(sent.response.headers.get('content-length') ?? Number.NaN);
    if (declared > this.maxManifestBytes) {
      sent.controller.abort();
      throw new InputError(
        'input.too-large',
        `${what}: ${declared} bytes is over the ${this.maxManifestBytes}-byte manifest limit`,
      );
    }
    const bytes = await this.#readAll(sent, this.maxManifestBytes, what);
    const expected = reference.includes(':')
      ? reference
      : (sent.response.headers.get('docker-content-digest') ?? undefined);
    const algorithm = expected?.split(':')[0] ?? 'sha256';
    const digest = SUPPORTED_HASHES.has(algorithm) ? digestOf(bytes, algorithm) : digestOf(bytes);
    if (expected !== undefined && SUPPORTED_HASHES.has(algorithm) && expected !== digest) {
      throw new InputError('input.invalid', `${what}: content digest ${digest} does not match ${expected}`);
    }
    const contentType = sent.response.headers.get('content-type') ?? undefined;
    const parsed = parseManifest(bytes, contentType, what);
    return { bytes, digest: algorithm === 'sha256' ? digest : digestOf(bytes), mediaType: parsed.mediaType, parsed };
  }

  /** HEAD a manifest: its digest (Docker-Content-Digest), media type and size; undefined when absent. */
  async headManifest(
    target: RepositoryTarget,
    reference: string,
  ): Promise<{ digest?: string; mediaType?: string; size?: number } | undefined> {
    const sent = await this.#send(target, {
      method: 'HEAD',
      url: `/v2/${target.repository}/manifests/${reference}`,
      headers: { accept: MANIFEST_ACCEPT },
      action: 'pull',
      what: `manifest ${target.registry}/${target.repository}:${reference}`,
      allow: [404],
    });
    if (sent.response.status === 404) return undefined;
    const h = sent.response.headers;
    const length = h.get('content-length');
    return {
      ...(h.get('docker-content-digest') ? { digest: h.get('docker-content-digest') ?? '' } : {}),
      ...(h.get('content-type') ? { mediaType: h.get('content-type') ?? '' } : {}),
      ...(length === null ? {} : { size: Number(length) }),
    };
  }

  /** PUT a manifest under a tag or its digest; returns the digest, checked against the registry's. */
  async putManifest(
    target: RepositoryTarget,
    reference: string,
    bytes: Uint8Array,
    mediaType: string,
  ): Promise<string> {
    const digest = digestOf(bytes);
    const what = `manifest ${target.registry}/${target.repository}:${reference}`;
    const sent = await this.#send(target, {
      method: 'PUT',
      url: `/v2/${target.repository}/manifests/${reference}`,
      headers: { 'content-type': mediaType },
      body: () => bytes,
      action: 'pull,push',
      what,
    });
    await drain(sent.response);
    const announced = sent.response.headers.get('docker-content-digest');
    if (announced && announced !== digest) {
      throw new ExternalError(
        'external.unavailable',
        `${what}: registry stored digest ${announced} but the manifest sent has ${digest}`,
      );
    }
    return digest;
  }

  // -------------------------------------------------------------------------------------------
  // Blobs

  async blobExists(target: RepositoryTarget, digest: string, action: Action = 'pull'): Promise<boolean> {
    const sent = await this.#send(target, {
      method: 'HEAD',
      url: `/v2/${target.repository}/blobs/${digest}`,
      action,
      what: `blob ${target.registry}/${target.repository}@${digest}`,
      allow: [404],
    });
    return sent.response.status !== 404;
  }

  /** Read a small blob (a config) into memory, verified. */
  async getBlobBytes(
    target: RepositoryTarget,
    descriptor: Descriptor,
    maxBytes = this.maxManifestBytes,
  ): Promise<Buffer> {
    const what = `blob ${target.registry}/${target.repository}@${descriptor.digest}`;
    if (descriptor.size > maxBytes) {
      throw new InputError('input.too-large', `${what}: ${descriptor.size} bytes is over the ${maxBytes}-byte limit`);
    }
    const hash = hashFor(descriptor.digest, what);
    const sent = await this.#send(target, {
      method: 'GET',
      url: `/v2/${target.repository}/blobs/${descriptor.digest}`,
      action: 'pull',
      what,
    });
    const bytes = await this.#readAll(sent, descriptor.size, what);
    const actual = `${descriptor.digest.split(':')[0]}:${hash.update(bytes).digest('hex')}`;
    if (actual !== descriptor.digest || bytes.length !== descriptor.size) {
      throw new InputError(
        'input.invalid',
        `${what}: content has digest ${actual} (${bytes.length} bytes), expected ${descriptor.digest} (${descriptor.size} bytes)`,
      );
    }
    return bytes;
  }

  /**
   * Stream a blob to `destPath` (via a temporary file renamed into place only after the size and
   * digest check). On a mismatch the partial file is removed and InputError is thrown.
   */
  async downloadBlob(target: RepositoryTarget, descriptor: Descriptor, destPath: string): Promise<number> {
    const what = `blob ${target.registry}/${target.repository}@${descriptor.digest}`;
    const limit = Math.min(descriptor.size, this.maxBlobBytes);
    if (descriptor.size > this.maxBlobBytes) {
      throw new InputError(
        'input.too-large',
        `${what}: ${descriptor.size} bytes is over the ${this.maxBlobBytes}-byte blob limit`,
      );
    }
    const hash = hashFor(descriptor.digest, what);
    const sent = await this.#send(target, {
      method: 'GET',
      url: `/v2/${target.repository}/blobs/${descriptor.digest}`,
      action: 'pull',
      what,
    });
    await mkdir(dirname(destPath), { recursive: true });
    const temp = `${destPath}.partial-${process.pid}-${Math.random().toString(36).slice(2)}`;
    const file = await open(temp, 'w');
    let received = 0;
    let ok = false;
    try {
      for await (const chunk of this.#chunks(sent, what)) {
        received += chunk.length;
        if (received > limit) {
          sent.controller.abort();
          throw new InputError(
            'input.too-large',
            `${what}: registry sent more than the ${limit} bytes the descriptor declares`,
          );
        }
        hash.update(chunk);
        await file.write(chunk);
      }
      const actual = `${descriptor.digest.split(':')[0]}:${hash.digest('hex')}`;
      if (received !== descriptor.size) {
        throw new InputError(
          'input.invalid',
          `${what}: received ${received} bytes, descriptor declares ${descriptor.size}`,
        );
      }
      if (actual !== descriptor.digest) {
        throw new InputError(
          'input.invalid',
          `${what}: content digest ${actual} does not match ${descriptor.digest}; download discarded`,
        );
      }
      ok = true;
    } finally {
      await file.close();
      if (ok) await rename(temp, destPath);
      else await rm(temp, { force: true });
    }
    return received;
  }

  /**
   * Upload a blob unless the repository has it. Monolithic (POST, then PUT with the content) up to
   * `chunkSize`, otherwise chunked (POST, PATCH per chunk with Content-Range, then PUT ?digest).
   * Returns false when the blob was already there.
   */
  async uploadBlob(
    target: RepositoryTarget,
    source: BlobSource,
    options: { chunkSize?: number } = {},
  ): Promise<boolean> {
    const what = `blob upload ${target.registry}/${target.repository}@${source.digest}`;
    if (await this.blobExists(target, source.digest, 'pull,push')) return false;
    const chunkSize = options.chunkSize ?? 64 * 1024 * 1024;
    const started = await this.#send(target, {
      method: 'POST',
      url: `/v2/${target.repository}/blobs/uploads/`,
      headers: { 'content-length': '0' },
      action: 'pull,push',
      what,
    });
    await drain(started.response);
    let location = this.#location(started, what);
    const slice = (start: number, end: number) => (): Uint8Array | ReadableStream<Uint8Array> =>
      'data' in source
        ? source.data.subarray(start, end)
        : (Readable.toWeb(createReadStream(source.path, { start, end: end - 1 })) as ReadableStream<Uint8Array>);
    const finish = (url: string, body?: () => Uint8Array | ReadableStream<Uint8Array>, length = 0) => {
      const u = new URL(url);
      u.searchParams.set('digest', source.digest);
      return this.#send(target, {
        method: 'PUT',
        url: u.toString(),
        headers: { 'content-type': 'application/octet-stream', 'content-length': String(length) },
        ...(body ? { body } : {}),
        action: 'pull,push',
        what,
      });
    };
    let done: Sent;
    if (source.size <= chunkSize) {
      done = await finish(location, slice(0, source.size), source.size);
    } else {
      for (let start = 0; start < source.size; start += chunkSize) {
        const end = Math.min(start + chunkSize, source.size);
        const patched = await this.#send(target, {
          method: 'PATCH',
          url: location,
          headers: {
            'content-type': 'application/octet-stream',
            'content-length': String(end - start),
            'content-range': `${start}-${end - 1}`,
          },
          body: slice(start, end),
          action: 'pull,push',
          what: `${what} (bytes ${start}-${end - 1})`,
        });
        await drain(patched.response);
        location = this.#location(patched, what);
      }
      done = await finish(location);
    }
    await drain(done.response);
    if (done.response.status !== 201) {
      throw new ExternalError(
        'external.unavailable',
        `${what}: upload finished with HTTP ${done.response.status}, expected 201`,
      );
    }
    return true;
  }

  // -------------------------------------------------------------------------------------------
  // Transport

  #location(sent: Sent, what: string): string {
    const location = sent.response.headers.get('location');
    if (!location) {
      throw new ExternalError(
        'external.unavailable',
        `${what}: registry answered HTTP ${sent.response.status} without a Location`,
      );
    }
    return new URL(location, sent.url).toString();
  }

  async #readAll(sent: Sent, limit: number, what: string): Promise<Buffer> {
    const parts: Buffer[] = [];
    let total = 0;
    for await (const chunk of this.#chunks(sent, what)) {
      total += chunk.length;
      if (total > limit) {
        sent.controller.abort();
        throw new InputError('input.too-large', `${what}: response is larger than ${limit} bytes`);
      }
      parts.push(Buffer.from(chunk));
    }
    return Buffer.concat(parts);
  }

  /** Body chunks with an idle timeout between them. */
  async *#chunks(sent: Sent, what: string): AsyncGenerator<Uint8Array> {
    const body = sent.response.body;
    if (!body) return;
    const reader = body.getReader();
    let timer: NodeJS.Timeout | undefined;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => sent.controller.abort(new Error('idle timeout')), this.#timeoutMs);
    };
    try {
      for (;;) {
        arm();
        let result: Awaited<ReturnType<typeof reader.read>>;
        try {
          result = await reader.read();
        } catch (error) {
          throw new ExternalError('external.unavailable', `${what}: reading ${sent.url} failed: ${errorText(error)}`, {
            cause: error,
          });
        }
        if (result.done) return;
        yield result.value;
      }
    } finally {
      clearTimeout(timer);
      reader.releaseLock();
    }
  }

  async #credentialsFor(registry: string): Promise<Credentials | undefined> {
    let pending = this.#credentials.get(registry);
    if (!pending) {
      pending = resolveCredentials(registry, this.#options.auth ?? {}).then((resolved) => {
        this.diagnostics.push(...resolved.diagnostics);
        for (const d of resolved.diagnostics) this.#log.warn({ code: d.code }, d.message);
        return resolved.credentials;
      });
      this.#credentials.set(registry, pending);
    }
    return pending;
  }

  #scopes(target: RepositoryTarget, action: Action): string[] {
    return [`repository:${target.repository}:${action}`];
  }

  async #authorization(target: RepositoryTarget, action: Action, fresh: boolean): Promise<string | undefined> {
    const state = this.#hostAuth.get(target.apiHost);
    if (!state) return undefined;
    const credentials = await this.#credentialsFor(target.registry);
    if (state.scheme === 'basic') {
      if (credentials?.kind === 'basic') {
        return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
      }
      if (credentials?.kind === 'identity-token') {
        return `Basic ${Buffer.from(`${credentials.username ?? '<token>'}:${credentials.token}`).toString('base64')}`;
      }
      return undefined;
    }
    const scopes = this.#scopes(target, action);
    if (!fresh) {
      const cached = this.#tokens.get(target.apiHost, scopes);
      if (cached) return `Bearer ${cached}`;
    }
    const issued = await fetchToken({
      realm: state.realm ?? '',
      ...(state.service === undefined ? {} : { service: state.service }),
      scopes,
      ...(credentials ? { credentials } : {}),
      timeoutMs: this.#timeoutMs,
      userAgent: this.#userAgent,
    });
    this.#tokens.set(target.apiHost, scopes, issued);
    return `Bearer ${issued.token}`;
  }

  /** Learn how a host wants to be authenticated from its 401; false when nothing new can be tried. */
  async #learnChallenge(target: RepositoryTarget, response: Response, what: string): Promise<boolean> {
    const header = response.headers.get('www-authenticate');
    if (!header) return false;
    const challenges = parseWwwAuthenticate(header);
    const bearer = challenges.find((c) => c.scheme === 'bearer' && c.params.realm);
    const basic = challenges.find((c) => c.scheme === 'basic');
    const previous = this.#hostAuth.get(target.apiHost);
    if (bearer) {
      this.#hostAuth.set(target.apiHost, {
        scheme: 'bearer',
        realm: bearer.params.realm ?? '',
        ...(bearer.params.service === undefined ? {} : { service: bearer.params.service }),
      });
      return true;
    }
    if (basic) {
      if (!(await this.#credentialsFor(target.registry))) {
        throw new ExternalError(
          'external.denied',
          `${what}: ${target.apiHost} requires credentials (Basic realm "${basic.params.realm ?? ''}"); give --username/--password or log in with docker login`,
        );
      }
      this.#hostAuth.set(target.apiHost, { scheme: 'basic' });
      return previous?.scheme !== 'basic';
    }
    throw new ExternalError(
      'external.denied',
      `${what}: ${target.apiHost} asks for an unsupported authentication scheme: ${header}`,
    );
  }

  async #send(target: RepositoryTarget, spec: RequestSpec): Promise<Sent> {
    const url = /^https?:\/\//.test(spec.url) ? spec.url : `${this.baseUrl(target.apiHost)}${spec.url}`;
    const label = `${spec.method} ${url} (${spec.what})`;
    let challenged = false;
    let freshToken = false;
    for (let attempt = 0; ; attempt++) {
      const authorization = await this.#authorization(target, spec.action, freshToken);
      freshToken = false;
      let sent: Sent;
      try {
        sent = await this.#fetchFollowing(url, spec, authorization);
      } catch (error) {
        if (error instanceof InputError || error instanceof ExternalError) throw error;
        if (attempt < this.#retries) {
          this.#log.debug({ url, attempt }, `retrying after ${errorText(error)}`);
          await sleep(this.#backoff(attempt));
          continue;
        }
        throw new ExternalError('external.unavailable', `${label} failed: ${errorText(error)}`, { cause: error });
      }
      const status = sent.response.status;
      if (status === 401 && !challenged) {
        challenged = true;
        await drain(sent.response);
        if (await this.#learnChallenge(target, sent.response, spec.what)) {
          freshToken = true;
          attempt--;
          continue;
        }
      }
      if (status === 401 || status === 403) {
        const detail = await errorBody(sent.response);
        const credentials = await this.#credentialsFor(target.registry);
        throw new ExternalError(
          'external.denied',
          `${label}: HTTP ${status}${detail}; the registry refused ${credentials ? `the credentials from ${credentials.source}` : 'anonymous access'}`,
        );
      }
      if (RETRY_STATUSES.has(status) && attempt < this.#retries) {
        const wait = retryAfter(sent.response) ?? this.#backoff(attempt);
        await drain(sent.response);
        this.#log.debug({ url, status, attempt, wait }, 'retrying');
        await sleep(wait);
        continue;
      }
      if ((status >= 200 && status < 300) || spec.allow?.includes(status)) return sent;
      const detail = await errorBody(sent.response);
      if (status === 404) {
        throw new InputError('input.not-found', `${spec.what} not found: ${label} answered HTTP 404${detail}`);
      }
      throw new ExternalError('external.unavailable', `${label}: HTTP ${status}${detail}`);
    }
  }

  #backoff(attempt: number): number {
    return Math.min(this.#retryBaseMs * 2 ** attempt, 10_000);
  }

  /** One attempt, following redirects by hand so credentials never leave the registry's origin. */
  async #fetchFollowing(url: string, spec: RequestSpec, authorization: string | undefined): Promise<Sent> {
    const origin = new URL(url).origin;
    let current = url;
    let method = spec.method;
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const controller = new AbortController();
      const timer = setTimeout(
        () => controller.abort(new Error('timed out waiting for response headers')),
        this.#timeoutMs,
      );
      const headers: Record<string, string> = { 'user-agent': this.#userAgent, ...spec.headers };
      if (authorization && new URL(current).origin === origin) headers.authorization = authorization;
      const body = hop === 0 ? spec.body?.() : undefined;
      let response: Response;
      try {
        response = await fetch(current, {
          method,
          headers,
          redirect: 'manual',
          signal: controller.signal,
          ...(body === undefined ? {} : { body, duplex: 'half' }),
        } as RequestInit);
      } catch (error) {
        throw controller.signal.aborted && controller.signal.reason instanceof Error
          ? new Error(controller.signal.reason.message, { cause: error })
          : error;
      } finally {
        clearTimeout(timer);
      }
      const location = response.headers.get('location');
      if ([301, 302, 303, 307, 308].includes(response.status) && location && (method === 'GET' || method === 'HEAD')) {
        await drain(response);
        current = new URL(location, current).toString();
        if (response.status === 303) method = 'GET';
        continue;
      }
      return { response, url: current, controller };
    }
    throw new ExternalError('external.unavailable', `${spec.method} ${url}: more than ${MAX_REDIRECTS} redirects`);
  }
}

async function drain(response: Response): Promise<void> {
  try {
    await response.body?.cancel();
  } catch {
    // already consumed or aborted
  }
}

/** Retry-After, capped at 10 s. */
function retryAfter(response: Response): number | undefined {
  const ms = retryAfterMs(response.headers.get('retry-after'));
  return ms === undefined ? undefined : Math.min(ms, 10_000);
}

/** The distribution error body (`{"errors":[{"code","message"}]}`) as text for messages. */
async function errorBody(response: Response): Promise<string> {
  let text = '';
  try {
    text = (await response.text()).slice(0, 2000);
  } catch {
    return '';
  }
  try {
    const parsed = JSON.parse(text) as { errors?: { code?: unknown; message?: unknown }[] };
    const errors = (parsed.errors ?? []).map((e) =>
      [e.code, e.message].filter((x) => typeof x === 'string').join(': '),
    );
    if (errors.length > 0) return ` (${errors.join('; ')})`;
  } catch {
    // not JSON
  }
  return text.trim() ? ` (${text.trim().slice(0, 200)})` : '';
}
