/**
 * Registry authentication: where credentials come from, the WWW-Authenticate challenge, and tokens.
 *
 * - Credentials: explicit options (--username/--password), else the Docker client config
 *   (`$DOCKER_CONFIG/config.json` or `~/.docker/config.json`): `credHelpers.<host>`, then `credsStore`
 *   (both run `docker-credential-<name> get` with the server on stdin), then `auths.<host>`
 *   (`auth` = base64 "user:pass", or `identitytoken`). Keys match with or without a scheme and path
 *   (`https://index.docker.io/v1/`). Spec: https://docs.docker.com/reference/cli/docker/login/ and
 *   https://github.com/docker/docker-credential-helpers (protocol: stdin server URL, stdout JSON).
 * - Challenges: RFC 7235 section 4.1 / RFC 9110 section 11.6.1 (`auth-scheme [token68 | #auth-param]`,
 *   several challenges separated by commas, quoted-string with backslash escapes).
 * - Tokens: https://distribution.github.io/distribution/spec/auth/token/ (GET realm?service&scope,
 *   Basic credentials when known, JSON `token` or `access_token`, `expires_in` default 60 s) and
 *   https://distribution.github.io/distribution/spec/auth/oauth/ (POST grant_type=refresh_token for an
 *   identity token, as ACR's `az acr login` writes one).
 */
import { execFile } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { z } from 'zod';
import { ConfigError, type Diagnostic, ExternalError } from '#core';
import { DOCKER_HUB } from './reference.ts';

export type Credentials =
  | { readonly kind: 'basic'; readonly username: string; readonly password: string; readonly source: string }
  | { readonly kind: 'identity-token'; readonly token: string; readonly username?: string; readonly source: string };

export interface AuthOptions {
  readonly username?: string;
  readonly password?: string;
  /** Directory holding config.json; default $DOCKER_CONFIG or ~/.docker. */
  readonly dockerConfigDir?: string;
  /** Environment for $DOCKER_CONFIG and PATH lookups; default process.env. */
  readonly env?: NodeJS.ProcessEnv;
  /** Skip the Docker config entirely (anonymous unless username/password are given). */
  readonly ignoreDockerConfig?: boolean;
  /** Timeout for a credential helper, ms (default 10 s). */
  readonly helperTimeoutMs?: number;
}

export interface ResolvedCredentials {
  readonly credentials?: Credentials;
  readonly diagnostics: readonly Diagnostic[];
}

// ---------------------------------------------------------------------------------------------
// WWW-Authenticate

export interface Challenge {
  /** Lower-cased scheme: 'basic', 'bearer'. */
  readonly scheme: string;
  /** Parameter names lower-cased; values unquoted. */
  readonly params: Readonly<Record<string, string>>;
  readonly token68?: string;
}

const TCHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;
const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*/;

/**
 * Parse a WWW-Authenticate value into its challenges. Tolerant of surrounding whitespace and empty
 * list elements; throws ExternalError (the registry sent it) naming the header on a syntax error.
 */
export function parseWwwAuthenticate(header: string): Challenge[] {
  const s = header;
  let i = 0;
  const challenges: { scheme: string; params: Record<string, string>; token68?: string }[] = [];
  const bad = (why: string): never => {
    throw new ExternalError('external.unavailable', `malformed WWW-Authenticate header "${header}": ${why}`);
  };
  const skipWs = () => {
    while (i < s.length && (s[i] === ' ' || s[i] === '\t')) i++;
  };
  const readToken = (): string => {
    const start = i;
    while (i < s.length && TCHAR.test(s[i] ?? '')) i++;
    return s.slice(start, i);
  };
  const readQuoted = (): string => {
    i++; // opening quote
    let out = '';
    while (i < s.length) {
      const c = s[i] ?? '';
      if (c === '\\') {
        if (i + 1 >= s.length) bad('backslash at the end of a quoted string');
        out += s[i + 1];
        i += 2;
      } else if (c === '"') {
        i++;
        return out;
      } else {
        out += c;
        i++;
      }
    }
    return bad('unterminated quoted string');
  };
  // Is the text at i an auth-param (token BWS "=")? Distinguishes a param from the next challenge.
  const atParam = (): boolean => {
    const save = i;
    const name = readToken();
    skipWs();
    const isParam = name !== '' && s[i] === '=' && !/^=*\s*(,|$)/.test(s.slice(i));
    i = save;
    return isParam;
  };
  for (;;) {
    skipWs();
    while (s[i] === ',') {
      i++;
      skipWs();
    }
    if (i >= s.length) break;
    const scheme = readToken();
    if (scheme === '') bad(`expected an auth scheme at offset ${i}`);
    const challenge: { scheme: string; params: Record<string, string>; token68?: string } = {
      scheme: scheme.toLowerCase(),
      params: {},
    };
    challenges.push(challenge);
    skipWs();
    if (i >= s.length || s[i] === ',') {
      if (s[i] === ',' && atParamAfterComma()) bad(`parameter without a scheme at offset ${i}`);
      continue;
    }
    if (!atParam()) {
      const m = TOKEN68.exec(s.slice(i));
      if (!m) bad(`unexpected "${s[i]}" at offset ${i}`);
      challenge.token68 = m?.[0] ?? '';
      i += challenge.token68.length;
      continue;
    }
    // #auth-param list
    for (;;) {
      skipWs();
      const name = readToken().toLowerCase();
      skipWs();
      if (s[i] !== '=') bad(`expected "=" after "${name}" at offset ${i}`);
      i++;
      skipWs();
      const value = s[i] === '"' ? readQuoted() : readToken();
      challenge.params[name] = value;
      skipWs();
      if (i >= s.length) break;
      if (s[i] !== ',') bad(`expected "," at offset ${i}`);
      // Look past the comma(s): another param continues this challenge, a scheme starts a new one.
      const save = i;
      while (s[i] === ',' || s[i] === ' ' || s[i] === '\t') i++;
      if (i >= s.length) break;
      if (!atParam()) {
        i = save;
        break;
      }
    }
  }
  return challenges;

  function atParamAfterComma(): boolean {
    const save = i;
    while (s[i] === ',' || s[i] === ' ' || s[i] === '\t') i++;
    const result = i < s.length && atParam();
    i = save;
    return result;
  }
}

// ---------------------------------------------------------------------------------------------
// Docker config and credential helpers

const authEntrySchema = z
  .object({
    auth: z.string().optional(),
    username: z.string().optional(),
    password: z.string().optional(),
    identitytoken: z.string().optional(),
    registrytoken: z.string().optional(),
  })
  .loose();
const dockerConfigSchema = z
  .object({
    auths: z.record(z.string(), authEntrySchema).optional(),
    credsStore: z.string().optional(),
    credHelpers: z.record(z.string(), z.string()).optional(),
  })
  .loose();
export type DockerConfig = z.infer<typeof dockerConfigSchema>;

/** 'https://index.docker.io/v1/' → 'index.docker.io'; 'HTTP://Host:5000/x' → 'host:5000'. */
export function normalizeConfigKey(key: string): string {
  let k = key.trim().toLowerCase();
  k = k.replace(/^[a-z][a-z0-9+.-]*:\/\//, '');
  const slash = k.indexOf('/');
  if (slash !== -1) k = k.slice(0, slash);
  return k;
}

function hostAliases(registry: string): string[] {
  const host = registry.toLowerCase();
  return host === DOCKER_HUB ? [DOCKER_HUB, 'index.docker.io', 'registry-1.docker.io'] : [host];
}

/** The server name Docker uses for a registry in config keys and helper calls. */
export function dockerServerName(registry: string): string {
  return registry === DOCKER_HUB ? 'https://index.docker.io/v1/' : registry;
}

export function dockerConfigPath(options: AuthOptions = {}): string {
  const env = options.env ?? process.env;
  const dir = options.dockerConfigDir ?? env.DOCKER_CONFIG ?? join(homedir(), '.docker');
  return join(dir, 'config.json');
}

/** Read the Docker config; undefined when the file does not exist. Throws ConfigError when it is invalid. */
export function readDockerConfig(path: string): DockerConfig | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ConfigError('config.invalid', `cannot read Docker config ${path}: ${(error as Error).message}`, {
      cause: error,
      location: { file: path },
    });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ConfigError('config.invalid', `Docker config ${path} is not JSON: ${(error as Error).message}`, {
      location: { file: path },
    });
  }
  const parsed = dockerConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') ?? '';
    throw new ConfigError('config.invalid', `Docker config ${path}: ${where} ${issue?.message ?? 'invalid'}`, {
      location: { file: path, path: where },
    });
  }
  return parsed.data;
}

function findEntry<T>(map: Readonly<Record<string, T>> | undefined, registry: string): [string, T] | undefined {
  if (!map) return undefined;
  const wanted = new Set(hostAliases(registry));
  for (const [key, value] of Object.entries(map)) {
    if (wanted.has(normalizeConfigKey(key))) return [key, value];
  }
  return undefined;
}

function onPath(command: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // next
    }
  }
  return undefined;
}

const helperOutputSchema = z.object({ Username: z.string(), Secret: z.string() }).loose();

/** Run `docker-credential-<helper> get`; undefined when the helper has no credentials for the server. */
export function runCredentialHelper(
  helper: string,
  server: string,
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<{ credentials?: Credentials; problem?: string }> {
  const env = options.env ?? process.env;
  const command = `docker-credential-${helper}`;
  if (!/^[A-Za-z0-9._-]+$/.test(helper)) {
    return Promise.resolve({ problem: `credential helper name "${helper}" is not valid` });
  }
  const path = onPath(command, env);
  if (!path) {
    return Promise.resolve({ problem: `credential helper ${command} is not on PATH` });
  }
  return new Promise((resolve) => {
    const child = execFile(
      path,
      ['get'],
      { env, timeout: options.timeoutMs ?? 10_000, maxBuffer: 1 << 20 },
      (error, stdout, stderr) => {
        const out = String(stdout).trim();
        if (error) {
          const message = (out || String(stderr).trim() || error.message).slice(0, 300);
          if (/credentials not found/i.test(message)) {
            resolve({});
          } else {
            resolve({ problem: `${command} get failed for ${server}: ${message}` });
          }
          return;
        }
        let raw: unknown;
        try {
          raw = JSON.parse(out);
        } catch {
          resolve({ problem: `${command} get printed something that is not JSON for ${server}` });
          return;
        }
        const parsed = helperOutputSchema.safeParse(raw);
        if (!parsed.success) {
          resolve({ problem: `${command} get output has no Username/Secret for ${server}` });
          return;
        }
        const { Username, Secret } = parsed.data;
        const source = `${command} (${server})`;
        resolve({
          credentials:
            Username === '<token>'
              ? { kind: 'identity-token', token: Secret, source }
              : { kind: 'basic', username: Username, password: Secret, source },
        });
      },
    );
    child.stdin?.end(server);
  });
}

function decodeAuthField(auth: string, where: string): { username: string; password: string } | string {
  const text = Buffer.from(auth, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon <= 0) return `${where}: "auth" is not base64 of "user:password"`;
  return { username: text.slice(0, colon), password: text.slice(colon + 1) };
}

/** Credentials for one registry (as written in the reference: 'docker.io', 'myacr.azurecr.io'). */
export async function resolveCredentials(registry: string, options: AuthOptions = {}): Promise<ResolvedCredentials> {
  if (options.username !== undefined || options.password !== undefined) {
    if (options.username === undefined || options.password === undefined) {
      throw new ConfigError('config.invalid', 'registry credentials need both a username and a password');
    }
    return {
      credentials: { kind: 'basic', username: options.username, password: options.password, source: 'options' },
      diagnostics: [],
    };
  }
  if (options.ignoreDockerConfig) return { diagnostics: [] };
  const path = dockerConfigPath(options);
  const config = readDockerConfig(path);
  if (!config) return { diagnostics: [] };
  const diagnostics: Diagnostic[] = [];
  const warn = (code: string, message: string, field?: string) =>
    diagnostics.push({ level: 'warning', code, message, location: { file: path, ...(field ? { path: field } : {}) } });
  const env = options.env ?? process.env;
  const server = dockerServerName(registry);
  const helperEntry = findEntry(config.credHelpers, registry);
  const helper = helperEntry?.[1] ?? config.credsStore;
  if (helper) {
    const result = await runCredentialHelper(
      helper,
      helperEntry ? helperEntry[0] : server,
      options.helperTimeoutMs === undefined ? { env } : { env, timeoutMs: options.helperTimeoutMs },
    );
    if (result.credentials) return { credentials: result.credentials, diagnostics };
    if (result.problem) {
      warn(
        'registry.credential-helper',
        `${result.problem}; trying the inline "auths" entry, then anonymous access`,
        helperEntry ? `credHelpers.${helperEntry[0]}` : 'credsStore',
      );
    }
  }
  const entry = findEntry(config.auths, registry);
  if (!entry) return { diagnostics };
  const [key, value] = entry;
  const where = `auths.${key}`;
  if (value.identitytoken) {
    const decoded = value.auth ? decodeAuthField(value.auth, where) : undefined;
    const username = typeof decoded === 'object' ? decoded.username : value.username;
    return {
      credentials: {
        kind: 'identity-token',
        token: value.identitytoken,
        ...(username ? { username } : {}),
        source: `${path} ${where}`,
      },
      diagnostics,
    };
  }
  if (value.auth) {
    const decoded = decodeAuthField(value.auth, where);
    if (typeof decoded === 'string') {
      warn('registry.docker-config', decoded, where);
      return { diagnostics };
    }
    return { credentials: { kind: 'basic', ...decoded, source: `${path} ${where}` }, diagnostics };
  }
  if (value.username !== undefined && value.password !== undefined) {
    return {
      credentials: { kind: 'basic', username: value.username, password: value.password, source: `${path} ${where}` },
      diagnostics,
    };
  }
  return { diagnostics };
}

// ---------------------------------------------------------------------------------------------
// Token endpoint

const tokenResponseSchema = z
  .object({
    token: z.string().optional(),
    access_token: z.string().optional(),
    expires_in: z.number().optional(),
    issued_at: z.string().optional(),
  })
  .loose();

export interface IssuedToken {
  readonly token: string;
  /** Epoch ms after which the token is not used again. */
  readonly expiresAt: number;
}

export interface TokenRequest {
  readonly realm: string;
  readonly service?: string;
  readonly scopes: readonly string[];
  readonly credentials?: Credentials;
  readonly timeoutMs: number;
  readonly userAgent: string;
  readonly now?: () => number;
}

/** Minimum lifetime the spec allows a client to assume; tokens are refreshed a little early. */
const DEFAULT_EXPIRES_S = 60;
const EARLY_REFRESH_MS = 5_000;

/** Fetch a Bearer token from the realm (token spec GET, or the OAuth2 refresh_token POST). */
export async function fetchToken(request: TokenRequest): Promise<IssuedToken> {
  let realm: URL;
  try {
    realm = new URL(request.realm);
  } catch {
    throw new ExternalError(
      'external.unavailable',
      `registry sent a token realm that is not a URL: "${request.realm}"`,
    );
  }
  if (realm.protocol !== 'https:' && realm.protocol !== 'http:') {
    throw new ExternalError('external.unavailable', `token realm ${request.realm} is not http(s)`);
  }
  const creds = request.credentials;
  const headers: Record<string, string> = { 'user-agent': request.userAgent, accept: 'application/json' };
  let init: RequestInit;
  if (creds?.kind === 'identity-token') {
    const form = new URLSearchParams({ grant_type: 'refresh_token', client_id: 'palisade' });
    if (request.service) form.set('service', request.service);
    if (request.scopes.length > 0) form.set('scope', request.scopes.join(' '));
    form.set('refresh_token', creds.token);
    headers['content-type'] = 'application/x-www-form-urlencoded';
    init = { method: 'POST', headers, body: form.toString() };
  } else {
    if (request.service) realm.searchParams.set('service', request.service);
    for (const scope of request.scopes) realm.searchParams.append('scope', scope);
    if (creds?.kind === 'basic') {
      headers.authorization = `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`;
    }
    init = { method: 'GET', headers };
  }
  const what = `${init.method} ${realm.origin}${realm.pathname}`;
  let response: Response;
  try {
    response = await fetch(realm, { ...init, redirect: 'follow', signal: AbortSignal.timeout(request.timeoutMs) });
  } catch (error) {
    throw new ExternalError('external.unavailable', `token request ${what} failed: ${errorText(error)}`, {
      cause: error,
    });
  }
  const body = await response.text().catch(() => '');
  if (response.status === 401 || response.status === 403) {
    throw new ExternalError(
      'external.denied',
      `token endpoint ${what} refused ${creds ? `the credentials from ${creds.source}` : 'anonymous access'} (HTTP ${response.status}) for scope ${request.scopes.join(' ') || '(none)'}`,
    );
  }
  if (!response.ok) {
    throw new ExternalError(
      'external.unavailable',
      `token endpoint ${what} answered HTTP ${response.status}: ${body.slice(0, 200)}`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch {
    throw new ExternalError('external.unavailable', `token endpoint ${what} did not answer JSON`);
  }
  const parsed = tokenResponseSchema.safeParse(raw);
  const token = parsed.success ? (parsed.data.token ?? parsed.data.access_token) : undefined;
  if (!parsed.success || !token) {
    throw new ExternalError('external.unavailable', `token endpoint ${what} answered without "token"/"access_token"`);
  }
  const now = (request.now ?? Date.now)();
  const lifetimeS = Math.max(parsed.data.expires_in ?? DEFAULT_EXPIRES_S, DEFAULT_EXPIRES_S);
  return { token, expiresAt: now + lifetimeS * 1000 - EARLY_REFRESH_MS };
}

export function errorText(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    const code = (error.cause as NodeJS.ErrnoException | undefined)?.code;
    return `${error.name === 'TimeoutError' ? 'timed out' : error.message}${cause}${code && !cause.includes(code) ? ` (${code})` : ''}`;
  }
  return String(error);
}

/** Tokens by (host, scopes), until they expire. */
export class TokenCache {
  readonly #tokens = new Map<string, IssuedToken>();
  readonly #now: () => number;
  constructor(now: () => number = Date.now) {
    this.#now = now;
  }
  static key(host: string, scopes: readonly string[]): string {
    return `${host} ${[...scopes].sort().join(' ')}`;
  }
  get(host: string, scopes: readonly string[]): string | undefined {
    const key = TokenCache.key(host, scopes);
    const entry = this.#tokens.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.#now()) {
      this.#tokens.delete(key);
      return undefined;
    }
    return entry.token;
  }
  set(host: string, scopes: readonly string[], token: IssuedToken): void {
    this.#tokens.set(TokenCache.key(host, scopes), token);
  }
  delete(host: string, scopes: readonly string[]): void {
    this.#tokens.delete(TokenCache.key(host, scopes));
  }
}
