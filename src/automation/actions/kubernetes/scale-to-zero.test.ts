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
import { scaleToZero } from './scale-to-zero.ts';

const DEPLOY = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web' } as const;
const STS = { apiVersion: 'apps/v1', kind: 'StatefulSet', namespace: 'shop', name: 'db' } as const;
const DC = { apiVersion: 'apps.openshift.io/v1', kind: 'DeploymentConfig', namespace: 'shop', name: 'legacy' } as const;
const params = scaleToZero.params.parse({});

function workload(ref: { apiVersion: string; kind: string; namespace: string; name: string }, replicas?: number) {
  return {
    apiVersion: ref.apiVersion,
    kind: ref.kind,
    metadata: { name: ref.name, namespace: ref.namespace },
    spec: { ...(replicas === undefined ? {} : { replicas }), template: { metadata: { labels: { app: ref.name } } } },
  };
}

function owned(
  apiVersion: string,
  kind: string,
  name: string,
  owner: { apiVersion: string; kind: string; name: string },
) {
  return {
    apiVersion,
    kind,
    metadata: {
      name,
      namespace: 'shop',
      ownerReferences: [{ ...owner, uid: `uid-${owner.name}`, controller: true }],
    },
    spec: { replicas: 3 },
  };
}

function replicasOf(
  h: KubeHarness,
  ref: { apiVersion: string; kind: string; namespace: string; name: string },
): unknown {
  return (h.api.object(ref)?.spec as { replicas?: unknown } | undefined)?.replicas;
}

const podSubject = (name: string) => alertSubject({ resource: 'pods/exec', namespace: 'shop', name });

describe('kubernetes:scale-to-zero', { skip: OPENSSL_SKIP }, () => {
  let certs: ReturnType<typeof kubeCertDir>;
  let h: KubeHarness;

  before(() => {
    certs = kubeCertDir();
  });
  after(() => certs.remove());
  beforeEach(async () => {
    h = await startKubeHarness(certs.dir);
    h.api.put(workload(DEPLOY, 3));
    h.api.put(owned('apps/v1', 'ReplicaSet', 'web-7d9f8', { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }));
    h.api.put(
      podObject('shop', 'web-7d9f8-abcde', { owner: { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-7d9f8' } }),
    );
  });
  afterEach(() => h.close());

  test('scales the Deployment that owns the pod (Pod → ReplicaSet → Deployment) with its resourceVersion', async () => {
    const rv = h.api.meta(DEPLOY).resourceVersion;
    const outcome = await scaleToZero.run(inputFor(podSubject('web-7d9f8-abcde'), params), h.ctx);
    assert.deepEqual(outcome, {
      result: 'applied',
      reason:
        'scaled Deployment "shop/web" (owner of Pod "shop/web-7d9f8-abcde" → ReplicaSet "shop/web-7d9f8") from 3 to 0 replicas',
      target: { type: 'kubernetes', ref: DEPLOY },
      undo: { workload: DEPLOY, uid: h.api.meta(DEPLOY).uid, replicas: 3, runId: 'run-test-1' },
    });
    assert.equal(replicasOf(h, DEPLOY), 0);
    assert.deepEqual(h.api.meta(DEPLOY).annotations, {
      'palisade.io/scaled-to-zero-by': 'run-test-1',
      'palisade.io/previous-replicas': '3',
    });
    assert.deepEqual(
      h.api.writes().map((c) => [c.method, c.path, c.contentType, c.body]),
      [
        [
          'PATCH',
          '/apis/apps/v1/namespaces/shop/deployments/web',
          'application/merge-patch+json',
          {
            metadata: {
              resourceVersion: rv,
              annotations: { 'palisade.io/scaled-to-zero-by': 'run-test-1', 'palisade.io/previous-replicas': '3' },
            },
            spec: { replicas: 0 },
          },
        ],
      ],
    );
  });

  test('dry-run writes nothing; a second run is skipped at 0 replicas', async () => {
    const plan = await scaleToZero.run(inputFor(podSubject('web-7d9f8-abcde'), params, { dryRun: true }), h.ctx);
    assert.equal(plan.result, 'planned');
    assert.equal(
      plan.reason,
      'would scale Deployment "shop/web" (owner of Pod "shop/web-7d9f8-abcde" → ReplicaSet "shop/web-7d9f8") from 3 to 0 replicas',
    );
    assert.deepEqual(h.api.writes(), []);
    const deploymentSubject = findingSubject({ ...DEPLOY });
    await scaleToZero.run(inputFor(deploymentSubject, params), h.ctx);
    assert.deepEqual(await scaleToZero.run(inputFor(deploymentSubject, params), h.ctx), {
      result: 'skipped',
      reason: 'Deployment "shop/web" is already scaled to 0 replicas (by run run-test-1)',
      target: { type: 'kubernetes', ref: DEPLOY },
    });
    assert.equal(h.api.writes().length, 1);
  });

  test('names a HorizontalPodAutoscaler that targets the workload', async () => {
    h.api.put({
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'web', namespace: 'shop' },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
        minReplicas: 2,
        maxReplicas: 10,
      },
    });
    h.api.put({
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'api', namespace: 'shop' },
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api' }, maxReplicas: 10 },
    });
    const outcome = await scaleToZero.run(inputFor(findingSubject({ ...DEPLOY }), params), h.ctx);
    assert.equal(
      outcome.reason,
      'scaled Deployment "shop/web" from 3 to 0 replicas; note: HorizontalPodAutoscaler "shop/web" targets it: it stops autoscaling while the replicas are 0 and scales it back up (to at least 2) as soon as they are set again',
    );
  });

  test('StatefulSet pods and OpenShift DeploymentConfig pods (through the ReplicationController)', async () => {
    h.api.put(workload(STS, 2));
    h.api.put(podObject('shop', 'db-0', { owner: { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db' } }));
    const sts = await scaleToZero.run(inputFor(podSubject('db-0'), params), h.ctx);
    assert.equal(sts.reason, 'scaled StatefulSet "shop/db" (owner of Pod "shop/db-0") from 2 to 0 replicas');
    assert.equal(replicasOf(h, STS), 0);

    h.api.put(workload(DC)); // replicas absent: 1
    h.api.put(
      owned('v1', 'ReplicationController', 'legacy-3', {
        apiVersion: 'apps.openshift.io/v1',
        kind: 'DeploymentConfig',
        name: 'legacy',
      }),
    );
    h.api.put(
      podObject('shop', 'legacy-3-x1y2z', {
        owner: { apiVersion: 'v1', kind: 'ReplicationController', name: 'legacy-3' },
      }),
    );
    const dc = await scaleToZero.run(inputFor(podSubject('legacy-3-x1y2z'), params), h.ctx);
    assert.equal(
      dc.reason,
      'scaled DeploymentConfig "shop/legacy" (owner of Pod "shop/legacy-3-x1y2z" → ReplicationController "shop/legacy-3") from 1 to 0 replicas',
    );
    assert.deepEqual(dc.target, { type: 'kubernetes', ref: DC });
    assert.equal(replicasOf(h, DC), 0);
    assert.ok(
      h.api.writes().some((c) => c.path === '/apis/apps.openshift.io/v1/namespaces/shop/deploymentconfigs/legacy'),
    );
  });

  test('skips pods without a scalable owner', async () => {
    h.api.put(podObject('shop', 'debug'));
    assert.deepEqual(await scaleToZero.run(inputFor(podSubject('debug'), params), h.ctx), {
      result: 'skipped',
      reason: 'Pod "shop/debug" is not managed by a Deployment, StatefulSet or DeploymentConfig: it has no controller',
    });
    h.api.put(podObject('shop', 'agent-x', { owner: { apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'agent' } }));
    assert.deepEqual(await scaleToZero.run(inputFor(podSubject('agent-x'), params), h.ctx), {
      result: 'skipped',
      reason:
        'Pod "shop/agent-x" is not managed by a Deployment, StatefulSet or DeploymentConfig: its controller chain (Pod "shop/agent-x" → DaemonSet "shop/agent")',
    });
    h.api.put(owned('apps/v1', 'ReplicaSet', 'bare-rs', { apiVersion: 'example.com/v1', kind: 'Rollout', name: 'r' }));
    h.api.put(
      podObject('shop', 'bare-rs-1', { owner: { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'bare-rs' } }),
    );
    assert.equal(
      (await scaleToZero.run(inputFor(podSubject('bare-rs-1'), params), h.ctx)).reason,
      'Pod "shop/bare-rs-1" is not managed by a Deployment, StatefulSet or DeploymentConfig: its controller chain (Pod "shop/bare-rs-1" → ReplicaSet "shop/bare-rs" → Rollout "shop/r")',
    );
    assert.deepEqual(await scaleToZero.run(inputFor(podSubject('gone'), params), h.ctx), {
      result: 'skipped',
      reason: 'Pod "shop/gone" no longer exists',
    });
    assert.deepEqual(h.api.writes(), []);
  });

  test('undo restores the replicas while they are 0, and refuses once they changed', async () => {
    const outcome = await scaleToZero.run(inputFor(podSubject('web-7d9f8-abcde'), params), h.ctx);
    const subject = podSubject('web-7d9f8-abcde');
    assert.deepEqual(await scaleToZero.undo?.(undoFor(subject, outcome.undo, true), h.ctx), {
      result: 'planned',
      reason: 'would scale Deployment "shop/web" back from 0 to 3 replicas',
    });
    assert.equal(replicasOf(h, DEPLOY), 0);
    const rvAtUndo = h.api.meta(DEPLOY).resourceVersion;
    assert.deepEqual(await scaleToZero.undo?.(undoFor(subject, outcome.undo), h.ctx), {
      result: 'applied',
      reason: 'scaled Deployment "shop/web" back from 0 to 3 replicas',
    });
    assert.equal(replicasOf(h, DEPLOY), 3);
    assert.deepEqual(h.api.meta(DEPLOY).annotations, {});
    assert.deepEqual(h.api.writes().at(-1)?.body, {
      metadata: {
        resourceVersion: rvAtUndo,
        annotations: { 'palisade.io/scaled-to-zero-by': null, 'palisade.io/previous-replicas': null },
      },
      spec: { replicas: 3 },
    });

    const again = await scaleToZero.run(inputFor(subject, params), h.ctx);
    await h.client.patch(DEPLOY, { spec: { replicas: 5 } }, 'merge');
    const writes = h.api.writes().length;
    assert.deepEqual(await scaleToZero.undo?.(undoFor(subject, again.undo), h.ctx), {
      result: 'skipped',
      reason: 'Deployment "shop/web" changed since: it has 5 replicas now, not 0; left as is',
    });
    assert.equal(h.api.writes().length, writes);
  });

  test('a change between the read and the patch is a transient resourceVersion conflict', async () => {
    h.api.beforeRequest((call) => {
      if (call.method !== 'PATCH') return;
      h.api.beforeRequest(undefined);
      h.api.put(workload(DEPLOY, 4)); // someone scaled it meanwhile: a new resourceVersion
    });
    const error = await actionError(scaleToZero.run(inputFor(findingSubject({ ...DEPLOY }), params), h.ctx));
    assert.equal(error.transient, true);
    assert.equal(error.status, 409);
    assert.match(error.message, /the object has been modified/);
    assert.equal(replicasOf(h, DEPLOY), 4);
    // The runner's retry reads again and scales from 4.
    const retry = await scaleToZero.run(inputFor(findingSubject({ ...DEPLOY }), params), h.ctx);
    assert.equal(retry.reason, 'scaled Deployment "shop/web" from 4 to 0 replicas');
  });

  test('403 is not transient and names the API server message', async () => {
    h.api.deny('patch', 'deployments');
    const error = await actionError(scaleToZero.run(inputFor(findingSubject({ ...DEPLOY }), params), h.ctx));
    assert.equal(error.transient, false);
    assert.equal(
      error.message,
      `patch Deployment "shop/web": deployments "web" is forbidden: User "${KUBE_OBJECTS_USER}" cannot patch resource "deployments" in API group "apps" in the namespace "shop" (HTTP 403 Forbidden)`,
    );
    assert.equal(replicasOf(h, DEPLOY), 3);
  });

  test('a retry after a patch that took effect before its error reports it applied, with its undo', async () => {
    const subject = podSubject('web-7d9f8-abcde');
    const uid = h.api.meta(DEPLOY).uid;
    const state: Record<string, unknown> = {};
    h.api.failAfter(1, 504, 'PATCH'); // the patch is carried out, its answer lost
    const error = await actionError(scaleToZero.run(inputFor(subject, params, { state }), h.ctx));
    assert.equal(error.transient, true);
    assert.equal(error.status, 504);
    assert.equal(replicasOf(h, DEPLOY), 0);
    // The ReplicaSet controller removes the pod meanwhile: the retry goes by the workload it noted.
    h.api.remove({ apiVersion: 'v1', kind: 'Pod', namespace: 'shop', name: 'web-7d9f8-abcde' });
    const retry = await scaleToZero.run(inputFor(subject, params, { attempt: 2, state }), h.ctx);
    assert.deepEqual(retry, {
      result: 'applied',
      reason:
        'scaled Deployment "shop/web" (owner of Pod "shop/web-7d9f8-abcde" → ReplicaSet "shop/web-7d9f8") from 3 to 0 replicas (the change of attempt 1 took effect before its error)',
      target: { type: 'kubernetes', ref: DEPLOY },
      undo: { workload: DEPLOY, uid, replicas: 3, runId: 'run-test-1' },
    });
    assert.equal(h.api.writes().length, 1);
    assert.deepEqual(await scaleToZero.undo?.(undoFor(subject, retry.undo), h.ctx), {
      result: 'applied',
      reason: 'scaled Deployment "shop/web" back from 0 to 3 replicas',
    });
    assert.equal(replicasOf(h, DEPLOY), 3);
  });

  test('a patch the API server refused is not taken for the change: a retry finds 0 set by someone else', async () => {
    const subject = findingSubject({ ...DEPLOY });
    const state: Record<string, unknown> = {};
    h.api.failNext(1, 409, undefined, 'PATCH');
    assert.equal((await actionError(scaleToZero.run(inputFor(subject, params, { state }), h.ctx))).status, 409);
    assert.deepEqual(state, {});
    h.api.put(workload(DEPLOY, 0)); // an operator stopped it meanwhile
    assert.deepEqual(await scaleToZero.run(inputFor(subject, params, { attempt: 2, state }), h.ctx), {
      result: 'skipped',
      reason:
        'Deployment "shop/web" is already scaled to 0 replicas (without the palisade.io/scaled-to-zero-by annotation)',
      target: { type: 'kubernetes', ref: DEPLOY },
    });
  });

  test('a 503 patch that did not take effect: 0 replicas set meanwhile by another run or a person are not claimed', async () => {
    const subject = podSubject('web-7d9f8-abcde');
    const state: Record<string, unknown> = {};
    h.api.failNext(1, 503, undefined, 'PATCH'); // refused before it was carried out; a 503 may also come after
    const error = await actionError(scaleToZero.run(inputFor(subject, params, { state }), h.ctx));
    assert.equal(error.transient, true);
    assert.equal(error.status, 503);
    assert.equal(replicasOf(h, DEPLOY), 3);
    assert.ok(state.scale, 'a 503 may come after the write: the note stays');
    // Another run (on another pod of the Deployment) scales it down with its own marker.
    await scaleToZero.run(
      inputFor(findingSubject({ ...DEPLOY }), params),
      kubeContext(h.client, { runId: 'run-other' }),
    );
    const writes = h.api.writes().length;
    assert.deepEqual(await scaleToZero.run(inputFor(subject, params, { attempt: 2, state }), h.ctx), {
      result: 'skipped',
      reason:
        'Deployment "shop/web" is already scaled to 0 replicas (by run run-other), not by this run (the patch of attempt 1 is not what stopped it)',
      target: { type: 'kubernetes', ref: DEPLOY },
    });
    // A person scales it down (no marker): not claimed either.
    const deployment = h.api.object(DEPLOY) as Record<string, unknown>;
    h.api.put({ ...deployment, metadata: { ...(deployment.metadata as object), annotations: {} } });
    assert.deepEqual(await scaleToZero.run(inputFor(subject, params, { attempt: 3, state }), h.ctx), {
      result: 'skipped',
      reason:
        'Deployment "shop/web" is already scaled to 0 replicas (without the palisade.io/scaled-to-zero-by annotation), not by this run (the patch of attempt 1 is not what stopped it)',
      target: { type: 'kubernetes', ref: DEPLOY },
    });
    assert.equal(h.api.writes().length, writes);
    assert.equal(replicasOf(h, DEPLOY), 0);
  });

  test('undo leaves a workload at 0 whose marker names another run, or none', async () => {
    const subject = findingSubject({ ...DEPLOY });
    const outcome = await scaleToZero.run(inputFor(subject, params), h.ctx);
    const marked = (annotations: Record<string, string>) => {
      const deployment = h.api.object(DEPLOY) as Record<string, unknown>;
      h.api.put({ ...deployment, metadata: { ...(deployment.metadata as object), annotations } });
    };
    // Someone scaled it up and another run scaled it down again: its 0 is not this run's.
    marked({ 'palisade.io/scaled-to-zero-by': 'run-other', 'palisade.io/previous-replicas': '5' });
    const writes = h.api.writes().length;
    assert.deepEqual(await scaleToZero.undo?.(undoFor(subject, outcome.undo), h.ctx), {
      result: 'skipped',
      reason:
        'Deployment "shop/web" changed since: it is at 0 replicas scaled to zero by run run-other, not by run run-test-1; left as is',
    });
    marked({});
    assert.deepEqual(await scaleToZero.undo?.(undoFor(subject, outcome.undo), h.ctx), {
      result: 'skipped',
      reason:
        'Deployment "shop/web" changed since: it is at 0 replicas without the palisade.io/scaled-to-zero-by annotation, not by run run-test-1; left as is',
    });
    assert.equal(h.api.writes().length, writes);
    assert.equal(replicasOf(h, DEPLOY), 0);
  });
});
