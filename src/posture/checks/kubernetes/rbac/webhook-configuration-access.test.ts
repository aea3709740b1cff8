import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Finding, Violation } from '#core';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { webhookConfigurationAccess } from './webhook-configuration-access.ts';

interface Case {
  readonly name: string;
  readonly rules: string;
  readonly status: Finding['status'];
  readonly violations?: readonly Violation[];
}

const input = (rules: string) => `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: admission }
rules:
${rules}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: admission }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: admission }
subjects:
  - { kind: ServiceAccount, name: installer, namespace: tools }
`;

const installer = (message: string): Violation => ({
  path: 'subjects[0]',
  message: `ServiceAccount "tools/installer" can ${message}`,
  actual: { kind: 'ServiceAccount', name: 'installer', namespace: 'tools' },
});

const cases: readonly Case[] = [
  {
    name: 'patching one named webhook configuration fails and names it',
    rules:
      '  - { apiGroups: ["admissionregistration.k8s.io"], resources: ["validatingwebhookconfigurations"], resourceNames: ["cert-manager-webhook"], verbs: ["get", "patch"] }',
    status: 'fail',
    violations: [
      installer(
        'patch validatingwebhookconfigurations.admissionregistration.k8s.io named "cert-manager-webhook" cluster-wide through rules[0] of ClusterRole "admission" (apiGroups ["admissionregistration.k8s.io"], resources ["validatingwebhookconfigurations"], resourceNames ["cert-manager-webhook"], verbs ["get", "patch"])',
      ),
    ],
  },
  {
    name: 'every resource of the group covers webhooks and policies',
    rules: '  - { apiGroups: ["admissionregistration.k8s.io"], resources: ["*"], verbs: ["delete"] }',
    status: 'fail',
    violations: [
      installer(
        'delete validatingwebhookconfigurations.admissionregistration.k8s.io, mutatingwebhookconfigurations.admissionregistration.k8s.io, validatingadmissionpolicies.admissionregistration.k8s.io, validatingadmissionpolicybindings.admissionregistration.k8s.io, mutatingadmissionpolicies.admissionregistration.k8s.io, mutatingadmissionpolicybindings.admissionregistration.k8s.io cluster-wide through rules[0] of ClusterRole "admission" (apiGroups ["admissionregistration.k8s.io"], resources ["*"], verbs ["delete"])',
      ),
    ],
  },
  {
    name: 'reading webhook configurations passes',
    rules:
      '  - { apiGroups: ["admissionregistration.k8s.io"], resources: ["mutatingwebhookconfigurations"], verbs: ["get", "list", "watch"] }',
    status: 'pass',
  },
];

describe('webhook-configuration-access', () => {
  for (const c of cases) {
    it(c.name, () => {
      const [finding, ...rest] = runCheckOn(webhookConfigurationAccess, input(c.rules));
      assert.ok(finding);
      assert.equal(rest.length, 0);
      assert.equal(finding.status, c.status, finding.reason ?? finding.message);
      if (c.violations) {
        assert.deepEqual(finding.violations, c.violations);
      }
    });
  }
});
