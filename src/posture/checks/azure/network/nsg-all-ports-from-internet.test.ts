import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { nsgAllPortsFromInternet } from './nsg-all-ports-from-internet.ts';

const NSG_ID =
  '/subscriptions/7d1e4c2a-9b3f-4e8d-a6c5-2f0b1d3e5a79/resourceGroups/rg-shop/providers/Microsoft.Network/networkSecurityGroups/nsg-app';

const nsg = (securityRules?: readonly Record<string, unknown>[]) =>
  JSON.stringify({
    id: NSG_ID,
    name: 'nsg-app',
    type: 'Microsoft.Network/networkSecurityGroups',
    properties:
      securityRules === undefined
        ? {}
        : { securityRules: securityRules.map((p, i) => ({ name: `rule${i}`, properties: p })) },
  });

const allow = {
  access: 'Allow',
  direction: 'Inbound',
  protocol: '*',
  sourcePortRange: '*',
  destinationAddressPrefix: '*',
};

describe('nsg-all-ports-from-internet', () => {
  it('fails on * ports from any address', () => {
    const [finding] = runCheckOn(
      nsgAllPortsFromInternet,
      nsg([{ ...allow, priority: 4000, sourceAddressPrefix: '0.0.0.0/0', destinationPortRange: '*' }]),
      undefined,
      'a.json',
    );
    assert.equal(finding?.status, 'fail');
    assert.deepEqual(finding?.violations, [
      {
        path: 'properties.securityRules[0]',
        message:
          'rule "rule0" (priority 4000) allows Inbound traffic of any protocol (*) to all destination ports (*) from "0.0.0.0/0"',
      },
    ]);
    assert.equal(
      finding?.remediation.azureCli,
      'az network nsg rule update --resource-group rg-shop --nsg-name nsg-app --name <rule-name> --destination-port-ranges <port> --source-address-prefixes <trusted-cidr>',
    );
  });

  it('fails on ranges that join up to every port', () => {
    const text = nsg([
      {
        ...allow,
        protocol: 'Tcp',
        priority: 100,
        sourceAddressPrefix: 'Internet',
        destinationPortRanges: ['1-32767', '32768-65535'],
      },
    ]);
    assert.equal(runCheckOn(nsgAllPortsFromInternet, text, undefined, 'a.json')[0]?.status, 'fail');
  });

  it('passes for narrow ports, ICMP, all ports from a private range, and no custom rules', () => {
    const text = nsg([
      {
        ...allow,
        protocol: 'Tcp',
        priority: 100,
        sourceAddressPrefix: 'Internet',
        destinationPortRanges: ['80', '443'],
      },
      { ...allow, protocol: 'Icmp', priority: 110, sourceAddressPrefix: '*', destinationPortRange: '*' },
      { ...allow, priority: 120, sourceAddressPrefix: 'VirtualNetwork', destinationPortRange: '*' },
    ]);
    assert.equal(runCheckOn(nsgAllPortsFromInternet, text, undefined, 'a.json')[0]?.status, 'pass');
    assert.equal(runCheckOn(nsgAllPortsFromInternet, nsg(), undefined, 'a.json')[0]?.status, 'pass');
  });

  it('is indeterminate for az resource list rows', () => {
    const text = `[{"id": "${NSG_ID}", "name": "nsg-app", "type": "Microsoft.Network/networkSecurityGroups", "properties": null}]`;
    assert.equal(runCheckOn(nsgAllPortsFromInternet, text, undefined, 'a.json')[0]?.status, 'indeterminate');
  });
});
