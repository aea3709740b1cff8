/**
 * Virtual machine has no guest configuration extension with a system-assigned identity. Reads the
 * VM's extensions (the `resources` array of an ARM GET or `az vm show`, and
 * `Microsoft.Compute/virtualMachines/extensions` children) and the envelope's `identity.type`.
 * Compliant: an extension of publisher Microsoft.GuestConfiguration and type ConfigurationforLinux or
 * ConfigurationforWindows, and `identity.type` containing SystemAssigned (the extension
 * authenticates with it).
 * Absent: no `identity` means no managed identity. ARM prints `resources` only when the VM has
 * extensions, and Resource Graph never prints it: "no extension" is a failure only when the input
 * lists the VM's extensions; otherwise the check is indeterminate.
 * Azure Policy ae89ebca-1c92-4898-ac2c-9f63decb045c "Guest Configuration extension should be
 * installed on your machines" and d26f7642-7545-4e18-9b75-8c9bbdee3a9a "Virtual machines' Guest
 * Configuration extension should be deployed with system-assigned managed identity".
 * No ARM patch: the extension is its own resource (the identity part alone is
 * `{"identity":{"type":"SystemAssigned"}}`).
 * Source: https://learn.microsoft.com/azure/virtual-machines/extensions/guest-configuration
 */
import type { CheckContext, CheckOutcome } from '../../../check.ts';
import { indeterminate, PASS } from '../../../check.ts';
import { type AzureResource, defineAzureCheck, read, show } from '../../../lib/azure.ts';
import { describeExtension, EXPORT_EXTENSIONS, isExtension, vmExtensions } from './lib/vm.ts';

const GUEST_CONFIGURATION: readonly (readonly [string, string])[] = [
  ['Microsoft.GuestConfiguration', 'ConfigurationforLinux'],
  ['Microsoft.GuestConfiguration', 'ConfigurationforWindows'],
];

function evaluate(vm: AzureResource, ctx: CheckContext): CheckOutcome {
  const { known, extensions } = vmExtensions(ctx, vm);
  const installed = extensions.find((e) => isExtension(e, GUEST_CONFIGURATION));
  if (installed === undefined) {
    if (!known) {
      return indeterminate(`the input does not list the VM's extensions; ${EXPORT_EXTENSIONS}`);
    }
    const unreadable = extensions.filter((e) => e.unknown !== undefined);
    if (unreadable.length > 0) {
      return indeterminate(unreadable.map((e) => e.unknown).join('; '));
    }
    const list = extensions.length === 0 ? 'none' : extensions.map(describeExtension).join(', ');
    return {
      status: 'fail',
      violations: [
        {
          path: 'resources',
          message: `the guest configuration extension (Microsoft.GuestConfiguration ConfigurationforLinux or ConfigurationforWindows) is not installed; extensions: ${list}`,
        },
      ],
    };
  }
  const identity = read(vm.azure, 'identity.type');
  if (identity.state === 'unknown') {
    return indeterminate(identity.reason);
  }
  if (identity.state === 'set' && typeof identity.value === 'string' && /systemassigned/i.test(identity.value)) {
    return PASS;
  }
  return {
    status: 'fail',
    violations: [
      {
        path: 'identity.type',
        message: `${identity.state === 'absent' ? 'the VM has no managed identity' : `identity.type is ${show(identity.value)}`}; guest configuration extension ${describeExtension(installed)} needs a system-assigned identity`,
        ...(identity.state === 'set' ? { actual: identity.value } : {}),
      },
    ],
  };
}

export const vmGuestConfiguration = defineAzureCheck({
  meta: {
    id: 'PAL-AZR-0184',
    slug: 'vm-guest-configuration',
    title: 'Virtual machine has no guest configuration extension with a system-assigned identity',
    description:
      "Azure Policy's machine configuration (guest configuration) audits settings inside the operating system, such as password policies, SSH settings and installed software. Without its extension and a system-assigned identity, those policies report nothing for the VM and drift inside the guest goes unseen.",
    severity: 'medium',
    maturity: 'stable',
    types: ['Microsoft.Compute/virtualMachines'],
    scope: 'cluster',
    securityControl: 'remediate-security-configurations',
    frameworks: [{ framework: 'mcsb-v1', control: 'PV-2' }],
    remediation: {
      summary:
        'Give the VM a system-assigned identity and install the guest configuration extension (on Windows: `--name ConfigurationforWindows --extension-instance-name AzurePolicyforWindows`).',
      azureCli:
        'az vm identity assign --name {name} --resource-group {resourceGroup} && az vm extension set --vm-name {name} --resource-group {resourceGroup} --publisher Microsoft.GuestConfiguration --name ConfigurationforLinux --extension-instance-name AzurePolicyforLinux --enable-auto-upgrade true',
      steps: [
        'The extension is a child resource (virtualMachines/extensions), so a PATCH of the VM cannot install it. With ARM, PATCH the VM (api-version 2024-07-01) with {"identity":{"type":"SystemAssigned"}} ("SystemAssigned, UserAssigned" when it keeps user-assigned identities), then PUT <vm-id>/extensions/AzurePolicyforLinux with {"location":"<vm-location>","properties":{"publisher":"Microsoft.GuestConfiguration","type":"ConfigurationforLinux","typeHandlerVersion":"1.0","autoUpgradeMinorVersion":true,"enableAutomaticUpgrade":true}}.',
        'On Windows use --name ConfigurationforWindows --extension-instance-name AzurePolicyforWindows (type ConfigurationforWindows in ARM).',
      ],
    },
    references: [
      'https://learn.microsoft.com/azure/virtual-machines/extensions/guest-configuration',
      'https://learn.microsoft.com/azure/governance/machine-configuration/overview',
    ],
  },
  evaluate,
});
