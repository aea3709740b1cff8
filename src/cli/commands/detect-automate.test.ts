/**
 * `palisade detect --automate`: automations run in the detecting process on each alert, with
 * Kubernetes actions through @kubernetes/client-node against the local Kubernetes-API-shaped
 * server (no real API server can run here); and `--forward-token-file`.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { kubeCertDir, podObject } from '#test/helpers/automation-subjects.ts';
import { cli, REPO } from '#test/helpers/cli.ts';
import { type KubeObjectsApi, startKubeObjectsApi } from '#test/helpers/kube-objects-api.ts';
import { OPENSSL_SKIP } from '#test/helpers/tls.ts';

const EVENTS = join(REPO, 'test/fixtures/threats/detect/events.jsonl');

describe('palisade detect --automate', { skip: OPENSSL_SKIP }, () => {
  let certs: ReturnType<typeof kubeCertDir>;
  let api: KubeObjectsApi;
  before(async () => {
    certs = kubeCertDir();
    api = await startKubeObjectsApi(certs.dir);
    writeFileSync(join(certs.dir, 'kubeconfig.yaml'), api.kubeconfig());
  });
  after(async () => {
    await api.close();
    certs.remove();
  });

  it('labels the pod each exec alert names, once, and records it', async () => {
    api.put(podObject('shop', 'web-1', { labels: { app: 'web' } }));
    const rules = join(certs.dir, 'rules.yaml');
    writeFileSync(
      rules,
      `automations:
  - name: mark-exec
    mode: apply
    trigger: { on: alerts, ids: [PAL-TD-0001] }
    actions:
      - action: kubernetes:label-pod
        params: { labels: { security.example.com/exec-seen: "true" } }
`,
    );
    const audit = join(certs.dir, 'detect-audit.jsonl');
    const result = await cli([
      'detect',
      EVENTS,
      '--format',
      'jsonl',
      '--automate',
      rules,
      '--audit-log',
      audit,
      '--kubeconfig',
      join(certs.dir, 'kubeconfig.yaml'),
    ]);
    assert.equal(result.code, 0, result.err);
    const alerts = result.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { ruleId: string });
    const execs = alerts.filter((a) => a.ruleId === 'PAL-TD-0001').length;
    assert.ok(execs >= 1);
    const pod = api.object({ apiVersion: 'v1', kind: 'Pod', namespace: 'shop', name: 'web-1' }) as {
      metadata: { labels: Record<string, string> };
    };
    assert.equal(pod.metadata.labels['security.example.com/exec-seen'], 'true');
    const records = readFileSync(audit, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { result: string });
    // One run per distinct exec alert: the first labels, the next find it done.
    assert.equal(records.length, execs);
    assert.deepEqual(records.map((r) => r.result).sort(), ['applied', ...Array(execs - 1).fill('skipped')]);
    assert.match(result.err, /palisade: automation: applied apply mark-exec kubernetes:label-pod: /);
    assert.match(
      result.err,
      new RegExp(`palisade: automation: 1 applied, 0 planned, ${execs - 1} skipped, 0 failed; batch batch-`),
    );
  });

  it('refuses automation rules with a problem before reading any event', async () => {
    const rules = join(certs.dir, 'bad-rules.yaml');
    writeFileSync(
      rules,
      'automations:\n  - name: x\n    mode: apply\n    trigger: { on: findings }\n    actions: [{ action: kubernetes:label-pod }]\n',
    );
    const result = await cli(['detect', EVENTS, '--automate', rules, '--audit-log', join(certs.dir, 'x.jsonl')]);
    assert.equal(result.code, 2);
    assert.match(
      result.err,
      /bad-rules\.yaml:5: automations\[0\]\.actions\[0\]\.params\.labels: kubernetes:label-pod: /,
    );
  });

  it('sends the --forward-token-file token with forwarded alerts', async () => {
    const seen: { auth: string | undefined; body: string }[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => {
        body += c.toString();
      });
      req.on('end', () => {
        seen.push({ auth: req.headers.authorization, body });
        res.writeHead(202).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const token = join(certs.dir, 'forward-token');
      writeFileSync(token, 's3cret\n');
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/alerts`;
      const result = await cli([
        'detect',
        EVENTS,
        '--forward',
        url,
        '--forward-token-file',
        token,
        '--format',
        'jsonl',
      ]);
      assert.equal(result.code, 0, result.err);
      assert.ok(seen.length >= 1);
      assert.equal(seen[0]?.auth, 'Bearer s3cret');
      assert.ok(Array.isArray((JSON.parse(seen[0]?.body ?? '{}') as { alerts: unknown[] }).alerts));
      const missing = await cli(['detect', EVENTS, '--forward-token-file', token]);
      assert.equal(missing.code, 2);
      assert.match(missing.err, /--forward-token-file needs --forward/);
    } finally {
      server.close();
    }
  });
});
