/**
 * Key Vault key without an expiration date. Reads `properties.attributes.exp` of each
 * `Microsoft.KeyVault/vaults/keys` resource (ARM: `GET {vaultId}/keys`; seconds since 1970-01-01).
 * Compliant: a positive number. Absent: a key has no expiry unless one is set, so an absent
 * property does not comply. Applies to keys in RBAC and access-policy vaults alike (CIS 8.1, 8.2).
 * Read from ARM (`Microsoft.KeyVault/vaults/keys`, `az rest`) and from the data-plane listing
 * (`az keyvault key list|show`), which the inventory maps to the same child resource (`attributes.expires`).
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
      steps: [
        'The expiry is a data-plane attribute of the key: Azure Resource Manager creates keys but leaves an existing key unchanged (vaults/keys is create-if-not-exist), so no ARM patch applies; the az command calls the Key Vault data plane and needs the Key Vault Crypto Officer role (or the update key permission).',
        'The date command is GNU date; on macOS use "$(date -u -v+1y +%Y-%m-%dT%H:%M:%SZ)".',
        'Let a rotation policy renew the key before it expires: az keyvault key rotation-policy update --vault-name <vault-name> --name <key-name> --value <rotation-policy.json>, where the JSON sets lifetimeActions (Rotate before expiry) and attributes.expiryTime (for example P1Y).',
      ],
    },
    references: [
      'https://learn.microsoft.com/azure/key-vault/keys/about-keys-details',
      'https://learn.microsoft.com/azure/key-vault/keys/how-to-configure-key-rotation',
      'https://learn.microsoft.com/rest/api/keyvault/keyvault/keys/get',
    ],
  },
  evaluate: (resource) => expiryOutcome(resource, 'key'),
});
