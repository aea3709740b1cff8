/** The azure/cosmos checks (Azure Cosmos DB accounts), one file each. Keep sorted by file name. */
import type { Check } from '../../../check.ts';
import { cosmosAzureDatacenterAccess } from './cosmos-azure-datacenter-access.ts';
import { cosmosFirewall } from './cosmos-firewall.ts';
import { cosmosKeyBasedMetadataWrite } from './cosmos-key-based-metadata-write.ts';
import { cosmosLocalAuth } from './cosmos-local-auth.ts';
import { cosmosMinTls } from './cosmos-min-tls.ts';
import { cosmosPrivateEndpoint } from './cosmos-private-endpoint.ts';
import { cosmosPublicNetworkAccess } from './cosmos-public-network-access.ts';

export const azureCosmosChecks: readonly Check[] = [
  cosmosAzureDatacenterAccess,
  cosmosFirewall,
  cosmosKeyBasedMetadataWrite,
  cosmosLocalAuth,
  cosmosMinTls,
  cosmosPrivateEndpoint,
  cosmosPublicNetworkAccess,
];
