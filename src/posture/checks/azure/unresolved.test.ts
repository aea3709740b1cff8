/**
 * A template whose security-relevant properties come from parameters without values: every check
 * that reads one of them must say indeterminate, never pass (the "never as compliant").
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { scanManifests } from '../../scan.ts';

const TEMPLATE = fileURLToPath(
  new URL('../../../../test/fixtures/inventory/azure/unresolved/main.json', import.meta.url),
);

/** check slug → resource name, for the checks that read a parameter-driven property. */
const EXPECTED: readonly (readonly [string, string])[] = [
  ['nsg-ssh-from-internet', 'nsg1'],
  ['nsg-all-ports-from-internet', 'nsg1'],
  ['storage-min-tls-version', 'stx1'],
  ['acr-public-network', 'acrx1'],
  ['sql-firewall-rule-open-to-internet', 'sqlx1/all'],
  ['appservice-ftps-only', 'appx1'],
  ['vm-disk-encryption', 'vmx1'],
  ['aro-api-server-public', 'arox1'],
  ['aro-ingress-public', 'arox1'],
  ['keyvault-rbac-authorization', 'kvx1'],
  ['cosmos-public-network-access', 'cosx1'],
  ['cosmos-firewall', 'cosx1'],
];

describe('template values that cannot be resolved', () => {
  it('make the checks that read them indeterminate, naming the parameter', async () => {
    const report = await scanManifests([TEMPLATE], { now: new Date('2026-11-23T00:00:00Z') });
    for (const [slug, name] of EXPECTED) {
      const finding = report.findings.find((f) => f.slug === slug && f.resource.name === name);
      assert.ok(finding, `${slug} on ${name}: no finding`);
      assert.equal(finding.status, 'indeterminate', `${slug} on ${name}: ${finding.status} (${finding.message})`);
      assert.match(finding.reason ?? '', /parameters\('[A-Za-z]+'\)/, `${slug}: ${finding.reason}`);
    }
    assert.ok(report.summary.findings.indeterminate >= EXPECTED.length);
  });

  it('give the resources the lines of their declarations', async () => {
    const report = await scanManifests([TEMPLATE], { now: new Date('2026-11-23T00:00:00Z') });
    const nsg = report.findings.find((f) => f.resource.name === 'nsg1');
    assert.equal(nsg?.resource.source?.line, 17);
    assert.equal(nsg?.resource.kind, 'Microsoft.Network/networkSecurityGroups');
    assert.equal(nsg?.resource.apiVersion, '2023-09-01');
  });
});
