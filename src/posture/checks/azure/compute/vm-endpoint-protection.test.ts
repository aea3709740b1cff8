import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { vmEndpointProtection } from './vm-endpoint-protection.ts';

const SUB = '7d1e4c2a-9b3f-4e8d-a6c5-2f0b1d3e5a79';
const VM_ID = `/subscriptions/${SUB}/resourceGroups/rg-shop/providers/Microsoft.Compute/virtualMachines/vm-api-01`;

/** `az vm show` output: flattened, with the extensions under `resources` (SDK names). */
const azVmShow = (resources?: readonly Record<string, unknown>[]) =>
  JSON.stringify({
    id: VM_ID,
    name: 'vm-api-01',
    type: 'Microsoft.Compute/virtualMachines',
    resourceGroup: 'rg-shop',
    location: 'westeurope',
    provisioningState: 'Succeeded',
    storageProfile: { osDisk: { osType: 'Linux', name: 'vm-api-01_OsDisk_1' } },
    ...(resources === undefined ? {} : { resources }),
  });

const azExt = (name: string, publisher: string, typePropertiesType: string) => ({
  autoUpgradeMinorVersion: true,
  id: `${VM_ID}/extensions/${name}`,
  name,
  provisioningState: 'Succeeded',
  publisher,
  resourceGroup: 'rg-shop',
  type: 'Microsoft.Compute/virtualMachines/extensions',
  typeHandlerVersion: '1.0',
  typePropertiesType,
});

describe('vm-endpoint-protection', () => {
  it('passes with Defender for Endpoint (MDE.Linux) from az vm show', () => {
    const text = azVmShow([azExt('MDE.Linux', 'Microsoft.Azure.AzureDefenderForServers', 'MDE.Linux')]);
    assert.equal(runCheckOn(vmEndpointProtection, text, undefined, 'a.json')[0]?.status, 'pass');
  });

  it('passes with Microsoft Antimalware as a child extension resource', () => {
    const text = `[${azVmShow()}, ${JSON.stringify(azExt('IaaSAntimalware', 'Microsoft.Azure.Security', 'IaaSAntimalware'))}]`;
    assert.equal(runCheckOn(vmEndpointProtection, text, undefined, 'a.json')[0]?.status, 'pass');
  });

  it('fails when the listed extensions hold no endpoint protection, naming them', () => {
    const text = azVmShow([azExt('AzurePolicyforLinux', 'Microsoft.GuestConfiguration', 'ConfigurationforLinux')]);
    const [finding] = runCheckOn(vmEndpointProtection, text, undefined, 'a.json');
    assert.equal(finding?.status, 'fail');
    assert.deepEqual(finding?.violations, [
      {
        path: 'resources',
        message:
          'no endpoint protection extension (MDE.Windows, MDE.Linux, IaaSAntimalware or TrendMicroDSA) is installed; extensions: "AzurePolicyforLinux" (Microsoft.GuestConfiguration/ConfigurationforLinux)',
      },
    ]);
    assert.equal(
      finding?.remediation.azureCli,
      `az security pricing create --name VirtualMachines --tier Standard --subscription ${SUB}`,
    );
  });

  it('is indeterminate when the input does not list the extensions (no resources, no extension resources)', () => {
    const [finding] = runCheckOn(vmEndpointProtection, azVmShow(), undefined, 'a.json');
    assert.equal(finding?.status, 'indeterminate');
    assert.equal(
      finding?.reason,
      "the input does not list the VM's extensions; export them with `az vm extension list --vm-name <name> --resource-group <resource-group>` (or `az vm show`, which prints them under `resources` when there are any)",
    );
  });

  it('is indeterminate when an extension row has no properties', () => {
    const row = {
      id: `${VM_ID}/extensions/agent`,
      name: 'agent',
      type: 'Microsoft.Compute/virtualMachines/extensions',
      properties: null,
    };
    const [finding] = runCheckOn(vmEndpointProtection, `[${azVmShow()}, ${JSON.stringify(row)}]`, undefined, 'a.json');
    assert.equal(finding?.status, 'indeterminate');
    assert.match(finding?.reason ?? '', /no properties for extension "agent"/);
  });

  it('is indeterminate for az resource list rows, which carry no properties', () => {
    const text = `[{"id": "${VM_ID}", "name": "vm-api-01", "type": "Microsoft.Compute/virtualMachines", "properties": null}]`;
    assert.equal(runCheckOn(vmEndpointProtection, text, undefined, 'a.json')[0]?.status, 'indeterminate');
  });
});
