import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
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
import { createEvent, eventName } from './create-event.ts';

const subject = alertSubject({ resource: 'pods/exec', namespace: 'shop', name: 'web-1' });
const params = createEvent.params.parse({});
const hash = (rule: string, id: string) => createHash('sha256').update(`${rule}|${id}`).digest('hex').slice(0, 16);

describe('kubernetes:create-event names and parameters', () => {
  test('the event name is the object name and a hash of the rule and subject', () => {
    assert.equal(eventName('web-1', 'r', 's'), `web-1.${hash('r', 's')}`);
    assert.equal(eventName('system:node:worker-1', 'r', 's'), `system-node-worker-1.${hash('r', 's')}`);
    assert.equal(eventName('x'.repeat(300), 'r', 's').length, 253);
    assert.notEqual(eventName('web-1', 'r', 's'), eventName('web-1', 'r2', 's'));
  });

  test('defaults, and reason and type checked', () => {
    assert.deepEqual(params, { reason: 'PalisadeAutomation', type: 'Warning' });
    assert.equal(createEvent.params.safeParse({ reason: 'not camel' }).success, false);
    assert.equal(
      createEvent.params.safeParse({ type: 'Error' }).error?.issues[0]?.message,
      'must be "Warning" or "Normal"',
    );
  });
});

describe('kubernetes:create-event', { skip: OPENSSL_SKIP }, () => {
  let certs: ReturnType<typeof kubeCertDir>;
  let h: KubeHarness;
  let podUid: string;

  before(() => {
    certs = kubeCertDir();
  });
  after(() => certs.remove());
  beforeEach(async () => {
    h = await startKubeHarness(certs.dir);
    podUid = (h.api.put(podObject('shop', 'web-1')).metadata as { uid: string }).uid;
  });
  afterEach(() => h.close());

  test('records a Warning event on the pod', async () => {
    const name = `web-1.${hash('test-rule', subject.id)}`;
    const outcome = await createEvent.run(inputFor(subject, params), h.ctx);
    assert.deepEqual(outcome, {
      result: 'applied',
      reason: `recorded a Warning event PalisadeAutomation on Pod "shop/web-1" (Event "shop/${name}")`,
    });
    const event = h.api.object({ apiVersion: 'v1', kind: 'Event', namespace: 'shop', name });
    assert.ok(event);
    const {
      uid: _uid,
      resourceVersion: _rv,
      creationTimestamp: _ts,
      ...metadata
    } = event.metadata as Record<string, unknown>;
    const podRv = h.api.meta({ apiVersion: 'v1', kind: 'Pod', namespace: 'shop', name: 'web-1' }).resourceVersion;
    assert.deepEqual(
      { ...event, metadata },
      {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: {
          name,
          namespace: 'shop',
          labels: { 'app.kubernetes.io/managed-by': 'palisade' },
          annotations: {
            'palisade.io/automation': 'test-rule',
            'palisade.io/run-id': 'run-test-1',
            'palisade.io/subject': `alert ${subject.id} (PAL-TD-0001)`,
          },
        },
        involvedObject: {
          apiVersion: 'v1',
          kind: 'Pod',
          name: 'web-1',
          namespace: 'shop',
          uid: podUid,
          resourceVersion: podRv,
        },
        reason: 'PalisadeAutomation',
        message: 'Exec into a pod: Exec into pod shop/web-1 by mallory@example.com (code=101)',
        type: 'Warning',
        source: { component: 'palisade' },
        reportingComponent: 'palisade',
        firstTimestamp: '2025-05-02T10:05:00Z',
        lastTimestamp: '2025-05-02T10:05:00Z',
        count: 1,
      },
    );
    assert.deepEqual(
      h.api.writes().map((c) => [c.method, c.path, c.query]),
      [['POST', '/api/v1/namespaces/shop/events', 'fieldManager=palisade']],
    );
  });

  test('the same subject and rule record one event: the second run is skipped', async () => {
    await createEvent.run(inputFor(subject, params), h.ctx);
    const again = await createEvent.run(inputFor(subject, params), h.ctx);
    assert.deepEqual(again, {
      result: 'skipped',
      reason: `Event "shop/web-1.${hash('test-rule', subject.id)}" already records this subject on Pod "shop/web-1"`,
    });
    assert.equal(h.api.objects('v1', 'Event').length, 1);
    // Another rule records its own.
    await createEvent.run(inputFor(subject, params, { rule: 'other-rule' }), h.ctx);
    assert.equal(h.api.objects('v1', 'Event').length, 2);
  });

  test('dry-run writes nothing and knows when the event exists', async () => {
    assert.deepEqual(
      await createEvent.run(inputFor(subject, { reason: 'ShellOpened', type: 'Normal' }, { dryRun: true }), h.ctx),
      {
        result: 'planned',
        reason: `would record a Normal event ShellOpened on Pod "shop/web-1" (Event "shop/web-1.${hash('test-rule', subject.id)}")`,
      },
    );
    assert.deepEqual(h.api.writes(), []);
    await createEvent.run(inputFor(subject, params), h.ctx);
    const plan = await createEvent.run(inputFor(subject, params, { dryRun: true }), h.ctx);
    assert.equal(plan.result, 'skipped');
    assert.equal(h.api.writes().length, 1);
  });

  test('cluster-scoped objects get their events in default; a workload finding in its namespace', async () => {
    h.api.put({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'worker-1' }, spec: {} });
    const nodeSubject = alertSubject({ resource: 'nodes/proxy', name: 'worker-1', verb: 'get' });
    const outcome = await createEvent.run(inputFor(nodeSubject, params), h.ctx);
    const name = `worker-1.${hash('test-rule', nodeSubject.id)}`;
    assert.equal(
      outcome.reason,
      `recorded a Warning event PalisadeAutomation on Node "worker-1" (Event "default/${name}")`,
    );
    const event = h.api.object({ apiVersion: 'v1', kind: 'Event', namespace: 'default', name });
    assert.deepEqual(event?.involvedObject, {
      apiVersion: 'v1',
      kind: 'Node',
      name: 'worker-1',
      uid: h.api.meta({ apiVersion: 'v1', kind: 'Node', name: 'worker-1' }).uid,
      resourceVersion: h.api.meta({ apiVersion: 'v1', kind: 'Node', name: 'worker-1' }).resourceVersion,
    });

    h.api.put({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'shop' },
      spec: { replicas: 2 },
    });
    const finding = findingSubject({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web' });
    const onDeployment = await createEvent.run(inputFor(finding, params), h.ctx);
    assert.equal(
      onDeployment.reason,
      `recorded a Warning event PalisadeAutomation on Deployment "shop/web" (Event "shop/web.${hash('test-rule', finding.id)}")`,
    );
  });

  test('the message is cut at 1024 characters; a gone object is skipped', async () => {
    const long = alertSubject(
      { resource: 'pods/exec', namespace: 'shop', name: 'web-1' },
      { message: 'x'.repeat(2000) },
    );
    await createEvent.run(inputFor(long, params), h.ctx);
    const [event] = h.api.objects('v1', 'Event');
    const message = String(event?.message);
    assert.equal(message.length, 1024);
    assert.ok(message.startsWith('Exec into a pod: xxx'));
    assert.ok(message.endsWith('x…'));
    h.api.remove({ apiVersion: 'v1', kind: 'Pod', namespace: 'shop', name: 'web-1' });
    assert.deepEqual(await createEvent.run(inputFor(subject, params), h.ctx), {
      result: 'skipped',
      reason: 'Pod "shop/web-1" no longer exists',
    });
  });

  test('403 is not transient and names the API server message; 429 is transient with Retry-After', async () => {
    h.api.deny('create', 'events', 'shop');
    const error = await actionError(createEvent.run(inputFor(subject, params), h.ctx));
    assert.equal(error.transient, false);
    assert.equal(
      error.message,
      `create Event "shop/web-1.${hash('test-rule', subject.id)}": events is forbidden: User "${KUBE_OBJECTS_USER}" cannot create resource "events" in API group "" in the namespace "shop" (HTTP 403 Forbidden)`,
    );
    h.api.allowAll();
    h.api.failNext(1, 429, 3, 'POST');
    const throttled = await actionError(createEvent.run(inputFor(subject, params), h.ctx));
    assert.equal(throttled.transient, true);
    assert.equal(throttled.retryAfterMs, 3000);
    assert.deepEqual(h.api.objects('v1', 'Event'), []);
  });

  test('409 Conflict (not AlreadyExists) is transient', async () => {
    h.api.failNext(1, 409, undefined, 'POST');
    const error = await actionError(createEvent.run(inputFor(subject, params), h.ctx));
    assert.equal(error.transient, true);
    assert.equal(error.status, 409);
  });

  test('permissions: events get and create, and get on every kind it records events on', () => {
    const rules = createEvent.meta.permissions.kubernetes ?? [];
    assert.deepEqual(rules[0], { apiGroups: [''], resources: ['events'], verbs: ['get', 'create'] });
    assert.deepEqual(rules[1], {
      apiGroups: [''],
      resources: ['pods', 'nodes', 'namespaces', 'services', 'serviceaccounts'],
      verbs: ['get'],
    });
    assert.ok(!rules.some((r) => r.resources.includes('secrets')));
  });
});
