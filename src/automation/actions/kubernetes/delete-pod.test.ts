import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import {
  actionError,
  alertSubject,
  findingSubject,
  inputFor,
  type KubeHarness,
  kubeCertDir,
  podObject,
  startKubeHarness,
} from '#test/helpers/automation-subjects.ts';
import { KUBE_OBJECTS_USER } from '#test/helpers/kube-objects-api.ts';
import { OPENSSL_SKIP } from '#test/helpers/tls.ts';
import { deletePod } from './delete-pod.ts';

const POD = { apiVersion: 'v1', kind: 'Pod', namespace: 'shop', name: 'web-1' } as const;
const subject = alertSubject({ resource: 'pods/exec', namespace: 'shop', name: 'web-1' });

describe('kubernetes:delete-pod parameters', () => {
  test('gracePeriodSeconds is a whole number of seconds, 0 or more', () => {
    assert.deepEqual(deletePod.params.parse({}), {});
    assert.deepEqual(deletePod.params.parse({ gracePeriodSeconds: 0 }), { gracePeriodSeconds: 0 });
    const negative = deletePod.params.safeParse({ gracePeriodSeconds: -1 });
    assert.equal(negative.error?.issues[0]?.message, 'must be 0 (at once) or more seconds');
    const fraction = deletePod.params.safeParse({ gracePeriodSeconds: 1.5 });
    assert.equal(fraction.error?.issues[0]?.message, 'must be a whole number of seconds');
    assert.equal(deletePod.params.safeParse({ gracePeriodSeconds: '5' }).success, false);
    assert.equal(deletePod.params.safeParse({ force: true }).success, false);
  });

  test('is disruptive and not undoable', () => {
    assert.equal(deletePod.meta.disruptive, true);
    assert.equal(deletePod.meta.undoable, false);
    assert.equal(deletePod.undo, undefined);
  });
});

describe('kubernetes:delete-pod', { skip: OPENSSL_SKIP }, () => {
  let certs: ReturnType<typeof kubeCertDir>;
  let h: KubeHarness;
  let uid: string;

  before(() => {
    certs = kubeCertDir();
  });
  after(() => certs.remove());
  beforeEach(async () => {
    h = await startKubeHarness(certs.dir);
    const stored = h.api.put(
      podObject('shop', 'web-1', { owner: { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-7d9f8' } }),
    );
    uid = (stored.metadata as { uid: string }).uid;
  });
  afterEach(() => h.close());

  test('deletes the pod with its uid as a precondition and the grace period', async () => {
    const outcome = await deletePod.run(inputFor(subject, { gracePeriodSeconds: 5 }), h.ctx);
    assert.deepEqual(outcome, {
      result: 'applied',
      reason:
        'deleted Pod "shop/web-1" with a grace period of 5s; its controller ReplicaSet "shop/web-7d9f8" will start a replacement',
    });
    assert.equal(h.api.object(POD), undefined);
    assert.deepEqual(
      h.api.writes().map((c) => [c.method, c.path, c.body]),
      [
        [
          'DELETE',
          '/api/v1/namespaces/shop/pods/web-1',
          { apiVersion: 'v1', kind: 'DeleteOptions', preconditions: { uid }, gracePeriodSeconds: 5 },
        ],
      ],
    );
  });

  test('dry-run writes nothing; a second run is skipped: the pod is gone', async () => {
    h.api.put(podObject('shop', 'bare'));
    const bare = alertSubject({ resource: 'pods/exec', namespace: 'shop', name: 'bare' });
    assert.deepEqual(await deletePod.run(inputFor(bare, {}, { dryRun: true }), h.ctx), {
      result: 'planned',
      reason:
        'would delete Pod "shop/bare" with its default grace period; it has no controller: nothing will replace it',
    });
    assert.deepEqual(h.api.writes(), []);
    await deletePod.run(inputFor(subject, {}), h.ctx);
    assert.deepEqual(await deletePod.run(inputFor(subject, {}), h.ctx), {
      result: 'skipped',
      reason: 'Pod "shop/web-1" no longer exists',
    });
    assert.equal(h.api.writes().length, 1);
  });

  test('skips a pod that is already terminating', async () => {
    const pod = podObject('shop', 'web-1');
    (pod.metadata as Record<string, unknown>).deletionTimestamp = '2025-05-02T10:04:00Z';
    h.api.put(pod);
    assert.deepEqual(await deletePod.run(inputFor(subject, {}), h.ctx), {
      result: 'skipped',
      reason: 'Pod "shop/web-1" is already terminating (deletion requested at 2025-05-02T10:04:00Z)',
    });
    assert.deepEqual(h.api.writes(), []);
  });

  test('a pod replaced between the read and the delete is not deleted', async () => {
    h.api.beforeRequest((call) => {
      if (call.method !== 'DELETE') return;
      h.api.beforeRequest(undefined);
      h.api.remove(POD);
      h.api.put(podObject('shop', 'web-1')); // a new pod of the same name (a new uid)
    });
    assert.deepEqual(await deletePod.run(inputFor(subject, {}), h.ctx), {
      result: 'skipped',
      reason: 'Pod "shop/web-1" was replaced by a new pod of the same name since it was read',
    });
    assert.ok(h.api.object(POD));
  });

  test('403 is not transient and names the API server message; 503 is transient', async () => {
    h.api.deny('delete', 'pods', 'shop');
    const error = await actionError(deletePod.run(inputFor(subject, {}), h.ctx));
    assert.equal(error.transient, false);
    assert.equal(
      error.message,
      `delete Pod "shop/web-1": pods "web-1" is forbidden: User "${KUBE_OBJECTS_USER}" cannot delete resource "pods" in API group "" in the namespace "shop" (HTTP 403 Forbidden)`,
    );
    h.api.allowAll();
    h.api.failNext(1, 503, 2, 'DELETE');
    const unavailable = await actionError(deletePod.run(inputFor(subject, {}), h.ctx));
    assert.equal(unavailable.transient, true);
    assert.equal(unavailable.retryAfterMs, 2000);
    assert.ok(h.api.object(POD));
  });

  test('409 Conflict (not a precondition) is transient', async () => {
    h.api.failNext(1, 409, undefined, 'DELETE');
    const error = await actionError(deletePod.run(inputFor(subject, {}), h.ctx));
    assert.equal(error.transient, true);
    assert.equal(error.status, 409);
  });

  test('a retry that finds the pod gone after its delete was sent says just that: applied, no undo', async () => {
    const state: Record<string, unknown> = {};
    h.api.failAfter(1, 504, 'DELETE');
    const error = await actionError(deletePod.run(inputFor(subject, {}, { state }), h.ctx));
    assert.equal(error.transient, true);
    assert.equal(error.status, 504);
    assert.equal(h.api.object(POD), undefined);
    assert.deepEqual(await deletePod.run(inputFor(subject, {}, { attempt: 2, state }), h.ctx), {
      result: 'applied',
      reason:
        'deleted Pod "shop/web-1" with its default grace period; its controller ReplicaSet "shop/web-7d9f8" will start a replacement (the delete of attempt 1 was sent before its error; the pod is gone)',
    });
    // Its replacement (a new uid) is there by the next retry: named, skipped, left alone.
    const replacement = h.api.put(podObject('shop', 'web-1', { created: '2025-05-02T10:06:00Z' }));
    const newUid = (replacement.metadata as { uid: string }).uid;
    assert.deepEqual(await deletePod.run(inputFor(subject, {}, { attempt: 3, state }), h.ctx), {
      result: 'skipped',
      reason: `Pod "shop/web-1" is a new pod (uid ${newUid}): the pod of uid ${uid} is gone (the delete of attempt 1 was sent before its error); the new one is left alone`,
    });
    assert.equal(h.api.writes().length, 1);
    assert.ok(h.api.object(POD));
  });

  test('a retry that finds the pod it noted terminating says the delete was sent; a refused delete is not noted', async () => {
    const state: Record<string, unknown> = {};
    h.api.failNext(1, 503, undefined, 'DELETE');
    await actionError(deletePod.run(inputFor(subject, {}, { state }), h.ctx));
    const pod = h.api.object(POD) as Record<string, unknown>;
    h.api.put({ ...pod, metadata: { ...(pod.metadata as object), deletionTimestamp: '2025-05-02T10:05:30Z' } });
    assert.deepEqual(await deletePod.run(inputFor(subject, {}, { attempt: 2, state }), h.ctx), {
      result: 'applied',
      reason:
        'deleted Pod "shop/web-1" with its default grace period; its controller ReplicaSet "shop/web-7d9f8" will start a replacement (the delete of attempt 1 was sent before its error; the pod is terminating, deletion requested at 2025-05-02T10:05:30Z)',
    });
    const refused: Record<string, unknown> = {};
    h.api.put({ ...pod });
    h.api.failNext(1, 429, undefined, 'DELETE');
    await actionError(deletePod.run(inputFor(subject, {}, { state: refused }), h.ctx));
    assert.deepEqual(refused, {});
  });

  test("a StatefulSet's new pod of the same name, created after the alert, is not deleted; findings carry no time", async () => {
    const owner = { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web' };
    h.api.put(podObject('shop', 'web-0', { owner, created: '2025-05-02T10:04:30Z' }));
    const alert = alertSubject({ resource: 'pods/exec', namespace: 'shop', name: 'web-0' });
    const skipped = {
      result: 'skipped',
      reason:
        'Pod "shop/web-0" was created at 2025-05-02T10:04:30Z after the alert (first seen 2025-05-02T10:00:00.000Z): it is a new pod, not the one the alert is about',
    };
    assert.deepEqual(await deletePod.run(inputFor(alert, {}, { dryRun: true }), h.ctx), skipped);
    assert.deepEqual(await deletePod.run(inputFor(alert, {}), h.ctx), skipped);
    assert.deepEqual(h.api.writes(), []);
    const finding = findingSubject({ apiVersion: 'v1', kind: 'Pod', namespace: 'shop', name: 'web-0' });
    assert.deepEqual(await deletePod.run(inputFor(finding, {}), h.ctx), {
      result: 'applied',
      reason:
        'deleted Pod "shop/web-0" with its default grace period; its controller StatefulSet "shop/web" will start a replacement',
    });
  });
});
