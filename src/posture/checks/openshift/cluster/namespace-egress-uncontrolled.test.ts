import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Finding } from '#core';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { namespaceEgressUncontrolled } from './namespace-egress-uncontrolled.ts';

const namespace = (name: string, kind = 'Namespace', apiVersion = 'v1') => `---
apiVersion: ${apiVersion}
kind: ${kind}
metadata: { name: ${name} }
`;

const deployment = (ns: string) => `---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: ${ns} }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers: [ { name: web, image: "contoso.azurecr.io/web:1.0" } ]
`;

const egressFirewall = (ns: string, rules: string, name = 'default') => `---
apiVersion: k8s.ovn.org/v1
kind: EgressFirewall
metadata: { name: ${name}, namespace: ${ns} }
spec:
  egress:
${rules}
`;

const egressNetworkPolicy = (ns: string, rules: string) => `---
apiVersion: network.openshift.io/v1
kind: EgressNetworkPolicy
metadata: { name: deny-external, namespace: ${ns} }
spec:
  egress:
${rules}
`;

const network = (type: string) => `---
apiVersion: config.openshift.io/v1
kind: Network
metadata: { name: cluster }
spec: { networkType: ${type} }
status: { networkType: ${type} }
`;

const proxy = (spec: string, status = '{}') => `---
apiVersion: config.openshift.io/v1
kind: Proxy
metadata: { name: cluster }
spec: ${spec}
status: ${status}
`;

const DENY_ALL = '    - { type: Deny, to: { cidrSelector: 0.0.0.0/0 } }';
const ALLOW_HOST = '    - { type: Allow, to: { dnsName: api.contoso.com } }';

function findingFor(text: string, name = 'shop', kind = 'Namespace', file?: string): Finding {
  const found = runCheckOn(namespaceEgressUncontrolled, text, undefined, file).filter(
    (f) => f.resource.kind === kind && f.resource.name === name,
  );
  assert.equal(found.length, 1);
  return found[0] as Finding;
}

describe('namespace-egress-uncontrolled', () => {
  it('passes with an EgressFirewall "default" that denies what it does not allow', () => {
    const yaml = namespace('shop') + deployment('shop') + egressFirewall('shop', `${ALLOW_HOST}\n${DENY_ALL}`);
    assert.equal(findingFor(yaml).status, 'pass');
  });

  it('passes with an EgressNetworkPolicy (OpenShiftSDN) with a Deny rule', () => {
    const yaml =
      namespace('shop') +
      deployment('shop') +
      egressNetworkPolicy('shop', '    - { type: Deny, to: { cidrSelector: 203.0.113.0/24 } }') +
      network('OpenShiftSDN');
    assert.equal(findingFor(yaml).status, 'pass');
  });

  it('passes when the cluster has a cluster-wide proxy (spec or status)', () => {
    const base = namespace('shop') + deployment('shop');
    assert.equal(findingFor(base + proxy('{ httpsProxy: "http://proxy.contoso.internal:3128" }')).status, 'pass');
    assert.equal(findingFor(base + proxy('{}', '{ httpProxy: "http://proxy.contoso.internal:3128" }')).status, 'pass');
  });

  it('fails when the namespace has no egress firewall and the cluster no proxy', () => {
    const yaml =
      namespace('shop') + deployment('shop') + proxy('{ trustedCA: { name: "" } }') + network('OVNKubernetes');
    const finding = findingFor(yaml);
    assert.equal(finding.status, 'fail');
    assert.deepEqual(finding.violations, [
      {
        path: 'metadata.name',
        message:
          'namespace "shop" has no EgressFirewall and the cluster has no cluster-wide egress proxy, so its pods can reach any external address',
      },
    ]);
    assert.match(
      finding.remediation.command ?? '',
      /^oc apply -n <namespace> -f - <<'EOF'\napiVersion: k8s\.ovn\.org\/v1\nkind: EgressFirewall\n/,
    );
  });

  it('names EgressNetworkPolicy on OpenShiftSDN clusters', () => {
    const yaml = namespace('shop') + deployment('shop') + network('OpenShiftSDN');
    assert.equal(
      findingFor(yaml).violations[0]?.message,
      'namespace "shop" has no EgressNetworkPolicy and the cluster has no cluster-wide egress proxy, so its pods can reach any external address',
    );
  });

  it('fails when the egress firewall has only Allow rules: unmatched traffic is allowed', () => {
    const yaml = namespace('shop') + deployment('shop') + egressFirewall('shop', ALLOW_HOST);
    const finding = findingFor(yaml);
    assert.equal(finding.status, 'fail');
    assert.deepEqual(finding.violations, [
      {
        path: 'metadata.name',
        message:
          'EgressFirewall "default" in namespace "shop" has no Deny rule, and traffic that matches no rule is allowed, so its pods can reach any external address',
      },
    ]);
  });

  it('ignores an EgressFirewall not named "default", as OVN-Kubernetes does', () => {
    const yaml =
      namespace('shop') + deployment('shop') + egressFirewall('shop', DENY_ALL, 'strict') + network('OVNKubernetes');
    assert.equal(findingFor(yaml).status, 'fail');
  });

  it('a firewall in another namespace does not cover this one', () => {
    const yaml = namespace('shop') + deployment('shop') + egressFirewall('billing', DENY_ALL);
    const finding = findingFor(yaml);
    assert.equal(finding.status, 'fail');
  });

  it('is indeterminate when the scan holds no egress object and no cluster network configuration', () => {
    const finding = findingFor(namespace('shop') + deployment('shop'));
    assert.equal(finding.status, 'indeterminate');
    assert.equal(
      finding.reason,
      'the scan holds no EgressFirewall, EgressNetworkPolicy, Proxy or Network configuration, so a namespace without an egress firewall cannot be told from objects that were not exported; export them with oc get egressfirewalls.k8s.ovn.org -A -o yaml and oc get proxy.config.openshift.io/cluster network.config.openshift.io/cluster -o yaml',
    );
  });

  it('is not applicable to system namespaces, namespaces without workloads, and a Project whose Namespace is scanned', () => {
    const yaml =
      namespace('openshift-monitoring') +
      deployment('openshift-monitoring') +
      namespace('empty') +
      namespace('shop') +
      namespace('shop', 'Project', 'project.openshift.io/v1') +
      deployment('shop') +
      network('OVNKubernetes');
    assert.equal(findingFor(yaml, 'openshift-monitoring').status, 'not-applicable');
    assert.equal(findingFor(yaml, 'empty').status, 'not-applicable');
    assert.equal(findingFor(yaml, 'shop', 'Project').status, 'not-applicable');
    assert.equal(findingFor(yaml, 'shop').status, 'fail');
  });

  it('reads oc get -o json List output', () => {
    const json = JSON.stringify({
      apiVersion: 'v1',
      kind: 'List',
      metadata: { resourceVersion: '' },
      items: [
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
        {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: 'web-0', namespace: 'shop' },
          spec: { containers: [{ name: 'web', image: 'contoso.azurecr.io/web:1.0' }] },
        },
        {
          apiVersion: 'k8s.ovn.org/v1',
          kind: 'EgressFirewall',
          metadata: { name: 'default', namespace: 'shop' },
          spec: { egress: [{ type: 'Deny', to: { cidrSelector: '0.0.0.0/0' } }] },
        },
      ],
    });
    assert.equal(findingFor(json, 'shop', 'Namespace', 'a.json').status, 'pass');
  });

  it('reports an egress rule list of the wrong type as an error naming it', () => {
    const yaml = `${namespace('shop')}${deployment('shop')}---
apiVersion: k8s.ovn.org/v1
kind: EgressFirewall
metadata: { name: default, namespace: shop }
spec: { egress: deny }
`;
    const finding = findingFor(yaml);
    assert.equal(finding.status, 'error');
    assert.match(finding.reason ?? '', /spec\.egress/);
  });
});
