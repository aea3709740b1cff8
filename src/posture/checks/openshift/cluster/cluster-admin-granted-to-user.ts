/**
 * cluster-admin must be granted to groups, not to individual users or application service accounts.
 * Reads: ClusterRoleBinding roleRef.{kind,name} and subjects[*].{kind,name,namespace}.
 * Compliant: every subject of a ClusterRoleBinding to ClusterRole "cluster-admin" is a Group, or a
 *   system identity (lib/rbac.ts classifySubject: "system:" users such as system:admin, service
 *   accounts of settings.systemNamespaces, written as ServiceAccount subjects or as
 *   "system:serviceaccount:<ns>:<name>" users).
 * Fails: one violation per User or ServiceAccount subject that is not a system identity, at
 *   'subjects[i]'. Membership of a group is managed in the identity provider (Microsoft Entra ID),
 *   where access reviews, PIM and offboarding apply; a user bound by name keeps cluster-admin until
 *   someone edits the binding.
 * Shipped bindings (PLATFORM_CLUSTER_ADMIN_SUBJECTS): OpenShift ships ClusterRoleBinding
 *   "cluster-admin" (Group system:masters) and "cluster-admins" (Group system:cluster-admins and
 *   User system:admin); their shipped subjects are skipped by name, so a user appended to them is
 *   still reported. Bindings the platform operators create (cluster-version-operator,
 *   system:openshift:operator:*, ...) bind service accounts of openshift-* namespaces, which are
 *   system identities.
 * Not applicable: bindings of any other role. RoleBindings of cluster-admin are not judged here.
 * Related: cluster-admin-binding (PAL-K8S-0201) reports every non-system subject of cluster-admin,
 *   groups included; this check states the ARO landing zone rule that direct grants go to groups.
 * Source: CIS OpenShift Benchmark 1.5 5.1.1; Azure Red Hat OpenShift landing zone security guidance
 *   ("grant cluster-admin to groups"); OpenShift "Using RBAC to define and apply permissions"
 *   (default cluster role bindings).
 */
import type { Resource, Violation } from '#core';
import { defineCheck, notApplicable, outcome } from '../../../check.ts';
import { bindingOf, classifySubject, describeSubject, RBAC_GROUP, subjectActual } from '../../../lib/rbac.ts';

/** ClusterRoleBindings to cluster-admin that OpenShift ships, with the subjects it ships them with. */
export const PLATFORM_CLUSTER_ADMIN_SUBJECTS: ReadonlyMap<string, readonly string[]> = new Map([
  ['cluster-admin', ['Group/system:masters']],
  ['cluster-admins', ['Group/system:cluster-admins', 'User/system:admin']],
]);

const JUDGED_KINDS: ReadonlySet<string> = new Set(['User', 'ServiceAccount']);

export const clusterAdminGrantedToUser = defineCheck<Resource>({
  meta: {
    id: 'PAL-OCP-0204',
    slug: 'cluster-admin-granted-to-user',
    title: 'cluster-admin is granted to a user or service account instead of a group',
    description:
      'A user bound to cluster-admin by name keeps full control of the cluster until someone edits the binding, outside the access reviews and offboarding of the identity provider. An application service account with cluster-admin turns any compromise of its pods into a cluster compromise.',
    severity: 'high',
    maturity: 'stable',
    targets: [{ kind: 'ClusterRoleBinding', apiGroup: RBAC_GROUP }],
    scope: 'object',
    admission: false,
    securityControl: 'manage-access-and-permissions',
    frameworks: [
      { framework: 'cis-openshift-1.5', control: '5.1.1' },
      { framework: 'aro-landing-zone', control: 'ARO-IAM-3' },
      { framework: 'mcsb-v1', control: 'PA-1' },
      { framework: 'mcsb-v1', control: 'PA-7' },
    ],
    remediation: {
      summary:
        'Bind cluster-admin to an identity-provider group (for example an Entra ID group synced to OpenShift) and remove users and service accounts from the binding.',
      steps: [
        'Grant cluster-admin to the administrators group: oc adm policy add-cluster-role-to-group cluster-admin <admin-group>',
        'Remove each reported user: oc adm policy remove-cluster-role-from-user cluster-admin <user>',
        'Give each reported service account a narrower role instead of cluster-admin: oc adm policy remove-cluster-role-from-user cluster-admin -z <service-account> -n <namespace>',
      ],
      command: 'oc adm policy remove-cluster-role-from-user cluster-admin <user>',
      kubernetesPatch: 'subjects:\n  - apiGroup: rbac.authorization.k8s.io\n    kind: Group\n    name: <admin-group>\n',
    },
    references: [
      'https://docs.openshift.com/container-platform/latest/authentication/using-rbac.html',
      'https://learn.microsoft.com/azure/cloud-adoption-framework/scenarios/app-platform/azure-red-hat-openshift/security',
    ],
  },
  evaluate(resource, ctx) {
    const binding = bindingOf(resource, ctx);
    if (binding.roleRef.kind !== 'ClusterRole' || binding.roleRef.name !== 'cluster-admin') {
      return notApplicable(`the binding grants ${binding.roleRef.kind} "${binding.roleRef.name}", not cluster-admin`);
    }
    const shipped = PLATFORM_CLUSTER_ADMIN_SUBJECTS.get(binding.name) ?? [];
    const violations: Violation[] = [];
    for (const subject of binding.subjects) {
      if (!JUDGED_KINDS.has(subject.kind) || shipped.includes(`${subject.kind}/${subject.name}`)) {
        continue;
      }
      if (classifySubject(subject, ctx.settings) === 'system') {
        continue;
      }
      const why =
        subject.kind === 'User'
          ? 'grant it through a group managed in the identity provider'
          : 'an application service account should hold a narrower role';
      violations.push({
        path: subject.path,
        message: `${describeSubject(subject)} holds cluster-admin directly through ClusterRoleBinding "${binding.name}"; ${why}`,
        actual: subjectActual(subject),
      });
    }
    return outcome(violations);
  },
});
