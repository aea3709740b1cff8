/**
 * Storage account allows anonymous (public) read access to blobs. Reads
 * `properties.allowBlobPublicAccess`.
 * Compliant: false. Absent: accounts created before Azure Storage changed the default (late 2023)
 * return null, which the API and the Azure CLI document as equivalent to true (containers may be
 * made public), so an absent property does not comply; Azure Policy likewise flags anything but false.
 * ARO-managed accounts (in a resource group named aro-*, named cluster* or imageregistry*) are not
 * applicable, as Azure Policy excludes them: the ARO resource provider owns them.
 * Azure Policy 4fa4b6c0-31ca-4c0d-b10d-24b96f62a751 "Storage account public access should be disallowed".
 * Source: https://learn.microsoft.com/rest/api/storagerp/storage-accounts/create
 */
import { boolRule, checkProperty, defineAzureCheck } from '../../../lib/azure.ts';
import { isAroManagedStorageAccount } from './lib/account.ts';

export const storageBlobPublicAccess = defineAzureCheck({
  meta: {
    id: 'PAL-AZR-0103',
    slug: 'storage-blob-public-access',
    title: 'Storage account allows anonymous blob access',
    description:
      'While anonymous access is allowed on the account, anyone with permission to change a container can make it public, and its blobs can then be read by anyone on the internet without credentials.',
    severity: 'high',
    maturity: 'stable',
    types: ['Microsoft.Storage/storageAccounts'],
    securityControl: 'restrict-unauthorized-network-access',
    frameworks: [
      { framework: 'mcsb-v1', control: 'NS-2' },
      { framework: 'cis-azure-2.0', control: '3.7' },
    ],
    remediation: {
      summary: 'Disallow anonymous (public) blob access on the storage account.',
      azureCli:
        'az storage account update --name {name} --resource-group {resourceGroup} --allow-blob-public-access false',
      armPatch: '{"properties":{"allowBlobPublicAccess":false}}',
      armApiVersion: '2023-05-01',
    },
    references: [
      'https://learn.microsoft.com/azure/storage/blobs/anonymous-read-access-prevent',
      'https://learn.microsoft.com/rest/api/storagerp/storage-accounts/create',
    ],
  },
  appliesTo: (resource) =>
    isAroManagedStorageAccount(resource)
      ? 'storage account managed by Azure Red Hat OpenShift (excluded as in Azure Policy)'
      : undefined,
  evaluate: (resource) =>
    checkProperty(
      resource.azure,
      boolRule('properties.allowBlobPublicAccess', false, {
        compliant: false,
        meaning: 'null is equivalent to true on accounts created before late 2023',
      }),
    ),
});
