/**
 * Non-system subjects must not be able to create PersistentVolumes.
 * Reads: ClusterRoleBinding roleRef and subjects; the effective rules of the bound ClusterRole
 *   (aggregated ClusterRoles included) from the scan's RBAC model.
 * Fails on: a ClusterRoleBinding whose ClusterRole grants create on persistentvolumes (core group)
 *   to a judged subject (see lib/rbac.ts). A PersistentVolume can point at a hostPath or a
 *   storage backend the creator chooses; bound to a claim in any namespace, it lets a pod mount
 *   the node's file system without ever declaring a hostPath volume, so Pod Security admission
 *   does not see it. PersistentVolumes are cluster-scoped: RoleBindings cannot grant this and are
 *   not targets. One violation per subject at 'subjects[i]'.
 * Not applicable: bindings of cluster-admin (cluster-admin-binding, PAL-K8S-0201, reports them
 *   once); bindings whose ClusterRole is not among the scanned resources.
 * Source: CIS Kubernetes Benchmark 1.9 5.1.9; Kubernetes RBAC good practices ("Persistent volume creation").
 */
import type { Resource } from '#core';
import { defineCheck } from '../../../check.ts';
import { evaluateBindingGrants, type Permission, RBAC_GROUP } from '../../../lib/rbac.ts';

const CREATE_PV: readonly Permission[] = [
  { verb: 'create', group: '', resource: 'persistentvolumes', clusterScoped: true },
];

export const persistentVolumeCreate = defineCheck<Resource>({
  meta: {
    id: 'PAL-K8S-0211',
    slug: 'persistent-volume-create',
    title: 'Binding lets a non-system subject create PersistentVolumes',
    description:
      "Whoever creates a PersistentVolume chooses what it points at, including a directory of the node. Claimed from any namespace, it mounts the node's file system into a pod without a hostPath volume that Pod Security admission would reject.",
    severity: 'high',
    maturity: 'stable',
    targets: [{ kind: 'ClusterRoleBinding', apiGroup: RBAC_GROUP }],
    scope: 'cluster',
    admission: false,
    frameworks: [
      { framework: 'cis-kubernetes-1.9', control: '5.1.9' },
      { framework: 'mitre-attack-containers', control: 'T1611' },
      { framework: 'mcsb-v1', control: 'PA-7' },
    ],
    remediation: {
      summary:
        'Remove create on persistentvolumes from the role and let users request storage through PersistentVolumeClaims and StorageClasses.',
    },
    references: [
      'https://kubernetes.io/docs/concepts/security/rbac-good-practices/#persistent-volume-creation',
      'https://kubernetes.io/docs/concepts/storage/persistent-volumes/',
    ],
  },
  evaluate(resource, ctx) {
    return evaluateBindingGrants(resource, ctx, { permissions: CREATE_PV, namedRules: false, where: 'any' });
  },
});
