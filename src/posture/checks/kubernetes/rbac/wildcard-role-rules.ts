/**
 * Roles and ClusterRoles must name the verbs, API groups, resources and URLs they grant.
 * Reads: rules[*].{verbs,apiGroups,resources,nonResourceURLs}, aggregationRule, metadata.name,
 *   metadata.namespace, the kubernetes.io/bootstrapping label and the autoupdate annotation.
 * Fails on: "*" in verbs, apiGroups or resources; "*\/<subresource>" in resources (that
 *   subresource of every resource); "*" in nonResourceURLs. Each wildcard is one violation at
 *   'rules[i].<field>[j]'. A trailing-star URL prefix ('/healthz/*') is not reported: it is scoped.
 * Not applicable: platform roles (bootstrap defaults, "system:"-prefixed names, Roles in system
 *   namespaces), which ship with the cluster and are judged by who is bound to them; aggregated
 *   ClusterRoles, whose rules the aggregation controller copies from the ClusterRoles it selects
 *   (those are checked themselves).
 * Source: CIS Kubernetes Benchmark 1.9 5.1.3 and CIS OpenShift 1.5 5.1.3; Kubernetes RBAC good
 *   practices ("avoid wildcards"); Azure Policy ca8d5704 (minimize wildcard use in role and cluster role).
 */
import type { Resource, Violation } from '#core';
import { defineCheck, notApplicable, outcome } from '../../../check.ts';
import { describeRole, isPlatformRole, RBAC_GROUP, readRole } from '../../../lib/rbac.ts';

const FIELD_TEXT = {
  verbs: 'every verb',
  apiGroups: 'every API group',
  resources: 'every resource',
  nonResourceURLs: 'every non-resource URL',
} as const;

export const wildcardRoleRules = defineCheck<Resource>({
  meta: {
    id: 'PAL-K8S-0202',
    slug: 'wildcard-role-rules',
    title: 'Role grants permissions through wildcards',
    description:
      'A "*" in a rule grants every current and future verb, resource or API group, including ones added later by new Kubernetes versions, CRDs and aggregated APIs. Such a role cannot be reviewed and usually grants far more than its holders need.',
    severity: 'high',
    maturity: 'stable',
    targets: [
      { kind: 'ClusterRole', apiGroup: RBAC_GROUP },
      { kind: 'Role', apiGroup: RBAC_GROUP },
    ],
    scope: 'object',
    admission: true,
    frameworks: [
      { framework: 'cis-kubernetes-1.9', control: '5.1.3' },
      { framework: 'cis-openshift-1.5', control: '5.1.3' },
      { framework: 'mitre-attack-containers', control: 'T1098.006' },
      { framework: 'mcsb-v1', control: 'PA-7' },
    ],
    remediation: {
      summary: 'Replace each "*" with the explicit verbs, API groups, resources or URLs the role needs.',
      steps: [
        'Find what the holders actually use, for example from the API server audit log, or with kubectl auth can-i --list --as=<subject>.',
        'List those verbs and resources explicitly in the rule.',
      ],
    },
    references: [
      'https://kubernetes.io/docs/concepts/security/rbac-good-practices/#least-privilege',
      'https://kubernetes.io/docs/reference/access-authn-authz/rbac/#referring-to-resources',
    ],
  },
  evaluate(resource, ctx) {
    const role = readRole(resource);
    if (isPlatformRole(resource, ctx.settings)) {
      return notApplicable(`${describeRole(role)} is a platform role; its bindings are checked instead`);
    }
    if (role.selectors) {
      return notApplicable(
        `${describeRole(role)} is aggregated: its rules come from the ClusterRoles it selects, which are checked themselves`,
      );
    }
    const violations: Violation[] = [];
    for (const [i, rule] of role.rules.entries()) {
      for (const field of ['verbs', 'apiGroups', 'resources', 'nonResourceURLs'] as const) {
        for (const [j, value] of rule[field].entries()) {
          if (value === '*') {
            violations.push({
              path: `rules[${i}].${field}[${j}]`,
              message: `rules[${i}] grants ${FIELD_TEXT[field]} ("*" in ${field})`,
              actual: value,
            });
          } else if (field === 'resources' && value.startsWith('*/')) {
            violations.push({
              path: `rules[${i}].${field}[${j}]`,
              message: `rules[${i}] grants subresource "${value.slice(2)}" of every resource ("${value}" in resources)`,
              actual: value,
            });
          }
        }
      }
    }
    return outcome(violations);
  },
});
