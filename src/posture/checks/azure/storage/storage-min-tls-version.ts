/**
 * Storage account accepts TLS 1.0 or 1.1. Reads `properties.minimumTlsVersion`.
 * Compliant: "TLS1_2" (or "TLS1_3", should Azure Storage accept it as a minimum).
 * Absent: the Storage REST API states "the default interpretation is TLS 1.0 for this property"
 * (accounts created with `az storage account create` before the portal default, or by templates that
 * omit it), so an absent property does not comply.
 * Azure Policy fe83a0eb-a853-422d-aac2-1bffd182c5d0 "Storage accounts should have the specified minimum TLS version".
 * Source: https://learn.microsoft.com/rest/api/storagerp/storage-accounts/create
 */
import { checkProperty, defineAzureCheck } from '../../../lib/azure.ts';

const ACCEPTED = new Set(['tls1_2', 'tls1_3']);

export const storageMinTlsVersion = defineAzureCheck({
  meta: {
    id: 'PAL-AZR-0102',
    slug: 'storage-min-tls-version',
    title: 'Storage account accepts TLS versions older than 1.2',
    description:
      'A minimum TLS version below 1.2 lets clients negotiate TLS 1.0 or 1.1, deprecated protocols with known weaknesses, for requests that carry data, shared keys and SAS tokens.',
    severity: 'medium',
    maturity: 'stable',
    types: ['Microsoft.Storage/storageAccounts'],
    securityControl: 'encrypt-data-in-transit',
    frameworks: [
      { framework: 'mcsb-v1', control: 'DP-3' },
      { framework: 'cis-azure-2.0', control: '3.15' },
    ],
    remediation: {
      summary: 'Set the minimum TLS version of the storage account to TLS 1.2.',
      azureCli: 'az storage account update --name {name} --resource-group {resourceGroup} --min-tls-version TLS1_2',
      armPatch: '{"properties":{"minimumTlsVersion":"TLS1_2"}}',
      armApiVersion: '2023-05-01',
    },
    references: [
      'https://learn.microsoft.com/azure/storage/common/transport-layer-security-configure-minimum-version',
      'https://learn.microsoft.com/rest/api/storagerp/storage-accounts/create',
    ],
  },
  evaluate: (resource) =>
    checkProperty(resource.azure, {
      path: 'properties.minimumTlsVersion',
      compliant: (value) => typeof value === 'string' && ACCEPTED.has(value.toLowerCase()),
      expected: '"TLS1_2"',
      absent: { compliant: false, meaning: 'the API interprets a missing value as TLS1_0' },
    }),
});
