import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { vmBootDiagnostics } from './vm-boot-diagnostics.ts';

const VM_ID =
  '/subscriptions/7d1e4c2a-9b3f-4e8d-a6c5-2f0b1d3e5a79/resourceGroups/rg-shop/providers/Microsoft.Compute/virtualMachines/vm-web-01';

const vm = (properties: Record<string, unknown>) =>
  JSON.stringify({ id: VM_ID, name: 'vm-web-01', type: 'Microsoft.Compute/virtualMachines', properties });

describe('vm-boot-diagnostics', () => {
  it('fails when disabled, naming the property and the fix', () => {
    const [finding] = runCheckOn(
      vmBootDiagnostics,
      vm({ diagnosticsProfile: { bootDiagnostics: { enabled: false } } }),
      undefined,
      'a.json',
    );
    assert.equal(finding?.status, 'fail');
    assert.deepEqual(finding?.violations, [
      {
        path: 'properties.diagnosticsProfile.bootDiagnostics.enabled',
        message: 'diagnosticsProfile.bootDiagnostics.enabled is false; it must be true',
        actual: false,
      },
    ]);
    assert.equal(
      finding?.remediation.azureCli,
      'az vm boot-diagnostics enable --name vm-web-01 --resource-group rg-shop',
    );
    assert.equal(
      finding?.remediation.armPatch,
      '{"properties":{"diagnosticsProfile":{"bootDiagnostics":{"enabled":true}}}}',
    );
  });

  it('fails when absent (off unless enabled)', () => {
    const [finding] = runCheckOn(
      vmBootDiagnostics,
      vm({ hardwareProfile: { vmSize: 'Standard_D2s_v5' } }),
      undefined,
      'a.json',
    );
    assert.equal(finding?.status, 'fail');
    assert.equal(
      finding?.violations[0]?.message,
      'diagnosticsProfile.bootDiagnostics.enabled is not set (boot diagnostics are off unless enabled); set it to true',
    );
  });

  it('passes when enabled, with managed storage or a storage account', () => {
    assert.equal(
      runCheckOn(
        vmBootDiagnostics,
        vm({ diagnosticsProfile: { bootDiagnostics: { enabled: true } } }),
        undefined,
        'a.json',
      )[0]?.status,
      'pass',
    );
    assert.equal(
      runCheckOn(
        vmBootDiagnostics,
        vm({
          diagnosticsProfile: {
            bootDiagnostics: { enabled: true, storageUri: 'https://stdiag.blob.core.windows.net/' },
          },
        }),
        undefined,
        'a.json',
      )[0]?.status,
      'pass',
    );
  });

  it('is indeterminate for az resource list rows, which carry no properties', () => {
    const text = `[{"id": "${VM_ID}", "name": "vm-web-01", "type": "Microsoft.Compute/virtualMachines", "properties": null}]`;
    assert.equal(runCheckOn(vmBootDiagnostics, text, undefined, 'a.json')[0]?.status, 'indeterminate');
  });
});
