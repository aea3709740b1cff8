import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Finding, Violation } from '#core';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { secretsReadClusterWide } from './secrets-read-cluster-wide.ts';

interface Case {
  readonly name: string;
  readonly rules: string;
  readonly subjects: string;
  readonly meta?: string;
  readonly status: Finding['status'];
  readonly violations?: readonly Violation[];
}

const input = (c: Case) => `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: reader }
rules:
${c.rules}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: readers${c.meta ?? ''} }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: reader }
subjects:
${c.subjects}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: readers, namespace: shop }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: reader }
subjects:
${c.subjects}
`;

const cases: readonly Case[] = [
  {
    name: 'watch alone reveals secret values and fails',
    rules: '  - { apiGroups: [""], resources: ["secrets"], verbs: ["watch"] }',
    subjects: '  - { kind: User, name: kim }',
    status: 'fail',
    violations: [
      {
        path: 'subjects[0]',
        message:
          'User "kim" can watch secrets cluster-wide through rules[0] of ClusterRole "reader" (apiGroups [""], resources ["secrets"], verbs ["watch"])',
        actual: { kind: 'User', name: 'kim' },
      },
    ],
  },
  {
    name: 'verbs from several rules are gathered, each rule named once',
    rules:
      '  - { apiGroups: ["*"], resources: ["secrets"], verbs: ["get"] }\n  - { apiGroups: [""], resources: ["*"], verbs: ["list", "watch"] }',
    subjects: '  - { kind: ServiceAccount, name: backup, namespace: backup }\n  - { kind: Group, name: system:nodes }',
    status: 'fail',
    violations: [
      {
        path: 'subjects[0]',
        message:
          'ServiceAccount "backup/backup" can get, list, watch secrets cluster-wide through rules[0] of ClusterRole "reader" (apiGroups ["*"], resources ["secrets"], verbs ["get"]) and rules[1] of ClusterRole "reader" (apiGroups [""], resources ["*"], verbs ["list", "watch"])',
        actual: { kind: 'ServiceAccount', name: 'backup', namespace: 'backup' },
      },
    ],
  },
  {
    name: 'rules limited by resourceNames read only those secrets and pass',
    rules: '  - { apiGroups: [""], resources: ["secrets"], resourceNames: ["tls"], verbs: ["get", "list", "watch"] }',
    subjects: '  - { kind: User, name: kim }',
    status: 'pass',
  },
  {
    name: 'the secrets group must be core: a CRD named secrets elsewhere is not',
    rules: '  - { apiGroups: ["vault.example.com"], resources: ["secrets"], verbs: ["get", "list"] }',
    subjects: '  - { kind: User, name: kim }',
    status: 'pass',
  },
  {
    name: 'broad groups pass in bootstrap defaults and fail elsewhere',
    rules: '  - { apiGroups: [""], resources: ["secrets"], verbs: ["get"] }',
    subjects: '  - { kind: Group, name: system:authenticated }',
    meta: ', labels: { kubernetes.io/bootstrapping: rbac-defaults }',
    status: 'pass',
  },
  {
    name: 'broad groups fail outside bootstrap defaults',
    rules: '  - { apiGroups: [""], resources: ["secrets"], verbs: ["get"] }',
    subjects: '  - { kind: Group, name: system:authenticated }',
    status: 'fail',
    violations: [
      {
        path: 'subjects[0]',
        message:
          'Group "system:authenticated" can get secrets cluster-wide through rules[0] of ClusterRole "reader" (apiGroups [""], resources ["secrets"], verbs ["get"])',
        actual: { kind: 'Group', name: 'system:authenticated' },
      },
    ],
  },
];

describe('secrets-read-cluster-wide', () => {
  for (const c of cases) {
    it(c.name, () => {
      const findings = runCheckOn(secretsReadClusterWide, input(c));
      assert.deepEqual(
        findings.map((f) => f.resource.kind),
        ['ClusterRoleBinding'],
        'RoleBindings are not targets',
      );
      const [finding] = findings;
      assert.ok(finding);
      assert.equal(finding.status, c.status, finding.reason ?? finding.message);
      if (c.violations) {
        assert.deepEqual(finding.violations, c.violations);
      }
    });
  }

  it('leaves cluster-admin to cluster-admin-binding', () => {
    const [finding] = runCheckOn(
      secretsReadClusterWide,
      `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: admins }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin }
subjects: [ { kind: User, name: kim } ]
`,
    );
    assert.equal(finding?.status, 'not-applicable');
  });
});
