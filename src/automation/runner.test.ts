import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { z } from 'zod';
import { silentLogger } from '#core';
import { AuditLog, type RunRecord, readAuditLog } from './audit.ts';
import { readSubjects } from './input.ts';
import type { Automation, AutomationRules } from './rules.ts';
import { type BaseContext, Runner, triggerMatches, undoRuns } from './runner.ts';
import { type Action, ActionError, defineAction, describeTarget, type Subject } from './types.ts';

const FIXTURES = new URL('../../test/fixtures/automation/', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'palisade-runner-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const NOW = new Date('2026-11-23T10:00:00Z');

function context(overrides: Partial<BaseContext> = {}): BaseContext {
  return {
    kube: async () => {
      throw new ActionError('no cluster in this test');
    },
    arm: async () => {
      throw new ActionError('no Azure in this test');
    },
    http: {
      post: async () => {
        throw new ActionError('no HTTP in this test');
      },
    },
    logger: silentLogger,
    now: () => NOW,
    env: {},
    ...overrides,
  };
}

/** A test action that records what it was asked and behaves as `script` says for each call. */
function recordingAction(
  id: string,
  script: (n: number, subject: Subject, dryRun: boolean) => Promise<'applied' | 'planned' | 'skipped'>,
): Action<unknown> & {
  calls: { subject: string; dryRun: boolean; runId: string }[];
  active: number;
  maxActive: number;
} {
  const calls: { subject: string; dryRun: boolean; runId: string }[] = [];
  const state = { active: 0, maxActive: 0 };
  const action = defineAction<unknown>({
    meta: {
      id,
      slug: id.split(':')[1] as string,
      provider: 'notify',
      title: 'Test action',
      description: 'Records its calls.',
      targets: ['kubernetes', 'azure', 'none'],
      undoable: true,
      disruptive: false,
      permissions: {},
    },
    params: z.unknown(),
    async run(input, ctx) {
      calls.push({ subject: input.subject.id, dryRun: input.dryRun, runId: ctx.runId });
      state.active++;
      state.maxActive = Math.max(state.maxActive, state.active);
      try {
        const result = await script(calls.length, input.subject, input.dryRun);
        return {
          result,
          reason: `${result} on ${describeTarget(input.target)}`,
          ...(result === 'applied' ? { undo: { before: 'x' } } : {}),
        };
      } finally {
        state.active--;
      }
    },
    async undo(input) {
      return { result: input.dryRun ? 'planned' : 'applied', reason: `restored ${String(input.data.before)}` };
    },
  });
  return Object.defineProperties(Object.assign(action, { calls }), {
    active: { get: () => state.active },
    maxActive: { get: () => state.maxActive },
  }) as Action<unknown> & { calls: typeof calls; active: number; maxActive: number };
}

function automation(overrides: Partial<Automation> & Pick<Automation, 'steps'>): Automation {
  return {
    name: 'test',
    mode: 'apply',
    enabled: true,
    trigger: { on: 'alerts' },
    source: { file: 'rules.yaml', line: 1 },
    ...overrides,
  };
}

function rules(automations: Automation[], limits: Partial<AutomationRules['limits']> = {}): AutomationRules {
  return { automations, limits: { concurrency: 4, retries: 3, ...limits }, files: ['rules.yaml'] };
}

let ids = 0;
const newId = (prefix: string): string => `${prefix}-${++ids}`;

const alerts = (await readSubjects(join(FIXTURES, 'alerts.jsonl'))).subjects;
const findings = (await readSubjects(join(FIXTURES, 'report.json'))).subjects;

/** `n` distinct alerts: the fixture's first alert with new ids and pods. */
function burst(n: number): Subject[] {
  const base = alerts[0];
  assert.ok(base && base.type === 'alert');
  return Array.from({ length: n }, (_, i) => ({
    ...base,
    id: `burst-${i}`,
    alert: { ...base.alert, id: `burst-${i}` },
    target: { type: 'kubernetes', ref: { apiVersion: 'v1', kind: 'Pod', namespace: 'shop', name: `web-${i}` } },
  }));
}

describe('trigger matching', () => {
  it('filters alerts by id glob, severity, tactic and namespace', () => {
    const exec = alerts[0];
    assert.ok(exec);
    assert.equal(triggerMatches({ on: 'alerts' }, exec), true);
    assert.equal(triggerMatches({ on: 'findings' }, exec), false);
    assert.equal(triggerMatches({ on: 'alerts', ids: ['PAL-TD-00*'] }, exec), true);
    assert.equal(triggerMatches({ on: 'alerts', ids: ['PAL-TD-01*'] }, exec), false);
    assert.equal(triggerMatches({ on: 'alerts', minSeverity: 'medium' }, exec), true);
    assert.equal(triggerMatches({ on: 'alerts', minSeverity: 'high' }, exec), false);
    assert.equal(triggerMatches({ on: 'alerts', tactics: ['ta0002'] }, exec), true);
    assert.equal(triggerMatches({ on: 'alerts', tactics: ['TA0006'] }, exec), false);
    assert.equal(triggerMatches({ on: 'alerts', namespaces: ['sh*'] }, exec), true);
    assert.equal(triggerMatches({ on: 'alerts', namespaces: ['prod-*'] }, exec), false);
  });

  it('takes failing findings only, by Azure type and subscription', () => {
    const storage = findings.find(
      (s) => s.target.type === 'azure' && s.target.resourceType === 'Microsoft.Storage/storageAccounts',
    );
    assert.ok(storage && storage.target.type === 'azure');
    const subscription = storage.target.subscriptionId ?? '';
    assert.equal(
      triggerMatches({ on: 'findings', azure: { types: ['microsoft.storage/storageaccounts'] } }, storage),
      true,
    );
    assert.equal(triggerMatches({ on: 'findings', azure: { types: ['Microsoft.Web/sites'] } }, storage), false);
    assert.equal(
      triggerMatches({ on: 'findings', azure: { subscriptions: [subscription.toUpperCase()] } }, storage),
      true,
    );
    assert.equal(
      triggerMatches({ on: 'findings', azure: { subscriptions: ['00000000-0000-0000-0000-000000000000'] } }, storage),
      false,
    );
    const deployment = findings.find((s) => s.target.type === 'kubernetes');
    assert.ok(deployment);
    assert.equal(triggerMatches({ on: 'findings', azure: {} }, deployment), false);
    assert.ok(storage.type === 'finding');
    const passing: Subject = { ...storage, finding: { ...storage.finding, status: 'pass' } };
    assert.equal(triggerMatches({ on: 'findings' }, passing), false);
    const suppressed: Subject = {
      ...storage,
      finding: { ...storage.finding, suppressed: { source: 'config', reason: 'accepted', origin: 'palisade.yaml' } },
    };
    assert.equal(triggerMatches({ on: 'findings' }, suppressed), false);
    assert.equal(triggerMatches({ on: 'findings', includeSuppressed: true }, suppressed), true);
  });
});

describe('runner', () => {
  it('runs the actions of a match in order and records each run in the audit log', async () => {
    const first = recordingAction('notify:first', async () => 'applied');
    const second = recordingAction('notify:second', async (_, __, dryRun) => (dryRun ? 'planned' : 'applied'));
    const file = join(dir, 'order.jsonl');
    const audit = new AuditLog(file);
    const records: RunRecord[] = [];
    const runner = new Runner({
      rules: rules([
        automation({
          steps: [
            { action: first, params: {}, continue: false },
            { action: second, params: { a: 1 }, continue: false },
          ],
        }),
      ]),
      context: context(),
      audit,
      onRecord: (r) => records.push(r),
      newId,
      batchId: 'batch-order',
    });
    const exec = alerts[0];
    assert.ok(exec);
    runner.submit(exec);
    await runner.drain();
    audit.close();
    assert.deepEqual(
      records.map((r) => [r.action, r.result, r.mode, r.attempts]),
      [
        ['notify:first', 'applied', 'apply', 1],
        ['notify:second', 'applied', 'apply', 1],
      ],
    );
    const record = records[1];
    assert.ok(record);
    assert.equal(record.batchId, 'batch-order');
    assert.equal(record.rule, 'test');
    assert.deepEqual(record.trigger, {
      type: 'alert',
      id: exec.id,
      ruleId: 'PAL-TD-0001',
      severity: 'medium',
      title: exec.title,
      target: { type: 'kubernetes', apiVersion: 'v1', kind: 'Pod', namespace: 'shop', name: 'web-1' },
    });
    assert.match(record.execution ?? '', /^exec-\d+$/);
    assert.equal(records[0]?.execution, record.execution);
    assert.deepEqual(record.target, {
      type: 'kubernetes',
      apiVersion: 'v1',
      kind: 'Pod',
      namespace: 'shop',
      name: 'web-1',
    });
    assert.deepEqual(record.params, { a: 1 });
    assert.deepEqual(record.undo, { before: 'x' });
    assert.equal(record.reason, 'applied on Pod "shop/web-1"');
    assert.equal(record.time, NOW.toISOString());
    // The action saw the run id the record carries.
    assert.equal(second.calls[0]?.runId, record.runId);
    const read = readAuditLog(file);
    assert.deepEqual(read.diagnostics, []);
    assert.deepEqual(read.records, records);
  });

  it('does not act twice on one alert (updates share its id)', async () => {
    const action = recordingAction('notify:once', async () => 'applied');
    const runner = new Runner({
      rules: rules([automation({ steps: [{ action, params: {}, continue: false }] })]),
      context: context(),
      newId,
    });
    for (const alert of alerts) runner.submit(alert);
    const exec = alerts[0];
    assert.ok(exec);
    runner.submit(exec);
    await runner.drain();
    const distinct = new Set(alerts.map((a) => a.id)).size;
    assert.equal(action.calls.length, distinct);
    assert.equal(runner.stats.duplicates, alerts.length + 1 - distinct);
  });

  it('forces dry-run with forceDryRun and passes it to the actions', async () => {
    const action = recordingAction('notify:dry', async (_, __, dryRun) => (dryRun ? 'planned' : 'applied'));
    const records: RunRecord[] = [];
    const runner = new Runner({
      rules: rules([automation({ steps: [{ action, params: {}, continue: false }] })]),
      context: context(),
      forceDryRun: true,
      onRecord: (r) => records.push(r),
      newId,
    });
    const exec = alerts[0];
    assert.ok(exec);
    runner.submit(exec);
    await runner.drain();
    assert.deepEqual(
      action.calls.map((c) => c.dryRun),
      [true],
    );
    assert.deepEqual(
      records.map((r) => [r.result, r.mode]),
      [['planned', 'dry-run']],
    );
  });

  it('holds the rate limits under a burst of 10,000 alerts and records the excess as skipped', async () => {
    // Both actions take a little while, so that runs overlap; `all` counts them together.
    const all = { active: 0, max: 0 };
    const slow = async (): Promise<'applied'> => {
      all.active++;
      all.max = Math.max(all.max, all.active);
      await new Promise((resolve) => setTimeout(resolve, 2));
      all.active--;
      return 'applied';
    };
    const own = recordingAction('notify:burst-a', slow);
    const other = recordingAction('notify:burst-b', slow);
    const records: RunRecord[] = [];
    const runner = new Runner({
      rules: rules(
        [
          automation({
            name: 'a',
            steps: [{ action: own, params: {}, continue: false }],
            rateLimit: { max: 25, perMs: 60_000 },
          }),
          automation({ name: 'b', steps: [{ action: other, params: {}, continue: false }] }),
        ],
        { global: { max: 60, perMs: 60_000 }, concurrency: 8 },
      ),
      context: context(),
      onRecord: (r) => records.push(r),
      newId,
    });
    for (const subject of burst(10_000)) runner.submit(subject);
    await runner.drain();
    // a: its own limit (25); b: what the global limit leaves (60 - 25).
    assert.equal(own.calls.length, 25);
    assert.equal(other.calls.length, 35);
    assert.equal(records.length, 20_000);
    const skipped = records.filter((r) => r.result === 'skipped');
    assert.equal(skipped.length, 20_000 - 60);
    assert.equal(
      skipped.filter((r) => r.rule === 'a' && r.reason === 'rate limit: "a" allows 25 runs per 1m').length,
      10_000 - 25,
    );
    assert.equal(
      skipped.filter((r) => r.rule === 'b' && r.reason === 'rate limit: all automations together allow 60 runs per 1m')
        .length,
      10_000 - 35,
    );
    // Never more than the concurrency bound at once, and the bound was used.
    assert.equal(all.max, 8);
    assert.equal(runner.stats.limited, 20_000 - 60);
  });

  it('opens the window again when the period has passed', async () => {
    let now = NOW.getTime();
    const action = recordingAction('notify:window', async () => 'applied');
    const runner = new Runner({
      rules: rules([
        automation({ steps: [{ action, params: {}, continue: false }], rateLimit: { max: 2, perMs: 60_000 } }),
      ]),
      context: context({ now: () => new Date(now) }),
      newId,
    });
    const subjects = burst(5);
    for (const s of subjects.slice(0, 3)) runner.submit(s);
    now += 60_001;
    for (const s of subjects.slice(3)) runner.submit(s);
    await runner.drain();
    assert.deepEqual(
      action.calls.map((c) => c.subject),
      ['burst-0', 'burst-1', 'burst-3', 'burst-4'],
    );
  });

  it('bounds concurrency and runs one action at a time per target', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const action = recordingAction('notify:slow', async () => {
      await gate;
      return 'applied';
    });
    const runner = new Runner({
      rules: rules([automation({ steps: [{ action, params: {}, continue: false }] })], { concurrency: 3 }),
      context: context(),
      newId,
    });
    const subjects = burst(10);
    // Two more alerts on the first pod: they wait for the run on it.
    const same = subjects.slice(0, 2).map((s, i) => ({ ...s, id: `same-${i}` }));
    for (const s of [...subjects, ...same]) runner.submit(s);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(action.active, 3);
    release();
    await runner.drain();
    assert.equal(action.maxActive, 3);
    assert.equal(action.calls.length, 12);
    const onFirst = action.calls.map((c, i) => [c.subject, i]).filter(([s]) => s === 'burst-0' || s === 'same-0');
    assert.deepEqual(
      onFirst.map(([s]) => s),
      ['burst-0', 'same-0'],
    );
  });

  it('skips a target inside its cooldown', async () => {
    let now = NOW.getTime();
    const action = recordingAction('notify:cool', async () => 'applied');
    const records: RunRecord[] = [];
    const runner = new Runner({
      rules: rules([automation({ steps: [{ action, params: {}, continue: false }], cooldownMs: 600_000 })]),
      context: context({ now: () => new Date(now) }),
      onRecord: (r) => records.push(r),
      newId,
    });
    const [a, b, c] = burst(3).map((s) => ({ ...s, target: burst(1)[0]?.target ?? s.target }));
    assert.ok(a && b && c);
    runner.submit(a);
    now += 120_000;
    runner.submit(b);
    now += 600_000;
    runner.submit(c);
    await runner.drain();
    assert.deepEqual(
      action.calls.map((x) => x.subject),
      ['burst-0', 'burst-2'],
    );
    assert.deepEqual(
      records.filter((r) => r.result === 'skipped').map((r) => r.reason),
      ['cooldown: "test" acted on this target 2m ago (cooldown 10m)'],
    );
  });

  it('retries transient errors with backoff, honouring Retry-After, then gives up', async () => {
    const waits: number[] = [];
    let failures = 2;
    const flaky = recordingAction('notify:flaky', async () => {
      if (failures-- > 0)
        throw new ActionError('HTTP 503', { transient: true, retryAfterMs: failures === 1 ? 7000 : undefined });
      return 'applied';
    });
    const broken = recordingAction('notify:broken', async () => {
      throw new ActionError('HTTP 429', { transient: true });
    });
    const records: RunRecord[] = [];
    const runner = new Runner({
      rules: rules(
        [
          automation({ name: 'flaky', steps: [{ action: flaky, params: {}, continue: false }] }),
          automation({ name: 'broken', steps: [{ action: broken, params: {}, continue: false }] }),
        ],
        { retries: 2, concurrency: 1 },
      ),
      context: context(),
      onRecord: (r) => records.push(r),
      backoffMs: 100,
      sleep: async (ms) => {
        waits.push(ms);
      },
      newId,
    });
    const exec = alerts[0];
    assert.ok(exec);
    runner.submit(exec);
    await runner.drain();
    assert.deepEqual(
      records.map((r) => [r.rule, r.result, r.attempts, r.reason]),
      [
        ['flaky', 'applied', 3, 'applied on Pod "shop/web-1"'],
        ['broken', 'failed', 3, 'HTTP 429 (gave up after 3 attempts)'],
      ],
    );
    assert.deepEqual(waits, [7000, 200, 100, 200]);
  });

  it('fails at once on a permanent error and skips the rest unless the step says continue', async () => {
    const denied = recordingAction('notify:denied', async () => {
      throw new ActionError('pods "web-1" is forbidden', { status: 403 });
    });
    const after1 = recordingAction('notify:after-one', async () => 'applied');
    const after2 = recordingAction('notify:after-two', async () => 'applied');
    const records: RunRecord[] = [];
    const runner = new Runner({
      rules: rules([
        automation({
          name: 'stop',
          steps: [
            { action: denied, params: {}, continue: false },
            { action: after1, params: {}, continue: false },
          ],
        }),
        automation({
          name: 'go-on',
          steps: [
            { action: denied, params: {}, continue: true },
            { action: after2, params: {}, continue: false },
          ],
        }),
      ]),
      context: context(),
      onRecord: (r) => records.push(r),
      newId,
    });
    const exec = alerts[0];
    assert.ok(exec);
    runner.submit(exec);
    await runner.drain();
    const byRule = (rule: string) => records.filter((r) => r.rule === rule).map((r) => [r.action, r.result, r.reason]);
    assert.deepEqual(byRule('stop'), [
      ['notify:denied', 'failed', 'pods "web-1" is forbidden'],
      ['notify:after-one', 'skipped', 'not run: notify:denied failed before it (continue: false)'],
    ]);
    assert.deepEqual(byRule('go-on'), [
      ['notify:denied', 'failed', 'pods "web-1" is forbidden'],
      ['notify:after-two', 'applied', 'applied on Pod "shop/web-1"'],
    ]);
    assert.equal(after1.calls.length, 0);
    assert.equal(runner.stats.results.failed, 2);
  });

  it('records a failure, not a crash, when an action throws something unexpected', async () => {
    const buggy = recordingAction('notify:buggy', async () => {
      throw new TypeError('cannot read properties of undefined');
    });
    const records: RunRecord[] = [];
    const runner = new Runner({
      rules: rules([automation({ steps: [{ action: buggy, params: {}, continue: false }] })]),
      context: context(),
      onRecord: (r) => records.push(r),
      newId,
    });
    for (const s of burst(3)) runner.submit(s);
    await runner.drain();
    assert.deepEqual(
      records.map((r) => [r.result, r.attempts]),
      [
        ['failed', 1],
        ['failed', 1],
        ['failed', 1],
      ],
    );
  });

  it('checks trigger.labels against the live object', async () => {
    const action = recordingAction('notify:labels', async () => 'applied');
    const objects: Record<string, Record<string, string>> = { 'web-0': { app: 'web' }, 'web-1': { app: 'db' } };
    const records: RunRecord[] = [];
    const runner = new Runner({
      rules: rules([
        automation({
          trigger: { on: 'alerts', labels: { app: 'web' } },
          steps: [{ action, params: {}, continue: false }],
        }),
      ]),
      context: context({
        kube: async () => ({
          get: async (ref) => {
            const labels = objects[ref.name];
            return labels ? { apiVersion: 'v1', kind: 'Pod', metadata: { name: ref.name, labels } } : undefined;
          },
          list: async () => [],
          patch: async () => assert.fail('no patch'),
          create: async () => assert.fail('no create'),
          delete: async () => false,
        }),
      }),
      onRecord: (r) => records.push(r),
      newId,
    });
    for (const s of burst(3)) runner.submit(s);
    await runner.drain();
    assert.deepEqual(
      action.calls.map((c) => c.subject),
      ['burst-0'],
    );
    assert.deepEqual(
      records
        .map((r) => [r.target.type === 'kubernetes' ? r.target.name : '', r.result, r.reason])
        .sort((a, b) => ((a[0] as string) < (b[0] as string) ? -1 : 1)),
      [
        ['web-0', 'applied', 'applied on Pod "shop/web-0"'],
        ['web-1', 'skipped', 'trigger.labels: the target has app=db (wanted app=web)'],
        ['web-2', 'skipped', 'the target no longer exists'],
      ],
    );
  });

  it('lets runs on other targets pass a target that is busy', async () => {
    const gates = new Map<string, () => void>();
    const started: string[] = [];
    const action = recordingAction('notify:gated', async (_, subject) => {
      started.push(subject.id);
      await new Promise<void>((resolve) => gates.set(subject.id, resolve));
      return 'applied';
    });
    const runner = new Runner({
      rules: rules([automation({ steps: [{ action, params: {}, continue: false }] })], { concurrency: 2 }),
      context: context(),
      newId,
    });
    const [x, y] = burst(2);
    assert.ok(x && y);
    // Two alerts on x, then one on y: y must not wait behind the second run on x.
    runner.submit(x);
    runner.submit({ ...x, id: 'x-again' });
    runner.submit(y);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(started, ['burst-0', 'burst-1']);
    gates.get('burst-0')?.();
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(started, ['burst-0', 'burst-1', 'x-again']);
    gates.get('burst-1')?.();
    gates.get('x-again')?.();
    await runner.drain();
    assert.equal(action.maxActive, 2);
  });

  it('reads trigger.labels before a run takes a place in the rate limit', async () => {
    const action = recordingAction('notify:labelled', async () => 'applied');
    const records: RunRecord[] = [];
    const runner = new Runner({
      rules: rules([
        automation({
          trigger: { on: 'alerts', labels: { app: 'web' } },
          steps: [{ action, params: {}, continue: false }],
          rateLimit: { max: 1, perMs: 3_600_000 },
        }),
      ]),
      context: context({
        kube: async () => ({
          get: async (ref) => ({
            apiVersion: 'v1',
            kind: 'Pod',
            metadata: { name: ref.name, labels: { app: ref.name === 'web-2' ? 'web' : 'db' } },
          }),
          list: async () => [],
          patch: async () => assert.fail('no patch'),
          create: async () => assert.fail('no create'),
          delete: async () => false,
        }),
      }),
      onRecord: (r) => records.push(r),
      newId,
    });
    // Two db pods first: they do not use up the limit of one run per hour.
    for (const s of burst(4)) runner.submit(s);
    await runner.drain();
    assert.deepEqual(
      action.calls.map((c) => c.subject),
      ['burst-2'],
    );
    assert.equal(records.filter((r) => r.reason.startsWith('rate limit')).length, 0);
  });

  it('considers a rate-limited or failed subject again when it comes back, not a handled one', async () => {
    let fail = true;
    const action = recordingAction('notify:again', async () => {
      if (fail) throw new ActionError('HTTP 400');
      return 'applied';
    });
    let now = NOW.getTime();
    const runner = new Runner({
      rules: rules([
        automation({ steps: [{ action, params: {}, continue: false }], rateLimit: { max: 1, perMs: 60_000 } }),
      ]),
      context: context({ now: () => new Date(now) }),
      newId,
    });
    const [a, b] = burst(2);
    assert.ok(a && b);
    runner.submit(a); // runs, fails
    runner.submit(b); // rate-limited
    await runner.drain();
    fail = false;
    now += 60_001;
    runner.submit(a); // failed before: tried again
    now += 60_001;
    runner.submit(b); // limited before: considered again
    runner.submit(b); // handled now: a duplicate
    await runner.drain();
    assert.deepEqual(
      action.calls.map((c) => c.subject),
      ['burst-0', 'burst-0', 'burst-1'],
    );
    assert.equal(runner.stats.duplicates, 1);
  });

  it('takes handled subjects, rate limits and cooldowns from earlier audit records', async () => {
    const action = recordingAction('notify:seeded', async () => 'applied');
    const first: RunRecord[] = [];
    const spec = () => [
      automation({
        steps: [{ action, params: {}, continue: false }],
        rateLimit: { max: 3, perMs: 3_600_000 },
        cooldownMs: 3_600_000,
      }),
    ];
    const one = new Runner({ rules: rules(spec()), context: context(), onRecord: (r) => first.push(r), newId });
    const subjects = burst(4);
    for (const s of subjects.slice(0, 2)) one.submit(s);
    await one.drain();
    assert.equal(action.calls.length, 2);
    // A new invocation, ten minutes later, given the first one's records.
    const later = new Date(NOW.getTime() + 600_000);
    const second: RunRecord[] = [];
    const two = new Runner({
      rules: rules(spec()),
      context: context({ now: () => later }),
      onRecord: (r) => second.push(r),
      newId,
    });
    two.seed(first);
    for (const s of subjects) two.submit(s);
    // The same pod again under a new alert id: in its cooldown.
    const [firstPod] = subjects;
    assert.ok(firstPod);
    two.submit({ ...firstPod, id: 'new-alert-same-pod' });
    await two.drain();
    // burst-0 and burst-1 were handled; of the limit of 3 per hour, one place is left: burst-2.
    assert.deepEqual(
      action.calls.map((c) => c.subject),
      ['burst-0', 'burst-1', 'burst-2'],
    );
    assert.equal(two.stats.duplicates, 2);
    assert.deepEqual(
      second.filter((r) => r.result === 'skipped').map((r) => r.reason),
      ['rate limit: "test" allows 3 runs per 1h', 'cooldown: "test" acted on this target 10m ago (cooldown 1h)'],
    );
  });

  it('seeds only admitted runs in its own mode, counting each run and keeping failures open', async () => {
    const ok = recordingAction('notify:seed-ok', async (_, __, dryRun) => (dryRun ? 'planned' : 'applied'));
    const bad = recordingAction('notify:seed-bad', async () => {
      throw new ActionError('HTTP 400');
    });
    const labelled = (over: Partial<Automation>): Automation =>
      automation({
        steps: [{ action: ok, params: {}, continue: false }],
        rateLimit: { max: 3, perMs: 3_600_000 },
        ...over,
      });
    const history: RunRecord[] = [];
    const subjects = burst(6);
    const [s0, s1, s2, s3, s4, s5] = subjects;
    assert.ok(s0 && s1 && s2 && s3 && s4 && s5);
    // 1. A dry-run of the same automation: says nothing about what an apply run did.
    const dry = new Runner({
      rules: rules([labelled({})]),
      context: context(),
      forceDryRun: true,
      onRecord: (r) => history.push(r),
      newId,
    });
    dry.submit(s0);
    await dry.drain();
    // 2. A failed run (its second step is recorded skipped): its subject stays open.
    const failing = new Runner({
      rules: rules([
        labelled({
          steps: [
            { action: bad, params: {}, continue: false },
            { action: ok, params: {}, continue: false },
          ],
        }),
      ]),
      context: context(),
      onRecord: (r) => history.push(r),
      newId,
      batchId: 'batch-serve',
    });
    failing.submit(s1);
    await failing.drain();
    // 3. Two admitted runs of one subject in one batch (serve mode: one batch id): both count.
    failing.submit(s1);
    await failing.drain();
    // 4. Label mismatches are not admitted runs.
    const mismatch = new Runner({
      rules: rules([labelled({ trigger: { on: 'alerts', labels: { app: 'web' } } })]),
      context: context({
        kube: async () => ({
          get: async (ref) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: ref.name, labels: { app: 'db' } } }),
          list: async () => [],
          patch: async () => assert.fail('no patch'),
          create: async () => assert.fail('no create'),
          delete: async () => false,
        }),
      }),
      onRecord: (r) => history.push(r),
      newId,
    });
    mismatch.submit(s2);
    mismatch.submit(s3);
    await mismatch.drain();
    assert.equal(history.filter((r) => r.execution !== undefined).length, 1 + 2 * 2);
    // The apply runner after all that: s0 and s1 are open; the limit of 3 has 1 place left
    // (the two failed runs of s1 took two).
    const next = new Runner({ rules: rules([labelled({})]), context: context(), newId });
    next.seed([...history].reverse());
    for (const s of [s0, s1, s4]) next.submit(s);
    await next.drain();
    assert.deepEqual(
      ok.calls.filter((c) => !c.dryRun).map((c) => c.subject),
      ['burst-0'],
    );
    assert.equal(next.stats.duplicates, 0);
    assert.equal(next.stats.limited, 2);
  });

  it('keeps the cooldown of a run on the target the subject names when the action acted on another object', async () => {
    const owner = defineAction<unknown>({
      meta: {
        id: 'notify:owner',
        slug: 'owner',
        provider: 'notify',
        title: 'Acts on the owner',
        description: 'Reports its target as the Deployment that owns the pod.',
        targets: ['kubernetes'],
        undoable: false,
        disruptive: false,
        permissions: {},
      },
      params: z.unknown(),
      async run() {
        return {
          result: 'applied',
          reason: 'scaled',
          target: {
            type: 'kubernetes',
            ref: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web' },
          },
        };
      },
    });
    const history: RunRecord[] = [];
    const spec = [automation({ steps: [{ action: owner, params: {}, continue: false }], cooldownMs: 3_600_000 })];
    const first = new Runner({ rules: rules(spec), context: context(), onRecord: (r) => history.push(r), newId });
    const [pod] = burst(1);
    assert.ok(pod);
    first.submit(pod);
    await first.drain();
    assert.equal(history[0]?.target.type === 'kubernetes' && history[0].target.kind, 'Deployment');
    const second = new Runner({ rules: rules(spec), context: context(), newId });
    second.seed(history);
    second.submit({ ...pod, id: 'another-alert-on-the-same-pod' });
    await second.drain();
    assert.equal(second.stats.cooldown, 1);
  });

  it('honours a long Retry-After beyond the backoff cap', async () => {
    const waits: number[] = [];
    let failures = 1;
    const action = recordingAction('notify:retry-after', async () => {
      if (failures-- > 0) throw new ActionError('HTTP 429', { transient: true, retryAfterMs: 120_000 });
      return 'applied';
    });
    const runner = new Runner({
      rules: rules([automation({ steps: [{ action, params: {}, continue: false }] })]),
      context: context(),
      maxBackoffMs: 30_000,
      sleep: async (ms) => {
        waits.push(ms);
      },
      newId,
    });
    const [a] = burst(1);
    assert.ok(a);
    runner.submit(a);
    await runner.drain();
    assert.deepEqual(waits, [120_000]);
  });

  it('undoes a run by id or a whole batch, once, and records each undo', async () => {
    const action = recordingAction('notify:undoable', async () => 'applied');
    const file = join(dir, 'undo.jsonl');
    const audit = new AuditLog(file);
    const runner = new Runner({
      rules: rules([automation({ steps: [{ action, params: {}, continue: false }] })]),
      context: context(),
      audit,
      newId,
      batchId: 'batch-undo',
    });
    for (const s of burst(3)) runner.submit(s);
    await runner.drain();
    audit.close();
    const applied = readAuditLog(file).records;
    assert.equal(applied.length, 3);
    const lookup = (id: string) => (id === action.meta.id ? action : undefined);
    const [first, second, third] = applied;
    assert.ok(first && second && third);
    const log = new AuditLog(file);
    const one = await undoRuns({ id: first.runId, auditFile: file, context: context(), audit: log, newId, lookup });
    assert.deepEqual(
      one.map((r) => [r.result, r.reason, r.undoOf, r.action]),
      [['applied', 'restored x', first.runId, 'notify:undoable']],
    );
    assert.equal(one[0]?.undo, undefined);
    // Again: already undone.
    const again = await undoRuns({ id: first.runId, auditFile: file, context: context(), audit: log, newId, lookup });
    assert.deepEqual(
      again.map((r) => [r.result, r.reason]),
      [['skipped', `run ${first.runId} was already undone`]],
    );
    // The batch: newest first; the one already undone is skipped.
    const batch = await undoRuns({ id: 'batch-undo', auditFile: file, context: context(), audit: log, newId, lookup });
    assert.deepEqual(
      batch.map((r) => [r.undoOf, r.result]),
      [
        [third.runId, 'applied'],
        [second.runId, 'applied'],
        [first.runId, 'skipped'],
      ],
    );
    // Without the action in the registry: reported, not thrown.
    const unknown = await undoRuns({ id: second.runId, auditFile: file, context: context(), audit: log, newId });
    assert.deepEqual(
      unknown.map((r) => [r.result, r.reason]),
      [['failed', 'unknown action "notify:undoable"']],
    );
    log.close();
    await assert.rejects(
      undoRuns({ id: 'run-nope', auditFile: file, context: context(), newId }),
      /no run or batch "run-nope"/,
    );
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    assert.equal(lines.length, 3 + 1 + 1 + 3 + 1);
  });
});
