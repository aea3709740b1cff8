/**
 * Storage account does not keep deleted blobs. Reads the account's blob service child
 * (`Microsoft.Storage/storageAccounts/blobServices` named "default"):
 * `properties.deleteRetentionPolicy.enabled` and `properties.deleteRetentionPolicy.allowPermanentDelete`.
 * Compliant: enabled true, and allowPermanentDelete not true (when true, soft-deleted blob versions
 * and snapshots can be deleted permanently before the retention period ends).
 * Absent: the blob service is created with blob soft delete disabled when the property is not set
 * (the portal enables it, ARM and the CLI do not), so an absent policy does not comply.
 * Without the blob service in the input the check is indeterminate: export it with
 * `az storage account blob-service-properties show`.
 * Accounts of kind FileStorage have no blob service: not applicable.
 * Azure Policy 9fbd64e3-67b8-489b-98e5-fa0007d17e76 "Configure soft delete for blobs and containers on
 * Storage Accounts" (DeployIfNotExists).
 * Source: https://learn.microsoft.com/rest/api/storagerp/blob-services/set-service-properties
 */
import { boolRule, checkProperties, defineAzureCheck } from '../../../lib/azure.ts';
import { blobServiceOf, onBlobService } from './lib/blob-service.ts';

export const storageBlobSoftDelete = defineAzureCheck({
  meta: {
    id: 'PAL-AZR-0106',
    slug: 'storage-blob-soft-delete',
    title: 'Storage account has blob soft delete disabled',
    description:
      'Without blob soft delete, a blob that is deleted or overwritten by mistake, by a faulty process or by an attacker holding write access is gone at once and cannot be restored.',
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
      summary: 'Enable blob soft delete on the storage account, with a retention period of at least 7 days.',
      azureCli:
        'az storage account blob-service-properties update --account-name {name} --resource-group {resourceGroup} --enable-delete-retention true --delete-retention-days 7',
      armApiVersion: '2023-05-01',
      steps: [
        'Soft delete is a property of the child resource blobServices/default, not of the account, so no PATCH of the account applies.',
        'With ARM, PUT the child resource (the az command reads its current properties and writes them back with the change; a hand-written PUT should carry the other properties that az storage account blob-service-properties show prints): az rest --method put --url "https://management.azure.com<storage-account-id>/blobServices/default?api-version=2023-05-01" --body \'{"properties":{"deleteRetentionPolicy":{"enabled":true,"days":7}}}\', <storage-account-id> being the account\'s resource id.',
      ],
    },
    references: [
      'https://learn.microsoft.com/azure/storage/blobs/soft-delete-blob-enable',
      'https://learn.microsoft.com/rest/api/storagerp/blob-services/set-service-properties',
    ],
  },
  evaluate(resource, ctx) {
    const found = blobServiceOf(resource, ctx);
    if ('outcome' in found) {
      return found.outcome;
    }
    return onBlobService(
      checkProperties(found.service.azure, [
        boolRule('properties.deleteRetentionPolicy.enabled', true, {
          compliant: false,
          meaning: 'blob soft delete is off unless enabled',
        }),
        {
          path: 'properties.deleteRetentionPolicy.allowPermanentDelete',
          compliant: (value) => value !== true,
          expected: 'false (soft-deleted versions and snapshots must not be purgeable)',
          absent: { compliant: true, meaning: 'permanent delete is not allowed' },
        },
      ]),
    );
  },
});
