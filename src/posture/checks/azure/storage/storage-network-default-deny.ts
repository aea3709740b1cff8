/**
 * Storage account accepts traffic from all networks. Reads `properties.networkAcls.defaultAction`
 * (`networkRuleSet.defaultAction` in `az storage account show`, normalised by the inventory) and
 * `properties.publicNetworkAccess`.
 * Compliant: defaultAction "Deny" (only the firewall's IP and virtual network rules, and the
 * bypassed services, get in), or publicNetworkAccess "Disabled" (private endpoints only).
 * Absent: networkAcls defaults to defaultAction "Allow" and publicNetworkAccess to enabled, so
 * absent properties do not comply.
 * Azure Policy 34c877ad-507e-4c82-993e-3452a6e0ad3c "Storage accounts should restrict network access";
 * b2982f36-99f2-4db5-8eff-283140c09693 "Storage accounts should disable public network access".
 * Source: https://learn.microsoft.com/rest/api/storagerp/storage-accounts/create
 */
import { checkAnyOf, defineAzureCheck, textRule } from '../../../lib/azure.ts';

export const storageNetworkDefaultDeny = defineAzureCheck({
  meta: {
    id: 'PAL-AZR-0105',
    slug: 'storage-network-default-deny',
    title: 'Storage account accepts traffic from all networks',
    description:
      'With the firewall default action Allow and public network access enabled, the storage endpoints accept connections from any address on the internet, so a leaked key or SAS token is usable from anywhere.',
    severity: 'medium',
    maturity: 'stable',
    types: ['Microsoft.Storage/storageAccounts'],
    securityControl: 'restrict-unauthorized-network-access',
    frameworks: [
      { framework: 'mcsb-v1', control: 'NS-2' },
      { framework: 'cis-azure-2.0', control: '3.8' },
    ],
    remediation: {
      summary:
        'Set the storage firewall default action to Deny (add IP or virtual network rules for the clients that need access), or disable public network access and use private endpoints.',
      azureCli: 'az storage account update --name {name} --resource-group {resourceGroup} --default-action Deny',
      armApiVersion: '2023-05-01',
      steps: [
        'First allow the clients that need the account: az storage account network-rule add --account-name <account-name> --resource-group <resource-group> --ip-address <client-ip-or-cidr> (or --vnet-name <vnet-name> --subnet <subnet-name>), or create private endpoints.',
        'Then set the default action with the az command. No fixed ARM patch is given because networkAcls is written as a whole: PATCH the account (api-version 2023-05-01) with the complete networkAcls object, its current bypass, ipRules and virtualNetworkRules (az storage account show --query networkRuleSet) and "defaultAction": "Deny", or rules are lost.',
        'Alternatively disable public network access once private endpoints serve every client: az storage account update --name <account-name> --resource-group <resource-group> --public-network-access Disabled.',
      ],
    },
    references: [
      'https://learn.microsoft.com/azure/storage/common/storage-network-security',
      'https://learn.microsoft.com/rest/api/storagerp/storage-accounts/create',
    ],
  },
  evaluate: (resource) =>
    checkAnyOf(
      resource.azure,
      [
        textRule('properties.networkAcls.defaultAction', 'Deny', {
          compliant: false,
          meaning: 'the default action is Allow',
        }),
        textRule('properties.publicNetworkAccess', 'Disabled', {
          compliant: false,
          meaning: 'public network access is enabled',
        }),
      ],
      'no network restriction is set',
    ),
});
