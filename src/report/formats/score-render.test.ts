import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Log, Result } from 'sarif';
import type { ScanReport } from '#core';
import { getFramework } from '#posture/frameworks/index.ts';
import { scanManifests } from '#posture/scan.ts';
import { githubProblems, reportSchemaErrors, sarifSchemaErrors } from '#test/helpers/validators.ts';
import type { OutputFormat, RenderOptions } from '../format.ts';
import { getFormat, toJsonReport } from '../index.ts';

const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/scoring/', import.meta.url));
const SUB = 'c5a1f0d2-7b3e-4c9a-8e21-6f4d2b9a7c10';
const ARO_ID = `/subscriptions/${SUB}/resourceGroups/rg-aro/providers/Microsoft.RedHatOpenShift/openShiftClusters/aro-prod`;
const ARCHIVE_ID = `/subscriptions/${SUB}/resourcegroups/rg-payments/providers/microsoft.storage/storageaccounts/stpayarchive`;
const CIS = 'cis-azure-2.0';
const CIS_CONTROLS = getFramework(CIS)?.controls.length ?? 0;

/**
 * Three Resource Graph accounts (one healthy, one without HTTPS, one on TLS 1.0), one account
 * without properties, an ARO cluster linked to its Infrastructure object, and a privileged pod.
 * Checks pinned: the six CIS storage checks and the privileged-container check.
 */
const report: ScanReport = await scanManifests(
  [
    'az-graph-query-storage.json',
    'arm-resources-list.json',
    'az-aro-show.json',
    'infrastructure.yaml',
    'privileged-pod.yaml',
  ].map((name) => `${FIXTURES}${name}`),
  {
    frameworks: [CIS],
    include: [
      'storage-https-only',
      'storage-min-tls-version',
      'storage-blob-public-access',
      'storage-network-default-deny',
      'storage-blob-soft-delete',
      'storage-container-soft-delete',
      'privileged',
    ],
  },
);

function format(id: string): OutputFormat {
  const found = getFormat(id);
  assert.ok(found, `no format ${id}`);
  return found;
}

const options = (status: 'fail' | 'all'): RenderOptions => ({ status, color: false, cwd: FIXTURES });

type JsonObject = { [key: string]: unknown };

function jsonDoc(status: 'fail' | 'all' = 'fail'): JsonObject {
  return JSON.parse(format('json').render(report, options(status))) as JsonObject;
}

function findings(doc: JsonObject): JsonObject[] {
  return doc.findings as JsonObject[];
}

describe('json format with score, compliance and clusters', () => {
  it('writes score, compliance and clusters between the findings and the diagnostics', () => {
    assert.deepEqual(Object.keys(jsonDoc()), [
      'schemaVersion',
      'tool',
      'summary',
      'findings',
      'score',
      'compliance',
      'clusters',
      'diagnostics',
    ]);
  });

  it('validates against report.schema.json', () => {
    for (const status of ['fail', 'all'] as const) {
      assert.deepEqual(reportSchemaErrors(jsonDoc(status)), [], status);
    }
  });

  it('the schema rejects a broken score, so the test above can fail', () => {
    const doc = jsonDoc();
    const score = doc.score as { total: JsonObject };
    assert.notDeepEqual(
      reportSchemaErrors({ ...doc, score: { ...score, total: { ...score.total, max: 'eight' } } }),
      [],
    );
  });

  it('writes the same bytes as JSON.stringify of the report object', () => {
    for (const status of ['fail', 'all'] as const) {
      assert.equal(
        format('json').render(report, options(status)),
        `${JSON.stringify(toJsonReport(report, status), null, 2)}\n`,
        status,
      );
    }
  });

  it('writes the secure score of the scan', () => {
    const score = jsonDoc().score as { total: JsonObject; subscriptions: JsonObject[]; clusters: JsonObject[] };
    assert.deepEqual(score.total, {
      id: 'total',
      name: 'all resources',
      current: 2,
      max: 8,
      percent: 25,
      controls: [
        {
          id: 'encrypt-data-in-transit',
          title: 'Encrypt data in transit',
          maxPoints: 4,
          healthy: 1,
          unhealthy: 3,
          current: 1,
        },
        {
          id: 'restrict-unauthorized-network-access',
          title: 'Restrict unauthorized network access',
          maxPoints: 4,
          healthy: 1,
          unhealthy: 3,
          current: 1,
        },
        {
          id: 'implement-security-best-practices',
          title: 'Implement security best practices',
          maxPoints: 0,
          healthy: 0,
          unhealthy: 4,
          current: 0,
        },
      ],
    });
    assert.deepEqual(
      score.subscriptions.map((s) => [s.id, s.current, s.max, s.percent]),
      [[SUB, 2, 8, 25]],
    );
    assert.deepEqual(score.clusters, []);
  });

  it('writes the compliance of the framework', () => {
    const [cis, ...rest] = jsonDoc().compliance as JsonObject[];
    assert.deepEqual(rest, []);
    assert.equal(cis?.framework, CIS);
    assert.deepEqual(cis?.summary, {
      passed: 0,
      failed: 4,
      indeterminate: 1,
      'not-assessed': 0,
      manual: CIS_CONTROLS - 5,
    });
    assert.deepEqual((cis?.controls as JsonObject[] | undefined)?.[0], {
      id: '3.1',
      title: "Ensure that 'Secure transfer required' is set to 'Enabled'",
      section: '3 Storage Accounts',
      status: 'failed',
      checks: ['PAL-AZR-0101'],
      failed: 1,
      indeterminate: 1,
      assessed: 4,
    });
  });

  it('writes the clusters', () => {
    assert.deepEqual(jsonDoc().clusters, [
      {
        id: ARO_ID,
        name: 'aro-prod',
        aroResourceId: ARO_ID,
        apiServerUrl: 'https://api.k7pq2x9m.westeurope.aroapp.io:6443/',
        linkedBy: 'api-server-url',
        objects: 2,
      },
    ]);
  });

  it("writes an Azure finding's resource id and its remediation with the az command and ARM patch", () => {
    const finding = findings(jsonDoc()).find(
      (f) => f.checkId === 'PAL-AZR-0101' && (f.resource as JsonObject).name === 'stpayarchive',
    );
    assert.ok(finding);
    assert.deepEqual(finding.resource, {
      kind: 'Microsoft.Storage/storageAccounts',
      apiVersion: '',
      name: 'stpayarchive',
      id: ARCHIVE_ID,
      source: { file: `${FIXTURES}az-graph-query-storage.json`, line: 30, document: 1 },
    });
    assert.deepEqual(finding.remediation, {
      summary: 'Require secure transfer (HTTPS only) on the storage account.',
      azureCli: 'az storage account update --name stpayarchive --resource-group rg-payments --https-only true',
      armPatch: '{"properties":{"supportsHttpsTrafficOnly":true}}',
      armApiVersion: '2023-05-01',
    });
  });

  it("writes the cluster of a linked object's finding", () => {
    const pod = findings(jsonDoc()).find((f) => (f.resource as JsonObject).name === 'node-debugger');
    assert.equal((pod?.resource as JsonObject | undefined)?.cluster, ARO_ID);
  });

  it('writes indeterminate findings under --status fail, with their reason', () => {
    const shown = findings(jsonDoc('fail'));
    const undecided = shown.filter((f) => f.status === 'indeterminate');
    assert.equal(undecided.length, 12);
    const backup = undecided.find((f) => f.checkId === 'PAL-AZR-0101');
    assert.equal((backup?.resource as JsonObject | undefined)?.name, 'stpaybackup');
    assert.match(String(backup?.reason), /^the input has no properties for this resource/);
    assert.equal(
      shown.some((f) => f.status === 'pass'),
      false,
    );
  });
});

describe('table format with score, compliance and indeterminate findings', () => {
  const text = format('table').render(report, options('fail'));
  const lines = text.split('\n');

  it('prints a SECURE SCORE section with the total and a row per control', () => {
    assert.ok(lines.includes('SECURE SCORE  2 of 8 points (25%)'), text);
    assert.match(text, /^ {2}Encrypt data in transit +1\/4 {2}1 healthy {2}3 unhealthy$/m);
    assert.match(text, /^ {2}Restrict unauthorized network access {2}1\/4 {2}1 healthy {2}3 unhealthy$/m);
    assert.match(text, /^ {2}Implement security best practices +0\/0 {2}0 healthy {2}4 unhealthy$/m);
  });

  it('prints each subscription of the score with its points', () => {
    const line = lines.find((l) => l.includes(SUB) && l.includes('points'));
    assert.ok(line, 'no subscription line');
    assert.match(line, /: 2 of 8 points \(25%\)$/);
  });

  it('names a subscription of the score once', () => {
    const line = lines.find((l) => l.includes(SUB) && l.includes('points')) ?? '';
    assert.equal(line.match(/subscription/g)?.length, 1, line);
    assert.equal(line.split(SUB).length - 1, 1, line);
  });

  it('prints a COMPLIANCE section with the counts and a row per control', () => {
    assert.ok(
      lines.includes(
        `COMPLIANCE  CIS Microsoft Azure Foundations Benchmark 2.0.0 (cis-azure-2.0): 4 failed, 1 indeterminate, ${CIS_CONTROLS - 5} manual`,
      ),
      text,
    );
    assert.match(
      text,
      /^ {2}3\.1 +failed {9}Ensure that 'Secure transfer required' is set to 'Enabled' {2}1 failing \(PAL-AZR-0101\)$/m,
    );
    assert.match(text, /^ {2}3\.11 +indeterminate {2}Ensure Soft Delete .* {2}\(PAL-AZR-0106, PAL-AZR-0107\)$/m);
    assert.match(text, /^ {2}3\.2 +manual {9}Ensure that 'Enable Infrastructure Encryption' is set to 'enabled'$/m);
  });

  it('prints an INDETERMINATE section with every undecided result and its reason', () => {
    assert.ok(
      lines.includes('INDETERMINATE  12 check results need a value the input does not give (never counted as passing)'),
      text,
    );
    const at = lines.findIndex((l) => l.startsWith('  PAL-AZR-0101  Microsoft.Storage/storageAccounts stpaybackup'));
    assert.equal(
      lines[at],
      '  PAL-AZR-0101  Microsoft.Storage/storageAccounts stpaybackup  (arm-resources-list.json:3)  Storage account accepts unencrypted HTTP requests',
    );
    assert.match(lines[at + 1] ?? '', /^ {4}the input has no properties for this resource/);
  });

  it('orders the sections: findings, indeterminate, score, compliance; and writes no colour codes', () => {
    const order = ['HIGH  ', 'INDETERMINATE  ', 'SECURE SCORE  ', 'COMPLIANCE  '].map((head) =>
      lines.findIndex((l) => l.startsWith(head)),
    );
    assert.ok(
      order.every((i) => i >= 0),
      JSON.stringify(order),
    );
    assert.deepEqual(
      [...order].sort((a, b) => a - b),
      order,
    );
    assert.equal(text.includes('\u001b'), false);
  });

  it('counts the indeterminate results in the summary line', () => {
    assert.match(lines.at(-2) ?? '', /, 12 indeterminate$/);
  });
});

describe('sarif format with indeterminate findings', () => {
  const log = JSON.parse(format('sarif').render(report, options('fail'))) as Log;
  const results: Result[] = log.runs[0]?.results ?? [];

  it('puts indeterminate findings as results of kind "review" without a level', () => {
    const review = results.filter((r) => r.kind === 'review');
    assert.equal(review.length, 12);
    assert.ok(review.every((r) => r.level === 'none' || r.level === undefined));
    const backup = review.find(
      (r) => r.ruleId === 'PAL-AZR-0101' && r.locations?.[0]?.logicalLocations?.[0]?.name === 'stpaybackup',
    );
    assert.ok(backup);
    assert.equal(backup.locations?.[0]?.physicalLocation?.artifactLocation?.uri, 'arm-resources-list.json');
    assert.equal(backup.locations?.[0]?.physicalLocation?.region?.startLine, 3);
  });

  it('keeps failing findings as results with a level and no kind', () => {
    const failing = results.filter((r) => r.kind === undefined);
    assert.deepEqual(failing.map((r) => [r.ruleId, r.level]).sort(), [
      ['PAL-AZR-0101', 'error'],
      ['PAL-AZR-0102', 'warning'],
      ['PAL-AZR-0103', 'error'],
      ['PAL-AZR-0103', 'error'],
      ['PAL-AZR-0105', 'warning'],
      ['PAL-AZR-0105', 'warning'],
      ['PAL-K8S-0002', 'error'],
    ]);
  });

  it('validates against the SARIF 2.1.0 schema and GitHub code scanning constraints', () => {
    assert.deepEqual(sarifSchemaErrors(log), []);
    assert.deepEqual(githubProblems(log), []);
  });
});
