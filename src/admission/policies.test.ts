/**
 * The checks, the image gate and the ValidatingAdmissionPolicies in one decision
 * (AdmissionContext.imageGate and .policies), with the policies of test/fixtures/admission/vap/policies.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createAdmission } from './evaluate.ts';
import { createImageGate } from './image-gate.ts';
import { loadPolicies, type PolicySet } from './vap/index.ts';

const FIX = fileURLToPath(new URL('../../test/fixtures/admission/', import.meta.url));
const requestOf = (file: string): unknown =>
  (JSON.parse(readFileSync(`${FIX}${file}`, 'utf8')) as { request: unknown }).request;

describe('admission with ValidatingAdmissionPolicies', () => {
  let policies: PolicySet;
  before(async () => {
    const loaded = await loadPolicies([`${FIX}vap/policies`]);
    assert.deepEqual(loaded.diagnostics, []);
    policies = loaded.value;
  });

  it("shows the checks' refusal first and keeps the policies' verdicts beside it", () => {
    const admission = createAdmission({ policies, namespaceLabels: () => ({ 'palisade.io/enforce': 'baseline' }) });
    const outcome = admission.admit(requestOf('reviews/create-deployment.json'));
    assert.equal(outcome.allowed, false);
    assert.equal(outcome.status?.code, 403);
    assert.match(outcome.status?.message ?? '', /violates Palisade policy "baseline:latest": PAL-K8S-0002/);
    assert.deepEqual(
      outcome.policies?.denials.map((d) => d.policy),
      ['required-labels.palisade.io'],
    );
  });

  it('denies with the policy when the checks allow, and applies policies to kinds the checks skip', () => {
    const admission = createAdmission({ policies, namespaceLabels: () => ({}) });
    const outcome = admission.admit(requestOf('reviews/create-deployment.json'));
    // Default modes: enforce privileged, so the checks allow; the required-labels policy denies.
    assert.equal(
      outcome.detail.modes.some((m) => m.mode === 'enforce'),
      false,
    );
    assert.equal(outcome.allowed, false);
    assert.equal(outcome.status?.reason, 'Forbidden');
    assert.match(
      outcome.status?.message ?? '',
      /ValidatingAdmissionPolicy 'required-labels\.palisade\.io' with binding 'required-labels' denied request: Deployments must carry the app\.kubernetes\.io\/name label/,
    );
    const exec = admission.admit(requestOf('vap/requests/exec-pod-shell.json'));
    assert.ok(exec.detail.skipped, 'the checks do not look at pods/exec');
    assert.equal(exec.allowed, false, 'the no-shell-exec policy refuses kubectl exec of a shell');
    assert.match(exec.status?.message ?? '', /no shell in container/);
    assert.deepEqual(
      exec.policies?.denials.map((d) => d.policy),
      ['no-shell-exec.palisade.io'],
    );
  });

  it('is the same decision without policies as before (no policies key)', () => {
    const admission = createAdmission({ namespaceLabels: () => ({ 'palisade.io/enforce': 'baseline' }) });
    const outcome = admission.admit(requestOf('reviews/create-deployment.json'));
    assert.equal(outcome.policies, undefined);
    assert.equal(outcome.allowed, false);
  });

  it('adds the image gate: its denial when the checks allow, skipped for exempt namespaces', () => {
    const imageGate = createImageGate({ registries: { allow: ['myacr.azurecr.io/*'] } });
    const admission = createAdmission({
      imageGate,
      namespaceLabels: () => ({}),
      config: { admission: { exemptions: { namespaces: ['platform-*'] } } },
    });
    const review = requestOf('reviews/create-deployment.json') as {
      namespace: string;
      object: { metadata: { namespace: string } };
    };
    const outcome = admission.admit(review);
    assert.equal(outcome.allowed, false);
    assert.equal(outcome.status?.code, 403);
    assert.equal(
      outcome.status?.message,
      'deployments.apps "web" is forbidden: image gate: container "web" image "registry.example.com/shop/web:2.3.1": registry.example.com/shop/web is not from an allowed registry (allowed: myacr.azurecr.io/*)',
    );
    assert.equal(outcome.auditAnnotations['image-gate-denied'], outcome.images?.denials[0]);
    const exempt = admission.admit({
      ...review,
      namespace: 'platform-tools',
      object: { ...review.object, metadata: { ...review.object.metadata, namespace: 'platform-tools' } },
    });
    assert.equal(exempt.allowed, true, 'an exempt namespace skips the gate like the checks');
    assert.equal(exempt.images, undefined);
  });
});
