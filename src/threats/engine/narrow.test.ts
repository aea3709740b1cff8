import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ThreatEvent } from '../event.ts';
import { AuditEvent } from '../event.ts';
import { compileRuleFiles } from './compile.ts';
import { createEngine, type Engine } from './engine.ts';
import { loadRuleFile } from './schema.ts';

const HEAD = `
    description: test rule
    severity: low
    maturity: stable
    mitre: { tactic: TA0007, technique: T1613 }
    output: "{user}"`;

/** Rules whose condition is `true`, so only the native `match` keys decide. */
const RULES = `
lists:
  tools: [Curl/, kube-hunter, curl.]
  anon_users: [system:anonymous]
  anon_groups: [system:unauthenticated]
rules:
  - id: PAL-TD-0901
    title: codes${HEAD}
    match: { codes: [401, 403] }
    condition: "true"
  - id: PAL-TD-0902
    title: identities${HEAD}
    match: { users: anon_users, groups: anon_groups }
    condition: "true"
  - id: PAL-TD-0903
    title: agents${HEAD}
    match: { userAgentContains: tools }
    condition: "true"
  - id: PAL-TD-0904
    title: impersonation${HEAD}
    match: { impersonated: true }
    condition: "true"
  - id: PAL-TD-0905
    title: literal values, all keys at once${HEAD}
    match: { verbs: [get], codes: [200], users: [alice], userAgentContains: [KUBECTL] }
    condition: "true"
`;

function engineFor(...texts: string[]): Engine {
  const files = texts.map((text, i) => {
    const loaded = loadRuleFile(text, `rules-${i}.yaml`);
    assert.deepEqual(loaded.diagnostics, []);
    return loaded.value;
  });
  const compiled = compileRuleFiles(files);
  assert.deepEqual(compiled.diagnostics, []);
  return createEngine(compiled.value.rules);
}

function audit(
  fields: {
    user?: string;
    groups?: string[];
    code?: number;
    userAgent?: string;
    impersonate?: string;
    verb?: string;
  } = {},
): ThreatEvent {
  const event = AuditEvent.parse({
    apiVersion: 'audit.k8s.io/v1',
    kind: 'Event',
    level: 'Metadata',
    auditID: 'a1',
    stage: 'ResponseComplete',
    requestURI: '/api/v1/namespaces/default/pods/x',
    verb: fields.verb ?? 'get',
    user: { username: fields.user ?? 'bob', groups: fields.groups ?? ['system:authenticated'] },
    ...(fields.impersonate ? { impersonatedUser: { username: fields.impersonate } } : {}),
    ...(fields.userAgent !== undefined ? { userAgent: fields.userAgent } : {}),
    objectRef: { resource: 'pods', namespace: 'default', name: 'x', apiVersion: 'v1' },
    ...(fields.code !== undefined ? { responseStatus: { code: fields.code } } : {}),
    stageTimestamp: '2026-11-23T10:00:00.000000Z',
  });
  return { kind: 'audit', event, time: 1, location: { file: 'test', line: 1 } };
}

const fired = (engine: Engine, ev: ThreatEvent): string[] =>
  engine
    .evaluate(ev)
    .map((m) => m.ruleId)
    .sort();

describe('native match keys (pre-filter before CEL)', () => {
  it('codes admit only the listed response codes (0 when absent)', () => {
    const engine = engineFor(RULES);
    assert.deepEqual(fired(engine, audit({ code: 403 })), ['PAL-TD-0901']);
    assert.deepEqual(fired(engine, audit({ code: 401 })), ['PAL-TD-0901']);
    assert.deepEqual(fired(engine, audit({ code: 200 })), []);
    assert.deepEqual(fired(engine, audit()), []);
  });

  it('users/groups admit a listed username or any listed group', () => {
    const engine = engineFor(RULES);
    assert.deepEqual(fired(engine, audit({ user: 'system:anonymous' })), ['PAL-TD-0902']);
    assert.deepEqual(fired(engine, audit({ groups: ['x', 'system:unauthenticated'] })), ['PAL-TD-0902']);
    assert.deepEqual(fired(engine, audit({ user: 'system:anonymous-not', groups: [] })), []);
  });

  it('userAgentContains matches fragments ASCII case-insensitively', () => {
    const engine = engineFor(RULES);
    assert.deepEqual(fired(engine, audit({ userAgent: 'curl/8.5.0' })), ['PAL-TD-0903']);
    assert.deepEqual(fired(engine, audit({ userAgent: 'KUBE-HUNTER 0.6' })), ['PAL-TD-0903']);
    assert.deepEqual(fired(engine, audit({ userAgent: 'kubectl/v1.30.2' })), []);
    assert.deepEqual(fired(engine, audit()), []);
    // Fragments are literal text, not patterns.
    assert.deepEqual(fired(engine, audit({ userAgent: 'curlx8' })), []);
  });

  it('impersonated: true admits only events with impersonatedUser', () => {
    const engine = engineFor(RULES);
    assert.deepEqual(fired(engine, audit({ impersonate: 'alice' })), ['PAL-TD-0904']);
    assert.deepEqual(fired(engine, audit()), []);
  });

  it('all keys must admit the event, together with the indexed keys', () => {
    const engine = engineFor(RULES);
    const ok = { user: 'alice', code: 200, userAgent: 'kubectl/v1.30.2' };
    assert.deepEqual(fired(engine, audit(ok)), ['PAL-TD-0905']);
    assert.deepEqual(fired(engine, audit({ ...ok, verb: 'list' })), []);
    assert.deepEqual(fired(engine, audit({ ...ok, code: 201 })), []);
    assert.deepEqual(fired(engine, audit({ ...ok, user: 'bob' })), []);
    assert.deepEqual(fired(engine, audit({ ...ok, userAgent: 'curl/8' })), ['PAL-TD-0903']);
  });

  it('skips CEL entirely for refused events and counts only admitted candidates', () => {
    const engine = engineFor(RULES);
    engine.evaluate(audit({ code: 200, userAgent: 'kubectl/v1.30.2' }));
    assert.equal(engine.stats.candidatesTested, 0);
    engine.evaluate(audit({ code: 403 }));
    assert.equal(engine.stats.candidatesTested, 1);
    assert.equal(engine.stats.rules.get('PAL-TD-0901')?.evaluated, 1);
  });

  it('explains a refusal by a native key', () => {
    const engine = engineFor(RULES);
    const no = engine.explain(audit({ code: 200 }), 'PAL-TD-0901');
    assert.equal(no.prefilter.result, 'not-matched');
    assert.match(no.prefilter.reason, /code 200 not in \[401, 403\]/);
    assert.equal(no.condition.result, 'skipped');
    const agent = engine.explain(audit({ userAgent: 'kubectl' }), 'PAL-TD-0903');
    assert.match(agent.prefilter.reason, /userAgent "kubectl" contains none/);
    const yes = engine.explain(audit({ impersonate: 'x' }), 'PAL-TD-0904');
    assert.equal(yes.prefilter.result, 'matched');
    assert.equal(yes.matched, true);
  });

  it('resolves named lists after user files extend them', () => {
    const engine = engineFor(RULES, 'lists:\n  tools: [Wget/]\n');
    assert.deepEqual(fired(engine, audit({ userAgent: 'Wget/1.21' })), ['PAL-TD-0903']);
  });

  it('refuses a rule naming an unknown list, with file and line, and keeps the others', () => {
    const bad = `\n  - id: PAL-TD-0906\n    title: bad${HEAD}\n    match: { users: no_such_list }\n    condition: "true"\n`;
    const loaded = loadRuleFile(RULES + bad, 'bad.yaml');
    assert.deepEqual(loaded.diagnostics, []);
    const compiled = compileRuleFiles([loaded.value]);
    assert.equal(compiled.diagnostics.length, 1);
    assert.match(compiled.diagnostics[0]?.message ?? '', /PAL-TD-0906: match refers to unknown list "no_such_list"/);
    assert.equal(compiled.diagnostics[0]?.location?.file, 'bad.yaml');
    assert.equal(compiled.value.rules.length, 5);
  });

  it('refuses malformed native keys when loading', () => {
    const loaded = loadRuleFile(
      `rules:\n  - id: PAL-TD-0907\n    title: bad${HEAD}\n    match: { codes: [], impersonated: false }\n    condition: "true"\n`,
      'bad.yaml',
    );
    assert.equal(loaded.value.rules.length, 0);
    assert.match(loaded.diagnostics[0]?.message ?? '', /match\.codes/);
    assert.match(loaded.diagnostics[0]?.message ?? '', /match\.impersonated/);
  });
});
