import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Finding, Violation } from '#core';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { persistentVolumeCreate } from './persistent-volume-create.ts';

interface Case {
  readonly name: string;
  readonly rules: string;
  readonly status: Finding['status'];
  readonly violations?: readonly Violation[];
}

const input = (rules: string) => `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: volumes }
rules:
${rules}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: volumes }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: volumes }
subjects:
  - { kind: User, name: rita }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: volumes, namespace: shop }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: volumes }
subjects:
  - { kind: User, name: rita }
`;

const cases: readonly Case[] = [
  {
    name: 'create on persistentvolumes fails',
    rules: '  - { apiGroups: [""], resources: ["persistentvolumes"], verbs: ["create", "get"] }',
    status: 'fail',
    violations: [
      {
        path: 'subjects[0]',
        message:
          'User "rita" can create persistentvolumes cluster-wide through rules[0] of ClusterRole "volumes" (apiGroups [""], resources ["persistentvolumes"], verbs ["create", "get"])',
        actual: { kind: 'User', name: 'rita' },
      },
    ],
  },
  {
    name: 'claims, status updates and reads pass',
    rules:
      '  - { apiGroups: [""], resources: ["persistentvolumeclaims"], verbs: ["create"] }\n  - { apiGroups: [""], resources: ["persistentvolumes", "persistentvolumes/status"], verbs: ["get", "update"] }',
    status: 'pass',
  },
];

describe('persistent-volume-create', () => {
  for (const c of cases) {
    it(c.name, () => {
      const findings = runCheckOn(persistentVolumeCreate, input(c.rules));
      assert.deepEqual(
        findings.map((f) => f.resource.kind),
        ['ClusterRoleBinding'],
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
