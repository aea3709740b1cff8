/**
 * Storage account has no access key expiration policy. Reads
 * `properties.keyPolicy.keyExpirationPeriodInDays`.
 * Compliant: a positive number of days. Absent: there is no key policy unless one is set, so the
 * account keys carry no rotation deadline and an absent property does not comply.
 * Not applicable when `properties.allowSharedKeyAccess` is false: the keys cannot authorize requests.
 * No built-in Azure Policy checks that the policy is set; 044985bb-afe1-42cd-8a36-9d5d42424537
 * "Storage account keys should not be expired" audits keys older than the period it sets.
 * Source: https://learn.microsoft.com/rest/api/storagerp/storage-accounts/create
 */
import { checkProperty, defineAzureCheck, read } from '../../../lib/azure.ts';

export const storageKeyExpirationPolicy = defineAzureCheck({
  meta: {
    id: 'PAL-AZR-0109',
    slug: 'storage-key-expiration-policy',
    title: 'Storage account has no access key expiration policy',
    description:
      'Without a key expiration policy nothing marks the account keys as due for rotation, so keys that grant full access to the account are often never regenerated.',
    severity: 'low',
    maturity: 'stable',
    types: ['Microsoft.Storage/storageAccounts'],
    securityControl: 'implement-security-best-practices',
    frameworks: [{ framework: 'mcsb-v1', control: 'IM-8' }],
    remediation: {
      summary:
        'Set a key expiration period (90 days or less) on the storage account and rotate the keys before it passes, or disable Shared Key authorization.',
      azureCli: 'az storage account update --name {name} --resource-group {resourceGroup} --key-exp-days 90',
      armPatch: '{"properties":{"keyPolicy":{"keyExpirationPeriodInDays":90}}}',
      armApiVersion: '2023-05-01',
    },
    references: [
      'https://learn.microsoft.com/azure/storage/common/storage-account-keys-manage',
      'https://learn.microsoft.com/rest/api/storagerp/storage-accounts/create',
    ],
  },
  appliesTo: (resource) => {
    const sharedKey = read(resource.azure, 'properties.allowSharedKeyAccess');
    return sharedKey.state === 'set' && sharedKey.value === false
      ? 'Shared Key authorization is disabled, so the account keys cannot be used'
      : undefined;
  },
  evaluate: (resource) =>
    checkProperty(resource.azure, {
      path: 'properties.keyPolicy.keyExpirationPeriodInDays',
      compliant: (value) => typeof value === 'number' && value > 0,
      expected: 'a positive number of days',
      absent: { compliant: false, meaning: 'the account has no key expiration policy' },
    }),
});
