import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { ipv4, sqlFirewallRuleOpenToInternet } from './sql-firewall-rule-open-to-internet.ts';

const SERVER =
  '/subscriptions/7c1d2e3f-8a9b-4c0d-9e1f-2a3b4c5d6e7f/resourceGroups/rg-orders/providers/Microsoft.Sql/servers/sql1';
const server = (properties: string) =>
  `{"id": "${SERVER}", "name": "sql1", "type": "Microsoft.Sql/servers", "properties": ${properties}}`;
const rule = (name: string, start: string, end: string) =>
  `{"id": "${SERVER}/firewallRules/${name}", "name": "${name}", "type": "Microsoft.Sql/servers/firewallRules", "resourceGroup": "rg-orders", "startIpAddress": "${start}", "endIpAddress": "${end}"}`;
const run = (...docs: string[]) =>
  runCheckOn(sqlFirewallRuleOpenToInternet, `[${docs.join(',')}]`, undefined, 'a.json');

describe('sql-firewall-rule-open-to-internet', () => {
  it('fails on 0.0.0.0-255.255.255.255 while public access is enabled, with the delete command', () => {
    const [finding] = run(server('{"publicNetworkAccess": "Enabled"}'), rule('AllowAll', '0.0.0.0', '255.255.255.255'));
    assert.equal(finding?.status, 'fail');
    assert.equal(finding?.resource.name, 'AllowAll');
    assert.deepEqual(finding?.violations, [
      {
        path: 'properties.startIpAddress',
        message:
          'firewall rule "AllowAll" (0.0.0.0 to 255.255.255.255) admits every public IPv4 address, and on server "sql1" public network access is "Enabled"',
        actual: { startIpAddress: '0.0.0.0', endIpAddress: '255.255.255.255' },
      },
    ]);
    assert.equal(
      finding?.remediation.azureCli,
      'az sql server firewall-rule delete --resource-group rg-orders --server sql1 --name AllowAll',
    );
  });

  it('fails when the server does not set publicNetworkAccess (the API default is Enabled)', () => {
    const [finding] = run(server('{"minimalTlsVersion": "1.2"}'), rule('AllowAll', '0.0.0.0', '255.255.255.255'));
    assert.equal(finding?.status, 'fail');
    assert.match(
      finding?.violations[0]?.message ?? '',
      /on server "sql1" public network access is not set \(the API default is "Enabled"\)$/,
    );
  });

  it('fails on a range that skips the ends but still spans all public addresses', () => {
    const findings = run(
      server('{"publicNetworkAccess": "Enabled"}'),
      rule('almost-all', '0.0.0.1', '254.255.255.254'),
      rule('public-unicast', '1.0.0.0', '223.255.255.255'),
      rule('misses-one', '1.0.0.1', '255.255.255.255'),
      rule('misses-last', '0.0.0.0', '223.255.255.254'),
    );
    assert.deepEqual(
      findings.map((f) => [f.resource.name, f.status]),
      [
        ['almost-all', 'fail'],
        ['public-unicast', 'fail'],
        ['misses-one', 'pass'],
        ['misses-last', 'pass'],
      ],
    );
  });

  it('passes narrow ranges and the 0.0.0.0 Azure services rule (another check reports that)', () => {
    const findings = run(
      server('{"publicNetworkAccess": "Enabled"}'),
      rule('office', '203.0.113.0', '203.0.113.255'),
      rule('AllowAllWindowsAzureIps', '0.0.0.0', '0.0.0.0'),
      rule('half', '0.0.0.0', '127.255.255.255'),
    );
    assert.deepEqual(
      findings.map((f) => [f.resource.name, f.status]),
      [
        ['office', 'pass'],
        ['AllowAllWindowsAzureIps', 'pass'],
        ['half', 'pass'],
      ],
    );
  });

  it('passes when public network access is Disabled: IP rules are then inert', () => {
    const [finding] = run(
      server('{"publicNetworkAccess": "Disabled"}'),
      rule('AllowAll', '0.0.0.0', '255.255.255.255'),
    );
    assert.equal(finding?.status, 'pass');
  });

  it('matches the server of Resource Graph rows, whose ids are lowercased', () => {
    const text = `{"count": 2, "data": [
      {"id": "${SERVER.toLowerCase()}", "name": "sql1", "type": "microsoft.sql/servers", "resourceGroup": "rg-orders", "properties": {"publicNetworkAccess": "Disabled"}},
      {"id": "${SERVER}/firewallRules/AllowAll", "name": "AllowAll", "type": "Microsoft.Sql/servers/firewallRules", "properties": {"startIpAddress": "0.0.0.0", "endIpAddress": "255.255.255.255"}}
    ], "skip_token": null, "total_records": 2}`;
    assert.equal(runCheckOn(sqlFirewallRuleOpenToInternet, text, undefined, 'a.json')[0]?.status, 'pass');
  });

  it('is indeterminate when the server is not in the input, naming the export command', () => {
    const [finding] = run(rule('AllowAll', '0.0.0.0', '255.255.255.255'));
    assert.equal(finding?.status, 'indeterminate');
    assert.equal(
      finding?.reason,
      'firewall rule "AllowAll" (0.0.0.0 to 255.255.255.255) admits every public IPv4 address, but its server "sql1" is not in the input, so whether public network access is disabled (which makes the rule inert) is unknown; export the server with `az sql server show --resource-group rg-orders --name sql1`',
    );
  });

  it('is indeterminate for az resource list rows of the rule or of its server', () => {
    const bareRule = `{"id": "${SERVER}/firewallRules/AllowAll", "name": "AllowAll", "type": "Microsoft.Sql/servers/firewallRules", "properties": null}`;
    const [ruleFinding] = run(server('{"publicNetworkAccess": "Enabled"}'), bareRule);
    assert.equal(ruleFinding?.status, 'indeterminate');
    assert.match(ruleFinding?.reason ?? '', /az resource list/);
    const bareServer = `{"id": "${SERVER}", "name": "sql1", "type": "Microsoft.Sql/servers", "properties": null}`;
    const [serverFinding] = run(bareServer, rule('AllowAll', '0.0.0.0', '255.255.255.255'));
    assert.equal(serverFinding?.status, 'indeterminate');
    assert.match(serverFinding?.reason ?? '', /az resource list/);
  });

  it('is indeterminate for addresses that are not IPv4', () => {
    const [finding] = run(server('{"publicNetworkAccess": "Enabled"}'), rule('odd', '0.0.0.0', '256.0.0.0'));
    assert.equal(finding?.status, 'indeterminate');
  });

  it('parses dotted quads', () => {
    assert.equal(ipv4('0.0.0.0'), 0);
    assert.equal(ipv4('255.255.255.255'), 0xffffffff);
    assert.equal(ipv4(' 10.1.2.3 '), 0x0a010203);
    assert.equal(ipv4('10.1.2'), undefined);
    assert.equal(ipv4('10.1.2.300'), undefined);
  });
});
