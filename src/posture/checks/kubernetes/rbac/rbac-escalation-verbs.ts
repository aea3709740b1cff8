/**
 * Non-system subjects must not hold the RBAC verbs that bypass privilege-escalation prevention:
 * escalate and bind on roles, and impersonate on identities.
 * Reads: (Cluster)RoleBinding roleRef and subjects; the effective rules of the bound role
 *   (aggregated ClusterRoles included) from the scan's RBAC model.
 * Fails on: a binding whose role grants, to a judged subject (see lib/rbac.ts), any of
 * - escalate or bind on roles or clusterroles (rbac.authorization.k8s.io). A RoleBinding grants
 *   them within its namespace: `bind` on clusterroles there allows RoleBindings to any ClusterRole,
 *   cluster-admin included; escalate on clusterroles needs a ClusterRoleBinding;
 * - impersonate on users, groups or serviceaccounts (core) or uids or userextras/<key>
 *   (authentication.k8s.io). Users, groups, uids and extras are cluster-wide, so only a
 *   ClusterRoleBinding grants them; a RoleBinding grants impersonation of its namespace's
 *   service accounts.
 * Rules limited by resourceNames count (the message names them): binding or impersonating even one
 *   named role or user can be enough to become cluster-admin.
 * One violation per subject at 'subjects[i]', naming verbs, resources and rules.
 * Not applicable: bindings of cluster-admin (cluster-admin-binding, PAL-K8S-0201, reports them
 *   once); bindings whose role is not among the scanned resources.
 * Source: CIS Kubernetes Benchmark 1.9 5.1.8; Kubernetes RBAC "Privilege escalation prevention and
 *   bootstrapping" and "User impersonation".
 */
import type { Resource } from '#core';
import { defineCheck } from '../../../check.ts';
import { evaluateBindingGrants, type Permission, RBAC_GROUP } from '../../../lib/rbac.ts';

const ESCALATION: readonly Permission[] = [
  { verb: 'escalate', group: RBAC_GROUP, resource: 'roles' },
  { verb: 'escalate', group: RBAC_GROUP, resource: 'clusterroles', clusterScoped: true },
  { verb: 'bind', group: RBAC_GROUP, resource: 'roles' },
  { verb: 'bind', group: RBAC_GROUP, resource: 'clusterroles' },
  { verb: 'impersonate', group: '', resource: 'users', clusterScoped: true },
  { verb: 'impersonate', group: '', resource: 'groups', clusterScoped: true },
  { verb: 'impersonate', group: '', resource: 'serviceaccounts' },
  { verb: 'impersonate', group: 'authentication.k8s.io', resource: 'uids', clusterScoped: true },
  {
    verb: 'impersonate',
    group: 'authentication.k8s.io',
    resource: 'userextras',
    anySubresource: true,
    clusterScoped: true,
  },
];

export const rbacEscalationVerbs = defineCheck<Resource>({
  meta: {
    id: 'PAL-K8S-0207',
    slug: 'rbac-escalation-verbs',
    title: 'Binding grants escalate, bind or impersonate to a non-system subject',
    description:
      'Kubernetes stops users from granting permissions they do not hold, except to holders of escalate and bind, and impersonate lets a user act as any other identity. Each of these verbs is a direct path to cluster-admin.',
    severity: 'high',
    maturity: 'stable',
    targets: [
      { kind: 'ClusterRoleBinding', apiGroup: RBAC_GROUP },
      { kind: 'RoleBinding', apiGroup: RBAC_GROUP },
    ],
    scope: 'cluster',
    admission: false,
    frameworks: [
      { framework: 'cis-kubernetes-1.9', control: '5.1.8' },
      { framework: 'mitre-attack-containers', control: 'T1098.006' },
      { framework: 'mitre-attack-containers', control: 'T1548' },
      { framework: 'mcsb-v1', control: 'PA-1' },
      { framework: 'mcsb-v1', control: 'PA-7' },
    ],
    remediation: {
      summary:
        'Remove escalate, bind and impersonate from the role; where a subject must grant roles, limit bind with resourceNames to the specific roles it may hand out.',
    },
    references: [
      'https://kubernetes.io/docs/reference/access-authn-authz/rbac/#privilege-escalation-prevention-and-bootstrapping',
      'https://kubernetes.io/docs/reference/access-authn-authz/authentication/#user-impersonation',
      'https://kubernetes.io/docs/concepts/security/rbac-good-practices/#escalate-verb',
      'https://kubernetes.io/docs/concepts/security/rbac-good-practices/#bind-verb',
      'https://kubernetes.io/docs/concepts/security/rbac-good-practices/#impersonate-verb',
    ],
  },
  evaluate(resource, ctx) {
    return evaluateBindingGrants(resource, ctx, { permissions: ESCALATION, namedRules: true, where: 'any' });
  },
});
