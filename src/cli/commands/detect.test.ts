/**
 * `palisade detect` and `palisade rules` through the CLI entry point, on hand-written
 * audit.k8s.io/v1 events and the test rule file in test/fixtures/threats/detect (not the
 * built-in pack, which is loaded only where a test says so).
 */
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import type { Alert } from '#core';
import { captureIo, cli } from '#test/helpers/cli.ts';
import type { CliIo } from '../io.ts';
import { detectCommand } from './detect.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const FIX = join(ROOT, 'test/fixtures/threats/detect');
const RULES = join(FIX, 'rules.yaml');
const EVENTS = join(FIX, 'events.jsonl');
const OWN = ['--skip-builtin', '--rules', RULES];

function jsonl(text: string): Alert[] {
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Alert);
}

describe('palisade detect', () => {
  it('--format jsonl prints one alert per line with the contract fields', async () => {
    const r = await cli(['detect', EVENTS, ...OWN, '--format', 'jsonl']);
    assert.equal(r.code, 1, r.err); // high alerts, --fail-on high by default
    const alerts = jsonl(r.out);
    assert.equal(alerts.length, 5);
    for (const a of alerts) {
      for (const k of ['ruleId', 'title', 'severity', 'mitre', 'count', 'firstSeen', 'lastSeen', 'actor', 'target']) {
        assert.ok(k in a, `${k} in alert ${a.id}`);
      }
      assert.ok(Array.isArray(a.evidence.auditIds) && a.evidence.auditIds.length > 0);
      assert.match(a.mitre.technique, /^T\d{4}/);
      assert.ok(!Number.isNaN(Date.parse(a.firstSeen)) && a.firstSeen <= a.lastSeen);
    }
    const exec = alerts.find((a) => a.ruleId === 'PAL-TD-9001' && a.count === 3);
    assert.equal(exec?.actor.user, 'mallory');
    assert.deepEqual(exec?.target, { verb: 'create', resource: 'pods/exec', namespace: 'shop', name: 'web-1' });
    assert.match(r.err, /11 events, 3 rules, 5 alerts, 1 incidents/);
  });

  it('the table lists alerts most severe first, then the incident', async () => {
    const r = await cli(['detect', EVENTS, ...OWN]);
    const lines = r.out.split('\n');
    assert.match(lines[0] ?? '', /^SEVERITY\s+RULE\s+COUNT/);
    assert.match(lines[1] ?? '', /^HIGH\s+PAL-TD-9001\s+3\s+2026-11-20T10:00:00Z/);
    assert.match(lines[5] ?? '', /^LOW\s+PAL-TD-9003/);
    assert.match(r.out, /Incidents \(several rules for one actor\):\n {2}incident-\w+ {2}HIGH {2}actor mallory/);
  });

  it('exit codes follow --fail-on', async () => {
    assert.equal((await cli(['detect', EVENTS, ...OWN, '--fail-on', 'critical'])).code, 0);
    assert.equal((await cli(['detect', EVENTS, ...OWN, '--fail-on', 'low'])).code, 1);
    assert.equal((await cli(['detect', EVENTS, ...OWN, '--fail-on', 'none'])).code, 0);
    const off = await cli(['detect', EVENTS, ...OWN, '--disable-rule', 'PAL-TD-9001', '--format', 'jsonl']);
    assert.equal(off.code, 0);
    assert.ok(jsonl(off.out).every((a) => a.severity !== 'high'));
  });

  it('bad input lines are reported, kept going, and exit 2 only with --strict', async () => {
    const files = [join(FIX, 'bad.jsonl'), join(FIX, 'one-event.json'), join(FIX, 'event-list.json')];
    const loose = await cli(['detect', ...files, ...OWN, '--format', 'jsonl', '--fail-on', 'none']);
    assert.equal(loose.code, 0);
    assert.match(loose.err, /bad\.jsonl:2: line is not valid JSON/);
    assert.match(loose.err, /bad\.jsonl:3/);
    assert.match(loose.err, /1 duplicate events ignored/);
    // bad.jsonl line 1 and one-event.json are the same event (same auditID): counted once.
    // event-list.json holds a secret read and a break-glass exec (excepted).
    const alerts = jsonl(loose.out);
    assert.deepEqual(alerts.map((a) => `${a.ruleId} x${a.count}`).sort(), ['PAL-TD-9001 x1', 'PAL-TD-9002 x1']);
    const strict = await cli(['detect', ...files, ...OWN, '--strict', '--fail-on', 'none']);
    assert.equal(strict.code, 2);
  });

  it('reads standard input with -', async () => {
    const r = await cli(['detect', '-', ...OWN, '--format', 'jsonl'], { stdin: readFileSync(EVENTS, 'utf8') });
    assert.equal(jsonl(r.out).length, 5);
  });

  it('usage errors exit 2', async () => {
    const missing = await cli(['detect', EVENTS, '--skip-builtin', '--rules', join(FIX, 'missing.yaml')]);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /cannot read rule file .*missing\.yaml/);
    assert.equal((await cli(['detect', EVENTS, ...OWN, '--format', 'sarif'])).code, 2);
    assert.equal((await cli(['detect', EVENTS, ...OWN, '--dedup-window', 'soon'])).code, 2);
    assert.equal((await cli(['detect', EVENTS, EVENTS, ...OWN, '--follow'])).code, 2);
    assert.equal((await cli(['detect', EVENTS, ...OWN, '--forward', 'ftp://x'])).code, 2);
  });

  it('--forward posts the alerts to a webhook on 127.0.0.1, retrying failures', async () => {
    const bodies: string[] = [];
    let calls = 0;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        calls++;
        res.statusCode = calls <= 2 ? 500 : 204;
        if (calls > 2) bodies.push(Buffer.concat(chunks).toString('utf8'));
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/alerts`;
      const r = await cli(['detect', EVENTS, ...OWN, '--forward', url, '--fail-on', 'none']);
      assert.equal(r.code, 0, r.err);
      assert.equal(calls, 3);
      const posted = bodies.flatMap((b) => (JSON.parse(b) as { alerts: Alert[] }).alerts);
      assert.equal(posted.length, 5);
      assert.match(r.err, /forwarded 5 alert\(s\) in 1 request\(s\), 2 retries/);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  describe('--follow', () => {
    const dir = mkdtempSync(join(tmpdir(), 'palisade-follow-'));
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('prints alerts for lines appended to a growing file until aborted', async () => {
      const file = join(dir, 'audit.log');
      const lines = readFileSync(EVENTS, 'utf8').split('\n').filter(Boolean);
      writeFileSync(file, `${lines[0]}\n`);
      const c = captureIo();
      const controller = new AbortController();
      let code = -1;
      const io: CliIo = {
        ...c.io,
        setExitCode: (n) => {
          code = n;
        },
      };
      const program = new Command('palisade').exitOverride();
      program.addCommand(detectCommand(io, { signal: controller.signal }).exitOverride());
      const done = program.parseAsync(
        ['detect', file, ...OWN, '--follow', '--from-start', '--format', 'jsonl', '--fail-on', 'none'],
        { from: 'user' },
      );
      const waitFor = async (pred: () => boolean): Promise<void> => {
        for (let i = 0; i < 200 && !pred(); i++) await new Promise((r) => setTimeout(r, 25));
        assert.ok(pred(), `timed out; output so far:\n${c.out()}`);
      };
      await waitFor(() => jsonl(c.out()).length >= 1);
      appendFileSync(file, `${lines.slice(1, 6).join('\n')}\n`);
      await waitFor(() => jsonl(c.out()).some((a) => a.ruleId === 'PAL-TD-9002'));
      controller.abort();
      await done;
      const alerts = jsonl(c.out());
      // First sight of mallory's exec (count 1, not final), then alice's, then the secret read.
      assert.deepEqual(
        alerts.slice(0, 1).map((a) => [a.ruleId, a.actor.user, a.count, a.final]),
        [['PAL-TD-9001', 'mallory', 1, false]],
      );
      assert.ok(alerts.some((a) => a.actor.user === 'alice' && a.final === false));
      // At the end (abort) the exec alert closes with its final count.
      const last = alerts.filter((a) => a.ruleId === 'PAL-TD-9001' && a.actor.user === 'mallory').at(-1);
      assert.deepEqual([last?.count, last?.final], [3, true]);
      assert.equal(code, 0);
    });
  });
});

describe('palisade rules', () => {
  it('rules list --format json lists every rule with id, title, severity, maturity and MITRE', async () => {
    const r = await cli(['rules', 'list', ...OWN, '--format', 'json']);
    assert.equal(r.code, 0, r.err);
    const rules = JSON.parse(r.out) as {
      id: string;
      title: string;
      severity: string;
      maturity: string;
      mitre: unknown;
    }[];
    assert.deepEqual(
      rules.map((x) => [x.id, x.title, x.severity, x.maturity, x.mitre]),
      [
        ['PAL-TD-9001', 'Exec into a pod', 'high', 'stable', { tactic: 'TA0002', technique: 'T1609' }],
        ['PAL-TD-9002', 'Secret read by a person', 'medium', 'beta', { tactic: 'TA0006', technique: 'T1552.007' }],
        ['PAL-TD-9003', 'Burst of forbidden requests', 'low', 'experimental', { tactic: 'TA0007', technique: 'T1613' }],
      ],
    );
  });

  it('rules list includes the built-in pack by default', async () => {
    const own = JSON.parse((await cli(['rules', 'list', '--format', 'json'])).out) as { id: string }[];
    const withUser = JSON.parse((await cli(['rules', 'list', '--rules', RULES, '--format', 'json'])).out) as {
      id: string;
    }[];
    assert.equal(withUser.length, own.length + 3);
  });

  it('rules test <id> explains each step per event, with windows advancing', async () => {
    const r = await cli(['rules', 'test', 'PAL-TD-9001', EVENTS, ...OWN]);
    assert.equal(r.code, 0, r.err);
    const blocks = r.out.split(/\n(?=\S)/);
    assert.equal(blocks.length, 11);
    assert.match(
      blocks[0] ?? '',
      /events\.jsonl:1 d0000000-0000-4000-8000-000000000001 ResponseComplete create pods\/exec shop\/web-1 by mallory/,
    );
    assert.match(blocks[0] ?? '', /PAL-TD-9001 {2}FIRES\n {4}pre-filter: matched/);
    assert.match(blocks[0] ?? '', /exception break-glass: not-matched/);
    assert.match(blocks[0] ?? '', /window: {5}skipped \(no window\)/);
    // The controller's get: refused by the pre-filter.
    assert.match(blocks[4] ?? '', /does not fire\n {4}pre-filter: not-matched \(verb get not in \[create\]\)/);
    // The break-glass user: condition matched, exception matched.
    assert.match(blocks[6] ?? '', /condition: {2}matched\n {4}exception break-glass: matched/);
    // RequestReceived stage: not admitted.
    assert.match(blocks[7] ?? '', /pre-filter: not-matched \(stage RequestReceived/);

    const w = await cli(['rules', 'test', 'PAL-TD-9003', EVENTS, ...OWN, '--format', 'json']);
    const results = JSON.parse(w.out) as { explanation: { window: { result: string; detail: string } } }[];
    assert.deepEqual(
      results.slice(8, 10).map((x) => x.explanation.window.result),
      ['not-matched', 'matched'],
    );
  });

  it('rules test <file> tests every rule of the file; an unknown id exits 2', async () => {
    const r = await cli(['rules', 'test', RULES, join(FIX, 'one-event.json')]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /PAL-TD-9001 {2}FIRES/);
    assert.match(r.out, /PAL-TD-9002 {2}does not fire/);
    assert.match(r.out, /PAL-TD-9003 {2}does not fire/);
    const unknown = await cli(['rules', 'test', 'PAL-TD-0999', EVENTS, ...OWN]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.err, /no enabled rule PAL-TD-0999/);
  });
});
