/**
 * SQL server has no Microsoft Entra admin. Reads `properties.administrators` of
 * `Microsoft.Sql/servers` (ARM GET, Resource Graph, `az sql server show --expand-ad-admin`), the
 * child `Microsoft.Sql/servers/administrators` (`az sql server ad-admin list`) and the child
 * `Microsoft.Sql/servers/azureADOnlyAuthentications` (`az sql server ad-only-auth get`).
 * Compliant: an Entra admin is set: `administrators` with a `login` or `sid`, an administrators
 * child with one, or Microsoft Entra-only authentication turned on (which the API refuses without an
 * Entra admin).
 * Absent: no Entra admin is configured (the API default), which does not comply. `az sql server show`
 * prints `administrators` only with `--expand-ad-admin`, which the message says.
 * Azure Policy 1f314764-cb73-4fc9-b863-8eca98ac36e9 "An Azure Active Directory administrator should be provisioned for SQL servers".
 * Source: https://learn.microsoft.com/rest/api/sql/server-azure-ad-administrators/get,
 * https://learn.microsoft.com/rest/api/sql/servers/get
 */
import { type CheckOutcome, indeterminate, PASS } from '../../../check.ts';
import { type AzureResource, childrenOf, defineAzureCheck, type Reading, read } from '../../../lib/azure.ts';

type Unknown = Extract<Reading, { readonly state: 'unknown' }>;

/** A non-empty string at `path`: 'yes', 'no', or the unknown reading. */
function hasText(resource: AzureResource, path: string): 'yes' | 'no' | Unknown {
  const reading = read(resource.azure, path);
  if (reading.state === 'unknown') {
    return reading;
  }
  return reading.state === 'set' && typeof reading.value === 'string' && reading.value.trim() !== '' ? 'yes' : 'no';
}

/** Whether an administrators object (server property or child) names an Entra principal. */
function namesPrincipal(resource: AzureResource, prefix: string): 'yes' | 'no' | Unknown {
  const login = hasText(resource, `${prefix}.login`);
  const sid = hasText(resource, `${prefix}.sid`);
  if (login === 'yes' || sid === 'yes') {
    return 'yes';
  }
  if (typeof login === 'object') {
    return login;
  }
  return typeof sid === 'object' ? sid : 'no';
}

export const sqlServerEntraAdmin = defineAzureCheck({
  meta: {
    id: 'PAL-AZR-0146',
    slug: 'sql-server-entra-admin',
    title: 'SQL server has no Microsoft Entra admin',
    description:
      'Without a Microsoft Entra admin, the server cannot authenticate Entra identities at all: every login is a SQL login with a password managed outside Entra ID, without MFA, Conditional Access or central revocation.',
    severity: 'medium',
    maturity: 'stable',
    types: ['Microsoft.Sql/servers'],
    scope: 'cluster',
    securityControl: 'manage-access-and-permissions',
    frameworks: [
      { framework: 'cis-azure-2.0', control: '4.1.4' },
      { framework: 'mcsb-v1', control: 'IM-1' },
    ],
    remediation: {
      summary: 'Make a Microsoft Entra group the Entra admin of the SQL server.',
      azureCli:
        'az sql server ad-admin create --resource-group {resourceGroup} --server-name {name} --display-name <entra-group-name> --object-id <entra-group-object-id>',
      steps: [
        'Replace <entra-group-name> and <entra-group-object-id> with the display name and object id of the Entra group that administers the server.',
        'With ARM, the admin is the child resource administrators/ActiveDirectory of the server: PUT it (api-version 2021-11-01) with {"properties":{"administratorType":"ActiveDirectory","login":"<entra-group-name>","sid":"<entra-group-object-id>","tenantId":"<tenant-id>"}}; the server\'s own administrators property is honoured only at creation.',
      ],
    },
    references: [
      'https://learn.microsoft.com/azure/azure-sql/database/authentication-aad-configure',
      'https://learn.microsoft.com/rest/api/sql/server-azure-ad-administrators/create-or-update',
    ],
  },
  evaluate: (resource, ctx): CheckOutcome => {
    const unknown: string[] = [];
    for (const admin of childrenOf(ctx, resource, 'Microsoft.Sql/servers/administrators')) {
      const named = namesPrincipal(admin, 'properties');
      if (named === 'yes') {
        return PASS;
      }
      if (typeof named === 'object') {
        unknown.push(named.reason);
      }
    }
    for (const entraOnly of childrenOf(ctx, resource, 'Microsoft.Sql/servers/azureADOnlyAuthentications')) {
      const on = read(entraOnly.azure, 'properties.azureADOnlyAuthentication');
      if (on.state === 'set' && on.value === true) {
        return PASS;
      }
    }
    const named = namesPrincipal(resource, 'properties.administrators');
    if (named === 'yes') {
      return PASS;
    }
    if (typeof named === 'object') {
      unknown.push(named.reason);
    }
    if (unknown.length > 0) {
      return indeterminate(unknown.join('; '));
    }
    const name = resource.azure.name;
    const group = resource.azure.resourceGroup ?? '<resource-group>';
    if (resource.azure.origin === 'export' && read(resource.azure, 'properties.administrators').state !== 'set') {
      // Exports print administrators only when asked (`az sql server show --expand-ad-admin`,
      // ARM `$expand=administrators/activedirectory`): its absence proves nothing.
      return indeterminate(
        `the export does not say whether the server has a Microsoft Entra admin (\`az sql server show\` prints administrators only with --expand-ad-admin); export them with \`az sql server ad-admin list --resource-group ${group} --server-name ${name}\` or \`az sql server show --expand-ad-admin\``,
      );
    }
    return {
      status: 'fail',
      violations: [
        {
          path: 'properties.administrators',
          message: `no Microsoft Entra admin is set: ${read(resource.azure, 'properties.administrators').state === 'set' ? 'administrators names no login or sid' : 'administrators is not set'} and the input holds no Microsoft.Sql/servers/administrators for the server (\`az sql server show\` prints administrators only with --expand-ad-admin; \`az sql server ad-admin list --resource-group ${group} --server-name ${name}\` exports them)`,
        },
      ],
    };
  },
});
