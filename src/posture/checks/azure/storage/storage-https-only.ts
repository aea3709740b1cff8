/**
 * Storage account accepts plain HTTP. Reads `properties.supportsHttpsTrafficOnly`
 * (`enableHttpsTrafficOnly` in `az storage account show`, normalised by the inventory).
 * Compliant: true. Absent: the API default has been true since API version 2019-04-01, so an absent
 * property complies.
 * Azure Policy 404c3081-a854-4457-ae30-26a93ef643f9 "Secure transfer to storage accounts should be enabled".
 * Source: https://learn.microsoft.com/rest/api/storagerp/storage-accounts/create
 */
import { boolRule, checkProperty, defineAzureCheck } from '../../../lib/azure.ts';

export const storageHttpsOnly = defineAzureCheck({
  meta: {
    id: 'PAL-AZR-0101',
    slug: 'storage-https-only',
    title: 'Storage account accepts unencrypted HTTP requests',
    description:
      'Without secure transfer required, clients can reach blobs, files, queues and tables over plain HTTP, exposing data and shared keys or SAS tokens on the network.',
    severity: 'high',
    maturity: 'stable',
    types: ['Microsoft.Storage/storageAccounts'],
    securityControl: 'encrypt-data-in-transit',
    frameworks: [
      { framework: 'mcsb-v1', control: 'DP-3' },
      { framework: 'cis-azure-2.0', control: '3.1' },
    ],
    remediation: {
      summary: 'Require secure transfer (HTTPS only) on the storage account.',
      azureCli: 'az storage account update --name {name} --resource-group {resourceGroup} --https-only true',
      armPatch: '{"properties":{"supportsHttpsTrafficOnly":true}}',
      armApiVersion: '2023-05-01',
    },
    references: [
      'https://learn.microsoft.com/azure/storage/common/storage-require-secure-transfer',
      'https://learn.microsoft.com/rest/api/storagerp/storage-accounts/create',
    ],
  },
  evaluate: (resource) =>
    checkProperty(
      resource.azure,
      boolRule('properties.supportsHttpsTrafficOnly', true, {
        compliant: true,
        meaning: 'the API default since 2019-04-01 is true',
      }),
    ),
});
