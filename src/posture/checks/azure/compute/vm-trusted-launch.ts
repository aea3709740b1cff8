/**
 * Virtual machine does not use Trusted Launch with Secure Boot and vTPM. Reads
 * `properties.securityProfile.securityType`, `properties.securityProfile.uefiSettings.secureBootEnabled`
 * and `properties.securityProfile.uefiSettings.vTpmEnabled`.
 * Compliant: securityType TrustedLaunch or ConfidentialVM, with secureBootEnabled and vTpmEnabled true.
 * Absent: no securityType is a Standard VM: exports print the security type a VM has, and only new
 * Gen2 deployments on recent API versions default to TrustedLaunch. The REST API documents no
 * default for the two UEFI settings, so absent ones do not comply: set them explicitly.
 * Azure Policy 97566dd7-78ae-4997-8b36-1c7bfe0d8121 "[Preview]: Secure Boot should be enabled on
 * supported Windows virtual machines" and 1c30f9cd-b84c-49cc-aa2c-9288447cc3b3 "[Preview]: vTPM
 * should be enabled on supported virtual machines".
 * Source: https://learn.microsoft.com/azure/virtual-machines/trusted-launch,
 * https://learn.microsoft.com/azure/virtual-machines/trusted-launch-existing-vm
 */
import {
  boolRule,
  checkProperties,
  checkProperty,
  defineAzureCheck,
  type PropertyRule,
  sameText,
} from '../../../lib/azure.ts';

const SECURITY_TYPE: PropertyRule = {
  path: 'properties.securityProfile.securityType',
  compliant: (value) => sameText(value, 'TrustedLaunch') || sameText(value, 'ConfidentialVM'),
  expected: '"TrustedLaunch" (or "ConfidentialVM")',
  absent: { compliant: false, meaning: 'a Standard VM, without Trusted Launch' },
};

const UEFI: readonly PropertyRule[] = [
  boolRule('properties.securityProfile.uefiSettings.secureBootEnabled', true, {
    compliant: false,
    meaning: 'no default is documented, so Secure Boot is not known to be on',
  }),
  boolRule('properties.securityProfile.uefiSettings.vTpmEnabled', true, {
    compliant: false,
    meaning: 'no default is documented, so vTPM is not known to be on',
  }),
];

export const vmTrustedLaunch = defineAzureCheck({
  meta: {
    id: 'PAL-AZR-0188',
    slug: 'vm-trusted-launch',
    title: 'Virtual machine does not use Trusted Launch with Secure Boot and vTPM',
    description:
      'Secure Boot refuses unsigned boot loaders and kernels, and the virtual TPM measures the boot chain so that boot integrity can be attested. Without them, bootkits and kernel rootkits run below the operating system and its security tools.',
    severity: 'low',
    maturity: 'stable',
    types: ['Microsoft.Compute/virtualMachines'],
    securityControl: 'remediate-security-configurations',
    frameworks: [{ framework: 'mcsb-v1', control: 'PV-2' }],
    remediation: {
      summary:
        'Enable Trusted Launch with Secure Boot and vTPM: on a Gen2 VM, deallocate it, update it and start it again; Gen1 VMs must be converted or redeployed.',
      azureCli:
        'az vm update --name {name} --resource-group {resourceGroup} --security-type TrustedLaunch --enable-secure-boot true --enable-vtpm true',
      armPatch:
        '{"properties":{"securityProfile":{"securityType":"TrustedLaunch","uefiSettings":{"secureBootEnabled":true,"vTpmEnabled":true}}}}',
      armApiVersion: '2024-07-01',
    },
    references: [
      'https://learn.microsoft.com/azure/virtual-machines/trusted-launch',
      'https://learn.microsoft.com/azure/virtual-machines/trusted-launch-existing-vm',
    ],
  },
  evaluate: (vm) => {
    const type = checkProperty(vm.azure, SECURITY_TYPE);
    if (type.status === 'fail') {
      return type;
    }
    const uefi = checkProperties(vm.azure, UEFI);
    return uefi.status === 'fail' || type.status !== 'indeterminate' ? uefi : type;
  },
});
