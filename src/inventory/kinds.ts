/**
 * Where each workload kind keeps its pod template. Explicit table; adding a kind is one row.
 * Source: Kubernetes API reference (core/v1, apps/v1, batch/v1) and OpenShift apps.openshift.io/v1.
 */
export interface WorkloadKind {
  readonly kind: string;
  /** API groups the kind lives in ('' is core). */
  readonly groups: readonly string[];
  /** Path segments from the object root to the pod template (the object holding metadata + spec). */
  readonly templatePath: readonly string[];
}

export const WORKLOAD_KINDS: readonly WorkloadKind[] = [
  { kind: 'Pod', groups: [''], templatePath: [] },
  { kind: 'PodTemplate', groups: [''], templatePath: ['template'] },
  { kind: 'ReplicationController', groups: [''], templatePath: ['spec', 'template'] },
  { kind: 'Deployment', groups: ['apps', 'extensions'], templatePath: ['spec', 'template'] },
  { kind: 'ReplicaSet', groups: ['apps', 'extensions'], templatePath: ['spec', 'template'] },
  { kind: 'StatefulSet', groups: ['apps'], templatePath: ['spec', 'template'] },
  { kind: 'DaemonSet', groups: ['apps', 'extensions'], templatePath: ['spec', 'template'] },
  { kind: 'Job', groups: ['batch'], templatePath: ['spec', 'template'] },
  { kind: 'CronJob', groups: ['batch'], templatePath: ['spec', 'jobTemplate', 'spec', 'template'] },
  { kind: 'DeploymentConfig', groups: ['apps.openshift.io', ''], templatePath: ['spec', 'template'] },
];

const BY_KIND = new Map(WORKLOAD_KINDS.map((w) => [w.kind, w]));

export function workloadKind(kind: string, group: string): WorkloadKind | undefined {
  const entry = BY_KIND.get(kind);
  return entry?.groups.includes(group) ? entry : undefined;
}

/** Kinds that exist only at cluster scope; a namespace on them is ignored. */
export const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set([
  'Namespace',
  'Node',
  'PersistentVolume',
  'StorageClass',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'PriorityClass',
  'APIService',
  'RuntimeClass',
  'IngressClass',
  'CSIDriver',
  'SecurityContextConstraints',
  'ClusterVersion',
  'ClusterOperator',
  'Project',
  'OAuth',
  'APIServer',
  'Proxy',
  'Network',
  'Image',
  'Infrastructure',
]);

/** API group of an apiVersion: 'apps/v1' → 'apps', 'v1' → ''. */
export function groupOf(apiVersion: string): string {
  const slash = apiVersion.lastIndexOf('/');
  return slash === -1 ? '' : apiVersion.slice(0, slash);
}
