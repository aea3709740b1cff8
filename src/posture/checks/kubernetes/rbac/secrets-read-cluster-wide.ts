/**
 * Non-system subjects must not be able to read secrets in every namespace.
 * Reads: ClusterRoleBinding roleRef and subjects; the effective rules of the bound ClusterRole
 *   (aggregated ClusterRoles included) from the scan's RBAC model.
 * Fails on: a ClusterRoleBinding whose ClusterRole grants get, list or watch on secrets (core
 *   group) without a resourceNames limit, bound to a judged subject (see lib/rbac.ts). list and
 *   watch return the secrets' data, not only their names, so they count as reads. A rule limited
 *   by resourceNames reads only the named secrets (list and watch only with a metadata.name field
 *   selector naming one), so it passes.
 *   One violation per subject at 'subjects[i]', naming the verbs and the granting rules.
 *   RoleBindings grant only inside their namespace and are not targets of this check.
 * Not applicable: bindings of cluster-admin (cluster-admin-binding, PAL-K8S-0201, reports them
 *   once); bindings whose ClusterRole is not among the scanned resources.
 * Source: CIS Kubernetes Benchmark 1.9 5.1.2 and CIS OpenShift 1.5 5.1.2; Kubernetes RBAC good
 *   practices ("Listing secrets"): list and watch also reveal secret contents.
 */
import type { Resource } from '#core';
import { defineCheck } from '../../../check.ts';
import { evaluateBindingGrants, type Permission, RBAC_GROUP } from '../../../lib/rbac.ts';

const READ_SECRETS: readonly Permission[] = ['get', 'list', 'watch'].map((verb) => ({
  verb,
  group: '',
  resource: 'secrets',
}));

export const secretsReadClusterWide = defineCheck<Resource>({
  meta: {
    id: 'PAL-K8S-0205',
    slug: 'secrets-read-cluster-wide',
    title: 'Binding lets a non-system subject read secrets in every namespace',
    description:
      'Secrets hold service account tokens, registry credentials and application keys for every namespace. A subject that can get, list or watch them cluster-wide can take over the identities and data stored in them; list and watch return secret values too.',
    severity: 'high',
    maturity: 'stable',
    targets: [{ kind: 'ClusterRoleBinding', apiGroup: RBAC_GROUP }],
    scope: 'cluster',
    admission: false,
    frameworks: [
      { framework: 'cis-kubernetes-1.9', control: '5.1.2' },
      { framework: 'cis-openshift-1.5', control: '5.1.2' },
      { framework: 'mitre-attack-containers', control: 'T1552.007' },
      { framework: 'mitre-attack-containers', control: 'T1528' },
      { framework: 'mcsb-v1', control: 'PA-7' },
      { framework: 'mcsb-v1', control: 'IM-8' },
    ],
    remediation: {
      summary:
        'Grant secret access with RoleBindings in the namespaces that need it, limited by resourceNames to the secrets used, instead of cluster-wide.',
    },
    references: [
      'https://kubernetes.io/docs/concepts/security/rbac-good-practices/#listing-secrets',
      'https://kubernetes.io/docs/concepts/security/secrets-good-practices/',
    ],
  },
  evaluate(resource, ctx) {
    return evaluateBindingGrants(resource, ctx, { permissions: READ_SECRETS, namedRules: false, where: 'any' });
  },
});
