/**
 * SQL server auditing is off. Reads `properties.state` of the server's child
 * `Microsoft.Sql/servers/auditingSettings` named "default" (`az sql server audit-policy show`
 * prints it flattened, named "Default").
 * Compliant: "Enabled". "Disabled" does not comply.
 * Absent: the auditing settings are a child resource the server object does not carry; when the
 * input holds none for the server the check is indeterminate and names the export command. A
 * settings object without a state is indeterminate too (state is required by the API).
 * Not applicable: servers whose kind contains "analytics" (the SQL endpoint of a Synapse
 * workspace, audited through the workspace), as Azure Policy skips them.
 * Azure Policy a6fb4358-5bf4-4ad7-ba82-2cd2f41ce5e9 "Auditing on SQL server should be enabled".
 * Source: https://learn.microsoft.com/rest/api/sql/server-blob-auditing-policies/get,
 * https://learn.microsoft.com/azure/azure-sql/database/auditing-overview
 */
import { indeterminate, PASS } from '../../../check.ts';
import { childrenOf, defineAzureCheck, read, sameText, show } from '../../../lib/azure.ts';
import { leafName } from './sql-firewall-rule-open-to-internet.ts';

export const sqlServerAuditing = defineAzureCheck({
  meta: {
    id: 'PAL-AZR-0145',
    slug: 'sql-server-auditing',
    title: 'SQL server auditing is not enabled',
    description:
      'Without server auditing, logins, permission changes and queries against every database on the server leave no audit trail, so an intrusion or misuse cannot be detected or investigated.',
    severity: 'medium',
    maturity: 'stable',
    types: ['Microsoft.Sql/servers'],
    scope: 'cluster',
    securityControl: 'enable-auditing-and-logging',
    frameworks: [
      { framework: 'cis-azure-2.0', control: '4.1.1' },
      { framework: 'mcsb-v1', control: 'LT-3' },
    ],
    remediation: {
      summary:
        'Enable server-level auditing and send the audit log to a Log Analytics workspace (or a storage account).',
      azureCli:
        'az sql server audit-policy update --resource-group {resourceGroup} --name {name} --state Enabled --log-analytics-target-state Enabled --log-analytics-workspace-resource-id <log-analytics-workspace-resource-id>',
      steps: [
        'Replace <log-analytics-workspace-resource-id> with the resource id of the workspace that collects audit logs, or use --blob-storage-target-state Enabled --storage-account <storage-account-name> instead.',
        'With ARM, auditing is the child resource auditingSettings/default of the server: PUT it (api-version 2021-11-01) with {"properties":{"state":"Enabled","isAzureMonitorTargetEnabled":true}} and add a diagnostic setting on the master database for the SQLSecurityAuditEvents category.',
      ],
    },
    references: [
      'https://learn.microsoft.com/azure/azure-sql/database/auditing-overview',
      'https://learn.microsoft.com/azure/azure-sql/database/auditing-setup',
      'https://learn.microsoft.com/rest/api/sql/server-blob-auditing-policies/get',
    ],
  },
  appliesTo: (resource) => {
    const kind = resource.azure.arm.kind;
    return typeof kind === 'string' && kind.toLowerCase().includes('analytics')
      ? `the server is the SQL endpoint of a Synapse workspace (kind ${show(kind)}), audited through the workspace`
      : undefined;
  },
  evaluate: (resource, ctx) => {
    const settings = childrenOf(ctx, resource, 'Microsoft.Sql/servers/auditingSettings');
    const policy = settings.find((s) => sameText(leafName(s.azure.name), 'default')) ?? settings[0];
    if (policy === undefined) {
      return indeterminate(
        `the server's auditing settings (Microsoft.Sql/servers/auditingSettings "default") are not in the input; export them with \`az sql server audit-policy show --resource-group ${resource.azure.resourceGroup ?? '<resource-group>'} --name ${resource.azure.name}\``,
      );
    }
    const state = read(policy.azure, 'properties.state');
    if (state.state === 'unknown') {
      return indeterminate(state.reason);
    }
    if (state.state === 'absent') {
      return indeterminate("the server's auditing settings have no state");
    }
    if (sameText(state.value, 'Enabled')) {
      return PASS;
    }
    return {
      status: 'fail',
      violations: [
        {
          path: 'auditingSettings.default.properties.state',
          message: `auditing state is ${show(state.value)}; it must be "Enabled"`,
          actual: state.value,
        },
      ],
    };
  },
});
