/**
 * `palisade automate serve` end to end: alerts posted the way `palisade detect --forward` posts
 * them, a scheduled scan, Kubernetes actions through @kubernetes/client-node against the local
 * Kubernetes-API-shaped server (test/helpers/kube-objects-api.ts; no real API server can run
 * here), the audit log, then `palisade automation undo` of the batch.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Command } from 'commander';
import { kubeCertDir, podObject } from '#test/helpers/automation-subjects.ts';
import { captureIo, cli, REPO } from '#test/helpers/cli.ts';
import { type KubeObjectsApi, startKubeObjectsApi } from '#test/helpers/kube-objects-api.ts';
import { makeServingCerts, OPENSSL_SKIP } from '#test/helpers/tls.ts';
import { automateCommand } from './automate.ts';

const ALERTS = join(REPO, 'test/fixtures/automation/alerts.jsonl');

function post(
  port: number,
  ca: Buffer,
  path: string,
  body: string,
  token?: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        ca,
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => {
          text += c.toString();
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function until(what: string, test: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('palisade automate serve', { skip: OPENSSL_SKIP }, () => {
  let certs: ReturnType<typeof kubeCertDir>;
  let api: KubeObjectsApi;
  let serving: string;
  before(async () => {
    certs = kubeCertDir();
    // The endpoint's own certificates (and CA), apart from the API server's.
    serving = mkdtempSync(join(tmpdir(), 'palisade-automate-serve-'));
    makeServingCerts(serving, ['automation']);
    api = await startKubeObjectsApi(certs.dir);
    writeFileSync(join(certs.dir, 'kubeconfig.yaml'), api.kubeconfig());
    writeFileSync(join(certs.dir, 'token'), 'feed-token\n');
  });
  after(async () => {
    await api.close();
    certs.remove();
    rmSync(serving, { recursive: true, force: true });
  });

  it('refuses to start without client authentication unless told to', async () => {
    const rules = join(certs.dir, 'notify.yaml');
    writeFileSync(
      rules,
      'automations:\n  - name: n\n    mode: dry-run\n    trigger: { on: alerts }\n    actions: [{ action: notify:webhook, params: { url: "https://x.example.com" } }]\n',
    );
    const args = [
      'automate',
      'serve',
      '--rules',
      rules,
      '--cert',
      join(serving, 'automation.crt'),
      '--key',
      join(serving, 'automation.key'),
    ];
    const result = await cli([
      ...args,
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--audit-log',
      join(certs.dir, 'unauth.jsonl'),
    ]);
    assert.equal(result.code, 2);
    assert.match(result.err, /give --token-file and\/or --client-ca \(or --allow-unauthenticated/);
  });

  it('acts on posted alerts and scheduled scans, records everything, and undoes the batch', async () => {
    const dir = certs.dir;
    api.put(podObject('shop', 'web-1', { labels: { app: 'web' } }));
    api.put(podObject('shop', 'web-0', { labels: { app: 'web' } }));
    const deployment = readFileSync(
      join(REPO, 'examples/aro-cluster/namespaces/shop-frontend/apps/deployments.yaml'),
      'utf8',
    );
    assert.match(deployment, /name: catalog-api/);
    api.put({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'catalog-api', namespace: 'shop-frontend' },
      spec: { replicas: 2 },
    });
    const rules = join(dir, 'rules.yaml');
    writeFileSync(
      rules,
      `automations:
  - name: isolate-exec
    mode: apply
    trigger: { on: alerts, ids: [PAL-TD-0001], namespaces: [shop] }
    actions:
      - action: kubernetes:isolate-pod
    cooldown: 1h
  - name: record-findings
    mode: apply
    trigger: { on: findings, ids: [PAL-K8S-*] }
    actions:
      - action: kubernetes:create-event
`,
    );
    const audit = join(dir, 'serve-audit.jsonl');
    const cap = captureIo();
    const controller = new AbortController();
    const program = new Command('palisade').exitOverride();
    program.addCommand(automateCommand(cap.io, { signal: controller.signal }).exitOverride());
    const done = program.parseAsync(
      [
        'automate',
        'serve',
        '--rules',
        rules,
        '--host',
        '127.0.0.1',
        '--port',
        '0',
        '--cert',
        join(serving, 'automation.crt'),
        '--key',
        join(serving, 'automation.key'),
        '--token-file',
        join(dir, 'token'),
        '--kubeconfig',
        join(dir, 'kubeconfig.yaml'),
        '--scan',
        join(REPO, 'examples/aro-cluster/namespaces/shop-frontend'),
        '--every',
        '1h',
        '--audit-log',
        audit,
        '--format',
        'jsonl',
      ],
      { from: 'user' },
    );
    const ca = readFileSync(join(serving, 'ca.crt'));
    try {
      await until('the listening line', () => /listening on https:\/\/127\.0\.0\.1:\d+/.test(cap.err()));
      const port = Number(/127\.0\.0\.1:(\d+)/.exec(cap.err())?.[1]);
      // The scheduled scan (run at start) records an event on the Deployment.
      await until('the scan', () => cap.out().includes('kubernetes:create-event'));
      // Without the token: 401, nothing submitted.
      const alerts = readFileSync(ALERTS, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as unknown);
      const refused = await post(port, ca, '/alerts', JSON.stringify({ alerts }));
      assert.equal(refused.status, 401);
      // As palisade detect --forward posts them.
      const accepted = await post(port, ca, '/alerts', JSON.stringify({ alerts }), 'feed-token');
      assert.equal(accepted.status, 202, accepted.body);
      assert.deepEqual(JSON.parse(accepted.body), { subjects: 7, invalid: 0 });
      const wrong = await post(port, ca, '/findings', JSON.stringify({ alerts }), 'feed-token');
      assert.equal(wrong.status, 400);
      await until('the isolation', () => cap.out().includes('kubernetes:isolate-pod'));
    } finally {
      controller.abort();
      await done;
    }
    assert.equal(cap.code(), 0, cap.err());
    const records = cap
      .out()
      .trim()
      .split('\n')
      .map(
        (l) =>
          JSON.parse(l) as {
            rule: string;
            action: string;
            result: string;
            reason: string;
            batchId: string;
            target: { name?: string };
          },
      );
    // Four PAL-TD-0001 alerts on shop/web-1: the first isolates it, the cooldown skips the rest.
    const isolations = records.filter((r) => r.rule === 'isolate-exec');
    assert.deepEqual(isolations.map((r) => r.result).sort(), ['applied', 'skipped', 'skipped', 'skipped']);
    const event = records.find((r) => r.rule === 'record-findings');
    assert.equal(event?.result, 'applied', event?.reason);
    const pod = api.object({ apiVersion: 'v1', kind: 'Pod', namespace: 'shop', name: 'web-1' }) as {
      metadata: { labels: Record<string, string> };
    };
    assert.equal(pod.metadata.labels['palisade.io/quarantine'], 'true');
    const policy = api.object({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      namespace: 'shop',
      name: 'palisade-quarantine',
    });
    assert.ok(policy, 'the deny-all policy exists');
    assert.equal(api.objects('v1', 'Event').length, 1);
    // Every record is in the audit log.
    assert.equal(readFileSync(audit, 'utf8').trim().split('\n').length, records.length);
    // 3 requests (401, 202, 400); 9 subjects: the scan's 2 failing findings and the 7 alerts.
    assert.match(cap.err(), /palisade: 3 requests, 9 subjects, 1 scans; 2 applied, 0 planned, 3 skipped, 0 failed\n/);

    // Undo the isolation (by its run id), through the same client.
    const applied = isolations.find((r) => r.result === 'applied') as { runId?: string } & (typeof isolations)[number];
    const undo = await cli([
      'automation',
      'undo',
      String(applied.runId),
      '--audit-log',
      audit,
      '--kubeconfig',
      join(dir, 'kubeconfig.yaml'),
      '--format',
      'jsonl',
    ]);
    assert.equal(undo.code, 0, undo.err);
    assert.equal((JSON.parse(undo.out) as { result: string }).result, 'applied');
    const after = api.object({ apiVersion: 'v1', kind: 'Pod', namespace: 'shop', name: 'web-1' }) as {
      metadata: { labels: Record<string, string> };
    };
    assert.equal(after.metadata.labels['palisade.io/quarantine'], undefined);
    assert.equal(
      api.object({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        namespace: 'shop',
        name: 'palisade-quarantine',
      }),
      undefined,
    );
    rmSync(audit);
  });
});
