import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import {
  actionError,
  alertSubject,
  inputFor,
  type KubeHarness,
  kubeCertDir,
  podObject,
  startKubeHarness,
  undoFor,
} from '#test/helpers/automation-subjects.ts';
import { KUBE_OBJECTS_USER } from '#test/helpers/kube-objects-api.ts';
import { OPENSSL_SKIP } from '#test/helpers/tls.ts';
import { annotatePod } from './annotate-pod.ts';

const POD = { apiVersion: 'v1', kind: 'Pod', namespace: 'shop', name: 'web-1' } as const;
const subject = alertSubject({ resource: 'pods/exec', namespace: 'shop', name: 'web-1' });
const NOTE = 'Exec into this pod by mallory@example.com: under investigation, do not delete';
const params = annotatePod.params.parse({
  annotations: { 'palisade.io/note': NOTE, 'palisade.io/run': '{runId}', owner: 'secops' },
});

function annotationsOf(h: KubeHarness): unknown {
  return (h.api.object(POD)?.metadata as { annotations?: unknown } | undefined)?.annotations;
}

describe('kubernetes:annotate-pod parameters', () => {
  test('accepts any value and refuses bad keys and an empty map', () => {
    assert.equal(
      annotatePod.params.safeParse({ annotations: { 'example.com/why': 'any text: {"json": true}' } }).success,
      true,
    );
    assert.equal(annotatePod.params.safeParse({ annotations: { 'not a key': 'x' } }).success, false);
    assert.equal(annotatePod.params.safeParse({ annotations: { [`${'a'.repeat(64)}`]: 'x' } }).success, false);
    assert.equal(annotatePod.params.safeParse({ annotations: {} }).success, false);
    assert.equal(annotatePod.params.safeParse({}).success, false);
    const marker = annotatePod.params.safeParse({ annotations: { 'palisade.io/annotated-by': 'me' } });
    assert.equal(marker.success, false);
    assert.equal(
      marker.error?.issues[0]?.message,
      'must not set palisade.io/annotated-by: the action sets it to the run id',
    );
  });
});

describe('kubernetes:annotate-pod', { skip: OPENSSL_SKIP }, () => {
  let certs: ReturnType<typeof kubeCertDir>;
  let h: KubeHarness;

  before(() => {
    certs = kubeCertDir();
  });
  after(() => certs.remove());
  beforeEach(async () => {
    h = await startKubeHarness(certs.dir);
    h.api.put(podObject('shop', 'web-1', { annotations: { owner: 'payments', 'kubernetes.io/psp': 'restricted' } }));
  });
  afterEach(() => h.close());

  test('annotates the pod and records the previous values', async () => {
    const outcome = await annotatePod.run(inputFor(subject, params), h.ctx);
    assert.equal(outcome.result, 'applied');
    assert.equal(
      outcome.reason,
      `annotated Pod "shop/web-1" palisade.io/note=${JSON.stringify(NOTE)}, palisade.io/run=run-test-1, owner=secops (was payments)`,
    );
    assert.deepEqual((outcome.undo as { previous: unknown }).previous, {
      'palisade.io/note': null,
      'palisade.io/run': null,
      owner: 'payments',
    });
    assert.deepEqual(annotationsOf(h), {
      owner: 'secops',
      'kubernetes.io/psp': 'restricted',
      'palisade.io/note': NOTE,
      'palisade.io/run': 'run-test-1',
      'palisade.io/annotated-by': 'run-test-1',
    });
    assert.deepEqual(
      h.api.writes().map((c) => [c.method, c.contentType, c.body]),
      [
        [
          'PATCH',
          'application/merge-patch+json',
          {
            metadata: {
              annotations: {
                'palisade.io/note': NOTE,
                'palisade.io/run': 'run-test-1',
                owner: 'secops',
                'palisade.io/annotated-by': 'run-test-1',
              },
            },
          },
        ],
      ],
    );
  });

  test('dry-run writes nothing; a second run is skipped', async () => {
    const plan = await annotatePod.run(inputFor(subject, params, { dryRun: true }), h.ctx);
    assert.equal(plan.result, 'planned');
    assert.match(plan.reason, /^would annotate Pod "shop\/web-1" palisade\.io\/note=/);
    assert.deepEqual(h.api.writes(), []);
    await annotatePod.run(inputFor(subject, params), h.ctx);
    const again = await annotatePod.run(inputFor(subject, params), h.ctx);
    assert.equal(again.result, 'skipped');
    assert.match(again.reason, /^Pod "shop\/web-1" already has annotations palisade\.io\/note=/);
    assert.equal(h.api.writes().length, 1);
  });

  test('undo restores the annotations; refused once they changed', async () => {
    const outcome = await annotatePod.run(inputFor(subject, params), h.ctx);
    const undone = await annotatePod.undo?.(undoFor(subject, outcome.undo), h.ctx);
    assert.deepEqual(undone, {
      result: 'applied',
      reason:
        'restored the annotations of Pod "shop/web-1": palisade.io/note removed, palisade.io/run removed, owner=payments',
    });
    assert.deepEqual(annotationsOf(h), { owner: 'payments', 'kubernetes.io/psp': 'restricted' });
    // Applied again, then someone edits every annotation the run set.
    const second = await annotatePod.run(inputFor(subject, params), h.ctx);
    await h.client.patch(
      POD,
      { metadata: { annotations: { 'palisade.io/note': 'closed', 'palisade.io/run': null, owner: 'ops' } } },
      'merge',
    );
    const refused = await annotatePod.undo?.(undoFor(subject, second.undo), h.ctx);
    assert.deepEqual(refused, {
      result: 'skipped',
      reason:
        'Pod "shop/web-1" changed since: annotation palisade.io/note is now closed, annotation palisade.io/run is now absent, annotation owner is now ops; nothing to restore',
    });
  });

  test('403 is not transient and names the API server message; 503 is transient', async () => {
    h.api.deny('get', 'pods');
    const forbidden = await actionError(annotatePod.run(inputFor(subject, params), h.ctx));
    assert.equal(forbidden.transient, false);
    assert.equal(
      forbidden.message,
      `get Pod "shop/web-1": pods "web-1" is forbidden: User "${KUBE_OBJECTS_USER}" cannot get resource "pods" in API group "" in the namespace "shop" (HTTP 403 Forbidden)`,
    );
    h.api.allowAll();
    h.api.failNext(1, 503, undefined, 'PATCH');
    const unavailable = await actionError(annotatePod.run(inputFor(subject, params), h.ctx));
    assert.equal(unavailable.transient, true);
    assert.equal(unavailable.status, 503);
  });

  test('409 Conflict is transient', async () => {
    h.api.failNext(1, 409, undefined, 'PATCH');
    const error = await actionError(annotatePod.run(inputFor(subject, params), h.ctx));
    assert.equal(error.transient, true);
    assert.equal(error.status, 409);
  });

  test('a retry after a patch that took effect before its error reports it applied, with its undo', async () => {
    const state: Record<string, unknown> = {};
    h.api.failAfter(1, 504, 'PATCH');
    const error = await actionError(annotatePod.run(inputFor(subject, params, { state }), h.ctx));
    assert.equal(error.transient, true);
    const retry = await annotatePod.run(inputFor(subject, params, { attempt: 2, state }), h.ctx);
    assert.deepEqual(retry, {
      result: 'applied',
      reason: `annotated Pod "shop/web-1" palisade.io/note=${JSON.stringify(NOTE)}, palisade.io/run=run-test-1, owner=secops (was payments) (the change of attempt 1 took effect before its error)`,
      undo: {
        pod: POD,
        uid: h.api.meta(POD).uid,
        set: { 'palisade.io/note': NOTE, 'palisade.io/run': 'run-test-1', owner: 'secops' },
        previous: { 'palisade.io/note': null, 'palisade.io/run': null, owner: 'payments' },
        runId: 'run-test-1',
      },
    });
    assert.equal(h.api.writes().length, 1);
    assert.equal((await annotatePod.undo?.(undoFor(subject, retry.undo), h.ctx))?.result, 'applied');
    assert.deepEqual(annotationsOf(h), { owner: 'payments', 'kubernetes.io/psp': 'restricted' });
  });

  test('a 503 patch that did not take effect: the same annotations set meanwhile by someone else are not claimed', async () => {
    const state: Record<string, unknown> = {};
    h.api.failNext(1, 503, undefined, 'PATCH');
    assert.equal((await actionError(annotatePod.run(inputFor(subject, params, { state }), h.ctx))).status, 503);
    assert.ok(state.annotations, 'a 503 may come after the write: the note stays');
    // Another party sets the same annotations on the same pod (no marker of this run).
    await h.client.patch(
      POD,
      { metadata: { annotations: { 'palisade.io/note': NOTE, 'palisade.io/run': 'run-test-1', owner: 'secops' } } },
      'merge',
    );
    const writes = h.api.writes().length;
    const retry = await annotatePod.run(inputFor(subject, params, { attempt: 2, state }), h.ctx);
    assert.deepEqual(retry, {
      result: 'skipped',
      reason: `Pod "shop/web-1" already has annotations palisade.io/note=${JSON.stringify(NOTE)}, palisade.io/run=run-test-1, owner=secops`,
    });
    assert.equal(h.api.writes().length, writes);
  });

  test('undo after another run replaced the marker is skipped; the JSON patch tests and removes it', async () => {
    const outcome = await annotatePod.run(inputFor(subject, params), h.ctx);
    await h.client.patch(POD, { metadata: { annotations: { 'palisade.io/annotated-by': 'run-other' } } }, 'merge');
    const writes = h.api.writes().length;
    assert.deepEqual(await annotatePod.undo?.(undoFor(subject, outcome.undo), h.ctx), {
      result: 'skipped',
      reason:
        'Pod "shop/web-1" changed since: its palisade.io/annotated-by annotation names run run-other, not run run-test-1; nothing restored',
    });
    assert.equal(h.api.writes().length, writes);
    await h.client.patch(POD, { metadata: { annotations: { 'palisade.io/annotated-by': null } } }, 'merge');
    assert.equal(
      (await annotatePod.undo?.(undoFor(subject, outcome.undo), h.ctx))?.reason,
      'Pod "shop/web-1" changed since: its palisade.io/annotated-by annotation is gone, not run run-test-1; nothing restored',
    );
    await h.client.patch(POD, { metadata: { annotations: { 'palisade.io/annotated-by': 'run-test-1' } } }, 'merge');
    assert.equal((await annotatePod.undo?.(undoFor(subject, outcome.undo), h.ctx))?.result, 'applied');
    const body = h.api.writes().at(-1)?.body as unknown[];
    assert.deepEqual(body[0], {
      op: 'test',
      path: '/metadata/annotations/palisade.io~1annotated-by',
      value: 'run-test-1',
    });
    assert.deepEqual(body.at(-1), { op: 'remove', path: '/metadata/annotations/palisade.io~1annotated-by' });
    assert.deepEqual(annotationsOf(h), { owner: 'payments', 'kubernetes.io/psp': 'restricted' });
  });

  test('a pod created after the alert is a new pod of the same name: left alone', async () => {
    h.api.put(podObject('shop', 'web-1', { created: '2025-05-02T10:00:06Z' }));
    assert.deepEqual(await annotatePod.run(inputFor(subject, params), h.ctx), {
      result: 'skipped',
      reason:
        'Pod "shop/web-1" was created at 2025-05-02T10:00:06Z after the alert (first seen 2025-05-02T10:00:00.000Z): it is a new pod, not the one the alert is about',
    });
    assert.deepEqual(h.api.writes(), []);
  });
});
