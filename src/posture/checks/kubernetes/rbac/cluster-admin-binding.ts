/**
 * The cluster-admin ClusterRole must not be bound to subjects the cluster owner chose.
 * Reads: (Cluster)RoleBinding roleRef.{kind,name}, subjects[*].{kind,name,namespace}, and the
 *   kubernetes.io/bootstrapping label and rbac.authorization.kubernetes.io/autoupdate annotation.
 * Allowed: roleRef other than ClusterRole "cluster-admin"; or only system subjects ("system:"
 *   users and groups such as system:masters, service accounts in system namespaces); or, in a
 *   bootstrap default binding, broad "system:" groups. A RoleBinding of cluster-admin fails too:
 *   it grants full control of its namespace, including its secrets and RBAC.
 * One violation per offending subject, at 'subjects[i]'. Subject classes: see lib/rbac.ts.
 * Source: CIS Kubernetes Benchmark 1.9 5.1.1 and CIS OpenShift 1.5 5.1.1; Kubernetes RBAC
 *   "User-facing roles" (cluster-admin); Azure Policy a3dc4946 (cluster-admin role only where required).
 */
import type { Resource } from '#core';
import { defineCheck, outcome } from '../../../check.ts';
import {
  bindingOf,
  describeScope,
  describeSubject,
  RBAC_GROUP,
  subjectActual,
  subjectsOfConcern,
} from '../../../lib/rbac.ts';

export const clusterAdminBinding = defineCheck<Resource>({
  meta: {
    id: 'PAL-K8S-0201',
    slug: 'cluster-admin-binding',
    title: 'Binding grants cluster-admin to a non-system subject',
    description:
      'cluster-admin allows every action on every resource, so whoever holds it can read every secret, run code on every node and grant themselves anything. It should be held by a few break-glass identities, not by users, groups or application service accounts.',
    severity: 'critical',
    maturity: 'stable',
    targets: [
      { kind: 'ClusterRoleBinding', apiGroup: RBAC_GROUP },
      { kind: 'RoleBinding', apiGroup: RBAC_GROUP },
    ],
    scope: 'object',
    admission: true,
    frameworks: [
      { framework: 'cis-kubernetes-1.9', control: '5.1.1' },
      { framework: 'cis-openshift-1.5', control: '5.1.1' },
      { framework: 'mitre-attack-containers', control: 'T1098.006' },
      { framework: 'mitre-attack-containers', control: 'T1078' },
      { framework: 'mcsb-v1', control: 'PA-1' },
      { framework: 'mcsb-v1', control: 'PA-7' },
    ],
    remediation: {
      summary:
        'Bind a least-privilege role (admin, edit, view or a custom role) instead of cluster-admin, or remove the subject from the binding.',
      steps: [
        'List who holds cluster-admin: kubectl get clusterrolebindings,rolebindings -A -o wide | grep cluster-admin',
        'For each user or service account, create a binding to a narrower role, then delete the cluster-admin binding.',
      ],
      command: 'kubectl delete clusterrolebinding <binding-name>',
    },
    references: [
      'https://kubernetes.io/docs/reference/access-authn-authz/rbac/#user-facing-roles',
      'https://kubernetes.io/docs/concepts/security/rbac-good-practices/#least-privilege',
    ],
  },
  evaluate(resource, ctx) {
    const binding = bindingOf(resource, ctx);
    if (binding.roleRef.kind !== 'ClusterRole' || binding.roleRef.name !== 'cluster-admin') {
      return outcome([]);
    }
    return outcome(
      subjectsOfConcern(binding, ctx.settings).map((subject) => ({
        path: subject.path,
        message: `${describeSubject(subject)} is bound to ClusterRole "cluster-admin" ${describeScope(binding)}`,
        actual: subjectActual(subject),
      })),
    );
  },
});
