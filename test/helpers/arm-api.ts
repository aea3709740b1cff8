/**
 * An ARM-shaped HTTPS server on 127.0.0.1 for tests of code that reads and patches Azure
 * resources (no real Azure Resource Manager can be reached from tests), with a managed-identity
 * token endpoint of the App Service kind beside it (plain HTTP, as App Service's local endpoint is).
 *
 * The ARM side stores resources by id (ids compare case-insensitively, as in ARM) and answers:
 * - `GET {id}?api-version=...`: the resource, or 404 `ResourceNotFound`;
 * - `PATCH {id}?api-version=...`: a JSON merge patch (RFC 7386) of the stored object (id, name and
 *   type are kept), answering 200 with the result, or 202 with an operation to poll when the test
 *   asked for it (`asyncPatch`): `Azure-AsyncOperation` (`{status: InProgress|Succeeded|Failed}`) or
 *   `Location` (202 while running, then 200 with the resource or an error status); an
 *   Azure-AsyncOperation can also start with 200 and the resource as it was;
 * - resource providers that ignore null in a PATCH (`ignoreNulls`: null members are dropped
 *   rather than removing the property, as many providers read null as "leave unchanged");
 * - 400 `MissingApiVersionParameter` without api-version; 401 `InvalidAuthenticationToken` unless
 *   the bearer token is one the token endpoint issued for this server's audience;
 * - injected failures: `throttleNext` (429 with Retry-After), `failNext` (any status and error),
 *   `deny` (403 `AuthorizationFailed` for one id), `lock` (409 `ScopeLocked` on writes to one id).
 * The token endpoint answers `GET ?api-version=2019-08-01&resource=...` with the `X-IDENTITY-HEADER`
 * secret, as ManagedIdentityCredential calls it when IDENTITY_ENDPOINT and IDENTITY_HEADER are set.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** One request the ARM side received. */
export interface ArmCall {
  readonly method: string;
  /** The path, decoded, without the query. */
  readonly path: string;
  readonly apiVersion: string | undefined;
  /** The JSON body, parsed (undefined when none). */
  readonly body: unknown;
}

export interface AsyncPatchOptions {
  readonly via: 'azure-asyncoperation' | 'location';
  /** Polls answered "still running" before the outcome. */
  readonly polls: number;
  /** Default Succeeded; the resource changes only then. */
  readonly outcome?: 'Succeeded' | 'Failed';
  /** The error a failed operation reports (default OperationFailed). */
  readonly error?: { readonly code: string; readonly message: string };
  /**
   * Status of the answer to the PATCH (default 202). 200 (Azure-AsyncOperation only) carries the
   * resource as it was, the change still to come.
   */
  readonly answer?: 200 | 202;
  /**
   * The operation ends as asked, but the poll that would report the end answers this status
   * instead (a gateway failure after the change took effect).
   */
  readonly finalPollStatus?: number;
  /** The first poll answers 429 with this Retry-After (seconds), the operation left as it is. */
  readonly throttleFirstPoll?: number;
}

/** An ARM error body: `{error: {code, message}}`. */
export interface ArmErrorBody {
  readonly code: string;
  readonly message: string;
}

export interface ArmApi {
  readonly port: number;
  /** `https://127.0.0.1:<port>`: the ARM endpoint, and the audience of the tokens it accepts. */
  readonly url: string;
  /** The CA that signed the server's certificate (PEM). */
  readonly ca: Buffer;
  /** Every request the ARM side received, in order. */
  readonly calls: ArmCall[];
  /** The `resource` of every token request the token endpoint answered with a token, in order. */
  readonly tokenRequests: string[];
  /** IDENTITY_ENDPOINT and IDENTITY_HEADER for ManagedIdentityCredential. */
  identityEnv(): { IDENTITY_ENDPOINT: string; IDENTITY_HEADER: string };
  /** A token the ARM side accepts, issued without the token endpoint (for stub credentials). */
  issueToken(): { token: string; expiresOnTimestamp: number };
  /** Lifetime of the tokens issued from now on (default 3600 s). */
  setTokenLifetime(seconds: number): void;
  /** Stores (or replaces) a resource; its `id` is the key. */
  put(resource: JsonObject): void;
  /** The stored resource (a copy), or undefined. */
  resource(id: string): JsonObject | undefined;
  remove(id: string): void;
  /** The next `n` ARM requests answer 429 with Retry-After. */
  throttleNext(n: number, retryAfterSeconds: number): void;
  /** The next `n` ARM requests (after authentication) answer `status`, with `error` when given. */
  failNext(n: number, status: number, error?: ArmErrorBody): void;
  /** Requests on this id answer 403 AuthorizationFailed: reads (GET), writes (PATCH) or both (default). */
  deny(id: string, what?: 'read' | 'write' | 'all'): void;
  /** The next PATCH of this id is a long-running operation. */
  asyncPatch(id: string, options: AsyncPatchOptions): void;
  /** A CanNotDelete/ReadOnly lock on this id: PATCHes answer 409 `ScopeLocked`. */
  lock(id: string): void;
  /**
   * PATCHes of resources of this ARM type drop null members instead of removing the property
   * (a resource provider that reads null as "leave unchanged").
   */
  ignoreNulls(type: string): void;
  /** Forgets every injected failure, denial, lock, null-ignoring type and pending asyncPatch. */
  resetFailures(): void;
  close(): Promise<void>;
}

interface Operation {
  readonly id: string;
  readonly patch: JsonObject;
  readonly options: AsyncPatchOptions;
  pollsLeft: number;
  done: boolean;
  polled: number;
  readonly apiVersion: string;
}

const CLIENT_OBJECT_ID = '7d3e1f0a-2b4c-4d5e-8f60-718293a4b5c6';
const CLIENT_APP_ID = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** RFC 7386: objects merge key by key, null removes, anything else replaces. */
export function mergePatch(target: Json | undefined, patch: Json): Json {
  if (!isObject(patch)) return structuredClone(patch);
  const out: JsonObject = isObject(target) ? structuredClone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}

/** The patch without its null members (at any depth), as a provider that ignores null reads it. */
function withoutNulls(patch: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) continue;
    out[key] = isObject(value) ? withoutNulls(value) : value;
  }
  return out;
}

/** 'Microsoft.Storage/storageAccounts' from an id (children: 'Microsoft.Sql/servers/databases'). */
function typeOf(id: string): string {
  const at = id.toLowerCase().lastIndexOf('/providers/');
  if (at < 0) return 'Microsoft.Resources/resourceGroups';
  const [namespace = '', ...rest] = id.slice(at + '/providers/'.length).split('/');
  return [namespace, ...rest.filter((_, i) => i % 2 === 0)].join('/');
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

/**
 * Starts both servers. The ARM side serves with `${dir}/${name}.crt`/`.key`, signed by
 * `${dir}/ca.crt` (makeServingCerts(dir, ['arm'])).
 */
export async function startArmApi(dir: string, name = 'arm'): Promise<ArmApi> {
  const ca = readFileSync(join(dir, 'ca.crt'));
  const store = new Map<string, JsonObject>();
  const tokens = new Map<string, string>(); // token → audience
  const calls: ArmCall[] = [];
  const tokenRequests: string[] = [];
  const denied = new Map<string, 'read' | 'write' | 'all'>();
  const asyncNext = new Map<string, AsyncPatchOptions>();
  const locked = new Set<string>();
  const nullIgnoring = new Set<string>();
  const operations = new Map<string, Operation>();
  const identitySecret = randomBytes(12).toString('hex');
  let throttle = { n: 0, seconds: 0 };
  let failures: { n: number; status: number; error?: ArmErrorBody } = { n: 0, status: 500 };
  let lifetimeSeconds = 3600;
  let issued = 0;
  let url = '';

  function newToken(audience: string): { token: string; expiresOn: number } {
    issued++;
    const token = `palisade-test-arm-token-${issued}-${randomBytes(6).toString('hex')}`;
    tokens.set(token, audience.replace(/\/+$/, ''));
    return { token, expiresOn: Math.floor(Date.now() / 1000) + lifetimeSeconds };
  }

  function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(body === undefined ? '' : JSON.stringify(body));
  }

  function armError(res: ServerResponse, status: number, code: string, message: string, headers = {}): void {
    json(res, status, { error: { code, message } }, headers);
  }

  function tokenEndpoint(req: IncomingMessage, res: ServerResponse): void {
    const query = new URL(req.url ?? '/', 'http://127.0.0.1').searchParams;
    if (req.headers['x-identity-header'] !== identitySecret) {
      json(res, 401, { statusCode: 401, message: 'The X-IDENTITY-HEADER header is missing or wrong.' });
      return;
    }
    const resource = query.get('resource');
    if (req.method !== 'GET' || query.get('api-version') !== '2019-08-01' || !resource) {
      json(res, 400, { statusCode: 400, message: 'Expected GET with api-version=2019-08-01 and resource.' });
      return;
    }
    tokenRequests.push(resource);
    const { token, expiresOn } = newToken(resource);
    json(res, 200, {
      access_token: token,
      expires_on: String(expiresOn),
      resource,
      token_type: 'Bearer',
      client_id: CLIENT_APP_ID,
    });
  }

  function operationUrl(op: string, apiVersion: string): string {
    const kind = operations.get(op)?.options.via === 'location' ? 'operationResults' : 'operationStatuses';
    return `${url}/providers/Microsoft.PalisadeTest/locations/local/${kind}/${op}?api-version=${apiVersion}`;
  }

  function finish(op: Operation): void {
    if (op.done) return;
    op.done = true;
    const key = op.id.toLowerCase();
    const stored = store.get(key);
    if (stored && (op.options.outcome ?? 'Succeeded') === 'Succeeded') {
      store.set(key, { ...(mergePatch(stored, op.patch) as JsonObject), id: stored.id ?? op.id });
    }
  }

  function poll(res: ServerResponse, op: Operation, opId: string): void {
    op.polled++;
    if (op.polled === 1 && op.options.throttleFirstPoll !== undefined) {
      armError(res, 429, 'TooManyRequests', 'The request was throttled; retry after the interval in Retry-After.', {
        'retry-after': String(op.options.throttleFirstPoll),
      });
      return;
    }
    const running = op.pollsLeft > 0;
    if (running) op.pollsLeft--;
    else finish(op);
    if (!running && op.options.finalPollStatus !== undefined) {
      const status = op.options.finalPollStatus;
      armError(res, status, 'GatewayError', `The test server lost the answer of operation '${opId}' (HTTP ${status}).`);
      return;
    }
    const outcome = op.options.outcome ?? 'Succeeded';
    const error = op.options.error ?? {
      code: 'OperationFailed',
      message: `The operation on '${op.id}' failed (the test asked for it to fail).`,
    };
    if (op.options.via === 'azure-asyncoperation') {
      const status = running ? 'InProgress' : outcome;
      json(
        res,
        200,
        { id: opId, name: opId, status, ...(status === 'Failed' ? { error } : {}) },
        running ? { 'retry-after': '0' } : {},
      );
      return;
    }
    if (running) {
      json(res, 202, undefined, { location: operationUrl(opId, op.apiVersion), 'retry-after': '0' });
      return;
    }
    if (outcome === 'Failed') {
      json(res, 400, { error });
      return;
    }
    json(res, 200, store.get(op.id.toLowerCase()));
  }

  async function arm(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const parsed = new URL(req.url ?? '/', url);
    const path = decodeURIComponent(parsed.pathname);
    const apiVersion = parsed.searchParams.get('api-version') ?? undefined;
    const text = await readBody(req);
    let body: unknown;
    if (text !== '') {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    calls.push({ method: req.method ?? '', path, apiVersion, body });

    if (throttle.n > 0) {
      throttle.n--;
      armError(res, 429, 'TooManyRequests', 'The request was throttled; retry after the interval in Retry-After.', {
        'retry-after': String(throttle.seconds),
      });
      return;
    }
    const auth = req.headers.authorization ?? '';
    const token = /^Bearer (\S+)$/.exec(auth)?.[1];
    if (token === undefined) {
      armError(res, 401, 'AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing.");
      return;
    }
    if (tokens.get(token) !== url) {
      armError(res, 401, 'InvalidAuthenticationToken', 'The access token is invalid.');
      return;
    }
    if (apiVersion === undefined) {
      armError(
        res,
        400,
        'MissingApiVersionParameter',
        'The api-version query parameter (?api-version=) is required for all requests.',
      );
      return;
    }
    if (failures.n > 0) {
      failures.n--;
      if (failures.error) {
        armError(res, failures.status, failures.error.code, failures.error.message);
        return;
      }
      const code =
        failures.status === 409
          ? 'Conflict'
          : failures.status === 503
            ? 'ServiceUnavailable'
            : failures.status >= 500
              ? 'InternalServerError'
              : 'BadRequest';
      armError(res, failures.status, code, `The test server failed this request with HTTP ${failures.status}.`);
      return;
    }

    const op = /\/providers\/Microsoft\.PalisadeTest\/locations\/local\/operation(?:Statuses|Results)\/([^/]+)$/i.exec(
      path,
    )?.[1];
    if (op !== undefined) {
      const operation = operations.get(op);
      if (req.method !== 'GET' || operation === undefined) {
        armError(res, 404, 'OperationNotFound', `Operation '${op}' was not found.`);
        return;
      }
      poll(res, operation, op);
      return;
    }

    const key = path.toLowerCase();
    const verb = req.method === 'GET' ? 'read' : 'write';
    const action = `${typeOf(path)}/${verb}`;
    const denial = denied.get(key);
    if (denial === 'all' || denial === verb) {
      armError(
        res,
        403,
        'AuthorizationFailed',
        `The client '${CLIENT_APP_ID}' with object id '${CLIENT_OBJECT_ID}' does not have authorization to perform action '${action}' over scope '${path}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
      );
      return;
    }
    const stored = store.get(key);
    if (stored === undefined) {
      const segments = path.split('/');
      armError(
        res,
        404,
        'ResourceNotFound',
        `The Resource '${typeOf(path)}/${segments.at(-1)}' under resource group '${segments[4] ?? ''}' was not found.`,
      );
      return;
    }
    if (req.method === 'GET') {
      json(res, 200, stored);
      return;
    }
    if (req.method !== 'PATCH') {
      armError(res, 405, 'MethodNotAllowed', `The test server does not serve ${req.method} on resources.`);
      return;
    }
    if (!isObject(body)) {
      armError(res, 400, 'InvalidRequestContent', 'The request content is not a JSON object.');
      return;
    }
    if (locked.has(key)) {
      const group = path.split('/').slice(0, 5).join('/');
      armError(
        res,
        409,
        'ScopeLocked',
        `The scope '${path}' cannot perform write operation because following scope(s) are locked: '${group}'. Please remove the lock and try again.`,
      );
      return;
    }
    const { id: _id, name: _name, type: _type, ...sent } = body;
    const patch = nullIgnoring.has(typeOf(path).toLowerCase()) ? withoutNulls(sent) : sent;
    const pending = asyncNext.get(key);
    if (pending) {
      asyncNext.delete(key);
      const opId = randomBytes(8).toString('hex');
      operations.set(opId, {
        id: String(stored.id),
        patch,
        options: pending,
        pollsLeft: pending.polls,
        done: false,
        polled: 0,
        apiVersion,
      });
      const target = operationUrl(opId, apiVersion);
      if (pending.answer === 200 && pending.via === 'azure-asyncoperation') {
        json(res, 200, stored, { 'azure-asyncoperation': target, 'retry-after': '0' });
        return;
      }
      json(res, 202, undefined, {
        ...(pending.via === 'azure-asyncoperation' ? { 'azure-asyncoperation': target } : { location: target }),
        'retry-after': '0',
      });
      return;
    }
    const next = { ...(mergePatch(stored, patch) as JsonObject), id: stored.id ?? path };
    store.set(key, next);
    json(res, 200, next);
  }

  const armServer = createHttpsServer(
    { cert: readFileSync(join(dir, `${name}.crt`)), key: readFileSync(join(dir, `${name}.key`)) },
    (req, res) => {
      arm(req, res).catch((error: unknown) => {
        if (!res.headersSent) armError(res, 500, 'InternalServerError', String(error));
      });
    },
  );
  const identityServer = createHttpServer(tokenEndpoint);
  const port = await listen(armServer);
  const identityPort = await listen(identityServer);
  url = `https://127.0.0.1:${port}`;

  return {
    port,
    url,
    ca,
    calls,
    tokenRequests,
    identityEnv: () => ({
      IDENTITY_ENDPOINT: `http://127.0.0.1:${identityPort}/msi/token`,
      IDENTITY_HEADER: identitySecret,
    }),
    issueToken() {
      const { token, expiresOn } = newToken(url);
      return { token, expiresOnTimestamp: expiresOn * 1000 };
    },
    setTokenLifetime(seconds) {
      lifetimeSeconds = seconds;
    },
    put(resource) {
      if (typeof resource.id !== 'string') throw new Error('a stored resource needs an id');
      store.set(resource.id.toLowerCase(), structuredClone(resource));
    },
    resource(id) {
      const stored = store.get(id.toLowerCase());
      return stored === undefined ? undefined : structuredClone(stored);
    },
    remove(id) {
      store.delete(id.toLowerCase());
    },
    throttleNext(n, retryAfterSeconds) {
      throttle = { n, seconds: retryAfterSeconds };
    },
    failNext(n, status, error) {
      failures = { n, status, ...(error ? { error } : {}) };
    },
    deny(id, what = 'all') {
      denied.set(id.toLowerCase(), what);
    },
    asyncPatch(id, options) {
      asyncNext.set(id.toLowerCase(), options);
    },
    lock(id) {
      locked.add(id.toLowerCase());
    },
    ignoreNulls(type) {
      nullIgnoring.add(type.toLowerCase());
    },
    resetFailures() {
      throttle = { n: 0, seconds: 0 };
      failures = { n: 0, status: 500 };
      denied.clear();
      asyncNext.clear();
      locked.clear();
      nullIgnoring.clear();
    },
    async close() {
      for (const server of [armServer, identityServer]) {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    },
  };
}
