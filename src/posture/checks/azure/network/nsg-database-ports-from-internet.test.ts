import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { nsgDatabasePortsFromInternet } from './nsg-database-ports-from-internet.ts';

const NSG_ID =
  '/subscriptions/7d1e4c2a-9b3f-4e8d-a6c5-2f0b1d3e5a79/resourceGroups/rg-data/providers/Microsoft.Network/networkSecurityGroups/nsg-db';

const nsg = (securityRules?: readonly Record<string, unknown>[]) =>
  JSON.stringify({
    id: NSG_ID,
    name: 'nsg-db',
    type: 'Microsoft.Network/networkSecurityGroups',
    properties:
      securityRules === undefined
        ? {}
        : { securityRules: securityRules.map((p, i) => ({ name: `rule${i}`, properties: p })) },
  });

const allow = {
  access: 'Allow',
  direction: 'Inbound',
  protocol: 'Tcp',
  sourcePortRange: '*',
  destinationAddressPrefix: '*',
};

describe('nsg-database-ports-from-internet', () => {
  it('fails on a database port or a range holding one, naming the engines', () => {
    const text = nsg([
      { ...allow, priority: 100, sourceAddressPrefix: 'Internet', destinationPortRange: '1433' },
      { ...allow, priority: 110, sourceAddressPrefix: '*', destinationPortRange: '3000-6000' },
    ]);
    const [finding] = runCheckOn(nsgDatabasePortsFromInternet, text, undefined, 'a.json');
    assert.equal(finding?.status, 'fail');
    assert.deepEqual(finding?.violations, [
      {
        path: 'properties.securityRules[0]',
        message:
          'rule "rule0" (priority 100) allows Inbound Tcp traffic to destination port 1433 from "Internet" (1433 SQL Server)',
      },
      {
        path: 'properties.securityRules[1]',
        message:
          'rule "rule1" (priority 110) allows Inbound Tcp traffic to destination port 3000-6000 from "*" (3306 MySQL, 5432 PostgreSQL, 5984 CouchDB)',
      },
    ]);
    assert.equal(
      finding?.remediation.azureCli,
      'az network nsg rule update --resource-group rg-data --nsg-name nsg-db --name <rule-name> --source-address-prefixes <application-subnet-cidr>',
    );
  });

  it('passes for database ports from the application subnet, web ports from the Internet, and no custom rules', () => {
    const text = nsg([
      { ...allow, priority: 100, sourceAddressPrefix: '10.1.2.0/24', destinationPortRanges: ['5432', '6379'] },
      { ...allow, priority: 110, sourceAddressPrefix: 'Internet', destinationPortRanges: ['80', '443'] },
    ]);
    assert.equal(runCheckOn(nsgDatabasePortsFromInternet, text, undefined, 'a.json')[0]?.status, 'pass');
    assert.equal(runCheckOn(nsgDatabasePortsFromInternet, nsg(), undefined, 'a.json')[0]?.status, 'pass');
  });

  it('is indeterminate for az resource list rows', () => {
    const text = `[{"id": "${NSG_ID}", "name": "nsg-db", "type": "Microsoft.Network/networkSecurityGroups", "properties": null}]`;
    assert.equal(runCheckOn(nsgDatabasePortsFromInternet, text, undefined, 'a.json')[0]?.status, 'indeterminate');
  });
});
