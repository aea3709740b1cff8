/**
 * Client authentication for the HTTPS webhooks (`detect serve`, `admission serve`): the
 * kube-apiserver presents the identity of the webhook kubeconfig's `users[].user`, a client
 * certificate (`client-certificate`/`client-key`) or a bearer token (`token`), or both.
 *
 * - `clientCaFile`: mutual TLS. The server asks for a client certificate (`serverOptions`) but does
 *   not fail the handshake without one, so that kubelet probes of the health paths keep working;
 *   `judge` refuses a protected request whose socket is not `authorized` against the CA (401).
 *   The CA bundle is part of the TLS material (`tlsFiles`), reloaded with the serving certificate.
 * - `allowedClientNames` (with `clientCaFile`): the certificate's subject CN or one of its DNS
 *   subjectAltNames must be in the list (403 otherwise).
 * - `tokenFile`: `Authorization: Bearer <token>`, compared in constant time (SHA-256 digests of
 *   equal length whatever the presented token); the file is trimmed, empty is an error, and
 *   `reloadToken` keeps the previous token when the new file is bad.
 *
 * When both are configured both must pass. The reasons of a refusal never quote what the client
 * presented. Also here: the `--client-ca`, `--client-name` and `--token-file` flags of both serve
 * commands and their validation.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PeerCertificate, TLSSocket } from 'node:tls';
import type { OptionDef } from '../config/options.ts';
import { UsageError } from '../errors.ts';
import { NamedFileError, readNamedFile, type TlsMaterial } from './tls-reload.ts';

/** Who may call a server's protected paths (both optional; when both are set, both must pass). */
export interface ClientAuthOptions {
  /**
   * PEM CA bundle for mutual TLS: the protected paths answer 401 unless the client presented a
   * certificate verified against it. Watched and reloaded with the serving certificate.
   */
  readonly clientCaFile?: string;
  /**
   * With `clientCaFile`: the client certificate's subject CN or one of its DNS subjectAltNames must
   * be in this list (403 otherwise).
   */
  readonly allowedClientNames?: readonly string[];
  /**
   * File holding the bearer token (surrounding whitespace trimmed; empty is an error): the protected
   * paths answer 401 unless the request has `Authorization: Bearer <token>`. Watched and reloaded.
   */
  readonly tokenFile?: string;
}

/** A failed token reload: the message says the previous token is kept; `file` is the file at fault. */
export interface TokenReloadProblem {
  readonly message: string;
  readonly file: string;
}

export interface ClientAuthSetup extends ClientAuthOptions {
  /** A token reload that failed (the previous token stays in use). */
  onTokenReloadError?(problem: TokenReloadProblem): void;
}

/** Why a request is refused, by check; a bounded set, fit for a metrics label. */
export const CLIENT_AUTH_FAILURES = [
  'no-certificate',
  'certificate-not-verified',
  'name-not-allowed',
  'no-token',
  'not-bearer',
  'wrong-token',
] as const;
export type ClientAuthFailure = (typeof CLIENT_AUTH_FAILURES)[number];

export interface ClientAuthRefusal {
  readonly ok: false;
  /** 401: not authenticated (certificate or token missing or wrong); 403: authenticated, name not allowed. */
  readonly status: 401 | 403;
  /** Sentences for diagnostics, one per failed check; never what the client presented. */
  readonly reasons: readonly string[];
  /** The failed checks, in the order of `reasons`. */
  readonly failures: readonly ClientAuthFailure[];
}

export type ClientAuthVerdict = { readonly ok: true } | ClientAuthRefusal;

/** Writes a plain-text answer (the server's own, so that it counts and formats it). */
export type RefusalReply = (status: 401 | 403, body: string, headers: Record<string, string>) => void;

/** What the refusal helpers need of a server: the TLS context setter and idle-connection closer. */
export interface SecureContextTarget {
  setSecureContext(material: TlsMaterial): void;
  closeIdleConnections(): void;
}

export interface ClientAuth {
  /** True when a client CA or a token file is configured. */
  readonly enabled: boolean;
  readonly clientCaFile: string | undefined;
  readonly allowedClientNames: readonly string[] | undefined;
  readonly tokenFile: string | undefined;
  /** Spread into createTlsReloader's options: the client CA file, when there is one. */
  readonly tlsFiles: { readonly caFile?: string };
  /** Spread into https.createServer's options: ask for a client certificate without requiring it. */
  readonly serverOptions: { readonly requestCert?: boolean; readonly rejectUnauthorized?: boolean };
  /** The files to watch (client CA, token file). */
  readonly files: readonly string[];
  /** When the token in use was read (undefined without a token file). */
  readonly tokenLoadedAt: Date | undefined;
  /** New tokens installed, and failed token reloads, so far. */
  readonly tokenReloads: number;
  readonly tokenErrors: number;
  /** The verdict on one request to a protected path. */
  judge(req: IncomingMessage): ClientAuthVerdict;
  /**
   * Answers a refused request with 401 `unauthorized` (a Bearer challenge with a token file) or
   * 403 `forbidden` through `reply`, without reading its body: a small declared body is drained
   * (the connection stays usable), a larger or unsized one drops the connection.
   */
  answer(req: IncomingMessage, res: ServerResponse, refusal: ClientAuthRefusal, reply: RefusalReply): void;
  /** Re-reads the token file; true when a new token was installed (false: unchanged, bad or none). */
  reloadToken(): Promise<boolean>;
  /**
   * Installs new TLS material into the server; keep-alive connections verified against a previous
   * client CA are closed when idle, so their clients reconnect and are verified again.
   */
  installSecureContext(server: SecureContextTarget, next: TlsMaterial, previous: TlsMaterial): void;
  /** `client certificate signed by <ca> named <a> or <b> and bearer token from <file>`; undefined: none. */
  describe(): string | undefined;
}

/** A refused request with a declared body up to this size is drained; larger ones drop the connection. */
export const REFUSED_BODY_DRAIN_BYTES = 64 * 1024;

/** The Bearer challenge of 401 answers when a token is expected. */
export const BEARER_CHALLENGE = 'Bearer realm="palisade"';

const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** The SHA-256 digest of the trimmed token file, or an error naming the file when it is empty. */
export function tokenDigest(file: string, content: Buffer): Buffer {
  const token = content.toString('utf8').trim();
  if (token === '') throw new NamedFileError(file, 'the token file is empty');
  return createHash('sha256').update(token, 'utf8').digest();
}

/** Constant-time comparison: digests have equal lengths whatever the presented token's length. */
export function tokenMatches(presented: string, expected: Buffer): boolean {
  return timingSafeEqual(createHash('sha256').update(presented, 'utf8').digest(), expected);
}

/** The subject CNs and DNS subjectAltNames of a certificate. */
export function certificateNames(cert: PeerCertificate): string[] {
  const names: string[] = [];
  const cn: unknown = cert.subject?.CN;
  if (typeof cn === 'string') names.push(cn);
  else if (Array.isArray(cn)) for (const n of cn) if (typeof n === 'string') names.push(n);
  for (const part of (cert.subjectaltname ?? '').split(/,\s*/)) {
    if (part.startsWith('DNS:')) names.push(part.slice(4));
  }
  return names;
}

/** Whether the client CA bundle differs between two TLS materials (added, removed or changed). */
export function clientCaChanged(next: TlsMaterial, previous: TlsMaterial): boolean {
  return next.ca === undefined || previous.ca === undefined ? next.ca !== previous.ca : !next.ca.equals(previous.ca);
}

/** Throws unless the options can be used together. */
export function checkClientAuthOptions(options: ClientAuthOptions): void {
  if (options.allowedClientNames && options.clientCaFile === undefined) {
    throw new Error('allowedClientNames needs clientCaFile (mutual TLS)');
  }
  if (options.allowedClientNames?.length === 0) {
    throw new Error('allowedClientNames is empty: no client could be allowed');
  }
}

/** `client certificate signed by <ca> [named <a> or <b>] and bearer token from <file>`; undefined: none. */
export function describeClientAuth(options: ClientAuthOptions): string | undefined {
  const parts: string[] = [];
  if (options.clientCaFile !== undefined) {
    const names = options.allowedClientNames;
    parts.push(`client certificate signed by ${options.clientCaFile}${names ? ` named ${names.join(' or ')}` : ''}`);
  }
  if (options.tokenFile !== undefined) parts.push(`bearer token from ${options.tokenFile}`);
  return parts.length > 0 ? parts.join(' and ') : undefined;
}

/** `request from <address> refused with <status>: <reasons>`, for a refusal's diagnostic. */
export function refusalMessage(req: IncomingMessage, refusal: ClientAuthRefusal): string {
  return `request from ${req.socket.remoteAddress ?? '?'} refused with ${refusal.status}: ${refusal.reasons.join('; ')}`;
}

interface Check {
  readonly failure: ClientAuthFailure;
  readonly reason: string;
}

/** The certificate check: a failure, or the names of a verified certificate. */
function certificateCheck(socket: TLSSocket, caFile: string): Check | { readonly names: string[] } {
  if (socket.authorized) return { names: certificateNames(socket.getPeerCertificate()) };
  const presented = Object.keys(socket.getPeerCertificate()).length > 0;
  return presented
    ? {
        failure: 'certificate-not-verified',
        reason: `client certificate not verified against ${caFile} (${String(socket.authorizationError ?? 'unknown error')})`,
      }
    : { failure: 'no-certificate', reason: 'no client certificate' };
}

/** The token check: undefined when the request carries the expected bearer token. */
function tokenCheck(header: string | undefined, expected: Buffer, tokenFile: string): Check | undefined {
  if (header === undefined) return { failure: 'no-token', reason: 'no bearer token (no Authorization header)' };
  const bearer = /^bearer[ \t]+(.*)$/i.exec(header.trim());
  if (!bearer) return { failure: 'not-bearer', reason: 'the Authorization header is not a Bearer token' };
  if (!tokenMatches((bearer[1] ?? '').trim(), expected)) {
    return { failure: 'wrong-token', reason: `the bearer token does not match ${tokenFile}` };
  }
  return undefined;
}

function refusal(status: 401 | 403, checks: readonly Check[]): ClientAuthRefusal {
  return { ok: false, status, reasons: checks.map((c) => c.reason), failures: checks.map((c) => c.failure) };
}

/** Whether a refused request's body is small and declared: drained rather than dropped. */
function drainable(req: IncomingMessage): boolean {
  const declared = Number(req.headers['content-length'] ?? '0');
  return (
    req.headers['transfer-encoding'] === undefined && Number.isFinite(declared) && declared <= REFUSED_BODY_DRAIN_BYTES
  );
}

/**
 * Checks the options and reads the token file (throws Error or NamedFileError naming the file when
 * they are not usable: nothing to serve with). The client CA is read by the TLS reloader
 * (`tlsFiles`).
 */
export async function createClientAuth(setup: ClientAuthSetup): Promise<ClientAuth> {
  checkClientAuthOptions(setup);
  const caFile = setup.clientCaFile;
  const tokenFile = setup.tokenFile;
  const allowedNames = setup.allowedClientNames ? new Set(setup.allowedClientNames) : undefined;
  const readToken = async (file: string): Promise<Buffer> => tokenDigest(file, await readNamedFile(file, 'token file'));
  let token = tokenFile === undefined ? undefined : await readToken(tokenFile);
  let tokenLoadedAt = token === undefined ? undefined : new Date();
  let tokenReloads = 0;
  let tokenErrors = 0;

  function judge(req: IncomingMessage): ClientAuthVerdict {
    const failed: Check[] = [];
    let names: string[] | undefined;
    if (caFile !== undefined) {
      const cert = certificateCheck(req.socket as TLSSocket, caFile);
      if ('failure' in cert) failed.push(cert);
      else names = cert.names;
    }
    if (token !== undefined && tokenFile !== undefined) {
      const problem = tokenCheck(req.headers.authorization, token, tokenFile);
      if (problem) failed.push(problem);
    }
    if (failed.length > 0) return refusal(401, failed);
    if (allowedNames && names && !names.some((n) => allowedNames.has(n))) {
      const shown = names.length > 0 ? names.map((n) => JSON.stringify(n)).join(', ') : 'none';
      const reason = `client certificate names (${shown}) are not in the allowed client names`;
      return refusal(403, [{ failure: 'name-not-allowed', reason }]);
    }
    return { ok: true };
  }

  function answer(req: IncomingMessage, res: ServerResponse, refused: ClientAuthRefusal, reply: RefusalReply): void {
    const headers: Record<string, string> =
      refused.status === 401 && token !== undefined ? { 'www-authenticate': BEARER_CHALLENGE } : {};
    const text = refused.status === 401 ? 'unauthorized' : 'forbidden';
    if (drainable(req)) {
      reply(refused.status, text, headers);
      req.resume();
    } else {
      res.once('finish', () => req.destroy());
      reply(refused.status, text, { ...headers, connection: 'close' });
    }
  }

  async function reloadToken(): Promise<boolean> {
    if (tokenFile === undefined || token === undefined) return false;
    let next: Buffer;
    try {
      next = await readToken(tokenFile);
    } catch (err) {
      tokenErrors++;
      setup.onTokenReloadError?.({
        message: `cannot reload the bearer token (keeping the previous one): ${messageOf(err)}`,
        file: err instanceof NamedFileError ? err.file : tokenFile,
      });
      return false;
    }
    if (next.equals(token)) return false;
    token = next;
    tokenLoadedAt = new Date();
    tokenReloads++;
    return true;
  }

  return {
    enabled: caFile !== undefined || tokenFile !== undefined,
    clientCaFile: caFile,
    allowedClientNames: setup.allowedClientNames,
    tokenFile,
    tlsFiles: caFile === undefined ? {} : { caFile },
    serverOptions: caFile === undefined ? {} : { requestCert: true, rejectUnauthorized: false },
    files: [caFile, tokenFile].filter((f) => f !== undefined),
    get tokenLoadedAt() {
      return tokenLoadedAt;
    },
    get tokenReloads() {
      return tokenReloads;
    },
    get tokenErrors() {
      return tokenErrors;
    },
    judge,
    answer,
    reloadToken,
    installSecureContext(server, next, previous): void {
      // The whole context: without `ca`, clients would be verified against the default roots.
      server.setSecureContext(next);
      if (clientCaChanged(next, previous)) server.closeIdleConnections();
    },
    describe: () => describeClientAuth(setup),
  };
}

// --- the CLI flags of the serve commands ---

/** How a serve command's help names its paths, e.g. `/audit` and `GET /healthz needs none`. */
export interface ClientAuthFlagText {
  /** The protected paths, e.g. `/validate and /mutate`. */
  readonly protectedPaths: string;
  /** A clause on the open paths, e.g. `GET /healthz, /readyz and /metrics need none`. */
  readonly openPaths: string;
}

/** `--client-ca`, `--client-name` and `--token-file`, worded for one serve command. */
export function clientAuthOptionDefs(text: ClientAuthFlagText): readonly OptionDef[] {
  return [
    {
      name: 'clientCa',
      flag: 'client-ca',
      placeholder: '<file>',
      type: 'string',
      description: `Require a client certificate signed by a CA in this PEM bundle (mutual TLS) on ${text.protectedPaths}; ${text.openPaths} (reloaded when it changes).`,
    },
    {
      name: 'clientName',
      flag: 'client-name',
      placeholder: '<name>',
      type: 'list',
      description:
        'With --client-ca, only accept a client certificate whose subject CN or a DNS subjectAltName is this name (repeatable; 403 otherwise).',
    },
    {
      name: 'tokenFile',
      flag: 'token-file',
      placeholder: '<file>',
      type: 'string',
      description: `Require "Authorization: Bearer <token>" on ${text.protectedPaths}, the token being this file's content, trimmed (reloaded when it changes).`,
    },
  ];
}

/** The client authentication of resolved `clientAuthOptionDefs` values; UsageError when they do not go together. */
export function clientAuthFromValues(values: Readonly<Record<string, unknown>>): ClientAuthOptions {
  const clientCa = typeof values.clientCa === 'string' ? values.clientCa : undefined;
  const names = Array.isArray(values.clientName) ? values.clientName.map(String) : undefined;
  const tokenFile = typeof values.tokenFile === 'string' ? values.tokenFile : undefined;
  if (names && clientCa === undefined) {
    throw new UsageError('--client-name needs --client-ca <file> (it names the client certificate)');
  }
  return {
    ...(clientCa !== undefined ? { clientCaFile: clientCa } : {}),
    ...(names ? { allowedClientNames: names } : {}),
    ...(tokenFile !== undefined ? { tokenFile } : {}),
  };
}
