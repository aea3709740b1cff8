import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseLabelList, readReviewInputs } from './offline.ts';

describe('offline review inputs', () => {
  it('keeps AdmissionReview requests as they are and wraps plain objects as CREATE requests with distinct uids', () => {
    const text = [
      '{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u-1","kind":{"group":"","version":"v1","kind":"Pod"},"resource":{"group":"","version":"v1","resource":"pods"},"operation":"DELETE","userInfo":{}}}',
      '---',
      'apiVersion: batch/v1',
      'kind: Job',
      'metadata: { name: j, namespace: ops }',
      'spec: { template: { spec: { containers: [{ name: c, image: registry.example.com/c:1 }], restartPolicy: Never } } }',
      '---',
      'apiVersion: v1',
      'kind: Pod',
      'metadata: { name: p }',
    ].join('\n');
    const inputs = readReviewInputs(text, 'mixed.yaml');
    assert.deepEqual(
      inputs.map((i) => [
        i.wrapped,
        i.request.operation,
        i.request.kind.kind,
        i.request.resource.resource,
        i.request.namespace,
      ]),
      [
        [false, 'DELETE', 'Pod', 'pods', undefined],
        [true, 'CREATE', 'Job', 'jobs', 'ops'],
        [true, 'CREATE', 'Pod', 'pods', undefined],
      ],
    );
    assert.equal(inputs[0]?.request.uid, 'u-1');
    assert.notEqual(inputs[1]?.request.uid, inputs[2]?.request.uid);
    assert.equal(inputs[1]?.source.line, 3);
  });

  it('names the file and place of what it cannot read', () => {
    assert.throws(() => readReviewInputs('kind: [unclosed', 'broken.yaml'), /^InputError: broken\.yaml:1/);
    assert.throws(
      () => readReviewInputs('# nothing\n', 'empty.yaml'),
      /empty\.yaml: no AdmissionReview or Kubernetes object/,
    );
    assert.throws(
      () => readReviewInputs('name: x\n', 'plain.yaml'),
      /plain\.yaml:1 \(document 1\): neither an AdmissionReview nor a Kubernetes object/,
    );
  });

  it('parses k=v label lists, allowing empty values and rejecting bad keys', () => {
    assert.deepEqual(parseLabelList('palisade.io/enforce=restricted, palisade.io/enforce-version=v1.30,team='), {
      'palisade.io/enforce': 'restricted',
      'palisade.io/enforce-version': 'v1.30',
      team: '',
    });
    assert.throws(() => parseLabelList('enforce'), /"enforce" is not key=value/);
    assert.throws(() => parseLabelList('-bad=x'), /"-bad=x"/);
  });
});
