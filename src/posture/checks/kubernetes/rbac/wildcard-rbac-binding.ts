/**
 * Non-system subjects must not hold wildcard permissions cluster-wide or in a system namespace.
 * Reads: (Cluster)RoleBinding roleRef and subjects; the effective rules of the bound role
 *   (aggregated ClusterRoles included) from the scan's RBAC model.
 * Fails on: a ClusterRoleBinding, or a RoleBinding in a system namespace, whose role has a resource
 *   rule with "*" in verbs, apiGroups or resources (or "*\/<subresource>"), bound to a judged
 *   subject (see lib/rbac.ts). One violation per subject at 'subjects[i]', naming the rules.
 *   RoleBindings elsewhere grant only inside their own namespace and pass; the wildcard role
 *   itself is reported by wildcard-role-rules.
 * Not applicable: bindings of cluster-admin (reported by cluster-admin-binding, PAL-K8S-0201);
 *   bindings whose role is not among the scanned resources.
 * Source: CIS Kubernetes Benchmark 1.9 5.1.3 and CIS OpenShift 1.5 5.1.3; Kubernetes RBAC good practices.
 */
import type { Resource } from '#core';
import { defineCheck, notApplicable, outcome } from '../../../check.ts';
import {
  bindingOf,
  bindsClusterAdmin,
  CLUSTER_ADMIN_REPORTED,
  describeGrantingRules,
  describeScope,
  describeSubject,
  type GrantingRule,
  isSystemNamespace,
  RBAC_GROUP,
  rbacModel,
  subjectActual,
  subjectsOfConcern,
} from '../../../lib/rbac.ts';

function hasWildcard(granting: GrantingRule): boolean {
  const { rule } = granting;
  return (
    rule.verbs.includes('*') ||
    rule.apiGroups.includes('*') ||
    rule.resources.some((resource) => resource === '*' || resource.startsWith('*/'))
  );
}

export const wildcardRbacBinding = defineCheck<Resource>({
  meta: {
    id: 'PAL-K8S-0203',
    slug: 'wildcard-rbac-binding',
    title: 'Binding grants wildcard permissions to a non-system subject',
    description:
      'A subject bound to a role with "*" in its verbs, API groups or resources holds every matching permission, including ones added later by CRDs and new API versions. Cluster-wide, or in a system namespace, that is close to cluster-admin.',
    severity: 'high',
    maturity: 'stable',
    targets: [
      { kind: 'ClusterRoleBinding', apiGroup: RBAC_GROUP },
      { kind: 'RoleBinding', apiGroup: RBAC_GROUP },
    ],
    scope: 'cluster',
    admission: false,
    frameworks: [
      { framework: 'cis-kubernetes-1.9', control: '5.1.3' },
      { framework: 'cis-openshift-1.5', control: '5.1.3' },
      { framework: 'mitre-attack-containers', control: 'T1098.006' },
      { framework: 'mcsb-v1', control: 'PA-7' },
    ],
    remediation: {
      summary:
        'Bind the subject to a role that lists explicit verbs and resources, or limit the binding to a RoleBinding in the namespace it needs.',
    },
    references: [
      'https://kubernetes.io/docs/concepts/security/rbac-good-practices/#least-privilege',
      'https://kubernetes.io/docs/reference/access-authn-authz/rbac/#rolebinding-and-clusterrolebinding',
    ],
  },
  evaluate(resource, ctx) {
    const binding = bindingOf(resource, ctx);
    if (bindsClusterAdmin(binding)) {
      return notApplicable(CLUSTER_ADMIN_REPORTED);
    }
    if (binding.kind === 'RoleBinding' && !isSystemNamespace(binding.namespace, ctx.settings)) {
      return outcome([]);
    }
    const subjects = subjectsOfConcern(binding, ctx.settings);
    if (subjects.length === 0 || (binding.kind === 'ClusterRoleBinding' && binding.roleRef.kind !== 'ClusterRole')) {
      return outcome([]);
    }
    const model = rbacModel(ctx);
    const role = model.roleOf(binding);
    if (!role) {
      return notApplicable(
        `${binding.roleRef.kind} "${binding.roleRef.name}" is not among the scanned resources, so the rules it grants are unknown`,
      );
    }
    const wildcards = model.rulesOf(role).filter(hasWildcard);
    if (wildcards.length === 0) {
      return outcome([]);
    }
    const rules = describeGrantingRules(wildcards.map((rule) => ({ rule })));
    return outcome(
      subjects.map((subject) => ({
        path: subject.path,
        message: `${describeSubject(subject)} holds wildcard permissions ${describeScope(binding)} through ${rules}`,
        actual: subjectActual(subject),
      })),
    );
  },
});
