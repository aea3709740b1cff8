/**
 * The shared client authentication of the HTTPS webhooks, judged on stand-in requests (a TLS
 * socket's `authorized`, `authorizationError` and peer certificate, the Authorization header), and
 * its refusal answers over plain HTTP on 127.0.0.1. The servers' own tests (threats/serve.test.ts,
 * admission/server.test.ts) run it over real mutual TLS.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, createServer, type IncomingMessage, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { PeerCertificate } from 'node:tls';
import { UsageError } from '../errors.ts';
import {
  BEARER_CHALLENGE,
  type ClientAuth,
  type ClientAuthVerdict,
  certificateNames,
  clientAuthFromValues,
  clientAuthOptionDefs,
  clientCaChanged,
  createClientAuth,
  describeClientAuth,
  REFUSED_BODY_DRAIN_BYTES,
  refusalMessage,
  type TokenReloadProblem,
} from './client-auth.ts';
import { NamedFileError, type TlsMaterial } from './tls-reload.ts';

interface FakeClient {
  /** Whether the TLS layer verified the certificate against the CA. */
  authorized?: boolean;
  authorizationError?: string;
  /** The peer certificate's subject CN and subjectaltname; omitted: none presented. */
  cert?: { cn?: string | string[]; san?: string };
  authorization?: string;
}

/** A request as the server sees it: only what the judge reads. */
function fakeRequest(client: FakeClient): IncomingMessage {
  const cert = client.cert
    ? ({ subject: { CN: client.cert.cn }, subjectaltname: client.cert.san } as unknown as PeerCertificate)
    : ({} as PeerCertificate);
  const socket = {
    authorized: client.authorized === true,
    authorizationError: client.authorizationError,
    remoteAddress: '10.0.0.7',
    getPeerCertificate: () => cert,
  };
  const headers = client.authorization === undefined ? {} : { authorization: client.authorization };
  return { socket, headers } as unknown as IncomingMessage;
}

function refused(verdict: ClientAuthVerdict): { status: number; reasons: readonly string[]; failures: string[] } {
  assert.equal(verdict.ok, false, 'refused');
  if (verdict.ok) throw new Error('unreachable');
  return { status: verdict.status, reasons: verdict.reasons, failures: [...verdict.failures] };
}

const APISERVER = { cn: 'kube-apiserver', san: 'DNS:apiserver.example.test, IP Address:10.0.0.1' };

describe('client authentication', () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'palisade-client-auth-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const tokenFile = (name: string, content: string): string => {
    const file = join(dir, name);
    writeFileSync(file, content);
    return file;
  };

  it('without options: every request passes and the server is set up as before', async () => {
    const auth = await createClientAuth({});
    assert.equal(auth.enabled, false);
    assert.deepEqual(auth.serverOptions, {});
    assert.deepEqual(auth.tlsFiles, {});
    assert.deepEqual(auth.files, []);
    assert.equal(auth.describe(), undefined);
    assert.equal(auth.tokenLoadedAt, undefined);
    assert.deepEqual(auth.judge(fakeRequest({})), { ok: true });
    assert.equal(await auth.reloadToken(), false);
  });

  it('with a client CA: asks for a certificate without requiring it, 401 without a verified one', async () => {
    const auth = await createClientAuth({ clientCaFile: '/etc/palisade/client-ca.crt' });
    assert.equal(auth.enabled, true);
    assert.deepEqual(auth.serverOptions, { requestCert: true, rejectUnauthorized: false });
    assert.deepEqual(auth.tlsFiles, { caFile: '/etc/palisade/client-ca.crt' });
    assert.deepEqual(auth.files, ['/etc/palisade/client-ca.crt']);
    assert.deepEqual(refused(auth.judge(fakeRequest({}))), {
      status: 401,
      reasons: ['no client certificate'],
      failures: ['no-certificate'],
    });
    const other = refused(
      auth.judge(fakeRequest({ cert: APISERVER, authorizationError: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' })),
    );
    assert.deepEqual(other.failures, ['certificate-not-verified']);
    assert.deepEqual(other.reasons, [
      'client certificate not verified against /etc/palisade/client-ca.crt (UNABLE_TO_VERIFY_LEAF_SIGNATURE)',
    ]);
    assert.deepEqual(auth.judge(fakeRequest({ authorized: true, cert: APISERVER })), { ok: true });
    assert.equal(auth.describe(), 'client certificate signed by /etc/palisade/client-ca.crt');
  });

  it('with allowed names: 403 unless the CN or a DNS subjectAltName is allowed; 401 still comes first', async () => {
    const auth = await createClientAuth({ clientCaFile: 'ca.crt', allowedClientNames: ['apiserver.example.test'] });
    assert.deepEqual(auth.judge(fakeRequest({ authorized: true, cert: APISERVER })), { ok: true });
    const byCn = await createClientAuth({ clientCaFile: 'ca.crt', allowedClientNames: ['x', 'kube-apiserver'] });
    assert.deepEqual(byCn.judge(fakeRequest({ authorized: true, cert: APISERVER })), { ok: true });
    const other = await createClientAuth({ clientCaFile: 'ca.crt', allowedClientNames: ['system:other'] });
    assert.deepEqual(refused(other.judge(fakeRequest({ authorized: true, cert: APISERVER }))), {
      status: 403,
      reasons: [
        'client certificate names ("kube-apiserver", "apiserver.example.test") are not in the allowed client names',
      ],
      failures: ['name-not-allowed'],
    });
    // An IP subjectAltName is not a name.
    const ip = await createClientAuth({ clientCaFile: 'ca.crt', allowedClientNames: ['10.0.0.1'] });
    assert.equal(refused(ip.judge(fakeRequest({ authorized: true, cert: APISERVER }))).status, 403);
    const none = refused(other.judge(fakeRequest({ authorized: true, cert: {} })));
    assert.match(none.reasons[0] ?? '', /names \(none\)/);
    assert.equal(refused(other.judge(fakeRequest({}))).status, 401);
    assert.equal(other.describe(), 'client certificate signed by ca.crt named system:other');
  });

  it('with a token file: 401 without the right bearer token, never quoting the one presented', async () => {
    const file = tokenFile('token', '  s3cret-token\n');
    const auth = await createClientAuth({ tokenFile: file });
    assert.equal(auth.enabled, true);
    assert.deepEqual(auth.serverOptions, {}, 'no client certificate asked for');
    assert.deepEqual(auth.files, [file]);
    assert.ok(auth.tokenLoadedAt instanceof Date);
    const cases: [string | undefined, string][] = [
      [undefined, 'no-token'],
      ['Basic czNjcmV0LXRva2Vu', 'not-bearer'],
      ['Bearer', 'not-bearer'],
      ['Bearer wrong-token-that-is-longer', 'wrong-token'],
      ['Bearer s3cret-tokem', 'wrong-token'],
      ['Bearer ', 'not-bearer'],
    ];
    for (const [authorization, failure] of cases) {
      const r = refused(auth.judge(fakeRequest(authorization === undefined ? {} : { authorization })));
      assert.equal(r.status, 401, String(authorization));
      assert.deepEqual(r.failures, [failure], String(authorization));
      for (const reason of r.reasons) assert.doesNotMatch(reason, /s3cret|wrong-token|czNj|tokem/);
    }
    assert.deepEqual(refused(auth.judge(fakeRequest({ authorization: 'Bearer x' }))).reasons, [
      `the bearer token does not match ${file}`,
    ]);
    for (const authorization of ['Bearer s3cret-token', 'bearer \t s3cret-token  ', 'BEARER s3cret-token']) {
      assert.deepEqual(auth.judge(fakeRequest({ authorization })), { ok: true }, authorization);
    }
    assert.equal(auth.describe(), `bearer token from ${file}`);
  });

  it('with both: each check must pass, and both failures are reported', async () => {
    const file = tokenFile('token-both', 'both');
    const auth = await createClientAuth({
      clientCaFile: 'ca.crt',
      allowedClientNames: ['kube-apiserver'],
      tokenFile: file,
    });
    const neither = refused(auth.judge(fakeRequest({})));
    assert.deepEqual(neither.failures, ['no-certificate', 'no-token']);
    assert.equal(neither.status, 401);
    assert.deepEqual(refused(auth.judge(fakeRequest({ authorization: 'Bearer both' }))).failures, ['no-certificate']);
    assert.deepEqual(refused(auth.judge(fakeRequest({ authorized: true, cert: APISERVER }))).failures, ['no-token']);
    // A wrong token is 401 even when the certificate's name would also be refused.
    const wrongName = await createClientAuth({ clientCaFile: 'ca.crt', allowedClientNames: ['x'], tokenFile: file });
    assert.deepEqual(
      refused(wrongName.judge(fakeRequest({ authorized: true, cert: APISERVER, authorization: 'Bearer no' }))).failures,
      ['wrong-token'],
    );
    assert.deepEqual(auth.judge(fakeRequest({ authorized: true, cert: APISERVER, authorization: 'Bearer both' })), {
      ok: true,
    });
    assert.equal(
      auth.describe(),
      `client certificate signed by ca.crt named kube-apiserver and bearer token from ${file}`,
    );
    assert.deepEqual(auth.files, ['ca.crt', file]);
  });

  it('reloads the token file, keeping the previous token when the new file is empty or gone', async () => {
    const file = tokenFile('token-rotated', 'old-token\n');
    const problems: TokenReloadProblem[] = [];
    const auth = await createClientAuth({ tokenFile: file, onTokenReloadError: (p) => problems.push(p) });
    const ok = (token: string): boolean => auth.judge(fakeRequest({ authorization: `Bearer ${token}` })).ok;
    const firstLoaded = auth.tokenLoadedAt;
    assert.equal(await auth.reloadToken(), false, 'unchanged');
    writeFileSync(file, 'old-token'); // the same token, trimmed
    assert.equal(await auth.reloadToken(), false);
    writeFileSync(file, 'new-token\n');
    assert.equal(await auth.reloadToken(), true);
    assert.deepEqual([ok('new-token'), ok('old-token')], [true, false]);
    assert.notEqual(auth.tokenLoadedAt, firstLoaded);
    writeFileSync(file, ' \n');
    assert.equal(await auth.reloadToken(), false);
    rmSync(file);
    assert.equal(await auth.reloadToken(), false);
    assert.equal(ok('new-token'), true, 'the previous token stays');
    assert.deepEqual([auth.tokenReloads, auth.tokenErrors], [1, 2]);
    assert.equal(problems.length, 2);
    assert.deepEqual(
      problems.map((p) => p.file),
      [file, file],
    );
    assert.match(
      problems[0]?.message ?? '',
      /^cannot reload the bearer token \(keeping the previous one\): .*the token file is empty$/,
    );
    assert.match(problems[1]?.message ?? '', /cannot read the token file: ENOENT/);
  });

  it('refuses options that cannot work, and a token file that is empty or unreadable', async () => {
    await assert.rejects(
      createClientAuth({ allowedClientNames: ['kube-apiserver'] }),
      /allowedClientNames needs clientCaFile/,
    );
    await assert.rejects(
      createClientAuth({ clientCaFile: 'ca.crt', allowedClientNames: [] }),
      /allowedClientNames is empty/,
    );
    const empty = tokenFile('empty-token', '\n\t ');
    await assert.rejects(createClientAuth({ tokenFile: empty }), (err: unknown) => {
      assert.ok(err instanceof NamedFileError);
      assert.equal(err.file, empty);
      assert.match(err.message, /empty-token: the token file is empty$/);
      return true;
    });
    await assert.rejects(
      createClientAuth({ tokenFile: join(dir, 'missing') }),
      /missing: cannot read the token file: ENOENT/,
    );
  });

  it('installs new TLS material, closing idle connections only when the client CA changed', async () => {
    const auth = await createClientAuth({ clientCaFile: 'ca.crt' });
    const calls: string[] = [];
    const server = {
      setSecureContext: (m: TlsMaterial) => calls.push(`context ${m.cert.toString()}`),
      closeIdleConnections: () => calls.push('close idle'),
    };
    const material = (cert: string, ca?: string): TlsMaterial => ({
      cert: Buffer.from(cert),
      key: Buffer.from('k'),
      ...(ca === undefined ? {} : { ca: Buffer.from(ca) }),
    });
    auth.installSecureContext(server, material('c2', 'ca1'), material('c1', 'ca1'));
    auth.installSecureContext(server, material('c2', 'ca2'), material('c2', 'ca1'));
    assert.deepEqual(calls, ['context c2', 'context c2', 'close idle']);
    assert.equal(clientCaChanged(material('c'), material('c')), false);
    assert.equal(clientCaChanged(material('c', 'a'), material('c')), true);
    assert.equal(clientCaChanged(material('c'), material('c', 'a')), true);
    assert.equal(clientCaChanged(material('c', 'a'), material('c', 'a')), false);
  });

  it('reads the CNs and DNS subjectAltNames of a certificate', () => {
    const cert = (subject: unknown, san?: string): PeerCertificate =>
      ({ subject, subjectaltname: san }) as unknown as PeerCertificate;
    assert.deepEqual(certificateNames(cert({ CN: 'a' }, 'DNS:b, DNS:c,IP Address:10.0.0.1, URI:spiffe://x')), [
      'a',
      'b',
      'c',
    ]);
    assert.deepEqual(certificateNames(cert({ CN: ['a', 'b'] })), ['a', 'b']);
    assert.deepEqual(certificateNames(cert(undefined)), []);
  });

  it('describes the configuration and a refusal for diagnostics', () => {
    assert.equal(describeClientAuth({}), undefined);
    assert.equal(
      describeClientAuth({ clientCaFile: 'ca.crt', allowedClientNames: ['a', 'b'] }),
      'client certificate signed by ca.crt named a or b',
    );
    const message = refusalMessage(fakeRequest({}), {
      ok: false,
      status: 401,
      reasons: ['no client certificate', 'no bearer token (no Authorization header)'],
      failures: ['no-certificate', 'no-token'],
    });
    assert.equal(
      message,
      'request from 10.0.0.7 refused with 401: no client certificate; no bearer token (no Authorization header)',
    );
  });

  describe('answering a refusal', () => {
    /** A plain HTTP server answering every request with the judge's refusal; resolves with its port. */
    async function refusingServer(auth: ClientAuth): Promise<{ port: number; close(): Promise<void> }> {
      const server = createServer((req, res) => {
        const verdict = auth.judge(fakeRequest({}));
        if (verdict.ok) throw new Error('expected a refusal');
        auth.answer(req, res, verdict, (status, body, headers) => {
          res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
          res.end(`${body}\n`);
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return {
        port: (server.address() as AddressInfo).port,
        close: () =>
          new Promise((resolve) => {
            server.closeAllConnections();
            server.close(() => resolve());
          }),
      };
    }

    interface Answer {
      status: number;
      body: string;
      connection: string | undefined;
      challenge: string | undefined;
    }

    function postTo(port: number, agent: Agent, body: Buffer, chunked = false): Promise<Answer | Error> {
      return new Promise((resolve) => {
        const req = request(
          {
            host: '127.0.0.1',
            port,
            method: 'POST',
            path: '/',
            agent,
            headers: chunked ? {} : { 'content-length': String(body.length) },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () =>
              resolve({
                status: res.statusCode ?? 0,
                body: Buffer.concat(chunks).toString('utf8'),
                connection: res.headers.connection,
                challenge: res.headers['www-authenticate'],
              }),
            );
          },
        );
        req.on('error', (err) => resolve(err));
        // Written before end(), a body without a declared length goes chunked.
        if (chunked) req.write(body);
        req.end(chunked ? undefined : body);
      });
    }

    it('drains a small declared body and keeps the connection; drops it under a larger or unsized body', async () => {
      const auth = await createClientAuth({ clientCaFile: 'ca.crt' });
      const server = await refusingServer(auth);
      const agent = new Agent({ keepAlive: true });
      try {
        const small = await postTo(server.port, agent, Buffer.alloc(1024, 0x20));
        assert.ok(!(small instanceof Error), String(small));
        assert.deepEqual(small, {
          status: 401,
          body: 'unauthorized\n',
          connection: 'keep-alive',
          challenge: undefined,
        });
        const large = await postTo(server.port, agent, Buffer.alloc(REFUSED_BODY_DRAIN_BYTES + 1, 0x20));
        if (!(large instanceof Error)) assert.deepEqual([large.status, large.connection], [401, 'close']);
        const unsized = await postTo(server.port, agent, Buffer.alloc(1024, 0x20), true);
        if (!(unsized instanceof Error)) assert.deepEqual([unsized.status, unsized.connection], [401, 'close']);
      } finally {
        agent.destroy();
        await server.close();
      }
    });

    it('sends a Bearer challenge with a 401 when a token is expected, and 403 forbidden without one', async () => {
      const auth = await createClientAuth({ tokenFile: tokenFile('token-challenge', 't') });
      const server = await refusingServer(auth);
      const agent = new Agent({ keepAlive: false });
      try {
        const answer = await postTo(server.port, agent, Buffer.from('{}'));
        assert.ok(!(answer instanceof Error), String(answer));
        assert.deepEqual([answer.status, answer.challenge], [401, BEARER_CHALLENGE]);
      } finally {
        agent.destroy();
        await server.close();
      }
      const named = await createClientAuth({ clientCaFile: 'ca.crt', allowedClientNames: ['x'] });
      const sent: [number, string, Record<string, string>][] = [];
      const req = { headers: { 'content-length': '2' }, resume: () => undefined } as unknown as IncomingMessage;
      const verdict = named.judge(fakeRequest({ authorized: true, cert: APISERVER }));
      if (verdict.ok) throw new Error('expected a refusal');
      named.answer(req, {} as never, verdict, (status, body, headers) => sent.push([status, body, headers]));
      assert.deepEqual(sent, [[403, 'forbidden', {}]]);
    });
  });
});

describe('client authentication flags', () => {
  it('words --client-ca, --client-name and --token-file for the paths of a serve command', () => {
    const defs = clientAuthOptionDefs({
      protectedPaths: '/validate and /mutate',
      openPaths: 'GET /healthz needs none',
    });
    assert.deepEqual(
      defs.map((d) => [d.name, d.flag, d.type, d.placeholder]),
      [
        ['clientCa', 'client-ca', 'string', '<file>'],
        ['clientName', 'client-name', 'list', '<name>'],
        ['tokenFile', 'token-file', 'string', '<file>'],
      ],
    );
    assert.match(defs[0]?.description ?? '', / on \/validate and \/mutate; GET \/healthz needs none \(reloaded/);
    assert.match(defs[2]?.description ?? '', /"Authorization: Bearer <token>" on \/validate and \/mutate,/);
  });

  it('turns the resolved values into options, and --client-name without --client-ca into a usage error', () => {
    assert.deepEqual(clientAuthFromValues({}), {});
    assert.deepEqual(clientAuthFromValues({ clientCa: 'ca.crt', clientName: ['a', 'b'], tokenFile: 't' }), {
      clientCaFile: 'ca.crt',
      allowedClientNames: ['a', 'b'],
      tokenFile: 't',
    });
    assert.throws(
      () => clientAuthFromValues({ clientName: ['kube-apiserver'] }),
      (err: unknown) => err instanceof UsageError && /--client-name needs --client-ca <file>/.test(err.message),
    );
  });
});
