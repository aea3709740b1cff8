/**
 * Virtual machine has no endpoint protection extension. Reads the VM's extensions (the `resources`
 * array of an ARM GET or `az vm show`, and `Microsoft.Compute/virtualMachines/extensions` children):
 * their publisher and type (`properties.type`; `typePropertiesType` in az output).
 * Compliant: one of Microsoft Defender for Endpoint (Microsoft.Azure.AzureDefenderForServers
 * MDE.Windows or MDE.Linux, deployed by Defender for Servers), Microsoft Antimalware
 * (Microsoft.Azure.Security IaaSAntimalware) or Trend Micro Deep Security (TrendMicro.DeepSecurity
 * TrendMicroDSA or TrendMicroDSALinux). Endpoint protection installed inside the image, without an
 * extension, is not visible to ARM: exempt such VMs.
 * Absent: ARM prints `resources` only when the VM has extensions, and Resource Graph never prints
 * it. So "no endpoint protection extension" is a failure only when the input lists the VM's
 * extensions (a `resources` array or extension resources); otherwise the check is indeterminate and
 * says how to export them.
 * Azure Policy 1f7c564c-0a90-4d44-b7e1-9d456cffaee8 "Endpoint protection should be installed on your
 * machines" (now deprecated for Defender for Servers' own assessment).
 * No ARM patch: the fix is an extension resource or the subscription's Defender plan, not the VM.
 * Source: https://learn.microsoft.com/azure/defender-for-cloud/integration-defender-for-endpoint,
 * https://learn.microsoft.com/azure/security/fundamentals/antimalware
 */
import type { CheckContext, CheckOutcome } from '../../../check.ts';
import { indeterminate, PASS } from '../../../check.ts';
import { type AzureResource, defineAzureCheck } from '../../../lib/azure.ts';
import { describeExtension, EXPORT_EXTENSIONS, isExtension, vmExtensions } from './lib/vm.ts';

const ENDPOINT_PROTECTION: readonly (readonly [string, string])[] = [
  ['Microsoft.Azure.AzureDefenderForServers', 'MDE.Windows'],
  ['Microsoft.Azure.AzureDefenderForServers', 'MDE.Linux'],
  ['Microsoft.Azure.Security', 'IaaSAntimalware'],
  ['TrendMicro.DeepSecurity', 'TrendMicroDSA'],
  ['TrendMicro.DeepSecurity', 'TrendMicroDSALinux'],
];

function evaluate(vm: AzureResource, ctx: CheckContext): CheckOutcome {
  const { known, extensions } = vmExtensions(ctx, vm);
  if (extensions.some((e) => isExtension(e, ENDPOINT_PROTECTION))) {
    return PASS;
  }
  if (!known) {
    return indeterminate(`the input does not list the VM's extensions; ${EXPORT_EXTENSIONS}`);
  }
  const unreadable = extensions.filter((e) => e.unknown !== undefined);
  if (unreadable.length > 0) {
    return indeterminate(unreadable.map((e) => e.unknown).join('; '));
  }
  const installed = extensions.length === 0 ? 'none' : extensions.map(describeExtension).join(', ');
  return {
    status: 'fail',
    violations: [
      {
        path: 'resources',
        message: `no endpoint protection extension (MDE.Windows, MDE.Linux, IaaSAntimalware or TrendMicroDSA) is installed; extensions: ${installed}`,
      },
    ],
  };
}

export const vmEndpointProtection = defineAzureCheck({
  meta: {
    id: 'PAL-AZR-0183',
    slug: 'vm-endpoint-protection',
    title: 'Virtual machine has no endpoint protection extension',
    description:
      'Without an endpoint detection and response or anti-malware agent, malware, ransomware and hands-on-keyboard activity on the machine go unnoticed and unblocked. Defender for Servers deploys Microsoft Defender for Endpoint to every VM of the subscription.',
    severity: 'high',
    maturity: 'stable',
    types: ['Microsoft.Compute/virtualMachines'],
    scope: 'cluster',
    securityControl: 'enable-endpoint-protection',
    frameworks: [
      { framework: 'mcsb-v1', control: 'ES-1' },
      { framework: 'mcsb-v1', control: 'ES-2' },
      { framework: 'cis-azure-2.0', control: '7.6' },
    ],
    remediation: {
      summary:
        'Enable Defender for Servers on the subscription, which deploys Microsoft Defender for Endpoint (MDE.Windows or MDE.Linux) to its VMs; on a Windows VM without it, install Microsoft Antimalware (`az vm extension set --vm-name <vm> --resource-group <resource-group> --name IaaSAntimalware --publisher Microsoft.Azure.Security`).',
      azureCli: 'az security pricing create --name VirtualMachines --tier Standard --subscription {subscriptionId}',
      steps: [
        'The plan is a separate subscription-level resource (Microsoft.Security/pricings/VirtualMachines), and the endpoint protection agents are VM extensions (child resources), so no PATCH of the VM applies.',
        'With ARM: az rest --method put --url "https://management.azure.com/subscriptions/<subscription-id>/providers/Microsoft.Security/pricings/VirtualMachines?api-version=2024-01-01" --body \'{"properties":{"pricingTier":"Standard"}}\', <subscription-id> being the VM\'s subscription.',
        'On a Windows VM that Defender for Endpoint does not cover, install Microsoft Antimalware: az vm extension set --vm-name <vm-name> --resource-group <resource-group> --name IaaSAntimalware --publisher Microsoft.Azure.Security --settings \'{"AntimalwareEnabled":true}\'.',
      ],
    },
    references: [
      'https://learn.microsoft.com/azure/defender-for-cloud/integration-defender-for-endpoint',
      'https://learn.microsoft.com/azure/security/fundamentals/antimalware',
      'https://learn.microsoft.com/cli/azure/security/pricing',
    ],
  },
  evaluate,
});
