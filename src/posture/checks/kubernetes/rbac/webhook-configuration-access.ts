/**
 * Non-system subjects must not be able to change admission webhooks and admission policies.
 * Reads: ClusterRoleBinding roleRef and subjects; the effective rules of the bound ClusterRole
 *   (aggregated ClusterRoles included) from the scan's RBAC model.
 * Fails on: a ClusterRoleBinding whose ClusterRole grants create, update, patch, delete or
 *   deletecollection on validatingwebhookconfigurations, mutatingwebhookconfigurations,
 *   validatingadmissionpolicies, validatingadmissionpolicybindings, mutatingadmissionpolicies or
 *   mutatingadmissionpolicybindings (admissionregistration.k8s.io) to a judged subject (see
 *   lib/rbac.ts). A mutating webhook sees, and can change, every object it selects (secrets
 *   included); deleting or editing a webhook or policy switches off the controls it enforces.
 *   Rules limited by resourceNames count (they allow editing the named configurations). These
 *   objects are cluster-scoped: RoleBindings are not targets. One violation per subject at
 *   'subjects[i]'.
 * Not applicable: bindings of cluster-admin (cluster-admin-binding, PAL-K8S-0201, reports them
 *   once); bindings whose ClusterRole is not among the scanned resources.
 * Source: CIS Kubernetes Benchmark 1.9 5.1.12; Kubernetes RBAC good practices ("Control admission webhooks").
 */
import type { Resource } from '#core';
import { defineCheck } from '../../../check.ts';
import { evaluateBindingGrants, type Permission, RBAC_GROUP } from '../../../lib/rbac.ts';

const ADMISSION_RESOURCES = [
  'validatingwebhookconfigurations',
  'mutatingwebhookconfigurations',
  'validatingadmissionpolicies',
  'validatingadmissionpolicybindings',
  'mutatingadmissionpolicies',
  'mutatingadmissionpolicybindings',
] as const;

const CHANGE_ADMISSION: readonly Permission[] = ADMISSION_RESOURCES.flatMap((resource) =>
  ['create', 'update', 'patch', 'delete', 'deletecollection'].map((verb) => ({
    verb,
    group: 'admissionregistration.k8s.io',
    resource,
    clusterScoped: true,
  })),
);

export const webhookConfigurationAccess = defineCheck<Resource>({
  meta: {
    id: 'PAL-K8S-0213',
    slug: 'webhook-configuration-access',
    title: 'Binding lets a non-system subject change admission webhooks or policies',
    description:
      'Admission webhooks and policies see every request they select and can change or reject it. Whoever can edit them can read secrets as they are written, inject containers into new pods, or switch off the policies that keep workloads safe.',
    severity: 'high',
    maturity: 'stable',
    targets: [{ kind: 'ClusterRoleBinding', apiGroup: RBAC_GROUP }],
    scope: 'cluster',
    admission: false,
    frameworks: [
      { framework: 'cis-kubernetes-1.9', control: '5.1.12' },
      { framework: 'mitre-attack-containers', control: 'T1562.001' },
      { framework: 'mitre-attack-containers', control: 'T1557' },
      { framework: 'mcsb-v1', control: 'PA-7' },
    ],
    remediation: {
      summary:
        'Remove write verbs on webhook configurations and admission policies from the role; leave them to the platform team and the operators that own each webhook.',
    },
    references: [
      'https://kubernetes.io/docs/concepts/security/rbac-good-practices/#control-admission-webhooks',
      'https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/',
    ],
  },
  evaluate(resource, ctx) {
    return evaluateBindingGrants(resource, ctx, { permissions: CHANGE_ADMISSION, namedRules: true, where: 'any' });
  },
});
