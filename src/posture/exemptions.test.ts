import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AnnotationPolicy, Exemption, Finding } from '#core';
import { loadText } from '#test/helpers/fixtures.ts';
import { defineCheck, outcome } from './check.ts';
import { evaluate } from './evaluate.ts';
import { applyExemptions } from './exemptions.ts';
import { containersOf, type Workload } from './lib/pod.ts';
import { DEFAULT_SETTINGS } from './settings.ts';

/** A test check: fails on every container whose image has no tag. */
const untagged = defineCheck<Workload>({
  meta: {
    id: 'PAL-K8S-9999',
    slug: 'test-untagged',
    title: 'Image has no tag',
    description: 'Test check.',
    severity: 'medium',
    maturity: 'stable',
    targets: [{ class: 'workload' }],
    frameworks: [],
    remediation: { summary: 'Tag the image.' },
    references: [],
    scope: 'object',
    admission: true,
  },
  evaluate(workload) {
    return outcome(
      containersOf(workload.pod)
        .filter(({ container }) => !container.image?.includes(':'))
        .map(({ container, path }) => ({
          path: `${path}.image`,
          message: `container "${container.name}" image has no tag`,
          container: container.name,
        })),
    );
  },
});

const MANIFESTS = `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  labels: { team: shop }
spec:
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
        - { name: app, image: nginx }
        - { name: istio-proxy, image: proxyv2 }
---
apiVersion: v1
kind: Pod
metadata:
  name: sidecar-only
  namespace: shop
  annotations:
    palisade.io/ignore: "test-untagged/istio-proxy"
    palisade.io/ignore-reason: "mesh sidecar pinned by the mesh operator"
spec:
  containers:
    - { name: istio-proxy, image: proxyv2 }
---
apiVersion: v1
kind: Pod
metadata:
  name: annotated
  namespace: prod-a
  annotations:
    palisade.io/ignore: "PAL-K8S-9999"
    palisade.io/ignore-reason: "legacy"
    palisade.io/ignore-until: "2026-12-31"
spec:
  containers:
    - { name: app, image: legacy }
---
apiVersion: v1
kind: Pod
metadata:
  name: no-reason
  namespace: shop
  annotations:
    palisade.io/ignore: "PAL-K8S-9999"
spec:
  containers:
    - { name: app, image: legacy }
`;

const NOW = new Date('2026-11-23T12:00:00Z');
const OPEN: AnnotationPolicy = { enabled: true, forbid: { checks: [], namespaces: [] } };

function run(exemptions: Exemption[], annotations: AnnotationPolicy = OPEN, now = NOW) {
  const fixture = loadText(MANIFESTS);
  const { findings } = evaluate(fixture.inventory, [untagged], DEFAULT_SETTINGS);
  const byKey = new Map(fixture.resources.map((r) => [r.key, r]));
  const result = applyExemptions(findings, (f) => byKey.get(f.fingerprint.slice(f.fingerprint.indexOf('|') + 1)), {
    exemptions,
    annotations,
    now,
    configFile: 'palisade.yaml',
    resolveCheck: (key) => ([untagged.meta.id, untagged.meta.slug].includes(key) ? untagged : undefined),
  });
  const byName = (name: string): Finding => {
    const finding = result.findings.find((f) => f.resource.name === name);
    assert.ok(finding, name);
    return finding;
  };
  return { ...result, byName };
}

describe('exemptions', () => {
  it('without exemptions every failing finding stands, and annotations without a reason are refused', () => {
    const { byName, diagnostics } = run([]);
    assert.equal(byName('web').suppressed, undefined);
    assert.equal(byName('no-reason').suppressed, undefined);
    assert.deepEqual(
      diagnostics.map((d) => d.code),
      ['exemption.no-reason'],
    );
  });

  it('config exemption by namespace, kind and labels silences the finding with why and until when', () => {
    const { byName } = run([
      {
        reason: 'accepted risk',
        checks: ['test-untagged'],
        namespaces: ['sh*'],
        kinds: ['Deployment'],
        labels: { team: 'shop' },
        expires: '2027-01-01',
      },
    ]);
    const web = byName('web');
    assert.equal(web.status, 'fail');
    assert.deepEqual(web.suppressed, {
      source: 'config',
      reason: 'accepted risk',
      origin: 'palisade.yaml: exemptions[0]',
      expires: '2027-01-01',
    });
  });

  it('a config exemption that does not match leaves the finding', () => {
    const { byName } = run([{ reason: 'x', checks: ['*'], labels: { team: 'other' } }]);
    assert.equal(byName('web').suppressed, undefined);
  });

  it('container exemptions remove only that container’s violations', () => {
    const { byName } = run([{ reason: 'sidecar', checks: ['PAL-K8S-9999'], containers: ['istio-proxy'] }]);
    const web = byName('web');
    assert.equal(web.suppressed, undefined);
    assert.deepEqual(
      web.violations.map((v) => v.container),
      ['app'],
    );
    assert.deepEqual(
      web.exemptedViolations?.map((v) => [v.container, v.suppressed.reason]),
      [['istio-proxy', 'sidecar']],
    );
  });

  it('annotation exemption of a single container silences a finding when that is the only offender', () => {
    const { byName } = run([]);
    const pod = byName('sidecar-only');
    assert.equal(pod.suppressed?.source, 'annotation');
    assert.deepEqual(pod.suppressed?.containers, ['istio-proxy']);
    assert.equal(pod.suppressed?.origin, 'metadata.annotations["palisade.io/ignore"]');
  });

  it('annotation exemption with an expiry applies until that day inclusive', () => {
    assert.equal(run([], OPEN, new Date('2026-12-31T23:00:00Z')).byName('annotated').suppressed?.expires, '2026-12-31');
    const after = run([], OPEN, new Date('2027-01-01T00:00:00Z'));
    assert.equal(after.byName('annotated').suppressed, undefined);
    assert.ok(after.diagnostics.some((d) => d.code === 'exemption.expired'));
  });

  it('expired config exemptions are reported and not applied', () => {
    const { byName, diagnostics } = run([{ reason: 'old', checks: ['*'], expires: '2026-11-22' }]);
    assert.equal(byName('web').suppressed, undefined);
    assert.ok(diagnostics.some((d) => d.code === 'exemption.expired' && d.location.path === 'exemptions[0].expires'));
  });

  it('the config can forbid annotation exemptions by check or namespace', () => {
    const byCheck = run([], { enabled: true, forbid: { checks: ['test-untagged'], namespaces: [] } });
    assert.equal(byCheck.byName('annotated').suppressed, undefined);
    assert.ok(byCheck.diagnostics.some((d) => d.code === 'exemption.forbidden'));
    const byNamespace = run([], { enabled: true, forbid: { checks: [], namespaces: ['prod-*'] } });
    assert.equal(byNamespace.byName('annotated').suppressed, undefined);
    assert.equal(byNamespace.byName('sidecar-only').suppressed?.source, 'annotation');
  });

  it('annotation exemptions can be disabled entirely', () => {
    const { byName, diagnostics } = run([], { enabled: false, forbid: { checks: [], namespaces: [] } });
    assert.equal(byName('annotated').suppressed, undefined);
    assert.ok(diagnostics.some((d) => d.code === 'exemption.annotations-disabled'));
  });

  it('config exemptions beat nothing: a config exemption still applies where annotations are forbidden', () => {
    const { byName } = run([{ reason: 'platform decision', checks: ['*'], names: ['annotated'] }], {
      enabled: true,
      forbid: { checks: ['*'], namespaces: ['*'] },
    });
    assert.equal(byName('annotated').suppressed?.source, 'config');
  });
});
