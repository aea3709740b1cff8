import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Finding, Violation } from '#core';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { podExecAttach } from './pod-exec-attach.ts';

interface Case {
  readonly name: string;
  readonly rules: string;
  /** 'cluster' for a ClusterRoleBinding, else the RoleBinding's namespace. */
  readonly scope: string;
  readonly status: Finding['status'];
  readonly violations?: readonly Violation[];
}

const input = (c: Case) => `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: debugger }
rules:
${c.rules}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ${c.scope === 'cluster' ? 'ClusterRoleBinding' : 'RoleBinding'}
metadata: { name: debuggers${c.scope === 'cluster' ? '' : `, namespace: ${c.scope}`} }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: debugger }
subjects:
  - { kind: Group, name: support }
`;

const violation = (what: string, where: string, rule: string): Violation => ({
  path: 'subjects[0]',
  message: `Group "support" can ${what} ${where} through rules[0] of ClusterRole "debugger" (${rule})`,
  actual: { kind: 'Group', name: 'support' },
});

const cases: readonly Case[] = [
  {
    name: 'get on pods/exec is enough (WebSocket exec)',
    rules: '  - { apiGroups: [""], resources: ["pods/exec"], verbs: ["get"] }',
    scope: 'cluster',
    status: 'fail',
    violations: [violation('get pods/exec', 'cluster-wide', 'apiGroups [""], resources ["pods/exec"], verbs ["get"]')],
  },
  {
    name: 'a "*" verb grants exec and attach; names of the pods are listed when limited',
    rules: '  - { apiGroups: [""], resources: ["pods/exec", "pods/attach"], resourceNames: ["etcd-0"], verbs: ["*"] }',
    scope: 'kube-system',
    status: 'fail',
    violations: [
      violation(
        'create, get pods/exec named "etcd-0", pods/attach named "etcd-0"',
        'in namespace "kube-system"',
        'apiGroups [""], resources ["pods/exec", "pods/attach"], resourceNames ["etcd-0"], verbs ["*"]',
      ),
    ],
  },
  {
    name: 'a RoleBinding in an application namespace passes',
    rules: '  - { apiGroups: [""], resources: ["pods/exec"], verbs: ["create"] }',
    scope: 'shop',
    status: 'pass',
  },
  {
    name: '"pods/*" and "pods" grant no exec',
    rules: '  - { apiGroups: [""], resources: ["pods", "pods/*"], verbs: ["*"] }',
    scope: 'cluster',
    status: 'pass',
  },
  {
    name: 'exec in another API group is not pods/exec',
    rules: '  - { apiGroups: ["kubevirt.io"], resources: ["pods/exec"], verbs: ["create"] }',
    scope: 'cluster',
    status: 'pass',
  },
];

describe('pod-exec-attach', () => {
  for (const c of cases) {
    it(c.name, () => {
      const [finding, ...rest] = runCheckOn(podExecAttach, input(c));
      assert.ok(finding);
      assert.equal(rest.length, 0);
      assert.equal(finding.status, c.status, finding.reason ?? finding.message);
      if (c.violations) {
        assert.deepEqual(finding.violations, c.violations);
      }
    });
  }
});
