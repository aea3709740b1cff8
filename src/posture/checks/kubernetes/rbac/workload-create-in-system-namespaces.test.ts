import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Finding, Violation } from '#core';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { workloadCreateInSystemNamespaces } from './workload-create-in-system-namespaces.ts';

interface Case {
  readonly name: string;
  readonly rules: string;
  /** 'cluster' for a ClusterRoleBinding, else the RoleBinding's namespace. */
  readonly scope: string;
  readonly subject?: string;
  readonly status: Finding['status'];
  readonly violations?: readonly Violation[];
}

const input = (c: Case) => `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: launcher }
rules:
${c.rules}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ${c.scope === 'cluster' ? 'ClusterRoleBinding' : 'RoleBinding'}
metadata: { name: launchers${c.scope === 'cluster' ? '' : `, namespace: ${c.scope}`} }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: launcher }
subjects:
  - ${c.subject ?? '{ kind: Group, name: developers }'}
`;

const developers = (message: string): Violation => ({
  path: 'subjects[0]',
  message: `Group "developers" can ${message}`,
  actual: { kind: 'Group', name: 'developers' },
});

const cases: readonly Case[] = [
  {
    name: 'pods in kube-system',
    rules: '  - { apiGroups: [""], resources: ["pods", "services"], verbs: ["create"] }',
    scope: 'kube-system',
    status: 'fail',
    violations: [
      developers(
        'create pods in namespace "kube-system" through rules[0] of ClusterRole "launcher" (apiGroups [""], resources ["pods", "services"], verbs ["create"])',
      ),
    ],
  },
  {
    name: 'controllers cluster-wide, legacy extensions group included',
    rules:
      '  - { apiGroups: ["apps", "extensions"], resources: ["daemonsets", "statefulsets"], verbs: ["create", "update"] }',
    scope: 'cluster',
    status: 'fail',
    violations: [
      developers(
        'create daemonsets.apps, statefulsets.apps, daemonsets.extensions cluster-wide through rules[0] of ClusterRole "launcher" (apiGroups ["apps", "extensions"], resources ["daemonsets", "statefulsets"], verbs ["create", "update"])',
      ),
    ],
  },
  {
    name: 'adding ephemeral containers and creating DeploymentConfigs in an openshift-* namespace',
    rules:
      '  - { apiGroups: [""], resources: ["pods/ephemeralcontainers"], verbs: ["update"] }\n  - { apiGroups: ["apps.openshift.io"], resources: ["deploymentconfigs"], verbs: ["create"] }',
    scope: 'openshift-monitoring',
    status: 'fail',
    violations: [
      developers(
        'create deploymentconfigs.apps.openshift.io and update pods/ephemeralcontainers in namespace "openshift-monitoring" through rules[1] of ClusterRole "launcher" (apiGroups ["apps.openshift.io"], resources ["deploymentconfigs"], verbs ["create"]) and rules[0] of ClusterRole "launcher" (apiGroups [""], resources ["pods/ephemeralcontainers"], verbs ["update"])',
      ),
    ],
  },
  {
    name: 'create limited by resourceNames never matches a create request',
    rules: '  - { apiGroups: [""], resources: ["pods"], resourceNames: ["debug"], verbs: ["create"] }',
    scope: 'cluster',
    status: 'pass',
  },
  {
    name: 'an application namespace passes',
    rules: '  - { apiGroups: ["batch"], resources: ["jobs", "cronjobs"], verbs: ["create"] }',
    scope: 'shop',
    status: 'pass',
  },
  {
    name: 'a service account of the system namespace itself passes',
    rules: '  - { apiGroups: [""], resources: ["pods"], verbs: ["create"] }',
    scope: 'kube-system',
    subject: '{ kind: ServiceAccount, name: job-controller }',
    status: 'pass',
  },
];

describe('workload-create-in-system-namespaces', () => {
  for (const c of cases) {
    it(c.name, () => {
      const [finding, ...rest] = runCheckOn(workloadCreateInSystemNamespaces, input(c));
      assert.ok(finding);
      assert.equal(rest.length, 0);
      assert.equal(finding.status, c.status, finding.reason ?? finding.message);
      if (c.violations) {
        assert.deepEqual(finding.violations, c.violations);
      }
    });
  }
});
