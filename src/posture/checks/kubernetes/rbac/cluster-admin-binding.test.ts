import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Finding, Violation } from '#core';
import type { CheckSettings } from '#posture/check.ts';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { clusterAdminBinding } from './cluster-admin-binding.ts';

interface Case {
  readonly name: string;
  readonly yaml: string;
  readonly resource: string;
  readonly status: Finding['status'];
  readonly violations?: readonly Violation[];
  readonly settings?: Partial<CheckSettings>;
}

const binding = (kind: string, meta: string, roleRef: string, subjects: string) => `
apiVersion: rbac.authorization.k8s.io/v1
kind: ${kind}
metadata: ${meta}
roleRef: ${roleRef}
subjects:
${subjects}`;
const CLUSTER_ADMIN = '{ apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin }';

const cases: readonly Case[] = [
  {
    name: 'a ClusterRoleBinding to a user fails at the subject',
    yaml: binding(
      'ClusterRoleBinding',
      '{ name: alice-admin }',
      CLUSTER_ADMIN,
      '  - { kind: Group, name: system:masters }\n  - { kind: User, name: alice }',
    ),
    resource: 'alice-admin',
    status: 'fail',
    violations: [
      {
        path: 'subjects[1]',
        message: 'User "alice" is bound to ClusterRole "cluster-admin" cluster-wide',
        actual: { kind: 'User', name: 'alice' },
      },
    ],
  },
  {
    name: 'a RoleBinding fails too; the service account defaults to the binding namespace',
    yaml: binding(
      'RoleBinding',
      '{ name: ci, namespace: shop }',
      CLUSTER_ADMIN,
      '  - { kind: ServiceAccount, name: ci }',
    ),
    resource: 'ci',
    status: 'fail',
    violations: [
      {
        path: 'subjects[0]',
        message: 'ServiceAccount "shop/ci" is bound to ClusterRole "cluster-admin" in namespace "shop"',
        actual: { kind: 'ServiceAccount', name: 'ci', namespace: 'shop' },
      },
    ],
  },
  {
    name: 'the bootstrap default binding passes; a user appended to it does not',
    yaml: binding(
      'ClusterRoleBinding',
      '{ name: cluster-admin, labels: { kubernetes.io/bootstrapping: rbac-defaults } }',
      CLUSTER_ADMIN,
      '  - { kind: Group, name: system:masters }\n  - { kind: Group, name: system:authenticated }\n  - { kind: User, name: mallory }',
    ),
    resource: 'cluster-admin',
    status: 'fail',
    violations: [
      {
        path: 'subjects[2]',
        message: 'User "mallory" is bound to ClusterRole "cluster-admin" cluster-wide',
        actual: { kind: 'User', name: 'mallory' },
      },
    ],
  },
  {
    name: 'anonymous and broad groups fail outside bootstrap defaults',
    yaml: binding(
      'ClusterRoleBinding',
      '{ name: open }',
      CLUSTER_ADMIN,
      '  - { kind: User, name: system:anonymous }\n  - { kind: Group, name: "system:serviceaccounts:ci" }',
    ),
    resource: 'open',
    status: 'fail',
    violations: [
      {
        path: 'subjects[0]',
        message: 'User "system:anonymous" is bound to ClusterRole "cluster-admin" cluster-wide',
        actual: { kind: 'User', name: 'system:anonymous' },
      },
      {
        path: 'subjects[1]',
        message: 'Group "system:serviceaccounts:ci" is bound to ClusterRole "cluster-admin" cluster-wide',
        actual: { kind: 'Group', name: 'system:serviceaccounts:ci' },
      },
    ],
  },
  {
    name: 'service accounts of system namespaces (from settings) are exempt',
    yaml: binding(
      'ClusterRoleBinding',
      '{ name: operator }',
      CLUSTER_ADMIN,
      '  - { kind: ServiceAccount, name: op, namespace: platform-ops }',
    ),
    resource: 'operator',
    status: 'pass',
    settings: { systemNamespaces: ['kube-system', 'platform-*'] },
  },
  {
    name: 'a Role that happens to be named cluster-admin is not the ClusterRole',
    yaml: binding(
      'RoleBinding',
      '{ name: local, namespace: shop }',
      '{ apiGroup: rbac.authorization.k8s.io, kind: Role, name: cluster-admin }',
      '  - { kind: User, name: alice }',
    ),
    resource: 'local',
    status: 'pass',
  },
  {
    name: 'a binding without subjects passes',
    yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: empty }
roleRef: ${CLUSTER_ADMIN}
`,
    resource: 'empty',
    status: 'pass',
  },
  {
    name: 'a malformed binding is an error naming the field',
    yaml: binding('ClusterRoleBinding', '{ name: broken }', CLUSTER_ADMIN, '  - { kind: User }'),
    resource: 'broken',
    status: 'error',
  },
];

describe('cluster-admin-binding', () => {
  for (const c of cases) {
    it(c.name, () => {
      const [finding, ...rest] = runCheckOn(clusterAdminBinding, c.yaml, c.settings).filter(
        (f) => f.resource.name === c.resource,
      );
      assert.ok(finding);
      assert.equal(rest.length, 0);
      assert.equal(finding.status, c.status, finding.reason ?? finding.message);
      if (c.violations) {
        assert.deepEqual(finding.violations, c.violations);
      }
      if (c.status === 'error') {
        assert.match(finding.reason ?? '', /subjects\[0\]\.name/);
      }
    });
  }
});
