/**
 * The Kubernetes and OpenShift resources the automations name: RBAC resource (plural), apiVersion,
 * kind and scope. One table for the targets of alerts (which name the plural), the objects events
 * are recorded on, and the read permissions derived from kinds.
 */
import { groupOf } from '#inventory';
import type { PolicyRule } from './types.ts';

export interface KubeResource {
  readonly apiVersion: string;
  readonly kind: string;
  readonly clusterScoped?: boolean;
}

/** RBAC resource (plural) → apiVersion and kind. */
const RESOURCES: Readonly<Record<string, KubeResource>> = {
  pods: { apiVersion: 'v1', kind: 'Pod' },
  nodes: { apiVersion: 'v1', kind: 'Node', clusterScoped: true },
  namespaces: { apiVersion: 'v1', kind: 'Namespace', clusterScoped: true },
  services: { apiVersion: 'v1', kind: 'Service' },
  secrets: { apiVersion: 'v1', kind: 'Secret' },
  configmaps: { apiVersion: 'v1', kind: 'ConfigMap' },
  serviceaccounts: { apiVersion: 'v1', kind: 'ServiceAccount' },
  persistentvolumeclaims: { apiVersion: 'v1', kind: 'PersistentVolumeClaim' },
  persistentvolumes: { apiVersion: 'v1', kind: 'PersistentVolume', clusterScoped: true },
  replicationcontrollers: { apiVersion: 'v1', kind: 'ReplicationController' },
  deployments: { apiVersion: 'apps/v1', kind: 'Deployment' },
  statefulsets: { apiVersion: 'apps/v1', kind: 'StatefulSet' },
  daemonsets: { apiVersion: 'apps/v1', kind: 'DaemonSet' },
  replicasets: { apiVersion: 'apps/v1', kind: 'ReplicaSet' },
  jobs: { apiVersion: 'batch/v1', kind: 'Job' },
  cronjobs: { apiVersion: 'batch/v1', kind: 'CronJob' },
  networkpolicies: { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy' },
  roles: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role' },
  rolebindings: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding' },
  clusterroles: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', clusterScoped: true },
  clusterrolebindings: {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    clusterScoped: true,
  },
  mutatingwebhookconfigurations: {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    clusterScoped: true,
  },
  validatingwebhookconfigurations: {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingWebhookConfiguration',
    clusterScoped: true,
  },
  deploymentconfigs: { apiVersion: 'apps.openshift.io/v1', kind: 'DeploymentConfig' },
  routes: { apiVersion: 'route.openshift.io/v1', kind: 'Route' },
  securitycontextconstraints: {
    apiVersion: 'security.openshift.io/v1',
    kind: 'SecurityContextConstraints',
    clusterScoped: true,
  },
};

const BY_KIND = new Map(Object.entries(RESOURCES).map(([resource, r]) => [r.kind, { ...r, resource }]));

/** The resource an RBAC plural names ('pods' → v1 Pod), if the table has it. */
export function resourceNamed(plural: string): KubeResource | undefined {
  return Object.hasOwn(RESOURCES, plural) ? RESOURCES[plural] : undefined;
}

/** `get` on the given kinds, one rule per API group (in the order the kinds first name the group). */
export function getRules(kinds: readonly string[]): PolicyRule[] {
  const byGroup = new Map<string, string[]>();
  for (const kind of kinds) {
    const entry = BY_KIND.get(kind);
    if (!entry) throw new Error(`kube-resources: no resource for kind ${kind}`);
    const group = groupOf(entry.apiVersion);
    byGroup.set(group, [...(byGroup.get(group) ?? []), entry.resource]);
  }
  return [...byGroup].map(([group, resources]) => ({ apiGroups: [group], resources, verbs: ['get'] }));
}
