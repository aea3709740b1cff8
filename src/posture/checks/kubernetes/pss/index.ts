/** The kubernetes/pss checks, one file each. Keep sorted by file name. */
import type { Check } from '../../../check.ts';
import { allowPrivilegeEscalation } from './allow-privilege-escalation.ts';
import { apparmorProfile } from './apparmor-profile.ts';
import { capabilitiesBaseline } from './capabilities-baseline.ts';
import { capabilitiesRestricted } from './capabilities-restricted.ts';
import { hostNamespaces } from './host-namespaces.ts';
import { hostPorts } from './host-ports.ts';
import { hostProbesLifecycle } from './host-probes-lifecycle.ts';
import { hostpathVolumes } from './hostpath-volumes.ts';
import { privileged } from './privileged.ts';
import { procMount } from './proc-mount.ts';
import { procMountRestricted } from './proc-mount-restricted.ts';
import { runAsNonRoot } from './run-as-non-root.ts';
import { runAsUser } from './run-as-user.ts';
import { seccompBaseline } from './seccomp-baseline.ts';
import { seccompRestricted } from './seccomp-restricted.ts';
import { selinuxOptions } from './selinux-options.ts';
import { sysctls } from './sysctls.ts';
import { volumeTypes } from './volume-types.ts';
import { windowsHostProcess } from './windows-host-process.ts';

export const kubernetesPssChecks: readonly Check[] = [
  allowPrivilegeEscalation,
  apparmorProfile,
  capabilitiesBaseline,
  capabilitiesRestricted,
  hostNamespaces,
  hostPorts,
  hostProbesLifecycle,
  hostpathVolumes,
  privileged,
  procMount,
  procMountRestricted,
  runAsNonRoot,
  runAsUser,
  seccompBaseline,
  seccompRestricted,
  selinuxOptions,
  sysctls,
  volumeTypes,
  windowsHostProcess,
];
