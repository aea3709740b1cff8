import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Alert } from '#core';
import * as root from '../index.ts';
import { builtinRulePaths } from './builtin.ts';
import { detect, loadRules } from './detect.ts';
import { readEvents } from './inputs/index.ts';

const FIX = fileURLToPath(new URL('../../test/fixtures/threats/detect/', import.meta.url));
const RULES = `${FIX}rules.yaml`;
const EVENTS = `${FIX}events.jsonl`;

async function collect(iter: AsyncIterable<Alert>): Promise<Alert[]> {
  const out: Alert[] = [];
  for await (const a of iter) out.push(a);
  return out;
}

describe('detect', () => {
  it('deduplicates by rule, actor and target within the window and correlates incidents', async () => {
    const run = detect(readEvents([EVENTS]), { rules: [RULES], builtin: false });
    const alerts = await collect(run);
    assert.deepEqual(run.diagnostics, []);
    assert.equal(run.stats.events, 11);
    assert.equal(run.stats.rules, 3);
    const summary = alerts.map((a) => `${a.ruleId} ${a.actor.user} ${a.target.name} x${a.count}`).sort();
    assert.deepEqual(summary, [
      'PAL-TD-9001 alice web-1 x1',
      'PAL-TD-9001 mallory web-1 x1',
      'PAL-TD-9001 mallory web-1 x3',
      'PAL-TD-9002 mallory db-creds x1',
      'PAL-TD-9003 eve  x1',
    ]);
    const first = alerts.find((a) => a.ruleId === 'PAL-TD-9001' && a.count === 3) as Alert;
    assert.equal(first.firstSeen, '2026-11-20T10:00:00.120Z');
    assert.equal(first.lastSeen, '2026-11-20T10:03:00.120Z');
    assert.deepEqual(first.evidence.auditIds, [
      'd0000000-0000-4000-8000-000000000001',
      'd0000000-0000-4000-8000-000000000002',
      'd0000000-0000-4000-8000-000000000004',
    ]);
    assert.deepEqual(first.actor.sourceIPs, ['10.0.0.7', '10.0.0.8']);
    assert.deepEqual(first.target, { verb: 'create', resource: 'pods/exec', namespace: 'shop', name: 'web-1' });
    assert.deepEqual(first.mitre, { tactic: 'TA0002', technique: 'T1609' });
    assert.deepEqual(first.remediation, [
      'Confirm with the user that the exec was expected.',
      'Restrict pods/exec to break-glass roles.',
    ]);
    assert.equal(first.message, 'exec into shop/web-1 by mallory');
    assert.equal(first.final, true);

    // mallory: exec (two alerts) + secret read → one incident holding all three alerts.
    const incidents = run.incidents();
    assert.equal(incidents.length, 1);
    const inc = incidents[0];
    assert.equal(inc?.actor, 'mallory');
    assert.deepEqual([...(inc?.ruleIds ?? [])].sort(), ['PAL-TD-9001', 'PAL-TD-9002']);
    assert.equal(inc?.severity, 'high');
    const mallory = alerts.filter((a) => a.actor.user === 'mallory');
    assert.equal(mallory.length, 3);
    for (const a of mallory) assert.equal(a.incidentId, inc?.id);
    assert.deepEqual([...(inc?.alertIds ?? [])].sort(), mallory.map((a) => a.id).sort());
    assert.equal(alerts.find((a) => a.actor.user === 'alice')?.incidentId, undefined);
    // The count window fired once, on eve's second refused request.
    const eve = alerts.find((a) => a.actor.user === 'eve');
    assert.deepEqual(eve?.evidence.auditIds, ['d0000000-0000-4000-8000-000000000010']);
  });

  it('raises Falco alerts per Falco rule and container, with MITRE from the Falco tags and the events as evidence', async () => {
    const run = detect(readEvents([`${FIX}falco.jsonl`]), { builtin: true });
    const alerts = await collect(run);
    assert.deepEqual(run.diagnostics, []);
    const byMessage = (fragment: string): Alert => {
      const found = alerts.find((a) => a.message.includes(fragment));
      assert.ok(found, `an alert for ${fragment}`);
      return found;
    };
    assert.equal(alerts.length, 3, 'two shells in one container are one alert; other Falco rules are their own');
    const shell = byMessage('Terminal shell in container');
    assert.equal(shell.ruleId, 'PAL-TD-0072');
    assert.equal(shell.count, 2);
    assert.deepEqual(shell.mitre, { tactic: 'TA0002', technique: 'T1059' });
    assert.deepEqual(shell.target, { verb: '', resource: 'pods', namespace: 'shop', name: 'web-0' });
    assert.deepEqual(shell.evidence, {
      auditIds: [],
      falcoEvents: [
        {
          rule: 'Terminal shell in container',
          time: '2026-11-23T10:07:01.482911203Z',
          uuid: '0b6f3e1a-9d2c-4c1e-8f00-000000000001',
          hostname: 'worker-1',
          containerId: '4f1e2d3c4b5a',
        },
        {
          rule: 'Terminal shell in container',
          time: '2026-11-23T10:07:31.000000000Z',
          uuid: '0b6f3e1a-9d2c-4c1e-8f00-000000000002',
          hostname: 'worker-1',
          containerId: '4f1e2d3c4b5a',
        },
      ],
      omitted: 0,
    });
    assert.deepEqual(byMessage('Read sensitive file untrusted').mitre, { tactic: 'TA0006', technique: 'T1555' });
    // No tags: the re-raising rule's own mapping.
    assert.deepEqual(byMessage('Custom rule without tags').mitre, { tactic: 'TA0002', technique: 'T1609' });
  });

  it('is exported from the package root', () => {
    assert.equal(root.detect, detect);
    assert.equal(root.loadRules, loadRules);
    assert.equal(root.readEvents, readEvents);
  });

  it('alert ids are stable across runs', async () => {
    const a = await collect(detect(readEvents([EVENTS]), { rules: [RULES], builtin: false }));
    const b = await collect(detect(readEvents([EVENTS]), { rules: [RULES], builtin: false }));
    assert.deepEqual(
      a.map((x) => x.id),
      b.map((x) => x.id),
    );
    assert.equal(new Set(a.map((x) => x.id)).size, a.length);
  });

  it('a longer dedup window merges the later exec; a short incident window forms no incident', async () => {
    const run = detect(readEvents([EVENTS]), {
      rules: [RULES],
      builtin: false,
      dedupWindowMs: 30 * 60_000,
      incidentWindowMs: 60_000,
    });
    const alerts = await collect(run);
    const exec = alerts.filter((a) => a.ruleId === 'PAL-TD-9001' && a.actor.user === 'mallory');
    assert.deepEqual(
      exec.map((a) => a.count),
      [4],
    );
    assert.deepEqual(run.incidents(), []);
  });

  it('stream mode emits at first sight, then the final count', async () => {
    const run = detect(readEvents([EVENTS]), { rules: [RULES], builtin: false, emit: 'stream', clock: () => 0 });
    const alerts = await collect(run);
    const exec = alerts.filter((a) => a.ruleId === 'PAL-TD-9001' && a.actor.user === 'mallory');
    // First alert: seen (count 1), closed by the 10:20 exec 17 minutes later (count 3, final);
    // second alert: seen at 10:20 and unchanged at end of input, so not repeated.
    assert.deepEqual(
      exec.map((a) => [a.count, a.final]),
      [
        [1, false],
        [3, true],
        [1, false],
      ],
    );
    assert.equal(exec[0]?.id, exec[1]?.id);
    assert.notEqual(exec[1]?.id, exec[2]?.id);
    // The first sight came before the secret read made an incident; the final update carries it.
    assert.equal(exec[0]?.incidentId, undefined);
    assert.ok(exec[1]?.incidentId);
  });

  it('stream mode repeats an alert whose count grew once the update interval passed', async () => {
    let wall = 0;
    const events = readEvents([EVENTS]);
    async function* ticking() {
      for await (const ev of events) {
        wall += 60_000;
        yield ev;
      }
    }
    const alerts = await collect(
      detect(ticking(), { rules: [RULES], builtin: false, emit: 'stream', clock: () => wall, updateIntervalMs: 1000 }),
    );
    const exec = alerts.filter((a) => a.ruleId === 'PAL-TD-9001' && a.actor.user === 'mallory');
    assert.deepEqual(
      exec.slice(0, 3).map((a) => [a.count, a.final]),
      [
        [1, false],
        [2, false],
        [3, false],
      ],
    );
  });

  it('throttling drops new alerts beyond the limit and reports them', async () => {
    const run = detect(readEvents([EVENTS]), {
      rules: [RULES],
      builtin: false,
      throttle: { maxNewAlerts: 1, periodMs: 60 * 60_000 },
    });
    const alerts = await collect(run);
    // PAL-TD-9001 may open one alert per hour: alice's and mallory's second alert are dropped.
    assert.equal(alerts.filter((a) => a.ruleId === 'PAL-TD-9001').length, 1);
    assert.deepEqual(run.stats.alerts.throttled, { 'PAL-TD-9001': 2 });
    assert.equal(run.stats.alerts.throttledTotal, 2);
    const d = run.diagnostics.find((x) => x.code === 'alerts.throttled');
    assert.match(d?.message ?? '', /PAL-TD-9001: 2 new alert\(s\) dropped by throttling/);
  });

  it('disable removes a rule; an unknown id is a warning', async () => {
    const run = detect(readEvents([EVENTS]), {
      rules: [RULES],
      builtin: false,
      disable: ['PAL-TD-9001', 'PAL-TD-0000'],
    });
    const alerts = await collect(run);
    assert.ok(alerts.every((a) => a.ruleId !== 'PAL-TD-9001'));
    assert.equal(run.stats.rules, 2);
    assert.ok(run.diagnostics.some((d) => d.code === 'rules.unknown-id' && d.message.includes('PAL-TD-0000')));
  });

  it('keeps at most maxEvidence auditIDs and counts the rest', async () => {
    const alerts = await collect(detect(readEvents([EVENTS]), { rules: [RULES], builtin: false, maxEvidence: 2 }));
    const a = alerts.find((x) => x.count === 3);
    assert.equal(a?.evidence.auditIds.length, 2);
    assert.equal(a?.evidence.omitted, 1);
  });

  it('maxOpenAlerts closes the oldest alert early and says so', async () => {
    const run = detect(readEvents([EVENTS]), { rules: [RULES], builtin: false, maxOpenAlerts: 1 });
    const alerts = await collect(run);
    assert.ok(run.stats.alerts.forcedClose > 0);
    assert.ok(run.diagnostics.some((d) => d.code === 'alerts.forced-close'));
    assert.equal(
      alerts.reduce((n, a) => n + a.count, 0),
      run.stats.alerts.matches,
    );
  });

  it('a missing rule file is an input error naming it', async () => {
    await assert.rejects(
      collect(detect(readEvents([EVENTS]), { rules: [`${FIX}nope.yaml`], builtin: false })),
      /cannot read rule file .*nope\.yaml/,
    );
  });

  it('loads the built-in pack directory, tolerating its absence', async () => {
    assert.deepEqual(builtinRulePaths(`${FIX}does-not-exist`), []);
    assert.deepEqual(builtinRulePaths(FIX), [join(FIX, 'rules.yaml')]);
    const loaded = await loadRules({});
    assert.equal(loaded.value.files.length, builtinRulePaths().length);
    assert.ok(loaded.value.files.every((f) => !f.file.includes('test/fixtures')));
  });
});
