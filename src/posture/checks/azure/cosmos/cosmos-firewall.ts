/**
 * Cosmos DB account accepts traffic from all networks. Reads `properties.publicNetworkAccess`,
 * `properties.isVirtualNetworkFilterEnabled`, `properties.ipRules` (and the legacy
 * `properties.ipRangeFilter` string) of `Microsoft.DocumentDB/databaseAccounts` (the same names in
 * `az cosmosdb show`).
 * Compliant: any of publicNetworkAccess set to something other than "Enabled" ("Disabled",
 * "SecuredByPerimeter"), isVirtualNetworkFilterEnabled true, or at least one IP rule.
 * Absent: publicNetworkAccess defaults to "Enabled", isVirtualNetworkFilterEnabled to false and
 * ipRules to none, so an account without them accepts every network and does not comply.
 * An approved private endpoint does not make the account comply: with public access enabled and no
 * IP or virtual network rule, the public endpoint still accepts all traffic (the message names the
 * endpoint when there is one; cosmos-private-endpoint reports private link on its own).
 * Azure Policy 862e97cf-49fc-4a5c-9de4-40d4e2e7c8eb "Azure Cosmos DB accounts should have firewall rules".
 * Source: https://learn.microsoft.com/azure/cosmos-db/how-to-configure-firewall,
 * https://learn.microsoft.com/azure/cosmos-db/how-to-configure-private-endpoints,
 * https://learn.microsoft.com/rest/api/cosmos-db-resource-provider/database-accounts/get
 */
import { type CheckOutcome, indeterminate, PASS } from '../../../check.ts';
import { type AzureResource, defineAzureCheck, read, readArray, sameText, show } from '../../../lib/azure.ts';
import { approvedPrivateEndpoints } from './cosmos-private-endpoint.ts';

/** Why the account restricts networks, undefined when it does not, or the unknown reasons. */
function restriction(resource: AzureResource): { readonly by?: string; readonly unknown: string[] } {
  const azure = resource.azure;
  const unknown: string[] = [];
  const access = read(azure, 'properties.publicNetworkAccess');
  if (access.state === 'unknown') {
    unknown.push(access.reason);
  } else if (access.state === 'set' && !sameText(access.value, 'Enabled')) {
    return { by: `publicNetworkAccess ${show(access.value)}`, unknown };
  }
  const vnet = read(azure, 'properties.isVirtualNetworkFilterEnabled');
  if (vnet.state === 'unknown') {
    unknown.push(vnet.reason);
  } else if (vnet.state === 'set' && vnet.value === true) {
    return { by: 'isVirtualNetworkFilterEnabled', unknown };
  }
  const rules = readArray(azure, 'properties.ipRules');
  if (rules.state === 'unknown') {
    unknown.push(rules.reason);
  } else if ((rules.items?.length ?? 0) > 0) {
    return { by: 'ipRules', unknown };
  }
  const legacy = read(azure, 'properties.ipRangeFilter');
  if (legacy.state === 'unknown') {
    unknown.push(legacy.reason);
  } else if (legacy.state === 'set' && typeof legacy.value === 'string' && legacy.value.trim() !== '') {
    return { by: 'ipRangeFilter', unknown };
  }
  return { unknown };
}

export const cosmosFirewall = defineAzureCheck({
  meta: {
    id: 'PAL-AZR-0162',
    slug: 'cosmos-firewall',
    title: 'Cosmos DB account accepts traffic from all networks',
    description:
      'With public network access enabled and neither IP rules nor virtual network rules, the account endpoint accepts requests from any address on the internet, so a leaked key or token is usable from anywhere.',
    severity: 'high',
    maturity: 'stable',
    types: ['Microsoft.DocumentDB/databaseAccounts'],
    securityControl: 'restrict-unauthorized-network-access',
    frameworks: [
      { framework: 'cis-azure-2.0', control: '4.5.1' },
      { framework: 'mcsb-v1', control: 'NS-2' },
    ],
    remediation: {
      summary:
        'Limit the account to selected networks: add IP rules for the client addresses (or virtual network rules), or disable public network access.',
      azureCli: 'az cosmosdb update --name {name} --resource-group {resourceGroup} --ip-range-filter <allowed-ips>',
      armPatch: '{"properties":{"ipRules":[{"ipAddressOrRange":"<allowed-ip-or-cidr>"}]}}',
      armApiVersion: '2023-11-15',
      steps: [
        'Replace <allowed-ips> with the comma-separated client addresses or CIDR ranges (no spaces), or use --enable-virtual-network true with --virtual-network-rules, or --public-network-access DISABLED.',
        'In the ARM patch, ipRules replaces the whole list: give one {"ipAddressOrRange":"<allowed-ip-or-cidr>"} entry per client address or CIDR range.',
      ],
    },
    references: [
      'https://learn.microsoft.com/azure/cosmos-db/how-to-configure-firewall',
      'https://learn.microsoft.com/azure/cosmos-db/how-to-configure-vnet-service-endpoint',
    ],
  },
  evaluate: (resource): CheckOutcome => {
    const result = restriction(resource);
    if (result.by !== undefined) {
      return PASS;
    }
    if (result.unknown.length > 0) {
      return indeterminate(result.unknown.join('; '));
    }
    const access = read(resource.azure, 'properties.publicNetworkAccess');
    const accessText =
      access.state === 'set'
        ? `publicNetworkAccess is ${show(access.value)}`
        : 'publicNetworkAccess is not set (the API default is "Enabled")';
    const endpoints = approvedPrivateEndpoints(resource);
    const note =
      endpoints.kind === 'found' && endpoints.count > 0
        ? '; the approved private endpoint does not close the public endpoint'
        : '';
    return {
      status: 'fail',
      violations: [
        {
          path: 'properties.ipRules',
          message: `the account accepts traffic from all networks: ${accessText}, isVirtualNetworkFilterEnabled is not true and there are no ipRules${note}`,
        },
      ],
    };
  },
});
