import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Finding, Violation } from '#core';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { sccUsePrivileged } from './scc-use-privileged.ts';

interface Case {
  readonly name: string;
  readonly yaml: string;
  /** Kind and name of the object to assert on. */
  readonly target: string;
  readonly status: Finding['status'];
  readonly violations?: readonly Violation[];
  readonly reason?: RegExp;
}

const useRole = (name: string, resourceNames?: string, resources = '["securitycontextconstraints"]') => `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: ${name} }
rules:
  - apiGroups: ["security.openshift.io"]
    resources: ${resources}
${resourceNames ? `    resourceNames: ${resourceNames}\n` : ''}    verbs: ["use"]
---`;

const roleBinding = (role: string, subject: string) => `
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: use-scc, namespace: shop }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: ${role} }
subjects:
  - ${subject}
`;

const APP = '{ kind: ServiceAccount, name: app }';

const CUSTOM_SCC = `
apiVersion: security.openshift.io/v1
kind: SecurityContextConstraints
metadata: { name: log-reader }
allowHostDirVolumePlugin: true
allowHostNetwork: false
allowPrivilegedContainer: false
runAsUser: { type: MustRunAsRange }
seLinuxContext: { type: MustRunAs }
volumes: [hostPath, configMap]
users:
  - system:serviceaccount:shop:app
  - system:serviceaccount:openshift-logging:collector
  - alice
groups:
  - system:cluster-admins
  - system:serviceaccounts
---`;

const cases: readonly Case[] = [
  {
    name: 'a RoleBinding to the anyuid SCC role (oc adm policy add-scc-to-user) fails',
    yaml: useRole('system:openshift:scc:anyuid', '["anyuid"]') + roleBinding('system:openshift:scc:anyuid', APP),
    target: 'RoleBinding/use-scc',
    status: 'fail',
    violations: [
      {
        path: 'subjects[0]',
        message:
          'ServiceAccount "shop/app" can use SCC "anyuid" (any user ID including root) in namespace "shop" through rules[0] of ClusterRole "system:openshift:scc:anyuid" (apiGroups ["security.openshift.io"], resources ["securitycontextconstraints"], resourceNames ["anyuid"], verbs ["use"])',
        actual: { kind: 'ServiceAccount', name: 'app', namespace: 'shop' },
      },
    ],
  },
  {
    name: 'a custom SCC in the scan is judged by its definition; unprivileged names are dropped',
    yaml:
      CUSTOM_SCC +
      useRole('log-reader', '["log-reader", "restricted-v2", "vendor-unknown"]') +
      roleBinding('log-reader', APP),
    target: 'RoleBinding/use-scc',
    status: 'fail',
    violations: [
      {
        path: 'subjects[0]',
        message:
          'ServiceAccount "shop/app" can use SCC "log-reader" (host directory volumes, hostPath volumes) in namespace "shop" through rules[0] of ClusterRole "log-reader" (apiGroups ["security.openshift.io"], resources ["securitycontextconstraints"], resourceNames ["log-reader", "restricted-v2", "vendor-unknown"], verbs ["use"])',
        actual: { kind: 'ServiceAccount', name: 'app', namespace: 'shop' },
      },
    ],
  },
  {
    name: 'no resourceNames covers every SCC',
    yaml: useRole('any-scc') + roleBinding('any-scc', '{ kind: Group, name: developers }'),
    target: 'RoleBinding/use-scc',
    status: 'fail',
    violations: [
      {
        path: 'subjects[0]',
        message:
          'Group "developers" can use every SCC (privileged included) in namespace "shop" through rules[0] of ClusterRole "any-scc" (apiGroups ["security.openshift.io"], resources ["securitycontextconstraints"], verbs ["use"])',
        actual: { kind: 'Group', name: 'developers' },
      },
    ],
  },
  {
    name: 'restricted SCCs and unknown SCCs pass',
    yaml: useRole('safe', '["restricted-v2", "nonroot-v2", "vendor-unknown"]') + roleBinding('safe', APP),
    target: 'RoleBinding/use-scc',
    status: 'pass',
  },
  {
    name: 'grants only through resources "*" are left to the wildcard checks',
    yaml: useRole('wild', undefined, '["*"]') + roleBinding('wild', APP),
    target: 'RoleBinding/use-scc',
    status: 'pass',
  },
  {
    name: 'a service account of a system namespace may use privileged SCCs',
    yaml: `${useRole('system:openshift:scc:privileged', '["privileged"]')}
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: use-scc, namespace: openshift-dns }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: system:openshift:scc:privileged }
subjects:
  - { kind: ServiceAccount, name: dns }
`,
    target: 'RoleBinding/use-scc',
    status: 'pass',
  },
  {
    name: "the SCC's own users and groups: non-system entries fail, system ones pass",
    yaml: CUSTOM_SCC,
    target: 'SecurityContextConstraints/log-reader',
    status: 'fail',
    violations: [
      {
        path: 'users[0]',
        message:
          'ServiceAccount "shop/app" may use SCC "log-reader", which allows host directory volumes, hostPath volumes',
        actual: { kind: 'ServiceAccount', name: 'app', namespace: 'shop' },
      },
      {
        path: 'users[2]',
        message: 'User "alice" may use SCC "log-reader", which allows host directory volumes, hostPath volumes',
        actual: { kind: 'User', name: 'alice' },
      },
      {
        path: 'groups[1]',
        message:
          'Group "system:serviceaccounts" may use SCC "log-reader", which allows host directory volumes, hostPath volumes',
        actual: { kind: 'Group', name: 'system:serviceaccounts' },
      },
    ],
  },
  {
    name: 'an SCC that allows nothing privileged may list anyone',
    yaml: `
apiVersion: security.openshift.io/v1
kind: SecurityContextConstraints
metadata: { name: team-restricted }
allowHostDirVolumePlugin: false
allowHostNetwork: false
allowPrivilegedContainer: false
runAsUser: { type: MustRunAsRange }
seLinuxContext: { type: MustRunAs }
groups: [system:authenticated]
`,
    target: 'SecurityContextConstraints/team-restricted',
    status: 'pass',
  },
  {
    name: 'cluster-admin bindings are left to cluster-admin-binding',
    yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: admins }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin }
subjects: [ { kind: User, name: alice } ]
`,
    target: 'ClusterRoleBinding/admins',
    status: 'not-applicable',
    reason: /PAL-K8S-0201/,
  },
];

describe('scc-use-privileged', () => {
  for (const c of cases) {
    it(c.name, () => {
      const [finding, ...rest] = runCheckOn(sccUsePrivileged, c.yaml).filter(
        (f) => `${f.resource.kind}/${f.resource.name}` === c.target,
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

  it('an edited restricted-v2 in the scan makes the default binding for everyone fail', () => {
    const yaml = `
apiVersion: security.openshift.io/v1
kind: SecurityContextConstraints
metadata: { name: restricted-v2 }
allowHostNetwork: true
runAsUser: { type: MustRunAsRange }
seLinuxContext: { type: MustRunAs }
---
${useRole('system:openshift:scc:restricted-v2', '["restricted-v2"]')}
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: system:openshift:scc:restricted-v2 }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: system:openshift:scc:restricted-v2 }
subjects:
  - { kind: Group, name: system:authenticated }
`;
    const finding = runCheckOn(sccUsePrivileged, yaml).find((f) => f.resource.kind === 'ClusterRoleBinding');
    assert.equal(finding?.status, 'fail');
    assert.equal(
      finding?.violations[0]?.message,
      'Group "system:authenticated" can use SCC "restricted-v2" (host network) cluster-wide through rules[0] of ClusterRole "system:openshift:scc:restricted-v2" (apiGroups ["security.openshift.io"], resources ["securitycontextconstraints"], resourceNames ["restricted-v2"], verbs ["use"])',
    );
  });
});
