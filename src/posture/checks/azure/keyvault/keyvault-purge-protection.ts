/**
 * Key vault has purge protection off. Reads `properties.enablePurgeProtection`.
 * Compliant: true. Absent: purge protection is off unless enabled (the API returns null), so an
 * absent property does not comply. Once enabled it cannot be turned off.
 * Vaults created with `properties.createMode` "recover" are not applicable: the request restores a
 * deleted vault, whose settings the check cannot see.
 * Azure Policy 0b60c0b2-2dc2-4e1c-b5c9-abbed971de53 "Key vaults should have deletion protection enabled".
 * Source: https://learn.microsoft.com/rest/api/keyvault/keyvault/vaults/create-or-update
 */
import { boolRule, checkProperty, defineAzureCheck } from '../../../lib/azure.ts';
import { recoverModeReason } from './lib/vault.ts';

export const keyvaultPurgeProtection = defineAzureCheck({
  meta: {
    id: 'PAL-AZR-0122',
    slug: 'keyvault-purge-protection',
    title: 'Key vault has purge protection disabled',
    description:
      'Without purge protection, anyone allowed to purge can permanently destroy a deleted vault, key or secret during the soft-delete retention period, and with it every disk, database or backup encrypted by those keys.',
    severity: 'medium',
    maturity: 'stable',
    types: ['Microsoft.KeyVault/vaults'],
    securityControl: 'implement-security-best-practices',
    frameworks: [
      { framework: 'mcsb-v1', control: 'DP-8' },
      { framework: 'mcsb-v1', control: 'BR-1' },
      { framework: 'cis-azure-2.0', control: '8.5' },
    ],
    remediation: {
      summary: 'Enable purge protection on the key vault (it cannot be turned off again).',
      azureCli: 'az keyvault update --name {name} --resource-group {resourceGroup} --enable-purge-protection true',
      armPatch: '{"properties":{"enablePurgeProtection":true}}',
      armApiVersion: '2026-02-01',
    },
    references: [
      'https://learn.microsoft.com/azure/key-vault/general/soft-delete-overview',
      'https://learn.microsoft.com/rest/api/keyvault/keyvault/vaults/create-or-update',
    ],
  },
  appliesTo: recoverModeReason,
  evaluate: (resource) =>
    checkProperty(
      resource.azure,
      boolRule('properties.enablePurgeProtection', true, {
        compliant: false,
        meaning: 'purge protection is off unless enabled',
      }),
    ),
});
