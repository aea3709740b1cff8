/**
 * Workloads and the objects around them should not live in the `default` namespace.
 * Reads: metadata.namespace (and, to recognise objects the cluster creates itself, metadata.name,
 * Secret type and the kubernetes.io/service-account.name annotation).
 * Targets: every workload kind, and the namespaced kinds that usually travel with them: Service,
 * Ingress, ConfigMap, Secret, ServiceAccount, PersistentVolumeClaim, Role, RoleBinding.
 * Fails: metadata.namespace is exactly "default".
 * Not applicable:
 * - objects without metadata.namespace. Helm, Kustomize, Argo CD and `kubectl apply -n` choose the
 *   namespace at apply time, so an unset namespace in a manifest says nothing about where it will
 *   run (objects read from a live cluster always have one). Defender's policy 9f061a12 flags unset
 *   namespaces, which reports nearly every chart and overlay in a repository scan;
 * - objects the cluster creates in every namespace, default included: Service "kubernetes",
 *   ConfigMaps "kube-root-ca.crt" and "openshift-service-ca.crt", ServiceAccounts "default",
 *   "builder" and "deployer" (the latter two on OpenShift) and their token and pull Secrets, and
 *   OpenShift's RoleBindings "system:deployers", "system:image-builders", "system:image-pullers".
 * Sources: CIS Kubernetes Benchmark 5.7.4, CIS Red Hat OpenShift Benchmark 5.7.4,
 * https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/,
 * Defender recommendation ff87e0b4.
 */
import type { Resource } from '#core';
import { defineCheck, notApplicable, outcome } from '../../../check.ts';

const DEFAULT_NAMESPACE = 'default';

/** Objects the control plane (or OpenShift's controllers) creates in every namespace, by kind. */
const CLUSTER_MANAGED: Readonly<Record<string, ReadonlySet<string>>> = {
  Service: new Set(['kubernetes']),
  ConfigMap: new Set(['kube-root-ca.crt', 'openshift-service-ca.crt']),
  ServiceAccount: new Set(['default', 'builder', 'deployer']),
  RoleBinding: new Set(['system:deployers', 'system:image-builders', 'system:image-pullers']),
};
const MANAGED_SECRET_TYPES: ReadonlySet<string> = new Set([
  'kubernetes.io/service-account-token',
  'kubernetes.io/dockercfg',
  'kubernetes.io/dockerconfigjson',
]);
const SERVICE_ACCOUNT_ANNOTATION = 'kubernetes.io/service-account.name';

function isClusterManaged(resource: Resource): boolean {
  if (resource.kind === 'Secret') {
    const { type } = resource.object as { type?: unknown };
    const owner = resource.object.metadata?.annotations?.[SERVICE_ACCOUNT_ANNOTATION];
    return (
      typeof type === 'string' &&
      MANAGED_SECRET_TYPES.has(type) &&
      owner !== undefined &&
      (CLUSTER_MANAGED.ServiceAccount?.has(owner) ?? false)
    );
  }
  return CLUSTER_MANAGED[resource.kind]?.has(resource.name) ?? false;
}

export const defaultNamespace = defineCheck({
  meta: {
    id: 'PAL-K8S-0108',
    slug: 'default-namespace',
    title: 'Object is in the default namespace',
    description:
      'The default namespace is where everything lands by accident, so RBAC, network policies, quotas and Pod Security labels are rarely tailored to it. Workloads there share a boundary with unrelated objects and are hard to own.',
    severity: 'low',
    maturity: 'stable',
    targets: [
      { class: 'workload' },
      { kind: 'Service', apiGroup: '' },
      { kind: 'Ingress', apiGroup: 'networking.k8s.io' },
      { kind: 'Ingress', apiGroup: 'extensions' },
      { kind: 'ConfigMap', apiGroup: '' },
      { kind: 'Secret', apiGroup: '' },
      { kind: 'ServiceAccount', apiGroup: '' },
      { kind: 'PersistentVolumeClaim', apiGroup: '' },
      { kind: 'Role', apiGroup: 'rbac.authorization.k8s.io' },
      { kind: 'RoleBinding', apiGroup: 'rbac.authorization.k8s.io' },
    ],
    frameworks: [
      { framework: 'cis-kubernetes-1.9', control: '5.7.4' },
      { framework: 'cis-openshift-1.5', control: '5.7.4' },
      { framework: 'mcsb-v1', control: 'PV-2' },
    ],
    remediation: {
      summary:
        'Create a namespace for the application, with its own RBAC, network policies and Pod Security labels, and move the object there.',
      command: 'kubectl create namespace <app> && kubectl apply -n <app> -f <manifest>',
    },
    references: [
      'https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/',
      'https://learn.microsoft.com/azure/defender-for-cloud/kubernetes-workload-protections',
    ],
    scope: 'object',
    admission: true,
  },
  evaluate(resource) {
    const namespace = resource.namespace;
    if (namespace === undefined || namespace === '') {
      return notApplicable('metadata.namespace is not set; the namespace is chosen at apply time');
    }
    if (namespace !== DEFAULT_NAMESPACE) {
      return outcome([]);
    }
    if (isClusterManaged(resource)) {
      return notApplicable(`the cluster creates ${resource.kind} "${resource.name}" in every namespace`);
    }
    return outcome([{ path: 'metadata.namespace', message: 'metadata.namespace is "default"', actual: namespace }]);
  },
});
