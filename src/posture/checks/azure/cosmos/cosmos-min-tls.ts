/**
 * Cosmos DB account accepts TLS older than 1.2. Reads `properties.minimalTlsVersion` of
 * `Microsoft.DocumentDB/databaseAccounts` (the same name in `az cosmosdb show`; API versions from
 * 2022-11-15).
 * Compliant: "Tls12" (the API also takes "Tls" for TLS 1.0 and "Tls11").
 * Absent: the default for new accounts is "Tls12", and the service retired TLS 1.0 and 1.1 for every
 * account on 31 August 2025, so an absent property complies. Accounts created earlier report their
 * older value explicitly, which this check flags.
 * No built-in Azure Policy definition matches.
 * Source: https://learn.microsoft.com/azure/cosmos-db/self-serve-minimum-tls-enforcement,
 * https://learn.microsoft.com/rest/api/cosmos-db-resource-provider/database-accounts/get
 */
import { checkProperty, defineAzureCheck } from '../../../lib/azure.ts';

/** "Tls12" and any later "Tls1N" comply; "Tls" (1.0) and "Tls11" do not. */
function atLeastTls12(value: unknown): boolean {
  const match = typeof value === 'string' ? /^tls1(\d)$/i.exec(value.trim()) : null;
  return match !== null && Number(match[1]) >= 2;
}

export const cosmosMinTls = defineAzureCheck({
  meta: {
    id: 'PAL-AZR-0167',
    slug: 'cosmos-min-tls',
    title: 'Cosmos DB account accepts connections over TLS older than 1.2',
    description:
      'A minimal TLS version below 1.2 lets clients reach the account over TLS 1.0 or 1.1, whose weaknesses let an attacker on the path read or alter requests, including keys and tokens.',
    severity: 'medium',
    maturity: 'stable',
    types: ['Microsoft.DocumentDB/databaseAccounts'],
    securityControl: 'encrypt-data-in-transit',
    frameworks: [{ framework: 'mcsb-v1', control: 'DP-3' }],
    remediation: {
      summary: 'Set the minimal TLS version of the Cosmos DB account to TLS 1.2.',
      azureCli: 'az cosmosdb update --name {name} --resource-group {resourceGroup} --minimal-tls-version Tls12',
      armPatch: '{"properties":{"minimalTlsVersion":"Tls12"}}',
      armApiVersion: '2023-11-15',
    },
    references: [
      'https://learn.microsoft.com/azure/cosmos-db/self-serve-minimum-tls-enforcement',
      'https://learn.microsoft.com/rest/api/cosmos-db-resource-provider/database-accounts/get',
    ],
  },
  evaluate: (resource) =>
    checkProperty(resource.azure, {
      path: 'properties.minimalTlsVersion',
      compliant: atLeastTls12,
      expected: '"Tls12"',
      absent: {
        compliant: true,
        meaning: 'the default for new accounts is "Tls12" and TLS 1.0 and 1.1 were retired on 31 August 2025',
      },
    }),
});
