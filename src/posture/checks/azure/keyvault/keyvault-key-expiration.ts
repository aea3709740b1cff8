/**
 * Key Vault key without an expiration date. Reads `properties.attributes.exp` of each
 * `Microsoft.KeyVault/vaults/keys` resource (ARM: `GET {vaultId}/keys`; seconds since 1970-01-01).
 * Compliant: a positive number. Absent: a key has no expiry unless one is set, so an absent
 * property does not comply. Applies to keys in RBAC and access-policy vaults alike (CIS 8.1, 8.2).
 * The data-plane listing (`az keyvault key list`) carries no resource type and is not read; export the
 * keys through ARM with `az rest` (see the indeterminate reason).
 * Azure Policy 152b15f7-8e1f-4c1f-ab71-8c010ba5dbc0 "Key Vault keys should have an expiration date".
 * Source: https://learn.microsoft.com/rest/api/keyvault/keyvault/keys/get
 */
import { defineAzureCheck } from '../../../lib/azure.ts';
import { expiryOutcome } from './lib/vault.ts';

export const keyvaultKeyExpiration = defineAzureCheck({
  meta: {
    id: 'PAL-AZR-0126',
    slug: 'keyvault-key-expiration',
    title: 'Key Vault key has no expiration date',
    description:
      'A key without an expiration date stays valid forever, so a compromised or forgotten key can be used indefinitely and nothing forces its rotation.',
    severity: 'medium',
    maturity: 'stable',
    types: ['Microsoft.KeyVault/vaults/keys'],
    securityControl: 'implement-security-best-practices',
    frameworks: [
      { framework: 'mcsb-v1', control: 'DP-6' },
      { framework: 'cis-azure-2.0', control: '8.1' },
      { framework: 'cis-azure-2.0', control: '8.2' },
    ],
    remediation: {
      summary: 'Set an expiration date on the key (and a rotation policy that renews it before it expires).',
      azureCli:
        'az keyvault key set-attributes --vault-name {parentName} --name {name} --expires "$(date -u -d \'+1 year\' +%Y-%m-%dT%H:%M:%SZ)"',
    },
    references: [
      'https://learn.microsoft.com/azure/key-vault/keys/about-keys-details',
      'https://learn.microsoft.com/azure/key-vault/keys/how-to-configure-key-rotation',
      'https://learn.microsoft.com/rest/api/keyvault/keyvault/keys/get',
    ],
  },
  evaluate: (resource) => expiryOutcome(resource, 'key'),
});
