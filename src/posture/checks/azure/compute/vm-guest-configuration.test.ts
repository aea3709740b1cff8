import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { vmGuestConfiguration } from './vm-guest-configuration.ts';

const VM_ID =
  '/subscriptions/7d1e4c2a-9b3f-4e8d-a6c5-2f0b1d3e5a79/resourceGroups/rg-shop/providers/Microsoft.Compute/virtualMachines/vm-win-01';

const vm = (envelope: Record<string, unknown>) => ({
  id: VM_ID,
  name: 'vm-win-01',
  type: 'Microsoft.Compute/virtualMachines',
  ...envelope,
  properties: { storageProfile: { osDisk: { osType: 'Windows' } } },
});

const ext = (name: string, publisher: string, type: string) => ({
  id: `${VM_ID}/extensions/${name}`,
  name,
  type: 'Microsoft.Compute/virtualMachines/extensions',
  properties: { publisher, type, typeHandlerVersion: '1.0', autoUpgradeMinorVersion: true },
});

const guestConfig = ext('AzurePolicyforWindows', 'Microsoft.GuestConfiguration', 'ConfigurationForWindows');
const run = (...resources: unknown[]) =>
  runCheckOn(vmGuestConfiguration, JSON.stringify(resources), undefined, 'a.json');

describe('vm-guest-configuration', () => {
  it('passes with the extension and a system-assigned identity', () => {
    assert.equal(
      run(vm({ identity: { type: 'SystemAssigned, UserAssigned' }, resources: [guestConfig] }))[0]?.status,
      'pass',
    );
    assert.equal(run(vm({ identity: { type: 'SystemAssigned' } }), guestConfig)[0]?.status, 'pass');
  });

  it('fails when the extension is installed but the VM has no managed identity', () => {
    const [finding] = run(vm({ resources: [guestConfig] }));
    assert.equal(finding?.status, 'fail');
    assert.deepEqual(finding?.violations, [
      {
        path: 'identity.type',
        message:
          'the VM has no managed identity; guest configuration extension "AzurePolicyforWindows" (Microsoft.GuestConfiguration/ConfigurationForWindows) needs a system-assigned identity',
      },
    ]);
    assert.equal(
      finding?.remediation.azureCli,
      'az vm identity assign --name vm-win-01 --resource-group rg-shop && az vm extension set --vm-name vm-win-01 --resource-group rg-shop --publisher Microsoft.GuestConfiguration --name ConfigurationforLinux --extension-instance-name AzurePolicyforLinux --enable-auto-upgrade true',
    );
  });

  it('fails when the identity is user-assigned only', () => {
    const [finding] = run(vm({ identity: { type: 'UserAssigned' } }), guestConfig);
    assert.equal(finding?.violations[0]?.message.startsWith('identity.type is "UserAssigned"; '), true);
  });

  it('fails when the listed extensions hold no guest configuration extension', () => {
    const [finding] = run(
      vm({ identity: { type: 'SystemAssigned' } }),
      ext('MDE.Windows', 'Microsoft.Azure.AzureDefenderForServers', 'MDE.Windows'),
    );
    assert.equal(finding?.status, 'fail');
    assert.equal(
      finding?.violations[0]?.message,
      'the guest configuration extension (Microsoft.GuestConfiguration ConfigurationforLinux or ConfigurationforWindows) is not installed; extensions: "MDE.Windows" (Microsoft.Azure.AzureDefenderForServers/MDE.Windows)',
    );
  });

  it('is indeterminate when the input does not list the extensions', () => {
    assert.equal(run(vm({ identity: { type: 'SystemAssigned' } }))[0]?.status, 'indeterminate');
  });

  it('is indeterminate for az resource list rows, which carry no properties', () => {
    const text = `[{"id": "${VM_ID}", "name": "vm-win-01", "type": "Microsoft.Compute/virtualMachines", "properties": null}]`;
    assert.equal(runCheckOn(vmGuestConfiguration, text, undefined, 'a.json')[0]?.status, 'indeterminate');
  });
});
