import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { vmManagedDisks } from './vm-managed-disks.ts';

const VM_ID =
  '/subscriptions/7d1e4c2a-9b3f-4e8d-a6c5-2f0b1d3e5a79/resourceGroups/rg-legacy/providers/Microsoft.Compute/virtualMachines/vm-erp';

const vm = (storageProfile: Record<string, unknown> | undefined) =>
  JSON.stringify({
    id: VM_ID,
    name: 'vm-erp',
    type: 'Microsoft.Compute/virtualMachines',
    properties: storageProfile === undefined ? { vmId: '0b6f0c8e-3e55-4d2a-9a53-6d1c5b1f7a10' } : { storageProfile },
  });

describe('vm-managed-disks', () => {
  it('fails on an unmanaged OS disk and data disk, naming each VHD', () => {
    const text = vm({
      osDisk: {
        name: 'vm-erp-os',
        osType: 'Windows',
        vhd: { uri: 'https://stlegacyvhds.blob.core.windows.net/vhds/vm-erp-os.vhd' },
      },
      dataDisks: [
        { lun: 0, name: 'vm-erp-data0', managedDisk: { id: '/x/disks/vm-erp-data0' } },
        {
          lun: 1,
          name: 'vm-erp-data1',
          vhd: { uri: 'https://stlegacyvhds.blob.core.windows.net/vhds/vm-erp-data1.vhd' },
        },
      ],
    });
    const [finding] = runCheckOn(vmManagedDisks, text, undefined, 'a.json');
    assert.equal(finding?.status, 'fail');
    assert.deepEqual(finding?.violations, [
      {
        path: 'properties.storageProfile.osDisk.vhd',
        message:
          'OS disk "vm-erp-os" is an unmanaged VHD blob (https://stlegacyvhds.blob.core.windows.net/vhds/vm-erp-os.vhd); convert it to a managed disk',
      },
      {
        path: 'properties.storageProfile.dataDisks[1].vhd',
        message:
          'data disk "vm-erp-data1" is an unmanaged VHD blob (https://stlegacyvhds.blob.core.windows.net/vhds/vm-erp-data1.vhd); convert it to a managed disk',
      },
    ]);
    assert.equal(finding?.remediation.azureCli, 'az vm convert --name vm-erp --resource-group rg-legacy');
  });

  it('passes for managed disks, and when managedDisk and vhd are both absent (managed by default)', () => {
    assert.equal(
      runCheckOn(
        vmManagedDisks,
        vm({ osDisk: { name: 'os', managedDisk: { storageAccountType: 'Premium_LRS' } }, dataDisks: [] }),
        undefined,
        'a.json',
      )[0]?.status,
      'pass',
    );
    assert.equal(
      runCheckOn(vmManagedDisks, vm({ osDisk: { createOption: 'FromImage' } }), undefined, 'a.json')[0]?.status,
      'pass',
    );
    assert.equal(runCheckOn(vmManagedDisks, vm(undefined), undefined, 'a.json')[0]?.status, 'pass');
  });

  it('is indeterminate for az resource list rows, which carry no properties', () => {
    const text = `[{"id": "${VM_ID}", "name": "vm-erp", "type": "Microsoft.Compute/virtualMachines", "properties": null}]`;
    const [finding] = runCheckOn(vmManagedDisks, text, undefined, 'a.json');
    assert.equal(finding?.status, 'indeterminate');
    assert.match(finding?.reason ?? '', /az resource list/);
  });
});
