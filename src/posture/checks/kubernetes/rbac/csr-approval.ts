/**
 * Non-system subjects must not be able to approve certificate signing requests.
 * Reads: ClusterRoleBinding roleRef and subjects; the effective rules of the bound ClusterRole
 *   (aggregated ClusterRoles included) from the scan's RBAC model.
 * Fails on: a ClusterRoleBinding whose ClusterRole grants update or patch on
 *   certificatesigningrequests/approval (certificates.k8s.io) to a judged subject (see lib/rbac.ts).
 *   Together with approve on the signer, this lets the subject approve its own request for a
 *   kube-apiserver-client certificate with any user and groups, system:masters included. The
 *   approval subresource is the control CIS names; the signer permission alone approves nothing.
 *   Rules limited by resourceNames count (they name requests, which anyone can create under any
 *   name). CSRs are cluster-scoped: RoleBindings are not targets. One violation per subject at
 *   'subjects[i]'.
 * Not applicable: bindings of cluster-admin (cluster-admin-binding, PAL-K8S-0201, reports them
 *   once); bindings whose ClusterRole is not among the scanned resources.
 * Source: CIS Kubernetes Benchmark 1.9 5.1.11; Kubernetes "Certificates and Certificate Signing
 *   Requests" (authorization of approval); RBAC good practices ("CSRs and certificate issuing").
 */
import type { Resource } from '#core';
import { defineCheck } from '../../../check.ts';
import { evaluateBindingGrants, type Permission, RBAC_GROUP } from '../../../lib/rbac.ts';

const APPROVE_CSR: readonly Permission[] = ['update', 'patch'].map((verb) => ({
  verb,
  group: 'certificates.k8s.io',
  resource: 'certificatesigningrequests',
  subresource: 'approval',
  clusterScoped: true,
}));

export const csrApproval = defineCheck<Resource>({
  meta: {
    id: 'PAL-K8S-0212',
    slug: 'csr-approval',
    title: 'Binding lets a non-system subject approve certificate signing requests',
    description:
      'Approving a CertificateSigningRequest issues a certificate the API server trusts. A subject that can approve requests can mint a client certificate for any user or group, including system:masters, and that certificate cannot be revoked.',
    severity: 'high',
    maturity: 'stable',
    targets: [{ kind: 'ClusterRoleBinding', apiGroup: RBAC_GROUP }],
    scope: 'cluster',
    admission: false,
    frameworks: [
      { framework: 'cis-kubernetes-1.9', control: '5.1.11' },
      { framework: 'mitre-attack-containers', control: 'T1078' },
      { framework: 'mitre-attack-containers', control: 'T1550.001' },
      { framework: 'mcsb-v1', control: 'PA-1' },
      { framework: 'mcsb-v1', control: 'PA-7' },
    ],
    remediation: {
      summary:
        'Remove update and patch on certificatesigningrequests/approval from the role; leave approval to the controllers that sign node certificates.',
    },
    references: [
      'https://kubernetes.io/docs/reference/access-authn-authz/certificate-signing-requests/#authorization',
      'https://kubernetes.io/docs/concepts/security/rbac-good-practices/#csrs-and-certificate-issuing',
    ],
  },
  evaluate(resource, ctx) {
    return evaluateBindingGrants(resource, ctx, { permissions: APPROVE_CSR, namedRules: true, where: 'any' });
  },
});
