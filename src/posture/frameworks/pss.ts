/**
 * Pod Security Standards (Kubernetes), baseline and restricted levels, as the upstream
 * pod-security-admission controller implements them up to policy version v1.37.
 * Source: https://kubernetes.io/docs/concepts/security/pod-security-standards/
 * Restricted includes every baseline control, as the standard defines it; the restricted checks
 * that supersede a baseline check declare it in `overrides` (see docs/pss.md).
 */
import type { Framework } from '#core';

const SOURCE = 'https://kubernetes.io/docs/concepts/security/pod-security-standards/';

export const pssBaseline: Framework = {
  id: 'pss-baseline',
  title: 'Pod Security Standards: Baseline',
  version: 'v1.37',
  source: SOURCE,
  controls: [
    { id: 'host-process', title: 'HostProcess', automated: true },
    { id: 'host-namespaces', title: 'Host Namespaces', automated: true },
    { id: 'privileged-containers', title: 'Privileged Containers', automated: true },
    { id: 'capabilities', title: 'Capabilities', automated: true },
    { id: 'hostpath-volumes', title: 'HostPath Volumes', automated: true },
    { id: 'host-ports', title: 'Host Ports', automated: true },
    { id: 'host-probes', title: 'Host Probes / Lifecycle Hooks (v1.34+)', automated: true },
    { id: 'apparmor', title: 'AppArmor', automated: true },
    { id: 'selinux', title: 'SELinux', automated: true },
    { id: 'proc-mount-type', title: '/proc Mount Type', automated: true },
    { id: 'seccomp', title: 'Seccomp', automated: true },
    { id: 'sysctls', title: 'Sysctls', automated: true },
  ],
};

export const pssRestricted: Framework = {
  id: 'pss-restricted',
  title: 'Pod Security Standards: Restricted',
  version: 'v1.37',
  source: SOURCE,
  includes: ['pss-baseline'],
  controls: [
    { id: 'volume-types', title: 'Volume Types', automated: true },
    { id: 'privilege-escalation', title: 'Privilege Escalation (v1.8+)', automated: true },
    { id: 'running-as-non-root', title: 'Running as Non-root', automated: true },
    { id: 'running-as-non-root-user', title: 'Running as Non-root user (v1.23+)', automated: true },
    { id: 'seccomp', title: 'Seccomp (v1.19+)', automated: true },
    { id: 'capabilities', title: 'Capabilities (v1.22+)', automated: true },
    // From v1.35 the baseline /proc rule is relaxed for user-namespace pods; restricted keeps it.
    { id: 'proc-mount-type', title: '/proc Mount Type (also for user-namespace pods, v1.35+)', automated: true },
  ],
};
