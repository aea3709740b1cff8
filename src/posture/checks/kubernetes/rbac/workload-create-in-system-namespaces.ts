/**
 * Non-system subjects must not be able to create workloads cluster-wide or in system namespaces.
 * Reads: (Cluster)RoleBinding roleRef and subjects; the effective rules of the bound role
 *   (aggregated ClusterRoles included) from the scan's RBAC model.
 * Fails on: a ClusterRoleBinding, or a RoleBinding in a system namespace
 *   (ctx.settings.systemNamespaces), whose role grants a judged subject (see lib/rbac.ts) create on
 *   pods or replicationcontrollers (core), deployments, daemonsets, statefulsets or replicasets
 *   (apps; also extensions for older clusters), jobs or cronjobs (batch), or deploymentconfigs
 *   (apps.openshift.io and legacy ""), or update or patch on pods/ephemeralcontainers (which adds a
 *   container to a running pod). Whoever can create a pod in a namespace can run it as any service
 *   account there and mount any secret there; in a system namespace those are the control plane's.
 *   One violation per subject at 'subjects[i]'. RoleBindings in other namespaces pass.
 * Not applicable: bindings of cluster-admin (cluster-admin-binding, PAL-K8S-0201, reports them
 *   once); bindings whose role is not among the scanned resources.
 * Source: CIS Kubernetes Benchmark 1.9 5.1.4 and CIS OpenShift 1.5 5.1.4; Kubernetes RBAC good
 *   practices ("Workload creation").
 */
import type { Resource } from '#core';
import { defineCheck } from '../../../check.ts';
import { evaluateBindingGrants, type Permission, RBAC_GROUP } from '../../../lib/rbac.ts';

const WORKLOADS: readonly (readonly [string, string])[] = [
  ['', 'pods'],
  ['', 'replicationcontrollers'],
  ['apps', 'deployments'],
  ['apps', 'daemonsets'],
  ['apps', 'statefulsets'],
  ['apps', 'replicasets'],
  ['extensions', 'deployments'],
  ['extensions', 'daemonsets'],
  ['extensions', 'replicasets'],
  ['batch', 'jobs'],
  ['batch', 'cronjobs'],
  ['apps.openshift.io', 'deploymentconfigs'],
  ['', 'deploymentconfigs'],
];

const CREATE_WORKLOADS: readonly Permission[] = [
  ...WORKLOADS.map(([group, resource]) => ({ verb: 'create', group, resource })),
  { verb: 'update', group: '', resource: 'pods', subresource: 'ephemeralcontainers' },
  { verb: 'patch', group: '', resource: 'pods', subresource: 'ephemeralcontainers' },
];

export const workloadCreateInSystemNamespaces = defineCheck<Resource>({
  meta: {
    id: 'PAL-K8S-0209',
    slug: 'workload-create-in-system-namespaces',
    title: 'Binding lets a non-system subject create workloads cluster-wide or in a system namespace',
    description:
      'Creating a pod, or a controller that creates pods, in a namespace lets the creator run code as any service account of that namespace and mount any of its secrets. In a system namespace, or in every namespace, that includes the identities of the control plane and platform operators.',
    severity: 'high',
    maturity: 'stable',
    targets: [
      { kind: 'ClusterRoleBinding', apiGroup: RBAC_GROUP },
      { kind: 'RoleBinding', apiGroup: RBAC_GROUP },
    ],
    scope: 'cluster',
    admission: false,
    frameworks: [
      { framework: 'cis-kubernetes-1.9', control: '5.1.4' },
      { framework: 'cis-openshift-1.5', control: '5.1.4' },
      { framework: 'mitre-attack-containers', control: 'T1610' },
      { framework: 'mitre-attack-containers', control: 'T1078' },
      { framework: 'mcsb-v1', control: 'PA-7' },
    ],
    remediation: {
      summary:
        'Grant workload creation only with RoleBindings in the application namespaces that need it, never cluster-wide or in a system namespace.',
    },
    references: [
      'https://kubernetes.io/docs/concepts/security/rbac-good-practices/#workload-creation',
      'https://kubernetes.io/docs/reference/access-authn-authz/rbac/#rolebinding-and-clusterrolebinding',
    ],
  },
  evaluate(resource, ctx) {
    return evaluateBindingGrants(resource, ctx, {
      permissions: CREATE_WORKLOADS,
      namedRules: false,
      where: 'cluster-or-system-namespace',
    });
  },
});
