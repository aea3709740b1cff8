/**
 * Non-system subjects must not be able to request tokens for service accounts cluster-wide or in
 * system namespaces.
 * Reads: (Cluster)RoleBinding roleRef and subjects; the effective rules of the bound role
 *   (aggregated ClusterRoles included) from the scan's RBAC model.
 * Fails on: a ClusterRoleBinding, or a RoleBinding in a system namespace
 *   (ctx.settings.systemNamespaces), whose role grants create on serviceaccounts/token (core group)
 *   to a judged subject (see lib/rbac.ts). The TokenRequest API returns a token for the service
 *   account, so the subject gains every permission of every service account it may request
 *   tokens for; in a system namespace those are controllers and operators. Rules limited by
 *   resourceNames count (they name service accounts). One violation per subject at 'subjects[i]'.
 *   RoleBindings in other namespaces pass: the edit and admin roles include this permission for
 *   a namespace's own service accounts.
 * Not applicable: bindings of cluster-admin (cluster-admin-binding, PAL-K8S-0201, reports them
 *   once); bindings whose role is not among the scanned resources.
 * Source: CIS Kubernetes Benchmark 1.9 5.1.13; Kubernetes RBAC good practices ("Token request").
 */
import type { Resource } from '#core';
import { defineCheck } from '../../../check.ts';
import { evaluateBindingGrants, type Permission, RBAC_GROUP } from '../../../lib/rbac.ts';

const CREATE_TOKEN: readonly Permission[] = [
  { verb: 'create', group: '', resource: 'serviceaccounts', subresource: 'token' },
];

export const serviceaccountTokenCreate = defineCheck<Resource>({
  meta: {
    id: 'PAL-K8S-0214',
    slug: 'serviceaccount-token-create',
    title: 'Binding lets a non-system subject request service account tokens cluster-wide or in a system namespace',
    description:
      'Creating serviceaccounts/token returns a bearer token for the service account, which carries all of its permissions. Granted cluster-wide or in a system namespace, it reaches the identities of controllers and operators.',
    severity: 'high',
    maturity: 'stable',
    targets: [
      { kind: 'ClusterRoleBinding', apiGroup: RBAC_GROUP },
      { kind: 'RoleBinding', apiGroup: RBAC_GROUP },
    ],
    scope: 'cluster',
    admission: false,
    frameworks: [
      { framework: 'cis-kubernetes-1.9', control: '5.1.13' },
      { framework: 'mitre-attack-containers', control: 'T1528' },
      { framework: 'mitre-attack-containers', control: 'T1550.001' },
      { framework: 'mcsb-v1', control: 'IM-8' },
      { framework: 'mcsb-v1', control: 'PA-7' },
    ],
    remediation: {
      summary:
        'Remove create on serviceaccounts/token from the role, or grant it with a RoleBinding in the one application namespace that needs it, limited by resourceNames.',
    },
    references: [
      'https://kubernetes.io/docs/concepts/security/rbac-good-practices/#token-request',
      'https://kubernetes.io/docs/reference/kubernetes-api/authentication-resources/token-request-v1/',
    ],
  },
  evaluate(resource, ctx) {
    return evaluateBindingGrants(resource, ctx, {
      permissions: CREATE_TOKEN,
      namedRules: true,
      where: 'cluster-or-system-namespace',
    });
  },
});
