/**
 * SQL server is reachable from public networks. Reads `properties.publicNetworkAccess` of
 * `Microsoft.Sql/servers` (the same name in `az sql server show`).
 * Compliant: "Disabled" (the API also takes "Enabled" and "SecuredByPerimeter"; Azure Policy accepts
 * only "Disabled").
 * Absent: the API default is "Enabled", so an absent property does not comply.
 * Azure Policy 1b8ca024-1d5c-4dec-8995-b1a932b41780 "Public network access on Azure SQL Database should be disabled".
 * Source: https://learn.microsoft.com/rest/api/sql/servers/get,
 * https://learn.microsoft.com/azure/azure-sql/database/connectivity-settings
 */
import { checkProperty, defineAzureCheck, textRule } from '../../../lib/azure.ts';

export const sqlServerPublicNetworkAccess = defineAzureCheck({
  meta: {
    id: 'PAL-AZR-0142',
    slug: 'sql-server-public-network-access',
    title: 'SQL server accepts connections from public networks',
    description:
      'With public network access enabled, the server endpoint is reachable from the internet and only its IP firewall rules stand between an attacker and the login prompt. Disabling it leaves private endpoints as the only way in.',
    severity: 'medium',
    maturity: 'stable',
    types: ['Microsoft.Sql/servers'],
    securityControl: 'restrict-unauthorized-network-access',
    frameworks: [
      { framework: 'mcsb-v1', control: 'NS-2' },
      { framework: 'mcsb-v1', control: 'NS-1' },
    ],
    remediation: {
      summary:
        'Disable public network access on the SQL server and connect through private endpoints (create them first, or clients lose access).',
      azureCli: 'az sql server update --name {name} --resource-group {resourceGroup} --enable-public-network false',
      armPatch: '{"properties":{"publicNetworkAccess":"Disabled"}}',
      armApiVersion: '2021-11-01',
    },
    references: [
      'https://learn.microsoft.com/azure/azure-sql/database/connectivity-settings',
      'https://learn.microsoft.com/azure/azure-sql/database/private-endpoint-overview',
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
