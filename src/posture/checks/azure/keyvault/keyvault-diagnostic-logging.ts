/**
 * Key vault audit logs are not collected. Reads the vault's `Microsoft.Insights/diagnosticSettings`
 * extension resources: `properties.logs[*]` (`logs` in `az monitor diagnostic-settings list`).
 * Compliant: at least one diagnostic setting with an enabled entry for the AuditEvent category, or
 * for the category group "audit" or "allLogs" (AzurePolicyEvaluationDetails alone records no access).
 * Absent: a vault has no diagnostic settings unless one is created, and a setting without logs
 * collects none. A vault with no diagnostic setting in the input is indeterminate, since exports of
 * resources do not include extension resources: export them with `az monitor diagnostic-settings list`.
 * Azure Policy cf820ca0-f99e-4f3e-84fb-66e913812d21 "Resource logs in Key Vault should be enabled".
 * Source: https://learn.microsoft.com/rest/api/monitor/diagnostic-settings/create-or-update,
 * https://learn.microsoft.com/azure/key-vault/general/monitor-key-vault-reference
 */
import { isUnresolved, type Violation } from '#core';
import { type CheckOutcome, indeterminate, PASS } from '../../../check.ts';
import { defineAzureCheck, extensionsOf, readArray, sameText, show } from '../../../lib/azure.ts';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An enabled log entry that records vault data-plane access. */
function collectsAudit(entry: unknown): boolean {
  return (
    isRecord(entry) &&
    entry.enabled === true &&
    (sameText(entry.category, 'AuditEvent') ||
      sameText(entry.categoryGroup, 'audit') ||
      sameText(entry.categoryGroup, 'allLogs'))
  );
}

function uncertain(entry: unknown): boolean {
  return (
    isUnresolved(entry) ||
    (isRecord(entry) && [entry.enabled, entry.category, entry.categoryGroup].some((v) => isUnresolved(v)))
  );
}

export const keyvaultDiagnosticLogging = defineAzureCheck({
  meta: {
    id: 'PAL-AZR-0125',
    slug: 'keyvault-diagnostic-logging',
    title: 'Key vault audit logs are not collected',
    description:
      'Without a diagnostic setting that sends the AuditEvent logs to a workspace, storage account or event hub, nobody can tell who read or changed a key or secret, and misuse of the vault goes unnoticed.',
    severity: 'medium',
    maturity: 'stable',
    types: ['Microsoft.KeyVault/vaults'],
    scope: 'cluster',
    securityControl: 'enable-auditing-and-logging',
    frameworks: [{ framework: 'mcsb-v1', control: 'LT-3' }],
    remediation: {
      summary:
        'Create a diagnostic setting on the key vault that sends the audit category group to a Log Analytics workspace.',
      azureCli:
        'az monitor diagnostic-settings create --name keyvault-audit --resource {id} --workspace <log-analytics-workspace-id> --logs \'[{"categoryGroup":"audit","enabled":true}]\'',
      steps: [
        'Replace <log-analytics-workspace-id> with the resource id of the workspace that collects security logs: az monitor log-analytics workspace show --resource-group <workspace-resource-group> --workspace-name <workspace-name> --query id.',
        'A diagnostic setting is a separate extension resource (Microsoft.Insights/diagnosticSettings) on the vault, not a property of it, so no PATCH of the vault applies. With ARM: PUT <vault-id>/providers/Microsoft.Insights/diagnosticSettings/keyvault-audit?api-version=2021-05-01-preview with {"properties":{"workspaceId":"<log-analytics-workspace-id>","logs":[{"categoryGroup":"audit","enabled":true}]}}.',
      ],
    },
    references: [
      'https://learn.microsoft.com/azure/key-vault/general/logging',
      'https://learn.microsoft.com/azure/azure-monitor/essentials/diagnostic-settings',
      'https://learn.microsoft.com/rest/api/monitor/diagnostic-settings/create-or-update',
    ],
  },
  evaluate(resource, ctx): CheckOutcome {
    const settings = extensionsOf(ctx, resource, 'Microsoft.Insights/diagnosticSettings');
    if (settings.length === 0) {
      return indeterminate(
        `the input has no diagnostic settings for this vault; export them with \`az monitor diagnostic-settings list --resource ${resource.azure.id ?? '<vault-id>'}\``,
      );
    }
    const unknown: string[] = [];
    const violations: Violation[] = [];
    for (const setting of settings) {
      const name = setting.azure.name.split('/').pop() ?? setting.azure.name;
      const label = `diagnostic setting "${name}"`;
      const logs = readArray(setting.azure, 'properties.logs');
      if (logs.state === 'unknown') {
        unknown.push(`${label}: ${logs.reason}`);
        continue;
      }
      const items = logs.items ?? [];
      if (items.some(collectsAudit)) {
        return PASS;
      }
      if (items.some(uncertain)) {
        unknown.push(`${label}: its log entries hold template expressions that cannot be evaluated offline`);
        continue;
      }
      const enabled = items
        .filter((e): e is Record<string, unknown> => isRecord(e) && e.enabled === true)
        .map((e) => show(e.category ?? e.categoryGroup));
      violations.push({
        path: `diagnosticSettings/${name}.properties.logs`,
        message:
          enabled.length === 0
            ? `${label} has no enabled log category`
            : `${label} collects ${enabled.join(', ')} but not the AuditEvent category (or the "audit" or "allLogs" group)`,
      });
    }
    if (unknown.length > 0) {
      return indeterminate(unknown.join('; '));
    }
    return { status: 'fail', violations };
  },
});
