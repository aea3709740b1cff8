import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { nsgSshFromInternet } from './nsg-ssh-from-internet.ts';

const SUB = '7d1e4c2a-9b3f-4e8d-a6c5-2f0b1d3e5a79';
const NSG_ID = `/subscriptions/${SUB}/resourceGroups/rg-shop/providers/Microsoft.Network/networkSecurityGroups/nsg-web`;

const nsg = (securityRules: unknown) =>
  JSON.stringify({
    id: NSG_ID,
    name: 'nsg-web',
    type: 'Microsoft.Network/networkSecurityGroups',
    location: 'westeurope',
    properties: securityRules === undefined ? { provisioningState: 'Succeeded' } : { securityRules },
  });

const rule = (name: string, properties: Record<string, unknown>) => ({
  name,
  id: `${NSG_ID}/securityRules/${name}`,
  type: 'Microsoft.Network/networkSecurityGroups/securityRules',
  properties: {
    access: 'Allow',
    direction: 'Inbound',
    protocol: 'Tcp',
    sourcePortRange: '*',
    destinationAddressPrefix: '*',
    ...properties,
  },
});

describe('nsg-ssh-from-internet', () => {
  it('fails on an Allow rule opening 22 to the Internet, naming rule, direction, ports and source', () => {
    const text = nsg([
      rule('AllowHttps', { priority: 100, sourceAddressPrefix: 'Internet', destinationPortRange: '443' }),
      rule('AllowSSH', { priority: 300, sourceAddressPrefix: 'Internet', destinationPortRange: '22' }),
    ]);
    const [finding] = runCheckOn(nsgSshFromInternet, text, undefined, 'a.json');
    assert.equal(finding?.status, 'fail');
    assert.deepEqual(finding?.violations, [
      {
        path: 'properties.securityRules[1]',
        message: 'rule "AllowSSH" (priority 300) allows Inbound Tcp traffic to destination port 22 from "Internet"',
      },
    ]);
    assert.equal(
      finding?.remediation.azureCli,
      'az network nsg rule update --resource-group rg-shop --nsg-name nsg-web --name <rule-name> --source-address-prefixes <trusted-cidr>',
    );
  });

  it('fails on ranges, port lists, * protocol and /0 prefixes', () => {
    for (const properties of [
      { protocol: '*', sourceAddressPrefix: '0.0.0.0/0', destinationPortRange: '1-1024' },
      { sourceAddressPrefixes: ['10.0.0.0/8', 'Any'], destinationPortRanges: ['80', '20-25'] },
      { sourceAddressPrefix: '*', destinationPortRange: '*' },
    ]) {
      const [finding] = runCheckOn(nsgSshFromInternet, nsg([rule('r', properties)]), undefined, 'a.json');
      assert.equal(finding?.status, 'fail', JSON.stringify(properties));
    }
  });

  it('passes for trusted sources, Deny rules, UDP and other ports', () => {
    const text = nsg([
      rule('SshFromOffice', { priority: 100, sourceAddressPrefix: '203.0.113.0/24', destinationPortRange: '22' }),
      rule('DenySsh', { priority: 110, access: 'Deny', sourceAddressPrefix: '*', destinationPortRange: '22' }),
      rule('Dns', { priority: 120, protocol: 'Udp', sourceAddressPrefix: '*', destinationPortRange: '22' }),
      rule('Web', { priority: 130, sourceAddressPrefix: 'Internet', destinationPortRanges: ['80', '443'] }),
    ]);
    assert.equal(runCheckOn(nsgSshFromInternet, text, undefined, 'a.json')[0]?.status, 'pass');
  });

  it('passes when securityRules is absent (only the default rules, which deny Internet inbound)', () => {
    assert.equal(runCheckOn(nsgSshFromInternet, nsg(undefined), undefined, 'a.json')[0]?.status, 'pass');
  });

  it('reads the flattened az network nsg show output', () => {
    const text = JSON.stringify({
      id: NSG_ID,
      name: 'nsg-web',
      type: 'Microsoft.Network/networkSecurityGroups',
      resourceGroup: 'rg-shop',
      securityRules: [
        {
          access: 'Allow',
          destinationPortRange: '22',
          destinationPortRanges: [],
          direction: 'Inbound',
          name: 'SSH',
          priority: 300,
          protocol: 'TCP',
          sourceAddressPrefix: '*',
          sourceAddressPrefixes: [],
        },
      ],
    });
    const [finding] = runCheckOn(nsgSshFromInternet, text, undefined, 'a.json');
    assert.equal(finding?.status, 'fail');
    assert.equal(
      finding?.violations[0]?.message,
      'rule "SSH" (priority 300) allows Inbound TCP traffic to destination port 22 from "*"',
    );
  });

  it('reads separate securityRules child resources of the NSG', () => {
    const text = `[${nsg([])}, ${JSON.stringify(rule('ssh-open', { priority: 200, sourceAddressPrefix: 'Internet', destinationPortRange: '22' }))}]`;
    const findings = runCheckOn(nsgSshFromInternet, text, undefined, 'a.json');
    assert.deepEqual(
      findings.map((f) => [f.resource.name, f.status, f.violations[0]?.path]),
      [['nsg-web', 'fail', 'securityRules/ssh-open']],
    );
  });

  it('is indeterminate for az resource list rows, which carry no properties', () => {
    const text = `[{"id": "${NSG_ID}", "name": "nsg-web", "type": "Microsoft.Network/networkSecurityGroups", "properties": null}]`;
    const [finding] = runCheckOn(nsgSshFromInternet, text, undefined, 'a.json');
    assert.equal(finding?.status, 'indeterminate');
    assert.match(finding?.reason ?? '', /az resource list/);
  });

  it('is indeterminate when a rule port cannot be read and no rule fails', () => {
    const text = nsg([rule('odd', { priority: 100, sourceAddressPrefix: '*', destinationPortRange: 'ssh' })]);
    const [finding] = runCheckOn(nsgSshFromInternet, text, undefined, 'a.json');
    assert.equal(finding?.status, 'indeterminate');
    assert.equal(finding?.reason, 'rule "odd": destination port "ssh" is not a port or range');
  });
});
