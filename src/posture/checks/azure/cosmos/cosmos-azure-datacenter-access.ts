/**
 * Cosmos DB account firewall admits every Azure datacenter. Reads
 * `properties.ipRules[*].ipAddressOrRange` (and the legacy comma-separated `properties.ipRangeFilter`)
 * and `properties.publicNetworkAccess` of `Microsoft.DocumentDB/databaseAccounts` (the same names in
 * `az cosmosdb show`).
 * Non-compliant: an IP rule "0.0.0.0", which the portal adds for "Accept connections from within
 * public Azure datacenters", while public network access is not "Disabled" (with it disabled, IP
 * rules are inert).
 * Absent: no IP rules means no such rule, which complies (cosmos-firewall reports an account open to
 * all networks); publicNetworkAccess defaults to "Enabled".
 * Azure Policy 12339a85-a25c-4f17-9f82-4766f13f5c4c "Azure Cosmos DB accounts should not allow traffic from all Azure data centers".
 * Source: https://learn.microsoft.com/azure/cosmos-db/how-to-configure-firewall,
 * https://learn.microsoft.com/rest/api/cosmos-db-resource-provider/database-accounts/get
 */
import { type CheckOutcome, indeterminate, PASS } from '../../../check.ts';
import { defineAzureCheck, read, readArray, sameText, show } from '../../../lib/azure.ts';

export const cosmosAzureDatacenterAccess = defineAzureCheck({
  meta: {
    id: 'PAL-AZR-0163',
    slug: 'cosmos-azure-datacenter-access',
    title: 'Cosmos DB firewall accepts connections from all Azure datacenters',
    description:
      'The 0.0.0.0 IP rule ("Accept connections from within public Azure datacenters") admits requests from any Azure-hosted source, including virtual machines and services in other customers\' subscriptions, so the firewall no longer separates the account from the rest of Azure.',
    severity: 'medium',
    maturity: 'stable',
    types: ['Microsoft.DocumentDB/databaseAccounts'],
    securityControl: 'restrict-unauthorized-network-access',
    frameworks: [
      { framework: 'cis-azure-2.0', control: '4.5.1' },
      { framework: 'mcsb-v1', control: 'NS-2' },
    ],
    remediation: {
      summary:
        'Remove the 0.0.0.0 IP rule and allow the Azure services that need the account through a private endpoint, a virtual network rule or their own addresses.',
      azureCli: 'az cosmosdb update --name {name} --resource-group {resourceGroup} --ip-range-filter <allowed-ips>',
      armPatch: '{"properties":{"ipRules":[{"ipAddressOrRange":"<allowed-ip-or-cidr>"}]}}',
      armApiVersion: '2023-11-15',
      steps: [
        "Replace <allowed-ips> with the account's other allowed addresses, comma-separated, without 0.0.0.0; an empty list would open the account to all networks.",
        'In the ARM patch, ipRules replaces the whole list: give one {"ipAddressOrRange":"<allowed-ip-or-cidr>"} entry per address or CIDR range the account still allows, without 0.0.0.0.',
      ],
    },
    references: [
      'https://learn.microsoft.com/azure/cosmos-db/how-to-configure-firewall',
      'https://learn.microsoft.com/rest/api/cosmos-db-resource-provider/database-accounts/get',
    ],
  },
  evaluate: (resource): CheckOutcome => {
    const azure = resource.azure;
    const rules = readArray(azure, 'properties.ipRules');
    if (rules.state === 'unknown') {
      return indeterminate(rules.reason);
    }
    let path: string | undefined;
    for (let i = 0; i < (rules.items?.length ?? 0) && path === undefined; i++) {
      const address = read(azure, `properties.ipRules[${i}].ipAddressOrRange`);
      if (address.state === 'unknown') {
        return indeterminate(address.reason);
      }
      if (address.state === 'set' && typeof address.value === 'string' && address.value.trim() === '0.0.0.0') {
        path = `properties.ipRules[${i}].ipAddressOrRange`;
      }
    }
    const legacy = read(azure, 'properties.ipRangeFilter');
    if (legacy.state === 'unknown') {
      return indeterminate(legacy.reason);
    }
    if (
      path === undefined &&
      legacy.state === 'set' &&
      typeof legacy.value === 'string' &&
      legacy.value.split(',').some((entry) => entry.trim() === '0.0.0.0')
    ) {
      path = 'properties.ipRangeFilter';
    }
    if (path === undefined) {
      return PASS;
    }
    const access = read(azure, 'properties.publicNetworkAccess');
    if (access.state === 'unknown') {
      return indeterminate(access.reason);
    }
    if (access.state === 'set' && sameText(access.value, 'Disabled')) {
      return PASS;
    }
    const exposure =
      access.state === 'set'
        ? `publicNetworkAccess is ${show(access.value)}`
        : 'publicNetworkAccess is not set (the API default is "Enabled")';
    return {
      status: 'fail',
      violations: [
        {
          path,
          message: `the IP rule "0.0.0.0" accepts connections from every Azure datacenter, and ${exposure}`,
          actual: '0.0.0.0',
        },
      ],
    };
  },
});
