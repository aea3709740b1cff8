import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { sqlServerAuditing } from './sql-server-auditing.ts';

const SERVER =
  '/subscriptions/7c1d2e3f-8a9b-4c0d-9e1f-2a3b4c5d6e7f/resourceGroups/rg-orders/providers/Microsoft.Sql/servers/sql1';
const server = (extra = '') =>
  `{"id": "${SERVER}", "name": "sql1", "type": "Microsoft.Sql/servers", "kind": "v12.0"${extra}, "properties": {"publicNetworkAccess": "Disabled"}}`;
/** As `az sql server audit-policy show` prints it. */
const audit = (state: string) =>
  `{"id": "${SERVER}/auditingSettings/Default", "name": "Default", "type": "Microsoft.Sql/servers/auditingSettings", "resourceGroup": "rg-orders", "state": "${state}", "isAzureMonitorTargetEnabled": true, "retentionDays": 0}`;
const run = (...docs: string[]) => runCheckOn(sqlServerAuditing, `[${docs.join(',')}]`, undefined, 'a.json');

describe('sql-server-auditing', () => {
  it('fails when the auditing state is Disabled, with the fix for the server', () => {
    const [finding] = run(server(), audit('Disabled'));
    assert.equal(finding?.status, 'fail');
    assert.equal(finding?.resource.name, 'sql1');
    assert.deepEqual(finding?.violations, [
      {
        path: 'auditingSettings.default.properties.state',
        message: 'auditing state is "Disabled"; it must be "Enabled"',
        actual: 'Disabled',
      },
    ]);
    assert.equal(
      finding?.remediation.azureCli,
      'az sql server audit-policy update --resource-group rg-orders --name sql1 --state Enabled --log-analytics-target-state Enabled --log-analytics-workspace-resource-id <log-analytics-workspace-resource-id>',
    );
  });

  it("passes when Enabled (ARM shape, lowercase name) and ignores other servers' settings", () => {
    const other = SERVER.replace('/sql1', '/sql2');
    const text = `[${server()},
      {"id": "${SERVER}/auditingSettings/default", "name": "default", "type": "Microsoft.Sql/servers/auditingSettings", "properties": {"state": "Enabled", "isAzureMonitorTargetEnabled": true}},
      {"id": "${other}/auditingSettings/default", "name": "default", "type": "Microsoft.Sql/servers/auditingSettings", "properties": {"state": "Disabled"}}]`;
    assert.equal(runCheckOn(sqlServerAuditing, text, undefined, 'a.json')[0]?.status, 'pass');
  });

  it('is indeterminate when the auditing settings are not in the input, naming the export command', () => {
    const [finding] = run(server());
    assert.equal(finding?.status, 'indeterminate');
    assert.equal(
      finding?.reason,
      'the server\'s auditing settings (Microsoft.Sql/servers/auditingSettings "default") are not in the input; export them with `az sql server audit-policy show --resource-group rg-orders --name sql1`',
    );
  });

  it('is indeterminate when the settings have no state (state is required) or no properties', () => {
    const noState = `{"id": "${SERVER}/auditingSettings/default", "name": "default", "type": "Microsoft.Sql/servers/auditingSettings", "properties": {"retentionDays": 0}}`;
    assert.equal(run(server(), noState)[0]?.status, 'indeterminate');
    const bare = `{"id": "${SERVER}/auditingSettings/default", "name": "default", "type": "Microsoft.Sql/servers/auditingSettings", "properties": null}`;
    const [finding] = run(server(), bare);
    assert.equal(finding?.status, 'indeterminate');
    assert.match(finding?.reason ?? '', /az resource list/);
  });

  it('is indeterminate for an az resource list row of the server alone', () => {
    const [finding] = run(`{"id": "${SERVER}", "name": "sql1", "type": "Microsoft.Sql/servers", "properties": null}`);
    assert.equal(finding?.status, 'indeterminate');
  });

  it('does not apply to the SQL endpoint of a Synapse workspace', () => {
    const [finding] = run(
      `{"id": "${SERVER}", "name": "sql1", "type": "Microsoft.Sql/servers", "kind": "v12.0,analytics", "properties": {}}`,
      audit('Disabled'),
    );
    assert.equal(finding?.status, 'not-applicable');
  });
});
