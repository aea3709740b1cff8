import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Finding, Violation } from '#core';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { systemMastersGroup } from './system-masters-group.ts';

interface Case {
  readonly name: string;
  readonly yaml: string;
  readonly status: Finding['status'];
  readonly violations?: readonly Violation[];
}

const cases: readonly Case[] = [
  {
    name: 'a binding someone created fails at the group',
    yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: masters, namespace: shop }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: deployer }
subjects:
  - { kind: User, name: system:masters }
  - { kind: Group, name: system:masters }
`,
    status: 'fail',
    violations: [
      {
        path: 'subjects[1]',
        message: 'Group "system:masters" is bound to Role "deployer" in namespace "shop"',
        actual: { kind: 'Group', name: 'system:masters' },
      },
    ],
  },
  {
    name: 'the reconciled default binding passes',
    yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: system:masters
  annotations: { rbac.authorization.kubernetes.io/autoupdate: "true" }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: system:master }
subjects:
  - { kind: Group, name: system:masters }
`,
    status: 'pass',
  },
  {
    name: 'a User named system:masters is not the group',
    yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: odd }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view }
subjects:
  - { kind: User, name: system:masters }
`,
    status: 'pass',
  },
];

describe('system-masters-group', () => {
  for (const c of cases) {
    it(c.name, () => {
      const [finding, ...rest] = runCheckOn(systemMastersGroup, c.yaml);
      assert.ok(finding);
      assert.equal(rest.length, 0);
      assert.equal(finding.status, c.status, finding.reason ?? finding.message);
      if (c.violations) {
        assert.deepEqual(finding.violations, c.violations);
      }
    });
  }
});
