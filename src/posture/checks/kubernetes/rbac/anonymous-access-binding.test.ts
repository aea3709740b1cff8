import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Finding, Violation } from '#core';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { anonymousAccessBinding } from './anonymous-access-binding.ts';

interface Case {
  readonly name: string;
  readonly yaml: string;
  readonly resource: string;
  readonly status: Finding['status'];
  readonly violations?: readonly Violation[];
  /** Namespace of the binding to assert on, when the input holds several of that name. */
  readonly namespace?: string;
}

const clusterRole = (name: string, rules: string) => `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: "${name}" }
rules:
${rules}
---`;

const crb = (name: string, role: string, subjects: string, meta = '') => `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: "${name}"${meta} }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "${role}" }
subjects:
${subjects}`;

const UNAUTHENTICATED = '  - { kind: Group, name: system:unauthenticated }';
const ANONYMOUS = '  - { kind: User, name: system:anonymous }';

const cases: readonly Case[] = [
  {
    name: 'discovery, health and self-review rules are harmless',
    yaml:
      clusterRole(
        'public',
        `  - nonResourceURLs: ["/api", "/api/*", "/apis", "/apis/*", "/openapi/v3", "/openapi/v3/*", "/livez", "/readyz", "/version/"]
    verbs: ["get", "head"]
  - apiGroups: ["authorization.k8s.io"]
    resources: ["selfsubjectaccessreviews", "selfsubjectrulesreviews"]
    verbs: ["create"]
  - apiGroups: ["authentication.k8s.io"]
    resources: ["selfsubjectreviews"]
    verbs: ["create"]`,
      ) + crb('public', 'public', `${UNAUTHENTICATED}\n${ANONYMOUS}`),
    resource: 'public',
    status: 'pass',
  },
  {
    name: 'only the harmful rules are named; each anonymous subject is a violation',
    yaml:
      clusterRole(
        'status',
        `  - nonResourceURLs: ["/healthz"]
    verbs: ["get"]
  - apiGroups: ["authorization.k8s.io"]
    resources: ["selfsubjectaccessreviews", "subjectaccessreviews"]
    verbs: ["create"]
  - nonResourceURLs: ["/version"]
    verbs: ["post"]`,
      ) + crb('status', 'status', `  - { kind: User, name: alice }\n${ANONYMOUS}\n${UNAUTHENTICATED}`),
    resource: 'status',
    status: 'fail',
    violations: [
      {
        path: 'subjects[1]',
        message:
          'User "system:anonymous" is granted more than health, version and discovery access cluster-wide through rules[1] of ClusterRole "status" (apiGroups ["authorization.k8s.io"], resources ["selfsubjectaccessreviews", "subjectaccessreviews"], verbs ["create"]) and rules[2] of ClusterRole "status" (nonResourceURLs ["/version"], verbs ["post"])',
        actual: { kind: 'User', name: 'system:anonymous' },
      },
      {
        path: 'subjects[2]',
        message:
          'Group "system:unauthenticated" is granted more than health, version and discovery access cluster-wide through rules[1] of ClusterRole "status" (apiGroups ["authorization.k8s.io"], resources ["selfsubjectaccessreviews", "subjectaccessreviews"], verbs ["create"]) and rules[2] of ClusterRole "status" (nonResourceURLs ["/version"], verbs ["post"])',
        actual: { kind: 'Group', name: 'system:unauthenticated' },
      },
    ],
  },
  {
    name: 'a bootstrap default binding is judged by what it grants too',
    yaml: crb('cluster-admin', 'cluster-admin', ANONYMOUS, ', labels: { kubernetes.io/bootstrapping: rbac-defaults }'),
    resource: 'cluster-admin',
    status: 'fail',
    violations: [
      {
        path: 'subjects[0]',
        message:
          'User "system:anonymous" is granted more than health, version and discovery access cluster-wide through rules[0] of built-in ClusterRole "cluster-admin" (apiGroups ["*"], resources ["*"], verbs ["*"]) and rules[1] of built-in ClusterRole "cluster-admin" (nonResourceURLs ["*"], verbs ["*"])',
        actual: { kind: 'User', name: 'system:anonymous' },
      },
    ],
  },
  {
    name: 'the cluster-info config map is harmless only when bound in kube-public',
    yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: cluster-info-reader }
rules:
  - apiGroups: [""]
    resources: ["configmaps"]
    resourceNames: ["cluster-info"]
    verbs: ["get"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: cluster-info, namespace: kube-public }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-info-reader }
subjects:
${ANONYMOUS}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: cluster-info, namespace: shop }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-info-reader }
subjects:
${ANONYMOUS}
`,
    resource: 'cluster-info',
    namespace: 'shop',
    status: 'fail',
    violations: [
      {
        path: 'subjects[0]',
        message:
          'User "system:anonymous" is granted more than health, version and discovery access in namespace "shop" through rules[0] of ClusterRole "cluster-info-reader" (apiGroups [""], resources ["configmaps"], resourceNames ["cluster-info"], verbs ["get"])',
        actual: { kind: 'User', name: 'system:anonymous' },
      },
    ],
  },
  {
    name: 'a known harmless default role passes even when the scan lacks it',
    yaml: crb('basic', 'system:basic-user', UNAUTHENTICATED),
    resource: 'basic',
    status: 'pass',
  },
  {
    name: 'an unknown role fails: its rules cannot be shown harmless',
    yaml: crb('viewer', 'view', UNAUTHENTICATED),
    resource: 'viewer',
    status: 'fail',
    violations: [
      {
        path: 'subjects[0]',
        message:
          'Group "system:unauthenticated" is granted more than health, version and discovery access cluster-wide through ClusterRole "view", whose rules are not among the scanned resources',
        actual: { kind: 'Group', name: 'system:unauthenticated' },
      },
    ],
  },
  {
    name: "authenticated subjects are not this check's concern; a Group named system:anonymous matches nobody",
    yaml: crb(
      'others',
      'view',
      '  - { kind: Group, name: system:authenticated }\n  - { kind: Group, name: system:anonymous }',
    ),
    resource: 'others',
    status: 'pass',
  },
];

describe('anonymous-access-binding', () => {
  for (const c of cases) {
    it(c.name, () => {
      const [finding, ...rest] = runCheckOn(anonymousAccessBinding, c.yaml).filter(
        (f) => f.resource.name === c.resource && (c.namespace === undefined || f.resource.namespace === c.namespace),
      );
      assert.ok(finding);
      assert.equal(rest.length, 0);
      assert.equal(finding.status, c.status, finding.reason ?? finding.message);
      if (c.violations) {
        assert.deepEqual(finding.violations, c.violations);
      }
    });
  }

  it('the kube-public binding of cluster-info passes', () => {
    const yaml = cases[3]?.yaml ?? '';
    const inKubePublic = runCheckOn(anonymousAccessBinding, yaml).find((f) => f.resource.namespace === 'kube-public');
    assert.equal(inKubePublic?.status, 'pass');
  });
});
