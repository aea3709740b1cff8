import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { nsgRdpFromInternet } from './nsg-rdp-from-internet.ts';

const NSG_ID =
  '/subscriptions/7d1e4c2a-9b3f-4e8d-a6c5-2f0b1d3e5a79/resourceGroups/rg-ops/providers/Microsoft.Network/networkSecurityGroups/nsg-jump';

const nsg = (securityRules?: readonly Record<string, unknown>[]) =>
  JSON.stringify({
    id: NSG_ID,
    name: 'nsg-jump',
    type: 'Microsoft.Network/networkSecurityGroups',
    properties:
      securityRules === undefined
        ? {}
        : { securityRules: securityRules.map((p, i) => ({ name: `rule${i}`, properties: p })) },
  });

const allow = { access: 'Allow', direction: 'Inbound', sourcePortRange: '*', destinationAddressPrefix: '*' };

describe('nsg-rdp-from-internet', () => {
  it('fails on 3389 from the Internet over TCP or UDP, naming the rule', () => {
    const text = nsg([
      {
        ...allow,
        protocol: 'Udp',
        priority: 400,
        sourceAddressPrefix: 'Internet',
        destinationPortRanges: ['3380-3390'],
      },
    ]);
    const [finding] = runCheckOn(nsgRdpFromInternet, text, undefined, 'a.json');
    assert.equal(finding?.status, 'fail');
    assert.deepEqual(finding?.violations, [
      {
        path: 'properties.securityRules[0]',
        message: 'rule "rule0" (priority 400) allows Inbound Udp traffic to destination port 3380-3390 from "Internet"',
      },
    ]);
    assert.equal(
      finding?.remediation.azureCli,
      'az network nsg rule update --resource-group rg-ops --nsg-name nsg-jump --name <rule-name> --source-address-prefixes <trusted-cidr>',
    );
  });

  it('passes for 3389 from a private range, SSH from the Internet, and no custom rules', () => {
    const text = nsg([
      { ...allow, protocol: 'Tcp', priority: 100, sourceAddressPrefix: '10.20.0.0/16', destinationPortRange: '3389' },
      { ...allow, protocol: 'Tcp', priority: 110, sourceAddressPrefix: '*', destinationPortRange: '22' },
    ]);
    assert.equal(runCheckOn(nsgRdpFromInternet, text, undefined, 'a.json')[0]?.status, 'pass');
    assert.equal(runCheckOn(nsgRdpFromInternet, nsg(), undefined, 'a.json')[0]?.status, 'pass');
  });

  it('is indeterminate for az resource list rows', () => {
    const text = `[{"id": "${NSG_ID}", "name": "nsg-jump", "type": "Microsoft.Network/networkSecurityGroups", "properties": null}]`;
    assert.equal(runCheckOn(nsgRdpFromInternet, text, undefined, 'a.json')[0]?.status, 'indeterminate');
  });
});
