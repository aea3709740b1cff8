/**
 * Meta-test of the built-in rule pack: it compiles cleanly, every rule is documented (MITRE,
 * remediation), and every rule has hit and miss fixtures (audit.k8s.io/v1 or Falco JSON under
 * test/fixtures/threats/rules/<id>/) that fire exactly that rule, or do not fire it, through the
 * real event reader and createEngine.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type CompiledRule, compileRuleFiles, createEngine, type Match } from '../engine/index.ts';
import { loadRuleFile, type RuleFile } from '../engine/schema.ts';
import { AuditEvent, type ThreatEvent } from '../event.ts';
import { readEvents } from '../inputs/index.ts';
import { BUILTIN_RULE_DIR, builtinRuleFiles } from './index.ts';

const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/threats/rules/', import.meta.url));

const files = builtinRuleFiles();
const loaded = files.map((file) => loadRuleFile(readFileSync(file, 'utf8'), file));
const ruleFiles: RuleFile[] = loaded.map((l) => l.value);
const compiled = compileRuleFiles(ruleFiles);
const rules: readonly CompiledRule[] = compiled.value.rules;

function fixtureFiles(id: string, kind: 'hit' | 'miss'): string[] {
  const dir = join(FIXTURES, id, kind);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => n.endsWith('.json') || n.endsWith('.jsonl'))
    .sort()
    .map((n) => join(dir, n));
}

/**
 * The pack a rule's fixtures run with: the built-in pack, plus the fixture folder's `rules.yaml`
 * when it has one (a rule whose list ships empty, such as anonymizer_networks, is shown configured).
 */
function packFor(id: string): readonly CompiledRule[] {
  const extra = join(FIXTURES, id, 'rules.yaml');
  if (!existsSync(extra)) return rules;
  const user = loadRuleFile(readFileSync(extra, 'utf8'), extra);
  assert.deepEqual(user.diagnostics, [], `${extra} should load cleanly`);
  const extended = compileRuleFiles([...ruleFiles, user.value]);
  assert.deepEqual(extended.diagnostics, [], `${extra} should compile cleanly with the pack`);
  return extended.value.rules;
}

/** Feeds one fixture file through the event reader and a fresh engine holding the whole pack. */
async function run(file: string, pack: readonly CompiledRule[] = rules): Promise<{ matches: Match[]; events: number }> {
  const engine = createEngine(pack);
  const stream = readEvents([file]);
  const matches: Match[] = [];
  let events = 0;
  for await (const event of stream) {
    events++;
    matches.push(...engine.evaluate(event));
  }
  assert.deepEqual(stream.diagnostics, [], `${file} should be a valid event file`);
  assert.deepEqual(engine.diagnostics, [], `no rule should fail to evaluate on ${file}`);
  return { matches, events };
}

describe('built-in rule pack', () => {
  it('lists its rule files as sorted absolute paths inside BUILTIN_RULE_DIR', () => {
    assert.ok(files.length >= 8, `expected the themed files, got ${files.join(', ')}`);
    assert.deepEqual([...files].sort(), files);
    for (const f of files) {
      assert.ok(f.startsWith(BUILTIN_RULE_DIR) && f.endsWith('.yaml'), f);
    }
  });

  it('loads and compiles with no diagnostics', () => {
    assert.deepEqual(
      loaded.flatMap((l) => l.diagnostics),
      [],
    );
    assert.deepEqual(compiled.diagnostics, []);
    assert.deepEqual(compiled.value.disabled, []);
  });

  it('has at least 35 rules', () => {
    assert.ok(rules.length >= 35, `only ${rules.length} rules`);
  });

  it('uses unique PAL-TD-NNNN ids across all files', () => {
    const ids = ruleFiles.flatMap((f) => f.rules.map((r) => r.spec.id));
    assert.equal(new Set(ids).size, ids.length, `duplicate ids: ${ids.filter((id, i) => ids.indexOf(id) !== i)}`);
    for (const id of ids) assert.match(id, /^PAL-TD-\d{4}$/);
    assert.equal(ids.length, rules.length);
  });

  it('documents every rule: MITRE tactic and technique, remediation, description, output', () => {
    for (const { spec } of rules) {
      assert.match(spec.mitre.tactic, /^TA\d{4}$/, spec.id);
      assert.match(spec.mitre.technique, /^T\d{4}(\.\d{3})?$/, spec.id);
      assert.ok((spec.remediation ?? '').length >= 20, `${spec.id} needs a remediation`);
      assert.ok(spec.description.length >= 30, `${spec.id} needs a description`);
      assert.ok(spec.output.includes('{'), `${spec.id} output should render event fields`);
    }
  });

  it('has hit and miss fixtures for every rule, and no fixture folder without a rule', () => {
    const ids = new Set(rules.map((r) => r.spec.id));
    for (const id of ids) {
      assert.ok(fixtureFiles(id, 'hit').length > 0, `${id} has no hit fixture`);
      assert.ok(fixtureFiles(id, 'miss').length > 0, `${id} has no miss fixture`);
    }
    for (const dir of readdirSync(FIXTURES)) assert.ok(ids.has(dir), `fixture folder ${dir} names no rule`);
  });

  describe('hit fixtures fire exactly their rule, once', () => {
    for (const rule of rules) {
      for (const file of fixtureFiles(rule.spec.id, 'hit')) {
        it(`${rule.spec.id} ${rule.spec.title}: ${file.slice(FIXTURES.length)}`, async () => {
          const { matches, events } = await run(file, packFor(rule.spec.id));
          assert.ok(events > 0, 'fixture holds no events');
          assert.deepEqual(
            matches.map((m) => m.ruleId),
            [rule.spec.id],
          );
          const [m] = matches;
          assert.equal(m?.severity, rule.spec.severity);
          assert.doesNotMatch(m?.output ?? '', /<\?>/, 'output placeholders should all render');
          if (rule.spec.window) assert.equal(m?.window?.kind, rule.spec.window.kind);
        });
      }
    }
  });

  describe('miss fixtures do not fire their rule', () => {
    for (const rule of rules) {
      for (const file of fixtureFiles(rule.spec.id, 'miss')) {
        it(`${rule.spec.id}: ${file.slice(FIXTURES.length)}`, async () => {
          const { matches, events } = await run(file, packFor(rule.spec.id));
          assert.ok(events > 0, 'fixture holds no events');
          assert.deepEqual(
            matches.filter((m) => m.ruleId === rule.spec.id),
            [],
          );
        });
      }
    }
  });

  it('keeps the candidate rules per ordinary `get pods` event small (pre-filter index)', (t) => {
    const engine = createEngine(rules);
    const users = ['jane@example.com', 'system:serviceaccount:shop:web', 'system:kube-scheduler'];
    const verbs = ['get', 'list', 'watch'];
    const namespaces = ['shop', 'payments', 'kube-system'];
    let n = 0;
    let matched = 0;
    for (const username of users) {
      for (const verb of verbs) {
        for (const ns of namespaces) {
          n++;
          const event = AuditEvent.parse({
            apiVersion: 'audit.k8s.io/v1',
            kind: 'Event',
            level: 'Metadata',
            auditID: `get-pods-${n}`,
            stage: 'ResponseComplete',
            requestURI: verb === 'get' ? `/api/v1/namespaces/${ns}/pods/web-1` : `/api/v1/namespaces/${ns}/pods`,
            verb,
            user: { username, groups: ['system:authenticated'] },
            sourceIPs: ['10.20.0.15'],
            userAgent: 'kubectl/v1.30.2 (linux/amd64) kubernetes/3968350',
            objectRef: {
              resource: 'pods',
              namespace: ns,
              apiVersion: 'v1',
              ...(verb === 'get' ? { name: 'web-1' } : {}),
            },
            responseStatus: { code: 200 },
          });
          const ev: ThreatEvent = {
            kind: 'audit',
            event,
            time: Date.UTC(2026, 10, 20, 10, 0, n),
            location: { file: 'x' },
          };
          matched += engine.evaluate(ev).length;
        }
      }
    }
    const average = engine.stats.candidatesTested / engine.stats.events;
    t.diagnostic(`${rules.length} rules; ordinary pod reads test ${average.toFixed(2)} candidate rules on average`);
    assert.equal(matched, 0, 'ordinary pod reads should raise nothing');
    assert.ok(average <= 6, `pre-filter admits ${average} rules per get-pods event`);
    assert.ok(average < rules.length / 5);
  });

  it('ships anonymizer_networks empty: PAL-TD-0046 fires only once a rule file fills it', async () => {
    const file = join(FIXTURES, 'PAL-TD-0046/hit/tor-exit-v4.json');
    assert.deepEqual((await run(file)).matches, []);
    assert.deepEqual(
      (await run(file, packFor('PAL-TD-0046'))).matches.map((m) => m.ruleId),
      ['PAL-TD-0046'],
    );
  });

  it('lets a user file extend the named lists', async () => {
    const user = loadRuleFile(
      'lists:\n  expected_secret_readers: [jane@example.com]\n  unusual_user_agents: [kubectl/]\n',
      'user.yaml',
    );
    assert.deepEqual(user.diagnostics, []);
    const extended = compileRuleFiles([...ruleFiles, user.value]);
    assert.deepEqual(extended.diagnostics, []);
    const secrets = await run(join(FIXTURES, 'PAL-TD-0030/hit/list-all-secrets.json'), extended.value.rules);
    // jane is now an expected secret reader, but her kubectl user agent is now "unusual".
    assert.deepEqual(
      secrets.matches.map((m) => m.ruleId),
      ['PAL-TD-0043'],
    );
  });

  it('reports malformed request objects as rule diagnostics without throwing', () => {
    const engine = createEngine(rules);
    const event = AuditEvent.parse({
      apiVersion: 'audit.k8s.io/v1',
      kind: 'Event',
      level: 'RequestResponse',
      auditID: 'bad-pod',
      stage: 'ResponseComplete',
      requestURI: '/api/v1/namespaces/shop/pods',
      verb: 'create',
      user: { username: 'jane@example.com', groups: ['system:authenticated'] },
      objectRef: { resource: 'pods', namespace: 'shop', apiVersion: 'v1' },
      responseStatus: { code: 201 },
      requestObject: { kind: 'Pod', spec: { containers: 'not-a-list', volumes: 7, hostPID: 'yes' } },
    });
    const matches = engine.evaluate({ kind: 'audit', event, time: 0, location: { file: 'bad.json', line: 1 } });
    assert.deepEqual(matches, []);
    assert.ok(engine.diagnostics.length > 0);
    for (const d of engine.diagnostics) {
      assert.equal(d.code, 'rules.eval-error');
      assert.match(d.message, /PAL-TD-\d{4}.*bad\.json:1/);
    }
  });
});
