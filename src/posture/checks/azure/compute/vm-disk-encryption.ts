/**
 * Virtual machine has neither encryption at host nor Azure Disk Encryption. Reads
 * `properties.securityProfile.encryptionAtHost`; when it is not true, looks for Azure Disk
 * Encryption: an extension of publisher Microsoft.Azure.Security and type AzureDiskEncryption or
 * AzureDiskEncryptionForLinux (in `resources` or as a child resource), the legacy
 * `storageProfile.osDisk.encryptionSettings.enabled`, or `encryptionSettingsCollection.enabled` on the
 * OS disk's `Microsoft.Compute/disks` resource.
 * Compliant: encryptionAtHost true, or Azure Disk Encryption found. A disk encryption set on the OS
 * disk (server-side encryption with a customer-managed key) does not count: server-side encryption
 * is always on, and neither key choice covers the temporary disk and the host caches, which is what
 * this check is about (CMKs are CIS 7.3).
 * Absent: encryptionAtHost defaults to false (not enabled). When it is not true and the input does
 * not list the VM's extensions (Resource Graph rows never do), Azure Disk Encryption cannot be ruled
 * out and the check is indeterminate.
 * Azure Policy fc4d8e41-e223-45ea-9bf5-eada37891d87 "Virtual machines and virtual machine scale sets
 * should have encryption at host enabled", 3dc5edcd-002d-444c-b216-e123bbfa37c0 (Windows) and
 * ca88aadc-6e2b-416c-9de2-5a0f01d1693f (Linux) "... virtual machines should enable Azure Disk
 * Encryption or EncryptionAtHost".
 * Source: https://learn.microsoft.com/azure/virtual-machines/disk-encryption-overview,
 * https://learn.microsoft.com/rest/api/compute/virtual-machines/get
 */
import type { CheckContext, CheckOutcome } from '../../../check.ts';
import { indeterminate, PASS } from '../../../check.ts';
import { type AzureResource, defineAzureCheck, read, show } from '../../../lib/azure.ts';
import { findById } from '../network/lib/arm.ts';
import { EXPORT_EXTENSIONS, isExtension, vmExtensions } from './lib/vm.ts';

const DISK_ENCRYPTION: readonly (readonly [string, string])[] = [
  ['Microsoft.Azure.Security', 'AzureDiskEncryption'],
  ['Microsoft.Azure.Security', 'AzureDiskEncryptionForLinux'],
];

function osDiskEncrypted(vm: AzureResource, ctx: CheckContext): boolean {
  const legacy = read(vm.azure, 'properties.storageProfile.osDisk.encryptionSettings.enabled');
  if (legacy.state === 'set' && legacy.value === true) {
    return true;
  }
  const diskId = read(vm.azure, 'properties.storageProfile.osDisk.managedDisk.id');
  if (diskId.state !== 'set' || typeof diskId.value !== 'string') {
    return false;
  }
  const disk = findById(ctx, 'Microsoft.Compute/disks', diskId.value);
  const ade = disk === undefined ? undefined : read(disk.azure, 'properties.encryptionSettingsCollection.enabled');
  return ade?.state === 'set' && ade.value === true;
}

function evaluate(vm: AzureResource, ctx: CheckContext): CheckOutcome {
  const atHost = read(vm.azure, 'properties.securityProfile.encryptionAtHost');
  if (atHost.state === 'set' && atHost.value === true) {
    return PASS;
  }
  const { known, extensions } = vmExtensions(ctx, vm);
  if (extensions.some((e) => isExtension(e, DISK_ENCRYPTION)) || osDiskEncrypted(vm, ctx)) {
    return PASS;
  }
  if (atHost.state === 'unknown') {
    return indeterminate(atHost.reason);
  }
  const state =
    atHost.state === 'absent'
      ? 'securityProfile.encryptionAtHost is not set (the API default is false)'
      : `securityProfile.encryptionAtHost is ${show(atHost.value)}`;
  if (!known) {
    return indeterminate(
      `${state} and the input does not list the VM's extensions, so Azure Disk Encryption cannot be ruled out; ${EXPORT_EXTENSIONS}`,
    );
  }
  const unreadable = extensions.filter((e) => e.unknown !== undefined);
  if (unreadable.length > 0) {
    return indeterminate(`${state}; ${unreadable.map((e) => e.unknown).join('; ')}`);
  }
  return {
    status: 'fail',
    violations: [
      {
        path: 'properties.securityProfile.encryptionAtHost',
        message: `${state} and no Azure Disk Encryption extension is installed; enable encryption at host`,
        ...(atHost.state === 'set' ? { actual: atHost.value } : {}),
      },
    ],
  };
}

export const vmDiskEncryption = defineAzureCheck({
  meta: {
    id: 'PAL-AZR-0181',
    slug: 'vm-disk-encryption',
    title: 'Virtual machine has neither encryption at host nor Azure Disk Encryption',
    description:
      'Managed disks are encrypted at rest by the storage service, but the temporary disk, the host-side disk caches and the data flowing from the host to storage are not, unless encryption at host (or Azure Disk Encryption inside the guest) is enabled. Data there can be read by anyone who obtains the host media.',
    severity: 'medium',
    maturity: 'stable',
    types: ['Microsoft.Compute/virtualMachines'],
    scope: 'cluster',
    securityControl: 'enable-encryption-at-rest',
    frameworks: [{ framework: 'mcsb-v1', control: 'DP-4' }],
    remediation: {
      summary:
        'Enable encryption at host: register the EncryptionAtHost feature once per subscription (`az feature register --namespace Microsoft.Compute --name EncryptionAtHost`), deallocate the VM, update it and start it again. Azure Disk Encryption retires in September 2028; prefer encryption at host.',
      azureCli:
        'az vm update --name {name} --resource-group {resourceGroup} --set securityProfile.encryptionAtHost=true',
      armPatch: '{"properties":{"securityProfile":{"encryptionAtHost":true}}}',
      armApiVersion: '2024-07-01',
    },
    references: [
      'https://learn.microsoft.com/azure/virtual-machines/disk-encryption-overview',
      'https://learn.microsoft.com/azure/virtual-machines/linux/disks-enable-host-based-encryption-cli',
      'https://learn.microsoft.com/rest/api/compute/virtual-machines/update',
    ],
  },
  evaluate,
});
