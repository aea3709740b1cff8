/**
 * The audit webhook endpoint over real HTTPS on 127.0.0.1, with a CA and serving certificates
 * made by openssl for each run, audit.k8s.io/v1 bodies from test/fixtures/threats/serve and the
 * built-in rule pack. Skipped (with a message) when openssl is not installed.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { TLSSocket } from 'node:tls';
import { fileURLToPath } from 'node:url';
import type { Alert, Diagnostic } from '#core';
import { detect, loadRules } from './detect.ts';
import type { ThreatEvent } from './event.ts';
import { AuditEventQueue, startAuditWebhook } from './serve.ts';

const FIX = fileURLToPath(new URL('../../test/fixtures/threats/serve/', import.meta.url));
const HAVE_OPENSSL = spawnSync('openssl', ['version']).status === 0;
const SKIP = HAVE_OPENSSL ? false : 'openssl is not installed: cannot make test certificates';

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** A CA and two serving certificates for 127.0.0.1 (leaf-1, leaf-2) signed by it. */
function makeCerts(dir: string): void {
  openssl(dir, [
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
    'ca.key',
    '-out',
    'ca.crt',
    '-subj',
    '/CN=palisade-test-ca',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]); // prettier-ignore
  writeFileSync(
    join(dir, 'ext.cnf'),
    'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n',
  );
  for (const leaf of ['leaf-1', 'leaf-2']) {
    openssl(dir, [
      'req',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      `${leaf}.key`,
      '-out',
      `${leaf}.csr`,
      '-subj',
      `/CN=${leaf}`,
    ]); // prettier-ignore
    openssl(dir, [
      'x509',
      '-req',
      '-in',
      `${leaf}.csr`,
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      '2',
      '-sha256',
      '-extfile',
      'ext.cnf',
      '-out',
      `${leaf}.crt`,
    ]); // prettier-ignore
  }
}

interface Reply {
  status: number;
  body: string;
  fingerprint: string;
}

function send(
  port: number,
  ca: Buffer,
  init: { method?: string; path?: string; body?: Buffer | string; type?: string; chunked?: boolean },
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const body = init.body === undefined ? undefined : Buffer.from(init.body);
    const headers: Record<string, string> = {};
    if (init.type !== undefined) headers['content-type'] = init.type;
    if (body && !init.chunked) headers['content-length'] = String(body.length);
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: init.method ?? 'POST',
        path: init.path ?? '/audit',
        ca,
        headers,
        agent: false,
      },
      (res) => {
        const fingerprint = (res.socket as TLSSocket).getPeerCertificate().fingerprint256;
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), fingerprint }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (body && init.chunked) {
      // No content-length: the limit must be enforced while streaming.
      for (let i = 0; i < body.length; i += 512) req.write(body.subarray(i, i + 512));
      req.end();
    } else {
      req.end(body);
    }
  });
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

  it('turns posted EventLists and single Events into alerts of the built-in pack', async () => {
    const rules = await loadRules();
    const queue = new AuditEventQueue(100);
    const alertsDone = (async () => {
      const out: Alert[] = [];
      for await (const a of detect(queue, { compiled: rules.value.rules, emit: 'final' })) out.push(a);
      return out;
    })();
    const server = await startAuditWebhook({
      ...files(),
      host: '127.0.0.1',
      port: 0,
      onEvents: (events) => queue.offer(events),
    });
    try {
      const list = await send(server.port, ca, { body: fixture('event-list.json'), type: JSON_TYPE });
      assert.equal(list.status, 200, list.body);
      assert.deepEqual(JSON.parse(list.body), { events: 3, invalid: 0 });
      const one = await send(server.port, ca, {
        path: '/',
        body: fixture('single-event.json'),
        type: 'application/json; charset=utf-8',
      });
      assert.equal(one.status, 200, one.body);
      assert.deepEqual(JSON.parse(one.body), { events: 1, invalid: 0 });
    } finally {
      await server.close();
      queue.end();
    }
    const alerts = await alertsDone;
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

  it('keeps the valid items of a list and reports the others with their place', async () => {
    const got: ThreatEvent[] = [];
    const diagnostics: Diagnostic[] = [];
    const server = await startAuditWebhook({
      ...files(),
      host: '127.0.0.1',
      port: 0,
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
    const server = await startAuditWebhook({
      ...files(),
      host: '127.0.0.1',
      port: 0,
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
    const server = await startAuditWebhook({
      ...files(),
      host: '127.0.0.1',
      port: 0,
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
    const server = await startAuditWebhook({
      ...files(),
      host: '127.0.0.1',
      port: 0,
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
    const server = await startAuditWebhook({
      ...files(),
      host: '127.0.0.1',
      port: 0,
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
