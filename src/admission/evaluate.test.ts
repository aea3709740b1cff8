import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Config } from '#core';
import { type AdmissionContext, admit, createAdmission } from './evaluate.ts';
import { type AdmissionRequest, reviewResponse, wrapAsCreate } from './review.ts';

const FIX = fileURLToPath(new URL('../../test/fixtures/admission/reviews/', import.meta.url));
const request = (name: string): AdmissionRequest =>
  (JSON.parse(readFileSync(`${FIX}${name}`, 'utf8')) as { request: AdmissionRequest }).request;
const labelled = (labels: Record<string, string>, extra: Partial<AdmissionContext> = {}): AdmissionContext => ({
  namespaceLabels: new Map([['shop', labels]]),
  now: () => new Date('2026-06-01T00:00:00Z'),
  ...extra,
});
const ENFORCE_BASELINE = { 'palisade.io/enforce': 'baseline' };
const ENFORCE_RESTRICTED = { 'palisade.io/enforce': 'restricted' };

function privilegedPod(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'tool', namespace: 'shop', ...extra },
    spec: {
      containers: [
        { name: 'tool', image: 'registry.example.com/tools/tool:1.0', securityContext: { privileged: true } },
      ],
    },
  };
}

describe('admit: enforce', () => {
  it('denies a Deployment on its pod template, PSA-style, naming check ids, fields and containers', () => {
    const outcome = admit(request('create-deployment.json'), labelled(ENFORCE_BASELINE));
    assert.equal(outcome.allowed, false);
    assert.deepEqual(outcome.status, {
      code: 403,
      reason: 'Forbidden',
      message:
        'deployments.apps "web" is forbidden: violates Palisade policy "baseline:latest": PAL-K8S-0002 privileged (container "web" must not set securityContext.privileged=true at spec.template.spec.containers[0].securityContext.privileged)',
    });
    assert.deepEqual(outcome.auditAnnotations, { 'enforce-policy': 'baseline:latest' });
    assert.deepEqual(
      outcome.detail.modes.map((m) => [m.mode, m.policy, m.failed.map((f) => f.checkId)]),
      [['enforce', 'baseline:latest', ['PAL-K8S-0002']]],
    );
    const response = reviewResponse(request('create-deployment.json'), outcome).response;
    assert.equal(response.uid, '705ab4f5-6393-11e8-b7cc-42010a800002');
    assert.equal(response.status?.code, 403);
  });

  it('allows a compliant pod at restricted, and dry-run changes nothing', () => {
    const dry = request('create-pod-restricted.json');
    assert.equal(dry.dryRun, true);
    const context = labelled({ ...ENFORCE_RESTRICTED, 'palisade.io/warn': 'palisade' });
    const outcome = admit(dry, context);
    assert.equal(outcome.allowed, true);
    assert.deepEqual(outcome.warnings, []);
    assert.deepEqual(outcome.auditAnnotations, { 'enforce-policy': 'restricted:latest' });
    const wet = admit({ ...dry, dryRun: false }, context);
    assert.deepEqual(wet, outcome);
  });

  it('evaluates the version the namespace pins (v1.0 has no seccomp requirement for restricted)', () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'api', namespace: 'shop' },
      spec: {
        securityContext: { runAsNonRoot: true },
        containers: [
          {
            name: 'api',
            image: 'registry.example.com/shop/api:2.0.0',
            securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
          },
        ],
      },
    };
    const review = wrapAsCreate(pod);
    const latest = admit(review.request, labelled(ENFORCE_RESTRICTED));
    assert.equal(latest.allowed, false);
    assert.match(latest.status?.message ?? '', /PAL-K8S-0017 seccomp-restricted/);
    const old = admit(
      review.request,
      labelled({ ...ENFORCE_RESTRICTED, 'palisade.io/enforce-version': 'v1.0', 'palisade.io/warn': 'restricted' }),
    );
    assert.equal(old.allowed, true, old.status?.message);
    assert.equal(old.auditAnnotations['enforce-policy'], 'restricted:v1.0');
    assert.equal(old.warnings.length, 1);
    assert.match(
      old.warnings[0] ?? '',
      /^would violate Palisade policy "restricted:latest": PAL-K8S-0017 seccomp-restricted/,
    );
  });

  it('keeps warn-level warnings on a denied request, without repeating the checks the denial names', () => {
    const outcome = admit(
      request('create-deployment.json'),
      labelled({ ...ENFORCE_BASELINE, 'palisade.io/warn': 'restricted', 'palisade.io/audit': 'restricted' }),
    );
    assert.equal(outcome.allowed, false);
    assert.deepEqual(
      outcome.warnings.map((w) => /PAL-K8S-\d{4}/.exec(w)?.[0]),
      ['PAL-K8S-0014', 'PAL-K8S-0015', 'PAL-K8S-0017', 'PAL-K8S-0018'],
    );
    for (const warning of outcome.warnings) {
      assert.match(
        warning,
        /^would violate Palisade policy "restricted:latest": PAL-K8S-\d{4} [a-z-]+ \(container "web"|pod or container "web"/,
      );
    }
    const audit = outcome.auditAnnotations['audit-violations'] ?? '';
    assert.match(audit, /^would violate Palisade policy "restricted:latest": PAL-K8S-0002 privileged/);
    assert.match(audit, /PAL-K8S-0014 allow-privilege-escalation/);
  });

  it('honours Palisade annotation exemptions and config exemptions, as a scan does', () => {
    const exempted = privilegedPod({
      annotations: { 'palisade.io/ignore': 'privileged', 'palisade.io/ignore-reason': 'node tuning agent, INC-42' },
    });
    assert.equal(admit(wrapAsCreate(exempted).request, labelled(ENFORCE_BASELINE)).allowed, true);
    const noReason = privilegedPod({ annotations: { 'palisade.io/ignore': 'privileged' } });
    const refused = admit(wrapAsCreate(noReason).request, labelled(ENFORCE_BASELINE));
    assert.equal(refused.allowed, false);
    assert.ok(refused.warnings.some((w) => /not honoured without a palisade\.io\/ignore-reason/.test(w)));
    const config: Config = { exemptions: [{ reason: 'tools namespace', checks: ['PAL-K8S-0002'], names: ['tool'] }] };
    assert.equal(admit(wrapAsCreate(privilegedPod()).request, labelled(ENFORCE_BASELINE, { config })).allowed, true);
  });

  it('uses config defaults for namespaces without labels, and config settings for the checks', () => {
    const config: Config = {
      admission: { defaults: { enforce: 'mitre-attack-containers' } },
      settings: { allowedRegistries: ['registry.example.com'] },
    };
    const pod = privilegedPod();
    const denied = admit(wrapAsCreate(pod).request, { config });
    assert.equal(denied.allowed, false);
    assert.doesNotMatch(denied.status?.message ?? '', /allowed-registry/);
    const elsewhere = { ...pod, spec: { containers: [{ name: 'tool', image: 'docker.io/library/busybox:1.36' }] } };
    const registry = admit(wrapAsCreate(elsewhere).request, { config });
    assert.match(registry.status?.message ?? '', /PAL-K8S-0104 allowed-registry/);
  });
});

describe('admit: what is not evaluated', () => {
  const everything = labelled({ 'palisade.io/enforce': 'palisade', 'palisade.io/audit': 'palisade' });

  it('allows DELETE, non-workload kinds and subresources other than pods/ephemeralcontainers untouched', () => {
    for (const [file, skipped] of [
      ['delete-pod.json', 'operation DELETE'],
      ['create-configmap.json', 'kind ConfigMap is not a workload'],
      ['update-deployment-status.json', 'subresource deployments/status'],
    ] as const) {
      const outcome = admit(request(file), everything);
      assert.equal(outcome.allowed, true, file);
      assert.deepEqual(outcome.auditAnnotations, {}, file);
      assert.equal(outcome.detail.skipped, skipped);
    }
  });

  it('skips an UPDATE that leaves the pod template alone (scale, labels) but evaluates a template change', () => {
    const scale = request('update-deployment-scale.json');
    const outcome = admit(scale, everything);
    assert.equal(outcome.allowed, true);
    assert.equal(outcome.detail.skipped, 'pod template unchanged');
    const changed = {
      ...scale,
      oldObject: {
        ...(scale.oldObject as Record<string, unknown>),
        spec: {
          template: { spec: { containers: [{ name: 'legacy', image: 'registry.example.com/shop/legacy:3.0.0' }] } },
        },
      },
    };
    const denied = admit(changed, everything);
    assert.equal(denied.allowed, false);
    assert.match(denied.status?.message ?? '', /PAL-K8S-0001 host-namespaces/);
  });

  it('evaluates pods/ephemeralcontainers on the pod with its new ephemeral container', () => {
    const outcome = admit(request('update-pod-ephemeralcontainers.json'), labelled(ENFORCE_BASELINE));
    assert.equal(outcome.allowed, false);
    assert.match(
      outcome.status?.message ?? '',
      /^pods "api-7d9f8" is forbidden: .*PAL-K8S-0002 privileged \(container "debugger-x7k2p" .* at spec\.ephemeralContainers\[0\]\.securityContext\.privileged\)/,
    );
  });

  it('exempts namespaces (globs), users, groups and runtime classes, with an `exempt` audit annotation', () => {
    const deployment = request('create-deployment.json');
    const cases: [NonNullable<NonNullable<Config['admission']>['exemptions']>, AdmissionRequest, string][] = [
      [{ namespaces: ['sho*'] }, deployment, 'namespace'],
      [{ usernames: ['jane@example.com'] }, deployment, 'user'],
      [{ groups: ['developers'] }, deployment, 'group'],
    ];
    const kata = privilegedPod();
    (kata.spec as Record<string, unknown>).runtimeClassName = 'kata';
    cases.push([{ runtimeClasses: ['kata'] }, wrapAsCreate(kata).request, 'runtimeClass']);
    for (const [exemptions, req, exempt] of cases) {
      const outcome = admit(req, labelled(ENFORCE_BASELINE, { config: { admission: { exemptions } } }));
      assert.equal(outcome.allowed, true, exempt);
      assert.deepEqual(outcome.auditAnnotations, { exempt });
      assert.equal(outcome.detail.exempt, exempt);
    }
    const other = admit(
      deployment,
      labelled(ENFORCE_BASELINE, { config: { admission: { exemptions: { usernames: ['bob'] } } } }),
    );
    assert.equal(other.allowed, false);
  });
});

describe('admit: failure policy and invalid labels', () => {
  it('a malformed object is denied (400) under enforce by default, allowed with a warning under Ignore', () => {
    const malformed = request('create-cronjob-malformed.json');
    const denied = admit(malformed, labelled(ENFORCE_BASELINE));
    assert.equal(denied.allowed, false);
    assert.equal(denied.status?.code, 400);
    assert.equal(denied.status?.reason, 'BadRequest');
    assert.match(
      denied.status?.message ?? '',
      /^cronjobs\.batch "report" is forbidden: Palisade cannot evaluate it .*spec\.jobTemplate\.spec\.template\.spec\.containers/,
    );
    const ignored = admit(malformed, labelled(ENFORCE_BASELINE, { failurePolicy: 'Ignore' }));
    assert.equal(ignored.allowed, true);
    assert.match(ignored.warnings[0] ?? '', /Palisade could not evaluate cronjobs\.batch "report"/);
    assert.match(ignored.auditAnnotations.error ?? '', /containers/);
    const warnOnly = admit(malformed, labelled({ 'palisade.io/warn': 'baseline' }));
    assert.equal(warnOnly.allowed, true, 'warn fails open');
    assert.equal(warnOnly.warnings.length, 1);
    const privileged = admit(malformed, labelled({}));
    assert.deepEqual([privileged.allowed, privileged.warnings, privileged.auditAnnotations], [true, [], {}]);
  });

  it('never throws: garbage requests, a wrong object kind, a failing namespace lookup', () => {
    for (const input of [undefined, null, 42, 'x', [], {}, { uid: 'u' }]) {
      const outcome = admit(input);
      assert.equal(outcome.allowed, false);
      assert.equal(outcome.status?.code, 400);
      assert.match(outcome.status?.message ?? '', /not an AdmissionReview request/);
    }
    const deployment = request('create-deployment.json');
    const wrongKind = { ...deployment, object: { ...(deployment.object as object), kind: 'ConfigMap' } };
    const outcome = admit(wrongKind, labelled(ENFORCE_BASELINE));
    assert.equal(outcome.allowed, false);
    assert.match(outcome.status?.message ?? '', /does not match the request kind "Deployment"/);
    const broken = admit(deployment, {
      namespaceLabels: () => {
        throw new Error('connection refused');
      },
    });
    assert.equal(broken.status?.code, 500);
    assert.match(broken.status?.message ?? '', /failed to look up namespace "shop": connection refused/);
    assert.equal(
      admit(deployment, {
        namespaceLabels: () => {
          throw new Error('x');
        },
        failurePolicy: 'Ignore',
      }).allowed,
      true,
    );
  });

  it('reports an invalid config as an internal error under the failure policy; createAdmission throws it', () => {
    const config: Config = { admission: { defaults: { enforce: 'strict' } } };
    assert.throws(() => createAdmission({ config }), /unknown level "strict"/);
    const outcome = admit(request('create-deployment.json'), { config });
    assert.equal(outcome.allowed, false);
    assert.equal(outcome.status?.code, 500);
  });

  it('an invalid enforce label fails closed as restricted and is reported as a warning and an audit annotation', () => {
    const outcome = admit(request('create-pod-restricted.json'), labelled({ 'palisade.io/enforce': 'strict' }));
    assert.equal(outcome.allowed, true, 'the pod is restricted-compliant');
    assert.equal(outcome.auditAnnotations['enforce-policy'], 'restricted:latest');
    assert.match(
      outcome.auditAnnotations.error ?? '',
      /^Failed to parse policy: metadata\.labels\[palisade\.io\/enforce\]="strict"/,
    );
    assert.match(outcome.warnings[0] ?? '', /namespace "shop" has invalid Palisade policy labels/);
    const denied = admit(request('create-deployment.json'), labelled({ 'palisade.io/enforce': 'strict' }));
    assert.match(denied.status?.message ?? '', /violates Palisade policy "restricted:latest"/);
  });
});
