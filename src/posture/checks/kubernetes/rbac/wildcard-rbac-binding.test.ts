import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Finding, Violation } from '#core';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { wildcardRbacBinding } from './wildcard-rbac-binding.ts';

interface Case {
  readonly name: string;
  readonly yaml: string;
  readonly resource: string;
  readonly status: Finding['status'];
  readonly violations?: readonly Violation[];
  readonly reason?: RegExp;
}

const ROLES = `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: crd-manager }
aggregationRule:
  clusterRoleSelectors:
    - matchLabels: { example.com/aggregate-to-crd-manager: "true" }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: crd-manager-widgets
  labels: { example.com/aggregate-to-crd-manager: "true" }
rules:
  - apiGroups: ["widgets.example.com"]
    resources: ["*"]
    verbs: ["get", "list"]
  - apiGroups: [""]
    resources: ["configmaps"]
    verbs: ["get"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: { name: everything, namespace: kube-system }
rules:
  - apiGroups: [""]
    resources: ["configmaps"]
    verbs: ["*"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: { name: everything, namespace: shop }
rules:
  - apiGroups: [""]
    resources: ["configmaps"]
    verbs: ["*"]
`;

const binding = (kind: string, meta: string, roleRef: string, subjects: string) => `${ROLES}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ${kind}
metadata: ${meta}
roleRef: ${roleRef}
subjects:
${subjects}`;

const cases: readonly Case[] = [
  {
    name: 'a wildcard reached through aggregation names the declaring ClusterRole',
    yaml: binding(
      'ClusterRoleBinding',
      '{ name: crd-managers }',
      '{ apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: crd-manager }',
      '  - { kind: User, name: judy }\n  - { kind: Group, name: system:nodes }',
    ),
    resource: 'crd-managers',
    status: 'fail',
    violations: [
      {
        path: 'subjects[0]',
        message:
          'User "judy" holds wildcard permissions cluster-wide through rules[0] of ClusterRole "crd-manager-widgets", aggregated into ClusterRole "crd-manager" (apiGroups ["widgets.example.com"], resources ["*"], verbs ["get", "list"])',
        actual: { kind: 'User', name: 'judy' },
      },
    ],
  },
  {
    name: 'a RoleBinding in a system namespace fails',
    yaml: binding(
      'RoleBinding',
      '{ name: ops, namespace: kube-system }',
      '{ apiGroup: rbac.authorization.k8s.io, kind: Role, name: everything }',
      '  - { kind: ServiceAccount, name: tool, namespace: ops }',
    ),
    resource: 'ops',
    status: 'fail',
    violations: [
      {
        path: 'subjects[0]',
        message:
          'ServiceAccount "ops/tool" holds wildcard permissions in namespace "kube-system" through rules[0] of Role "kube-system/everything" (apiGroups [""], resources ["configmaps"], verbs ["*"])',
        actual: { kind: 'ServiceAccount', name: 'tool', namespace: 'ops' },
      },
    ],
  },
  {
    name: 'a RoleBinding in an application namespace passes',
    yaml: binding(
      'RoleBinding',
      '{ name: ops, namespace: shop }',
      '{ apiGroup: rbac.authorization.k8s.io, kind: Role, name: everything }',
      '  - { kind: User, name: judy }',
    ),
    resource: 'ops',
    status: 'pass',
  },
  {
    name: 'cluster-admin is left to cluster-admin-binding',
    yaml: binding(
      'ClusterRoleBinding',
      '{ name: admins }',
      '{ apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin }',
      '  - { kind: User, name: judy }',
    ),
    resource: 'admins',
    status: 'not-applicable',
    reason: /PAL-K8S-0201/,
  },
  {
    name: 'a role the scan does not contain is not applicable',
    yaml: binding(
      'ClusterRoleBinding',
      '{ name: editors }',
      '{ apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit }',
      '  - { kind: User, name: judy }',
    ),
    resource: 'editors',
    status: 'not-applicable',
    reason: /ClusterRole "edit" is not among the scanned resources/,
  },
  {
    name: 'only system subjects: pass without needing the role',
    yaml: binding(
      'ClusterRoleBinding',
      '{ name: nodes }',
      '{ apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: unknown }',
      '  - { kind: Group, name: system:nodes }',
    ),
    resource: 'nodes',
    status: 'pass',
  },
];

describe('wildcard-rbac-binding', () => {
  for (const c of cases) {
    it(c.name, () => {
      const [finding, ...rest] = runCheckOn(wildcardRbacBinding, c.yaml).filter(
        (f) => f.resource.name === c.resource && f.resource.kind.endsWith('Binding'),
      );
      assert.ok(finding);
      assert.equal(rest.length, 0);
      assert.equal(finding.status, c.status, finding.reason ?? finding.message);
      if (c.violations) {
        assert.deepEqual(finding.violations, c.violations);
      }
      if (c.reason) {
        assert.match(finding.reason ?? '', c.reason);
      }
    });
  }
});
