import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { vmTrustedLaunch } from './vm-trusted-launch.ts';

const VM_ID =
  '/subscriptions/7d1e4c2a-9b3f-4e8d-a6c5-2f0b1d3e5a79/resourceGroups/rg-shop/providers/Microsoft.Compute/virtualMachines/vm-web-01';

const vm = (securityProfile?: Record<string, unknown>) =>
  JSON.stringify({
    id: VM_ID,
    name: 'vm-web-01',
    type: 'Microsoft.Compute/virtualMachines',
    properties: securityProfile === undefined ? { vmId: 'a3c1' } : { securityProfile },
  });

describe('vm-trusted-launch', () => {
  it('fails on a Standard VM (securityType absent) with one violation and the fix', () => {
    const [finding] = runCheckOn(vmTrustedLaunch, vm(), undefined, 'a.json');
    assert.equal(finding?.status, 'fail');
    assert.deepEqual(finding?.violations, [
      {
        path: 'properties.securityProfile.securityType',
        message:
          'securityProfile.securityType is not set (a Standard VM, without Trusted Launch); set it to "TrustedLaunch" (or "ConfidentialVM")',
      },
    ]);
    assert.equal(
      finding?.remediation.azureCli,
      'az vm update --name vm-web-01 --resource-group rg-shop --security-type TrustedLaunch --enable-secure-boot true --enable-vtpm true',
    );
  });

  it('fails on Trusted Launch with Secure Boot off', () => {
    const [finding] = runCheckOn(
      vmTrustedLaunch,
      vm({ securityType: 'TrustedLaunch', uefiSettings: { secureBootEnabled: false, vTpmEnabled: true } }),
      undefined,
      'a.json',
    );
    assert.deepEqual(finding?.violations, [
      {
        path: 'properties.securityProfile.uefiSettings.secureBootEnabled',
        message: 'securityProfile.uefiSettings.secureBootEnabled is false; it must be true',
        actual: false,
      },
    ]);
  });

  it('passes with Trusted Launch or a confidential VM, Secure Boot and vTPM', () => {
    for (const securityType of ['TrustedLaunch', 'ConfidentialVM']) {
      const text = vm({ securityType, uefiSettings: { secureBootEnabled: true, vTpmEnabled: true } });
      assert.equal(runCheckOn(vmTrustedLaunch, text, undefined, 'a.json')[0]?.status, 'pass', securityType);
    }
  });

  it('is indeterminate for az resource list rows, which carry no properties', () => {
    const text = `[{"id": "${VM_ID}", "name": "vm-web-01", "type": "Microsoft.Compute/virtualMachines", "properties": null}]`;
    assert.equal(runCheckOn(vmTrustedLaunch, text, undefined, 'a.json')[0]?.status, 'indeterminate');
  });
});
