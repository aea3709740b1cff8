import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Finding, Violation } from '#core';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { nodesProxy } from './nodes-proxy.ts';

interface Case {
  readonly name: string;
  readonly rules: string;
  readonly subject?: string;
  readonly status: Finding['status'];
  readonly violations?: readonly Violation[];
}

const input = (c: Case) => `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: kubelet-access }
rules:
${c.rules}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: kubelet-access }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: kubelet-access }
subjects:
  - ${c.subject ?? '{ kind: ServiceAccount, name: agent, namespace: monitoring }'}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: kubelet-access, namespace: monitoring }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: kubelet-access }
subjects:
  - ${c.subject ?? '{ kind: ServiceAccount, name: agent, namespace: monitoring }'}
`;

const agent = (message: string): Violation => ({
  path: 'subjects[0]',
  message: `ServiceAccount "monitoring/agent" can ${message}`,
  actual: { kind: 'ServiceAccount', name: 'agent', namespace: 'monitoring' },
});

const cases: readonly Case[] = [
  {
    name: 'get alone on nodes/proxy fails',
    rules: '  - { apiGroups: [""], resources: ["nodes/proxy"], verbs: ["get", "list"] }',
    status: 'fail',
    violations: [
      agent(
        'get nodes/proxy cluster-wide through rules[0] of ClusterRole "kubelet-access" (apiGroups [""], resources ["nodes/proxy"], verbs ["get", "list"])',
      ),
    ],
  },
  {
    name: 'every verb, limited to one node, still fails',
    rules: '  - { apiGroups: [""], resources: ["nodes/proxy"], resourceNames: ["worker-1"], verbs: ["*"] }',
    status: 'fail',
    violations: [
      agent(
        'get, create, update, patch, delete nodes/proxy named "worker-1" cluster-wide through rules[0] of ClusterRole "kubelet-access" (apiGroups [""], resources ["nodes/proxy"], resourceNames ["worker-1"], verbs ["*"])',
      ),
    ],
  },
  {
    name: 'nodes/metrics and nodes/stats are the safe alternative',
    rules: '  - { apiGroups: [""], resources: ["nodes", "nodes/metrics", "nodes/stats"], verbs: ["get"] }',
    status: 'pass',
  },
  {
    name: 'the API server identity is a system subject',
    rules: '  - { apiGroups: [""], resources: ["nodes/proxy"], verbs: ["*"] }',
    subject: '{ kind: User, name: system:kube-apiserver }',
    status: 'pass',
  },
];

describe('nodes-proxy', () => {
  for (const c of cases) {
    it(c.name, () => {
      const findings = runCheckOn(nodesProxy, input(c));
      assert.deepEqual(
        findings.map((f) => f.resource.kind),
        ['ClusterRoleBinding'],
        'nodes are cluster-scoped: RoleBindings are not targets',
      );
      const [finding] = findings;
      assert.ok(finding);
      assert.equal(finding.status, c.status, finding.reason ?? finding.message);
      if (c.violations) {
        assert.deepEqual(finding.violations, c.violations);
      }
    });
  }
});
