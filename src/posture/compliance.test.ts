import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { ControlCompliance, Finding, FindingStatus, FrameworkCompliance, ScanReport } from '#core';
import { storageHttpsOnly } from './checks/azure/storage/storage-https-only.ts';
import { storageMinTlsVersion } from './checks/azure/storage/storage-min-tls-version.ts';
import { frameworkCompliance } from './compliance.ts';
import { getFramework } from './frameworks/index.ts';
import { scanManifests } from './scan.ts';

const FIXTURES = fileURLToPath(new URL('../../test/fixtures/scoring/', import.meta.url));
const fixture = (name: string): string => `${FIXTURES}${name}`;

const CIS = 'cis-azure-2.0';
const STORAGE = '3 Storage Accounts';
/** The storage checks mapped to CIS Azure 2.0, pinned so that checks registered later do not change the counts. */
const CIS_STORAGE_CHECKS = [
  'storage-https-only',
  'storage-blob-public-access',
  'storage-network-default-deny',
  'storage-blob-soft-delete',
  'storage-container-soft-delete',
  'storage-min-tls-version',
];

function cisOf(report: ScanReport): FrameworkCompliance {
  const cis = report.compliance?.find((c) => c.framework === CIS);
  assert.ok(cis, 'the report has no CIS Azure compliance');
  return cis;
}

function control(framework: FrameworkCompliance, id: string): ControlCompliance {
  const found = framework.controls.find((c) => c.id === id);
  assert.ok(found, `no control ${id}`);
  return found;
}

function tally(framework: FrameworkCompliance): Record<ControlCompliance['status'], number> {
  const counts = { passed: 0, failed: 0, indeterminate: 0, 'not-assessed': 0, manual: 0 };
  for (const c of framework.controls) {
    counts[c.status]++;
  }
  return counts;
}

describe('framework compliance (scanManifests --framework cis-azure-2.0)', () => {
  it('gives each control its status from the findings of the checks mapped to it', async () => {
    // Two ARO-managed accounts: both require HTTPS and deny by default; one allows TLS 1.0; neither
    // has its blob service in the input; both are excluded from the anonymous access check.
    const report = await scanManifests([fixture('az-graph-query-aro-storage.json')], { frameworks: [CIS] });
    assert.deepEqual(report.summary.frameworks, [CIS]);
    const cis = cisOf(report);
    assert.equal(cis.title, 'CIS Microsoft Azure Foundations Benchmark');
    assert.equal(cis.version, '2.0.0');
    assert.deepEqual(control(cis, '3.1'), {
      id: '3.1',
      title: "Ensure that 'Secure transfer required' is set to 'Enabled'",
      section: STORAGE,
      status: 'passed',
      checks: ['PAL-AZR-0101'],
      failed: 0,
      indeterminate: 0,
      assessed: 2,
    });
    assert.deepEqual(control(cis, '3.15'), {
      id: '3.15',
      title: "Ensure the 'Minimum TLS version' for storage accounts is set to 'Version 1.2'",
      section: STORAGE,
      status: 'failed',
      checks: ['PAL-AZR-0102'],
      failed: 1,
      indeterminate: 0,
      assessed: 2,
    });
    assert.deepEqual(control(cis, '3.11'), {
      id: '3.11',
      title: 'Ensure Soft Delete is Enabled for Azure Containers and Blob Storage',
      section: STORAGE,
      status: 'indeterminate',
      checks: ['PAL-AZR-0106', 'PAL-AZR-0107'],
      failed: 0,
      indeterminate: 4,
      assessed: 4,
    });
    assert.deepEqual(control(cis, '3.7'), {
      id: '3.7',
      title: "Ensure that 'Public access level' is disabled for storage accounts with blob containers",
      section: STORAGE,
      status: 'not-assessed',
      checks: ['PAL-AZR-0103'],
      failed: 0,
      indeterminate: 0,
      assessed: 0,
    });
    assert.deepEqual(control(cis, '3.2'), {
      id: '3.2',
      title: "Ensure that 'Enable Infrastructure Encryption' is set to 'enabled'",
      section: STORAGE,
      status: 'manual',
      checks: [],
      failed: 0,
      indeterminate: 0,
      assessed: 0,
    });
    assert.deepEqual(cis.summary, tally(cis));
  });

  it('lists every control of the framework, in catalogue order, and counts each status', async () => {
    const report = await scanManifests([fixture('az-graph-query-aro-storage.json')], {
      frameworks: [CIS],
      include: CIS_STORAGE_CHECKS,
    });
    const cis = cisOf(report);
    const catalogue = getFramework(CIS)?.controls ?? [];
    assert.deepEqual(
      cis.controls.map((c) => c.id),
      catalogue.map((c) => c.id),
    );
    assert.deepEqual(cis.summary, {
      passed: 2,
      failed: 1,
      indeterminate: 1,
      'not-assessed': 1,
      manual: catalogue.length - 5,
    });
  });

  it('counts a suppressed failure as passed', async () => {
    const report = await scanManifests([fixture('az-graph-query-aro-storage.json')], {
      frameworks: [CIS],
      exemptions: [
        {
          reason: 'the registry account is managed by ARO',
          checks: ['storage-min-tls-version'],
          names: ['imageregistry*'],
        },
      ],
    });
    assert.deepEqual(
      [control(cisOf(report), '3.15')].map((c) => [c.status, c.failed, c.assessed]),
      [['passed', 0, 2]],
    );
  });

  it('is failed when a check fails, even when another finding of the control is indeterminate', async () => {
    // stpayarchive fails HTTPS-only; stpaybackup (no properties) is indeterminate.
    const report = await scanManifests([fixture('az-graph-query-storage.json'), fixture('arm-resources-list.json')], {
      frameworks: [CIS],
    });
    const c = control(cisOf(report), '3.1');
    assert.deepEqual([c.status, c.failed, c.indeterminate, c.assessed], ['failed', 1, 1, 4]);
  });

  it('is not-assessed for every checked control when the input has none of the resources the checks read', async () => {
    const report = await scanManifests([fixture('privileged-pod.yaml')], {
      frameworks: [CIS],
      include: CIS_STORAGE_CHECKS,
    });
    const cis = cisOf(report);
    assert.deepEqual(
      ['3.1', '3.7', '3.8', '3.11', '3.15'].map((id) => control(cis, id).status),
      ['not-assessed', 'not-assessed', 'not-assessed', 'not-assessed', 'not-assessed'],
    );
    assert.equal(cis.summary.passed + cis.summary.failed + cis.summary.indeterminate, 0);
  });

  it('still counts passing checks when the report keeps only failing findings', async () => {
    const report = await scanManifests([fixture('az-graph-query-aro-storage.json')], {
      frameworks: [CIS],
      findings: 'fail',
    });
    assert.equal(
      report.findings.some((f) => f.status === 'pass'),
      false,
    );
    const c = control(cisOf(report), '3.1');
    assert.deepEqual([c.status, c.assessed], ['passed', 2]);
  });

  it('has no compliance section without --framework', async () => {
    const report = await scanManifests([fixture('az-graph-query-aro-storage.json')], { include: CIS_STORAGE_CHECKS });
    assert.equal(report.compliance, undefined);
  });

  it('reports the frameworks a framework includes, each on its own', async () => {
    const report = await scanManifests([fixture('privileged-pod.yaml')], { frameworks: ['pss-restricted'] });
    assert.deepEqual(
      report.compliance?.map((f) => f.framework),
      ['pss-restricted', 'pss-baseline'],
    );
    const baseline = report.compliance?.[1];
    assert.ok(baseline);
    const privileged = baseline.controls.filter((c) => c.checks.includes('PAL-K8S-0002'));
    assert.ok(privileged.length > 0);
    assert.deepEqual(
      privileged.map((c) => c.status),
      privileged.map(() => 'failed'),
    );
  });
});

describe('frameworkCompliance', () => {
  const finding = (checkId: string, status: FindingStatus, name: string): Finding => ({
    checkId,
    slug: checkId,
    status,
    severity: 'high',
    title: checkId,
    message: `${checkId} on ${name}`,
    resource: { kind: 'Microsoft.Storage/storageAccounts', apiVersion: '', name },
    violations: [],
    frameworks: [],
    remediation: { summary: 'Fix it.' },
    fingerprint: `${checkId}|${name}`,
  });
  const counts = (partial: Partial<Record<FindingStatus, number>>): Record<FindingStatus, number> => ({
    pass: 0,
    fail: 0,
    'not-applicable': 0,
    error: 0,
    indeterminate: 0,
    ...partial,
  });

  it('counts a check error as indeterminate and as assessed, and not-applicable as neither', () => {
    const [cis] = frameworkCompliance(
      CIS,
      [storageHttpsOnly, storageMinTlsVersion],
      [finding('PAL-AZR-0101', 'error', 'st1'), finding('PAL-AZR-0102', 'not-applicable', 'st1')],
      new Map([
        ['PAL-AZR-0101', counts({ pass: 1, error: 1 })],
        ['PAL-AZR-0102', counts({ 'not-applicable': 2 })],
      ]),
    );
    assert.ok(cis);
    assert.deepEqual(
      ['3.1', '3.15'].map((id) => {
        const c = control(cis, id);
        return [c.status, c.failed, c.indeterminate, c.assessed];
      }),
      [
        ['indeterminate', 0, 1, 2],
        ['not-assessed', 0, 0, 0],
      ],
    );
  });

  it('is manual for controls whose checks were not selected', () => {
    const [cis] = frameworkCompliance(CIS, [storageHttpsOnly], [], new Map([['PAL-AZR-0101', counts({ pass: 3 })]]));
    assert.ok(cis);
    assert.deepEqual(control(cis, '3.1').status, 'passed');
    assert.deepEqual([control(cis, '3.15').status, control(cis, '3.15').checks], ['manual', []]);
  });

  it('returns nothing for an unknown framework', () => {
    assert.deepEqual(frameworkCompliance('no-such-framework', [storageHttpsOnly], [], new Map()), []);
  });
});
