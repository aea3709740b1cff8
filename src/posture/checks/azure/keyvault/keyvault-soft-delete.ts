/**
 * Key vault has soft delete off. Reads `properties.enableSoftDelete`.
 * Compliant: true. Absent: "if it's not set to any value (true or false) when creating new key vault,
 * it will be set to true by default" (Key Vault REST API and Azure CLI; new vaults cannot be created
 * without soft delete since December 2020), so an absent property complies. Azure Policy is stricter
 * and flags an absent property too; an explicit false fails here.
 * Vaults created with `properties.createMode` "recover" are not applicable.
 * Azure Policy 1e66c121-a66a-4b1f-9b83-0fd99bf0fc2d "Key vaults should have soft delete enabled".
 * Source: https://learn.microsoft.com/rest/api/keyvault/keyvault/vaults/create-or-update
 */
import { boolRule, checkProperty, defineAzureCheck } from '../../../lib/azure.ts';
import { recoverModeReason } from './lib/vault.ts';

export const keyvaultSoftDelete = defineAzureCheck({
  meta: {
    id: 'PAL-AZR-0121',
    slug: 'keyvault-soft-delete',
    title: 'Key vault has soft delete disabled',
    description:
      'Without soft delete, deleting the vault or one of its keys, secrets or certificates destroys it at once, and everything encrypted with a deleted key becomes unreadable.',
    severity: 'high',
    maturity: 'stable',
    types: ['Microsoft.KeyVault/vaults'],
    securityControl: 'implement-security-best-practices',
    frameworks: [
      { framework: 'mcsb-v1', control: 'DP-8' },
      { framework: 'mcsb-v1', control: 'BR-1' },
      { framework: 'cis-azure-2.0', control: '8.5' },
    ],
    remediation: {
      summary: 'Enable soft delete on the key vault (it cannot be turned off again).',
      azureCli: 'az resource update --ids {id} --set properties.enableSoftDelete=true',
      armPatch: '{"properties":{"enableSoftDelete":true}}',
      armApiVersion: '2026-02-01',
    },
    references: [
      'https://learn.microsoft.com/azure/key-vault/general/soft-delete-overview',
      'https://learn.microsoft.com/azure/key-vault/general/soft-delete-change',
      'https://learn.microsoft.com/rest/api/keyvault/keyvault/vaults/create-or-update',
    ],
  },
  appliesTo: recoverModeReason,
  evaluate: (resource) =>
    checkProperty(
      resource.azure,
      boolRule('properties.enableSoftDelete', true, {
        compliant: true,
        meaning: 'new vaults get soft delete by default',
      }),
    ),
});
