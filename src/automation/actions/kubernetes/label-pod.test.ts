import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import {
  actionError,
  alertSubject,
  findingSubject,
  inputFor,
  type KubeHarness,
  kubeCertDir,
  kubeContext,
  podObject,
  startKubeHarness,
  undoFor,
} from '#test/helpers/automation-subjects.ts';
import { KUBE_OBJECTS_USER } from '#test/helpers/kube-objects-api.ts';
import { OPENSSL_SKIP } from '#test/helpers/tls.ts';
import { MAX_RUN_ID_LENGTH } from '../../types.ts';
import { labelPod } from './label-pod.ts';

const POD = { apiVersion: 'v1', kind: 'Pod', namespace: 'shop', name: 'web-1' } as const;
const subject = alertSubject({ resource: 'pods/exec', namespace: 'shop', name: 'web-1' });
const params = labelPod.params.parse({
  labels: { 'palisade.io/quarantine': 'true', team: 'sec', 'palisade.io/run': '{runId}' },
});

function labelsOf(h: KubeHarness): unknown {
  return (h.api.object(POD)?.metadata as { labels?: unknown } | undefined)?.labels;
}

describe('kubernetes:label-pod parameters', () => {
  test('accepts label keys and values, with {runId} in values', () => {
    assert.deepEqual(labelPod.params.parse({ labels: { 'example.com/run': 'x-{runId}' } }), {
      labels: { 'example.com/run': 'x-{runId}' },
    });
  });

  test('refuses bad keys, bad values, an empty map and unknown keys', () => {
    assert.equal(labelPod.params.safeParse({ labels: { 'Bad Key': 'x' } }).success, false);
    assert.equal(labelPod.params.safeParse({ labels: { 'UPPER.example/x': 'x' } }).success, false);
    assert.equal(labelPod.params.safeParse({ labels: { ok: 'has space' } }).success, false);
    assert.equal(labelPod.params.safeParse({ labels: { ok: 'x'.repeat(64) } }).success, false);
    const empty = labelPod.params.safeParse({ labels: {} });
    assert.equal(empty.success, false);
    assert.match(empty.error?.issues[0]?.message ?? '', /at least one label/);
    assert.equal(labelPod.params.safeParse({ labels: { a: 'b' }, extra: 1 }).success, false);
  });
});

describe('kubernetes:label-pod {runId} at load', () => {
  test('a value with {runId} must be a label value with the longest run id', () => {
    assert.equal(MAX_RUN_ID_LENGTH, 32);
    // 30 + "-" + 32 = 63 characters: the longest label value.
    const longest = `${'a'.repeat(30)}-{runId}`;
    assert.equal(labelPod.params.safeParse({ labels: { run: longest } }).success, true);
    // 31 + "-" + 32 = 64: passes with a short stand-in (run-1), fails at run time with a long run id.
    const tooLong = labelPod.params.safeParse({ labels: { run: `${'a'.repeat(31)}-{runId}` } });
    assert.equal(tooLong.success, false);
    assert.equal(
      tooLong.error?.issues[0]?.message,
      'must be a label value: empty, or at most 63 letters, digits, "-", "_" or "." starting and ending with a letter or digit ({runId} is replaced by the run id, up to 32 characters)',
    );
  });
});

describe('kubernetes:label-pod', { skip: OPENSSL_SKIP }, () => {
  let certs: ReturnType<typeof kubeCertDir>;
  let h: KubeHarness;

  before(() => {
    certs = kubeCertDir();
  });
  after(() => certs.remove());
  beforeEach(async () => {
    h = await startKubeHarness(certs.dir);
    h.api.put(podObject('shop', 'web-1', { labels: { app: 'web', team: 'payments' } }));
  });
  afterEach(() => h.close());

  test('labels the pod, replacing {runId}, and records the previous values', async () => {
    const outcome = await labelPod.run(inputFor(subject, params), h.ctx);
    assert.equal(outcome.result, 'applied');
    assert.equal(
      outcome.reason,
      'labelled Pod "shop/web-1" palisade.io/quarantine=true, team=sec (was payments), palisade.io/run=run-test-1',
    );
    assert.deepEqual(outcome.undo, {
      pod: POD,
      uid: h.api.meta(POD).uid,
      set: { 'palisade.io/quarantine': 'true', team: 'sec', 'palisade.io/run': 'run-test-1' },
      previous: { 'palisade.io/quarantine': null, team: 'payments', 'palisade.io/run': null },
      runId: 'run-test-1',
    });
    assert.deepEqual(h.api.meta(POD).annotations, { 'palisade.io/labelled-by': 'run-test-1' });
    assert.deepEqual(labelsOf(h), {
      app: 'web',
      team: 'sec',
      'palisade.io/quarantine': 'true',
      'palisade.io/run': 'run-test-1',
    });
    assert.deepEqual(
      h.api.writes().map((c) => [c.method, c.path, c.contentType, c.body]),
      [
        [
          'PATCH',
          '/api/v1/namespaces/shop/pods/web-1',
          'application/merge-patch+json',
          {
            metadata: {
              labels: { 'palisade.io/quarantine': 'true', team: 'sec', 'palisade.io/run': 'run-test-1' },
              annotations: { 'palisade.io/labelled-by': 'run-test-1' },
            },
          },
        ],
      ],
    );
  });

  test('dry-run reads and says what it would do, without writing', async () => {
    const outcome = await labelPod.run(inputFor(subject, params, { dryRun: true }), h.ctx);
    assert.deepEqual(outcome, {
      result: 'planned',
      reason:
        'would label Pod "shop/web-1" palisade.io/quarantine=true, team=sec (was payments), palisade.io/run=run-test-1',
    });
    assert.deepEqual(h.api.writes(), []);
    assert.deepEqual(labelsOf(h), { app: 'web', team: 'payments' });
  });

  test('a second run is skipped: the labels are there', async () => {
    await labelPod.run(inputFor(subject, params), h.ctx);
    const writes = h.api.writes().length;
    const again = await labelPod.run(inputFor(subject, params), h.ctx);
    assert.deepEqual(again, {
      result: 'skipped',
      reason: 'Pod "shop/web-1" already has labels palisade.io/quarantine=true, team=sec, palisade.io/run=run-test-1',
    });
    assert.equal(h.api.writes().length, writes);
  });

  test('skips a pod that is gone and a subject that is not a pod', async () => {
    h.api.remove(POD);
    assert.deepEqual(await labelPod.run(inputFor(subject, params), h.ctx), {
      result: 'skipped',
      reason: 'Pod "shop/web-1" no longer exists',
    });
    const nodeSubject = alertSubject({ resource: 'nodes', name: 'worker-1', verb: 'patch' });
    assert.deepEqual(await labelPod.run(inputFor(nodeSubject, params), h.ctx), {
      result: 'skipped',
      reason: 'Node "worker-1" is not a Pod',
    });
    const none = alertSubject({ resource: 'pods', namespace: 'shop', name: '', verb: 'list' });
    assert.deepEqual(await labelPod.run(inputFor(none, params), h.ctx), {
      result: 'skipped',
      reason: 'the subject names no Kubernetes object (list pods shop/*)',
    });
    assert.deepEqual(h.api.writes(), []);
  });

  test('a run id that is not a valid label value fails without writing', async () => {
    const ctx = kubeContext(h.client, { runId: 'run with spaces' });
    const error = await actionError(labelPod.run(inputFor(subject, params), ctx));
    assert.equal(error.transient, false);
    assert.match(
      error.message,
      /^kubernetes:label-pod: the value of label palisade\.io\/run \("run with spaces"\) must be a label value/,
    );
    assert.deepEqual(h.api.writes(), []);
  });

  test('undo puts back the previous values and removes the added labels', async () => {
    const outcome = await labelPod.run(inputFor(subject, params), h.ctx);
    const plan = await labelPod.undo?.(undoFor(subject, outcome.undo, true), h.ctx);
    assert.deepEqual(plan, {
      result: 'planned',
      reason:
        'would restore the labels of Pod "shop/web-1": palisade.io/quarantine removed, team=payments, palisade.io/run removed',
    });
    assert.equal(h.api.writes().length, 1);
    const undone = await labelPod.undo?.(undoFor(subject, outcome.undo), h.ctx);
    assert.deepEqual(undone, {
      result: 'applied',
      reason:
        'restored the labels of Pod "shop/web-1": palisade.io/quarantine removed, team=payments, palisade.io/run removed',
    });
    assert.deepEqual(labelsOf(h), { app: 'web', team: 'payments' });
    const last = h.api.writes().at(-1);
    assert.equal(last?.contentType, 'application/json-patch+json');
    assert.deepEqual(h.api.meta(POD).annotations, {});
    assert.deepEqual(last?.body, [
      { op: 'test', path: '/metadata/annotations/palisade.io~1labelled-by', value: 'run-test-1' },
      { op: 'test', path: '/metadata/labels/palisade.io~1quarantine', value: 'true' },
      { op: 'remove', path: '/metadata/labels/palisade.io~1quarantine' },
      { op: 'test', path: '/metadata/labels/team', value: 'sec' },
      { op: 'replace', path: '/metadata/labels/team', value: 'payments' },
      { op: 'test', path: '/metadata/labels/palisade.io~1run', value: 'run-test-1' },
      { op: 'remove', path: '/metadata/labels/palisade.io~1run' },
      { op: 'remove', path: '/metadata/annotations/palisade.io~1labelled-by' },
    ]);
  });

  test('undo leaves labels that changed since, and refuses when all did', async () => {
    const outcome = await labelPod.run(inputFor(subject, params), h.ctx);
    h.api.put(podObject('shop', 'web-1', { labels: { app: 'web', team: 'ops', 'palisade.io/quarantine': 'true' } }));
    // The pod was replaced (a new uid): nothing is undone.
    assert.deepEqual(await labelPod.undo?.(undoFor(subject, outcome.undo), h.ctx), {
      result: 'skipped',
      reason: `Pod "shop/web-1" was replaced by a new pod since (uid ${h.api.meta(POD).uid})`,
    });
    const uid = (outcome.undo as { uid: string }).uid;
    const sameUid = (labels: Record<string, string>, labelledBy = 'run-test-1') => {
      const pod = podObject('shop', 'web-1', { labels, annotations: { 'palisade.io/labelled-by': labelledBy } });
      (pod.metadata as Record<string, unknown>).uid = uid;
      h.api.put(pod);
    };
    sameUid({ app: 'web', team: 'ops', 'palisade.io/quarantine': 'true' });
    assert.deepEqual(await labelPod.undo?.(undoFor(subject, outcome.undo), h.ctx), {
      result: 'applied',
      reason:
        'restored the labels of Pod "shop/web-1": palisade.io/quarantine removed; left alone because it changed since: label team is now ops, label palisade.io/run is now absent',
    });
    assert.deepEqual(labelsOf(h), { app: 'web', team: 'ops' });
    assert.deepEqual(h.api.meta(POD).annotations, {});
    sameUid({ app: 'web', team: 'ops' });
    const writes = h.api.writes().length;
    assert.deepEqual(await labelPod.undo?.(undoFor(subject, outcome.undo), h.ctx), {
      result: 'skipped',
      reason:
        'Pod "shop/web-1" changed since: label palisade.io/quarantine is now absent, label team is now ops, label palisade.io/run is now absent; nothing to restore',
    });
    assert.equal(h.api.writes().length, writes);
  });

  test('undo refuses data it did not record', async () => {
    const error = await actionError(labelPod.undo?.(undoFor(subject, { pod: POD }), h.ctx) ?? Promise.resolve());
    assert.match(error.message, /^kubernetes:label-pod: the recorded undo data is not valid at set: /);
  });

  test('403 is an ActionError that is not transient, with the API server message', async () => {
    h.api.deny('patch', 'pods', 'shop');
    const error = await actionError(labelPod.run(inputFor(subject, params), h.ctx));
    assert.equal(error.transient, false);
    assert.equal(error.status, 403);
    assert.equal(
      error.message,
      `patch Pod "shop/web-1": pods "web-1" is forbidden: User "${KUBE_OBJECTS_USER}" cannot patch resource "pods" in API group "" in the namespace "shop" (HTTP 403 Forbidden)`,
    );
  });

  test('409 Conflict is transient', async () => {
    h.api.failNext(1, 409, undefined, 'PATCH');
    const error = await actionError(labelPod.run(inputFor(subject, params), h.ctx));
    assert.equal(error.transient, true);
    assert.equal(error.status, 409);
    assert.deepEqual(labelsOf(h), { app: 'web', team: 'payments' });
  });

  test('a retry after a patch that took effect before its error reports it applied, with its undo', async () => {
    const state: Record<string, unknown> = {};
    h.api.failAfter(1, 504, 'PATCH');
    const error = await actionError(labelPod.run(inputFor(subject, params, { state }), h.ctx));
    assert.equal(error.transient, true);
    assert.equal(error.status, 504);
    const retry = await labelPod.run(inputFor(subject, params, { attempt: 2, state }), h.ctx);
    assert.deepEqual(retry, {
      result: 'applied',
      reason:
        'labelled Pod "shop/web-1" palisade.io/quarantine=true, team=sec (was payments), palisade.io/run=run-test-1 (the change of attempt 1 took effect before its error)',
      undo: {
        pod: POD,
        uid: h.api.meta(POD).uid,
        set: { 'palisade.io/quarantine': 'true', team: 'sec', 'palisade.io/run': 'run-test-1' },
        previous: { 'palisade.io/quarantine': null, team: 'payments', 'palisade.io/run': null },
        runId: 'run-test-1',
      },
    });
    assert.equal(h.api.writes().length, 1);
    assert.equal((await labelPod.undo?.(undoFor(subject, retry.undo), h.ctx))?.result, 'applied');
    assert.deepEqual(labelsOf(h), { app: 'web', team: 'payments' });
  });

  test('a 503 patch that did not take effect: the same labels set meanwhile by someone else are not claimed', async () => {
    const state: Record<string, unknown> = {};
    h.api.failNext(1, 503, undefined, 'PATCH');
    const error = await actionError(labelPod.run(inputFor(subject, params, { state }), h.ctx));
    assert.equal(error.status, 503);
    assert.ok(state.labels, 'a 503 may come after the write: the note stays');
    // Another party sets the same labels (and the marker of another run).
    const wanted = { app: 'web', team: 'sec', 'palisade.io/quarantine': 'true', 'palisade.io/run': 'run-test-1' };
    const uid = h.api.meta(POD).uid;
    const other = podObject('shop', 'web-1', {
      labels: wanted,
      annotations: { 'palisade.io/labelled-by': 'run-other' },
    });
    (other.metadata as Record<string, unknown>).uid = uid;
    h.api.put(other);
    const skipped = {
      result: 'skipped',
      reason: 'Pod "shop/web-1" already has labels palisade.io/quarantine=true, team=sec, palisade.io/run=run-test-1',
    };
    assert.deepEqual(await labelPod.run(inputFor(subject, params, { attempt: 2, state }), h.ctx), skipped);
    // A person, without a marker: the same.
    const person = podObject('shop', 'web-1', { labels: wanted });
    (person.metadata as Record<string, unknown>).uid = uid;
    h.api.put(person);
    assert.deepEqual(await labelPod.run(inputFor(subject, params, { attempt: 3, state }), h.ctx), skipped);
    assert.equal(h.api.writes().length, 1);
    assert.deepEqual(labelsOf(h), wanted);
  });

  test('undo is skipped once another run replaced the marker; it restores the marker it replaced', async () => {
    h.api.put(
      podObject('shop', 'web-1', {
        labels: { app: 'web', team: 'payments' },
        annotations: { 'palisade.io/labelled-by': 'run-before' },
      }),
    );
    const outcome = await labelPod.run(inputFor(subject, params), h.ctx);
    assert.equal((outcome.undo as { markerBefore?: string }).markerBefore, 'run-before');
    const uid = h.api.meta(POD).uid;
    const current = h.api.object(POD) as Record<string, unknown>;
    const remark = (by: string) =>
      h.api.put({
        ...current,
        metadata: { ...(current.metadata as object), uid, annotations: { 'palisade.io/labelled-by': by } },
      });
    remark('run-other');
    const writes = h.api.writes().length;
    assert.deepEqual(await labelPod.undo?.(undoFor(subject, outcome.undo), h.ctx), {
      result: 'skipped',
      reason:
        'Pod "shop/web-1" changed since: its palisade.io/labelled-by annotation names run run-other, not run run-test-1; nothing restored',
    });
    assert.equal(h.api.writes().length, writes);
    remark('run-test-1');
    assert.equal((await labelPod.undo?.(undoFor(subject, outcome.undo), h.ctx))?.result, 'applied');
    assert.deepEqual(labelsOf(h), { app: 'web', team: 'payments' });
    assert.deepEqual(h.api.meta(POD).annotations, { 'palisade.io/labelled-by': 'run-before' });
  });

  test('a pod created after the alert is a new pod of the same name: left alone; findings carry no time', async () => {
    h.api.put(podObject('shop', 'web-0', { labels: { app: 'web' }, created: '2025-05-02T10:03:00Z' }));
    const alert = alertSubject({ resource: 'pods/exec', namespace: 'shop', name: 'web-0' });
    assert.deepEqual(await labelPod.run(inputFor(alert, params), h.ctx), {
      result: 'skipped',
      reason:
        'Pod "shop/web-0" was created at 2025-05-02T10:03:00Z after the alert (first seen 2025-05-02T10:00:00.000Z): it is a new pod, not the one the alert is about',
    });
    assert.deepEqual(h.api.writes(), []);
    // Created within 5 seconds of the alert (whole-second timestamps, clock drift): not after it.
    h.api.put(podObject('shop', 'web-0', { labels: { app: 'web' }, created: '2025-05-02T10:00:05Z' }));
    assert.equal((await labelPod.run(inputFor(alert, params), h.ctx)).result, 'applied');
    h.api.put(podObject('shop', 'web-2', { created: '2025-05-02T10:03:00Z' }));
    const finding = findingSubject({ apiVersion: 'v1', kind: 'Pod', namespace: 'shop', name: 'web-2' });
    assert.equal((await labelPod.run(inputFor(finding, params), h.ctx)).result, 'applied');
  });
});
