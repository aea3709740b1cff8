/**
 * Virtual machine has boot diagnostics disabled. Reads
 * `properties.diagnosticsProfile.bootDiagnostics.enabled`.
 * Compliant: true (with or without `storageUri`: without it, a managed storage account is used).
 * Absent: boot diagnostics are off unless requested (the portal turns them on, the API does not),
 * so an absent property does not comply.
 * No built-in Azure Policy definition audits this.
 * Source: https://learn.microsoft.com/rest/api/compute/virtual-machines/get#bootdiagnostics,
 * https://learn.microsoft.com/azure/virtual-machines/boot-diagnostics
 */
import { boolRule, checkProperty, defineAzureCheck } from '../../../lib/azure.ts';

export const vmBootDiagnostics = defineAzureCheck({
  meta: {
    id: 'PAL-AZR-0185',
    slug: 'vm-boot-diagnostics',
    title: 'Virtual machine has boot diagnostics disabled',
    description:
      'Boot diagnostics keep the serial console log and a screenshot of the VM. Without them, a machine that stops booting after tampering, a bad update or a disk problem cannot be inspected, and the serial console cannot be used to recover it.',
    severity: 'low',
    maturity: 'stable',
    types: ['Microsoft.Compute/virtualMachines'],
    securityControl: 'enable-auditing-and-logging',
    frameworks: [{ framework: 'mcsb-v1', control: 'LT-3' }],
    remediation: {
      summary: 'Enable boot diagnostics with a managed storage account.',
      azureCli: 'az vm boot-diagnostics enable --name {name} --resource-group {resourceGroup}',
      armPatch: '{"properties":{"diagnosticsProfile":{"bootDiagnostics":{"enabled":true}}}}',
      armApiVersion: '2024-07-01',
    },
    references: [
      'https://learn.microsoft.com/azure/virtual-machines/boot-diagnostics',
      'https://learn.microsoft.com/rest/api/compute/virtual-machines/update',
    ],
  },
  evaluate: (vm) =>
    checkProperty(
      vm.azure,
      boolRule('properties.diagnosticsProfile.bootDiagnostics.enabled', true, {
        compliant: false,
        meaning: 'boot diagnostics are off unless enabled',
      }),
    ),
});
