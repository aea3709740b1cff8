/**
 * Non-system subjects must not be able to run commands in, or attach to, containers cluster-wide
 * or in system namespaces.
 * Reads: (Cluster)RoleBinding roleRef and subjects; the effective rules of the bound role
 *   (aggregated ClusterRoles included) from the scan's RBAC model.
 * Fails on: a ClusterRoleBinding, or a RoleBinding in a system namespace, whose role grants create
 *   or get on pods/exec or pods/attach (core group) to a judged subject (see lib/rbac.ts). `get`
 *   counts because exec and attach over WebSocket start as GET requests, which API servers before
 *   1.35 (and later ones with the AuthorizePodWebsocketUpgradeCreatePermission feature gate off)
 *   authorize as get alone. Rules limited by resourceNames count too (they allow exec into the
 *   named pods). Matching is RBAC's: "*", "*\/exec" and "pods/exec" match; "pods/*" and "pods" do not.
 *   One violation per subject at 'subjects[i]'. RoleBindings in other namespaces pass: exec there
 *   is an ordinary namespace-owner permission (the admin and edit roles include it).
 * Not applicable: bindings of cluster-admin (cluster-admin-binding, PAL-K8S-0201, reports them
 *   once); bindings whose role is not among the scanned resources.
 * Source: Kubernetes RBAC good practices; KEP-4006 (WebSocket exec authorized as get); MITRE ATT&CK T1609.
 */
import type { Resource } from '#core';
import { defineCheck } from '../../../check.ts';
import { evaluateBindingGrants, type Permission, RBAC_GROUP } from '../../../lib/rbac.ts';

const EXEC_ATTACH: readonly Permission[] = ['exec', 'attach'].flatMap((subresource) =>
  ['create', 'get'].map((verb) => ({ verb, group: '', resource: 'pods', subresource })),
);

export const podExecAttach = defineCheck<Resource>({
  meta: {
    id: 'PAL-K8S-0206',
    slug: 'pod-exec-attach',
    title: 'Binding lets a non-system subject exec into pods cluster-wide or in a system namespace',
    description:
      "pods/exec and pods/attach run commands in, or take over the terminal of, a running container with its service account token, mounted secrets and host access. In every namespace, or in a system namespace, that reaches the cluster's most privileged workloads.",
    severity: 'high',
    maturity: 'stable',
    targets: [
      { kind: 'ClusterRoleBinding', apiGroup: RBAC_GROUP },
      { kind: 'RoleBinding', apiGroup: RBAC_GROUP },
    ],
    scope: 'cluster',
    admission: false,
    frameworks: [
      { framework: 'mitre-attack-containers', control: 'T1609' },
      { framework: 'mitre-attack-containers', control: 'T1552.007' },
      { framework: 'mcsb-v1', control: 'PA-7' },
    ],
    remediation: {
      summary:
        'Remove create and get on pods/exec and pods/attach from the role, or grant them with RoleBindings only in the application namespaces that need them.',
    },
    references: [
      'https://kubernetes.io/docs/concepts/security/rbac-good-practices/#kubernetes-rbac-privilege-escalation-risks',
      'https://github.com/kubernetes/enhancements/issues/4006',
      'https://kubernetes.io/docs/reference/access-authn-authz/rbac/#referring-to-resources',
    ],
  },
  evaluate(resource, ctx) {
    return evaluateBindingGrants(resource, ctx, {
      permissions: EXEC_ATTACH,
      namedRules: true,
      where: 'cluster-or-system-namespace',
    });
  },
});
