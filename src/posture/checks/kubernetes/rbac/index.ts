/** The kubernetes/rbac checks, one file each. Keep sorted by file name. */
import type { Check } from '../../../check.ts';
import { anonymousAccessBinding } from './anonymous-access-binding.ts';
import { clusterAdminBinding } from './cluster-admin-binding.ts';
import { csrApproval } from './csr-approval.ts';
import { nodesProxy } from './nodes-proxy.ts';
import { persistentVolumeCreate } from './persistent-volume-create.ts';
import { podExecAttach } from './pod-exec-attach.ts';
import { rbacEscalationVerbs } from './rbac-escalation-verbs.ts';
import { secretsReadClusterWide } from './secrets-read-cluster-wide.ts';
import { serviceaccountTokenCreate } from './serviceaccount-token-create.ts';
import { systemMastersGroup } from './system-masters-group.ts';
import { webhookConfigurationAccess } from './webhook-configuration-access.ts';
import { wildcardRbacBinding } from './wildcard-rbac-binding.ts';
import { wildcardRoleRules } from './wildcard-role-rules.ts';
import { workloadCreateInSystemNamespaces } from './workload-create-in-system-namespaces.ts';

export const kubernetesRbacChecks: readonly Check[] = [
  anonymousAccessBinding,
  clusterAdminBinding,
  csrApproval,
  nodesProxy,
  persistentVolumeCreate,
  podExecAttach,
  rbacEscalationVerbs,
  secretsReadClusterWide,
  serviceaccountTokenCreate,
  systemMastersGroup,
  webhookConfigurationAccess,
  wildcardRbacBinding,
  wildcardRoleRules,
  workloadCreateInSystemNamespaces,
];
