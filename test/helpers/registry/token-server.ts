/**
 * A Docker/OCI token server for distribution's `auth.token` (tests only), per
 * https://distribution.github.io/distribution/spec/auth/token/ and .../auth/oauth/ :
 * - GET  realm?service=&scope=…   Basic credentials checked against `users`; anonymous requests get
 *   only the scopes listed in `anonymous` (none by default), which the registry then refuses.
 * - POST realm (form) grant_type=refresh_token&refresh_token=…  as ACR identity tokens are exchanged;
 *   grant_type=password also accepted.
 * Tokens are ES256 JWTs with an x5c header holding the self-signed certificate the registry trusts
 * (`rootcertbundle`). The key and certificate are made with openssl at start.
 */
import { execFileSync } from 'node:child_process';
import { createPrivateKey, randomUUID, sign, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

export interface TokenServerOptions {
  readonly dir: string;
  readonly users?: Readonly<Record<string, string>>;
  /** refresh token → subject */
  readonly refreshTokens?: Readonly<Record<string, string>>;
  /** Actions granted without credentials, e.g. ['pull']. */
  readonly anonymous?: readonly string[];
  readonly issuer?: string;
  readonly expiresIn?: number;
}

export interface TokenRequestLog {
  readonly method: string;
  readonly grantType?: string;
  readonly subject: string;
  readonly scopes: readonly string[];
  readonly service?: string;
}

export interface TokenServer {
  readonly realm: string;
  readonly certPath: string;
  readonly issuer: string;
  readonly requests: TokenRequestLog[];
  close(): Promise<void>;
}

const b64u = (x: string | Buffer) => Buffer.from(x).toString('base64url');

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startTokenServer(options: TokenServerOptions): Promise<TokenServer> {
  const keyPath = join(options.dir, 'token.key');
  const certPath = join(options.dir, 'token.crt');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-days',
      '2',
      '-keyout',
      keyPath,
      '-out',
      certPath,
      '-subj',
      '/CN=test-token-issuer',
    ],
    { stdio: 'ignore' },
  );
  const key = createPrivateKey(readFileSync(keyPath));
  const certDer = new X509Certificate(readFileSync(certPath)).raw.toString('base64');
  const issuer = options.issuer ?? 'test-issuer';
  const users = options.users ?? {};
  const refresh = options.refreshTokens ?? {};
  const requests: TokenRequestLog[] = [];

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      let params = url.searchParams;
      let subject = '';
      let authenticated = false;
      let grantType: string | undefined;
      if (req.method === 'POST') {
        params = new URLSearchParams(await readBody(req));
        grantType = params.get('grant_type') ?? '';
        if (grantType === 'refresh_token') {
          subject = refresh[params.get('refresh_token') ?? ''] ?? '';
        } else if (grantType === 'password') {
          const u = params.get('username') ?? '';
          subject = users[u] !== undefined && users[u] === params.get('password') ? u : '';
        }
        authenticated = subject !== '';
        if (!authenticated) {
          res.statusCode = 401;
          res.end(JSON.stringify({ error: 'invalid_grant' }));
          return;
        }
      } else {
        const auth = req.headers.authorization ?? '';
        if (auth.startsWith('Basic ')) {
          const text = Buffer.from(auth.slice(6), 'base64').toString('utf8');
          const colon = text.indexOf(':');
          const user = text.slice(0, colon);
          if (colon <= 0 || users[user] === undefined || users[user] !== text.slice(colon + 1)) {
            res.statusCode = 401;
            res.setHeader('www-authenticate', 'Basic realm="token"');
            res.end(JSON.stringify({ details: 'incorrect username or password' }));
            return;
          }
          subject = user;
          authenticated = true;
        }
      }
      const scopes =
        req.method === 'POST' ? (params.get('scope') ?? '').split(' ').filter(Boolean) : params.getAll('scope');
      const service = params.get('service') ?? undefined;
      requests.push({
        method: req.method ?? '',
        ...(grantType ? { grantType } : {}),
        subject,
        scopes,
        ...(service ? { service } : {}),
      });
      const access = scopes.map((s) => {
        const [type = '', name = '', actions = ''] = s.split(':');
        const asked = actions.split(',').filter(Boolean);
        const granted = authenticated ? asked : asked.filter((a) => (options.anonymous ?? []).includes(a));
        return { type, name, actions: granted };
      });
      const now = Math.floor(Date.now() / 1000);
      const header = b64u(JSON.stringify({ typ: 'JWT', alg: 'ES256', x5c: [certDer] }));
      const claims = b64u(
        JSON.stringify({
          iss: issuer,
          sub: subject,
          aud: service,
          exp: now + 300,
          nbf: now - 10,
          iat: now,
          jti: randomUUID(),
          access,
        }),
      );
      const input = `${header}.${claims}`;
      const token = `${input}.${b64u(sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }))}`;
      res.setHeader('content-type', 'application/json');
      // Alternate the field name so both spellings get exercised.
      const body = requests.length % 2 === 0 ? { access_token: token } : { token };
      res.end(JSON.stringify({ ...body, expires_in: options.expiresIn ?? 300, issued_at: new Date().toISOString() }));
    })().catch((error: unknown) => {
      res.statusCode = 500;
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    realm: `http://127.0.0.1:${port}/token`,
    certPath,
    issuer,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
