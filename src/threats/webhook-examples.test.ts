/**
 * The example files that docs/threats-webhook.md points to stay valid: the audit policy
 * (audit.k8s.io/v1 Policy) and the webhook kubeconfig (v1 Config) parse, and keep the properties
 * the documentation promises.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const EXAMPLES = fileURLToPath(new URL('../../docs/examples/', import.meta.url));

interface PolicyRule {
  level: string;
  resources?: { group: string; resources: string[] }[];
  nonResourceURLs?: string[];
}

function load(name: string): Record<string, unknown> {
  const value: unknown = parse(readFileSync(`${EXAMPLES}${name}`, 'utf8'));
  assert.ok(typeof value === 'object' && value !== null && !Array.isArray(value), `${name} is not a mapping`);
  return value as Record<string, unknown>;
}

describe('docs/examples', () => {
  it('audit-policy.yaml is an audit.k8s.io/v1 Policy that keeps secrets at Metadata', () => {
    const policy = load('audit-policy.yaml');
    assert.equal(policy.apiVersion, 'audit.k8s.io/v1');
    assert.equal(policy.kind, 'Policy');
    assert.deepEqual(policy.omitStages, ['RequestReceived']);
    const rules = policy.rules as PolicyRule[];
    const levels = new Set(['None', 'Metadata', 'Request', 'RequestResponse']);
    for (const r of rules) assert.ok(levels.has(r.level), `unknown level ${r.level}`);
    const first = (resource: string): PolicyRule | undefined =>
      rules.find((r) => r.resources?.some((g) => g.resources.includes(resource)));
    assert.equal(first('secrets')?.level, 'Metadata');
    assert.equal(first('serviceaccounts/token')?.level, 'Metadata');
    assert.equal(first('pods/exec')?.level, 'Request');
    for (const r of ['pods', 'clusterrolebindings', 'mutatingwebhookconfigurations', 'securitycontextconstraints']) {
      assert.equal(first(r)?.level, 'Request', r);
    }
    const last = rules.at(-1);
    assert.deepEqual(last, { level: 'Metadata' }, 'the last rule is the Metadata catch-all');
  });

  it('audit-webhook-kubeconfig.yaml is a v1 Config pointing at /audit with a CA file', () => {
    const config = load('audit-webhook-kubeconfig.yaml');
    assert.equal(config.apiVersion, 'v1');
    assert.equal(config.kind, 'Config');
    const clusters = config.clusters as { name: string; cluster: Record<string, string> }[];
    assert.equal(clusters.length, 1);
    const cluster = clusters[0]?.cluster ?? {};
    assert.equal(cluster.server, 'https://palisade.example:8443/audit');
    assert.equal(typeof cluster['certificate-authority'], 'string');
    const users = config.users as { name: string }[];
    const contexts = config.contexts as { name: string; context: { cluster: string; user: string } }[];
    const current = contexts.find((c) => c.name === config['current-context']);
    assert.ok(current, 'current-context names a context');
    assert.equal(current.context.cluster, clusters[0]?.name);
    assert.ok(users.some((u) => u.name === current.context.user));
  });
});
