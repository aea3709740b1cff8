import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Finding, Violation } from '#core';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { wildcardRoleRules } from './wildcard-role-rules.ts';

interface Case {
  readonly name: string;
  readonly yaml: string;
  readonly resource: string;
  readonly status: Finding['status'];
  readonly violations?: readonly Violation[];
  readonly reason?: RegExp;
}

const clusterRole = (meta: string, rules: string) => `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: ${meta}
${rules}`;

const cases: readonly Case[] = [
  {
    name: 'each wildcard field is one violation at its exact index',
    yaml: clusterRole(
      '{ name: ops }',
      `rules:
  - apiGroups: [""]
    resources: ["pods"]
    verbs: ["get"]
  - apiGroups: ["apps", "*"]
    resources: ["deployments", "*"]
    verbs: ["get", "*"]`,
    ),
    resource: 'ops',
    status: 'fail',
    violations: [
      { path: 'rules[1].verbs[1]', message: 'rules[1] grants every verb ("*" in verbs)', actual: '*' },
      { path: 'rules[1].apiGroups[1]', message: 'rules[1] grants every API group ("*" in apiGroups)', actual: '*' },
      { path: 'rules[1].resources[1]', message: 'rules[1] grants every resource ("*" in resources)', actual: '*' },
    ],
  },
  {
    name: '"*/scale" and a "*" URL are wildcards; a "/healthz/*" prefix and "pods/*" are not reported',
    yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: { name: scaler, namespace: shop }
rules:
  - apiGroups: ["apps"]
    resources: ["*/scale", "pods/*"]
    verbs: ["update"]
---
${clusterRole(
  '{ name: urls }',
  `rules:
  - nonResourceURLs: ["/healthz/*", "*"]
    verbs: ["get"]`,
)}`,
    resource: 'scaler',
    status: 'fail',
    violations: [
      {
        path: 'rules[0].resources[0]',
        message: 'rules[0] grants subresource "scale" of every resource ("*/scale" in resources)',
        actual: '*/scale',
      },
    ],
  },
  {
    name: 'a non-resource URL wildcard',
    yaml: clusterRole('{ name: urls }', 'rules:\n  - nonResourceURLs: ["/healthz/*", "*"]\n    verbs: ["get"]'),
    resource: 'urls',
    status: 'fail',
    violations: [
      {
        path: 'rules[0].nonResourceURLs[1]',
        message: 'rules[0] grants every non-resource URL ("*" in nonResourceURLs)',
        actual: '*',
      },
    ],
  },
  {
    name: 'explicit rules pass',
    yaml: clusterRole(
      '{ name: reader }',
      'rules:\n  - apiGroups: [""]\n    resources: ["pods"]\n    verbs: ["get", "list"]',
    ),
    resource: 'reader',
    status: 'pass',
  },
  {
    name: 'system:-prefixed roles are platform roles',
    yaml: clusterRole(
      '{ name: "system:controller:foo" }',
      'rules:\n  - apiGroups: ["*"]\n    resources: ["*"]\n    verbs: ["*"]',
    ),
    resource: 'system:controller:foo',
    status: 'not-applicable',
    reason: /platform role/,
  },
  {
    name: 'Roles in system namespaces are platform roles',
    yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: { name: leader-election, namespace: openshift-monitoring }
rules:
  - apiGroups: ["coordination.k8s.io"]
    resources: ["leases"]
    verbs: ["*"]
`,
    resource: 'leader-election',
    status: 'not-applicable',
    reason: /platform role/,
  },
  {
    name: 'a bootstrap default (autoupdate annotation) is a platform role',
    yaml: clusterRole(
      '{ name: admin, annotations: { rbac.authorization.kubernetes.io/autoupdate: "true" } }',
      'rules:\n  - apiGroups: ["*"]\n    resources: ["*"]\n    verbs: ["*"]',
    ),
    resource: 'admin',
    status: 'not-applicable',
  },
  {
    name: 'aggregated ClusterRoles are judged through their sources',
    yaml: clusterRole(
      '{ name: agg }',
      'aggregationRule:\n  clusterRoleSelectors:\n    - matchLabels: { x: "y" }\nrules:\n  - apiGroups: ["*"]\n    resources: ["*"]\n    verbs: ["*"]',
    ),
    resource: 'agg',
    status: 'not-applicable',
    reason: /aggregated/,
  },
  {
    name: 'a rule whose verbs are not a list is an error',
    yaml: clusterRole('{ name: broken }', 'rules:\n  - apiGroups: [""]\n    resources: ["pods"]\n    verbs: "*"'),
    resource: 'broken',
    status: 'error',
    reason: /rules\[0\]\.verbs/,
  },
];

describe('wildcard-role-rules', () => {
  for (const c of cases) {
    it(c.name, () => {
      const [finding, ...rest] = runCheckOn(wildcardRoleRules, c.yaml).filter((f) => f.resource.name === c.resource);
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
