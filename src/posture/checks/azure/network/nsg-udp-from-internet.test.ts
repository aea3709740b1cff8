import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { nsgUdpFromInternet } from './nsg-udp-from-internet.ts';

const NSG_ID =
  '/subscriptions/7d1e4c2a-9b3f-4e8d-a6c5-2f0b1d3e5a79/resourceGroups/rg-dns/providers/Microsoft.Network/networkSecurityGroups/nsg-dns';

const nsg = (securityRules?: readonly Record<string, unknown>[]) =>
  JSON.stringify({
    id: NSG_ID,
    name: 'nsg-dns',
    type: 'Microsoft.Network/networkSecurityGroups',
    properties:
      securityRules === undefined
        ? {}
        : { securityRules: securityRules.map((p, i) => ({ name: `rule${i}`, properties: p })) },
  });

const allow = { access: 'Allow', direction: 'Inbound', sourcePortRange: '*', destinationAddressPrefix: '*' };

describe('nsg-udp-from-internet', () => {
  it('fails on UDP from the Internet whatever the port, and on * protocol', () => {
    const text = nsg([
      { ...allow, protocol: 'Udp', priority: 200, sourceAddressPrefix: 'Internet', destinationPortRange: '53' },
      { ...allow, protocol: '*', priority: 210, sourceAddressPrefix: '*', destinationPortRange: '8080' },
    ]);
    const [finding] = runCheckOn(nsgUdpFromInternet, text, undefined, 'a.json');
    assert.equal(finding?.status, 'fail');
    assert.deepEqual(finding?.violations, [
      {
        path: 'properties.securityRules[0]',
        message: 'rule "rule0" (priority 200) allows Inbound Udp traffic to destination port 53 from "Internet"',
      },
      {
        path: 'properties.securityRules[1]',
        message:
          'rule "rule1" (priority 210) allows Inbound traffic of any protocol (*) to destination port 8080 from "*"',
      },
    ]);
    assert.equal(
      finding?.remediation.azureCli,
      'az network nsg rule update --resource-group rg-dns --nsg-name nsg-dns --name <rule-name> --source-address-prefixes <trusted-cidr>',
    );
  });

  it('passes for TCP from the Internet, UDP from private ranges, and no custom rules', () => {
    const text = nsg([
      { ...allow, protocol: 'Tcp', priority: 100, sourceAddressPrefix: 'Internet', destinationPortRange: '443' },
      {
        ...allow,
        protocol: 'Udp',
        priority: 110,
        sourceAddressPrefixes: ['10.0.0.0/8', '172.16.0.0/12'],
        destinationPortRange: '53',
      },
    ]);
    assert.equal(runCheckOn(nsgUdpFromInternet, text, undefined, 'a.json')[0]?.status, 'pass');
    assert.equal(runCheckOn(nsgUdpFromInternet, nsg(), undefined, 'a.json')[0]?.status, 'pass');
  });

  it('is indeterminate for az resource list rows', () => {
    const text = `[{"id": "${NSG_ID}", "name": "nsg-dns", "type": "Microsoft.Network/networkSecurityGroups", "properties": null}]`;
    assert.equal(runCheckOn(nsgUdpFromInternet, text, undefined, 'a.json')[0]?.status, 'indeterminate');
  });
});
