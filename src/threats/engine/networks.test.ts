import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AuditEvent } from '../event.ts';
import { compileRuleFiles, createEngine } from './index.ts';
import { compileNetworks, ipInNetworks } from './networks.ts';
import { loadRuleFile } from './schema.ts';

describe('compileNetworks', () => {
  it('matches CIDR blocks and single addresses, IPv4 and IPv6', () => {
    const set = compileNetworks(['203.0.113.0/25', '198.51.100.17', '2001:db8:7a::/48', '2001:db8::1']);
    assert.ok(typeof set !== 'string');
    assert.equal(set.has('203.0.113.0'), true);
    assert.equal(set.has('203.0.113.127'), true);
    assert.equal(set.has('203.0.113.128'), false, 'outside the /25');
    assert.equal(set.has('198.51.100.17'), true);
    assert.equal(set.has('198.51.100.16'), false);
    assert.equal(set.has('2001:db8:7a:ffff::1'), true);
    assert.equal(set.has('2001:db8:7b::1'), false);
    assert.equal(set.has('2001:0db8:0000:0000:0000:0000:0000:0001'), true, 'IPv6 written in full');
  });

  it('matches an IPv4-mapped IPv6 address against IPv4 networks', () => {
    const set = compileNetworks(['198.51.100.0/24']);
    assert.ok(typeof set !== 'string');
    assert.equal(set.has('::ffff:198.51.100.9'), true);
    assert.equal(set.has('::FFFF:198.51.101.9'), false);
  });

  it('answers false for things that are not addresses', () => {
    const set = compileNetworks(['0.0.0.0/0']);
    assert.ok(typeof set !== 'string');
    assert.equal(set.has('10.1.2.3'), true, '/0 holds every IPv4 address');
    for (const text of ['', 'localhost', '10.1.2', '10.1.2.3/8', '::ffff:not.an.ip']) {
      assert.equal(set.has(text), false, text);
    }
  });

  it('says which entry is not a network', () => {
    assert.equal(compileNetworks(['10.0.0.0/8', 'tor-exits']), '"tor-exits" is not an IP address or CIDR block');
    assert.equal(compileNetworks(['10.0.0.0/33']), '"10.0.0.0/33" has an invalid prefix length "/33"');
    assert.equal(compileNetworks(['2001:db8::/129']), '"2001:db8::/129" has an invalid prefix length "/129"');
    assert.equal(compileNetworks(['10.0.0.0/x']), '"10.0.0.0/x" has an invalid prefix length "/x"');
  });

  it('holds nothing when empty', () => {
    const set = compileNetworks([]);
    assert.ok(typeof set !== 'string');
    assert.equal(set.has('203.0.113.1'), false);
  });
});

describe('ipInNetworks (CEL function)', () => {
  it('caches one set per list and refuses lists of non-networks', () => {
    const list = ['203.0.113.0/24'];
    assert.equal(ipInNetworks('203.0.113.9', list), true);
    assert.equal(ipInNetworks('203.0.112.9', list), false);
    assert.throws(() => ipInNetworks('1.2.3.4', ['nope']), /ipInNetworks: "nope" is not an IP address/);
    assert.throws(() => ipInNetworks('1.2.3.4', [5]), /holds a number/);
  });
});

const RULE = `rules:
  - id: PAL-TD-9001
    title: Request from a watched network
    description: A request came from an address in the watched_networks list of this test file.
    severity: medium
    maturity: stable
    mitre: { tactic: TA0001, technique: T1090.003 }
    match: { sourceIPsIn: watched_networks }
    condition: sourceIPs.exists(ip, ipInNetworks(ip, watched_networks))
    output: 'request from {sourceIPs} by {user}'
    remediation: Revoke the credentials the request used and find out who holds them.
`;

function event(ips: string[]) {
  return {
    kind: 'audit' as const,
    event: AuditEvent.parse({
      apiVersion: 'audit.k8s.io/v1',
      kind: 'Event',
      level: 'Metadata',
      auditID: `net-${ips.join('-')}`,
      stage: 'ResponseComplete',
      requestURI: '/api/v1/namespaces/shop/pods',
      verb: 'list',
      user: { username: 'jane@example.com' },
      sourceIPs: ips,
      objectRef: { resource: 'pods', namespace: 'shop', apiVersion: 'v1' },
      responseStatus: { code: 200 },
    }),
    time: Date.UTC(2026, 10, 20),
    location: { file: 'test' },
  };
}

describe('match.sourceIPsIn', () => {
  it('pre-filters with the same answer as the CEL condition', () => {
    const file = loadRuleFile(`lists:\n  watched_networks: [203.0.113.0/24, "2001:db8::/32"]\n${RULE}`, 'watch.yaml');
    const compiled = compileRuleFiles([file.value]);
    assert.deepEqual(compiled.diagnostics, []);
    const engine = createEngine(compiled.value.rules);
    assert.deepEqual(
      engine.evaluate(event(['10.0.0.1', '203.0.113.200'])).map((m) => m.ruleId),
      ['PAL-TD-9001'],
    );
    assert.deepEqual(engine.evaluate(event(['2001:db8:1::9'])).length, 1);
    assert.deepEqual(engine.evaluate(event(['10.0.0.1'])).length, 0);
    assert.equal(engine.stats.candidatesTested, 2, 'the pre-filter keeps the 10.0.0.1 event from the CEL condition');
  });

  it('refuses a rule whose network list holds a non-network, naming the file, line and entry', () => {
    const file = loadRuleFile(`lists:\n  watched_networks: [203.0.113.0/24, tor]\n${RULE}`, 'watch.yaml');
    const compiled = compileRuleFiles([file.value]);
    assert.equal(compiled.value.rules.length, 0);
    assert.equal(compiled.diagnostics.length, 1);
    const [d] = compiled.diagnostics;
    assert.equal(d?.code, 'rules.compile');
    assert.equal(d?.location?.file, 'watch.yaml');
    assert.equal(d?.location?.line, 4);
    assert.match(d?.message ?? '', /list "watched_networks": "tor" is not an IP address or CIDR block/);
  });
});
