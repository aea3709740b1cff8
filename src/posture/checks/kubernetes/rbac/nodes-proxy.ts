/**
 * Non-system subjects must not have access to the nodes/proxy subresource.
 * Reads: ClusterRoleBinding roleRef and subjects; the effective rules of the bound ClusterRole
 *   (aggregated ClusterRoles included) from the scan's RBAC model.
 * Fails on: a ClusterRoleBinding whose ClusterRole grants get, create, update, patch or delete on
 *   nodes/proxy (core group) to a judged subject (see lib/rbac.ts). The kubelet authorizes its API
 *   by HTTP method on nodes/proxy (GET as get, POST as create, ...), and its /exec, /run and
 *   /attach endpoints accept WebSocket GET requests, so even get runs commands in any pod on the
 *   node, bypassing admission and audit of pods/exec. Rules limited by resourceNames count (they
 *   name nodes). Nodes are cluster-scoped, so RoleBindings cannot grant this and are not targets.
 *   One violation per subject at 'subjects[i]'.
 * Not applicable: bindings of cluster-admin (cluster-admin-binding, PAL-K8S-0201, reports them
 *   once); bindings whose ClusterRole is not among the scanned resources.
 * Source: CIS Kubernetes Benchmark 1.9 5.1.10; Kubernetes RBAC good practices ("Access to proxy subresource of Nodes");
 *   Kubelet authentication/authorization (request verbs and the proxy subresource).
 */
import type { Resource } from '#core';
import { defineCheck } from '../../../check.ts';
import { evaluateBindingGrants, type Permission, RBAC_GROUP } from '../../../lib/rbac.ts';

const NODE_PROXY: readonly Permission[] = ['get', 'create', 'update', 'patch', 'delete'].map((verb) => ({
  verb,
  group: '',
  resource: 'nodes',
  subresource: 'proxy',
  clusterScoped: true,
}));

export const nodesProxy = defineCheck<Resource>({
  meta: {
    id: 'PAL-K8S-0208',
    slug: 'nodes-proxy',
    title: 'Binding grants access to the kubelet API through nodes/proxy',
    description:
      'nodes/proxy reaches the kubelet API of every node, which can run commands in any container on the node without going through pods/exec, admission control or the API server audit trail. Even get is enough.',
    severity: 'high',
    maturity: 'stable',
    targets: [{ kind: 'ClusterRoleBinding', apiGroup: RBAC_GROUP }],
    scope: 'cluster',
    admission: false,
    frameworks: [
      { framework: 'cis-kubernetes-1.9', control: '5.1.10' },
      { framework: 'mitre-attack-containers', control: 'T1609' },
      { framework: 'mitre-attack-containers', control: 'T1611' },
      { framework: 'mcsb-v1', control: 'PA-7' },
    ],
    remediation: {
      summary:
        'Remove nodes/proxy from the role; grant monitoring agents nodes/metrics and nodes/stats instead, which serve the same data without command execution.',
    },
    references: [
      'https://kubernetes.io/docs/concepts/security/rbac-good-practices/#access-to-proxy-subresource-of-nodes',
      'https://kubernetes.io/docs/reference/access-authn-authz/kubelet-authn-authz/',
    ],
  },
  evaluate(resource, ctx) {
    return evaluateBindingGrants(resource, ctx, { permissions: NODE_PROXY, namedRules: true, where: 'any' });
  },
});
