import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { AdmissionConfig } from '#core';
import { toResource } from '#inventory';
import { reportSchemaErrors } from '#test/helpers/validators.ts';
import {
  createImageGate,
  type ImageGateOptions,
  type ImageScanIndex,
  type ImageScanResult,
  indexImageScanResults,
  loadImageGate,
  loadImageScanResults,
  parseImageScanReport,
} from './image-gate.ts';
import { wrapAsCreate } from './review.ts';

const FIXTURES = fileURLToPath(new URL('../../test/fixtures/admission/image-results/', import.meta.url));
const A = `sha256:${'a'.repeat(64)}`;
const B = `sha256:${'b'.repeat(64)}`;
const C = `sha256:${'c'.repeat(64)}`;
const D = `sha256:${'d'.repeat(64)}`;
const NOW = () => new Date('2026-03-15T12:00:00Z');

function deployment(containers: Record<string, unknown>, namespace = 'shop'): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: containers },
    },
  };
}

function request(object: Record<string, unknown>) {
  return wrapAsCreate(object).request;
}

let dir = '';
let index: ImageScanIndex;

before(async () => {
  // A copy, so the modification times (the reports' timestamps) are the test's to set.
  dir = mkdtempSync(join(tmpdir(), 'palisade-image-gate-'));
  cpSync(FIXTURES, dir, { recursive: true });
  utimesSync(join(dir, 'web-1.0-previous.json'), new Date('2026-01-01'), new Date('2026-01-01'));
  utimesSync(join(dir, 'web-1.0.json'), new Date('2026-03-01'), new Date('2026-03-01'));
  index = indexImageScanResults((await loadImageScanResults(dir)).results);
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('image scan results', () => {
  it('the hand-written palisade reports follow the JSON report contract', () => {
    for (const file of ['web-1.0.json', 'web-1.0-previous.json', 'nested/worker.json', 'legacy.json']) {
      const errors = reportSchemaErrors(JSON.parse(readFileSync(join(FIXTURES, file), 'utf8')));
      assert.deepEqual(errors, [], file);
    }
  });

  it('loads every report of a directory tree and reports bad or foreign files by name, keeping the rest', async () => {
    const loaded = await loadImageScanResults(dir);
    assert.deepEqual(loaded.results.map((r) => r.file).sort(), [
      'legacy.json',
      'nested/worker.json',
      'web-1.0-previous.json',
      'web-1.0.json',
    ]);
    const problems = Object.fromEntries(loaded.problems.map((p) => [p.file, p.message]));
    assert.deepEqual(Object.keys(problems).sort(), [
      'other-tool.json',
      'posture-scan.json',
      'trivy-output.json',
      'truncated.json',
    ]);
    assert.match(problems['other-tool.json'] ?? '', /written by "othertool", not by palisade/);
    assert.match(problems['posture-scan.json'] ?? '', /posture scan report, not an image report/);
    assert.match(problems['trivy-output.json'] ?? '', /not a `palisade image --format json` report: schemaVersion/);
    assert.match(problems['truncated.json'] ?? '', /^not valid JSON/);
    const web = loaded.results.find((r) => r.file === 'web-1.0.json');
    assert.equal(web?.reference, 'myacr.azurecr.io/shop/web:1.0');
    assert.deepEqual(web?.digests, [A]);
    // indeterminate and suppressed entries are not kept
    assert.deepEqual(
      web?.vulnerabilities.map((v) => v.id),
      ['CVE-2024-1111', 'DSA-5999-1', 'CVE-2024-3333', 'CVE-2024-4444'],
    );
    assert.equal(web?.timestamp.toISOString(), '2026-03-01T00:00:00.000Z');
    assert.equal(index.size, 4);
  });

  it('skips files over the size limit', async () => {
    const loaded = await loadImageScanResults(dir, { maxFileSize: 400 });
    assert.equal(loaded.results.length, 0);
    assert.match(loaded.problems.find((p) => p.file === 'legacy.json')?.message ?? '', /larger than the limit of 400/);
  });

  it('matches by digest first, else by registry/repository:tag, the newest report winning', () => {
    const find = (image: string) => {
      const gate = createImageGate({ vulnerabilities: { results: index, unscanned: 'allow' } });
      const result = gate.check(request(deployment({ containers: [{ name: 'c', image }] })));
      return result.images[0]?.scan;
    };
    assert.deepEqual(find('myacr.azurecr.io/shop/web:1.0'), { file: 'web-1.0.json', by: 'reference' });
    assert.deepEqual(find(`myacr.azurecr.io/shop/web:1.0@${D}`), { file: 'web-1.0-previous.json', by: 'digest' });
    // the worker was scanned from an archive: only its digest names it, under any repository
    assert.deepEqual(find(`myacr.azurecr.io/shop/worker@${B}`), { file: 'nested/worker.json', by: 'digest' });
    assert.equal(find('myacr.azurecr.io/shop/worker:1.0'), undefined);
    // pinned to a digest no report has: a report of the same tag with another digest is another image
    assert.equal(find(`myacr.azurecr.io/shop/web:1.0@sha256:${'f'.repeat(64)}`), undefined);
    // pinned by digest only: no fallback to a tag
    assert.equal(find(`myacr.azurecr.io/shop/web@sha256:${'e'.repeat(64)}`), undefined);
  });

  it('when two reports tie on time, the later file name wins; older reports lose whatever their order', () => {
    const text = readFileSync(join(FIXTURES, 'web-1.0.json'), 'utf8');
    const old = readFileSync(join(FIXTURES, 'web-1.0-previous.json'), 'utf8');
    const parse = (t: string, file: string, date: string): ImageScanResult => {
      const parsed = parseImageScanReport(t, file, new Date(date));
      assert.ok('result' in parsed);
      return parsed.result;
    };
    const newest = parse(text, 'z.json', '2026-02-01');
    const stale = parse(old, 'a.json', '2026-01-01');
    for (const order of [
      [newest, stale],
      [stale, newest],
    ]) {
      const ref = { registry: 'myacr.azurecr.io', repository: 'shop/web', tag: '1.0', normalized: 'x' };
      assert.equal(indexImageScanResults(order).find(ref)?.result.file, 'z.json');
    }
    const tie = indexImageScanResults([parse(text, 'b.json', '2026-01-01'), parse(old, 'a.json', '2026-01-01')]);
    assert.equal(
      tie.find({ registry: 'myacr.azurecr.io', repository: 'shop/web', tag: '1.0', normalized: 'x' })?.result.file,
      'b.json',
    );
  });
});

describe('image gate rules', () => {
  const workload = deployment({
    initContainers: [{ name: 'setup', image: 'busybox:1.36' }],
    containers: [
      { name: 'web', image: 'myacr.azurecr.io/shop/web:1.0' },
      { name: 'proxy', image: `registry.redhat.io/ubi9/nginx-124@${B}` },
    ],
  });

  it('registries: denies images outside the allow-list, naming the container and the normalised registry', () => {
    const gate = createImageGate({ registries: { allow: ['myacr.azurecr.io/*', 'registry.redhat.io'] } });
    const result = gate.check(request(workload));
    assert.deepEqual(result.denials, [
      'init container "setup" image "busybox:1.36": docker.io/library/busybox is not from an allowed registry (allowed: myacr.azurecr.io/*, registry.redhat.io)',
    ]);
    assert.deepEqual(result.warnings, []);
    assert.equal(result.images.length, 3);
    assert.equal(result.images[0]?.path, 'spec.template.spec.initContainers[0].image');
    assert.equal(result.annotations['image-gate-denied'], result.denials[0]);
    for (const key of Object.keys(result.annotations)) {
      assert.ok(!key.includes('/'), key);
    }
  });

  it('registries: globs on registry/repository, and warn instead of deny', () => {
    const gate = createImageGate({
      registries: { allow: ['docker.io/library/*', 'myacr.azurecr.io/shop/*'], action: 'warn' },
    });
    const result = gate.check(request(workload));
    assert.deepEqual(result.denials, []);
    assert.equal(result.warnings.length, 1);
    assert.match(
      result.warnings[0] ?? '',
      /^container "proxy" image ".*": registry\.redhat\.io\/ubi9\/nginx-124 is not from/,
    );
    assert.ok(result.annotations['image-gate-warned']);
  });

  it('digests: images without a digest', () => {
    const gate = createImageGate({ digests: { action: 'deny' } });
    const result = gate.check(request(workload));
    assert.deepEqual(
      result.denials.map((d) => d.split(':')[0]),
      ['init container "setup" image "busybox', 'container "web" image "myacr.azurecr.io/shop/web'],
    );
    assert.match(result.denials[1] ?? '', /is not pinned by digest/);
  });

  it('vulnerabilities: denies at or above the severity, CVE ids first by severity, leaving out lower, indeterminate and suppressed ones', () => {
    const gate = createImageGate({ vulnerabilities: { results: index, severity: 'high', unscanned: 'allow' } });
    const result = gate.check(request(workload));
    assert.deepEqual(result.denials, [
      'container "web" image "myacr.azurecr.io/shop/web:1.0": 3 vulnerabilities at or above high in its latest scan (web-1.0.json, matched by reference): CVE-2024-1111 (critical), CVE-2024-2222 (high), CVE-2024-3333 (high)',
    ]);
    const critical = createImageGate({ vulnerabilities: { results: index, severity: 'critical', action: 'warn' } });
    const warned = critical.check(request(workload));
    assert.deepEqual(warned.denials, []);
    assert.match(warned.warnings.join('\n'), /1 vulnerability at or above critical .*: CVE-2024-1111 \(critical\)$/m);
    // medium includes CVE-2024-4444
    const medium = createImageGate({ vulnerabilities: { results: index, severity: 'medium' } }).check(
      request(workload),
    );
    assert.match(medium.denials[0] ?? '', /4 vulnerabilities at or above medium.*CVE-2024-4444 \(medium\)/);
  });

  it('vulnerabilities: ignoreUnfixed leaves out those without a fixed version', () => {
    const gate = createImageGate({ vulnerabilities: { results: index, ignoreUnfixed: true, unscanned: 'allow' } });
    const result = gate.check(request(workload));
    assert.match(result.denials[0] ?? '', /2 vulnerabilities .*: CVE-2024-1111 \(critical\), CVE-2024-2222 \(high\)$/);
  });

  it('vulnerabilities: caps the ids shown and counts the rest', () => {
    const gate = createImageGate({ vulnerabilities: { results: index } });
    const result = gate.check(
      request(deployment({ containers: [{ name: 'old', image: `registry.redhat.io/ubi8/legacy@${C}` }] })),
    );
    assert.match(
      result.denials[0] ?? '',
      /7 vulnerabilities at or above high in its latest scan \(legacy\.json, matched by digest\): CVE-2022-1000 \(high\), CVE-2022-1001 \(high\), CVE-2022-1002 \(high\), CVE-2022-1003 \(high\), CVE-2022-1004 \(high\), and 2 more$/,
    );
  });

  it('vulnerabilities: an image without a scan result is allowed, warned about or denied, as configured', () => {
    const object = request(deployment({ containers: [{ name: 'new', image: 'myacr.azurecr.io/shop/new:2' }] }));
    const outcome = (unscanned: 'allow' | 'warn' | 'deny') =>
      createImageGate({ vulnerabilities: { results: index, unscanned } }).check(object);
    const allowed = outcome('allow');
    assert.deepEqual([allowed.denials, allowed.warnings], [[], []]);
    assert.equal(allowed.annotations['image-gate-unscanned'], 'container "new" image "myacr.azurecr.io/shop/new:2"');
    assert.match(outcome('warn').warnings[0] ?? '', /container "new" image ".*": has no Palisade scan result/);
    assert.match(outcome('deny').denials[0] ?? '', /has no Palisade scan result/);
    // the default is warn
    assert.equal(createImageGate({ vulnerabilities: { results: () => index } }).check(object).warnings.length, 1);
  });

  it('an invalid reference is refused by the strictest rule; a blank image (DeploymentConfig trigger) is skipped', () => {
    const gate = createImageGate({ registries: { allow: ['*'], action: 'warn' }, digests: { action: 'deny' } });
    const result = gate.check(
      request(
        deployment({
          containers: [
            { name: 'bad', image: 'Not A Ref' },
            { name: 'blank', image: ' ' },
          ],
        }),
      ),
    );
    assert.deepEqual(result.denials, [
      'container "bad" image "Not A Ref": not a valid image reference: repository "Not A Ref" is not valid (lower-case letters, digits and single separators ".", "_", "__", "-")',
    ]);
    assert.equal(result.images.length, 1);
  });
});

describe('image gate exemptions', () => {
  const web = (namespace: string) =>
    request(deployment({ containers: [{ name: 'web', image: 'myacr.azurecr.io/shop/web:1.0' }] }, namespace));
  const base: ImageGateOptions = { now: NOW };

  it('by CVE id or alias: those stop counting, the rest still deny', () => {
    const gate = createImageGate({
      ...base,
      vulnerabilities: { results: index },
      exemptions: [{ reason: 'patched in the app layer', cves: ['CVE-2024-1111', 'CVE-2024-2222'] }],
    });
    const result = gate.check(web('shop'));
    assert.match(result.denials[0] ?? '', /1 vulnerability at or above high .*: CVE-2024-3333 \(high\)$/);
    assert.equal(
      result.annotations['image-gate-exempted'],
      'container "web" image "myacr.azurecr.io/shop/web:1.0": CVE-2024-1111 by exemptions[0] (patched in the app layer); container "web" image "myacr.azurecr.io/shop/web:1.0": CVE-2024-2222 by exemptions[0] (patched in the app layer)',
    );
  });

  it('by namespace and image glob, for the rules named', () => {
    const gate = createImageGate({
      ...base,
      registries: { allow: ['registry.redhat.io'] },
      vulnerabilities: { results: index },
      exemptions: [
        {
          reason: 'migration to the new registry',
          images: ['myacr.azurecr.io/shop/*'],
          namespaces: ['shop-*'],
          rules: ['registries'],
        },
      ],
    });
    const inScope = gate.check(web('shop-prod'));
    assert.equal(inScope.denials.length, 1);
    assert.match(inScope.denials[0] ?? '', /vulnerabilities at or above high/);
    assert.match(inScope.annotations['image-gate-exempted'] ?? '', /registries by exemptions\[0\]/);
    const outOfScope = gate.check(web('payments'));
    assert.equal(outOfScope.denials.length, 2);
  });

  it('an exemption without rules lifts every rule, unscanned included', () => {
    const gate = createImageGate({
      ...base,
      digests: {},
      vulnerabilities: { results: index, unscanned: 'deny' },
      exemptions: [{ reason: 'sandbox', namespaces: ['sandbox'] }],
    });
    const result = gate.check(
      request(deployment({ containers: [{ name: 'x', image: 'myacr.azurecr.io/shop/new:2' }] }, 'sandbox')),
    );
    assert.deepEqual([result.denials, result.warnings], [[], []]);
  });

  it('applies through its last day and not after; an expired exemption is reported and does not apply', () => {
    const exemptions = [
      {
        reason: 'vendor fix pending',
        cves: ['CVE-2024-1111', 'CVE-2024-2222', 'CVE-2024-3333'],
        expires: '2026-03-15',
      },
    ];
    const onLastDay = createImageGate({ now: NOW, vulnerabilities: { results: index }, exemptions }).check(web('shop'));
    assert.deepEqual(onLastDay.denials, []);
    const dayAfter = createImageGate({
      now: () => new Date('2026-03-16T00:00:01Z'),
      vulnerabilities: { results: index },
      exemptions,
    }).check(web('shop'));
    assert.match(dayAfter.denials[0] ?? '', /3 vulnerabilities/);
    assert.ok(
      dayAfter.warnings.includes(
        'exemptions[0] (vendor fix pending) expired on 2026-03-15 and no longer applies to CVE-2024-1111 in container "web" image "myacr.azurecr.io/shop/web:1.0"',
      ),
    );
    assert.match(dayAfter.annotations['image-gate-expired-exemptions'] ?? '', /expired on 2026-03-15/);
    // an expired rule exemption too
    const rule = createImageGate({
      now: NOW,
      digests: {},
      exemptions: [{ reason: 'old', images: ['myacr.azurecr.io/*'], expires: '2025-12-31', rules: ['digests'] }],
    }).check(web('shop'));
    assert.match(rule.denials[0] ?? '', /not pinned by digest/);
    assert.deepEqual(rule.warnings, [
      'exemptions[0] (old) expired on 2025-12-31 and no longer applies to container "web" image "myacr.azurecr.io/shop/web:1.0" (digests)',
    ]);
  });
});

describe('image gate inputs', () => {
  const gate = createImageGate({ registries: { allow: ['myacr.azurecr.io/*'] } });

  it('judges CronJobs, Pods with ephemeral containers, Resources and plain objects', () => {
    const cronJob = {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'nightly', namespace: 'ops' },
      spec: {
        schedule: '0 1 * * *',
        jobTemplate: {
          spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'job', image: 'alpine:3' }] } } },
        },
      },
    };
    const cron = gate.check(request(cronJob));
    assert.equal(cron.images[0]?.path, 'spec.jobTemplate.spec.template.spec.containers[0].image');
    assert.equal(cron.denials.length, 1);
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'ops' },
      spec: {
        containers: [{ name: 'app', image: 'myacr.azurecr.io/app:1' }],
        ephemeralContainers: [{ name: 'debugger', image: 'nicolaka/netshoot' }],
      },
    };
    const update = {
      ...request(pod),
      operation: 'UPDATE',
      subResource: 'ephemeralcontainers',
      oldObject: { ...pod, spec: { containers: pod.spec.containers } },
    };
    assert.deepEqual(gate.check(update).denials, [
      'ephemeral container "debugger" image "nicolaka/netshoot": docker.io/nicolaka/netshoot is not from an allowed registry (allowed: myacr.azurecr.io/*)',
    ]);
    const resource = toResource(cronJob, { file: 'x.yaml' }).resource;
    assert.ok(resource);
    assert.equal(gate.check(resource).denials.length, 1);
    assert.equal(gate.check(cronJob).denials.length, 1);
  });

  it('on UPDATE judges only images the old object did not run', () => {
    const old = deployment({ containers: [{ name: 'web', image: 'docker.io/library/nginx:1.25' }] });
    const unchanged = {
      ...request({ ...old, metadata: { name: 'web', namespace: 'shop', labels: { a: 'b' } } }),
      operation: 'UPDATE',
      oldObject: old,
    };
    const result = gate.check(unchanged);
    assert.deepEqual([result.denials, result.images.length], [[], 0]);
    const bumped = {
      ...request(deployment({ containers: [{ name: 'web', image: 'docker.io/library/nginx:1.26' }] })),
      operation: 'UPDATE',
      oldObject: old,
    };
    assert.equal(gate.check(bumped).denials.length, 1);
  });

  it('skips what is not a workload create or update, and malformed requests', () => {
    const del = { ...request(deployment({ containers: [{ name: 'c', image: 'x' }] })), operation: 'DELETE' };
    assert.equal(gate.check(del).skipped, 'operation DELETE');
    const configMap = request({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } });
    assert.equal(gate.check(configMap).skipped, 'kind ConfigMap is not a workload');
    assert.equal(gate.check({ uid: 'u', operation: 'CREATE' }).skipped, 'not an AdmissionReview request');
    const scale = { ...request(deployment({ containers: [] })), subResource: 'scale' };
    assert.equal(gate.check(scale).skipped, 'subresource deployments/scale');
  });
});

describe('image gate from config', () => {
  it('builds the gate from admission.imageGate, loading the results directory relative to baseDir', async () => {
    const config = AdmissionConfig.parse({
      imageGate: {
        registries: { allow: ['myacr.azurecr.io/*'] },
        vulnerabilities: { results: 'reports', severity: 'critical', unscanned: 'deny' },
        exemptions: [{ reason: 'r', cves: ['CVE-2024-1111'], expires: '2030-01-01' }],
      },
    });
    assert.ok(config.imageGate);
    assert.equal(config.imageGate.vulnerabilities?.action, 'deny');
    const parent = mkdtempSync(join(tmpdir(), 'palisade-image-gate-config-'));
    try {
      cpSync(FIXTURES, join(parent, 'reports'), { recursive: true });
      // The copy's modification times follow the copy order: set which scan is the latest.
      utimesSync(join(parent, 'reports', 'web-1.0-previous.json'), new Date('2026-01-01'), new Date('2026-01-01'));
      utimesSync(join(parent, 'reports', 'web-1.0.json'), new Date('2026-03-01'), new Date('2026-03-01'));
      const { gate, problems, reports } = await loadImageGate(config.imageGate, { baseDir: parent, now: NOW });
      assert.equal(reports, 4);
      assert.equal(problems.length, 4);
      const result = gate.check(
        request(deployment({ containers: [{ name: 'web', image: 'myacr.azurecr.io/shop/web:1.0' }] })),
      );
      assert.deepEqual([result.denials, result.warnings], [[], []]); // the one critical is exempt
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });

  it('refuses an exemption that names nothing, and unknown keys', () => {
    assert.throws(
      () => AdmissionConfig.parse({ imageGate: { exemptions: [{ reason: 'all' }] } }),
      /name cves, images or namespaces/,
    );
    assert.throws(() => AdmissionConfig.parse({ imageGate: { digests: { require: true } } }), /require/);
  });
});
