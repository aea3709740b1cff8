/**
 * Key vault accepts traffic from all networks. Reads `properties.publicNetworkAccess` and
 * `properties.networkAcls.defaultAction`.
 * Compliant: publicNetworkAccess "Disabled" (private endpoints and trusted services only), or
 * networkAcls.defaultAction "Deny" (only the firewall's IP and virtual network rules get in).
 * Absent: publicNetworkAccess defaults to enabled and a vault without networkAcls has no firewall
 * (defaultAction Allow), so absent properties do not comply.
 * Vaults created with `properties.createMode` "recover" are not applicable, as in Azure Policy.
 * Azure Policy 405c5871-3e91-4644-8a63-58e19d68ff5b "Azure Key Vault should disable public network access";
 * 55615ac9-af46-4a59-874e-391cc3dfb490 "Azure Key Vault should have firewall enabled".
 * Source: https://learn.microsoft.com/rest/api/keyvault/keyvault/vaults/create-or-update
 */
import { checkAnyOf, defineAzureCheck, textRule } from '../../../lib/azure.ts';
import { recoverModeReason } from './lib/vault.ts';

export const keyvaultPublicNetworkAccess = defineAzureCheck({
  meta: {
    id: 'PAL-AZR-0124',
    slug: 'keyvault-public-network-access',
    title: 'Key vault accepts traffic from all networks',
    description:
      'A vault open to all networks can be reached from anywhere on the internet, so a stolen token or misconfigured access grant is enough to read keys and secrets from outside your networks.',
    severity: 'medium',
    maturity: 'stable',
    types: ['Microsoft.KeyVault/vaults'],
    securityControl: 'restrict-unauthorized-network-access',
    frameworks: [{ framework: 'mcsb-v1', control: 'NS-2' }],
    remediation: {
      summary:
        'Disable public network access on the key vault and reach it through a private endpoint, or set its firewall default action to Deny with rules for the networks that need it.',
      azureCli: 'az keyvault update --name {name} --resource-group {resourceGroup} --public-network-access Disabled',
      armPatch: '{"properties":{"publicNetworkAccess":"Disabled"}}',
      armApiVersion: '2026-02-01',
    },
    references: [
      'https://learn.microsoft.com/azure/key-vault/general/network-security',
      'https://learn.microsoft.com/azure/key-vault/general/private-link-service',
      'https://learn.microsoft.com/rest/api/keyvault/keyvault/vaults/create-or-update',
    ],
  },
  appliesTo: recoverModeReason,
  evaluate: (resource) =>
    checkAnyOf(
      resource.azure,
      [
        textRule('properties.publicNetworkAccess', 'Disabled', {
          compliant: false,
          meaning: 'public network access is enabled',
        }),
        textRule('properties.networkAcls.defaultAction', 'Deny', {
          compliant: false,
          meaning: 'the vault has no firewall',
        }),
      ],
      'no network restriction is set',
    ),
});
