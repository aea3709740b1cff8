/**
 * SQL server accepts TLS older than 1.2. Reads `properties.minimalTlsVersion` of
 * `Microsoft.Sql/servers` (the same name in `az sql server show`).
 * Compliant: "1.2" or "1.3" (the API also takes "1.0", "1.1" and "None").
 * Absent: the server enforces no minimum TLS version (the same as "None"), so an absent property
 * does not comply; Azure Policy treats it the same way.
 * Azure Policy 32e6bbec-16b6-44c2-be37-c5b672d103cf "Azure SQL Database should be running TLS version 1.2 or newer".
 * Source: https://learn.microsoft.com/rest/api/sql/servers/get,
 * https://learn.microsoft.com/azure/azure-sql/database/connectivity-settings
 */
import { checkProperty, defineAzureCheck } from '../../../lib/azure.ts';

/** "1.2" and "1.3" comply; "None", "1.0", "1.1" and anything else do not. */
function atLeastTls12(value: unknown): boolean {
  return typeof value === 'string' && /^\d+\.\d+$/.test(value.trim()) && Number(value) >= 1.2;
}

export const sqlServerMinTls = defineAzureCheck({
  meta: {
    id: 'PAL-AZR-0141',
    slug: 'sql-server-min-tls',
    title: 'SQL server accepts connections over TLS older than 1.2',
    description:
      'Without a minimal TLS version of 1.2, clients can connect to the logical server and its databases over TLS 1.0 or 1.1, whose weaknesses let an attacker on the path read or alter the traffic, including credentials.',
    severity: 'medium',
    maturity: 'stable',
    types: ['Microsoft.Sql/servers'],
    securityControl: 'encrypt-data-in-transit',
    frameworks: [{ framework: 'mcsb-v1', control: 'DP-3' }],
    remediation: {
      summary: 'Set the minimal TLS version of the SQL server to 1.2.',
      azureCli: 'az sql server update --name {name} --resource-group {resourceGroup} --minimal-tls-version 1.2',
      armPatch: '{"properties":{"minimalTlsVersion":"1.2"}}',
      armApiVersion: '2021-11-01',
    },
    references: [
      'https://learn.microsoft.com/azure/azure-sql/database/connectivity-settings',
      'https://learn.microsoft.com/rest/api/sql/servers/get',
    ],
  },
  evaluate: (resource) =>
    checkProperty(resource.azure, {
      path: 'properties.minimalTlsVersion',
      compliant: atLeastTls12,
      expected: '"1.2" or "1.3"',
      absent: { compliant: false, meaning: 'the server enforces no minimum TLS version' },
    }),
});
