/**
 * Cosmos DB account keys can change databases, containers and throughput. Reads
 * `properties.disableKeyBasedMetadataWriteAccess` of `Microsoft.DocumentDB/databaseAccounts` (the
 * same name in `az cosmosdb show`).
 * Compliant: true.
 * Absent: the API default is false (key holders may write metadata), so an absent property does not
 * comply.
 * Azure Policy 4750c32b-89c0-46af-bfcb-2e4541a818d5 "Azure Cosmos DB key based metadata write access should be disabled".
 * Source: https://learn.microsoft.com/rest/api/cosmos-db-resource-provider/database-accounts/get,
 * https://learn.microsoft.com/azure/cosmos-db/role-based-access-control
 */
import { boolRule, checkProperty, defineAzureCheck } from '../../../lib/azure.ts';

export const cosmosKeyBasedMetadataWrite = defineAzureCheck({
  meta: {
    id: 'PAL-AZR-0164',
    slug: 'cosmos-key-based-metadata-write',
    title: 'Cosmos DB account keys can create, change and delete databases and containers',
    description:
      'Unless key-based metadata write access is disabled, anyone holding an account key, such as an application or a leaked connection string, can delete databases and containers or change their throughput, instead of such changes going through Azure Resource Manager and its RBAC and activity log.',
    severity: 'medium',
    maturity: 'stable',
    types: ['Microsoft.DocumentDB/databaseAccounts'],
    securityControl: 'manage-access-and-permissions',
    frameworks: [{ framework: 'mcsb-v1', control: 'PA-7' }],
    remediation: {
      summary:
        'Disable key-based metadata write access, so that databases, containers and throughput change only through Azure Resource Manager.',
      azureCli:
        'az cosmosdb update --name {name} --resource-group {resourceGroup} --disable-key-based-metadata-write-access true',
      armPatch: '{"properties":{"disableKeyBasedMetadataWriteAccess":true}}',
      armApiVersion: '2023-11-15',
    },
    references: [
      'https://learn.microsoft.com/azure/cosmos-db/resource-locks',
      'https://learn.microsoft.com/rest/api/cosmos-db-resource-provider/database-accounts/get',
    ],
  },
  evaluate: (resource) =>
    checkProperty(
      resource.azure,
      boolRule('properties.disableKeyBasedMetadataWriteAccess', true, {
        compliant: false,
        meaning: 'the API default is false',
      }),
    ),
});
