import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  coversAllPorts,
  describeExposure,
  includesPort,
  internetAllow,
  isInternetSource,
  parsePortRange,
  type SecurityRule,
} from './security-rules.ts';

const ssh = { protocols: ['Tcp'] as const, ports: (r: readonly { from: number; to: number }[]) => includesPort(r, 22) };

function rule(properties: Record<string, unknown>, name = 'r1'): SecurityRule {
  return { name, path: 'properties.securityRules[0]', properties };
}

const base = {
  access: 'Allow',
  direction: 'Inbound',
  protocol: 'Tcp',
  sourceAddressPrefix: '*',
  sourcePortRange: '*',
  destinationAddressPrefix: '*',
  destinationPortRange: '22',
  priority: 100,
};

describe('security rule matching', () => {
  it('parses ports, ranges and *, and rejects anything else', () => {
    assert.deepEqual(parsePortRange('22'), { from: 22, to: 22 });
    assert.deepEqual(parsePortRange(' 1000 - 2000 '), { from: 1000, to: 2000 });
    assert.deepEqual(parsePortRange('*'), { from: 0, to: 65535 });
    assert.equal(parsePortRange('2000-1000'), undefined);
    assert.equal(parsePortRange('70000'), undefined);
    assert.equal(parsePortRange('22,23'), undefined);
    assert.equal(parsePortRange('ssh'), undefined);
  });

  it('knows when ranges cover every port', () => {
    assert.equal(coversAllPorts([{ from: 0, to: 65535 }]), true);
    assert.equal(coversAllPorts([{ from: 1, to: 65535 }]), true);
    assert.equal(
      coversAllPorts([
        { from: 32768, to: 65535 },
        { from: 1, to: 32767 },
      ]),
      true,
    );
    assert.equal(
      coversAllPorts([
        { from: 1, to: 1000 },
        { from: 1002, to: 65535 },
      ]),
      false,
    );
    assert.equal(coversAllPorts([]), false);
  });

  it('treats *, Internet, Any, 0.0.0.0 and /0 prefixes as the Internet, and nothing else', () => {
    for (const source of ['*', 'Internet', 'internet', 'Any', '0.0.0.0', '0.0.0.0/0', '::/0', '/0']) {
      assert.equal(isInternetSource(source), true, source);
    }
    for (const source of ['VirtualNetwork', 'AzureLoadBalancer', '10.0.0.0/8', '203.0.113.7', '203.0.113.0/24']) {
      assert.equal(isInternetSource(source), false, source);
    }
  });

  it('matches an Allow Inbound rule from the Internet on a range containing the port', () => {
    const verdict = internetAllow(rule({ ...base, destinationPortRange: '20-30' }), ssh);
    assert.equal(verdict.kind, 'match');
    assert.equal(
      verdict.kind === 'match' ? describeExposure(verdict.exposure) : '',
      'rule "r1" (priority 100) allows Inbound Tcp traffic to destination port 20-30 from "*"',
    );
  });

  it('reads destinationPortRanges and sourceAddressPrefixes', () => {
    const verdict = internetAllow(
      rule({
        ...base,
        protocol: '*',
        destinationPortRange: undefined,
        destinationPortRanges: ['80', '22'],
        sourceAddressPrefix: undefined,
        sourceAddressPrefixes: ['10.0.0.0/8', 'Internet'],
      }),
      ssh,
    );
    assert.equal(
      verdict.kind === 'match' ? describeExposure(verdict.exposure) : verdict.kind,
      'rule "r1" (priority 100) allows Inbound traffic of any protocol (*) to destination ports 80, 22 from "Internet"',
    );
  });

  it('does not match Deny, Outbound, other protocols, other ports, private sources or ASGs', () => {
    for (const change of [
      { access: 'Deny' },
      { direction: 'Outbound' },
      { protocol: 'Udp' },
      { protocol: 'Icmp' },
      { destinationPortRange: '2222' },
      { sourceAddressPrefix: '10.0.0.0/8' },
      { sourceAddressPrefix: undefined, sourceApplicationSecurityGroups: [{ id: '/x/asg' }] },
    ]) {
      assert.equal(internetAllow(rule({ ...base, ...change }), ssh).kind, 'no', JSON.stringify(change));
    }
  });

  it('is unknown when a deciding value is missing or not a port, and decided when another condition fails', () => {
    assert.deepEqual(internetAllow(rule({ ...base, destinationPortRange: 'ssh' }), ssh), {
      kind: 'unknown',
      reason: 'destination port "ssh" is not a port or range',
    });
    assert.deepEqual(internetAllow(rule({ ...base, access: undefined }), ssh), {
      kind: 'unknown',
      reason: 'access is not set',
    });
    assert.equal(internetAllow(rule({ ...base, access: undefined, direction: 'Outbound' }), ssh).kind, 'no');
    assert.equal(internetAllow({ name: 'x', path: 'p', unknown: 'no properties' }, ssh).kind, 'unknown');
  });
});
