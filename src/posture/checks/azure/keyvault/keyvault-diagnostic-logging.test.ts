import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type AzureView, Unresolved } from '#core';
import { azureResource, buildInventory } from '#inventory';
import { evaluate } from '#posture/evaluate.ts';
import { DEFAULT_SETTINGS } from '#posture/settings.ts';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { keyvaultDiagnosticLogging } from './keyvault-diagnostic-logging.ts';

const RG = '/subscriptions/3f2b8c1e-5d4a-4e6f-9a7b-1c2d3e4f5a6b/resourceGroups/rg-shop';
const VAULT_ID = `${RG}/providers/Microsoft.KeyVault/vaults/kv-shop`;
const vault = `{"id": "${VAULT_ID}", "name": "kv-shop", "type": "Microsoft.KeyVault/vaults", "properties": {"enableRbacAuthorization": true}}`;
/** A diagnostic setting as `az monitor diagnostic-settings list` prints it (flattened, lowercased scope). */
const setting = (name: string, logs: string, scope = VAULT_ID) =>
  `{"id": "${scope.toLowerCase()}/providers/microsoft.insights/diagnosticSettings/${name}", "name": "${name}", "type": "Microsoft.Insights/diagnosticSettings", "resourceGroup": "rg-shop", "logs": ${logs}, "metrics": [{"category": "AllMetrics", "enabled": true}], "workspaceId": "${RG}/providers/Microsoft.OperationalInsights/workspaces/law"}`;
const run = (...docs: string[]) =>
  runCheckOn(keyvaultDiagnosticLogging, `[${docs.join(',')}]`, undefined, 'a.json').filter(
    (f) => f.resource.name === 'kv-shop',
  );

describe('keyvault-diagnostic-logging', () => {
  it('fails when the settings collect no audit events, naming each setting, and renders the fix', () => {
    const [finding] = run(
      vault,
      setting(
        'policy-only',
        '[{"category": "AuditEvent", "enabled": false}, {"category": "AzurePolicyEvaluationDetails", "enabled": true}]',
      ),
      setting('metrics-only', '[]'),
    );
    assert.equal(finding?.status, 'fail');
    assert.deepEqual(finding?.violations, [
      {
        path: 'diagnosticSettings/policy-only.properties.logs',
        message:
          'diagnostic setting "policy-only" collects "AzurePolicyEvaluationDetails" but not the AuditEvent category (or the "audit" or "allLogs" group)',
      },
      {
        path: 'diagnosticSettings/metrics-only.properties.logs',
        message: 'diagnostic setting "metrics-only" has no enabled log category',
      },
    ]);
    assert.equal(
      finding?.remediation.azureCli,
      `az monitor diagnostic-settings create --name keyvault-audit --resource ${VAULT_ID} --workspace <log-analytics-workspace-id> --logs '[{"categoryGroup":"audit","enabled":true}]'`,
    );
  });

  it('fails when a setting has no logs at all (metrics only)', () => {
    const noLogs = setting('m', 'null');
    assert.equal(run(vault, noLogs)[0]?.violations[0]?.message, 'diagnostic setting "m" has no enabled log category');
  });

  it('passes with AuditEvent, or the audit or allLogs category group, in any setting', () => {
    assert.equal(run(vault, setting('a', '[{"category": "AuditEvent", "enabled": true}]'))[0]?.status, 'pass');
    assert.equal(run(vault, setting('a', '[{"categoryGroup": "audit", "enabled": true}]'))[0]?.status, 'pass');
    assert.equal(run(vault, setting('a', '[{"categoryGroup": "allLogs", "enabled": true}]'))[0]?.status, 'pass');
    assert.equal(
      run(vault, setting('none', '[]'), setting('b', '[{"category": "AuditEvent", "enabled": true}]'))[0]?.status,
      'pass',
    );
  });

  it('is indeterminate when the input has no setting for this vault, saying how to export them', () => {
    const elsewhere = setting(
      'a',
      '[{"category": "AuditEvent", "enabled": true}]',
      `${RG}/providers/Microsoft.KeyVault/vaults/kv-other`,
    );
    for (const findings of [run(vault), run(vault, elsewhere)]) {
      assert.equal(findings[0]?.status, 'indeterminate');
      assert.equal(
        findings[0]?.reason,
        `the input has no diagnostic settings for this vault; export them with \`az monitor diagnostic-settings list --resource ${VAULT_ID}\``,
      );
    }
  });

  it('is indeterminate when a setting has no properties, or log entries a template leaves unresolved', () => {
    const bare = `{"id": "${VAULT_ID}/providers/Microsoft.Insights/diagnosticSettings/x", "name": "x", "type": "Microsoft.Insights/diagnosticSettings", "properties": null}`;
    assert.equal(run(vault, bare)[0]?.status, 'indeterminate');

    const views: AzureView[] = [
      {
        id: VAULT_ID,
        type: 'Microsoft.KeyVault/vaults',
        name: 'kv-shop',
        arm: { type: 'Microsoft.KeyVault/vaults', name: 'kv-shop', properties: {} },
        origin: 'template',
      },
      {
        type: 'Microsoft.Insights/diagnosticSettings',
        name: 'audit',
        scope: VAULT_ID,
        arm: {
          type: 'Microsoft.Insights/diagnosticSettings',
          name: 'audit',
          properties: {
            logs: [
              {
                categoryGroup: 'audit',
                enabled: new Unresolved("[parameters('auditEnabled')]", "parameter 'auditEnabled' has no value"),
              },
            ],
          },
        },
        origin: 'template',
      },
    ];
    const inventory = buildInventory(views.map((v) => azureResource(v, { file: 'main.json' })));
    const [finding] = evaluate(inventory, [keyvaultDiagnosticLogging], DEFAULT_SETTINGS).findings;
    assert.equal(finding?.status, 'indeterminate');
    assert.match(finding?.reason ?? '', /template expressions/);
  });
});
