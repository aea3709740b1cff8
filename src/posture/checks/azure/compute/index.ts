/** The azure/compute checks, one file each. Keep sorted by file name. */
import type { Check } from '../../../check.ts';
import { vmBootDiagnostics } from './vm-boot-diagnostics.ts';
import { vmDiskEncryption } from './vm-disk-encryption.ts';
import { vmEndpointProtection } from './vm-endpoint-protection.ts';
import { vmGuestConfiguration } from './vm-guest-configuration.ts';
import { vmLinuxSshKeysOnly } from './vm-linux-ssh-keys-only.ts';
import { vmManagedDisks } from './vm-managed-disks.ts';
import { vmManagementPortsInternet } from './vm-management-ports-internet.ts';
import { vmTrustedLaunch } from './vm-trusted-launch.ts';
import { vnetBastionHost } from './vnet-bastion-host.ts';

export const azureComputeChecks: readonly Check[] = [
  vmBootDiagnostics,
  vmDiskEncryption,
  vmEndpointProtection,
  vmGuestConfiguration,
  vmLinuxSshKeysOnly,
  vmManagedDisks,
  vmManagementPortsInternet,
  vmTrustedLaunch,
  vnetBastionHost,
];
