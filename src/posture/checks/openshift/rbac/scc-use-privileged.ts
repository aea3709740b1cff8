/**
 * Only system identities may use privileged SecurityContextConstraints.
 * Reads: (Cluster)RoleBinding roleRef and subjects with the effective rules of the bound role
 *   (aggregated ClusterRoles included) from the scan's RBAC model; SecurityContextConstraints users
 *   and groups and their definition.
 * Privileged SCC: one that lets pods reach the host or run as any user (allowPrivilegedContainer,
 *   host network/PID/IPC/ports, host directory or hostPath volumes, runAsUser or seLinuxContext
 *   RunAsAny, dangerous capabilities, every unsafe sysctl). An SCC in the scan is judged by its
 *   definition; one that is not is judged by the table of SCCs OpenShift ships (lib/rbac.ts
 *   DEFAULT_SCCS): privileged, anyuid, hostaccess, hostmount-anyuid, hostmount-anyuid-v2,
 *   hostnetwork, hostnetwork-v2, node-exporter and machine-api-termination-handler are privileged.
 *   An SCC neither in the scan nor shipped by OpenShift is unknown and not reported.
 * Fails on:
 * - a binding whose role has a rule with verb "use" (or "*") on resource "securitycontextconstraints"
 *   in API group security.openshift.io (or "*") that covers a privileged SCC (no resourceNames
 *   covers every SCC), bound to a judged subject (lib/rbac.ts). A RoleBinding grants the SCC to
 *   pods in its namespace, a ClusterRoleBinding everywhere; both fail. One violation per subject at
 *   'subjects[i]'. Rules that reach SCCs only through resources "*" are not reported here:
 *   cluster-admin-binding and wildcard-rbac-binding report them;
 * - a privileged SCC whose own users or groups list a subject other than system identities
 *   ("system:" users and groups, service accounts of system namespaces written as
 *   "system:serviceaccount:<ns>:<name>"). Broad groups such as system:authenticated fail here.
 *   One violation per entry at 'users[i]' or 'groups[i]'.
 * Not applicable: bindings of cluster-admin (cluster-admin-binding, PAL-K8S-0201, reports them
 *   once); bindings whose role is not among the scanned resources.
 * Source: CIS OpenShift Benchmark 1.5 5.2.10; OpenShift "Role-based access to security context
 *   constraints" (use verb on securitycontextconstraints, namespace-scoped through RoleBindings).
 */
import type { Resource, Violation } from '#core';
import { type CheckContext, type CheckOutcome, defineCheck, notApplicable, outcome } from '../../../check.ts';
import {
  apiGroupMatches,
  bindingOf,
  bindsClusterAdmin,
  CLUSTER_ADMIN_REPORTED,
  classifySubject,
  describeGrantingRules,
  describeScope,
  describeSubject,
  type GrantingRule,
  privilegedSccSettings,
  privilegedSettingsOfScc,
  RBAC_GROUP,
  rbacModel,
  SCC_GROUP,
  SCC_SETTING_TEXT,
  type SccSetting,
  sccSubjects,
  subjectActual,
  subjectsOfConcern,
  verbMatches,
} from '../../../lib/rbac.ts';

function settingsText(settings: readonly SccSetting[]): string {
  return settings.map((s) => SCC_SETTING_TEXT[s]).join(', ');
}

function evaluateScc(resource: Resource, ctx: CheckContext): CheckOutcome {
  const privileged = privilegedSccSettings(resource, ctx.settings);
  if (privileged.length === 0) {
    return outcome([]);
  }
  const violations: Violation[] = [];
  for (const subject of sccSubjects(resource)) {
    if (classifySubject(subject, ctx.settings) === 'system') {
      continue;
    }
    violations.push({
      path: subject.path,
      message: `${describeSubject(subject)} may use SCC "${resource.name}", which allows ${settingsText(privileged)}`,
      actual: subjectActual(subject),
    });
  }
  return outcome(violations);
}

function evaluateBinding(resource: Resource, ctx: CheckContext): CheckOutcome {
  const binding = bindingOf(resource, ctx);
  if (bindsClusterAdmin(binding)) {
    return notApplicable(CLUSTER_ADMIN_REPORTED);
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
  const granting: GrantingRule[] = [];
  const sccs = new Map<string, string>();
  for (const rule of model.rulesOf(role)) {
    const r = rule.rule;
    if (
      !verbMatches(r, 'use') ||
      !apiGroupMatches(r, SCC_GROUP) ||
      !r.resources.includes('securitycontextconstraints')
    ) {
      continue;
    }
    if (r.resourceNames.length === 0) {
      granting.push(rule);
      sccs.set('*', 'every SCC (privileged included)');
      continue;
    }
    let privileged = false;
    for (const name of r.resourceNames) {
      const settings = privilegedSettingsOfScc(name, ctx.inventory, ctx.settings);
      if (settings && settings.length > 0) {
        privileged = true;
        sccs.set(name, `SCC "${name}" (${settingsText(settings)})`);
      }
    }
    if (privileged) {
      granting.push(rule);
    }
  }
  if (granting.length === 0) {
    return outcome([]);
  }
  const what = `${[...sccs.values()].join(', ')} ${describeScope(binding)} through ${describeGrantingRules(granting.map((rule) => ({ rule })))}`;
  return outcome(
    subjects.map((subject) => ({
      path: subject.path,
      message: `${describeSubject(subject)} can use ${what}`,
      actual: subjectActual(subject),
    })),
  );
}

export const sccUsePrivileged = defineCheck<Resource>({
  meta: {
    id: 'PAL-OCP-0001',
    slug: 'scc-use-privileged',
    title: 'Non-system subject can use a privileged SecurityContextConstraints',
    description:
      "Whoever can use a privileged SCC such as privileged, anyuid or hostaccess can create pods that run as root or share the node's namespaces and file system, which is a short step to controlling the node. These SCCs are meant for platform components only.",
    severity: 'high',
    maturity: 'stable',
    targets: [
      { kind: 'ClusterRoleBinding', apiGroup: RBAC_GROUP },
      { kind: 'RoleBinding', apiGroup: RBAC_GROUP },
      { kind: 'SecurityContextConstraints', apiGroup: SCC_GROUP },
    ],
    scope: 'cluster',
    admission: false,
    frameworks: [
      { framework: 'cis-openshift-1.5', control: '5.2.10' },
      { framework: 'mitre-attack-containers', control: 'T1611' },
      { framework: 'mitre-attack-containers', control: 'T1610' },
      { framework: 'mcsb-v1', control: 'PA-7' },
    ],
    remediation: {
      summary:
        'Remove the subject from the SCC and from bindings that grant use of it; give the workload a custom SCC, based on restricted-v2, that allows only what it needs.',
      command: 'oc adm policy remove-scc-from-user <scc> -z <service-account> -n <namespace>',
    },
    references: [
      'https://docs.openshift.com/container-platform/latest/authentication/managing-security-context-constraints.html#role-based-access-to-ssc_configuring-internal-oauth',
      'https://docs.openshift.com/container-platform/latest/authentication/managing-security-context-constraints.html',
    ],
  },
  evaluate(resource, ctx) {
    return resource.kind === 'SecurityContextConstraints' ? evaluateScc(resource, ctx) : evaluateBinding(resource, ctx);
  },
});
