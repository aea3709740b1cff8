/**
 * Virtual machine uses unmanaged (VHD blob) disks. Reads `properties.storageProfile.osDisk.vhd.uri`
 * and `properties.storageProfile.dataDisks[*].vhd.uri`.
 * Compliant: no disk has a `vhd`: each is a managed disk (`managedDisk`).
 * Absent: a disk without `vhd` is managed. Since API version 2016-04-30-preview a VM created from an
 * image without a `vhd` gets managed disks, which is also how Azure Policy reads it (the OS disk's
 * `vhd.uri` existing marks the VM as non-compliant).
 * Azure Policy 06a78e20-9358-41c9-923c-fb736d382a4d "Audit VMs that do not use managed disks".
 * No ARM patch: the conversion is the `convertToManagedDisks` action on a deallocated VM.
 * Source: https://learn.microsoft.com/rest/api/compute/virtual-machines/get,
 * https://learn.microsoft.com/azure/virtual-machines/windows/convert-unmanaged-to-managed-disks
 */
import { isUnresolved, type Violation } from '#core';
import type { CheckOutcome } from '../../../check.ts';
import { indeterminate, outcome } from '../../../check.ts';
import { type AzureResource, defineAzureCheck, read, readArray } from '../../../lib/azure.ts';
import { fieldOf, isRecord, unresolvedReason } from '../network/lib/arm.ts';

function vhdUri(disk: Readonly<Record<string, unknown>>): { uri?: string; unknown?: string } {
  const vhd = fieldOf(disk, 'vhd');
  if (vhd === undefined || vhd === null) {
    return {};
  }
  if (!isRecord(vhd)) {
    return { unknown: unresolvedReason('vhd', vhd) };
  }
  const uri = fieldOf(vhd, 'uri');
  if (isUnresolved(uri)) {
    return { uri: uri.expression };
  }
  return { uri: typeof uri === 'string' ? uri : '' };
}

function evaluate(vm: AzureResource): CheckOutcome {
  const violations: Violation[] = [];
  const unknown: string[] = [];
  const check = (disk: unknown, path: string, label: string) => {
    if (isUnresolved(disk)) {
      unknown.push(unresolvedReason(path, disk));
      return;
    }
    if (!isRecord(disk)) {
      return;
    }
    const { uri, unknown: why } = vhdUri(disk);
    if (why !== undefined) {
      unknown.push(`${path}: ${why}`);
    } else if (uri !== undefined) {
      const name = fieldOf(disk, 'name');
      violations.push({
        path: `${path}.vhd`,
        message: `${label}${typeof name === 'string' ? ` "${name}"` : ''} is an unmanaged VHD blob${uri === '' ? '' : ` (${uri})`}; convert it to a managed disk`,
      });
    }
  };
  const osDisk = read(vm.azure, 'properties.storageProfile.osDisk');
  if (osDisk.state === 'unknown') {
    return indeterminate(osDisk.reason);
  }
  if (osDisk.state === 'set') {
    check(osDisk.value, 'properties.storageProfile.osDisk', 'OS disk');
  }
  const dataDisks = readArray(vm.azure, 'properties.storageProfile.dataDisks');
  if (dataDisks.state === 'unknown') {
    unknown.push(dataDisks.reason);
  }
  (dataDisks.items ?? []).forEach((disk, i) => {
    check(disk, `properties.storageProfile.dataDisks[${i}]`, 'data disk');
  });
  if (violations.length === 0 && unknown.length > 0) {
    return indeterminate(unknown.join('; '));
  }
  return outcome(violations);
}

export const vmManagedDisks = defineAzureCheck({
  meta: {
    id: 'PAL-AZR-0182',
    slug: 'vm-managed-disks',
    title: 'Virtual machine uses unmanaged VHD disks',
    description:
      'Unmanaged disks are page blobs in a storage account: anyone with the account key or a SAS can read or copy them, they cannot use Azure RBAC per disk, disk encryption sets or encryption at host, and the storage account is a single point of failure. Managed disks remove the account from the picture.',
    severity: 'medium',
    maturity: 'stable',
    types: ['Microsoft.Compute/virtualMachines'],
    securityControl: 'implement-security-best-practices',
    frameworks: [
      { framework: 'mcsb-v1', control: 'DP-4' },
      { framework: 'cis-azure-2.0', control: '7.2' },
    ],
    remediation: {
      summary:
        'Convert the VM to managed disks: deallocate it (`az vm deallocate`), run the conversion, and start it again. Delete the old VHD blobs afterwards.',
      azureCli: 'az vm convert --name {name} --resource-group {resourceGroup}',
      steps: [
        'Conversion is an operation (POST <vm-id>/convertToManagedDisks?api-version=2024-07-01), not a property change, so no ARM patch applies.',
        'Deallocate the VM first: az vm deallocate --name <vm-name> --resource-group <resource-group>; a VM in an availability set needs the set converted first: az vm availability-set convert --name <availability-set-name> --resource-group <resource-group>.',
        'Run the az command, start the VM (az vm start --name <vm-name> --resource-group <resource-group>), and delete the old VHD blobs once the VM works.',
      ],
    },
    references: [
      'https://learn.microsoft.com/azure/virtual-machines/managed-disks-overview',
      'https://learn.microsoft.com/azure/virtual-machines/windows/convert-unmanaged-to-managed-disks',
      'https://learn.microsoft.com/cli/azure/vm#az-vm-convert',
    ],
  },
  evaluate,
});
