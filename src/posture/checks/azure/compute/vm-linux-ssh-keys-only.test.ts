import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { vmLinuxSshKeysOnly } from './vm-linux-ssh-keys-only.ts';

const VM_ID =
  '/subscriptions/7d1e4c2a-9b3f-4e8d-a6c5-2f0b1d3e5a79/resourceGroups/rg-shop/providers/Microsoft.Compute/virtualMachines/vm-build';

const vm = (properties: Record<string, unknown>) =>
  JSON.stringify({ id: VM_ID, name: 'vm-build', type: 'Microsoft.Compute/virtualMachines', properties });

const linux = (linuxConfiguration: Record<string, unknown>) => ({
  storageProfile: { osDisk: { osType: 'Linux' } },
  osProfile: { computerName: 'vm-build', adminUsername: 'azureuser', linuxConfiguration },
});

describe('vm-linux-ssh-keys-only', () => {
  it('fails when password authentication is allowed, with the run-command fix', () => {
    const [finding] = runCheckOn(
      vmLinuxSshKeysOnly,
      vm(linux({ disablePasswordAuthentication: false })),
      undefined,
      'a.json',
    );
    assert.equal(finding?.status, 'fail');
    assert.deepEqual(finding?.violations, [
      {
        path: 'properties.osProfile.linuxConfiguration.disablePasswordAuthentication',
        message: 'osProfile.linuxConfiguration.disablePasswordAuthentication is false; it must be true',
        actual: false,
      },
    ]);
    assert.equal(
      finding?.remediation.azureCli,
      'az vm run-command invoke --name vm-build --resource-group rg-shop --command-id RunShellScript --scripts "sed -i -E \'s/^#?PasswordAuthentication.*/PasswordAuthentication no/\' /etc/ssh/sshd_config /etc/ssh/sshd_config.d/*.conf; systemctl reload sshd || systemctl reload ssh"',
    );
  });

  it('fails when the property is absent (the platform leaves passwords on)', () => {
    const [finding] = runCheckOn(vmLinuxSshKeysOnly, vm(linux({ provisionVMAgent: true })), undefined, 'a.json');
    assert.equal(
      finding?.violations[0]?.message,
      'osProfile.linuxConfiguration.disablePasswordAuthentication is not set (the platform then leaves password authentication on); set it to true',
    );
  });

  it('passes with SSH keys only; is not applicable to Windows, found by osType or windowsConfiguration', () => {
    assert.equal(
      runCheckOn(vmLinuxSshKeysOnly, vm(linux({ disablePasswordAuthentication: true })), undefined, 'a.json')[0]
        ?.status,
      'pass',
    );
    assert.equal(
      runCheckOn(vmLinuxSshKeysOnly, vm({ storageProfile: { osDisk: { osType: 'Windows' } } }), undefined, 'a.json')[0]
        ?.status,
      'not-applicable',
    );
    assert.equal(
      runCheckOn(
        vmLinuxSshKeysOnly,
        vm({ osProfile: { windowsConfiguration: { provisionVMAgent: true } } }),
        undefined,
        'a.json',
      )[0]?.status,
      'not-applicable',
    );
  });

  it('is indeterminate for a Linux VM on a specialized disk (no osProfile) and when the OS is unknown', () => {
    const [specialized] = runCheckOn(
      vmLinuxSshKeysOnly,
      vm({ storageProfile: { osDisk: { osType: 'Linux', createOption: 'Attach' } } }),
      undefined,
      'a.json',
    );
    assert.equal(specialized?.status, 'indeterminate');
    assert.match(specialized?.reason ?? '', /no osProfile/);
    assert.equal(runCheckOn(vmLinuxSshKeysOnly, vm({}), undefined, 'a.json')[0]?.status, 'indeterminate');
  });

  it('is indeterminate for az resource list rows, which carry no properties', () => {
    const text = `[{"id": "${VM_ID}", "name": "vm-build", "type": "Microsoft.Compute/virtualMachines", "properties": null}]`;
    assert.equal(runCheckOn(vmLinuxSshKeysOnly, text, undefined, 'a.json')[0]?.status, 'indeterminate');
  });
});
