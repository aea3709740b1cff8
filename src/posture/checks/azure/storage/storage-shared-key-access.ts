/**
 * Storage account accepts Shared Key authorization (account keys, and SAS tokens signed with them).
 * Reads `properties.allowSharedKeyAccess`.
 * Compliant: false. Absent: the API default is null, "which is equivalent to true", so an absent
 * property does not comply.
 * Azure Policy 8c6a50c6-9ffd-4ae7-986f-5fa6111f9a54 "Storage accounts should prevent shared key access"
 * (which flags only an explicit true).
 * Source: https://learn.microsoft.com/rest/api/storagerp/storage-accounts/create
 */
import { boolRule, checkProperty, defineAzureCheck } from '../../../lib/azure.ts';

export const storageSharedKeyAccess = defineAzureCheck({
  meta: {
    id: 'PAL-AZR-0104',
    slug: 'storage-shared-key-access',
    title: 'Storage account allows Shared Key authorization',
    description:
      'The two account keys grant full access to all data in the account, never expire unless rotated, and leave no identity in the logs; with Shared Key disabled every request must be authorized with Microsoft Entra ID.',
    severity: 'medium',
    maturity: 'stable',
    types: ['Microsoft.Storage/storageAccounts'],
    securityControl: 'manage-access-and-permissions',
    frameworks: [
      { framework: 'mcsb-v1', control: 'IM-1' },
      { framework: 'mcsb-v1', control: 'IM-8' },
    ],
    remediation: {
      summary:
        'Disallow Shared Key authorization on the storage account once clients use Microsoft Entra ID (check the StorageBlobLogs for SharedKey requests first).',
      azureCli:
        'az storage account update --name {name} --resource-group {resourceGroup} --allow-shared-key-access false',
      armPatch: '{"properties":{"allowSharedKeyAccess":false}}',
      armApiVersion: '2023-05-01',
    },
    references: [
      'https://learn.microsoft.com/azure/storage/common/shared-key-authorization-prevent',
      'https://learn.microsoft.com/rest/api/storagerp/storage-accounts/create',
    ],
  },
  evaluate: (resource) =>
    checkProperty(
      resource.azure,
      boolRule('properties.allowSharedKeyAccess', false, {
        compliant: false,
        meaning: 'the API default null is equivalent to true',
      }),
    ),
});
