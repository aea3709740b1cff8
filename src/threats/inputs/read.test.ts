import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { Diagnostic } from '#core';
import type { ThreatEvent } from '../event.ts';
import { type ReadEventsOptions, readEvents, STDIN_NAME } from './read.ts';

const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/threats/inputs/', import.meta.url));
const fixture = (name: string): string => join(FIXTURES, name);

async function collect(
  paths: string[],
  options: ReadEventsOptions = {},
): Promise<{ events: ThreatEvent[]; diagnostics: Diagnostic[] }> {
  const diagnostics: Diagnostic[] = [];
  const events: ThreatEvent[] = [];
  for await (const event of readEvents(paths, { ...options, onDiagnostic: (d) => diagnostics.push(d) })) {
    events.push(event);
  }
  return { events, diagnostics };
}

function auditIds(events: ThreatEvent[]): string[] {
  return events.map((e) => (e.kind === 'audit' ? e.event.auditID : `falco:${e.falco.rule}`));
}

describe('readEvents: good input', () => {
  it('reads audit.k8s.io/v1 JSON lines with time from stageTimestamp and file:line locations', async () => {
    const { events, diagnostics } = await collect([fixture('kube-apiserver-v1.log')]);
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(auditIds(events), [
      '6a1c3f0e-2b7d-4d8e-9a51-0f6b2c4e8d11',
      'b84e7d2c-51f0-4a3b-9e6d-7c2a1f0e5b43',
      'e0f1a2b3-c4d5-4e6f-8a9b-0c1d2e3f4a5b',
    ]);
    const second = events[1];
    assert.equal(second?.kind, 'audit');
    assert.equal(second.time, Date.parse('2026-11-23T10:00:02.431Z'));
    assert.deepEqual(second.location, { file: fixture('kube-apiserver-v1.log'), line: 2 });
    if (second.kind === 'audit') {
      assert.equal(second.event.verb, 'create');
      assert.equal(second.event.objectRef?.resource, 'pods');
      // Fields beyond the schema are kept as written.
      assert.deepEqual((second.event.requestObject as { spec: { hostPID: boolean } }).spec.hostPID, true);
    }
    const third = events[2];
    assert.equal(third?.kind === 'audit' && third.event.impersonatedUser?.username, 'system:admin');
  });

  it('reads v1beta1 events, falling back to requestReceivedTimestamp order and then `timestamp`', async () => {
    const { events, diagnostics } = await collect([fixture('kube-apiserver-v1beta1.log')]);
    assert.deepEqual(diagnostics, []);
    assert.equal(events.length, 2);
    assert.equal(events[0]?.time, Date.parse('2026-11-23T09:12:44.530Z'));
    // The second has neither stageTimestamp nor requestReceivedTimestamp.
    assert.equal(events[1]?.time, Date.parse('2026-11-23T09:12:45Z'));
    assert.equal(events[1]?.kind === 'audit' && events[1].event.apiVersion, 'audit.k8s.io/v1beta1');
  });

  it('reads a pretty-printed webhook EventList, locating items by index + 1', async () => {
    const { events, diagnostics } = await collect([fixture('webhook-eventlist.json')]);
    assert.deepEqual(diagnostics, []);
    assert.equal(events.length, 3);
    assert.deepEqual(
      events.map((e) => e.location.line),
      [1, 2, 3],
    );
    const fromLines = await collect([fixture('kube-apiserver-v1.log')]);
    assert.deepEqual(auditIds(events), auditIds(fromLines.events));
  });

  it('reads a compact EventList on one line, as the webhook backend posts it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'palisade-read-'));
    try {
      const list = readFileSync(fixture('webhook-eventlist.json'), 'utf8');
      const file = join(dir, 'body.json');
      await writeFile(file, JSON.stringify(JSON.parse(list)));
      const { events, diagnostics } = await collect([file]);
      assert.deepEqual(diagnostics, []);
      assert.equal(events.length, 3);
    } finally {
      await rm(dir, { recursive: true });
    }
  });

  it('reads a single pretty-printed Event', async () => {
    const { events, diagnostics } = await collect([fixture('single-event.json')]);
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(auditIds(events), ['b84e7d2c-51f0-4a3b-9e6d-7c2a1f0e5b43']);
    assert.deepEqual(events[0]?.location, { file: fixture('single-event.json'), line: 1 });
  });

  it('accepts OpenShift openshift-apiserver and oauth-apiserver logs as they are', async () => {
    const { events, diagnostics } = await collect([
      fixture('openshift-apiserver-audit.log'),
      fixture('oauth-apiserver-audit.log'),
    ]);
    assert.deepEqual(diagnostics, []);
    assert.equal(events.length, 4);
    const denied = events[3];
    assert.equal(denied?.kind, 'audit');
    if (denied?.kind === 'audit') {
      assert.equal(denied.event.annotations?.['authentication.openshift.io/decision'], 'deny');
      assert.equal(denied.event.annotations?.['authentication.openshift.io/username'], 'admin');
      assert.equal(denied.event.responseStatus?.code, 401);
    }
  });

  it("reads Falco's json_output lines with nanosecond times", async () => {
    const { events, diagnostics } = await collect([fixture('falco.jsonl')]);
    assert.deepEqual(diagnostics, []);
    assert.equal(events.length, 2);
    const [shell, shadow] = events;
    assert.equal(shell?.kind, 'falco');
    if (shell?.kind === 'falco' && shadow?.kind === 'falco') {
      assert.equal(shell.falco.rule, 'Terminal shell in container');
      assert.equal(shell.falco.output_fields?.['k8s.ns.name'], 'shop');
      assert.equal(shell.falco.output_fields?.['container.image.repository'], 'registry.example.com/shop/web');
      assert.equal(shadow.falco.output_fields?.['proc.cmdline'], 'cat /etc/shadow');
      assert.equal(shell.time, Date.parse('2026-11-23T10:07:01.482Z'));
      assert.deepEqual(shadow.location, { file: fixture('falco.jsonl'), line: 2 });
    }
  });

  it('decompresses gzip detected by magic bytes, whatever the name', async () => {
    const plain = await collect([fixture('kube-apiserver-v1.log')]);
    const gz = await collect([fixture('kube-apiserver-v1.log.gz')]);
    assert.deepEqual(gz.diagnostics, []);
    assert.deepEqual(auditIds(gz.events), auditIds(plain.events));
    const dir = await mkdtemp(join(tmpdir(), 'palisade-read-'));
    try {
      const file = join(dir, 'falco-output');
      await writeFile(file, gzipSync(readFileSync(fixture('falco.jsonl'))));
      const { events } = await collect([file]);
      assert.equal(events.length, 2);
    } finally {
      await rm(dir, { recursive: true });
    }
  });

  it('orders a logrotate directory oldest first (higher number older, live file last)', async () => {
    const { events, diagnostics } = await collect([fixture('rotated-logrotate')]);
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(
      auditIds(events).map((id) => id.slice(-3)),
      ['101', '102', '103', '104', '105'],
    );
    assert.match(events[0]?.location.file ?? '', /audit\.log\.2\.gz$/);
  });

  it('orders timestamped kube-apiserver backups by time, live file last', async () => {
    const { events, diagnostics } = await collect([fixture('rotated-lumberjack')]);
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(
      auditIds(events).map((id) => id.slice(-3)),
      ['201', '202', '203', '204', '206'],
    );
  });

  it('reads `-` from the given stdin, in chunks split anywhere', async () => {
    const bytes = readFileSync(fixture('falco.jsonl'));
    async function* stdin(): AsyncGenerator<Buffer> {
      for (let i = 0; i < bytes.length; i += 7) yield bytes.subarray(i, i + 7);
    }
    const { events, diagnostics } = await collect(['-'], { stdin });
    assert.deepEqual(diagnostics, []);
    assert.equal(events.length, 2);
    assert.deepEqual(events[1]?.location, { file: STDIN_NAME, line: 2 });
  });

  it('counts stats and keeps diagnostics when no callback is given', async () => {
    const stream = readEvents([fixture('bad-lines.jsonl'), fixture('falco.jsonl')], { maxEventBytes: 2048 });
    let n = 0;
    for await (const _ of stream) n++;
    assert.equal(n, 5);
    assert.equal(stream.stats.events, 5);
    assert.equal(stream.stats.audit, 3);
    assert.equal(stream.stats.falco, 2);
    assert.equal(stream.stats.files, 2);
    assert.equal(stream.stats.diagnostics, 7);
    assert.equal(stream.diagnostics.length, 7);
    assert.equal(stream.stats.byCode['threats.malformed-line'], 1);
  });
});

describe('readEvents: bad input is reported with file and line, and the stream goes on', () => {
  it('reports each bad line and keeps the good ones in order', async () => {
    const file = fixture('bad-lines.jsonl');
    const { events, diagnostics } = await collect([file], { maxEventBytes: 2048 });
    assert.deepEqual(
      auditIds(events).map((id) => id.slice(-2)),
      ['01', '03', '11'],
    );
    assert.deepEqual(
      events.map((e) => e.location.line),
      [1, 3, 11],
    );
    const byLine = diagnostics.map((d) => [d.location.line, d.code, d.level]);
    assert.deepEqual(byLine, [
      [2, 'threats.malformed-line', 'error'],
      [4, 'threats.unknown-api-version', 'error'],
      [5, 'threats.missing-field', 'error'],
      [7, 'threats.oversized-event', 'error'],
      [8, 'threats.invalid-event', 'error'],
      [9, 'threats.unknown-kind', 'error'],
      [10, 'threats.invalid-time', 'error'],
    ]);
    for (const d of diagnostics) assert.equal(d.location.file, file);
    assert.match(diagnostics[1]?.message ?? '', /audit\.k8s\.io\/v2alpha9/);
    assert.match(diagnostics[2]?.message ?? '', /missing "auditID", "verb"/);
    assert.match(diagnostics[3]?.message ?? '', /larger than the limit of 2048 bytes/);
    assert.match(diagnostics[6]?.message ?? '', /not-a-time/);
  });

  it('without a small limit the large line is an event', async () => {
    const { events } = await collect([fixture('bad-lines.jsonl')]);
    assert.deepEqual(
      events.map((e) => e.location.line),
      [1, 3, 7, 11],
    );
  });

  it('reports a truncated gzip with the line where it ends, after the complete lines', async () => {
    const file = fixture('truncated.log.gz');
    const { events, diagnostics } = await collect([file, fixture('falco.jsonl')]);
    assert.equal(diagnostics.length, 1);
    assert.equal(diagnostics[0]?.code, 'threats.truncated-input');
    assert.equal(diagnostics[0]?.location.file, file);
    const audit = events.filter((e) => e.kind === 'audit');
    assert.ok(audit.length >= 10, `expected the complete lines before the cut, got ${audit.length}`);
    assert.equal(diagnostics[0]?.location.line, audit.length + 1);
    assert.deepEqual(
      audit.map((e) => e.location.line),
      audit.map((_, i) => i + 1),
    );
    // The next file is still read.
    assert.equal(events.filter((e) => e.kind === 'falco').length, 2);
  });

  it('reports a missing path and reads the others', async () => {
    const missing = fixture('no-such-file.log');
    const { events, diagnostics } = await collect([missing, fixture('falco.jsonl')]);
    assert.equal(events.length, 2);
    assert.equal(diagnostics[0]?.code, 'threats.unreadable-input');
    assert.equal(diagnostics[0]?.location.file, missing);
  });

  it('a broken first line of JSON lines costs only that line', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'palisade-read-'));
    try {
      const good = readFileSync(fixture('kube-apiserver-v1.log'), 'utf8');
      const file = join(dir, 'audit.log');
      await writeFile(file, `{"kind":"Event","apiVer\n${good}`);
      const { events, diagnostics } = await collect([file]);
      assert.deepEqual(
        events.map((e) => e.location.line),
        [2, 3, 4],
      );
      assert.deepEqual(
        diagnostics.map((d) => [d.code, d.location.line]),
        [['threats.malformed-line', 1]],
      );
    } finally {
      await rm(dir, { recursive: true });
    }
  });

  it('reports a malformed pretty-printed document once, and an oversized one once', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'palisade-read-'));
    try {
      const text = readFileSync(fixture('webhook-eventlist.json'), 'utf8');
      const broken = join(dir, 'broken.json');
      await writeFile(broken, text.slice(0, text.length - 40));
      const first = await collect([broken]);
      assert.equal(first.events.length, 0);
      assert.deepEqual(
        first.diagnostics.map((d) => [d.code, d.location.file, d.location.line]),
        [['threats.malformed-document', broken, 1]],
      );
      const second = await collect([fixture('webhook-eventlist.json')], { maxDocumentBytes: 1000 });
      assert.deepEqual(
        second.diagnostics.map((d) => d.code),
        ['threats.oversized-document'],
      );
      // Items of a list are measured one by one against maxEventBytes.
      const third = await collect([fixture('webhook-eventlist.json')], { maxEventBytes: 1200 });
      assert.equal(third.events.length, 2);
      assert.deepEqual(
        third.diagnostics.map((d) => [d.code, d.location.path]),
        [['threats.oversized-event', 'items[1]']],
      );
    } finally {
      await rm(dir, { recursive: true });
    }
  });

  it('rejects an EventList of another apiVersion, and bad items by index', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'palisade-read-'));
    try {
      const list = JSON.parse(readFileSync(fixture('webhook-eventlist.json'), 'utf8')) as {
        apiVersion: string;
        items: Record<string, unknown>[];
      };
      const file = join(dir, 'list.json');
      const items = list.items.map((item, i) => (i === 1 ? { ...item, verb: 7 } : item));
      await writeFile(file, JSON.stringify({ ...list, items }, null, 2));
      const good = await collect([file]);
      assert.equal(good.events.length, 2);
      assert.deepEqual(
        good.diagnostics.map((d) => [d.code, d.location.line, d.location.path]),
        [['threats.invalid-event', 1, 'items[1].verb']],
      );
      await writeFile(file, JSON.stringify({ ...list, apiVersion: 'audit.k8s.io/v9' }));
      const wrong = await collect([file]);
      assert.equal(wrong.events.length, 0);
      assert.equal(wrong.diagnostics[0]?.code, 'threats.unknown-api-version');
    } finally {
      await rm(dir, { recursive: true });
    }
  });
});

describe('readEvents batches', () => {
  it('yields the same events, in order, as the iterator, and counts them in stats', async () => {
    const paths = [fixture('kube-apiserver-v1.log')];
    const { events } = await collect(paths);
    assert.ok(events.length > 0);
    const stream = readEvents(paths);
    const batched: ThreatEvent[] = [];
    for await (const batch of stream.batches()) batched.push(...batch);
    assert.deepEqual(auditIds(batched), auditIds(events));
    assert.equal(stream.stats.events, events.length);
    assert.equal(stream.stats.audit + stream.stats.falco, events.length);
  });

  it('keeps valid events as parsed (no copy) and still explains invalid ones with zod', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'palisade-batches-'));
    try {
      const good = {
        apiVersion: 'audit.k8s.io/v1',
        kind: 'Event',
        level: 'Metadata',
        auditID: 'a1',
        stage: 'ResponseComplete',
        requestURI: '/api/v1/pods',
        verb: 'list',
        user: { username: 'alice', groups: ['g'], extraField: 1 },
        stageTimestamp: '2026-11-23T10:00:00.000000Z',
        custom: { kept: true },
      };
      const bad = { ...good, auditID: 'a2', user: { username: 5 } };
      const file = join(dir, 'audit.log');
      await writeFile(file, `${JSON.stringify(good)}\n${JSON.stringify(bad)}\n`);
      const { events, diagnostics } = await collect([file]);
      assert.equal(events.length, 1);
      const first = events[0];
      assert.equal(first?.kind, 'audit');
      assert.deepEqual(first?.kind === 'audit' ? first.event : undefined, good);
      assert.equal(diagnostics.length, 1);
      assert.equal(diagnostics[0]?.code, 'threats.invalid-event');
      assert.match(diagnostics[0]?.message ?? '', /user\.username/);
      assert.equal(diagnostics[0]?.location?.line, 2);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
