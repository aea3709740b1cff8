/**
 * CIS Kubernetes Benchmark v1.9.0, section 5 (Policies): the controls that manifests can show.
 * Source: https://www.cisecurity.org/benchmark/kubernetes
 * Sections 1–4 (control plane and node configuration files) need host access and are out of scope here.
 */
import type { Framework } from '#core';

const RBAC = '5.1 RBAC and Service Accounts';
const PSS = '5.2 Pod Security Standards';
const NET = '5.3 Network Policies and CNI';
const SECRETS = '5.4 Secrets Management';
const ADMISSION = '5.5 Extensible Admission Control';
const GENERAL = '5.7 General Policies';

export const cisKubernetes: Framework = {
  id: 'cis-kubernetes-1.9',
  title: 'CIS Kubernetes Benchmark',
  version: '1.9.0',
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
    { id: '5.1.7', section: RBAC, title: 'Avoid use of system:masters group', automated: true },
    {
      id: '5.1.8',
      section: RBAC,
      title: 'Limit use of the Bind, Impersonate and Escalate permissions in the Kubernetes cluster',
      automated: true,
    },
    { id: '5.1.9', section: RBAC, title: 'Minimize access to create persistent volumes', automated: true },
    { id: '5.1.10', section: RBAC, title: 'Minimize access to the proxy sub-resource of nodes', automated: true },
    {
      id: '5.1.11',
      section: RBAC,
      title: 'Minimize access to the approval sub-resource of certificatesigningrequests objects',
      automated: true,
    },
    { id: '5.1.12', section: RBAC, title: 'Minimize access to webhook configuration objects', automated: true },
    { id: '5.1.13', section: RBAC, title: 'Minimize access to the service account token creation', automated: true },
    {
      id: '5.2.1',
      section: PSS,
      title: 'Ensure that the cluster has at least one active policy control mechanism in place',
      automated: false,
    },
    { id: '5.2.2', section: PSS, title: 'Minimize the admission of privileged containers', automated: true },
    {
      id: '5.2.3',
      section: PSS,
      title: 'Minimize the admission of containers wishing to share the host process ID namespace',
      automated: true,
    },
    {
      id: '5.2.4',
      section: PSS,
      title: 'Minimize the admission of containers wishing to share the host IPC namespace',
      automated: true,
    },
    {
      id: '5.2.5',
      section: PSS,
      title: 'Minimize the admission of containers wishing to share the host network namespace',
      automated: true,
    },
    {
      id: '5.2.6',
      section: PSS,
      title: 'Minimize the admission of containers with allowPrivilegeEscalation',
      automated: true,
    },
    { id: '5.2.7', section: PSS, title: 'Minimize the admission of root containers', automated: true },
    {
      id: '5.2.8',
      section: PSS,
      title: 'Minimize the admission of containers with the NET_RAW capability',
      automated: true,
    },
    {
      id: '5.2.9',
      section: PSS,
      title: 'Minimize the admission of containers with added capabilities',
      automated: true,
    },
    {
      id: '5.2.10',
      section: PSS,
      title: 'Minimize the admission of containers with capabilities assigned',
      automated: true,
    },
    { id: '5.2.11', section: PSS, title: 'Minimize the admission of Windows HostProcess containers', automated: true },
    { id: '5.2.12', section: PSS, title: 'Minimize the admission of HostPath volumes', automated: true },
    { id: '5.2.13', section: PSS, title: 'Minimize the admission of containers which use HostPorts', automated: true },
    { id: '5.3.1', section: NET, title: 'Ensure that the CNI in use supports NetworkPolicies', automated: false },
    { id: '5.3.2', section: NET, title: 'Ensure that all Namespaces have NetworkPolicies defined', automated: true },
    {
      id: '5.4.1',
      section: SECRETS,
      title: 'Prefer using Secrets as files over Secrets as environment variables',
      automated: true,
    },
    { id: '5.4.2', section: SECRETS, title: 'Consider external secret storage', automated: false },
    {
      id: '5.5.1',
      section: ADMISSION,
      title: 'Configure Image Provenance using ImagePolicyWebhook admission controller',
      automated: false,
    },
    {
      id: '5.7.1',
      section: GENERAL,
      title: 'Create administrative boundaries between resources using namespaces',
      automated: false,
    },
    {
      id: '5.7.2',
      section: GENERAL,
      title: 'Ensure that the seccomp profile is set to docker/default in your Pod definitions',
      automated: true,
    },
    { id: '5.7.3', section: GENERAL, title: 'Apply SecurityContext to your Pods and Containers', automated: true },
    { id: '5.7.4', section: GENERAL, title: 'The default namespace should not be used', automated: true },
  ],
};
