/**
 * The audit webhook endpoint over real HTTPS on 127.0.0.1, with a CA and serving certificates
 * made by openssl for each run, audit.k8s.io/v1 bodies from test/fixtures/threats/serve and the
 * built-in rule pack. Skipped (with a message) when openssl is not installed.
 */
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Alert, Diagnostic } from '#core';
import { type HttpsReply, type HttpsSendInit, httpsSend } from '#test/helpers/https.ts';
import { makeCa, makeLeaf, OPENSSL_SKIP } from '#test/helpers/tls.ts';
import { detect, loadRules } from './detect.ts';
import type { ThreatEvent } from './event.ts';
import { AuditEventQueue, type AuditWebhook, type AuditWebhookOptions, startAuditWebhook } from './serve.ts';

const FIX = fileURLToPath(new URL('../../test/fixtures/threats/serve/', import.meta.url));
const SKIP = OPENSSL_SKIP;

/**
 * A CA and two serving certificates for 127.0.0.1 (leaf-1, leaf-2) signed by it; a client
 * certificate `client` (CN kube-apiserver, DNS:apiserver.palisade.test) signed by the same CA, and
 * `rogue` with the same names signed by another CA (`other-ca`).
 */
function makeCerts(dir: string): void {
  makeCa(dir, 'ca');
  makeCa(dir, 'other-ca');
  makeLeaf(dir, 'client', 'ca', 'kube-apiserver', 'clientAuth', 'DNS:apiserver.palisade.test');
  makeLeaf(dir, 'rogue', 'other-ca', 'kube-apiserver', 'clientAuth', 'DNS:apiserver.palisade.test');
  for (const leaf of ['leaf-1', 'leaf-2']) {
    makeLeaf(dir, leaf, 'ca', leaf, 'serverAuth', 'DNS:localhost,IP:127.0.0.1');
  }
}

type SendInit = Omit<HttpsSendInit, 'path'> & { path?: string };

/** A request to the server under test: POST to /audit unless `init` says otherwise. */
function send(port: number, ca: Buffer, init: SendInit): Promise<HttpsReply> {
  return httpsSend(port, ca, { path: '/audit', chunkBytes: 512, ...init });
}

const fixture = (name: string): Buffer => readFileSync(join(FIX, name));
const JSON_TYPE = 'application/json';

describe('audit webhook over HTTPS', { skip: SKIP }, () => {
  let dir = '';
  let ca: Buffer;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'palisade-serve-'));
    makeCerts(dir);
    ca = readFileSync(join(dir, 'ca.crt'));
    copyFileSync(join(dir, 'leaf-1.crt'), join(dir, 'tls.crt'));
    copyFileSync(join(dir, 'leaf-1.key'), join(dir, 'tls.key'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const files = (): { certFile: string; keyFile: string } => ({
    certFile: join(dir, 'tls.crt'),
    keyFile: join(dir, 'tls.key'),
  });
  /** The endpoint on 127.0.0.1, a free port, with tls.crt/tls.key unless the options say otherwise. */
  const listen = (options: Omit<AuditWebhookOptions, 'certFile' | 'keyFile'> & Partial<AuditWebhookOptions>) =>
    startAuditWebhook({ ...files(), host: '127.0.0.1', port: 0, ...options });

  /** The endpoint feeding detect() with the built-in pack; runs `send`, then returns the alerts. */
  async function pipeline(
    send: (server: AuditWebhook) => Promise<void>,
  ): Promise<{ alerts: Alert[]; server: AuditWebhook; queue: AuditEventQueue }> {
    const rules = await loadRules();
    const queue = new AuditEventQueue(100);
    const alertsDone = (async () => {
      const out: Alert[] = [];
      for await (const a of detect(queue, { compiled: rules.value.rules, emit: 'final' })) out.push(a);
      return out;
    })();
    const server = await listen({
      onEvents: (events) => queue.offer(events),
    });
    try {
      await send(server);
    } finally {
      await server.close();
      queue.end();
    }
    return { alerts: await alertsDone, server, queue };
  }

  it('turns posted EventLists and single Events into alerts of the built-in pack', async () => {
    const { alerts, server, queue } = await pipeline(async ({ port }) => {
      const list = await send(port, ca, { body: fixture('event-list.json'), type: JSON_TYPE });
      assert.equal(list.status, 200, list.body);
      assert.deepEqual(JSON.parse(list.body), { events: 3, invalid: 0 });
      const one = await send(port, ca, {
        path: '/',
        body: fixture('single-event.json'),
        type: 'application/json; charset=utf-8',
      });
      assert.equal(one.status, 200, one.body);
      assert.deepEqual(JSON.parse(one.body), { events: 1, invalid: 0 });
    });
    const got = alerts.map((a) => `${a.ruleId} ${a.actor.user} ${a.target.namespace}/${a.target.name}`).sort();
    assert.deepEqual(got, [
      'PAL-TD-0001 alice@example.com payments/api-6f8d9',
      'PAL-TD-0001 carol@example.com kube-system/etcd-0',
      'PAL-TD-0002 bob@example.com payments/worker-2',
    ]);
    assert.equal(server.stats.accepted, 2);
    assert.equal(server.stats.events, 4);
    assert.deepEqual(queue.stats, { accepted: 4, refused: 0, highWater: queue.stats.highWater });
  });

  it("accepts a Falco alert as Falco's http_output posts it, and raises it by priority", async () => {
    const { alerts } = await pipeline(async ({ port }) => {
      const reply = await send(port, ca, { path: '/', body: fixture('falco-http-output.json'), type: JSON_TYPE });
      assert.equal(reply.status, 200, reply.body);
      assert.deepEqual(JSON.parse(reply.body), { events: 1, invalid: 0 });
    });
    assert.equal(alerts.length, 1);
    const [alert] = alerts;
    assert.equal(alert?.ruleId, 'PAL-TD-0070');
    assert.equal(alert?.severity, 'critical');
    assert.deepEqual(alert?.mitre, { tactic: 'TA0002', technique: 'T1610' });
    assert.deepEqual(alert?.target, { verb: '', resource: 'pods', namespace: 'shop', name: 'debug-tools' });
    assert.deepEqual(alert?.evidence.falcoEvents?.[0]?.uuid, '6e2b9d1c-4f0a-4d2b-9a7e-3c1f0e5d8a21');
  });

  it('keeps the valid items of a list and reports the others with their place', async () => {
    const got: ThreatEvent[] = [];
    const diagnostics: Diagnostic[] = [];
    const server = await listen({
      onEvents: (events) => {
        got.push(...events);
        return true;
      },
      onDiagnostic: (d) => diagnostics.push(d),
    });
    try {
      const r = await send(server.port, ca, { body: fixture('mixed-list.json'), type: JSON_TYPE });
      assert.equal(r.status, 200, r.body);
      assert.deepEqual(JSON.parse(r.body), { events: 1, invalid: 2 });
    } finally {
      await server.close();
    }
    assert.equal(got.length, 1);
    assert.equal(got[0]?.kind === 'audit' ? got[0].event.user.username : '', 'dave@example.com');
    assert.equal(diagnostics.length, 2);
    assert.equal(diagnostics[1]?.location.path, 'items[1]');
    assert.match(diagnostics[0]?.location.path ?? '', /^items\[0\]/);
    assert.match(diagnostics[0]?.location.file ?? '', /^<webhook request 1 from 127\.0\.0\.1>$/);
    assert.equal(server.stats.invalidEvents, 2);
  });

  it('answers 400, 404, 405, 413, 415 and /healthz, counting each', async () => {
    const diagnostics: Diagnostic[] = [];
    let calls = 0;
    const server = await listen({
      maxBodyBytes: 2048,
      onEvents: () => {
        calls++;
        return true;
      },
      onDiagnostic: (d) => diagnostics.push(d),
    });
    try {
      const port = server.port;
      const health = await send(port, ca, { method: 'GET', path: '/healthz' });
      assert.deepEqual([health.status, health.body], [200, 'ok\n']);

      const bad = await send(port, ca, { body: fixture('truncated.json'), type: JSON_TYPE });
      assert.equal(bad.status, 400);
      assert.match(bad.body, /not valid JSON/);
      const notAudit = await send(port, ca, { body: '{"kind":"Pod","apiVersion":"v1"}', type: JSON_TYPE });
      assert.equal(notAudit.status, 400);
      assert.match(notAudit.body, /apiVersion "v1"/);

      const big = fixture('event-list.json');
      assert.ok(big.length > 2048, 'the fixture must be larger than the test limit');
      const declared = await send(port, ca, { body: big, type: JSON_TYPE });
      assert.equal(declared.status, 413);
      assert.match(declared.body, /larger than the limit of 2048 bytes/);
      const streamed = await send(port, ca, { body: big, type: JSON_TYPE, chunked: true }).catch((e: Error) => e);
      // The server answers 413 and drops the connection: the client sees the reply, or at worst a reset.
      if (!(streamed instanceof Error)) assert.equal(streamed.status, 413);

      assert.equal((await send(port, ca, { method: 'GET' })).status, 405);
      assert.equal((await send(port, ca, { path: '/validate', body: '{}', type: JSON_TYPE })).status, 404);
      assert.equal((await send(port, ca, { body: fixture('single-event.json'), type: 'text/plain' })).status, 415);
      assert.equal((await send(port, ca, { method: 'DELETE', path: '/healthz' })).status, 405);
    } finally {
      await server.close();
    }
    assert.equal(calls, 0, 'no bad request reaches onEvents');
    assert.equal(server.stats.malformed, 2);
    assert.equal(server.stats.tooLarge, 2);
    assert.equal(server.stats.notFound, 1);
    assert.equal(server.stats.methodNotAllowed, 2);
    assert.equal(server.stats.unsupportedType, 1);
    assert.ok(diagnostics.some((d) => d.code === 'threats.webhook.malformed-body'));
    assert.equal(diagnostics.filter((d) => d.code === 'threats.webhook.oversized-body').length, 2);
  });

  it('answers 503 and counts the events when the queue is full', async () => {
    const queue = new AuditEventQueue(2);
    const diagnostics: Diagnostic[] = [];
    const server = await listen({
      onEvents: (events) => queue.offer(events),
      onDiagnostic: (d) => diagnostics.push(d),
    });
    try {
      // Nobody consumes: the first batch is taken (an empty queue always takes one), the next is refused.
      assert.equal((await send(server.port, ca, { body: fixture('event-list.json'), type: JSON_TYPE })).status, 200);
      const full = await send(server.port, ca, { body: fixture('single-event.json'), type: JSON_TYPE });
      assert.equal(full.status, 503);
    } finally {
      await server.close();
    }
    assert.deepEqual(queue.stats, { accepted: 3, refused: 1, highWater: 3 });
    assert.equal(server.stats.refused, 1);
    assert.ok(diagnostics.some((d) => d.code === 'threats.webhook.queue-full'));
  });

  it('reloads the certificate when the files change', async () => {
    const fp = (name: string): string => new X509Certificate(readFileSync(join(dir, name))).fingerprint256;
    const server = await listen({
      reloadDelayMs: 50,
      onEvents: () => true,
    });
    try {
      const first = await send(server.port, ca, { method: 'GET', path: '/healthz' });
      assert.equal(first.fingerprint, fp('leaf-1.crt'));
      // Key first, then certificate: in between the pair does not match and must not be installed.
      copyFileSync(join(dir, 'leaf-2.key'), join(dir, 'tls.key'));
      copyFileSync(join(dir, 'leaf-2.crt'), join(dir, 'tls.crt'));
      let now = first.fingerprint;
      for (let i = 0; i < 60 && now !== fp('leaf-2.crt'); i++) {
        await new Promise((r) => setTimeout(r, 50));
        now = (await send(server.port, ca, { method: 'GET', path: '/healthz' })).fingerprint;
      }
      assert.equal(now, fp('leaf-2.crt'));
      assert.ok(server.stats.reloads >= 1);
    } finally {
      await server.close();
      copyFileSync(join(dir, 'leaf-1.crt'), join(dir, 'tls.crt'));
      copyFileSync(join(dir, 'leaf-1.key'), join(dir, 'tls.key'));
    }
  });

  it('rejects an unreadable pair on reload and keeps serving the old one', async () => {
    const diagnostics: Diagnostic[] = [];
    const server = await listen({
      reloadIntervalMs: 0,
      onEvents: () => true,
      onDiagnostic: (d) => diagnostics.push(d),
    });
    try {
      writeFileSync(join(dir, 'tls.crt'), '-----BEGIN CERTIFICATE-----\ntruncated');
      assert.equal(await server.reload(), false);
      assert.equal((await send(server.port, ca, { method: 'GET', path: '/healthz' })).status, 200);
    } finally {
      await server.close();
      copyFileSync(join(dir, 'leaf-1.crt'), join(dir, 'tls.crt'));
    }
    assert.ok(server.stats.reloadErrors >= 1);
    assert.ok(diagnostics.some((d) => d.code === 'threats.webhook.tls-reload-failed'));
  });
  describe('client authentication', () => {
    const pem = (name: string): Buffer => readFileSync(join(dir, name));
    const client = (): { cert: Buffer; key: Buffer } => ({ cert: pem('client.crt'), key: pem('client.key') });
    const rogue = (): { cert: Buffer; key: Buffer } => ({ cert: pem('rogue.crt'), key: pem('rogue.key') });
    const post = { body: fixture('single-event.json'), type: JSON_TYPE };
    const refusals = (diagnostics: Diagnostic[]): string[] =>
      diagnostics.filter((d) => d.code === 'threats.webhook.unauthorized').map((d) => d.message);

    it('with a client CA: 401 without a certificate or with another CA, 200 on /healthz and with a good one', async () => {
      const got: ThreatEvent[] = [];
      const diagnostics: Diagnostic[] = [];
      const server = await listen({
        clientCaFile: join(dir, 'ca.crt'),
        onEvents: (events) => {
          got.push(...events);
          return true;
        },
        onDiagnostic: (d) => diagnostics.push(d),
      });
      try {
        const port = server.port;
        const none = await send(port, ca, post);
        assert.deepEqual([none.status, none.body], [401, 'unauthorized\n']);
        assert.equal(none.challenge, undefined, 'no Bearer challenge without a token file');
        assert.equal((await send(port, ca, { ...post, path: '/' })).status, 401);
        const health = await send(port, ca, { method: 'GET', path: '/healthz' });
        assert.deepEqual([health.status, health.body], [200, 'ok\n']);
        assert.equal((await send(port, ca, { ...post, ...rogue() })).status, 401);
        // Refused before the method and content type are looked at.
        assert.equal((await send(port, ca, { method: 'GET' })).status, 401);
        assert.equal(got.length, 0, 'no refused request reaches onEvents');
        const good = await send(port, ca, { ...post, ...client() });
        assert.equal(good.status, 200, good.body);
        assert.deepEqual(JSON.parse(good.body), { events: 1, invalid: 0 });
        // A refused request with a large body: answered without reading it (or the connection dropped).
        const big = await send(port, ca, {
          body: Buffer.alloc(512 * 1024, 0x20),
          type: JSON_TYPE,
          chunked: true,
        }).catch((e: Error) => e);
        if (!(big instanceof Error)) assert.equal(big.status, 401);
      } finally {
        await server.close();
      }
      assert.equal(got.length, 1);
      assert.equal(got[0]?.kind === 'audit' ? got[0].event.user.username : '', 'carol@example.com');
      assert.equal(server.stats.unauthorized, 5);
      assert.equal(server.stats.accepted, 1);
      const messages = refusals(diagnostics);
      assert.equal(messages.length, 5);
      assert.ok(diagnostics.every((d) => d.code !== 'threats.webhook.unauthorized' || d.level === 'warning'));
      assert.match(messages[0] ?? '', /^request from 127\.0\.0\.1 refused with 401: no client certificate$/);
      assert.match(messages[2] ?? '', /client certificate not verified against .*ca\.crt \([A-Z_]+\)/);
    });

    it('answers 403 to a verified certificate whose CN and DNS names are not allowed', async () => {
      const diagnostics: Diagnostic[] = [];
      const start = (names: string[]) =>
        listen({
          clientCaFile: join(dir, 'ca.crt'),
          allowedClientNames: names,
          onEvents: () => true,
          onDiagnostic: (d) => diagnostics.push(d),
        });
      const other = await start(['system:other']);
      try {
        const r = await send(other.port, ca, { ...post, ...client() });
        assert.deepEqual([r.status, r.body], [403, 'forbidden\n']);
        assert.equal((await send(other.port, ca, post)).status, 401, 'no certificate is still 401');
      } finally {
        await other.close();
      }
      assert.equal(other.stats.forbidden, 1);
      assert.equal(other.stats.unauthorized, 1);
      assert.match(refusals(diagnostics)[0] ?? '', /403: .*"kube-apiserver", "apiserver\.palisade\.test"/);
      for (const names of [['kube-apiserver'], ['apiserver.palisade.test']]) {
        const server = await start(names);
        try {
          assert.equal((await send(server.port, ca, { ...post, ...client() })).status, 200, names[0]);
        } finally {
          await server.close();
        }
      }
    });

    it('with a token file: 401 and a Bearer challenge without the right token, 200 with it', async () => {
      const tokenFile = join(dir, 'token');
      writeFileSync(tokenFile, '  s3cret-token-1\n');
      const diagnostics: Diagnostic[] = [];
      let calls = 0;
      const server = await listen({
        tokenFile,
        onEvents: () => {
          calls++;
          return true;
        },
        onDiagnostic: (d) => diagnostics.push(d),
      });
      try {
        const port = server.port;
        for (const init of [
          {},
          { token: 'wrong-token-of-some-length' },
          { token: 's3cret-token-2' }, // same length
          { token: '' },
          { authorization: 'Basic czNjcmV0LXRva2VuLTE=' },
        ]) {
          const r = await send(port, ca, { ...post, ...init });
          assert.equal(r.status, 401, JSON.stringify(init));
          assert.equal(r.challenge, 'Bearer realm="palisade"');
        }
        assert.equal((await send(port, ca, { method: 'GET', path: '/healthz' })).status, 200);
        assert.equal(calls, 0);
        assert.equal((await send(port, ca, { ...post, token: 's3cret-token-1' })).status, 200);
        assert.equal((await send(port, ca, { ...post, authorization: 'bearer   s3cret-token-1 ' })).status, 200);
      } finally {
        await server.close();
      }
      assert.equal(calls, 2);
      assert.equal(server.stats.unauthorized, 5);
      const messages = refusals(diagnostics);
      assert.equal(messages.length, 5);
      assert.match(messages[0] ?? '', /from 127\.0\.0\.1 refused with 401: no bearer token/);
      assert.match(messages[1] ?? '', /the bearer token does not match .*token$/);
      assert.match(messages[4] ?? '', /not a Bearer token/);
      for (const m of messages) assert.doesNotMatch(m, /wrong-token|s3cret|czNjcmV0/, 'never echo a presented token');
    });

    it('with both: a certificate alone or a token alone is 401, both is 200', async () => {
      const tokenFile = join(dir, 'token-both');
      writeFileSync(tokenFile, 'both-token\n');
      const server = await listen({
        clientCaFile: join(dir, 'ca.crt'),
        tokenFile,
        onEvents: () => true,
      });
      try {
        const certOnly = await send(server.port, ca, { ...post, ...client() });
        assert.equal(certOnly.status, 401);
        assert.equal(certOnly.challenge, 'Bearer realm="palisade"');
        assert.equal((await send(server.port, ca, { ...post, token: 'both-token' })).status, 401);
        assert.equal((await send(server.port, ca, { ...post, ...rogue(), token: 'both-token' })).status, 401);
        assert.equal((await send(server.port, ca, { ...post, ...client(), token: 'both-token' })).status, 200);
      } finally {
        await server.close();
      }
      assert.equal(server.stats.unauthorized, 3);
      assert.equal(server.stats.accepted, 1);
    });

    it('reloads a rotated token file, and keeps the previous token when the file is emptied', async () => {
      const tokenFile = join(dir, 'token-rotated');
      writeFileSync(tokenFile, 'old-token\n');
      const diagnostics: Diagnostic[] = [];
      const server = await listen({
        tokenFile,
        reloadIntervalMs: 0,
        onEvents: () => true,
        onDiagnostic: (d) => diagnostics.push(d),
      });
      try {
        assert.equal((await send(server.port, ca, { ...post, token: 'old-token' })).status, 200);
        writeFileSync(tokenFile, 'new-token\n');
        assert.equal(await server.reload(), true);
        assert.equal((await send(server.port, ca, { ...post, token: 'new-token' })).status, 200);
        assert.equal((await send(server.port, ca, { ...post, token: 'old-token' })).status, 401);
        writeFileSync(tokenFile, '\n');
        assert.equal(await server.reload(), false);
        assert.equal((await send(server.port, ca, { ...post, token: 'new-token' })).status, 200);
      } finally {
        await server.close();
      }
      assert.equal(server.stats.tokenReloads, 1);
      assert.equal(server.stats.reloadErrors, 1);
      const failed = diagnostics.filter((d) => d.code === 'threats.webhook.token-reload-failed');
      assert.equal(failed.length, 1);
      assert.equal(failed[0]?.location.file, tokenFile);
      assert.match(failed[0]?.message ?? '', /keeping the previous one.*token-rotated: the token file is empty/);
    });

    it('picks up a rotated token file by itself (watcher)', async () => {
      const tokenFile = join(dir, 'token-watched');
      writeFileSync(tokenFile, 'first-token');
      const server = await listen({
        tokenFile,
        reloadDelayMs: 20,
        reloadIntervalMs: 200,
        onEvents: () => true,
      });
      try {
        writeFileSync(tokenFile, 'second-token');
        let status = 0;
        for (let i = 0; i < 60 && status !== 200; i++) {
          await new Promise((r) => setTimeout(r, 50));
          status = (await send(server.port, ca, { ...post, token: 'second-token' })).status;
        }
        assert.equal(status, 200);
        assert.equal((await send(server.port, ca, { ...post, token: 'first-token' })).status, 401);
      } finally {
        await server.close();
      }
      assert.equal(server.stats.tokenReloads, 1);
    });

    it('reloads the client CA into the TLS context, and keeps it when the new file is bad', async () => {
      const caFile = join(dir, 'client-ca.crt');
      copyFileSync(join(dir, 'ca.crt'), caFile);
      const diagnostics: Diagnostic[] = [];
      const server = await listen({
        clientCaFile: caFile,
        reloadIntervalMs: 0,
        onEvents: () => true,
        onDiagnostic: (d) => diagnostics.push(d),
      });
      try {
        writeFileSync(caFile, '-----BEGIN CERTIFICATE-----\ntruncated');
        assert.equal(await server.reload(), false);
        assert.equal((await send(server.port, ca, { ...post, ...client() })).status, 200, 'previous CA kept');
        copyFileSync(join(dir, 'other-ca.crt'), caFile);
        assert.equal(await server.reload(), true);
        assert.equal((await send(server.port, ca, { ...post, ...rogue() })).status, 200, 'new CA installed');
        assert.equal((await send(server.port, ca, { ...post, ...client() })).status, 401, 'old CA gone');
        // The serving certificate is unchanged by a CA reload.
        const health = await send(server.port, ca, { method: 'GET', path: '/healthz' });
        assert.equal(health.fingerprint, new X509Certificate(pem('leaf-1.crt')).fingerprint256);
      } finally {
        await server.close();
      }
      assert.equal(server.stats.reloads, 1);
      const failed = diagnostics.filter((d) => d.code === 'threats.webhook.tls-reload-failed');
      assert.equal(failed.length, 1);
      assert.equal(failed[0]?.location.file, caFile);
      assert.match(failed[0]?.message ?? '', /client-ca\.crt: the client CA file has an incomplete PEM certificate/);
    });

    it('refuses to start with an empty token file, a CA file without certificates, or names without a CA', async () => {
      const empty = join(dir, 'empty-token');
      writeFileSync(empty, ' \n');
      const base = { ...files(), host: '127.0.0.1', port: 0, onEvents: () => true };
      await assert.rejects(startAuditWebhook({ ...base, tokenFile: empty }), /empty-token: the token file is empty/);
      await assert.rejects(
        startAuditWebhook({ ...base, tokenFile: join(dir, 'no-such-token') }),
        /no-such-token: cannot read the token file: ENOENT/,
      );
      await assert.rejects(
        startAuditWebhook({ ...base, clientCaFile: join(dir, 'leaf-1.cnf') }),
        /leaf-1\.cnf: the client CA file has no PEM certificate/,
      );
      await assert.rejects(
        startAuditWebhook({ ...base, allowedClientNames: ['kube-apiserver'] }),
        /allowedClientNames needs clientCaFile/,
      );
    });
  });
});

describe('AuditEventQueue', () => {
  const ev = (n: number): ThreatEvent => ({
    kind: 'falco',
    falco: { time: '2026-11-21T08:00:00Z', rule: `r${n}`, priority: 'Notice', output: 'x' },
    time: n,
    location: { file: 'q', line: n },
  });

  it('delivers in order to a waiting consumer and ends after draining', async () => {
    const q = new AuditEventQueue(10);
    const seen: number[] = [];
    const done = (async () => {
      for await (const e of q) seen.push(e.time);
    })();
    assert.equal(q.offer([ev(1), ev(2)]), true);
    await new Promise((r) => setImmediate(r));
    assert.equal(q.offer([ev(3)]), true);
    q.end();
    await done;
    assert.deepEqual(seen, [1, 2, 3]);
    assert.equal(q.offer([ev(4)]), false, 'closed queue refuses');
    assert.deepEqual(q.stats, { accepted: 3, refused: 1, highWater: 2 });
  });
});
