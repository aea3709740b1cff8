/**
 * Storage account allows object replication to accounts in other Microsoft Entra tenants. Reads
 * `properties.allowCrossTenantReplication`.
 * Compliant: false. Absent: accounts created before Azure Storage changed the default (late 2023)
 * return null, which the API and the Azure CLI document as true, so an absent property does not
 * comply; Azure Policy likewise flags anything but false.
 * Azure Policy 92a89a79-6c52-4a7e-a03f-61306fc49312 "Storage accounts should prevent cross tenant object replication".
 * Source: https://learn.microsoft.com/rest/api/storagerp/storage-accounts/create
 */
import { boolRule, checkProperty, defineAzureCheck } from '../../../lib/azure.ts';

export const storageCrossTenantReplication = defineAzureCheck({
  meta: {
    id: 'PAL-AZR-0108',
    slug: 'storage-cross-tenant-replication',
    title: 'Storage account allows cross-tenant object replication',
    description:
      'Cross-tenant object replication lets anyone who can write a replication policy copy every new blob to a storage account in a tenant your organisation does not control, a quiet path for data exfiltration.',
    severity: 'medium',
    maturity: 'stable',
    types: ['Microsoft.Storage/storageAccounts'],
    securityControl: 'remediate-security-configurations',
    frameworks: [
      { framework: 'mcsb-v1', control: 'PV-2' },
      { framework: 'mcsb-v1', control: 'PA-7' },
    ],
    remediation: {
      summary: 'Disallow cross-tenant object replication on the storage account.',
      azureCli:
        'az storage account update --name {name} --resource-group {resourceGroup} --allow-cross-tenant-replication false',
      armPatch: '{"properties":{"allowCrossTenantReplication":false}}',
      armApiVersion: '2023-05-01',
    },
    references: [
      'https://learn.microsoft.com/azure/storage/blobs/object-replication-prevent-cross-tenant-policies',
      'https://learn.microsoft.com/rest/api/storagerp/storage-accounts/create',
    ],
  },
  evaluate: (resource) =>
    checkProperty(
      resource.azure,
      boolRule('properties.allowCrossTenantReplication', false, {
        compliant: false,
        meaning: 'null is interpreted as true on accounts created before late 2023',
      }),
    ),
});
