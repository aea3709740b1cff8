/**
 * Storage account does not keep deleted containers. Reads the account's blob service child
 * (`Microsoft.Storage/storageAccounts/blobServices` named "default"):
 * `properties.containerDeleteRetentionPolicy.enabled`.
 * Compliant: true. Absent: container soft delete is disabled unless set (the portal enables it, ARM
 * and the CLI do not), so an absent policy does not comply.
 * Without the blob service in the input the check is indeterminate: export it with
 * `az storage account blob-service-properties show`.
 * Accounts of kind FileStorage have no blob service: not applicable.
 * Azure Policy 9fbd64e3-67b8-489b-98e5-fa0007d17e76 "Configure soft delete for blobs and containers on
 * Storage Accounts" (DeployIfNotExists).
 * Source: https://learn.microsoft.com/rest/api/storagerp/blob-services/set-service-properties
 */
import { boolRule, checkProperty, defineAzureCheck } from '../../../lib/azure.ts';
import { blobServiceOf, onBlobService } from './lib/blob-service.ts';

export const storageContainerSoftDelete = defineAzureCheck({
  meta: {
    id: 'PAL-AZR-0107',
    slug: 'storage-container-soft-delete',
    title: 'Storage account has container soft delete disabled',
    description:
      'Blob soft delete does not cover a deleted container: without container soft delete, deleting a container removes all of its blobs at once and for good.',
    severity: 'medium',
    maturity: 'stable',
    types: ['Microsoft.Storage/storageAccounts'],
    scope: 'cluster',
    securityControl: 'implement-security-best-practices',
    frameworks: [
      { framework: 'mcsb-v1', control: 'BR-1' },
      { framework: 'cis-azure-2.0', control: '3.11' },
    ],
    remediation: {
      summary: 'Enable container soft delete on the storage account, with a retention period of at least 7 days.',
      azureCli:
        'az storage account blob-service-properties update --account-name {name} --resource-group {resourceGroup} --enable-container-delete-retention true --container-delete-retention-days 7',
      armApiVersion: '2023-05-01',
      steps: [
        'Container soft delete is a property of the child resource blobServices/default, not of the account, so no PATCH of the account applies.',
        'With ARM, PUT the child resource (the az command reads its current properties and writes them back with the change; a hand-written PUT should carry the other properties that az storage account blob-service-properties show prints): az rest --method put --url "https://management.azure.com<storage-account-id>/blobServices/default?api-version=2023-05-01" --body \'{"properties":{"containerDeleteRetentionPolicy":{"enabled":true,"days":7}}}\', <storage-account-id> being the account\'s resource id.',
      ],
    },
    references: [
      'https://learn.microsoft.com/azure/storage/blobs/soft-delete-container-enable',
      'https://learn.microsoft.com/rest/api/storagerp/blob-services/set-service-properties',
    ],
  },
  evaluate(resource, ctx) {
    const found = blobServiceOf(resource, ctx);
    if ('outcome' in found) {
      return found.outcome;
    }
    return onBlobService(
      checkProperty(
        found.service.azure,
        boolRule('properties.containerDeleteRetentionPolicy.enabled', true, {
          compliant: false,
          meaning: 'container soft delete is off unless enabled',
        }),
      ),
    );
  },
});
