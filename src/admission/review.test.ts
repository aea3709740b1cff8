import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseAdmissionReview, reviewResponse, wrapAsCreate } from './review.ts';

const FIX = fileURLToPath(new URL('../../test/fixtures/admission/reviews/', import.meta.url));
const read = (name: string): unknown => JSON.parse(readFileSync(`${FIX}${name}`, 'utf8'));

describe('AdmissionReview', () => {
  it('reads a real v1 request (oldObject null, options present)', () => {
    const parsed = parseAdmissionReview(read('create-deployment.json'));
    assert.ok('review' in parsed, 'error' in parsed ? parsed.error : '');
    const { request } = parsed.review;
    assert.equal(request.uid, '705ab4f5-6393-11e8-b7cc-42010a800002');
    assert.equal(request.operation, 'CREATE');
    assert.deepEqual(request.kind, { group: 'apps', version: 'v1', kind: 'Deployment' });
    assert.equal(request.userInfo.username, 'jane@example.com');
  });

  it('names the field that makes a body not a request, without quoting it', () => {
    const review = read('create-deployment.json') as { request: Record<string, unknown> };
    review.request.operation = 'PATCH';
    const bad = parseAdmissionReview(review);
    assert.ok('error' in bad);
    assert.match(bad.error, /request\.operation/);
    const v1beta1 = parseAdmissionReview({ apiVersion: 'admission.k8s.io/v1beta1', kind: 'AdmissionReview' });
    assert.ok('error' in v1beta1);
    assert.match(v1beta1.error, /apiVersion/);
    const noUid = read('create-deployment.json') as { request: Record<string, unknown> };
    delete noUid.request.uid;
    const missing = parseAdmissionReview(noUid);
    assert.ok('error' in missing);
    assert.match(missing.error, /request\.uid/);
  });

  it('answers with the request uid, the status of a refusal, warnings, annotations and a base64 JSON Patch', () => {
    const denied = reviewResponse(
      { uid: 'u-1' },
      {
        allowed: false,
        status: { code: 403, message: 'denied', reason: 'Forbidden' },
        warnings: ['w'],
        auditAnnotations: { 'palisade.io/enforce': 'PAL-K8S-0002' },
      },
    );
    assert.deepEqual(denied, {
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      response: {
        uid: 'u-1',
        allowed: false,
        status: { code: 403, message: 'denied', reason: 'Forbidden' },
        warnings: ['w'],
        auditAnnotations: { 'palisade.io/enforce': 'PAL-K8S-0002' },
      },
    });
    const patched = reviewResponse(
      { uid: 'u-2' },
      { allowed: true, warnings: [], auditAnnotations: {}, patch: [{ op: 'add', path: '/spec/x', value: 1 }] },
    );
    assert.equal(patched.response.patchType, 'JSONPatch');
    assert.deepEqual(JSON.parse(Buffer.from(patched.response.patch ?? '', 'base64').toString('utf8')), [
      { op: 'add', path: '/spec/x', value: 1 },
    ]);
    assert.deepEqual(reviewResponse({ uid: 'u-3' }, { allowed: true, warnings: [], auditAnnotations: {} }).response, {
      uid: 'u-3',
      allowed: true,
    });
  });

  it('wraps a plain object as the CREATE request the API server would send', () => {
    const review = wrapAsCreate({
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db', namespace: 'shop' },
    });
    assert.deepEqual(review.request.kind, { group: 'apps', version: 'v1', kind: 'StatefulSet' });
    assert.deepEqual(review.request.resource, { group: 'apps', version: 'v1', resource: 'statefulsets' });
    assert.equal(review.request.namespace, 'shop');
    assert.equal(review.request.operation, 'CREATE');
    assert.ok('review' in parseAdmissionReview(review), 'the wrapped review is itself valid');
    const pod = wrapAsCreate({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } });
    assert.deepEqual(pod.request.resource, { group: '', version: 'v1', resource: 'pods' });
  });
});
