import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { z } from 'zod';
import { alertSubject, findingSubject } from '#test/helpers/automation-subjects.ts';
import { KUBE_OBJECTS_USER, type KubeObjectsApi, startKubeObjectsApi } from '#test/helpers/kube-objects-api.ts';
import { makeServingCerts, OPENSSL_SKIP } from '#test/helpers/tls.ts';
import {
  createKubeClient,
  NEW_POD_SLACK_MS,
  newPodSince,
  notedWrite,
  noteWrite,
  sendNoted,
  tookEffect,
  writeRefused,
} from './kube.ts';
import { ActionError, type KubeClient, type KubeObjectData } from './types.ts';

const POD = { apiVersion: 'v1', kind: 'Pod', namespace: 'shop', name: 'web-1' } as const;

function pod(name: string, namespace: string, labels: Record<string, string> = {}) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels },
    spec: { nodeName: 'worker-1', containers: [{ name: 'app', image: 'registry.example/web:1.4.2' }] },
  };
}

async function rejection(promise: Promise<unknown>): Promise<ActionError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ActionError, `expected an ActionError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected a rejection');
}

/** A TCP port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('createKubeClient against the Kubernetes-API-shaped test server', { skip: OPENSSL_SKIP }, () => {
  let dir: string;
  let api: KubeObjectsApi;
  let client: KubeClient;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'palisade-kube-'));
    makeServingCerts(dir, ['api']);
    api = await startKubeObjectsApi(dir);
    client = await createKubeClient({ kubeconfigText: api.kubeconfig() });
  });

  after(async () => {
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(() => {
    for (const kind of ['Pod', 'Event']) {
      for (const o of api.objects('v1', kind)) {
        const meta = o.metadata as { name: string; namespace?: string };
        api.remove({
          apiVersion: 'v1',
          kind,
          name: meta.name,
          ...(meta.namespace ? { namespace: meta.namespace } : {}),
        });
      }
    }
    api.allowAll();
    api.failNext(0, 200);
    api.beforeRequest(undefined);
    api.calls.length = 0;
  });

  test('get returns the object as JSON (timestamps stay strings), undefined on 404', async () => {
    const stored = api.put(pod('web-1', 'shop', { app: 'web' }));
    const got = await client.get(POD);
    assert.ok(got);
    assert.equal(got.apiVersion, 'v1');
    assert.equal(got.kind, 'Pod');
    assert.deepEqual(got.metadata.labels, { app: 'web' });
    assert.equal(got.metadata.uid, (stored.metadata as { uid: string }).uid);
    assert.equal(typeof got.metadata.creationTimestamp, 'string');
    assert.deepEqual(got.spec, {
      nodeName: 'worker-1',
      containers: [{ name: 'app', image: 'registry.example/web:1.4.2' }],
    });
    assert.equal(await client.get({ ...POD, name: 'gone' }), undefined);
    assert.ok(api.calls.some((c) => c.method === 'GET' && c.path === '/api/v1/namespaces/shop/pods/web-1'));
  });

  test('list in a namespace, in all namespaces and by label selector, with apiVersion and kind on items', async () => {
    api.put(pod('web-1', 'shop', { app: 'web', tier: 'front' }));
    api.put(pod('web-2', 'shop', { app: 'web' }));
    api.put(pod('db-1', 'shop', { app: 'db' }));
    api.put(pod('web-1', 'other', { app: 'web' }));
    const names = (items: { metadata: { namespace?: string; name?: string } }[]) =>
      items.map((i) => `${i.metadata.namespace}/${i.metadata.name}`);

    const inShop = await client.list('v1', 'Pod', { namespace: 'shop' });
    assert.deepEqual(names(inShop), ['shop/db-1', 'shop/web-1', 'shop/web-2']);
    assert.ok(inShop.every((i) => i.apiVersion === 'v1' && i.kind === 'Pod'));
    assert.deepEqual(names(await client.list('v1', 'Pod')), ['other/web-1', 'shop/db-1', 'shop/web-1', 'shop/web-2']);
    assert.deepEqual(names(await client.list('v1', 'Pod', { namespace: 'shop', labelSelector: 'app=web' })), [
      'shop/web-1',
      'shop/web-2',
    ]);
    assert.deepEqual(names(await client.list('v1', 'Pod', { labelSelector: 'app=web,tier!=front' })), [
      'other/web-1',
      'shop/web-2',
    ]);
    const listCall = api.calls.find((c) => c.path === '/api/v1/pods');
    assert.ok(listCall);
    assert.match(listCall.query, /limit=500/);
  });

  test('patch with a merge patch (null deletes), a strategic merge patch and a JSON patch', async () => {
    api.put(pod('web-1', 'shop', { app: 'web', old: 'x' }));
    const merged = await client.patch(POD, { metadata: { labels: { old: null, quarantine: 'true' } } }, 'merge');
    assert.deepEqual(merged.metadata.labels, { app: 'web', quarantine: 'true' });
    const strategic = await client.patch(POD, { metadata: { annotations: { note: 'seen' } } }, 'strategic');
    assert.deepEqual(strategic.metadata.annotations, { note: 'seen' });
    const json = await client.patch(
      POD,
      [
        { op: 'test', path: '/metadata/labels/app', value: 'web' },
        { op: 'add', path: '/metadata/labels/palisade.io~1run', value: 'r1' },
        { op: 'remove', path: '/metadata/labels/quarantine' },
      ],
      'json',
    );
    assert.deepEqual(json.metadata.labels, { app: 'web', 'palisade.io/run': 'r1' });
    assert.deepEqual(
      api.writes().map((c) => [c.method, c.contentType, c.query]),
      [
        ['PATCH', 'application/merge-patch+json', 'fieldManager=palisade'],
        ['PATCH', 'application/strategic-merge-patch+json', 'fieldManager=palisade'],
        ['PATCH', 'application/json-patch+json', 'fieldManager=palisade'],
      ],
    );
    assert.deepEqual(api.meta(POD).labels, {
      app: 'web',
      'palisade.io/run': 'r1',
    });
    // Every write bumps the resourceVersion.
    assert.ok(Number(json.metadata.resourceVersion) > Number(strategic.metadata.resourceVersion));
  });

  test('a failed JSON patch test is a 422, not transient', async () => {
    api.put(pod('web-1', 'shop', { app: 'web' }));
    const error = await rejection(
      client.patch(POD, [{ op: 'test', path: '/metadata/labels/app', value: 'db' }], 'json'),
    );
    assert.equal(error.status, 422);
    assert.equal(error.transient, false);
    assert.match(
      error.message,
      /^patch Pod "shop\/web-1": .*testing value \/metadata\/labels\/app failed \(HTTP 422 Invalid\)$/,
    );
  });

  test('create sets uid and resourceVersion; AlreadyExists is a 409 that is not transient', async () => {
    const event = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'web-1.abc', namespace: 'shop' },
      reason: 'PalisadeAutomation',
      message: 'hello',
    };
    const created = await client.create(event);
    assert.equal(created.metadata.name, 'web-1.abc');
    assert.match(created.metadata.uid ?? '', /^[0-9a-f-]{36}$/);
    assert.ok(created.metadata.resourceVersion);
    assert.equal(api.writes()[0]?.path, '/api/v1/namespaces/shop/events');
    assert.equal(api.writes()[0]?.query, 'fieldManager=palisade');
    const error = await rejection(client.create(event));
    assert.equal(error.status, 409);
    assert.equal(error.transient, false);
    assert.equal(
      error.message,
      'create Event "shop/web-1.abc": events "web-1.abc" already exists (HTTP 409 AlreadyExists)',
    );
  });

  test('delete: true, false when gone, uid precondition sent; a failed precondition is a transient 409', async () => {
    const stored = api.put(pod('web-1', 'shop'));
    const uid = (stored.metadata as { uid: string }).uid;
    const error = await rejection(client.delete(POD, { uid: 'another-uid' }));
    assert.equal(error.status, 409);
    assert.equal(error.transient, true);
    assert.match(error.message, /Precondition failed: UID in precondition: another-uid/);
    assert.ok(api.object(POD));

    assert.equal(await client.delete(POD, { uid, gracePeriodSeconds: 5 }), true);
    assert.equal(api.object(POD), undefined);
    const call = api.writes().at(-1);
    assert.deepEqual(call?.body, {
      apiVersion: 'v1',
      kind: 'DeleteOptions',
      preconditions: { uid },
      gracePeriodSeconds: 5,
    });
    assert.equal(await client.delete(POD), false);
  });

  test('a stale resourceVersion in a patch is a transient 409 Conflict', async () => {
    api.put(pod('web-1', 'shop'));
    const error = await rejection(
      client.patch(POD, { metadata: { resourceVersion: '1', labels: { a: 'b' } } }, 'merge'),
    );
    assert.equal(error.status, 409);
    assert.equal(error.transient, true);
    assert.equal(
      error.message,
      'patch Pod "shop/web-1": Operation cannot be fulfilled on pods "web-1": the object has been modified; please apply your changes to the latest version and try again (HTTP 409 Conflict)',
    );
  });

  test('403 keeps the API server message and is not transient', async () => {
    api.put(pod('web-1', 'shop'));
    api.deny('patch', 'pods', 'shop');
    const error = await rejection(client.patch(POD, { metadata: { labels: { a: 'b' } } }, 'merge'));
    assert.equal(error.status, 403);
    assert.equal(error.transient, false);
    assert.equal(
      error.message,
      `patch Pod "shop/web-1": pods "web-1" is forbidden: User "${KUBE_OBJECTS_USER}" cannot patch resource "pods" in API group "" in the namespace "shop" (HTTP 403 Forbidden)`,
    );
  });

  test('429 with Retry-After and 503 are transient; 500 too', async () => {
    api.put(pod('web-1', 'shop'));
    await client.get(POD); // discovery is cached from here on
    api.failNext(1, 429, 7);
    const throttled = await rejection(client.get(POD));
    assert.equal(throttled.status, 429);
    assert.equal(throttled.transient, true);
    assert.equal(throttled.retryAfterMs, 7000);
    api.failNext(1, 503);
    const unavailable = await rejection(client.list('v1', 'Pod', { namespace: 'shop' }));
    assert.equal(unavailable.status, 503);
    assert.equal(unavailable.transient, true);
    assert.equal(unavailable.retryAfterMs, undefined);
    api.failNext(1, 500);
    const internal = await rejection(client.delete(POD));
    assert.equal(internal.transient, true);
    assert.ok(await client.get(POD));
  });

  test('401 is not transient', async () => {
    const stranger = await createKubeClient({ kubeconfigText: api.kubeconfig({ token: 'wrong' }) });
    const error = await rejection(stranger.get(POD));
    assert.equal(error.status, 401);
    assert.equal(error.transient, false);
    assert.match(error.message, /Unauthorized \(HTTP 401 Unauthorized\)$/);
  });

  test('OpenShift DeploymentConfig through discovery; a kind the server does not serve is an error', async () => {
    api.put({
      apiVersion: 'apps.openshift.io/v1',
      kind: 'DeploymentConfig',
      metadata: { name: 'legacy', namespace: 'shop' },
      spec: { replicas: 2 },
    });
    const dc = await client.get({
      apiVersion: 'apps.openshift.io/v1',
      kind: 'DeploymentConfig',
      namespace: 'shop',
      name: 'legacy',
    });
    assert.deepEqual(dc?.spec, { replicas: 2 });
    assert.ok(api.calls.some((c) => c.path === '/apis/apps.openshift.io/v1'));
    assert.ok(api.calls.some((c) => c.path === '/apis/apps.openshift.io/v1/namespaces/shop/deploymentconfigs/legacy'));
    const error = await rejection(
      client.get({ apiVersion: 'route.openshift.io/v1', kind: 'Route', namespace: 'shop', name: 'x' }),
    );
    assert.equal(error.transient, false);
    assert.equal(
      error.message,
      'get Route "shop/x": the API server does not serve kind Route in route.openshift.io/v1',
    );
  });

  test('a namespaced kind without a namespace is an error, not a request to the wrong path', async () => {
    const error = await rejection(
      client.create({ apiVersion: 'v1', kind: 'Event', metadata: { name: 'x' }, reason: 'R', message: 'm' }),
    );
    assert.equal(error.message, 'create Event "x": Event is namespaced but no namespace was given');
    assert.deepEqual(api.writes(), []);
  });

  test('cluster-scoped objects have no namespace in their path', async () => {
    api.put({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'worker-1' }, spec: {} });
    const node = await client.patch(
      { apiVersion: 'v1', kind: 'Node', name: 'worker-1' },
      { spec: { unschedulable: true } },
      'strategic',
    );
    assert.deepEqual(node.spec, { unschedulable: true });
    assert.equal(api.writes().at(-1)?.path, '/api/v1/nodes/worker-1');
  });

  test('a kubeconfig file and a context; an unknown context and an unreadable kubeconfig are errors', async () => {
    const file = join(dir, 'kubeconfig.yaml');
    writeFileSync(file, api.kubeconfig());
    api.put(pod('web-1', 'shop'));
    const fromFile = await createKubeClient({ kubeconfig: file, context: 'objects' });
    assert.ok(await fromFile.get(POD));
    await assert.rejects(createKubeClient({ kubeconfig: file, context: 'prod' }), {
      name: 'ActionError',
      message: `kubeconfig "${file}" has no context "prod" (it has: objects)`,
    });
    await assert.rejects(createKubeClient({ kubeconfig: join(dir, 'missing.yaml') }), (error: unknown) => {
      assert.ok(error instanceof ActionError);
      assert.match(error.message, /^cannot load kubeconfig ".*missing\.yaml": /);
      return true;
    });
  });

  test('a refused connection is transient', async () => {
    const port = await closedPort();
    const offline = await createKubeClient({ kubeconfigText: api.kubeconfig().replace(`:${api.port}`, `:${port}`) });
    const error = await rejection(offline.get(POD));
    assert.equal(error.transient, true);
    assert.equal(error.status, undefined);
    assert.match(error.message, /^get Pod "shop\/web-1": API discovery of v1: fetch failed: /);
  });

  test('a server that does not answer within timeoutMs is a transient time-out', async () => {
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = silent.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    try {
      const slow = await createKubeClient({
        kubeconfigText: api.kubeconfig().replace(`:${api.port}`, `:${port}`),
        timeoutMs: 150,
      });
      const error = await rejection(slow.get(POD));
      assert.equal(error.transient, true);
      assert.equal(error.message, 'get Pod "shop/web-1": API discovery of v1: timed out');
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});

describe('the test server: strategic merge patch limits and lost answers', { skip: OPENSSL_SKIP }, () => {
  let dir: string;
  let api: KubeObjectsApi;
  let client: KubeClient;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'palisade-kube-'));
    makeServingCerts(dir, ['api']);
    api = await startKubeObjectsApi(dir);
    client = await createKubeClient({ kubeconfigText: api.kubeconfig() });
  });

  after(async () => {
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a strategic merge patch with a list or a $ directive is refused (not implemented), nothing changes', async () => {
    api.put(pod('web-1', 'shop', { app: 'web' }));
    const before = api.object(POD);
    const list = await rejection(
      client.patch(POD, { spec: { containers: [{ name: 'app', image: 'registry.example/web:1.4.3' }] } }, 'strategic'),
    );
    assert.equal(list.status, 400);
    assert.equal(list.transient, false);
    assert.equal(
      list.message,
      'patch Pod "shop/web-1": this test server implements strategic merge patch only for maps and scalars (as a merge patch): spec.containers is a list (HTTP 400 BadRequest)',
    );
    const directive = await rejection(
      client.patch(POD, { metadata: { labels: { $patch: 'replace', app: 'db' } } }, 'strategic'),
    );
    assert.match(directive.message, /: metadata\.labels\.\$patch is a directive \(HTTP 400 BadRequest\)$/);
    assert.deepEqual(api.object(POD), before);
    // The same list in a merge patch replaces it (RFC 7386).
    const merged = await client.patch(POD, { spec: { containers: [{ name: 'app', image: 'x:1' }] } }, 'merge');
    assert.deepEqual((merged.spec as { containers: unknown }).containers, [{ name: 'app', image: 'x:1' }]);
  });

  test('failAfter carries the write out and answers a transient 504 Timeout instead', async () => {
    api.put(pod('web-2', 'shop', { app: 'web' }));
    const ref = { ...POD, name: 'web-2' };
    api.failAfter(1, 504, 'PATCH');
    const error = await rejection(client.patch(ref, { metadata: { labels: { seen: 'yes' } } }, 'merge'));
    assert.equal(error.status, 504);
    assert.equal(error.transient, true);
    assert.equal(
      error.message,
      'patch Pod "shop/web-2": Timeout: request did not complete within the allotted timeout (HTTP 504 Timeout)',
    );
    assert.deepEqual(api.meta(ref).labels, { app: 'web', seen: 'yes' });
    // Once: the next write is answered.
    const next = await client.patch(ref, { metadata: { labels: { seen: 'twice' } } }, 'merge');
    assert.equal(next.metadata.labels?.seen, 'twice');
  });
});

describe('helpers of the Kubernetes actions', () => {
  const podAt = (creationTimestamp?: string): KubeObjectData => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web-0', namespace: 'shop', ...(creationTimestamp ? { creationTimestamp } : {}) },
  });
  const alert = alertSubject({ resource: 'pods/exec', namespace: 'shop', name: 'web-0' });

  test('newPodSince: a pod created after the alert was first seen; nothing for findings or unknown times', () => {
    assert.equal(
      newPodSince(podAt('2025-05-02T10:00:06Z'), alert, 'Pod "shop/web-0"'),
      'Pod "shop/web-0" was created at 2025-05-02T10:00:06Z after the alert (first seen 2025-05-02T10:00:00.000Z): it is a new pod, not the one the alert is about',
    );
    assert.equal(NEW_POD_SLACK_MS, 5000);
    // Within 5 seconds (whole-second timestamps, clock drift): the pod the alert is about.
    for (const created of ['2025-05-02T10:00:00Z', '2025-05-02T10:00:01Z', '2025-05-02T10:00:05Z']) {
      assert.equal(newPodSince(podAt(created), alert, 'Pod "shop/web-0"'), undefined, created);
    }
    const lateAlert = alertSubject(
      { resource: 'pods', namespace: 'shop', name: 'web-0' },
      { firstSeen: '2025-05-02T10:00:00.999Z', lastSeen: '2025-05-02T10:00:00.999Z' },
    );
    assert.equal(newPodSince(podAt('2025-05-02T10:00:05Z'), lateAlert, 'Pod "shop/web-0"'), undefined);
    assert.match(newPodSince(podAt('2025-05-02T10:00:06Z'), lateAlert, 'Pod "shop/web-0"') ?? '', /is a new pod/);
    assert.equal(newPodSince(podAt('2025-04-01T00:00:00Z'), alert, 'Pod "shop/web-0"'), undefined);
    assert.equal(newPodSince(podAt(), alert, 'Pod "shop/web-0"'), undefined);
    assert.equal(newPodSince(podAt('soon'), alert, 'Pod "shop/web-0"'), undefined);
    const finding = findingSubject({ apiVersion: 'v1', kind: 'Pod', namespace: 'shop', name: 'web-0' });
    assert.equal(newPodSince(podAt('2030-01-01T00:00:00Z'), finding, 'Pod "shop/web-0"'), undefined);
  });

  test('noted writes: kept across attempts, read back by schema, withdrawn when the API server refused', async () => {
    const state: Record<string, unknown> = {};
    const Seen = z.strictObject({ replicas: z.number() });
    noteWrite(state, 'scale', { attempt: 2, reason: 'scaled it', seen: { replicas: 3 } });
    assert.deepEqual(notedWrite(state, 'scale', Seen), { attempt: 2, reason: 'scaled it', seen: { replicas: 3 } });
    assert.equal(notedWrite(state, 'other', Seen), undefined);
    assert.equal(
      notedWrite({ scale: { attempt: 1, reason: 'x', seen: { replicas: 'three' } } }, 'scale', Seen),
      undefined,
    );
    assert.equal(tookEffect(2), ' (the change of attempt 2 took effect before its error)');
    assert.equal(tookEffect(undefined), ' (the change of an earlier attempt took effect before its error)');

    // A time-out may come after the write: the note stays.
    const timeout = new ActionError('patch: timed out', { transient: true });
    await assert.rejects(
      sendNoted(state, 'scale', () => Promise.reject(timeout)),
      timeout,
    );
    assert.ok(state.scale);
    for (const status of [500, 503, 504, 408]) assert.equal(writeRefused(new ActionError('x', { status })), false);
    // 409, 429, 403, 422: refused, nothing changed: the note is withdrawn.
    for (const status of [409, 429, 403, 422]) assert.equal(writeRefused(new ActionError('x', { status })), true);
    const conflict = new ActionError('patch: conflict', { transient: true, status: 409 });
    await assert.rejects(
      sendNoted(state, 'scale', () => Promise.reject(conflict)),
      conflict,
    );
    assert.deepEqual(state, {});
  });
});
