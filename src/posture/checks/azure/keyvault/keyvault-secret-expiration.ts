/**
 * Key Vault secret without an expiration date. Reads `properties.attributes.exp` of each
 * `Microsoft.KeyVault/vaults/secrets` resource (ARM: `GET {vaultId}/secrets`; seconds since 1970-01-01).
 * Compliant: a positive number. Absent: a secret has no expiry unless one is set, so an absent
 * property does not comply. Applies to secrets in RBAC and access-policy vaults alike (CIS 8.3, 8.4).
 * Read from ARM (`Microsoft.KeyVault/vaults/secrets`, `az rest`) and from the data-plane listing
 * (`az keyvault secret list|show`), which the inventory maps to the same child resource (`attributes.expires`).
 * Azure Policy 98728c90-32c7-4049-8429-847dc0f4fe37 "Key Vault secrets should have an expiration date".
 * Source: https://learn.microsoft.com/rest/api/keyvault/keyvault/secrets/get
 */
import { defineAzureCheck } from '../../../lib/azure.ts';
import { expiryOutcome } from './lib/vault.ts';

export const keyvaultSecretExpiration = defineAzureCheck({
  meta: {
    id: 'PAL-AZR-0127',
    slug: 'keyvault-secret-expiration',
    title: 'Key Vault secret has no expiration date',
    description:
      'A secret without an expiration date (a password, connection string or API key) stays valid forever, so a leaked copy keeps working and nothing prompts its rotation.',
    severity: 'medium',
    maturity: 'stable',
    types: ['Microsoft.KeyVault/vaults/secrets'],
    securityControl: 'implement-security-best-practices',
    frameworks: [
      { framework: 'mcsb-v1', control: 'IM-8' },
      { framework: 'cis-azure-2.0', control: '8.3' },
      { framework: 'cis-azure-2.0', control: '8.4' },
    ],
    remediation: {
      summary: 'Set an expiration date on the secret, and rotate it before the date passes.',
      azureCli:
        'az keyvault secret set-attributes --vault-name {parentName} --name {name} --expires "$(date -u -d \'+1 year\' +%Y-%m-%dT%H:%M:%SZ)"',
      steps: [
        'The expiry is a data-plane attribute of the secret version: an ARM PUT of vaults/secrets writes a new version (and is meant for deployments only), so no ARM patch applies; the az command calls the Key Vault data plane and needs the Key Vault Secrets Officer role (or the set secret permission).',
        'The date command is GNU date; on macOS use "$(date -u -v+1y +%Y-%m-%dT%H:%M:%SZ)".',
        'Rotate the secret before the date passes: set a new value with az keyvault secret set --vault-name <vault-name> --name <secret-name> --value <new-value> --expires <date>, and update its consumers.',
      ],
    },
    references: [
      'https://learn.microsoft.com/azure/key-vault/secrets/about-secrets',
      'https://learn.microsoft.com/azure/key-vault/secrets/tutorial-rotation',
      'https://learn.microsoft.com/rest/api/keyvault/keyvault/secrets/get',
    ],
  },
  evaluate: (resource) => expiryOutcome(resource, 'secret'),
});
