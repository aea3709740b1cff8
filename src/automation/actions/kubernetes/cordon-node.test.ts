import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import {
  actionError,
  alertSubject,
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
import { cordonNode } from './cordon-node.ts';

const node = (name: string) => ({ apiVersion: 'v1', kind: 'Node', name }) as const;
const nodeSubject = alertSubject({ resource: 'nodes/proxy', name: 'worker-1', verb: 'get' });
const params = cordonNode.params.parse({});

function nodeObject(name: string, spec: Record<string, unknown> = {}, annotations?: Record<string, string>) {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name }, ...(annotations ? { annotations } : {}) },
    spec: { podCIDR: '10.128.2.0/24', ...spec },
  };
}

function stored(h: KubeHarness, name: string): { spec: Record<string, unknown>; annotations: unknown } {
  const spec = h.api.object(node(name))?.spec;
  return {
    spec: typeof spec === 'object' && spec !== null ? { ...spec } : {},
    annotations: h.api.meta(node(name)).annotations,
  };
}

describe('kubernetes:cordon-node', { skip: OPENSSL_SKIP }, () => {
  let certs: ReturnType<typeof kubeCertDir>;
  let h: KubeHarness;

  before(() => {
    certs = kubeCertDir();
  });
  after(() => certs.remove());
  beforeEach(async () => {
    h = await startKubeHarness(certs.dir);
    h.api.put(nodeObject('worker-1'));
    h.api.put(nodeObject('worker-2'));
    h.api.put(podObject('shop', 'web-1', { nodeName: 'worker-2' }));
  });
  afterEach(() => h.close());

  test('cordons a node and annotates it with the run id', async () => {
    const rv = h.api.meta(node('worker-1')).resourceVersion;
    const outcome = await cordonNode.run(inputFor(nodeSubject, params), h.ctx);
    assert.deepEqual(outcome, {
      result: 'applied',
      reason: 'cordoned Node "worker-1": no new pods are scheduled there; running pods stay',
      target: { type: 'kubernetes', ref: node('worker-1') },
      undo: {
        node: 'worker-1',
        uid: h.api.meta(node('worker-1')).uid,
        runId: 'run-test-1',
      },
    });
    assert.deepEqual(stored(h, 'worker-1'), {
      spec: { podCIDR: '10.128.2.0/24', unschedulable: true },
      annotations: { 'palisade.io/cordoned-by': 'run-test-1' },
    });
    assert.deepEqual(
      h.api.writes().map((c) => [c.method, c.path, c.contentType, c.body]),
      [
        [
          'PATCH',
          '/api/v1/nodes/worker-1',
          'application/strategic-merge-patch+json',
          {
            metadata: { resourceVersion: rv, annotations: { 'palisade.io/cordoned-by': 'run-test-1' } },
            spec: { unschedulable: true },
          },
        ],
      ],
    );
  });

  test("a pod's node: Falco's hostname first, else spec.nodeName", async () => {
    const falco = alertSubject({ resource: 'pods', namespace: 'shop', name: 'web-1', hostname: 'worker-1' });
    const viaFalco = await cordonNode.run(inputFor(falco, params, { dryRun: true }), h.ctx);
    assert.deepEqual(viaFalco, {
      result: 'planned',
      reason:
        'would cordon Node "worker-1" (where Pod "shop/web-1" runs, as the subject says): no new pods would be scheduled there',
      target: { type: 'kubernetes', ref: node('worker-1') },
    });
    const audit = alertSubject({ resource: 'pods/exec', namespace: 'shop', name: 'web-1' });
    const viaSpec = await cordonNode.run(inputFor(audit, params), h.ctx);
    assert.equal(
      viaSpec.reason,
      'cordoned Node "worker-2" (where Pod "shop/web-1" runs): no new pods are scheduled there; running pods stay',
    );
    assert.equal(stored(h, 'worker-2').spec.unschedulable, true);
    // A hostname that is no Node's name falls back to the pod's node.
    const odd = alertSubject({ resource: 'pods', namespace: 'shop', name: 'web-1', hostname: 'ip-10-0-0-7' });
    assert.deepEqual(await cordonNode.run(inputFor(odd, params), h.ctx), {
      result: 'skipped',
      reason: 'Node "worker-2" (where Pod "shop/web-1" runs) is already cordoned (by run run-test-1)',
      target: { type: 'kubernetes', ref: node('worker-2') },
    });
    assert.equal(stored(h, 'worker-1').spec.unschedulable, undefined);
  });

  test('dry-run writes nothing; a cordoned node is skipped; unscheduled and gone pods too', async () => {
    await cordonNode.run(inputFor(nodeSubject, params, { dryRun: true }), h.ctx);
    assert.deepEqual(h.api.writes(), []);
    await cordonNode.run(inputFor(nodeSubject, params), h.ctx);
    assert.deepEqual(await cordonNode.run(inputFor(nodeSubject, params), h.ctx), {
      result: 'skipped',
      reason: 'Node "worker-1" is already cordoned (by run run-test-1)',
      target: { type: 'kubernetes', ref: node('worker-1') },
    });
    h.api.put(podObject('shop', 'pending'));
    assert.deepEqual(
      await cordonNode.run(
        inputFor(alertSubject({ resource: 'pods/exec', namespace: 'shop', name: 'pending' }), params),
        h.ctx,
      ),
      { result: 'skipped', reason: 'Pod "shop/pending" is not scheduled on a node' },
    );
    assert.deepEqual(
      await cordonNode.run(
        inputFor(alertSubject({ resource: 'pods/exec', namespace: 'shop', name: 'gone' }), params),
        h.ctx,
      ),
      { result: 'skipped', reason: 'Pod "shop/gone" no longer exists: its node is unknown' },
    );
    assert.deepEqual(
      await cordonNode.run(inputFor(alertSubject({ resource: 'nodes', name: 'worker-9' }), params), h.ctx),
      {
        result: 'skipped',
        reason: 'Node "worker-9" does not exist',
      },
    );
    assert.equal(h.api.writes().length, 1);
  });

  test('undo uncordons a node still cordoned by the run and removes the annotation', async () => {
    const outcome = await cordonNode.run(inputFor(nodeSubject, params), h.ctx);
    assert.deepEqual(await cordonNode.undo?.(undoFor(nodeSubject, outcome.undo, true), h.ctx), {
      result: 'planned',
      reason: 'would uncordon Node "worker-1"',
    });
    assert.equal(stored(h, 'worker-1').spec.unschedulable, true);
    assert.deepEqual(await cordonNode.undo?.(undoFor(nodeSubject, outcome.undo), h.ctx), {
      result: 'applied',
      reason: 'uncordoned Node "worker-1": pods can be scheduled there again',
    });
    assert.deepEqual(stored(h, 'worker-1'), { spec: { podCIDR: '10.128.2.0/24' }, annotations: {} });
    assert.deepEqual(await cordonNode.undo?.(undoFor(nodeSubject, outcome.undo), h.ctx), {
      result: 'skipped',
      reason: 'Node "worker-1" is no longer cordoned',
    });
  });

  test('undo leaves a node cordoned by someone else since', async () => {
    const outcome = await cordonNode.run(inputFor(nodeSubject, params), h.ctx);
    await h.client.patch(
      node('worker-1'),
      { metadata: { annotations: { 'palisade.io/cordoned-by': 'run-other' } } },
      'merge',
    );
    assert.deepEqual(await cordonNode.undo?.(undoFor(nodeSubject, outcome.undo), h.ctx), {
      result: 'skipped',
      reason: 'Node "worker-1" changed since: it is cordoned by run run-other, not by run run-test-1; left cordoned',
    });
    await h.client.patch(node('worker-1'), { metadata: { annotations: { 'palisade.io/cordoned-by': null } } }, 'merge');
    assert.deepEqual(await cordonNode.undo?.(undoFor(nodeSubject, outcome.undo), h.ctx), {
      result: 'skipped',
      reason:
        'Node "worker-1" changed since: it is cordoned without the palisade.io/cordoned-by annotation, not by run run-test-1; left cordoned',
    });
    assert.equal(stored(h, 'worker-1').spec.unschedulable, true);
  });

  test('a change between the read and the patch is a transient conflict', async () => {
    h.api.beforeRequest((call) => {
      if (call.method !== 'PATCH') return;
      h.api.beforeRequest(undefined);
      h.api.put(nodeObject('worker-1', { unschedulable: true })); // cordoned by someone meanwhile
    });
    const error = await actionError(cordonNode.run(inputFor(nodeSubject, params), h.ctx));
    assert.equal(error.transient, true);
    assert.equal(error.status, 409);
    assert.deepEqual(stored(h, 'worker-1').annotations, undefined);
  });

  test('403 is not transient and names the API server message', async () => {
    h.api.deny('patch', 'nodes');
    const error = await actionError(cordonNode.run(inputFor(nodeSubject, params), h.ctx));
    assert.equal(error.transient, false);
    assert.equal(
      error.message,
      `patch Node "worker-1": nodes "worker-1" is forbidden: User "${KUBE_OBJECTS_USER}" cannot patch resource "nodes" in API group "" at the cluster scope (HTTP 403 Forbidden)`,
    );
  });

  test('a retry that finds the node cordoned by its run reports it applied, with its undo', async () => {
    const state: Record<string, unknown> = {};
    h.api.failAfter(1, 504, 'PATCH');
    const error = await actionError(cordonNode.run(inputFor(nodeSubject, params, { state }), h.ctx));
    assert.equal(error.transient, true);
    assert.equal(error.status, 504);
    assert.equal(stored(h, 'worker-1').spec.unschedulable, true);
    const retry = await cordonNode.run(inputFor(nodeSubject, params, { attempt: 2, state }), h.ctx);
    assert.deepEqual(retry, {
      result: 'applied',
      reason:
        'cordoned Node "worker-1": no new pods are scheduled there; running pods stay (the change of attempt 1 took effect before its error)',
      target: { type: 'kubernetes', ref: node('worker-1') },
      undo: { node: 'worker-1', uid: h.api.meta(node('worker-1')).uid, runId: 'run-test-1' },
    });
    assert.equal(h.api.writes().length, 1);
    assert.equal((await cordonNode.undo?.(undoFor(nodeSubject, retry.undo), h.ctx))?.result, 'applied');
    assert.equal(stored(h, 'worker-1').spec.unschedulable, undefined);
    // A node cordoned by another run stays skipped on a retry.
    await cordonNode.run(inputFor(nodeSubject, params), kubeContext(h.client, { runId: 'run-other' }));
    assert.deepEqual(await cordonNode.run(inputFor(nodeSubject, params, { attempt: 2, state }), h.ctx), {
      result: 'skipped',
      reason: 'Node "worker-1" is already cordoned (by run run-other)',
      target: { type: 'kubernetes', ref: node('worker-1') },
    });
  });

  test("the node of a pod created after the alert is not taken for the alert pod's node", async () => {
    h.api.put(podObject('shop', 'web-1', { nodeName: 'worker-2', created: '2025-05-02T10:01:00Z' }));
    const audit = alertSubject({ resource: 'pods/exec', namespace: 'shop', name: 'web-1' });
    assert.deepEqual(await cordonNode.run(inputFor(audit, params), h.ctx), {
      result: 'skipped',
      reason:
        'Pod "shop/web-1" was created at 2025-05-02T10:01:00Z after the alert (first seen 2025-05-02T10:00:00.000Z): it is a new pod, not the one the alert is about; its node may not be the alert\'s',
    });
    assert.deepEqual(h.api.writes(), []);
  });

  test("the strategic patch leaves the node's lists (taints) as they are", async () => {
    const taints = [{ key: 'dedicated', value: 'infra', effect: 'NoSchedule' }];
    h.api.put(nodeObject('worker-1', { taints }));
    await cordonNode.run(inputFor(nodeSubject, params), h.ctx);
    assert.deepEqual(stored(h, 'worker-1').spec, { podCIDR: '10.128.2.0/24', taints, unschedulable: true });
  });
});
