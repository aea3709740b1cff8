/**
 * Linux virtual machine allows SSH password authentication. Reads
 * `properties.osProfile.linuxConfiguration.disablePasswordAuthentication` (the OS from
 * `storageProfile.osDisk.osType`, else from which `osProfile` configuration is present).
 * Compliant: true. Not applicable to Windows VMs.
 * Absent: when the property is not set the platform passes false to the guest agent, which leaves
 * password authentication on, so an absent property does not comply. A VM attached to a specialized
 * disk has no `osProfile` at all: ARM does not know its SSH settings and the check is indeterminate.
 * The property can only be set when the VM is created ("Changing property
 * 'linuxConfiguration.disablePasswordAuthentication' is not allowed"): the lasting fix is to
 * redeploy; meanwhile, turn password authentication off in the guest's sshd configuration.
 * Azure Policy 630c64f9-8b6b-4c64-b511-6544ceff6fd6 "Authentication to Linux machines should require
 * SSH keys" (audits the guest through machine configuration).
 * Source: https://learn.microsoft.com/rest/api/compute/virtual-machines/get#linuxconfiguration
 */
import type { CheckOutcome } from '../../../check.ts';
import { indeterminate, notApplicable } from '../../../check.ts';
import { type AzureResource, boolRule, checkProperty, defineAzureCheck, read } from '../../../lib/azure.ts';
import { osTypeOf } from './lib/vm.ts';

function evaluate(vm: AzureResource): CheckOutcome {
  const os = osTypeOf(vm);
  if (os.state === 'unknown') {
    return indeterminate(os.reason);
  }
  if (os.os === 'Windows') {
    return notApplicable('a Windows virtual machine (no SSH configuration)');
  }
  const osProfile = read(vm.azure, 'properties.osProfile');
  if (osProfile.state === 'unknown') {
    return indeterminate(osProfile.reason);
  }
  if (osProfile.state === 'absent') {
    return indeterminate(
      'the VM has no osProfile (it boots from a specialized disk), so ARM does not know its SSH settings; check PasswordAuthentication in the guest sshd configuration',
    );
  }
  return checkProperty(
    vm.azure,
    boolRule('properties.osProfile.linuxConfiguration.disablePasswordAuthentication', true, {
      compliant: false,
      meaning: 'the platform then leaves password authentication on',
    }),
  );
}

export const vmLinuxSshKeysOnly = defineAzureCheck({
  meta: {
    id: 'PAL-AZR-0186',
    slug: 'vm-linux-ssh-keys-only',
    title: 'Linux virtual machine allows SSH password authentication',
    description:
      'Passwords can be guessed, sprayed and reused; SSH keys cannot. With password authentication on, anyone who reaches port 22 can brute-force the administrator account.',
    severity: 'medium',
    maturity: 'stable',
    types: ['Microsoft.Compute/virtualMachines'],
    securityControl: 'remediate-security-configurations',
    frameworks: [
      { framework: 'mcsb-v1', control: 'IM-8' },
      { framework: 'mcsb-v1', control: 'PV-2' },
    ],
    remediation: {
      summary:
        'Redeploy the VM with SSH key authentication only (`az vm create ... --authentication-type ssh`); the setting cannot be changed on an existing VM, so meanwhile set PasswordAuthentication to no in the guest sshd configuration.',
      azureCli:
        'az vm run-command invoke --name {name} --resource-group {resourceGroup} --command-id RunShellScript --scripts "sed -i -E \'s/^#?PasswordAuthentication.*/PasswordAuthentication no/\' /etc/ssh/sshd_config /etc/ssh/sshd_config.d/*.conf; systemctl reload sshd || systemctl reload ssh"',
      steps: [
        "osProfile.linuxConfiguration.disablePasswordAuthentication is set when the VM is created and cannot be changed, so no ARM patch applies: redeploy from the VM's disks or image with az vm create ... --authentication-type ssh --ssh-key-values <public-key-file>.",
        'Until then, make sure every user has a key before turning passwords off in the guest: az vm user update --name <vm-name> --resource-group <resource-group> --username <user> --ssh-key-value <public-key-file>.',
        'Then run the az command, which sets PasswordAuthentication no in the sshd configuration and reloads sshd; the Azure setting keeps reporting passwords allowed until the VM is redeployed.',
      ],
    },
    references: [
      'https://learn.microsoft.com/azure/virtual-machines/linux/create-ssh-keys-detailed',
      'https://learn.microsoft.com/rest/api/compute/virtual-machines/get#linuxconfiguration',
      'https://learn.microsoft.com/cli/azure/vm/run-command',
    ],
  },
  evaluate,
});
