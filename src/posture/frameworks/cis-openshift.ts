/**
 * CIS Red Hat OpenShift Container Platform Benchmark v1.5.0, section 5 (Policies).
 * Source: https://www.cisecurity.org/benchmark/kubernetes (Red Hat OpenShift Container Platform)
 * OpenShift uses SecurityContextConstraints where upstream uses Pod Security Standards (5.2).
 */
import type { Framework } from '#core';

const RBAC = '5.1 RBAC and Service Accounts';
const SCC = '5.2 Security Context Constraints';
const NET = '5.3 Network Policies and CNI';
const SECRETS = '5.4 Secrets Management';
const GENERAL = '5.7 General Policies';

export const cisOpenShift: Framework = {
  id: 'cis-openshift-1.5',
  title: 'CIS Red Hat OpenShift Container Platform Benchmark',
  version: '1.5.0',
  source: 'https://www.cisecurity.org/benchmark/kubernetes',
  controls: [
    {
      id: '5.1.1',
      section: RBAC,
      title: 'Ensure that the cluster-admin role is only used where required',
      automated: true,
    },
    { id: '5.1.2', section: RBAC, title: 'Minimize access to secrets', automated: true },
    { id: '5.1.3', section: RBAC, title: 'Minimize wildcard use in Roles and ClusterRoles', automated: true },
    { id: '5.1.4', section: RBAC, title: 'Minimize access to create pods', automated: true },
    {
      id: '5.1.5',
      section: RBAC,
      title: 'Ensure that default service accounts are not actively used',
      automated: true,
    },
    {
      id: '5.1.6',
      section: RBAC,
      title: 'Ensure that Service Account Tokens are only mounted where necessary',
      automated: true,
    },
    { id: '5.2.1', section: SCC, title: 'Minimize the admission of privileged containers', automated: true },
    {
      id: '5.2.2',
      section: SCC,
      title: 'Minimize the admission of containers wishing to share the host process ID namespace',
      automated: true,
    },
    {
      id: '5.2.3',
      section: SCC,
      title: 'Minimize the admission of containers wishing to share the host IPC namespace',
      automated: true,
    },
    {
      id: '5.2.4',
      section: SCC,
      title: 'Minimize the admission of containers wishing to share the host network namespace',
      automated: true,
    },
    {
      id: '5.2.5',
      section: SCC,
      title: 'Minimize the admission of containers with allowPrivilegeEscalation',
      automated: true,
    },
    { id: '5.2.6', section: SCC, title: 'Minimize the admission of root containers', automated: true },
    {
      id: '5.2.7',
      section: SCC,
      title: 'Minimize the admission of containers with the NET_RAW capability',
      automated: true,
    },
    {
      id: '5.2.8',
      section: SCC,
      title: 'Minimize the admission of containers with added capabilities',
      automated: true,
    },
    {
      id: '5.2.9',
      section: SCC,
      title: 'Minimize the admission of containers with capabilities assigned',
      automated: true,
    },
    {
      id: '5.2.10',
      section: SCC,
      title: 'Minimize access to privileged Security Context Constraints',
      automated: true,
    },
    { id: '5.3.1', section: NET, title: 'Ensure that the CNI in use supports Network Policies', automated: false },
    { id: '5.3.2', section: NET, title: 'Ensure that all Namespaces have Network Policies defined', automated: true },
    {
      id: '5.4.1',
      section: SECRETS,
      title: 'Prefer using secrets as files over secrets as environment variables',
      automated: true,
    },
    { id: '5.4.2', section: SECRETS, title: 'Consider external secret storage', automated: false },
    {
      id: '5.7.1',
      section: GENERAL,
      title: 'Create administrative boundaries between resources using namespaces',
      automated: false,
    },
    {
      id: '5.7.2',
      section: GENERAL,
      title: 'Ensure that the seccomp profile is set to docker/default in your pod definitions',
      automated: true,
    },
    { id: '5.7.3', section: GENERAL, title: 'Apply Security Context to Your Pods and Containers', automated: true },
    { id: '5.7.4', section: GENERAL, title: 'The default namespace should not be used', automated: true },
  ],
};
