import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Finding, Violation } from '#core';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { csrApproval } from './csr-approval.ts';

interface Case {
  readonly name: string;
  readonly rules: string;
  readonly subject?: string;
  readonly status: Finding['status'];
  readonly violations?: readonly Violation[];
}

const input = (c: Case) => `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: approver }
rules:
${c.rules}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: approvers }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: approver }
subjects:
  - ${c.subject ?? '{ kind: Group, name: pki-team }'}
`;

const cases: readonly Case[] = [
  {
    name: 'update on the approval subresource fails',
    rules:
      '  - { apiGroups: ["certificates.k8s.io"], resources: ["certificatesigningrequests/approval"], verbs: ["update"] }',
    status: 'fail',
    violations: [
      {
        path: 'subjects[0]',
        message:
          'Group "pki-team" can update certificatesigningrequests/approval.certificates.k8s.io cluster-wide through rules[0] of ClusterRole "approver" (apiGroups ["certificates.k8s.io"], resources ["certificatesigningrequests/approval"], verbs ["update"])',
        actual: { kind: 'Group', name: 'pki-team' },
      },
    ],
  },
  {
    name: 'approve on signers alone, and updates of CSR status, pass',
    rules:
      '  - { apiGroups: ["certificates.k8s.io"], resources: ["signers"], verbs: ["approve"] }\n  - { apiGroups: ["certificates.k8s.io"], resources: ["certificatesigningrequests/status"], verbs: ["update"] }',
    status: 'pass',
  },
  {
    name: 'the approval subresource in another group is not the CSR API',
    rules: '  - { apiGroups: ["example.com"], resources: ["certificatesigningrequests/approval"], verbs: ["update"] }',
    status: 'pass',
  },
  {
    name: 'an approver in a system namespace passes',
    rules:
      '  - { apiGroups: ["certificates.k8s.io"], resources: ["certificatesigningrequests/approval"], verbs: ["update"] }',
    subject: '{ kind: ServiceAccount, name: machine-approver, namespace: openshift-cluster-machine-approver }',
    status: 'pass',
  },
];

describe('csr-approval', () => {
  for (const c of cases) {
    it(c.name, () => {
      const [finding, ...rest] = runCheckOn(csrApproval, input(c));
      assert.ok(finding);
      assert.equal(rest.length, 0);
      assert.equal(finding.status, c.status, finding.reason ?? finding.message);
      if (c.violations) {
        assert.deepEqual(finding.violations, c.violations);
      }
    });
  }
});
