import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '#core';
import { parseAutomationRules } from './rules.ts';

const VALID = `# two automations
limits:
  global: { max: 50, per: 1m }
  concurrency: 2
automations:
  - name: isolate-exec
    description: Isolate pods someone opened a shell in.
    mode: apply
    trigger:
      on: alerts
      ids: [PAL-TD-0001, PAL-TD-00*]
      minSeverity: medium
      namespaces: [shop, prod-*]
    actions:
      - action: kubernetes:isolate-pod
      - action: notify:webhook
        params: { url: "https://siem.example.com/hook" }
        continue: true
    rateLimit: { max: 10, per: 1m }
    cooldown: 30m
  - name: fix-storage
    mode: dry-run
    trigger:
      on: findings
      ids: [PAL-AZR-01*]
      azure: { types: [Microsoft.Storage/storageAccounts] }
    actions:
      - action: azure:apply-remediation
`;

function problems(text: string): string {
  try {
    parseAutomationRules(text, 'rules.yaml');
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error.message;
  }
  assert.fail('expected the rules to be refused');
}

describe('automation rules', () => {
  it('parses a valid file with defaults, durations and source lines', () => {
    const rules = parseAutomationRules(VALID, 'rules.yaml');
    assert.deepEqual(rules.limits, { global: { max: 50, perMs: 60_000 }, concurrency: 2, retries: 3 });
    assert.equal(rules.automations.length, 2);
    const [isolate, fix] = rules.automations;
    assert.ok(isolate && fix);
    assert.equal(isolate.name, 'isolate-exec');
    assert.equal(isolate.mode, 'apply');
    assert.equal(isolate.enabled, true);
    assert.deepEqual(isolate.rateLimit, { max: 10, perMs: 60_000 });
    assert.equal(isolate.cooldownMs, 30 * 60_000);
    assert.deepEqual(isolate.source, { file: 'rules.yaml', line: 6 });
    assert.deepEqual(
      isolate.steps.map((s) => [s.action.meta.id, s.continue]),
      [
        ['kubernetes:isolate-pod', false],
        ['notify:webhook', true],
      ],
    );
    // Parameters come out of the action's schema, defaults filled in.
    assert.deepEqual(isolate.steps[0]?.params, { label: 'palisade.io/quarantine', policyName: 'palisade-quarantine' });
    assert.equal(fix.mode, 'dry-run');
    assert.deepEqual(fix.trigger.azure, { types: ['Microsoft.Storage/storageAccounts'] });
    assert.equal(fix.source.line, 21);
  });

  it('refuses a missing mode: there is no default', () => {
    const text = VALID.replace('    mode: apply\n', '');
    const message = problems(text);
    assert.match(
      message,
      /rules\.yaml:6: automations\[0\]\.mode: is required: "dry-run" or "apply" \(there is no default\)/,
    );
  });

  it('reports every problem of the file at once, each with its line', () => {
    const text = VALID.replace('kubernetes:isolate-pod', 'kubernetes:isolate-everything')
      .replace('"https://siem.example.com/hook"', '"http://siem.example.com/hook"')
      .replace('on: findings', 'on: alerts');
    const message = problems(text);
    const lines = message
      .split('\n')
      .slice(1)
      .map((l) => l.trim());
    assert.equal(lines.length, 4, message);
    assert.match(
      lines[0] ?? '',
      /^rules\.yaml:15: automations\[0\]\.actions\[0\]\.action: unknown action "kubernetes:isolate-everything" \(known: .*kubernetes:isolate-pod/,
    );
    assert.match(
      lines[1] ?? '',
      /^rules\.yaml:17: automations\[0\]\.actions\[1\]\.params\.url: notify:webhook: must use https/,
    );
    assert.match(
      lines[2] ?? '',
      /^rules\.yaml:26: automations\[1\]\.trigger\.azure: only findings are about Azure resources/,
    );
    assert.match(
      lines[3] ?? '',
      /^rules\.yaml:28: automations\[1\]\.actions\[0\]\.action: azure:apply-remediation acts on azure resources, which alerts do not name/,
    );
  });

  it('refuses an action that cannot act on what the trigger produces', () => {
    const text = `automations:
  - name: patch-on-alert
    mode: apply
    trigger: { on: alerts }
    actions:
      - action: azure:apply-remediation
`;
    assert.match(
      problems(text),
      /rules\.yaml:6: automations\[0\]\.actions\[0\]\.action: azure:apply-remediation acts on azure resources, which alerts do not name/,
    );
  });

  it('refuses unknown keys, bad durations, duplicate names and findings-only filters on alerts', () => {
    const text = `automations:
  - name: a
    mode: dry-run
    trigger: { on: alerts, tactics: [TA0002], includeSuppressed: true }
    actions: [{ action: notify:webhook, params: { url: "https://x.example.com" } }]
    cooldown: soon
    retry: 3
  - name: a
    mode: dry-run
    trigger: { on: findings, tactics: [TA0002] }
    actions: [{ action: notify:webhook, params: { url: "https://x.example.com" } }]
`;
    const message = problems(text);
    // zod reports the schema problems first; the semantic ones need a file that parses.
    assert.match(message, /automations\[0\]\.cooldown: invalid duration "soon"/);
    assert.match(message, /rules\.yaml:7: automations\[0\]\.retry: Unrecognized key/);
    const fixed = problems(text.replace('    cooldown: soon\n    retry: 3\n', ''));
    assert.match(fixed, /rules\.yaml:4: automations\[0\]\.trigger\.includeSuppressed: only findings can be suppressed/);
    assert.match(fixed, /rules\.yaml:6: automations\[1\]\.name: "a" is also the name of automation 1/);
    assert.match(fixed, /rules\.yaml:8: automations\[1\]\.trigger\.tactics: only alerts have MITRE tactics/);
  });

  it('names the place of a YAML syntax error', () => {
    assert.match(
      problems('automations:\n  - name: a\n    mode: [dry-run\n'),
      /^invalid automation rules:\n {2}rules\.yaml:\d+:\d+: invalid YAML/,
    );
  });

  it('refuses an empty file and an empty action list', () => {
    assert.match(problems(''), /automations: /);
    assert.match(
      problems('automations:\n  - name: a\n    mode: apply\n    trigger: { on: alerts }\n    actions: []\n'),
      /rules\.yaml:5: automations\[0\]\.actions: Too small/,
    );
  });
});
