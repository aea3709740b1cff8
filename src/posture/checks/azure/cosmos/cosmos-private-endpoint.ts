/**
 * Cosmos DB account has no approved private endpoint. Reads
 * `properties.privateEndpointConnections[*].properties.privateLinkServiceConnectionState.status` of
 * `Microsoft.DocumentDB/databaseAccounts` (`az cosmosdb show` flattens each connection, so there it
 * is `privateEndpointConnections[*].privateLinkServiceConnectionState.status`; both are read).
 * Compliant: at least one connection with status "Approved" ("Pending", "Rejected" and
 * "Disconnected" do not count).
 * Absent: no private endpoint connections (`az cosmosdb show` prints null), which does not comply.
 * Azure Policy 58440f8a-10c5-4151-bdce-dfbaad4a20b7 "CosmosDB accounts should use private link".
 * Source: https://learn.microsoft.com/azure/cosmos-db/how-to-configure-private-endpoints,
 * https://learn.microsoft.com/rest/api/cosmos-db-resource-provider/database-accounts/get
 */
import { type CheckOutcome, indeterminate, PASS } from '../../../check.ts';
import { type AzureResource, defineAzureCheck, read, readArray, sameText, show } from '../../../lib/azure.ts';

export type PrivateEndpoints =
  | { readonly kind: 'found'; readonly count: number; readonly statuses: readonly unknown[] }
  | { readonly kind: 'unknown'; readonly reason: string };

/** The account's approved private endpoint connections, in the ARM or the flattened az shape. */
export function approvedPrivateEndpoints(resource: AzureResource): PrivateEndpoints {
  const azure = resource.azure;
  const connections = readArray(azure, 'properties.privateEndpointConnections');
  if (connections.state === 'unknown') {
    return { kind: 'unknown', reason: connections.reason };
  }
  const statuses: unknown[] = [];
  let count = 0;
  for (let i = 0; i < (connections.items?.length ?? 0); i++) {
    const base = `properties.privateEndpointConnections[${i}]`;
    let status = read(azure, `${base}.properties.privateLinkServiceConnectionState.status`);
    if (status.state === 'absent') {
      status = read(azure, `${base}.privateLinkServiceConnectionState.status`);
    }
    if (status.state === 'unknown') {
      return { kind: 'unknown', reason: status.reason };
    }
    const value = status.state === 'set' ? status.value : undefined;
    statuses.push(value);
    if (sameText(value, 'Approved')) {
      count++;
    }
  }
  return { kind: 'found', count, statuses };
}

export const cosmosPrivateEndpoint = defineAzureCheck({
  meta: {
    id: 'PAL-AZR-0166',
    slug: 'cosmos-private-endpoint',
    title: 'Cosmos DB account has no approved private endpoint',
    description:
      'Without a private endpoint, clients reach the account over its public endpoint, so traffic leaves the virtual network and the account cannot be closed to the internet without cutting them off.',
    severity: 'medium',
    maturity: 'stable',
    types: ['Microsoft.DocumentDB/databaseAccounts'],
    securityControl: 'restrict-unauthorized-network-access',
    frameworks: [
      { framework: 'cis-azure-2.0', control: '4.5.2' },
      { framework: 'mcsb-v1', control: 'NS-2' },
    ],
    remediation: {
      summary:
        "Create a private endpoint for the account in the clients' virtual network (group id Sql for the NoSQL API; MongoDB, Cassandra, Gremlin or Table for the others) and approve its connection.",
      azureCli:
        'az network private-endpoint create --resource-group {resourceGroup} --name {name}-pe --vnet-name <vnet-name> --subnet <subnet-name> --private-connection-resource-id {id} --group-id Sql --connection-name {name}-pe',
      steps: [
        'Replace <vnet-name> and <subnet-name> with the network the clients use, and link a private DNS zone (privatelink.documents.azure.com for NoSQL) so that the account name resolves to the endpoint.',
        'A pending connection is approved with az cosmosdb private-endpoint-connection approve.',
      ],
    },
    references: [
      'https://learn.microsoft.com/azure/cosmos-db/how-to-configure-private-endpoints',
      'https://learn.microsoft.com/azure/private-link/private-endpoint-overview',
    ],
  },
  evaluate: (resource): CheckOutcome => {
    const endpoints = approvedPrivateEndpoints(resource);
    if (endpoints.kind === 'unknown') {
      return indeterminate(endpoints.reason);
    }
    if (endpoints.count > 0) {
      return PASS;
    }
    const statuses = endpoints.statuses.map((s) => (s === undefined ? 'not set' : show(s))).join(', ');
    const count = endpoints.statuses.length;
    const message =
      count === 0
        ? 'the account has no private endpoint connection'
        : count === 1
          ? `the account's private endpoint connection is not approved (status ${statuses})`
          : `none of the account's ${count} private endpoint connections is approved (statuses ${statuses})`;
    return {
      status: 'fail',
      violations: [{ path: 'properties.privateEndpointConnections', message }],
    };
  },
});
