import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { startArmApi } from '#test/helpers/arm-api.ts';
import { cli, REPO } from '#test/helpers/cli.ts';
import { makeServingCerts, OPENSSL_SKIP } from '#test/helpers/tls.ts';
import { startWebhookReceiver, type WebhookReceiver } from '#test/helpers/webhook-receiver.ts';

const ALERTS = join(REPO, 'test/fixtures/automation/alerts.jsonl');
const REPORT = join(REPO, 'test/fixtures/automation/report.json');

describe('palisade automate', { skip: OPENSSL_SKIP }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-automate-cli-'));
  let hook: WebhookReceiver;
  let caFile: string;
  before(async () => {
    hook = await startWebhookReceiver();
    caFile = join(dir, 'ca.crt');
    writeFileSync(caFile, hook.ca);
  });
  after(async () => {
    await hook.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function rules(name: string, text: string): string {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  }

  it('notifies a webhook for each distinct alert, prints JSON records and appends the audit log', async () => {
    const file = rules(
      'notify.yaml',
      `automations:
  - name: tell-soc
    mode: apply
    trigger: { on: alerts, ids: [PAL-TD-0001] }
    actions:
      - action: notify:webhook
        params: { url: env:SOC_HOOK }
    rateLimit: { max: 2, per: 1h }
`,
    );
    const audit = join(dir, 'audit.jsonl');
    const before = hook.requests.length;
    const result = await cli(
      ['automate', '--rules', file, '--input', ALERTS, '--format', 'jsonl', '--audit-log', audit, '--ca-file', caFile],
      { env: { SOC_HOOK: `${hook.origin}/soc` } },
    );
    assert.equal(result.code, 0, result.err);
    const records = result.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    // Four PAL-TD-0001 alert records in the fixture, each a distinct alert: two run, two are over
    // the limit (those are decided, and printed, first: before any action has run).
    assert.deepEqual(
      records.map((r) => [r.rule, r.action, r.mode, r.result]),
      [
        ['tell-soc', 'notify:webhook', 'apply', 'skipped'],
        ['tell-soc', 'notify:webhook', 'apply', 'skipped'],
        ['tell-soc', 'notify:webhook', 'apply', 'applied'],
        ['tell-soc', 'notify:webhook', 'apply', 'applied'],
      ],
    );
    assert.equal(records[0]?.reason, 'rate limit: "tell-soc" allows 2 runs per 1h');
    assert.deepEqual(records[2]?.target, {
      type: 'kubernetes',
      apiVersion: 'v1',
      kind: 'Pod',
      namespace: 'shop',
      name: 'web-1',
    });
    for (const key of ['runId', 'batchId', 'time', 'trigger', 'params', 'reason', 'attempts', 'durationMs']) {
      assert.ok(key in (records[2] ?? {}), key);
    }
    const posted = hook.requests.slice(before);
    assert.equal(posted.length, 2);
    assert.equal(posted[0]?.path, '/soc');
    const body = posted[0]?.body as { rule: string; subject: { ruleId: string }; alert: { id: string } };
    assert.equal(body.rule, 'tell-soc');
    assert.equal(body.subject.ruleId, 'PAL-TD-0001');
    assert.deepEqual(records[2]?.params, { url: 'env:SOC_HOOK' });
    // The audit log holds the same records, and is appended to, never rewritten.
    assert.deepEqual(
      readFileSync(audit, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as unknown),
      records,
    );
    // A second invocation on the same log: the alerts it handled are not handled again, and the
    // rate limit (2 per hour) still holds.
    const again = await cli(['automate', '--rules', file, ALERTS, '--audit-log', audit, '--ca-file', caFile], {
      env: { SOC_HOOK: `${hook.origin}/soc` },
    });
    assert.equal(again.code, 0, again.err);
    assert.equal(hook.requests.length, before + 2);
    assert.match(
      again.err,
      /7 subjects, 4 matched; 0 applied, 0 planned, 2 skipped \(2 rate-limited, 0 in cooldown\), 0 failed; batch batch-/,
    );
    assert.equal(readFileSync(audit, 'utf8').trim().split('\n').length, 6);
    // --dry-run, on a log of its own: planned, nothing sent, printed as a table.
    const dry = await cli(['automate', '--rules', file, ALERTS, '--dry-run', '--audit-log', join(dir, 'dry.jsonl')], {
      env: { SOC_HOOK: `${hook.origin}/soc` },
    });
    assert.equal(dry.code, 0, dry.err);
    assert.match(dry.out, /^PLANNED {2}dry-run tell-soc {2}notify:webhook {2}Pod shop\/web-1 {2}would POST/m);
    assert.equal(hook.requests.length, before + 2);
  });

  it('exits 3 when an action fails, and records why', async () => {
    const file = rules(
      'fail.yaml',
      `automations:
  - name: tell-soc
    mode: apply
    trigger: { on: alerts, ids: [PAL-TD-0072] }
    actions:
      - action: notify:webhook
        params: { url: "${hook.origin}/soc" }
`,
    );
    hook.failNext(1, { status: 400, body: 'bad payload' });
    const result = await cli([
      'automate',
      '--rules',
      file,
      '--input',
      ALERTS,
      '--format',
      'jsonl',
      '--audit-log',
      join(dir, 'fail.jsonl'),
      '--ca-file',
      caFile,
    ]);
    assert.equal(result.code, 3, result.err);
    const records = result.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { result: string; reason: string });
    assert.equal(records[0]?.result, 'failed');
    assert.match(records[0]?.reason ?? '', /HTTP 400/);
    // A literal webhook URL is recorded as its origin only (its path is often its secret).
    const params = (records[0] as unknown as { params: { url: string } }).params;
    assert.equal(params.url, `${hook.origin}/(redacted)`);
    assert.doesNotMatch(result.out + readFileSync(join(dir, 'fail.jsonl'), 'utf8'), /\/soc/);
  });

  it('exits 2 naming the file and line of a rules problem, before running anything', async () => {
    const file = rules(
      'bad.yaml',
      'automations:\n  - name: x\n    trigger: { on: alerts }\n    actions: [{ action: kubernetes:nuke }]\n',
    );
    const result = await cli(['automate', '--rules', file, '--input', ALERTS, '--audit-log', join(dir, 'bad.jsonl')]);
    assert.equal(result.code, 2);
    assert.match(result.err, /bad\.yaml:2: automations\[0\]\.mode: is required/);
    const missing = await cli(['automate', '--rules', file]);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /--input <file\|-> is required/);
    // An input with nothing usable in it is an input error, not an empty run.
    const good = rules(
      'ok.yaml',
      'automations:\n  - name: x\n    mode: dry-run\n    trigger: { on: alerts }\n    actions: [{ action: notify:webhook, params: { url: "https://x.example.com" } }]\n',
    );
    const junk = join(dir, 'junk.yaml');
    writeFileSync(junk, 'kind: Pod\nmetadata: { name: x }\n');
    const empty = await cli(['automate', '--rules', good, '--input', junk, '--audit-log', join(dir, 'junk.jsonl')]);
    assert.equal(empty.code, 2);
    assert.match(empty.err, /junk\.yaml:1: not JSON/);
    assert.match(empty.err, /junk\.yaml holds no alert record or finding/);
  });

  it('reads a scan report from stdin, patches the Azure resource through ARM, and undoes the batch', async () => {
    const armDir = join(dir, 'arm');
    mkdirSync(armDir);
    makeServingCerts(armDir, ['arm']);
    const api = await startArmApi(armDir);
    const saved: Record<string, string | undefined> = {};
    for (const key of Object.keys(process.env)) {
      if (/^(AZURE_|MSI_|IDENTITY_|IMDS_)/.test(key)) {
        saved[key] = process.env[key];
        delete process.env[key];
      }
    }
    for (const [key, value] of Object.entries(api.identityEnv())) {
      saved[key] = process.env[key];
      process.env[key] = value;
    }
    try {
      const report = JSON.parse(readFileSync(REPORT, 'utf8')) as {
        findings: { checkId: string; resource: { id?: string; name: string } }[];
      };
      const finding = report.findings.find((f) => f.checkId === 'PAL-AZR-0102');
      assert.ok(finding?.resource.id);
      const id = finding.resource.id;
      api.put({
        id,
        name: finding.resource.name,
        type: 'Microsoft.Storage/storageAccounts',
        location: 'westeurope',
        properties: { minimumTlsVersion: 'TLS1_0' },
      });
      writeFileSync(join(dir, 'arm-ca.crt'), api.ca);
      const file = rules(
        'azure.yaml',
        `automations:
  - name: storage-tls
    mode: apply
    trigger: { on: findings, ids: [PAL-AZR-0102] }
    actions: [{ action: azure:apply-remediation }]
`,
      );
      const audit = join(dir, 'az.jsonl');
      const common = [
        '--audit-log',
        audit,
        '--arm-endpoint',
        api.url,
        '--ca-file',
        join(dir, 'arm-ca.crt'),
        '--format',
        'jsonl',
      ];
      const result = await cli(['automate', '--rules', file, '--input', '-', ...common], {
        stdin: readFileSync(REPORT, 'utf8'),
      });
      assert.equal(result.code, 0, result.err);
      const record = JSON.parse(result.out) as {
        result: string;
        batchId: string;
        target: { id: string };
        reason: string;
      };
      assert.equal(record.result, 'applied', record.reason);
      assert.equal(record.target.id, id);
      assert.deepEqual((api.resource(id) as { properties: unknown }).properties, { minimumTlsVersion: 'TLS1_2' });
      const undo = await cli(['automation', 'undo', record.batchId, ...common]);
      assert.equal(undo.code, 0, undo.err);
      assert.equal((JSON.parse(undo.out) as { result: string }).result, 'applied');
      assert.deepEqual((api.resource(id) as { properties: unknown }).properties, { minimumTlsVersion: 'TLS1_0' });
    } finally {
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
      await api.close();
    }
  });

  it('prints the ClusterRole and the Azure custom role the rules need', async () => {
    const file = rules(
      'perms.yaml',
      `automations:
  - name: isolate
    mode: apply
    trigger: { on: alerts }
    actions: [{ action: kubernetes:isolate-pod }]
  - name: storage
    mode: apply
    trigger: { on: findings, azure: { types: [Microsoft.Storage/storageAccounts] } }
    actions: [{ action: azure:apply-remediation }]
`,
    );
    const k8s = await cli(['automation', 'permissions', '--rules', file, '--kind', 'kubernetes', '--namespace', 'sec']);
    assert.equal(k8s.code, 0, k8s.err);
    const docs = parseAllDocuments(k8s.out).map((d) => d.toJS() as { kind: string; rules?: { resources: string[] }[] });
    assert.deepEqual(
      docs.map((d) => d.kind),
      ['ServiceAccount', 'ClusterRole', 'ClusterRoleBinding'],
    );
    assert.ok(docs[1]?.rules?.some((r) => r.resources.includes('networkpolicies')));
    const azure = await cli(['automation', 'permissions', '--rules', file, '--kind', 'azure']);
    const role = JSON.parse(azure.out) as { Actions: string[] };
    assert.deepEqual(role.Actions, [
      'Microsoft.Storage/storageAccounts/read',
      'Microsoft.Storage/storageAccounts/write',
    ]);
    const both = await cli(['automation', 'permissions', '--rules', file]);
    assert.match(both.out, /^# Kubernetes: oc apply -f <this part>\n/);
    assert.match(both.out, /\n# Azure: az role definition create --role-definition @<this part as role.json>\n\{/);
  });

  it('lists the actions', async () => {
    const result = await cli(['automation', 'actions', '--format', 'json']);
    assert.equal(result.code, 0);
    const list = JSON.parse(result.out) as { id: string; undoable: boolean }[];
    assert.ok(list.some((a) => a.id === 'kubernetes:isolate-pod' && a.undoable));
    assert.ok(list.some((a) => a.id === 'notify:teams' && !a.undoable));
  });

  it('undo refuses an unknown id with exit 2', async () => {
    const audit = join(dir, 'audit.jsonl');
    const result = await cli(['automation', 'undo', 'run-nope', '--audit-log', audit]);
    assert.equal(result.code, 2);
    assert.match(result.err, /no run or batch "run-nope"/);
    const records = readFileSync(audit, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { runId: string; result: string });
    const notify = records.find((r) => r.result === 'applied');
    assert.ok(notify);
    const undo = await cli(['automation', 'undo', notify.runId, '--audit-log', audit, '--format', 'jsonl']);
    assert.equal(undo.code, 0, undo.err);
    const out = JSON.parse(undo.out) as { result: string; reason: string; undoOf: string };
    assert.deepEqual([out.result, out.reason, out.undoOf], ['skipped', 'notify:webhook has no undo', notify.runId]);
  });
});
