import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { vmDiskEncryption } from './vm-disk-encryption.ts';

const RG = '/subscriptions/7d1e4c2a-9b3f-4e8d-a6c5-2f0b1d3e5a79/resourceGroups/rg-shop';
const VM_ID = `${RG}/providers/Microsoft.Compute/virtualMachines/vm-web-01`;
const DISK_ID = `${RG}/providers/Microsoft.Compute/disks/vm-web-01_OsDisk_1`;

const vm = (properties: Record<string, unknown>, envelope: Record<string, unknown> = {}) => ({
  id: VM_ID,
  name: 'vm-web-01',
  type: 'Microsoft.Compute/virtualMachines',
  location: 'westeurope',
  ...envelope,
  properties: {
    storageProfile: { osDisk: { osType: 'Linux', name: 'vm-web-01_OsDisk_1', managedDisk: { id: DISK_ID } } },
    ...properties,
  },
});

const ext = (name: string, publisher: string, type: string) => ({
  id: `${VM_ID}/extensions/${name}`,
  name,
  type: 'Microsoft.Compute/virtualMachines/extensions',
  properties: { publisher, type, typeHandlerVersion: '1.0' },
});

const run = (...resources: unknown[]) => runCheckOn(vmDiskEncryption, JSON.stringify(resources), undefined, 'a.json');
const monitoring = ext('AzureMonitorLinuxAgent', 'Microsoft.Azure.Monitor', 'AzureMonitorLinuxAgent');

describe('vm-disk-encryption', () => {
  it('passes with encryption at host', () => {
    assert.equal(run(vm({ securityProfile: { encryptionAtHost: true } }))[0]?.status, 'pass');
  });

  it('passes with Azure Disk Encryption: extension in resources, child extension, or encrypted OS disk', () => {
    assert.equal(
      run(
        vm(
          {},
          {
            resources: [ext('AzureDiskEncryptionForLinux', 'Microsoft.Azure.Security', 'AzureDiskEncryptionForLinux')],
          },
        ),
      )[0]?.status,
      'pass',
    );
    assert.equal(run(vm({}), ext('ADE', 'Microsoft.Azure.Security', 'AzureDiskEncryption'))[0]?.status, 'pass');
    const disk = {
      id: DISK_ID,
      name: 'vm-web-01_OsDisk_1',
      type: 'Microsoft.Compute/disks',
      properties: { encryptionSettingsCollection: { enabled: true, encryptionSettingsVersion: '1.1' } },
    };
    assert.equal(run(vm({}), disk)[0]?.status, 'pass');
  });

  it('fails when encryptionAtHost is absent (API default false) and the listed extensions hold no ADE', () => {
    const [finding] = run(vm({}, { resources: [monitoring] }));
    assert.equal(finding?.status, 'fail');
    assert.deepEqual(finding?.violations, [
      {
        path: 'properties.securityProfile.encryptionAtHost',
        message:
          'securityProfile.encryptionAtHost is not set (the API default is false) and no Azure Disk Encryption extension is installed; enable encryption at host',
      },
    ]);
    assert.equal(
      finding?.remediation.azureCli,
      'az vm update --name vm-web-01 --resource-group rg-shop --set securityProfile.encryptionAtHost=true',
    );
  });

  it('fails when encryptionAtHost is false and a child extension list holds no ADE; a disk encryption set does not count', () => {
    const withDes = vm({
      securityProfile: { encryptionAtHost: false },
      storageProfile: {
        osDisk: {
          osType: 'Linux',
          managedDisk: {
            id: DISK_ID,
            diskEncryptionSet: { id: `${RG}/providers/Microsoft.Compute/diskEncryptionSets/des1` },
          },
        },
      },
    });
    const [finding] = run(withDes, monitoring);
    assert.equal(finding?.status, 'fail');
    assert.equal(
      finding?.violations[0]?.message,
      'securityProfile.encryptionAtHost is false and no Azure Disk Encryption extension is installed; enable encryption at host',
    );
    assert.equal(finding?.violations[0]?.actual, false);
  });

  it('is indeterminate when the input does not list the extensions (Resource Graph rows)', () => {
    const [finding] = run(vm({ securityProfile: { encryptionAtHost: false } }));
    assert.equal(finding?.status, 'indeterminate');
    assert.match(
      finding?.reason ?? '',
      /does not list the VM's extensions, so Azure Disk Encryption cannot be ruled out/,
    );
    assert.match(finding?.reason ?? '', /az vm extension list --vm-name/);
  });

  it('is indeterminate for az resource list rows, which carry no properties', () => {
    const text = `[{"id": "${VM_ID}", "name": "vm-web-01", "type": "Microsoft.Compute/virtualMachines", "properties": null}]`;
    const [finding] = runCheckOn(vmDiskEncryption, text, undefined, 'a.json');
    assert.equal(finding?.status, 'indeterminate');
    assert.match(finding?.reason ?? '', /az resource list/);
  });
});
