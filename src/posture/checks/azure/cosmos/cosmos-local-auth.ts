/**
 * Cosmos DB account accepts account keys. Reads `properties.disableLocalAuth` of
 * `Microsoft.DocumentDB/databaseAccounts` (the same name in `az cosmosdb show`), and
 * `properties.capabilities[*].name` and `kind` to tell the API.
 * Compliant: true.
 * Absent: the API default is false (primary and secondary keys and resource tokens work), so an
 * absent property does not comply.
 * Not applicable: accounts of the MongoDB, Cassandra, Table and Gremlin APIs, which Azure Policy
 * 5450f5bd v1.1.0 exempts by capability ("EnableMongo", "EnableCassandra", "EnableTable",
 * "EnableGremlin"); kind "MongoDB" counts as the MongoDB API too, since MongoDB 3.2 accounts carry no
 * "EnableMongo" capability. An account whose capabilities are unknown is indeterminate.
 * Azure Policy 5450f5bd-9c72-4390-a9c4-a7aba4edfdd2 "Cosmos DB database accounts should have local authentication methods disabled".
 * Source: https://learn.microsoft.com/azure/cosmos-db/how-to-setup-rbac,
 * https://learn.microsoft.com/rest/api/cosmos-db-resource-provider/database-accounts/get
 */
import { type CheckOutcome, indeterminate, notApplicable } from '../../../check.ts';
import { boolRule, checkProperty, defineAzureCheck, read, readArray, sameText } from '../../../lib/azure.ts';

/** Capabilities that select an API other than NoSQL, with the API's name. */
const OTHER_APIS: ReadonlyMap<string, string> = new Map([
  ['enablemongo', 'MongoDB'],
  ['enablecassandra', 'Cassandra'],
  ['enabletable', 'Table'],
  ['enablegremlin', 'Gremlin'],
]);

export const cosmosLocalAuth = defineAzureCheck({
  meta: {
    id: 'PAL-AZR-0165',
    slug: 'cosmos-local-auth',
    title: 'Cosmos DB account accepts key-based authentication',
    description:
      'While local authentication is on, the account keys grant full read and write access to all data, bypass Microsoft Entra ID, MFA and role assignments, and remain valid wherever they were copied until rotated.',
    severity: 'medium',
    maturity: 'stable',
    types: ['Microsoft.DocumentDB/databaseAccounts'],
    securityControl: 'manage-access-and-permissions',
    frameworks: [
      { framework: 'cis-azure-2.0', control: '4.5.3' },
      { framework: 'mcsb-v1', control: 'IM-1' },
      { framework: 'mcsb-v1', control: 'IM-8' },
    ],
    remediation: {
      summary:
        'Disable local (key-based) authentication on the account after moving clients to Microsoft Entra ID with Cosmos DB data plane role assignments.',
      azureCli: 'az cosmosdb update --name {name} --resource-group {resourceGroup} --disable-local-auth true',
      armPatch: '{"properties":{"disableLocalAuth":true}}',
      armApiVersion: '2023-11-15',
    },
    references: [
      'https://learn.microsoft.com/azure/cosmos-db/how-to-setup-rbac',
      'https://learn.microsoft.com/rest/api/cosmos-db-resource-provider/database-accounts/get',
    ],
  },
  evaluate: (resource): CheckOutcome => {
    const azure = resource.azure;
    if (sameText(azure.arm.kind, 'MongoDB')) {
      return notApplicable('the account uses the MongoDB API (kind "MongoDB"), which Azure Policy exempts');
    }
    const capabilities = readArray(azure, 'properties.capabilities');
    if (capabilities.state === 'unknown') {
      return indeterminate(capabilities.reason);
    }
    for (let i = 0; i < (capabilities.items?.length ?? 0); i++) {
      const name = read(azure, `properties.capabilities[${i}].name`);
      if (name.state === 'unknown') {
        return indeterminate(name.reason);
      }
      const value = name.state === 'set' && typeof name.value === 'string' ? name.value : undefined;
      const api = value === undefined ? undefined : OTHER_APIS.get(value.toLowerCase());
      if (api !== undefined) {
        return notApplicable(`the account uses the ${api} API (capability "${value}"), which Azure Policy exempts`);
      }
    }
    return checkProperty(
      azure,
      boolRule('properties.disableLocalAuth', true, {
        compliant: false,
        meaning: 'the API default is false, so the account keys work',
      }),
    );
  },
});
