import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type Finding, type FindingStatus, type Resource, refOf, type ScoreGroup, type SecureScore } from '#core';
import { azureResource, buildInventory, fromExport, loadManifests } from '#inventory';
import { type Check, type CheckOutcome, PASS } from './check.ts';
import { storageHttpsOnly } from './checks/azure/storage/storage-https-only.ts';
import { checkRegistry } from './checks/index.ts';
import { type ClusterLinks, linkClusters } from './clusters.ts';
import { evaluate } from './evaluate.ts';
import { defineAzureCheck } from './lib/azure.ts';
import { scanManifests } from './scan.ts';
import { assessedFrom, secureScore } from './score.ts';
import type { SecurityControlId } from './security-controls.ts';
import { DEFAULT_SETTINGS } from './settings.ts';

const FIXTURES = fileURLToPath(new URL('../../test/fixtures/scoring/', import.meta.url));
const fixture = (name: string): string => `${FIXTURES}${name}`;

const SUB_A = 'c5a1f0d2-7b3e-4c9a-8e21-6f4d2b9a7c10';
const SUB_B = '8e0d4b6a-2c91-4f37-b5a8-1d7e3c9f0a42';
const ARO_ID = `/subscriptions/${SUB_A}/resourceGroups/rg-aro/providers/Microsoft.RedHatOpenShift/openShiftClusters/aro-prod`;
const TRANSIT_CHECKS = ['storage-https-only', 'storage-min-tls-version'];

const transit = (healthy: number, unhealthy: number, current: number) => ({
  id: 'encrypt-data-in-transit',
  title: 'Encrypt data in transit',
  maxPoints: 4,
  healthy,
  unhealthy,
  current,
});

function scoreOf(score: SecureScore | undefined): SecureScore {
  assert.ok(score, 'the report has no score');
  return score;
}

/** id, current, max and percent of each group. */
function totals(groups: readonly ScoreGroup[]): [string, number, number, number][] {
  return groups.map((g) => [g.id, g.current, g.max, g.percent]);
}

describe('secureScore through scanManifests', () => {
  it('gives a control max × healthy ÷ (healthy + unhealthy): 1 of 3 accounts healthy is 1.33 of 4', async () => {
    // stpayhot passes both checks; stpayarchive fails https-only; stpaylegacy fails the TLS check.
    const score = scoreOf(
      (await scanManifests([fixture('az-graph-query-storage.json')], { include: TRANSIT_CHECKS })).score,
    );
    assert.deepEqual(score.total, {
      id: 'total',
      name: 'all resources',
      current: 1.33,
      max: 4,
      percent: 33.3,
      controls: [transit(1, 2, 1.33)],
    });
    assert.deepEqual(score.subscriptions, [{ ...score.total, id: SUB_A, name: SUB_A }]);
    assert.deepEqual(score.clusters, []);
  });

  it('scores each subscription on its own resources, subscriptions sorted by id', async () => {
    const report = await scanManifests(
      [fixture('az-graph-query-storage.json'), fixture('az-storage-account-show.json')],
      { include: TRANSIT_CHECKS },
    );
    const score = scoreOf(report.score);
    assert.deepEqual(score.total.controls, [transit(2, 2, 2)]);
    assert.deepEqual(totals([score.total]), [['total', 2, 4, 50]]);
    assert.deepEqual(totals(score.subscriptions), [
      [SUB_B, 4, 4, 100],
      [SUB_A, 1.33, 4, 33.3],
    ]);
    assert.deepEqual(score.subscriptions[0]?.controls, [transit(1, 0, 4)]);
    assert.equal(score.subscriptions[0]?.name, SUB_B);
  });

  it('does not count a suppressed failure against the resource', async () => {
    const report = await scanManifests([fixture('az-graph-query-storage.json')], {
      include: TRANSIT_CHECKS,
      exemptions: [
        {
          reason: 'archive account, reached only through a private endpoint',
          checks: ['storage-https-only'],
          names: ['stpayarchive'],
        },
      ],
    });
    const archive = report.findings.find((f) => f.resource.name === 'stpayarchive' && f.slug === 'storage-https-only');
    assert.equal(archive?.status, 'fail');
    assert.ok(archive?.suppressed);
    assert.deepEqual(scoreOf(report.score).total.controls, [transit(2, 1, 2.67)]);
    assert.deepEqual(totals([scoreOf(report.score).total]), [['total', 2.67, 4, 66.7]]);
  });

  it('keeps a resource unhealthy while one of its failures in the control is not suppressed', async () => {
    const report = await scanManifests([fixture('az-graph-query-storage.json')], {
      include: TRANSIT_CHECKS,
      exemptions: [{ reason: 'legacy clients', checks: ['storage-https-only'], names: ['stpaylegacy'] }],
    });
    // stpaylegacy has no https-only failure to silence; its TLS failure still counts.
    assert.deepEqual(scoreOf(report.score).total.controls, [transit(1, 2, 1.33)]);
  });

  it('counts an indeterminate finding as unhealthy', async () => {
    // stpaybackup comes from an ARM list response without properties: both checks are indeterminate.
    const report = await scanManifests([fixture('az-graph-query-storage.json'), fixture('arm-resources-list.json')], {
      include: ['storage-https-only'],
    });
    assert.deepEqual(
      report.findings.map((f) => [f.resource.name, f.status]),
      [
        ['stpayhot', 'pass'],
        ['stpayarchive', 'fail'],
        ['stpaylegacy', 'pass'],
        ['stpaybackup', 'indeterminate'],
      ],
    );
    assert.deepEqual(scoreOf(report.score).total.controls, [transit(2, 2, 2)]);
  });

  it('does not assess a resource a check does not apply to', async () => {
    // The ARO-managed accounts are excluded from the anonymous blob access check (not applicable).
    const report = await scanManifests(
      [fixture('az-graph-query-storage.json'), fixture('az-graph-query-aro-storage.json')],
      { include: ['storage-blob-public-access'] },
    );
    assert.equal(report.findings.filter((f) => f.status === 'not-applicable').length, 2);
    assert.deepEqual(scoreOf(report.score).total.controls, [
      {
        id: 'restrict-unauthorized-network-access',
        title: 'Restrict unauthorized network access',
        maxPoints: 4,
        healthy: 1,
        unhealthy: 2,
        current: 1.33,
      },
    ]);
  });

  it('drops controls that assessed no resource from the score and its maximum', async () => {
    const report = await scanManifests([fixture('az-graph-query-aro-storage.json')], {
      include: ['storage-https-only', 'storage-blob-public-access'],
    });
    const score = scoreOf(report.score);
    assert.deepEqual(score.total.controls, [transit(2, 0, 4)]);
    assert.deepEqual(totals([score.total]), [['total', 4, 4, 100]]);
  });

  it('has no score when no check of a control assessed anything', async () => {
    const report = await scanManifests([fixture('az-graph-query-aro-storage.json')], {
      include: ['storage-blob-public-access'],
    });
    assert.equal(report.score, undefined);
    assert.equal(report.clusters, undefined);
  });
});

// ---------- secureScore on hand-built input ----------

const NSG = 'Microsoft.Network/networkSecurityGroups';
const VAULT = 'Microsoft.KeyVault/vaults';

function exported(id: string, type: string): Resource {
  const resource = fromExport({ id, type, properties: {} }, { file: 'export.json', line: 1 }).resource;
  assert.ok(resource);
  return resource;
}

function testCheck(id: string, types: readonly string[], securityControl?: SecurityControlId): Check {
  return defineAzureCheck({
    meta: {
      id,
      slug: `test-${id.toLowerCase()}`,
      title: `Test check ${id}`,
      description: 'A check built for the secure score tests.',
      severity: 'medium',
      maturity: 'stable',
      types,
      ...(securityControl === undefined ? {} : { securityControl }),
      frameworks: [],
      remediation: { summary: 'Fix it.' },
      references: [],
    },
    evaluate: () => PASS,
  });
}

/** Findings with the resources they are about. */
class Findings {
  readonly list: Finding[] = [];
  readonly #resources = new Map<Finding, Resource>();

  add(checkId: string, status: FindingStatus, resource: Resource, suppressed = false): this {
    const finding: Finding = {
      checkId,
      slug: checkId.toLowerCase(),
      status,
      severity: 'medium',
      title: checkId,
      message: `${checkId} on ${resource.name}`,
      resource: refOf(resource),
      violations: [],
      frameworks: [],
      remediation: { summary: 'Fix it.' },
      ...(suppressed ? { suppressed: { source: 'config', reason: 'accepted', origin: 'test: exemptions[0]' } } : {}),
      fingerprint: `${checkId}|${resource.key}`,
    };
    this.list.push(finding);
    this.#resources.set(finding, resource);
    return this;
  }

  resourceOf = (finding: Finding): Resource | undefined => this.#resources.get(finding);
}

const NO_CLUSTERS: ClusterLinks = {
  clusters: [],
  clusterOf: () => undefined,
  aroClusterOf: () => undefined,
  linked: false,
};

describe('secureScore', () => {
  const nsg = (name: string) =>
    exported(
      `/subscriptions/${SUB_A}/resourceGroups/rg-net/providers/Microsoft.Network/networkSecurityGroups/${name}`,
      NSG,
    );
  const nsg1 = nsg('nsg-web');
  const nsg2 = nsg('nsg-db');
  const nsg3 = nsg('nsg-jump');
  const kv = exported(`/subscriptions/${SUB_B}/resourceGroups/rg-kv/providers/Microsoft.KeyVault/vaults/kv-pay`, VAULT);
  const kvTemplate = azureResource(
    {
      type: VAULT,
      name: 'kv-from-template',
      arm: { type: VAULT, name: 'kv-from-template', properties: {} },
      origin: 'template',
    },
    { file: 'main.json', line: 20 },
  );
  const ports = testCheck('PAL-AZR-9901', [NSG], 'secure-management-ports');
  const ports2 = testCheck('PAL-AZR-9902', [NSG], 'secure-management-ports');
  const audit = testCheck('PAL-AZR-9903', [VAULT], 'enable-auditing-and-logging');
  const noControl = testCheck('PAL-AZR-9904', [NSG]);
  const checks = new Map([ports, ports2, audit, noControl].map((c) => [c.meta.id, c]));
  const checkOf = (id: string) => checks.get(id);

  it('sums the controls that assessed resources, per subscription too, rounding current and percent', () => {
    const byControl = new Map<SecurityControlId, ReadonlySet<Resource>>([
      ['secure-management-ports', new Set([nsg1, nsg2, nsg3])],
      ['enable-auditing-and-logging', new Set([kv, kvTemplate])],
    ]);
    const findings = new Findings()
      .add('PAL-AZR-9901', 'pass', nsg1)
      .add('PAL-AZR-9901', 'fail', nsg2)
      .add('PAL-AZR-9901', 'pass', nsg3)
      .add('PAL-AZR-9902', 'fail', nsg3, true) // suppressed: nsg3 stays healthy
      .add('PAL-AZR-9904', 'fail', nsg1) // no control: not scored
      .add('PAL-AZR-9903', 'pass', kv)
      .add('PAL-AZR-9903', 'indeterminate', kvTemplate);
    const score = secureScore(assessedFrom(byControl, findings.resourceOf), findings.list, checkOf, NO_CLUSTERS);
    assert.deepEqual(score.total, {
      id: 'total',
      name: 'all resources',
      current: 5.83,
      max: 9,
      percent: 64.8,
      controls: [
        {
          id: 'secure-management-ports',
          title: 'Secure management ports',
          maxPoints: 8,
          healthy: 2,
          unhealthy: 1,
          current: 5.33,
        },
        {
          id: 'enable-auditing-and-logging',
          title: 'Enable auditing and logging',
          maxPoints: 1,
          healthy: 1,
          unhealthy: 1,
          current: 0.5,
        },
      ],
    });
    assert.deepEqual(
      score.subscriptions.map((g) => [g.id, g.current, g.max, g.percent]),
      [
        [SUB_B, 1, 1, 100],
        [SUB_A, 5.33, 8, 66.7],
        ['unknown', 0, 1, 0],
      ],
    );
    assert.equal(score.subscriptions[0]?.name, SUB_B);
    assert.match(score.subscriptions[2]?.name ?? '', /^resources without a known subscription/);
    assert.deepEqual(
      score.subscriptions[2]?.controls.map((c) => [c.id, c.healthy, c.unhealthy]),
      [['enable-auditing-and-logging', 0, 1]],
    );
    assert.deepEqual(score.clusters, []);
  });

  it('counts error findings against the resource, and ignores pass and not-applicable ones', () => {
    const byControl = new Map<SecurityControlId, ReadonlySet<Resource>>([
      ['secure-management-ports', new Set([nsg1, nsg2])],
    ]);
    const findings = new Findings()
      .add('PAL-AZR-9901', 'error', nsg1)
      .add('PAL-AZR-9901', 'not-applicable', nsg2)
      .add('PAL-AZR-9902', 'pass', nsg2);
    const score = secureScore(assessedFrom(byControl, findings.resourceOf), findings.list, checkOf, NO_CLUSTERS);
    assert.deepEqual(
      score.total.controls.map((c) => [c.id, c.healthy, c.unhealthy, c.current]),
      [['secure-management-ports', 1, 1, 4]],
    );
  });

  it('is zero of zero points when nothing was assessed', () => {
    const score = secureScore(
      assessedFrom(new Map(), () => undefined),
      [],
      checkOf,
      NO_CLUSTERS,
    );
    assert.deepEqual(score, {
      total: { id: 'total', name: 'all resources', current: 0, max: 0, percent: 0, controls: [] },
      subscriptions: [],
      clusters: [],
    });
  });
});

describe('secureScore per cluster', () => {
  const encryptionAtRest: Check = {
    meta: {
      id: 'PAL-OCP-9901',
      slug: 'test-etcd-encryption',
      title: 'Test: etcd is not encrypted',
      description: 'A check built for the secure score tests.',
      severity: 'high',
      maturity: 'stable',
      targets: [{ kind: 'APIServer', apiGroup: 'config.openshift.io' }],
      frameworks: [],
      remediation: { summary: 'Encrypt etcd.' },
      references: [],
      scope: 'object',
      admission: false,
      securityControl: 'enable-encryption-at-rest',
    },
    evaluate(resource): CheckOutcome {
      const spec = (resource.object as { spec?: { encryption?: { type?: string } } }).spec;
      const type = spec?.encryption?.type;
      return type === 'aescbc' || type === 'aesgcm'
        ? PASS
        : { status: 'fail', violations: [{ path: 'spec.encryption.type', message: `etcd encryption is ${type}` }] };
    },
  };
  const checks = new Map([encryptionAtRest, storageHttpsOnly].map((c) => [c.meta.id, c]));

  async function scoreFor(apiserver: string): Promise<{ score: SecureScore; findings: readonly Finding[] }> {
    const loaded = await loadManifests([
      fixture('az-aro-show.json'),
      fixture('infrastructure.yaml'),
      fixture(apiserver),
      fixture('az-graph-query-storage.json'),
    ]);
    assert.deepEqual(loaded.diagnostics, []);
    const links = linkClusters(loaded.resources);
    const evaluated = evaluate(
      buildInventory(loaded.resources),
      [encryptionAtRest, storageHttpsOnly],
      DEFAULT_SETTINGS,
      {
        clusterOf: links.clusterOf,
      },
    );
    const score = secureScore(evaluated.assessed, evaluated.findings, (id) => checks.get(id), links);
    return { score, findings: evaluated.findings };
  }

  it('scores the cluster objects linked to an ARO resource as that cluster', async () => {
    const { score, findings } = await scoreFor('apiserver-identity.yaml');
    assert.deepEqual(score.clusters, [
      {
        id: ARO_ID,
        name: 'aro-prod',
        current: 0,
        max: 4,
        percent: 0,
        controls: [
          {
            id: 'enable-encryption-at-rest',
            title: 'Enable encryption at rest',
            maxPoints: 4,
            healthy: 0,
            unhealthy: 1,
            current: 0,
          },
        ],
      },
    ]);
    // The total holds both controls, in the order of the security controls.
    assert.deepEqual(
      score.total.controls.map((c) => [c.id, c.healthy, c.unhealthy, c.current]),
      [
        ['enable-encryption-at-rest', 0, 1, 0],
        ['encrypt-data-in-transit', 2, 1, 2.67],
      ],
    );
    assert.deepEqual(totals([score.total]), [['total', 2.67, 8, 33.3]]);
    // Only Azure resources belong to subscriptions; the ARO resource itself was not assessed.
    assert.deepEqual(totals(score.subscriptions), [[SUB_A, 2.67, 4, 66.7]]);
    assert.equal(findings.find((f) => f.resource.kind === 'APIServer')?.resource.cluster, ARO_ID);
  });

  it('gives a healthy cluster its full points', async () => {
    const { score } = await scoreFor('apiserver-aescbc.yaml');
    assert.deepEqual(totals(score.clusters), [[ARO_ID, 4, 4, 100]]);
  });

  it('leaves out clusters none of whose resources was assessed', async () => {
    const loaded = await loadManifests([
      fixture('az-aro-show.json'),
      fixture('infrastructure.yaml'),
      fixture('az-graph-query-storage.json'),
    ]);
    const links = linkClusters(loaded.resources);
    assert.equal(links.clusters.length, 1);
    const evaluated = evaluate(buildInventory(loaded.resources), [storageHttpsOnly], DEFAULT_SETTINGS, {
      clusterOf: links.clusterOf,
    });
    const score = secureScore(evaluated.assessed, evaluated.findings, (id) => checkRegistry.get(id), links);
    assert.deepEqual(score.clusters, []);
    assert.deepEqual(totals([score.total]), [['total', 2.67, 4, 66.7]]);
  });
});

describe('secureScore with checks that throw', () => {
  it('counts a resource whose check threw as assessed and unhealthy', async () => {
    const flaky = defineAzureCheck({
      meta: {
        id: 'PAL-AZR-9905',
        slug: 'test-flaky',
        title: 'Test: a check that throws on one account',
        description: 'A check built for the secure score tests.',
        severity: 'medium',
        maturity: 'stable',
        types: ['Microsoft.Storage/storageAccounts'],
        securityControl: 'encrypt-data-in-transit',
        frameworks: [],
        remediation: { summary: 'Fix it.' },
        references: [],
      },
      evaluate(resource) {
        if (resource.name === 'stpaylegacy') {
          throw new Error('cannot read minimumTlsVersion');
        }
        return PASS;
      },
    });
    const loaded = await loadManifests([fixture('az-graph-query-storage.json')]);
    const evaluated = evaluate(buildInventory(loaded.resources), [flaky], DEFAULT_SETTINGS);
    assert.deepEqual(
      evaluated.findings.map((f) => [f.resource.name, f.status]),
      [
        ['stpayhot', 'pass'],
        ['stpayarchive', 'pass'],
        ['stpaylegacy', 'error'],
      ],
    );
    const score = secureScore(evaluated.assessed, evaluated.findings, () => flaky, NO_CLUSTERS);
    assert.deepEqual(score.total.controls, [transit(2, 1, 2.67)]);
  });
});
