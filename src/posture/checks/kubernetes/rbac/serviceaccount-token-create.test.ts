import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Finding, Violation } from '#core';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { serviceaccountTokenCreate } from './serviceaccount-token-create.ts';

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
metadata: { name: tokens }
rules:
${c.rules}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ${c.scope === 'cluster' ? 'ClusterRoleBinding' : 'RoleBinding'}
metadata: { name: tokens${c.scope === 'cluster' ? '' : `, namespace: ${c.scope}`} }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: tokens }
subjects:
  - { kind: User, name: sam }
`;

const sam = (message: string): Violation => ({
  path: 'subjects[0]',
  message: `User "sam" can ${message}`,
  actual: { kind: 'User', name: 'sam' },
});

const cases: readonly Case[] = [
  {
    name: 'cluster-wide token requests fail',
    rules: '  - { apiGroups: [""], resources: ["serviceaccounts/token"], verbs: ["create"] }',
    scope: 'cluster',
    status: 'fail',
    violations: [
      sam(
        'create serviceaccounts/token cluster-wide through rules[0] of ClusterRole "tokens" (apiGroups [""], resources ["serviceaccounts/token"], verbs ["create"])',
      ),
    ],
  },
  {
    name: 'token requests for one named account in a system namespace fail',
    rules:
      '  - { apiGroups: [""], resources: ["serviceaccounts/token"], resourceNames: ["kube-proxy"], verbs: ["create"] }',
    scope: 'kube-system',
    status: 'fail',
    violations: [
      sam(
        'create serviceaccounts/token named "kube-proxy" in namespace "kube-system" through rules[0] of ClusterRole "tokens" (apiGroups [""], resources ["serviceaccounts/token"], resourceNames ["kube-proxy"], verbs ["create"])',
      ),
    ],
  },
  {
    name: 'an application namespace passes',
    rules: '  - { apiGroups: [""], resources: ["serviceaccounts/token"], verbs: ["create"] }',
    scope: 'shop',
    status: 'pass',
  },
  {
    name: 'creating service accounts is not requesting their tokens',
    rules: '  - { apiGroups: [""], resources: ["serviceaccounts"], verbs: ["create", "get"] }',
    scope: 'cluster',
    status: 'pass',
  },
];

describe('serviceaccount-token-create', () => {
  for (const c of cases) {
    it(c.name, () => {
      const [finding, ...rest] = runCheckOn(serviceaccountTokenCreate, input(c));
      assert.ok(finding);
      assert.equal(rest.length, 0);
      assert.equal(finding.status, c.status, finding.reason ?? finding.message);
      if (c.violations) {
        assert.deepEqual(finding.violations, c.violations);
      }
    });
  }
});
