import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { ThreatEvent } from '../event.ts';
import { AuditEvent } from '../event.ts';
import { compileRuleFiles } from './compile.ts';
import { createEngine, type Engine } from './engine.ts';
import { loadRuleFile, type RuleFile } from './schema.ts';

const FIX = new URL('../../../test/fixtures/threats/engine/', import.meta.url);

function loadFixture(name: string): RuleFile {
  const file = new URL(name, FIX);
  const loaded = loadRuleFile(readFileSync(file, 'utf8'), `fixtures/${name}`);
  assert.deepEqual(loaded.diagnostics, [], `${name} should load cleanly`);
  return loaded.value;
}

function events(): ThreatEvent[] {
  const lines = readFileSync(new URL('events.jsonl', FIX), 'utf8').split('\n').filter(Boolean);
  return lines.map((line, i) => {
    const event = AuditEvent.parse(JSON.parse(line));
    return {
      kind: 'audit',
      event,
      time: Date.parse(event.stageTimestamp ?? ''),
      location: { file: 'events.jsonl', line: i + 1 },
    };
  });
}

function engineFor(...names: string[]): Engine {
  const compiled = compileRuleFiles(names.map(loadFixture));
  assert.deepEqual(compiled.diagnostics, []);
  return createEngine(compiled.value.rules);
}

/** An audit event built from the audit.k8s.io/v1 fields the rules read. */
function audit(
  verb: string,
  resource: string,
  user: string,
  time: number,
  extra: { namespace?: string; subresource?: string; code?: number; stage?: AuditEvent['stage'] } = {},
): ThreatEvent {
  const event = AuditEvent.parse({
    apiVersion: 'audit.k8s.io/v1',
    kind: 'Event',
    level: 'Metadata',
    auditID: `id-${time}-${user}`,
    stage: extra.stage ?? 'ResponseComplete',
    requestURI: `/api/v1/namespaces/${extra.namespace ?? 'default'}/${resource}/x`,
    verb,
    user: { username: user, groups: ['system:authenticated'] },
    objectRef: {
      resource,
      namespace: extra.namespace ?? 'default',
      name: 'x',
      apiVersion: 'v1',
      ...(extra.subresource ? { subresource: extra.subresource } : {}),
    },
    responseStatus: { code: extra.code ?? 200 },
  });
  return { kind: 'audit', event, time, location: { file: 'generated', line: time } };
}

describe('rule files', () => {
  it('refuses rules that do not compile, naming file, line and the CEL error, and keeps the rest', () => {
    const loaded = loadRuleFile(readFileSync(new URL('bad.yaml', FIX), 'utf8'), 'bad.yaml');
    assert.equal(loaded.diagnostics.length, 1);
    const schemaDiag = loaded.diagnostics[0];
    assert.equal(schemaDiag?.code, 'rules.invalid-rule');
    assert.equal(schemaDiag?.location.line, 37);
    assert.match(schemaDiag?.message ?? '', /rule BAD-1 refused: .*id: must look like PAL-TD-0001.*severity/);

    const compiled = compileRuleFiles([loaded.value]);
    assert.deepEqual(
      compiled.value.rules.map((r) => r.spec.id),
      ['PAL-TD-0101'],
    );
    const byLine = new Map(compiled.diagnostics.map((d) => [d.location.line, d]));
    assert.deepEqual([...byLine.keys()], [13, 21, 29, 45, 53]);
    for (const d of compiled.diagnostics) {
      assert.equal(d.code, 'rules.compile');
      assert.equal(d.location.file, 'bad.yaml');
    }
    assert.match(
      byLine.get(13)?.message ?? '',
      /^bad\.yaml:13: rule PAL-TD-0102 condition: CEL error: Unexpected token: EOF/,
    );
    assert.match(byLine.get(21)?.message ?? '', /PAL-TD-0103 .*no matching overload for 'nosuchfn/);
    assert.match(byLine.get(29)?.message ?? '', /macro cycle: loop_a -> loop_b -> loop_a/);
    assert.match(byLine.get(45)?.message ?? '', /output: unclosed "\{"/);
    assert.match(byLine.get(53)?.message ?? '', /type string, expected bool/);
  });

  it('reports YAML syntax errors with a line and loses nothing silently', () => {
    const loaded = loadRuleFile('rules:\n  - id: PAL-TD-0001\n    title: [unclosed\n', 'broken.yaml');
    assert.equal(loaded.value.rules.length, 0);
    assert.equal(loaded.diagnostics[0]?.code, 'yaml.syntax');
    assert.equal(loaded.diagnostics[0]?.location.file, 'broken.yaml');
    assert.ok((loaded.diagnostics[0]?.location.line ?? 0) >= 3);
  });

  it('refuses lists and macros that shadow activation variables', () => {
    const loaded = loadRuleFile('lists:\n  user: [a]\nmacros:\n  verb: "true"\n', 'shadow.yaml');
    const compiled = compileRuleFiles([loaded.value]);
    assert.deepEqual(
      compiled.diagnostics.map((d) => [d.code, d.location.line]),
      [
        ['rules.reserved-name', 2],
        ['rules.reserved-name', 4],
      ],
    );
  });
});

describe('engine', () => {
  it('matches exec, privileged pods over nested fields, and renders output templates', () => {
    const engine = engineFor('builtin.yaml');
    const [exec, privileged, get] = events();
    assert.ok(exec && privileged && get);
    const m1 = engine.evaluate(exec);
    assert.deepEqual(
      m1.map((m) => [m.ruleId, m.severity, m.output]),
      [['PAL-TD-0001', 'high', 'Exec into shop/web-7d4b9c by mallory from 10.0.0.7 (code=101) {ok}']],
    );
    const m2 = engine.evaluate(privileged);
    assert.deepEqual(
      m2.map((m) => [m.ruleId, m.output]),
      [['PAL-TD-0002', 'Privileged pod shop/debug created by mallory']],
    );
    assert.deepEqual(engine.evaluate(get), []);
  });

  it('tests each event only against candidate rules from the index', () => {
    const engine = engineFor('builtin.yaml');
    const get = events()[2];
    assert.ok(get);
    for (let i = 0; i < 100; i++) engine.evaluate(get);
    assert.equal(engine.stats.events, 100);
    assert.equal(engine.stats.candidatesTested, 0);
    assert.equal(engine.stats.rules.get('PAL-TD-0001')?.evaluated, 0);
    // pods/exec create is evaluated only by the exec rule, not by the plain `pods` create rule.
    const exec = events()[0];
    assert.ok(exec);
    engine.evaluate(exec);
    assert.equal(engine.stats.candidatesTested, 1);
    assert.equal(engine.stats.rules.get('PAL-TD-0002')?.evaluated, 0);
    // apiGroups: a `pods` create in another API group is not a candidate for PAL-TD-0002.
    const other = audit('create', 'pods', 'x', 1);
    assert.equal(other.kind, 'audit');
    if (other.kind === 'audit') {
      const moved: ThreatEvent = {
        ...other,
        event: { ...other.event, objectRef: { ...other.event.objectRef, apiGroup: 'example.io' } },
      };
      engine.evaluate(moved);
    }
    assert.equal(engine.stats.rules.get('PAL-TD-0002')?.evaluated, 0);
  });

  it('lists (extended by a user file), exceptions and overrides', () => {
    const engine = engineFor('builtin.yaml', 'user.yaml');
    const at = (user: string): ThreatEvent => audit('create', 'pods', user, 1, { subresource: 'exec' });
    assert.deepEqual(engine.evaluate(at('alice')), [], 'alice is in the built-in list');
    assert.deepEqual(engine.evaluate(at('bob')), [], 'bob was appended by the user file');
    assert.deepEqual(engine.evaluate(at('system:serviceaccount:ci:runner')), [], 'built-in exception');
    assert.deepEqual(engine.evaluate(at('carol')), [], 'user-appended field/values exception');
    const hit = engine.evaluate(at('mallory'));
    assert.deepEqual(
      hit.map((m) => [m.ruleId, m.severity]),
      [['PAL-TD-0001', 'medium']],
      'severity overridden',
    );
    assert.equal(engine.stats.rules.get('PAL-TD-0001')?.excepted, 2);
    assert.equal(engine.stats.rules.has('PAL-TD-0004'), false, 'disabled by override');
    // The user's own rule uses a built-in macro and a non-default stage.
    const proxy = events()[4];
    assert.ok(proxy);
    assert.deepEqual(
      engine.evaluate(proxy).map((m) => m.output),
      ['node proxy node-1 via system:serviceaccount:monitoring:scraper'],
    );
  });

  it('count window fires once per crossing and expires old events', () => {
    const engine = engineFor('builtin.yaml');
    const read = (user: string, t: number, ns = 'shop'): number =>
      engine.evaluate(audit('get', 'secrets', user, t, { namespace: ns })).length;
    const s = 1000;
    assert.equal(read('eve', 0), 0);
    assert.equal(read('eve', 10 * s), 0);
    assert.equal(read('kube', 11 * s, 'kube-system'), 0, 'condition false: not counted');
    const fired = engine.evaluate(audit('get', 'secrets', 'eve', 20 * s, { namespace: 'shop' }));
    assert.deepEqual(fired[0]?.window, { kind: 'count', key: 'eve', count: 3, threshold: 3, durationMs: 60_000 });
    assert.equal(read('eve', 21 * s), 0, 'still above threshold: same crossing');
    assert.equal(read('eve', 22 * s), 0);
    // 0s..22s expire after a minute: at 100s only this event counts; two more needed.
    assert.equal(read('eve', 100 * s), 0);
    assert.equal(read('eve', 101 * s), 0);
    assert.equal(read('eve', 102 * s), 1, 'second crossing fires again');
    // Spread-out reads never reach the threshold.
    for (let i = 0; i < 10; i++) assert.equal(read('slow', i * 40 * s), 0);
    assert.equal(engine.stats.rules.get('PAL-TD-0003')?.windowKeys, 2);
  });

  it('first-seen fires on the first occurrence after learning', () => {
    const engine = engineFor('builtin.yaml');
    const h = 3_600_000;
    const cm = (user: string, t: number): string[] =>
      engine.evaluate(audit('get', 'configmaps', user, t)).map((m) => m.output);
    assert.deepEqual(cm('old-timer', 0), []);
    assert.deepEqual(cm('old-timer', h / 2), []);
    assert.deepEqual(cm('old-timer', 2 * h), [], 'learned during the learning period');
    assert.deepEqual(cm('newcomer', 2 * h), ['first configmap read by newcomer in default']);
    assert.deepEqual(cm('newcomer', 3 * h), [], 'fires only once');
  });

  it('caps window keys and counts evictions', () => {
    const compiled = compileRuleFiles([loadFixture('builtin.yaml')]);
    const engine = createEngine(compiled.value.rules, { maxKeysPerRule: 5 });
    for (let i = 0; i < 20; i++) engine.evaluate(audit('get', 'secrets', `u${i}`, i));
    const st = engine.stats.rules.get('PAL-TD-0003');
    assert.equal(st?.windowKeys, 5);
    assert.equal(st?.evictions, 15);
    // Keys idle longer than the window are swept, not counted as evictions.
    engine.evaluate(audit('get', 'secrets', 'late', 10 * 60_000));
    assert.equal(st?.evictions, 15);
    assert.equal(st?.windowKeys, 1);
  });

  it('reports a rule that throws once, counts later errors, and keeps other rules running', () => {
    const engine = engineFor('builtin.yaml');
    const del = events()[3];
    assert.ok(del);
    for (let i = 0; i < 3; i++) assert.deepEqual(engine.evaluate(del), []);
    assert.equal(engine.diagnostics.length, 1);
    assert.equal(engine.diagnostics[0]?.code, 'rules.eval-error');
    assert.match(
      engine.diagnostics[0]?.message ?? '',
      /PAL-TD-0005 \(fixtures\/builtin\.yaml:\d+\) condition failed on event at events\.jsonl:4: No such key: annotations/,
    );
    assert.equal(engine.stats.rules.get('PAL-TD-0005')?.errors, 3);
    assert.equal(engine.evaluate(events()[0] as ThreatEvent).length, 1, 'other rules unaffected');
  });

  it('evaluates falco rules only on Falco events', () => {
    const yaml = `rules:
  - id: PAL-TD-0201
    title: Shell in container
    description: Falco saw a shell spawned in a container.
    severity: high
    maturity: stable
    mitre: { tactic: TA0002, technique: T1059.004 }
    source: falco
    condition: falco.rule == "Terminal shell in container" && ns != "dev"
    output: '{falco.output_fields["proc.cmdline"]} in {ns}/{name}'
`;
    const loaded = loadRuleFile(yaml, 'falco.yaml');
    assert.deepEqual(loaded.diagnostics, []);
    const compiled = compileRuleFiles([loadFixture('builtin.yaml'), loaded.value]);
    assert.deepEqual(compiled.diagnostics, []);
    const engine = createEngine(compiled.value.rules);
    const falco: ThreatEvent = {
      kind: 'falco',
      falco: {
        time: '2026-11-20T10:00:00.000000000Z',
        rule: 'Terminal shell in container',
        priority: 'Notice',
        output: 'A shell was spawned in a container with an attached terminal',
        source: 'syscall',
        output_fields: { 'k8s.ns.name': 'shop', 'k8s.pod.name': 'web-1', 'proc.cmdline': 'bash -i' },
      },
      time: Date.parse('2026-11-20T10:00:00Z'),
      location: { file: 'falco.jsonl', line: 1 },
    };
    assert.deepEqual(
      engine.evaluate(falco).map((m) => [m.ruleId, m.output]),
      [['PAL-TD-0201', 'bash -i in shop/web-1']],
    );
    assert.equal(engine.stats.candidatesTested, 1, 'no audit rule tested on a Falco event');
    engine.evaluate(events()[0] as ThreatEvent);
    assert.equal(engine.stats.rules.get('PAL-TD-0201')?.evaluated, 1, 'falco rule not tested on audit events');
    assert.match(engine.explain(events()[0] as ThreatEvent, 'PAL-TD-0201').prefilter.reason, /for falco events/);
  });

  it('explains each stage for match and no-match', () => {
    const engine = engineFor('builtin.yaml', 'user.yaml');
    const [exec, , get, del] = events();
    assert.ok(exec && get && del);
    const yes = engine.explain(exec, 'PAL-TD-0001');
    assert.equal(yes.matched, true);
    assert.equal(yes.prefilter.result, 'matched');
    assert.equal(yes.condition.result, 'matched');
    assert.deepEqual(
      yes.exceptions.map((e) => [e.name, e.result]),
      [
        ['ci-runner', 'not-matched'],
        ['oncall', 'not-matched'],
      ],
    );
    assert.equal(yes.window.detail, 'no window');

    const pre = engine.explain(get, 'PAL-TD-0001');
    assert.deepEqual([pre.prefilter.result, pre.condition.result, pre.matched], ['not-matched', 'skipped', false]);
    assert.match(pre.prefilter.reason, /verb get not in \[create\]/);

    const err = engine.explain(del, 'PAL-TD-0005');
    assert.equal(err.condition.result, 'error');
    assert.match(err.condition.error ?? '', /No such key: annotations/);

    const carol = engine.explain(audit('create', 'pods', 'carol', 1, { subresource: 'exec' }), 'PAL-TD-0001');
    assert.deepEqual(
      carol.exceptions.map((e) => e.result),
      ['not-matched', 'matched'],
    );
    assert.equal(carol.matched, false);

    const failed = engine.explain(audit('create', 'pods', 'x', 1, { subresource: 'exec', code: 403 }), 'PAL-TD-0001');
    assert.equal(failed.condition.result, 'not-matched');

    // Window explanation does not change state.
    const secretRead = audit('get', 'secrets', 'eve', 5);
    for (let i = 0; i < 5; i++) {
      const w = engine.explain(secretRead, 'PAL-TD-0003');
      assert.equal(w.window.result, 'not-matched');
      assert.match(w.window.detail, /count 1\/3/);
    }
    engine.evaluate(secretRead);
    engine.evaluate(secretRead);
    const third = engine.explain(secretRead, 'PAL-TD-0003');
    assert.deepEqual([third.window.result, third.matched], ['matched', true]);

    assert.equal(engine.explain(get, 'PAL-TD-0004').found, false, 'disabled rule');
  });
});
