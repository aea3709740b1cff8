/**
 * SQL server allows every Azure service through its firewall. Reads `properties.startIpAddress`
 * and `properties.endIpAddress` of each `Microsoft.Sql/servers/firewallRules` (the same names in
 * `az sql server firewall-rule list`), and `properties.publicNetworkAccess` of the parent
 * `Microsoft.Sql/servers`.
 * Non-compliant: a rule from 0.0.0.0 to 0.0.0.0, which the portal creates as
 * "AllowAllWindowsAzureIps" for "Allow Azure services and resources to access this server", while
 * the server's public network access is not "Disabled". Kept apart from
 * sql-firewall-rule-open-to-internet because it admits Azure-hosted sources only, but those of every
 * tenant, not only the server owner's, so it is often accepted deliberately and suppressed on its own.
 * Absent: publicNetworkAccess defaults to "Enabled". A rule without both addresses, or whose server
 * is not in the input, is indeterminate.
 * CIS Azure 2.0 4.1.2 asks for this rule to be removed as well.
 * Source: https://learn.microsoft.com/azure/azure-sql/database/firewall-configure,
 * https://learn.microsoft.com/rest/api/sql/firewall-rules/get
 */
import { defineAzureCheck } from '../../../lib/azure.ts';
import { firewallRuleOutcome } from './sql-firewall-rule-open-to-internet.ts';

export const sqlFirewallRuleAzureServices = defineAzureCheck({
  meta: {
    id: 'PAL-AZR-0144',
    slug: 'sql-firewall-rule-azure-services',
    title: 'SQL server firewall allows connections from all Azure services',
    description:
      'The 0.0.0.0 firewall rule ("Allow Azure services and resources to access this server") admits connections from any Azure-hosted source, including virtual machines and services in other customers\' subscriptions, so the firewall no longer separates the server from the rest of Azure.',
    severity: 'medium',
    maturity: 'stable',
    types: ['Microsoft.Sql/servers/firewallRules'],
    scope: 'cluster',
    securityControl: 'restrict-unauthorized-network-access',
    frameworks: [
      { framework: 'cis-azure-2.0', control: '4.1.2' },
      { framework: 'mcsb-v1', control: 'NS-2' },
    ],
    remediation: {
      summary:
        'Delete the "Allow Azure services" rule and give the Azure services that need the server a private endpoint or a virtual network rule instead.',
      azureCli:
        'az sql server firewall-rule delete --resource-group {resourceGroup} --server {parentName} --name {name}',
      steps: [
        'In the portal this is "Allow Azure services and resources to access this server" under the server\'s Networking settings.',
        "With ARM, a DELETE on the rule's resource id (api-version 2021-11-01) removes it.",
      ],
    },
    references: [
      'https://learn.microsoft.com/azure/azure-sql/database/firewall-configure',
      'https://learn.microsoft.com/azure/azure-sql/database/network-access-controls-overview',
    ],
  },
  evaluate: (resource, ctx) =>
    firewallRuleOutcome(
      resource,
      ctx,
      (start, end) => start === 0 && end === 0,
      'every Azure service and resource, in any tenant',
    ),
});
