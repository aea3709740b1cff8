/**
 * Cosmos DB account is reachable from public networks. Reads `properties.publicNetworkAccess` of
 * `Microsoft.DocumentDB/databaseAccounts` (the same name in `az cosmosdb show`).
 * Compliant: "Disabled" (the API also takes "Enabled" and "SecuredByPerimeter"; Azure Policy accepts
 * only "Disabled").
 * Absent: the API default is "Enabled", so an absent property does not comply.
 * Azure Policy 797b37f7-06b8-444c-b1ad-fc62867f335a "Azure Cosmos DB should disable public network access".
 * Source: https://learn.microsoft.com/rest/api/cosmos-db-resource-provider/database-accounts/get,
 * https://learn.microsoft.com/azure/cosmos-db/how-to-configure-private-endpoints
 */
import { checkProperty, defineAzureCheck, textRule } from '../../../lib/azure.ts';

export const cosmosPublicNetworkAccess = defineAzureCheck({
  meta: {
    id: 'PAL-AZR-0161',
    slug: 'cosmos-public-network-access',
    title: 'Cosmos DB account accepts connections from public networks',
    description:
      'With public network access enabled, the account endpoint answers on the internet and only its IP and virtual network rules, if any, restrict who can present a key or token. Disabling it leaves private endpoints as the only way in.',
    severity: 'medium',
    maturity: 'stable',
    types: ['Microsoft.DocumentDB/databaseAccounts'],
    securityControl: 'restrict-unauthorized-network-access',
    frameworks: [
      { framework: 'mcsb-v1', control: 'NS-2' },
      { framework: 'mcsb-v1', control: 'NS-1' },
    ],
    remediation: {
      summary:
        'Disable public network access on the Cosmos DB account and connect through private endpoints (create them first, or clients lose access).',
      azureCli: 'az cosmosdb update --name {name} --resource-group {resourceGroup} --public-network-access DISABLED',
      armPatch: '{"properties":{"publicNetworkAccess":"Disabled"}}',
      armApiVersion: '2023-11-15',
    },
    references: [
      'https://learn.microsoft.com/azure/cosmos-db/how-to-configure-private-endpoints',
      'https://learn.microsoft.com/rest/api/cosmos-db-resource-provider/database-accounts/get',
    ],
  },
  evaluate: (resource) =>
    checkProperty(
      resource.azure,
      textRule('properties.publicNetworkAccess', 'Disabled', {
        compliant: false,
        meaning: 'the API default is "Enabled"',
      }),
    ),
});
