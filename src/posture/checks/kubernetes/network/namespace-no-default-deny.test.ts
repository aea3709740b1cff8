import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { namespaceNoDefaultDeny } from './namespace-no-default-deny.ts';

const pod = (namespace: string) => `
apiVersion: v1
kind: Pod
metadata: {name: app, namespace: ${namespace}, labels: {app: app}}
spec:
  containers: [{name: app, image: registry.example.com/app:1}]
`;

const namespace = (name: string) => `
apiVersion: v1
kind: Namespace
metadata: {name: ${name}}
`;

describe('namespace-no-default-deny', () => {
  const cases: readonly {
    readonly name: string;
    readonly yaml: string;
    readonly status: string;
    readonly reason?: string;
    readonly violations?: readonly { readonly path: string; readonly message: string }[];
  }[] = [
    {
      name: 'no policy at all: both directions',
      yaml: `${namespace('shop')}---${pod('shop')}`,
      status: 'fail',
      violations: [
        {
          path: 'metadata.name',
          message: 'namespace "shop" has no NetworkPolicy, so its pods accept traffic from any source',
        },
        {
          path: 'metadata.name',
          message: 'namespace "shop" has no NetworkPolicy, so its pods can send traffic to any destination',
        },
      ],
    },
    {
      name: 'policies select some pods only; policies in other namespaces do not count',
      yaml: `${namespace('shop')}---${pod('shop')}---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Ingress, Egress]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-all, namespace: other}
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
`,
      status: 'fail',
      violations: [
        {
          path: 'metadata.name',
          message:
            'no NetworkPolicy with an empty podSelector covers Ingress in namespace "shop" (considered "web"), so pods that no other policy selects for Ingress accept traffic from any source',
        },
        {
          path: 'metadata.name',
          message:
            'no NetworkPolicy with an empty podSelector covers Egress in namespace "shop" (considered "web"), so pods that no other policy selects for Egress can send traffic to any destination',
        },
      ],
    },
    {
      name: 'egress default deny missing; an EgressFirewall is mentioned but does not count',
      yaml: `${namespace('pay')}---${pod('pay')}---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-in, namespace: pay}
spec:
  podSelector: {}
---
apiVersion: k8s.ovn.org/v1
kind: EgressFirewall
metadata: {name: default, namespace: pay}
spec:
  egress:
  - {type: Deny, to: {cidrSelector: 0.0.0.0/0}}
`,
      status: 'fail',
      violations: [
        {
          path: 'metadata.name',
          message:
            'no NetworkPolicy with an empty podSelector covers Egress in namespace "pay" (considered "deny-in"), so pods that no other policy selects for Egress can send traffic to any destination; EgressFirewall "default" spec.egress[0] denies other IPv4 egress leaving the cluster, but not egress to pods and Services inside it',
        },
      ],
    },
    {
      name: 'namespace-wide allow-all egress',
      yaml: `${namespace('shop')}---${pod('shop')}---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny, namespace: shop}
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: open-egress, namespace: shop}
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress: [{to: [{ipBlock: {cidr: 10.0.0.0/8}}]}, {}]
`,
      status: 'fail',
      violations: [
        {
          path: 'metadata.name',
          message:
            'NetworkPolicy "open-egress" selects every pod in namespace "shop" and its spec.egress[1] allows all egress, so no egress is denied by default',
        },
      ],
    },
    {
      name: 'default deny with allow rules passes',
      yaml: `${namespace('shop')}---${pod('shop')}---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: same-namespace, namespace: shop}
spec:
  podSelector: {}
  ingress: [{from: [{podSelector: {}}]}]
  egress: [{to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}}], ports: [{port: 53, protocol: UDP}]}]
`,
      status: 'pass',
    },
    {
      name: 'system namespace',
      yaml: `${namespace('openshift-monitoring')}---${pod('openshift-monitoring')}`,
      status: 'not-applicable',
      reason: 'platform namespace (settings.systemNamespaces): its network policy is managed by the platform',
    },
    {
      name: 'namespace without workloads',
      yaml: `${namespace('empty')}---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: empty}
data: {a: b}
`,
      status: 'not-applicable',
      reason: 'the namespace holds no workloads in the scanned inventory',
    },
    {
      name: 'an invalid policy makes the answer an error',
      yaml: `${namespace('shop')}---${pod('shop')}---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: typo, namespace: shop}
spec:
  podSelector: {matchExpressions: [{key: app, operator: in, values: [web]}]}
`,
      status: 'error',
      reason:
        'cannot tell whether namespace "shop" denies ingress by default: NetworkPolicy "typo" is invalid (spec.podSelector.matchExpressions[0]: unknown operator "in" (In, NotIn, Exists or DoesNotExist))',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const findings = runCheckOn(namespaceNoDefaultDeny, c.yaml);
      assert.equal(findings.length, 1);
      const [finding] = findings;
      assert.equal(finding?.status, c.status);
      if (c.reason !== undefined) {
        assert.equal(finding?.reason, c.reason);
      }
      assert.deepEqual(
        finding?.violations.map((v) => ({ path: v.path, message: v.message })),
        c.violations ?? [],
      );
    });
  }

  it('evaluates a Project once, on the Namespace of the same name', () => {
    const findings = runCheckOn(
      namespaceNoDefaultDeny,
      `${namespace('shop')}---
apiVersion: project.openshift.io/v1
kind: Project
metadata: {name: shop}
---${pod('shop')}`,
    );
    assert.deepEqual(
      findings.map((f) => [f.resource.kind, f.status, f.reason]),
      [
        ['Namespace', 'fail', undefined],
        ['Project', 'not-applicable', 'evaluated on Namespace "shop"'],
      ],
    );
  });

  it('honours configured system namespaces', () => {
    const findings = runCheckOn(namespaceNoDefaultDeny, `${namespace('tools')}---${pod('tools')}`, {
      systemNamespaces: ['tool*'],
    });
    assert.equal(findings[0]?.status, 'not-applicable');
  });
});
