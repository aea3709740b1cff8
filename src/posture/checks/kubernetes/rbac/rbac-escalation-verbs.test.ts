import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Finding, Violation } from '#core';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { rbacEscalationVerbs } from './rbac-escalation-verbs.ts';

interface Case {
  readonly name: string;
  readonly rules: string;
  /** 'cluster' for a ClusterRoleBinding, else the RoleBinding's namespace. */
  readonly scope: string;
  readonly subject?: string;
  readonly meta?: string;
  readonly status: Finding['status'];
  readonly violations?: readonly Violation[];
}

const input = (c: Case) => `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: granter }
rules:
${c.rules}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ${c.scope === 'cluster' ? 'ClusterRoleBinding' : 'RoleBinding'}
metadata: { name: granters${c.scope === 'cluster' ? '' : `, namespace: ${c.scope}`}${c.meta ?? ''} }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: granter }
subjects:
  - ${c.subject ?? '{ kind: User, name: lee }'}
`;

const lee = (message: string): Violation => ({
  path: 'subjects[0]',
  message: `User "lee" can ${message}`,
  actual: { kind: 'User', name: 'lee' },
});

const cases: readonly Case[] = [
  {
    name: 'escalate and bind on roles in a namespace',
    rules:
      '  - { apiGroups: ["rbac.authorization.k8s.io"], resources: ["roles", "clusterroles"], verbs: ["escalate", "bind"] }',
    scope: 'shop',
    status: 'fail',
    violations: [
      lee(
        'escalate, bind roles.rbac.authorization.k8s.io and bind clusterroles.rbac.authorization.k8s.io in namespace "shop" through rules[0] of ClusterRole "granter" (apiGroups ["rbac.authorization.k8s.io"], resources ["roles", "clusterroles"], verbs ["escalate", "bind"])',
      ),
    ],
  },
  {
    name: 'impersonating users needs a ClusterRoleBinding; service accounts of the namespace do not',
    rules: '  - { apiGroups: [""], resources: ["users", "serviceaccounts"], verbs: ["impersonate"] }',
    scope: 'shop',
    status: 'fail',
    violations: [
      lee(
        'impersonate serviceaccounts in namespace "shop" through rules[0] of ClusterRole "granter" (apiGroups [""], resources ["users", "serviceaccounts"], verbs ["impersonate"])',
      ),
    ],
  },
  {
    name: 'cluster-wide impersonation of uids and one user extra',
    rules:
      '  - { apiGroups: ["authentication.k8s.io"], resources: ["uids", "userextras/reason"], verbs: ["impersonate"] }',
    scope: 'cluster',
    status: 'fail',
    violations: [
      lee(
        'impersonate uids.authentication.k8s.io, userextras/<any>.authentication.k8s.io cluster-wide through rules[0] of ClusterRole "granter" (apiGroups ["authentication.k8s.io"], resources ["uids", "userextras/reason"], verbs ["impersonate"])',
      ),
    ],
  },
  {
    name: 'bind limited to named roles still counts and names them',
    rules:
      '  - { apiGroups: ["rbac.authorization.k8s.io"], resources: ["clusterroles"], resourceNames: ["view"], verbs: ["bind"] }',
    scope: 'cluster',
    status: 'fail',
    violations: [
      lee(
        'bind clusterroles.rbac.authorization.k8s.io named "view" cluster-wide through rules[0] of ClusterRole "granter" (apiGroups ["rbac.authorization.k8s.io"], resources ["clusterroles"], resourceNames ["view"], verbs ["bind"])',
      ),
    ],
  },
  {
    name: 'managing bindings without bind or escalate passes',
    rules:
      '  - { apiGroups: ["rbac.authorization.k8s.io"], resources: ["rolebindings", "roles"], verbs: ["create", "update", "delete"] }',
    scope: 'cluster',
    status: 'pass',
  },
  {
    name: 'a broad group in a reconciled default passes',
    rules:
      '  - { apiGroups: ["authentication.k8s.io"], resources: ["userextras/scopes.authorization.openshift.io"], verbs: ["impersonate"] }',
    scope: 'cluster',
    subject: '{ kind: Group, name: system:authenticated }',
    meta: ', annotations: { rbac.authorization.kubernetes.io/autoupdate: "true" }',
    status: 'pass',
  },
  {
    name: 'the same grant in a binding someone created fails',
    rules:
      '  - { apiGroups: ["authentication.k8s.io"], resources: ["userextras/scopes.authorization.openshift.io"], verbs: ["impersonate"] }',
    scope: 'cluster',
    subject: '{ kind: Group, name: system:authenticated }',
    status: 'fail',
  },
];

describe('rbac-escalation-verbs', () => {
  for (const c of cases) {
    it(c.name, () => {
      const [finding, ...rest] = runCheckOn(rbacEscalationVerbs, input(c));
      assert.ok(finding);
      assert.equal(rest.length, 0);
      assert.equal(finding.status, c.status, finding.reason ?? finding.message);
      if (c.violations) {
        assert.deepEqual(finding.violations, c.violations);
      }
    });
  }
});
