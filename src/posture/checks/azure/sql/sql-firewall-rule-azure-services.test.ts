import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { sqlFirewallRuleAzureServices } from './sql-firewall-rule-azure-services.ts';

const SERVER =
  '/subscriptions/7c1d2e3f-8a9b-4c0d-9e1f-2a3b4c5d6e7f/resourceGroups/rg-orders/providers/Microsoft.Sql/servers/sql1';
const server = (properties: string) =>
  `{"id": "${SERVER}", "name": "sql1", "type": "Microsoft.Sql/servers", "properties": ${properties}}`;
const rule = (name: string, start: string, end: string) =>
  `{"id": "${SERVER}/firewallRules/${name}", "name": "${name}", "type": "Microsoft.Sql/servers/firewallRules", "properties": {"startIpAddress": "${start}", "endIpAddress": "${end}"}}`;
const run = (...docs: string[]) => runCheckOn(sqlFirewallRuleAzureServices, `[${docs.join(',')}]`, undefined, 'a.json');

describe('sql-firewall-rule-azure-services', () => {
  it('fails on the 0.0.0.0 rule while public access is enabled, with the delete command', () => {
    const [finding] = run(
      server('{"publicNetworkAccess": "Enabled"}'),
      rule('AllowAllWindowsAzureIps', '0.0.0.0', '0.0.0.0'),
    );
    assert.equal(finding?.status, 'fail');
    assert.deepEqual(finding?.violations, [
      {
        path: 'properties.startIpAddress',
        message:
          'firewall rule "AllowAllWindowsAzureIps" (0.0.0.0 to 0.0.0.0) admits every Azure service and resource, in any tenant, and on server "sql1" public network access is "Enabled"',
        actual: { startIpAddress: '0.0.0.0', endIpAddress: '0.0.0.0' },
      },
    ]);
    assert.equal(
      finding?.remediation.azureCli,
      'az sql server firewall-rule delete --resource-group rg-orders --server sql1 --name AllowAllWindowsAzureIps',
    );
  });

  it('fails whatever the rule is called, and when publicNetworkAccess is absent', () => {
    const [finding] = run(server('{}'), rule('azure', '0.0.0.0', '0.0.0.0'));
    assert.equal(finding?.status, 'fail');
    assert.match(
      finding?.violations[0]?.message ?? '',
      /public network access is not set \(the API default is "Enabled"\)$/,
    );
  });

  it('passes other rules, including the open-to-all rule another check reports', () => {
    const findings = run(
      server('{"publicNetworkAccess": "Enabled"}'),
      rule('office', '203.0.113.0', '203.0.113.255'),
      rule('AllowAll', '0.0.0.0', '255.255.255.255'),
    );
    assert.deepEqual(
      findings.map((f) => f.status),
      ['pass', 'pass'],
    );
  });

  it('passes when public network access is Disabled', () => {
    const [finding] = run(
      server('{"publicNetworkAccess": "Disabled"}'),
      rule('AllowAllWindowsAzureIps', '0.0.0.0', '0.0.0.0'),
    );
    assert.equal(finding?.status, 'pass');
  });

  it('is indeterminate without the server or without properties', () => {
    const [alone] = run(rule('AllowAllWindowsAzureIps', '0.0.0.0', '0.0.0.0'));
    assert.equal(alone?.status, 'indeterminate');
    assert.match(
      alone?.reason ?? '',
      /server "sql1" is not in the input.*az sql server show --resource-group rg-orders --name sql1/,
    );
    const bare = `{"id": "${SERVER}/firewallRules/AllowAllWindowsAzureIps", "name": "AllowAllWindowsAzureIps", "type": "Microsoft.Sql/servers/firewallRules", "properties": null}`;
    const [unknown] = run(server('{"publicNetworkAccess": "Enabled"}'), bare);
    assert.equal(unknown?.status, 'indeterminate');
    assert.match(unknown?.reason ?? '', /az resource list/);
  });
});
