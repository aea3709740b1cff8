/**
 * SQL server still accepts SQL authentication. Reads `azureADOnlyAuthentication` from, in order:
 * the child `Microsoft.Sql/servers/azureADOnlyAuthentications` "Default" (`az sql server ad-only-auth
 * get`, flattened as `azureAdOnlyAuthentication`), `properties.administrators` of
 * `Microsoft.Sql/servers` (ARM GET, Resource Graph, `az sql server show --expand-ad-admin`), and the
 * child `Microsoft.Sql/servers/administrators` (`az sql server ad-admin list`). The first that is set
 * decides.
 * Compliant: true.
 * Absent: the API default is false (SQL logins allowed), which does not comply; a server with no
 * `administrators` at all has no Entra admin and so cannot be Entra-only. `az sql server show` prints
 * `administrators` only with `--expand-ad-admin`, which the message says.
 * Azure Policy b3a22bc9-66de-45fb-98fa-00f5df42f41a "Azure SQL Database should have Microsoft Entra-only authentication enabled"
 * (and abda6d70-9778-44e7-84a8-06713e6db027 for creation).
 * Source: https://learn.microsoft.com/rest/api/sql/server-azure-ad-only-authentications/get,
 * https://learn.microsoft.com/azure/azure-sql/database/authentication-azure-ad-only-authentication
 */
import { type CheckOutcome, indeterminate, PASS } from '../../../check.ts';
import { type AzureResource, childrenOf, defineAzureCheck, read, show } from '../../../lib/azure.ts';
import { leafName } from './sql-firewall-rule-open-to-internet.ts';

interface Source {
  readonly resource: AzureResource;
  /** Path in that resource. */
  readonly path: string;
  /** Path reported in the violation: the child's type and name for a child resource. */
  readonly where: string;
}

function sourcesOf(server: AzureResource, children: (type: string) => AzureResource[]): Source[] {
  return [
    ...children('Microsoft.Sql/servers/azureADOnlyAuthentications').map((r) => ({
      resource: r,
      path: 'properties.azureADOnlyAuthentication',
      where: `azureADOnlyAuthentications.${leafName(r.azure.name)}.properties.azureADOnlyAuthentication`,
    })),
    {
      resource: server,
      path: 'properties.administrators.azureADOnlyAuthentication',
      where: 'properties.administrators.azureADOnlyAuthentication',
    },
    ...children('Microsoft.Sql/servers/administrators').map((r) => ({
      resource: r,
      path: 'properties.azureADOnlyAuthentication',
      where: `administrators.${leafName(r.azure.name)}.properties.azureADOnlyAuthentication`,
    })),
  ];
}

export const sqlServerEntraOnlyAuth = defineAzureCheck({
  meta: {
    id: 'PAL-AZR-0147',
    slug: 'sql-server-entra-only-auth',
    title: 'SQL server allows SQL authentication besides Microsoft Entra ID',
    description:
      'While Microsoft Entra-only authentication is off, the server admin login and every SQL login keep working with passwords that bypass MFA and Conditional Access and are easily leaked in connection strings.',
    severity: 'medium',
    maturity: 'stable',
    types: ['Microsoft.Sql/servers'],
    scope: 'cluster',
    securityControl: 'manage-access-and-permissions',
    frameworks: [
      { framework: 'mcsb-v1', control: 'IM-1' },
      { framework: 'mcsb-v1', control: 'IM-8' },
    ],
    remediation: {
      summary:
        'Turn on Microsoft Entra-only authentication for the SQL server (it needs an Entra admin; move applications to Entra identities first).',
      azureCli: 'az sql server ad-only-auth enable --resource-group {resourceGroup} --name {name}',
      steps: [
        'With ARM, PUT the child resource azureADOnlyAuthentications/Default of the server (api-version 2021-11-01) with {"properties":{"azureADOnlyAuthentication":true}}; a PATCH of the server\'s administrators property is refused after creation.',
      ],
    },
    references: [
      'https://learn.microsoft.com/azure/azure-sql/database/authentication-azure-ad-only-authentication',
      'https://learn.microsoft.com/rest/api/sql/server-azure-ad-only-authentications/create-or-update',
    ],
  },
  evaluate: (resource, ctx): CheckOutcome => {
    const unknown: string[] = [];
    for (const source of sourcesOf(resource, (type) => childrenOf(ctx, resource, type))) {
      const reading = read(source.resource.azure, source.path);
      if (reading.state === 'unknown') {
        unknown.push(reading.reason);
        continue;
      }
      if (reading.state === 'absent') {
        continue;
      }
      if (reading.value === true) {
        return PASS;
      }
      return {
        status: 'fail',
        violations: [
          {
            path: source.where,
            message: `${source.where.replace(/^properties\./, '')} is ${show(reading.value)}; it must be true`,
            actual: reading.value,
          },
        ],
      };
    }
    if (unknown.length > 0) {
      return indeterminate(unknown.join('; '));
    }
    const admins = read(resource.azure, 'properties.administrators');
    if (admins.state !== 'set' && resource.azure.origin === 'export') {
      // Exports print administrators only when asked (`az sql server show --expand-ad-admin`,
      // ARM `$expand=administrators/activedirectory`): its absence proves nothing.
      return indeterminate(
        `the export does not say whether the server is Entra-only (administrators is not set, and \`az sql server show\` prints it only with --expand-ad-admin); export it with \`az sql server ad-only-auth get --resource-group ${resource.azure.resourceGroup ?? '<resource-group>'} --name ${resource.azure.name}\` or \`az sql server show --expand-ad-admin\``,
      );
    }
    const message =
      admins.state === 'set'
        ? 'administrators.azureADOnlyAuthentication is not set (the API default is false, so SQL logins are accepted); set it to true'
        : `the server has no Microsoft Entra admin (administrators is not set), so it cannot be Entra-only and accepts SQL logins (\`az sql server show\` prints administrators only with --expand-ad-admin; \`az sql server ad-only-auth get --resource-group ${resource.azure.resourceGroup ?? '<resource-group>'} --name ${resource.azure.name}\` exports the setting)`;
    return { status: 'fail', violations: [{ path: 'properties.administrators.azureADOnlyAuthentication', message }] };
  },
});
