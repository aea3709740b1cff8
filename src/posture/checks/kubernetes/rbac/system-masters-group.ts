/**
 * Bindings must not name the system:masters group.
 * Reads: (Cluster)RoleBinding subjects[*].{kind,name}, the kubernetes.io/bootstrapping label and
 *   the rbac.authorization.kubernetes.io/autoupdate annotation.
 * Fails on: a subject of kind Group named "system:masters" in a binding that is not a bootstrap
 *   default (the default "cluster-admin" ClusterRoleBinding, and OpenShift's "system:masters",
 *   bind it and are reconciled by the API server). Members of system:masters bypass RBAC
 *   entirely, and the group cannot be removed from a certificate before it expires; a binding
 *   naming it shows the cluster relies on such credentials. One violation per subject at 'subjects[i]'.
 * Source: CIS Kubernetes Benchmark 1.9 5.1.7; Kubernetes RBAC good practices ("Least privilege": avoid adding users to system:masters).
 */
import type { Resource } from '#core';
import { defineCheck, outcome } from '../../../check.ts';
import { bindingOf, describeScope, RBAC_GROUP, subjectActual } from '../../../lib/rbac.ts';

export const systemMastersGroup = defineCheck<Resource>({
  meta: {
    id: 'PAL-K8S-0210',
    slug: 'system-masters-group',
    title: 'Binding names the system:masters group',
    description:
      'Members of system:masters are authorized for everything before RBAC is even consulted, and a client certificate carrying the group cannot be revoked. Bindings to it are redundant at best and usually mean break-glass credentials are in everyday use.',
    severity: 'critical',
    maturity: 'stable',
    targets: [
      { kind: 'ClusterRoleBinding', apiGroup: RBAC_GROUP },
      { kind: 'RoleBinding', apiGroup: RBAC_GROUP },
    ],
    scope: 'object',
    admission: true,
    frameworks: [
      { framework: 'cis-kubernetes-1.9', control: '5.1.7' },
      { framework: 'mitre-attack-containers', control: 'T1078' },
      { framework: 'mitre-attack-containers', control: 'T1098.006' },
      { framework: 'mcsb-v1', control: 'PA-1' },
    ],
    remediation: {
      summary:
        'Remove the system:masters subject and bind a named group or user to the role it needs; issue administrator credentials without the system:masters group.',
    },
    references: [
      'https://kubernetes.io/docs/concepts/security/rbac-good-practices/#least-privilege',
      'https://kubernetes.io/docs/reference/access-authn-authz/rbac/#user-facing-roles',
    ],
  },
  evaluate(resource, ctx) {
    const binding = bindingOf(resource, ctx);
    if (binding.bootstrapDefault) {
      return outcome([]);
    }
    return outcome(
      binding.subjects
        .filter((s) => s.kind === 'Group' && s.name === 'system:masters')
        .map((s) => ({
          path: s.path,
          message: `Group "system:masters" is bound to ${binding.roleRef.kind} "${binding.roleRef.name}" ${describeScope(binding)}`,
          actual: subjectActual(s),
        })),
    );
  },
});
