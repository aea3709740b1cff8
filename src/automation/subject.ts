/**
 * Subjects from the two contracts the runner reads as they are: alert records of
 * `palisade detect` (one JSON object per line) and findings of a `palisade scan` JSON report.
 * Each becomes a Subject with the target its actions act on.
 */
import type { Alert, Finding } from '#core';
import { isArmType } from './arm-types.ts';
import type { AlertSubject, FindingSubject, KubeRef, Target } from './types.ts';

/** RBAC resource (plural) → apiVersion and kind, for the resources alerts name. */
const RESOURCE_KINDS: Readonly<Record<string, { apiVersion: string; kind: string; clusterScoped?: boolean }>> = {
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

/** The object an alert is about (the pod of `pods/exec`), or `none` when it names no single object. */
export function alertTarget(alert: Alert): Target {
  const { resource, namespace, name, verb } = alert.target;
  const plural = resource.split('/')[0] ?? '';
  const known = RESOURCE_KINDS[plural];
  const node = alert.evidence.falcoEvents?.find((e) => e.hostname)?.hostname;
  if (!known || !name) {
    const what = [verb, resource, namespace ? `${namespace}/${name || '*'}` : name].filter((x) => x).join(' ');
    return { type: 'none', description: what || `alert ${alert.id}` };
  }
  const ref: KubeRef = {
    apiVersion: known.apiVersion,
    kind: known.kind,
    ...(known.clusterScoped || !namespace ? {} : { namespace }),
    name,
  };
  return { type: 'kubernetes', ref, ...(node ? { node } : {}) };
}

/** The object a finding is about: an Azure resource (by id) or a Kubernetes object. */
export function findingTarget(finding: Finding): Target {
  const r = finding.resource;
  if (r.id !== undefined || isArmType(r.kind)) {
    if (r.id === undefined) {
      return { type: 'none', description: `${r.kind} "${r.name}" from a template (not deployed: no resource id)` };
    }
    const subscription = /^\/subscriptions\/([^/]+)/i.exec(r.id)?.[1];
    return {
      type: 'azure',
      id: r.id,
      resourceType: r.kind,
      ...(subscription ? { subscriptionId: subscription } : {}),
    };
  }
  return {
    type: 'kubernetes',
    ref: { apiVersion: r.apiVersion, kind: r.kind, ...(r.namespace ? { namespace: r.namespace } : {}), name: r.name },
    ...(r.cluster ? { cluster: r.cluster } : {}),
  };
}

export function subjectFromAlert(alert: Alert): AlertSubject {
  return {
    type: 'alert',
    id: alert.id,
    ruleId: alert.ruleId,
    title: alert.title,
    severity: alert.severity,
    message: alert.message,
    target: alertTarget(alert),
    alert,
  };
}

export function subjectFromFinding(finding: Finding): FindingSubject {
  return {
    type: 'finding',
    id: finding.fingerprint,
    ruleId: finding.checkId,
    title: finding.title,
    severity: finding.severity,
    message: finding.message,
    target: findingTarget(finding),
    finding,
  };
}
