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
import { KUBE_OBJECTS_USER, type ObjectRef } from '#test/helpers/kube-objects-api.ts';
import { OPENSSL_SKIP } from '#test/helpers/tls.ts';
import { isolatePod, selects } from './isolate-pod.ts';

const POD = { apiVersion: 'v1', kind: 'Pod', namespace: 'shop', name: 'web-1' } as const;
const POLICY = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  namespace: 'shop',
  name: 'palisade-quarantine',
} as const;
const subject = alertSubject({ resource: 'pods/exec', namespace: 'shop', name: 'web-1' });
const params = isolatePod.params.parse({});

function policy(name: string, spec: Record<string, unknown>, namespace = 'shop'): Record<string, unknown> {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec };
}

function labelsOf(h: KubeHarness, ref: ObjectRef = POD): unknown {
  return h.api.meta(ref).labels;
}

describe('kubernetes:isolate-pod selectors', () => {
  const labels = { app: 'web', tier: 'front' };
  test('matchLabels, matchExpressions and the empty selector', () => {
    assert.equal(selects({}, labels), true);
    assert.equal(selects(undefined, labels), true);
    assert.equal(selects({ matchLabels: { app: 'web' } }, labels), true);
    assert.equal(selects({ matchLabels: { app: 'db' } }, labels), false);
    assert.equal(selects({ matchExpressions: [{ key: 'app', operator: 'In', values: ['web', 'api'] }] }, labels), true);
    assert.equal(selects({ matchExpressions: [{ key: 'app', operator: 'In', values: ['db'] }] }, labels), false);
    assert.equal(selects({ matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['db'] }] }, labels), true);
    assert.equal(selects({ matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] }, labels), true);
    assert.equal(selects({ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['front'] }] }, labels), false);
    assert.equal(selects({ matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, labels), true);
    assert.equal(selects({ matchExpressions: [{ key: 'zone', operator: 'Exists' }] }, labels), false);
    assert.equal(selects({ matchExpressions: [{ key: 'zone', operator: 'DoesNotExist' }] }, labels), true);
    assert.equal(selects({ matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] }, labels), false);
    assert.equal(
      selects(
        { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['back'] }] },
        labels,
      ),
      false,
    );
  });

  test('parameters: defaults, and names checked', () => {
    assert.deepEqual(params, { label: 'palisade.io/quarantine', policyName: 'palisade-quarantine' });
    assert.equal(isolatePod.params.safeParse({ policyName: 'Not_A_Name' }).success, false);
    assert.equal(isolatePod.params.safeParse({ label: 'bad key!' }).success, false);
    assert.equal(isolatePod.params.safeParse({ labels: {} }).success, false);
  });
});

describe('kubernetes:isolate-pod', { skip: OPENSSL_SKIP }, () => {
  let certs: ReturnType<typeof kubeCertDir>;
  let h: KubeHarness;

  before(() => {
    certs = kubeCertDir();
  });
  after(() => certs.remove());
  beforeEach(async () => {
    h = await startKubeHarness(certs.dir);
    h.api.put(podObject('shop', 'web-1', { labels: { app: 'web' } }));
    h.api.put(podObject('shop', 'web-2', { labels: { app: 'web' } }));
  });
  afterEach(() => h.close());

  test('creates the deny-all policy, labels the pod, and names the policies that still allow traffic', async () => {
    // Selects the pod and allows ingress: named.
    h.api.put(
      policy('allow-web', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ podSelector: {} }] }] }),
    );
    // Selects every pod and allows egress (DNS): named.
    h.api.put(
      policy('allow-dns', {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [{ ports: [{ protocol: 'UDP', port: 53 }] }],
      }),
    );
    // Selects the pod but denies (no rules): not named.
    h.api.put(
      policy('deny-ingress', {
        podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['web'] }] },
        policyTypes: ['Ingress'],
      }),
    );
    // Allows, but no longer selects the pod once it carries the quarantine label: not named.
    h.api.put(
      policy('allow-unquarantined', {
        podSelector: { matchExpressions: [{ key: 'palisade.io/quarantine', operator: 'DoesNotExist' }] },
        ingress: [{}],
      }),
    );
    // Another app, another namespace: not named.
    h.api.put(policy('allow-db', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{}] }));
    h.api.put(policy('allow-all', { podSelector: {}, ingress: [{}] }, 'other'));

    const outcome = await isolatePod.run(inputFor(subject, params), h.ctx);
    assert.equal(outcome.result, 'applied');
    assert.equal(
      outcome.reason,
      'labelled Pod "shop/web-1" palisade.io/quarantine=true and created NetworkPolicy "shop/palisade-quarantine" (deny all ingress and egress); note: NetworkPolicy "shop/allow-dns" also selects the pod and still allows egress; note: NetworkPolicy "shop/allow-web" also selects the pod and still allows ingress',
    );
    const created = h.api.object(POLICY);
    assert.deepEqual(created?.spec, {
      podSelector: { matchLabels: { 'palisade.io/quarantine': 'true' } },
      policyTypes: ['Ingress', 'Egress'],
    });
    assert.deepEqual(h.api.meta(POLICY).labels, { 'app.kubernetes.io/managed-by': 'palisade' });
    assert.equal(h.api.meta(POLICY).annotations?.['palisade.io/created-by-run'], 'run-test-1');
    assert.deepEqual(labelsOf(h), { app: 'web', 'palisade.io/quarantine': 'true' });
    assert.deepEqual(h.api.meta(POD).annotations, { 'palisade.io/isolated-by': 'run-test-1' });
    assert.deepEqual(h.api.writes().at(-1)?.body, {
      metadata: {
        labels: { 'palisade.io/quarantine': 'true' },
        annotations: { 'palisade.io/isolated-by': 'run-test-1' },
      },
    });
    assert.deepEqual(labelsOf(h, { ...POD, name: 'web-2' }), { app: 'web' });
    assert.deepEqual(
      h.api.writes().map((c) => [c.method, c.path, c.contentType]),
      [
        ['POST', '/apis/networking.k8s.io/v1/namespaces/shop/networkpolicies', 'application/json'],
        ['PATCH', '/api/v1/namespaces/shop/pods/web-1', 'application/merge-patch+json'],
      ],
    );
    assert.deepEqual(outcome.undo, {
      pod: POD,
      uid: h.api.meta(POD).uid,
      label: 'palisade.io/quarantine',
      labelled: true,
      runId: 'run-test-1',
      policy: POLICY,
      createdPolicy: true,
      policyUid: h.api.meta(POLICY).uid,
    });
  });

  test('dry-run writes nothing; a second run is skipped as already isolated', async () => {
    const plan = await isolatePod.run(inputFor(subject, params, { dryRun: true }), h.ctx);
    assert.deepEqual(plan, {
      result: 'planned',
      reason:
        'would label Pod "shop/web-1" palisade.io/quarantine=true and create NetworkPolicy "shop/palisade-quarantine" (deny all ingress and egress)',
    });
    assert.deepEqual(h.api.writes(), []);
    await isolatePod.run(inputFor(subject, params), h.ctx);
    const writes = h.api.writes().length;
    assert.deepEqual(await isolatePod.run(inputFor(subject, params), h.ctx), {
      result: 'skipped',
      reason:
        'Pod "shop/web-1" is already isolated (labelled palisade.io/quarantine=true, NetworkPolicy "shop/palisade-quarantine" denies all ingress and egress)',
    });
    assert.equal(h.api.writes().length, writes);
  });

  test('a second pod reuses the policy; undo of the first keeps it while the second is isolated', async () => {
    const first = await isolatePod.run(inputFor(subject, params), h.ctx);
    const subject2 = alertSubject({ resource: 'pods/exec', namespace: 'shop', name: 'web-2' });
    const second = await isolatePod.run(inputFor(subject2, params), kubeContext(h.client, { runId: 'run-test-2' }));
    assert.deepEqual(second.result, 'applied');
    assert.equal(
      second.reason,
      'labelled Pod "shop/web-2" palisade.io/quarantine=true and NetworkPolicy "shop/palisade-quarantine" already denies all its ingress and egress',
    );
    assert.equal((second.undo as { createdPolicy: boolean }).createdPolicy, false);

    const undoFirst = await isolatePod.undo?.(undoFor(subject, first.undo), h.ctx);
    assert.deepEqual(undoFirst, {
      result: 'applied',
      reason:
        'removed label palisade.io/quarantine from Pod "shop/web-1" (NetworkPolicy "shop/palisade-quarantine" kept: 1 pod(s) still carry palisade.io/quarantine=true (web-2))',
    });
    assert.deepEqual(labelsOf(h), { app: 'web' });
    assert.ok(h.api.object(POLICY));
    const undoSecond = await isolatePod.undo?.(undoFor(subject2, second.undo), h.ctx);
    assert.deepEqual(undoSecond, {
      result: 'applied',
      reason:
        'removed label palisade.io/quarantine from Pod "shop/web-2" (NetworkPolicy "shop/palisade-quarantine" existed before the run: kept)',
    });
    assert.ok(h.api.object(POLICY));
  });

  test('undo removes the label and deletes the policy it created (dry-run first)', async () => {
    const outcome = await isolatePod.run(inputFor(subject, params), h.ctx);
    const writes = h.api.writes().length;
    assert.deepEqual(await isolatePod.undo?.(undoFor(subject, outcome.undo, true), h.ctx), {
      result: 'planned',
      reason:
        'would remove label palisade.io/quarantine from Pod "shop/web-1" and delete NetworkPolicy "shop/palisade-quarantine"',
    });
    assert.equal(h.api.writes().length, writes);
    assert.deepEqual(await isolatePod.undo?.(undoFor(subject, outcome.undo), h.ctx), {
      result: 'applied',
      reason:
        'removed label palisade.io/quarantine from Pod "shop/web-1" and deleted NetworkPolicy "shop/palisade-quarantine"',
    });
    assert.deepEqual(labelsOf(h), { app: 'web' });
    assert.deepEqual(h.api.meta(POD).annotations, {});
    assert.deepEqual(h.api.writes().at(-2)?.body, [
      { op: 'test', path: '/metadata/labels/palisade.io~1quarantine', value: 'true' },
      { op: 'test', path: '/metadata/annotations/palisade.io~1isolated-by', value: 'run-test-1' },
      { op: 'remove', path: '/metadata/labels/palisade.io~1quarantine' },
      { op: 'remove', path: '/metadata/annotations/palisade.io~1isolated-by' },
    ]);
    assert.equal(h.api.object(POLICY), undefined);
    const del = h.api.writes().at(-1);
    assert.equal(del?.method, 'DELETE');
    assert.deepEqual((del?.body as { preconditions?: unknown } | undefined)?.preconditions, {
      uid: (outcome.undo as { policyUid: string }).policyUid,
    });
    // Nothing left to undo.
    assert.deepEqual(await isolatePod.undo?.(undoFor(subject, outcome.undo), h.ctx), {
      result: 'skipped',
      reason:
        'nothing to undo (Pod "shop/web-1" no longer carries palisade.io/quarantine=true; NetworkPolicy "shop/palisade-quarantine" no longer exists)',
    });
  });

  test('undo keeps a policy replaced since', async () => {
    const outcome = await isolatePod.run(inputFor(subject, params), h.ctx);
    h.api.remove(POLICY);
    h.api.put(
      policy('palisade-quarantine', {
        podSelector: { matchLabels: { 'palisade.io/quarantine': 'true' } },
        policyTypes: ['Ingress', 'Egress'],
      }),
    );
    const undone = await isolatePod.undo?.(undoFor(subject, outcome.undo), h.ctx);
    assert.equal(undone?.result, 'applied');
    assert.equal(
      undone?.reason,
      'removed label palisade.io/quarantine from Pod "shop/web-1" (NetworkPolicy "shop/palisade-quarantine" was replaced since: kept)',
    );
    assert.ok(h.api.object(POLICY));
  });

  test('a policy of that name that is not deny-all is an error, nothing is written', async () => {
    h.api.put(
      policy('palisade-quarantine', {
        podSelector: { matchLabels: { 'palisade.io/quarantine': 'true' } },
        ingress: [{}],
      }),
    );
    const error = await actionError(isolatePod.run(inputFor(subject, params), h.ctx));
    assert.equal(error.transient, false);
    assert.equal(
      error.message,
      'kubernetes:isolate-pod: NetworkPolicy "shop/palisade-quarantine" exists but is not a deny-all policy selecting palisade.io/quarantine=true; delete it or set another policyName',
    );
    assert.deepEqual(h.api.writes(), []);
  });

  test('custom label and policy name; a gone pod is skipped', async () => {
    const custom = isolatePod.params.parse({ label: 'example.com/isolated', policyName: 'ir-isolation' });
    const outcome = await isolatePod.run(inputFor(subject, custom), h.ctx);
    assert.equal(
      outcome.reason,
      'labelled Pod "shop/web-1" example.com/isolated=true and created NetworkPolicy "shop/ir-isolation" (deny all ingress and egress)',
    );
    h.api.remove(POD);
    assert.deepEqual(await isolatePod.run(inputFor(subject, custom), h.ctx), {
      result: 'skipped',
      reason: 'Pod "shop/web-1" no longer exists',
    });
  });

  test('403 on creating the policy is not transient and names the API server message', async () => {
    h.api.deny('create', 'networkpolicies', 'shop');
    const error = await actionError(isolatePod.run(inputFor(subject, params), h.ctx));
    assert.equal(error.transient, false);
    assert.equal(error.status, 403);
    assert.equal(
      error.message,
      `create NetworkPolicy "shop/palisade-quarantine": networkpolicies is forbidden: User "${KUBE_OBJECTS_USER}" cannot create resource "networkpolicies" in API group "networking.k8s.io" in the namespace "shop" (HTTP 403 Forbidden)`,
    );
    assert.deepEqual(labelsOf(h), { app: 'web' });
  });

  test('409 Conflict on the label patch is transient; the retry finishes the job and owns the policy', async () => {
    h.api.failNext(1, 409, undefined, 'PATCH');
    const error = await actionError(isolatePod.run(inputFor(subject, params), h.ctx));
    assert.equal(error.transient, true);
    assert.equal(error.status, 409);
    const retry = await isolatePod.run(inputFor(subject, params), h.ctx);
    assert.equal(
      retry.reason,
      'labelled Pod "shop/web-1" palisade.io/quarantine=true and created NetworkPolicy "shop/palisade-quarantine" (deny all ingress and egress)',
    );
    assert.equal((retry.undo as { createdPolicy: boolean }).createdPolicy, true);
    assert.equal(h.api.writes().filter((c) => c.method === 'POST').length, 1);
  });

  test('a retry after a label patch that took effect before its error reports the isolation applied, with its undo', async () => {
    const state: Record<string, unknown> = {};
    h.api.failAfter(1, 504, 'PATCH'); // the policy is created; the label patch is carried out, its answer lost
    const error = await actionError(isolatePod.run(inputFor(subject, params, { state }), h.ctx));
    assert.equal(error.transient, true);
    assert.equal(error.status, 504);
    const retry = await isolatePod.run(inputFor(subject, params, { attempt: 2, state }), h.ctx);
    assert.deepEqual(retry, {
      result: 'applied',
      reason:
        'labelled Pod "shop/web-1" palisade.io/quarantine=true and created NetworkPolicy "shop/palisade-quarantine" (deny all ingress and egress) (the change of attempt 1 took effect before its error)',
      undo: {
        pod: POD,
        uid: h.api.meta(POD).uid,
        label: 'palisade.io/quarantine',
        labelled: true,
        runId: 'run-test-1',
        policy: POLICY,
        createdPolicy: true,
        policyUid: h.api.meta(POLICY).uid,
      },
    });
    assert.equal(h.api.writes().length, 2);
    assert.deepEqual(await isolatePod.undo?.(undoFor(subject, retry.undo), h.ctx), {
      result: 'applied',
      reason:
        'removed label palisade.io/quarantine from Pod "shop/web-1" and deleted NetworkPolicy "shop/palisade-quarantine"',
    });
    assert.deepEqual(labelsOf(h), { app: 'web' });
    assert.equal(h.api.object(POLICY), undefined);
  });

  test('a retry finds its label on a pod isolated by a policy of another run: labelled, the policy kept', async () => {
    const web2 = alertSubject({ resource: 'pods/exec', namespace: 'shop', name: 'web-2' });
    await isolatePod.run(inputFor(web2, params), kubeContext(h.client, { runId: 'run-other' }));
    const state: Record<string, unknown> = {};
    h.api.failAfter(1, 504, 'PATCH');
    await actionError(isolatePod.run(inputFor(subject, params, { state }), h.ctx));
    const retry = await isolatePod.run(inputFor(subject, params, { attempt: 2, state }), h.ctx);
    assert.equal(
      retry.reason,
      'labelled Pod "shop/web-1" palisade.io/quarantine=true and NetworkPolicy "shop/palisade-quarantine" already denies all its ingress and egress (the change of attempt 1 took effect before its error)',
    );
    assert.deepEqual(
      [
        retry.result,
        (retry.undo as { labelled: boolean }).labelled,
        (retry.undo as { createdPolicy: boolean }).createdPolicy,
      ],
      ['applied', true, false],
    );
  });

  test('a retry after a policy create that took effect before its error owns the policy (the pod was labelled before)', async () => {
    h.api.put(podObject('shop', 'web-1', { labels: { app: 'web', 'palisade.io/quarantine': 'true' } }));
    const state: Record<string, unknown> = {};
    h.api.failAfter(1, 504, 'POST');
    await actionError(isolatePod.run(inputFor(subject, params, { state }), h.ctx));
    const retry = await isolatePod.run(inputFor(subject, params, { attempt: 2, state }), h.ctx);
    assert.deepEqual(retry, {
      result: 'applied',
      reason:
        'created NetworkPolicy "shop/palisade-quarantine" (deny all ingress and egress) (the change of attempt 1 took effect before its error)',
      undo: {
        pod: POD,
        uid: h.api.meta(POD).uid,
        label: 'palisade.io/quarantine',
        labelled: false,
        runId: 'run-test-1',
        policy: POLICY,
        createdPolicy: true,
        policyUid: h.api.meta(POLICY).uid,
      },
    });
    assert.deepEqual(
      h.api.writes().map((c) => c.method),
      ['POST'],
    );
  });

  test('a 503 label patch that did not take effect: the pod isolated meanwhile by another run is not claimed', async () => {
    // The policy exists (another run's); attempt 1's label patch fails with 503 and does not take effect.
    const web2 = alertSubject({ resource: 'pods/exec', namespace: 'shop', name: 'web-2' });
    await isolatePod.run(inputFor(web2, params), kubeContext(h.client, { runId: 'run-other' }));
    const state: Record<string, unknown> = {};
    h.api.failNext(1, 503, undefined, 'PATCH');
    assert.equal((await actionError(isolatePod.run(inputFor(subject, params, { state }), h.ctx))).status, 503);
    assert.deepEqual(labelsOf(h), { app: 'web' });
    // Another run isolates the pod meanwhile (its label and its marker).
    await isolatePod.run(inputFor(subject, params), kubeContext(h.client, { runId: 'run-other' }));
    const writes = h.api.writes().length;
    const skipped = {
      result: 'skipped',
      reason:
        'Pod "shop/web-1" is already isolated (labelled palisade.io/quarantine=true, NetworkPolicy "shop/palisade-quarantine" denies all ingress and egress)',
    };
    assert.deepEqual(await isolatePod.run(inputFor(subject, params, { attempt: 2, state }), h.ctx), skipped);
    // A person labels it instead (no marker): not claimed either.
    await h.client.patch(POD, { metadata: { annotations: { 'palisade.io/isolated-by': null } } }, 'merge');
    assert.deepEqual(await isolatePod.run(inputFor(subject, params, { attempt: 3, state }), h.ctx), skipped);
    assert.equal(h.api.writes().length, writes + 1);
  });

  test('undo keeps the label when another run or a person isolated the pod since', async () => {
    const outcome = await isolatePod.run(inputFor(subject, params), h.ctx);
    // Un-isolated by hand, then quarantined again by another run.
    await h.client.patch(POD, { metadata: { annotations: { 'palisade.io/isolated-by': 'run-other' } } }, 'merge');
    const writes = h.api.writes().length;
    assert.deepEqual(await isolatePod.undo?.(undoFor(subject, outcome.undo), h.ctx), {
      result: 'skipped',
      reason:
        'nothing to undo (Pod "shop/web-1" was isolated since by run run-other, not run run-test-1: label kept; NetworkPolicy "shop/palisade-quarantine" kept: 1 pod(s) still carry palisade.io/quarantine=true (web-1))',
    });
    await h.client.patch(POD, { metadata: { annotations: { 'palisade.io/isolated-by': null } } }, 'merge');
    assert.equal(
      (await isolatePod.undo?.(undoFor(subject, outcome.undo), h.ctx))?.reason,
      'nothing to undo (Pod "shop/web-1" was isolated since by someone else (no palisade.io/isolated-by annotation), not run run-test-1: label kept; NetworkPolicy "shop/palisade-quarantine" kept: 1 pod(s) still carry palisade.io/quarantine=true (web-1))',
    );
    assert.equal(h.api.writes().length, writes + 1);
    assert.deepEqual(labelsOf(h), { app: 'web', 'palisade.io/quarantine': 'true' });
    assert.ok(h.api.object(POLICY));
  });

  test('a pod on the host network is skipped: NetworkPolicies do not apply to it', async () => {
    h.api.put(podObject('shop', 'web-1', { labels: { app: 'web' }, hostNetwork: true }));
    const skipped = {
      result: 'skipped',
      reason:
        'Pod "shop/web-1" uses the host\'s network (hostNetwork: true): NetworkPolicies do not apply to it, so it cannot be isolated this way',
    };
    assert.deepEqual(await isolatePod.run(inputFor(subject, params, { dryRun: true }), h.ctx), skipped);
    assert.deepEqual(await isolatePod.run(inputFor(subject, params), h.ctx), skipped);
    assert.deepEqual(h.api.writes(), []);
    assert.equal(h.api.object(POLICY), undefined);
    assert.deepEqual(labelsOf(h), { app: 'web' });
  });

  test('a pod created after the alert is a new pod of the same name: left alone', async () => {
    h.api.put(podObject('shop', 'web-1', { labels: { app: 'web' }, created: '2025-05-02T10:02:00Z' }));
    assert.deepEqual(await isolatePod.run(inputFor(subject, params), h.ctx), {
      result: 'skipped',
      reason:
        'Pod "shop/web-1" was created at 2025-05-02T10:02:00Z after the alert (first seen 2025-05-02T10:00:00.000Z): it is a new pod, not the one the alert is about',
    });
    assert.deepEqual(h.api.writes(), []);
  });
});
