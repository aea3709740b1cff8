import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ALERT_SCHEMA_VERSION, type Alert } from '#core';
import { Forwarder } from './forward.ts';

function alert(n: number): Alert {
  return {
    schemaVersion: ALERT_SCHEMA_VERSION,
    id: `alert-${n}`,
    ruleId: 'PAL-TD-9001',
    title: 'Exec into a pod',
    severity: 'high',
    message: 'exec',
    mitre: { tactic: 'TA0002', technique: 'T1609' },
    count: 1,
    firstSeen: '2026-11-20T10:00:00.000Z',
    lastSeen: '2026-11-20T10:00:00.000Z',
    actor: { user: 'mallory', groups: [], sourceIPs: ['10.0.0.7'], userAgent: 'kubectl' },
    target: { verb: 'create', resource: 'pods/exec', namespace: 'shop', name: 'web-1' },
    evidence: { auditIds: [`id-${n}`], omitted: 0 },
    remediation: [],
    final: true,
  };
}

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

describe('Forwarder (real HTTP server on 127.0.0.1)', () => {
  let server: Server;
  let url: string;
  let mode: 'flaky' | 'forbidden' = 'flaky';
  let requests: { status: number; contentType: string | undefined; body: string }[] = [];
  before(async () => {
    server = createServer((req, res) => {
      void body(req).then((text) => {
        const failures = requests.filter((r) => r.status !== 200).length;
        const status = mode === 'forbidden' ? 403 : failures < 2 ? 503 : 200;
        requests.push({ status, contentType: req.headers['content-type'], body: text });
        res.statusCode = status;
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('retries a batch that fails twice, then delivers it', async () => {
    requests = [];
    mode = 'flaky';
    const fwd = new Forwarder({ url, batchSize: 10, backoffMs: 5 });
    for (let i = 0; i < 3; i++) assert.equal(fwd.enqueue(alert(i)), true);
    const stats = await fwd.close();
    assert.deepEqual(
      requests.map((r) => r.status),
      [503, 503, 200],
    );
    assert.equal(requests[2]?.contentType, 'application/json');
    const posted = JSON.parse(requests[2]?.body ?? '{}') as { alerts: Alert[] };
    assert.deepEqual(
      posted.alerts.map((a) => a.id),
      ['alert-0', 'alert-1', 'alert-2'],
    );
    assert.equal(stats.sent, 3);
    assert.equal(stats.batches, 1);
    assert.equal(stats.retries, 2);
    assert.equal(stats.failed, 0);
  });

  it('splits into batches and counts alerts dropped by a full queue', async () => {
    requests = [];
    mode = 'flaky';
    const fwd = new Forwarder({ url, batchSize: 2, maxQueue: 3, backoffMs: 1, flushIntervalMs: 10_000 });
    // The first two fill one batch and are taken off the queue; 3 more fit, the rest are dropped.
    const accepted = Array.from({ length: 8 }, (_, i) => fwd.enqueue(alert(i))).filter(Boolean).length;
    const stats = await fwd.close();
    assert.equal(stats.dropped, 8 - accepted);
    assert.ok(stats.dropped > 0);
    assert.equal(stats.sent, accepted);
    assert.equal(stats.sent + stats.dropped, 8);
  });

  it('does not retry a 4xx and reports the failed alerts', async () => {
    requests = [];
    mode = 'forbidden';
    const fwd = new Forwarder({ url, backoffMs: 1 });
    fwd.enqueue(alert(1));
    const stats = await fwd.close();
    assert.equal(requests.length, 1);
    assert.equal(stats.failed, 1);
    assert.match(stats.lastError ?? '', /HTTP 403/);
  });

  it('gives up after maxRetries on a closed port', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const fwd = new Forwarder({ url: `http://127.0.0.1:${port}/`, maxRetries: 2, backoffMs: 1 });
    fwd.enqueue(alert(1));
    const stats = await fwd.close();
    assert.equal(stats.failed, 1);
    assert.equal(stats.retries, 2);
    assert.match(stats.lastError ?? '', /after 3 attempts/);
  });

  it('refuses a non-HTTP URL', () => {
    assert.throws(() => new Forwarder({ url: 'file:///etc/passwd' }), /file: is not supported/);
    assert.throws(() => new Forwarder({ url: 'not a url' }), /is not a URL/);
  });
});
