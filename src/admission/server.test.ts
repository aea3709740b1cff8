/**
 * The admission webhook over real HTTPS on 127.0.0.1, with a CA and serving certificates made by
 * openssl for each run, the AdmissionReviews of test/fixtures/admission and a namespace labels file
 * written by the test. Skipped (with a message) when openssl is not installed.
 */
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Diagnostic } from '#core';
import { type HttpsReply, type HttpsSendInit, httpsSend } from '#test/helpers/https.ts';
import { type FakeKubeApi, startFakeKubeApi } from '#test/helpers/kube-api.ts';
import { makeCa, makeLeaf, makeServingCerts, OPENSSL_SKIP } from '#test/helpers/tls.ts';
import { type NamespaceLabelSource, watchNamespaces } from './namespace-watch.ts';
import type { AdmissionReviewResponse } from './review.ts';
import {
  ADMISSION_LATENCY_BUCKETS,
  type AdmissionServer,
  type AdmissionServerOptions,
  startAdmissionServer,
} from './server.ts';
import { loadPolicies } from './vap/index.ts';

const FIX = fileURLToPath(new URL('../../test/fixtures/admission/', import.meta.url));
const JSON_TYPE = 'application/json';

type SendInit = Omit<HttpsSendInit, 'path'> & { path?: string };

/** A request to the server under test: POST to /validate unless `init` says otherwise. */
function send(port: number, ca: Buffer, init: SendInit): Promise<HttpsReply> {
  return httpsSend(port, ca, { path: '/validate', ...init });
}

interface Review {
  apiVersion: string;
  kind: string;
  request: Record<string, unknown> & { uid: string; namespace?: string };
}

const review = (file: string): Review => JSON.parse(readFileSync(join(FIX, file), 'utf8')) as Review;
/** The same review in another namespace, with another uid. */
function inNamespace(r: Review, namespace: string, uid: string): Review {
  const object = r.request.object as { metadata: Record<string, unknown> };
  return {
    ...r,
    request: {
      ...r.request,
      uid,
      namespace,
      object: { ...object, metadata: { ...object.metadata, namespace } },
    },
  };
}

async function post(port: number, ca: Buffer, body: unknown, path = '/validate'): Promise<AdmissionReviewResponse> {
  const reply = await send(port, ca, { path, body: JSON.stringify(body), type: JSON_TYPE });
  assert.equal(reply.status, 200, reply.body);
  assert.equal(reply.type, 'application/json');
  const parsed = JSON.parse(reply.body) as AdmissionReviewResponse;
  assert.equal(parsed.apiVersion, 'admission.k8s.io/v1');
  assert.equal(parsed.kind, 'AdmissionReview');
  return parsed;
}

/** Samples of a Prometheus text exposition: `name{labels}` → value; also checks the line grammar. */
function parseMetrics(text: string): { samples: Map<string, number>; types: Map<string, string> } {
  const samples = new Map<string, number>();
  const types = new Map<string, string>();
  assert.ok(text.endsWith('\n'), 'the exposition ends with a line feed');
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (type) {
      types.set(type[1] as string, type[2] as string);
      continue;
    }
    if (line.startsWith('# HELP ')) continue;
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*",?)*\})?) (\S+)$/.exec(
      line,
    );
    assert.ok(sample, `not a sample line: ${line}`);
    const value = sample[2] === '+Inf' ? Number.POSITIVE_INFINITY : Number(sample[2]);
    assert.ok(!Number.isNaN(value), `not a number: ${line}`);
    samples.set(sample[1] as string, value);
  }
  return { samples, types };
}

const NAMESPACES = `# as oc get namespaces -o yaml prints them
apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Namespace
    metadata:
      name: shop
      labels:
        palisade.io/enforce: baseline
        palisade.io/warn: restricted
        palisade.io/audit: restricted
  - apiVersion: v1
    kind: Namespace
    metadata:
      name: dev
      labels: { palisade.io/warn: baseline }
  - apiVersion: v1
    kind: Namespace
    metadata:
      name: audited
      labels: { palisade.io/audit: baseline }
  - apiVersion: v1
    kind: Namespace
    metadata: { name: team-a }
`;

describe('admission webhook over HTTPS', { skip: OPENSSL_SKIP }, () => {
  let dir = '';
  let ca: Buffer;
  let namespacesFile = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'palisade-admission-serve-'));
    makeServingCerts(dir, ['leaf-1', 'leaf-2']);
    ca = readFileSync(join(dir, 'ca.crt'));
    copyFileSync(join(dir, 'leaf-1.crt'), join(dir, 'tls.crt'));
    copyFileSync(join(dir, 'leaf-1.key'), join(dir, 'tls.key'));
    namespacesFile = join(dir, 'namespaces.yaml');
    writeFileSync(namespacesFile, NAMESPACES);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const listen = (options: Partial<AdmissionServerOptions> = {}): Promise<AdmissionServer> =>
    startAdmissionServer({
      certFile: join(dir, 'tls.crt'),
      keyFile: join(dir, 'tls.key'),
      namespaceLabelsFile: namespacesFile,
      host: '127.0.0.1',
      port: 0,
      reloadIntervalMs: 0,
      ...options,
    });

  it('denies in enforce with 403 and a message, warns and audits, with the request uid', async () => {
    const server = await listen();
    try {
      const deployment = review('reviews/create-deployment.json');
      const denied = await post(server.port, ca, deployment);
      assert.equal(denied.response.uid, deployment.request.uid);
      assert.equal(denied.response.allowed, false);
      assert.equal(denied.response.status?.code, 403);
      assert.equal(denied.response.status?.reason, 'Forbidden');
      assert.match(
        denied.response.status?.message ?? '',
        /^deployments\.apps "web" is forbidden: violates Palisade policy "baseline:latest": PAL-K8S-0002 privileged \(container "web"/,
      );
      assert.ok(denied.response.warnings?.some((w) => /restricted:latest.*PAL-K8S-0014/.test(w)));
      assert.equal(denied.response.auditAnnotations?.['enforce-policy'], 'baseline:latest');
      assert.equal(denied.response.patch, undefined, 'a validating answer never carries a patch');

      // dev only warns: allowed, with the failed checks as warnings.
      const warned = await post(server.port, ca, inNamespace(deployment, 'dev', 'uid-dev'));
      assert.equal(warned.response.uid, 'uid-dev');
      assert.equal(warned.response.allowed, true);
      assert.equal(warned.response.status, undefined);
      assert.ok(
        warned.response.warnings?.some((w) => /would violate Palisade policy "baseline:latest": PAL-K8S-0002/.test(w)),
      );

      // audited only audits: allowed, no warnings, the audit annotation.
      const audited = await post(server.port, ca, inNamespace(deployment, 'audited', 'uid-audit'));
      assert.equal(audited.response.allowed, true);
      assert.equal(audited.response.warnings, undefined);
      assert.match(audited.response.auditAnnotations?.['audit-violations'] ?? '', /baseline:latest.*PAL-K8S-0002/);
    } finally {
      await server.close();
    }
  });

  it('answers create (dry-run), update, delete and subresource reviews as the engine decides', async () => {
    const server = await listen();
    try {
      const dry = review('reviews/create-pod-restricted.json');
      assert.equal(dry.request.dryRun, true);
      const dryAnswer = await post(server.port, ca, dry);
      assert.deepEqual(dryAnswer.response, {
        uid: dry.request.uid,
        allowed: true,
        auditAnnotations: { 'enforce-policy': 'baseline:latest' },
      });
      for (const file of ['delete-pod.json', 'update-deployment-status.json', 'update-deployment-scale.json']) {
        const r = review(`reviews/${file}`);
        const answer = await post(server.port, ca, r);
        assert.deepEqual(answer.response, { uid: r.request.uid, allowed: true }, file);
      }
      const ephemeral = review('reviews/update-pod-ephemeralcontainers.json');
      const debug = await post(server.port, ca, ephemeral);
      assert.equal(debug.response.allowed, false);
      assert.match(
        debug.response.status?.message ?? '',
        /container "debugger-x7k2p" must not set securityContext\.privileged/,
      );
      // A malformed object inside a well-formed review: 200 with the engine's refusal (failure policy Fail).
      const malformed = await post(server.port, ca, review('reviews/create-cronjob-malformed.json'));
      assert.equal(malformed.response.allowed, false);
      assert.equal(malformed.response.status?.code, 400);
    } finally {
      await server.close();
    }
    const metrics = parseMetrics(server.metrics()).samples;
    assert.equal(metrics.get('palisade_admission_requests_total{path="/validate",code="200"}'), 6);
    assert.equal(metrics.get('palisade_admission_decisions_total{webhook="validate",result="denied"}'), 2);
    assert.equal(metrics.get('palisade_admission_decisions_total{webhook="validate",result="allowed"}'), 4);
  });

  it('denies with a ValidatingAdmissionPolicy loaded with the context', async () => {
    const loaded = await loadPolicies([join(FIX, 'vap/policies')]);
    assert.deepEqual(loaded.diagnostics, []);
    const server = await listen({ context: { policies: loaded.value } });
    try {
      const privileged = review('vap/requests/create-pod-privileged.json');
      const denied = await post(server.port, ca, privileged);
      assert.equal(denied.response.uid, privileged.request.uid);
      assert.equal(denied.response.allowed, false);
      assert.match(
        denied.response.status?.message ?? '',
        /ValidatingAdmissionPolicy 'deny-privileged\.palisade\.io' with binding 'deny-privileged' denied request: privileged containers are not allowed/,
      );
      const exec = await post(server.port, ca, review('vap/requests/exec-pod-shell.json'));
      assert.equal(exec.response.allowed, false, 'a CONNECT pods/exec subresource is judged by the policies');
      const ready = await send(server.port, ca, { method: 'GET', path: '/readyz' });
      assert.equal(ready.status, 200);
      assert.match(ready.body, /policies: ok \(\d+ ValidatingAdmissionPolicies, \d+ bindings\)/);
    } finally {
      await server.close();
    }
    const metrics = parseMetrics(server.metrics()).samples;
    assert.equal(metrics.get('palisade_admission_mode_violations_total{mode="policy-deny"}'), 2);
  });

  it('serves /healthz, /readyz and /metrics whose counters and histogram move', async () => {
    const server = await listen();
    try {
      const health = await send(server.port, ca, { method: 'GET', path: '/healthz' });
      assert.deepEqual([health.status, health.body], [200, 'ok\n']);
      const ready = await send(server.port, ca, { method: 'GET', path: '/readyz' });
      assert.equal(ready.status, 200, ready.body);
      assert.match(ready.body, /^ok\ncertificate: ok \(.*tls\.crt, loaded .*, expires .*\)\n/);
      assert.match(ready.body, /policies: ok \(none configured\)/);
      assert.match(ready.body, /namespaces: ok \(4 from .*namespaces\.yaml/);

      const before = await send(server.port, ca, { method: 'GET', path: '/metrics' });
      assert.equal(before.status, 200);
      assert.equal(before.type, 'text/plain; version=0.0.4; charset=utf-8');
      const first = parseMetrics(before.body);
      assert.equal(first.types.get('palisade_admission_requests_total'), 'counter');
      assert.equal(first.types.get('palisade_admission_request_duration_seconds'), 'histogram');
      assert.equal(first.types.get('palisade_admission_in_flight'), 'gauge');
      const bucket = (le: string): string =>
        `palisade_admission_request_duration_seconds_bucket{path="/validate",le="${le}"}`;
      assert.equal(first.samples.get(bucket('+Inf')), 0);
      assert.equal(first.samples.get('palisade_admission_requests_total{path="/validate",code="200"}'), 0);
      assert.ok(
        (first.samples.get('palisade_admission_certificate_expiry_timestamp_seconds') ?? 0) > Date.now() / 1000,
      );

      const deployment = review('reviews/create-deployment.json');
      await post(server.port, ca, deployment);
      await post(server.port, ca, inNamespace(deployment, 'dev', 'u2'));
      await post(server.port, ca, review('reviews/delete-pod.json'));
      await post(server.port, ca, review('reviews/delete-pod.json'), '/mutate');
      await send(server.port, ca, { body: '{', type: JSON_TYPE });

      const after = parseMetrics((await send(server.port, ca, { method: 'GET', path: '/metrics' })).body).samples;
      assert.equal(after.get('palisade_admission_requests_total{path="/validate",code="200"}'), 3);
      assert.equal(after.get('palisade_admission_requests_total{path="/validate",code="400"}'), 1);
      assert.equal(after.get('palisade_admission_requests_total{path="/mutate",code="200"}'), 1);
      assert.equal(after.get('palisade_admission_requests_total{path="/metrics",code="200"}'), 1);
      assert.equal(after.get('palisade_admission_requests_total{path="/healthz",code="200"}'), 1);
      assert.equal(after.get('palisade_admission_decisions_total{webhook="validate",result="denied"}'), 1);
      assert.equal(after.get('palisade_admission_decisions_total{webhook="validate",result="warned"}'), 1);
      assert.equal(after.get('palisade_admission_decisions_total{webhook="validate",result="allowed"}'), 1);
      assert.equal(after.get('palisade_admission_decisions_total{webhook="mutate",result="allowed"}'), 1);
      assert.equal(after.get('palisade_admission_mode_violations_total{mode="enforce"}'), 1);
      assert.equal(after.get('palisade_admission_mode_violations_total{mode="warn"}'), 2);
      assert.equal(after.get('palisade_admission_bad_requests_total'), 1);
      // The histogram: cumulative buckets 0.5 ms .. 1 s, +Inf = count = answered reviews.
      assert.equal(after.get(bucket('+Inf')), 3);
      assert.equal(after.get('palisade_admission_request_duration_seconds_count{path="/validate"}'), 3);
      assert.ok((after.get('palisade_admission_request_duration_seconds_sum{path="/validate"}') ?? 0) > 0);
      let previous = 0;
      for (const le of ADMISSION_LATENCY_BUCKETS) {
        const n = after.get(bucket(String(le)));
        assert.ok(n !== undefined && n >= previous && n <= 3, `bucket le=${le}: ${n}`);
        previous = n;
      }
      assert.equal(after.get(bucket('0.0005')) !== undefined && after.get(bucket('1')) !== undefined, true);
    } finally {
      await server.close();
    }
  });

  it('answers 400, 404, 405, 413 and 415, counting them, and never reaches the decision', async () => {
    const diagnostics: Diagnostic[] = [];
    let decided = 0;
    const server = await listen({
      maxBodyBytes: 4096,
      validate: () => {
        decided++;
        return { allowed: true, warnings: [], auditAnnotations: {} };
      },
      onDiagnostic: (d) => diagnostics.push(d),
    });
    try {
      const { port } = server;
      const notJson = await send(port, ca, {
        body: '{"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionRev',
        type: JSON_TYPE,
      });
      assert.equal(notJson.status, 400);
      assert.match(notJson.body, /^body is not valid JSON/);
      assert.doesNotMatch(notJson.body, /AdmissionRev/, 'the message does not quote the body');
      const wrongVersion = await send(port, ca, {
        body: JSON.stringify({ ...review('reviews/delete-pod.json'), apiVersion: 'admission.k8s.io/v1beta1' }),
        type: JSON_TYPE,
      });
      assert.equal(wrongVersion.status, 400);
      assert.match(wrongVersion.body, /not an admission\.k8s\.io\/v1 AdmissionReview request: apiVersion/);
      const noUid = review('reviews/delete-pod.json');
      noUid.request.uid = '';
      const missing = await send(port, ca, { path: '/mutate', body: JSON.stringify(noUid), type: JSON_TYPE });
      assert.equal(missing.status, 400);
      assert.match(missing.body, /request\.uid/);

      const big = JSON.stringify(review('reviews/create-deployment.json')).padEnd(5000, ' ');
      const declared = await send(port, ca, { body: big, type: JSON_TYPE });
      assert.equal(declared.status, 413);
      assert.match(declared.body, /larger than the limit of 4096 bytes/);
      const streamed = await send(port, ca, { body: big, type: JSON_TYPE, chunked: true }).catch((e: Error) => e);
      // 413 and the connection dropped: the client sees the answer, or at worst a reset.
      if (!(streamed instanceof Error)) assert.equal(streamed.status, 413);

      const plain = await send(port, ca, {
        body: JSON.stringify(review('reviews/delete-pod.json')),
        type: 'text/plain',
      });
      assert.equal(plain.status, 415);
      assert.equal((await send(port, ca, { body: '{}' })).status, 415, 'no content type');
      assert.equal((await send(port, ca, { method: 'GET' })).status, 405);
      assert.equal(
        (await send(port, ca, { method: 'POST', path: '/healthz', body: '{}', type: JSON_TYPE })).status,
        405,
      );
      assert.equal((await send(port, ca, { path: '/audit', body: '{}', type: JSON_TYPE })).status, 404);
      // Still serving after all that.
      assert.equal((await send(port, ca, { method: 'GET', path: '/healthz' })).status, 200);
    } finally {
      await server.close();
    }
    assert.equal(decided, 0);
    const m = parseMetrics(server.metrics()).samples;
    assert.equal(m.get('palisade_admission_bad_requests_total'), 3);
    assert.equal(m.get('palisade_admission_body_too_large_total'), 2);
    assert.equal(m.get('palisade_admission_requests_total{path="/validate",code="415"}'), 2);
    assert.equal(m.get('palisade_admission_requests_total{path="other",code="404"}'), 1);
    assert.equal(diagnostics.filter((d) => d.code === 'admission.webhook.bad-request').length, 3);
    assert.equal(diagnostics.filter((d) => d.code === 'admission.webhook.oversized-body').length, 2);
  });

  it('answers by the failure policy when the decision overruns its time budget or throws', async () => {
    const slow = (ms: number) => () =>
      new Promise<{ allowed: boolean; warnings: string[]; auditAnnotations: Record<string, string> }>((resolve) =>
        setTimeout(() => resolve({ allowed: true, warnings: [], auditAnnotations: {} }), ms),
      );
    const deployment = review('reviews/create-deployment.json');
    const diagnostics: Diagnostic[] = [];
    const closed = await listen({ timeoutMs: 50, validate: slow(1000), onDiagnostic: (d) => diagnostics.push(d) });
    try {
      const started = Date.now();
      const answer = await post(closed.port, ca, deployment);
      assert.ok(Date.now() - started < 900, 'answered at the budget, not when the decision ended');
      assert.equal(answer.response.uid, deployment.request.uid);
      assert.equal(answer.response.allowed, false);
      assert.equal(answer.response.status?.code, 504);
      assert.equal(answer.response.status?.reason, 'Timeout');
      assert.match(
        answer.response.status?.message ?? '',
        /deployments\.apps "web" is forbidden: Palisade cannot evaluate it \(failure policy Fail\): no decision within the time budget of 50 ms/,
      );
      assert.match(answer.response.auditAnnotations?.error ?? '', /time budget/);
    } finally {
      await closed.close();
    }
    assert.ok(diagnostics.some((d) => d.code === 'admission.webhook.timeout'));
    assert.equal(
      parseMetrics(closed.metrics()).samples.get(
        'palisade_admission_failure_policy_total{webhook="validate",reason="timeout",policy="Fail"}',
      ),
      1,
    );

    // A synchronous decision cannot be interrupted, but its late answer is replaced all the same.
    const busyWait = (): { allowed: boolean; warnings: string[]; auditAnnotations: Record<string, string> } => {
      const end = performance.now() + 80;
      while (performance.now() < end) {
        // spin
      }
      return { allowed: true, warnings: [], auditAnnotations: {} };
    };
    const open = await listen({ timeoutMs: 20, validate: busyWait, failurePolicy: 'Ignore' });
    try {
      const answer = await post(open.port, ca, deployment);
      assert.equal(answer.response.allowed, true);
      assert.match(
        answer.response.warnings?.[0] ?? '',
        /Palisade could not evaluate deployments\.apps "web": no decision within/,
      );
    } finally {
      await open.close();
    }

    const failing = await listen({
      validate: () => {
        throw new Error('engine exploded');
      },
    });
    try {
      const answer = await post(failing.port, ca, deployment);
      assert.equal(answer.response.allowed, false);
      assert.equal(answer.response.status?.code, 500);
      assert.match(answer.response.status?.message ?? '', /internal error: engine exploded/);
    } finally {
      await failing.close();
    }
  });

  it('/mutate allows unchanged without a hook, patches with one, and fails open', async () => {
    const pod = review('reviews/create-pod-restricted.json');
    const plain = await listen();
    try {
      const answer = await post(plain.port, ca, pod, '/mutate');
      assert.deepEqual(answer.response, { uid: pod.request.uid, allowed: true });
    } finally {
      await plain.close();
    }
    const patch = [{ op: 'add' as const, path: '/metadata/labels/mutated', value: 'yes' }];
    const seen: string[] = [];
    const patching = await listen({
      mutate: (request, { namespaceLabels }) => {
        seen.push(`${request.uid} ${namespaceLabels?.['palisade.io/enforce']}`);
        return patch;
      },
    });
    try {
      const answer = await post(patching.port, ca, pod, '/mutate');
      assert.equal(answer.response.allowed, true);
      assert.equal(answer.response.patchType, 'JSONPatch');
      assert.deepEqual(JSON.parse(Buffer.from(answer.response.patch ?? '', 'base64').toString('utf8')), patch);
      assert.equal(answer.response.auditAnnotations?.mutated, 'add /metadata/labels/mutated');
      assert.deepEqual(seen, [`${pod.request.uid} baseline`], 'the hook gets the namespace labels of the file');
      // The hook is only for /mutate: /validate never patches.
      const validated = await post(patching.port, ca, pod);
      assert.equal(validated.response.patch, undefined);
      assert.equal(seen.length, 1);
    } finally {
      await patching.close();
    }
    // The object form (mutate.ts' MutationResult): its annotations replace the summary.
    const annotated = await listen({
      mutate: () => ({ patch, annotations: { mutations: 'added a label' }, warnings: ['mutated'] }),
    });
    try {
      const answer = await post(annotated.port, ca, pod, '/mutate');
      assert.deepEqual(answer.response.auditAnnotations, { mutations: 'added a label' });
      assert.deepEqual(answer.response.warnings, ['mutated']);
      assert.equal(answer.response.patchType, 'JSONPatch');
    } finally {
      await annotated.close();
    }
    const broken = await listen({
      failurePolicy: 'Fail',
      mutate: () => {
        throw new Error('cannot read the image');
      },
    });
    try {
      const answer = await post(broken.port, ca, pod, '/mutate');
      assert.equal(answer.response.allowed, true, 'mutation fails open whatever the failure policy');
      assert.equal(answer.response.patch, undefined);
      assert.match(
        answer.response.warnings?.[0] ?? '',
        /could not add secure defaults to pods "restricted-pod"|could not add secure defaults to pods/,
      );
      assert.match(answer.response.auditAnnotations?.error ?? '', /cannot read the image/);
    } finally {
      await broken.close();
    }
  });

  it('refuses reviews beyond maxInFlight with 429', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const server = await listen({
      maxInFlight: 1,
      validate: async () => {
        await gate;
        return { allowed: true, warnings: [], auditAnnotations: {} };
      },
    });
    try {
      const body = JSON.stringify(review('reviews/delete-pod.json'));
      const first = send(server.port, ca, { body, type: JSON_TYPE });
      // Wait until the first review holds the only slot.
      for (let i = 0; i < 100 && !server.metrics().includes('palisade_admission_in_flight 1'); i++) {
        await new Promise((r) => setTimeout(r, 10));
      }
      const second = await send(server.port, ca, { body, type: JSON_TYPE });
      assert.equal(second.status, 429);
      release();
      assert.equal((await first).status, 200);
      const third = await send(server.port, ca, { body, type: JSON_TYPE });
      assert.equal(third.status, 200, 'the slot is free again');
    } finally {
      release();
      await server.close();
    }
    assert.equal(parseMetrics(server.metrics()).samples.get('palisade_admission_busy_total'), 1);
  });

  it('reloads the certificate and the namespace labels when the files change, keeping good ones over bad', async () => {
    const fp = (name: string): string => new X509Certificate(readFileSync(join(dir, name))).fingerprint256;
    const diagnostics: Diagnostic[] = [];
    const server = await listen({ reloadDelayMs: 50, onDiagnostic: (d) => diagnostics.push(d) });
    const deployment = review('reviews/create-deployment.json');
    try {
      assert.equal((await send(server.port, ca, { method: 'GET', path: '/healthz' })).fingerprint, fp('leaf-1.crt'));
      // Key first, then certificate: in between the pair does not match and must not be installed.
      copyFileSync(join(dir, 'leaf-2.key'), join(dir, 'tls.key'));
      copyFileSync(join(dir, 'leaf-2.crt'), join(dir, 'tls.crt'));
      let now = '';
      for (let i = 0; i < 60 && now !== fp('leaf-2.crt'); i++) {
        await new Promise((r) => setTimeout(r, 50));
        now = (await send(server.port, ca, { method: 'GET', path: '/healthz' })).fingerprint;
      }
      assert.equal(now, fp('leaf-2.crt'));

      // A broken certificate keeps leaf-2.
      writeFileSync(join(dir, 'tls.crt'), '-----BEGIN CERTIFICATE-----\ntruncated');
      assert.equal(await server.reload(), false);
      assert.equal((await send(server.port, ca, { method: 'GET', path: '/healthz' })).fingerprint, fp('leaf-2.crt'));
      assert.ok(
        diagnostics.some((d) => d.code === 'admission.webhook.tls-reload-failed' && /tls\.crt/.test(d.message)),
      );

      // shop stops enforcing: the same Deployment is allowed once the file is reloaded.
      assert.equal((await post(server.port, ca, deployment)).response.allowed, false);
      writeFileSync(
        namespacesFile,
        NAMESPACES.replace('palisade.io/enforce: baseline', 'palisade.io/enforce: privileged'),
      );
      let allowed = false;
      for (let i = 0; i < 60 && !allowed; i++) {
        await new Promise((r) => setTimeout(r, 50));
        allowed = (await post(server.port, ca, deployment)).response.allowed;
      }
      assert.equal(allowed, true);
      // A broken namespace file keeps the labels loaded last.
      writeFileSync(namespacesFile, 'apiVersion: v1\nkind: Namespace\nmetadata: {}\n');
      assert.equal(await server.reload(), false);
      assert.ok(
        diagnostics.some(
          (d) =>
            d.code === 'admission.webhook.namespaces-reload-failed' &&
            /namespaces\.yaml.*not a v1 Namespace: metadata\.name/.test(d.message),
        ),
      );
      assert.equal((await post(server.port, ca, deployment)).response.allowed, true);
    } finally {
      await server.close();
      copyFileSync(join(dir, 'leaf-1.crt'), join(dir, 'tls.crt'));
      copyFileSync(join(dir, 'leaf-1.key'), join(dir, 'tls.key'));
      writeFileSync(namespacesFile, NAMESPACES);
    }
    const m = parseMetrics(server.metrics()).samples;
    assert.ok((m.get('palisade_admission_reloads_total{file="tls",result="ok"}') ?? 0) >= 1);
    assert.ok((m.get('palisade_admission_reloads_total{file="tls",result="error"}') ?? 0) >= 1);
    assert.ok((m.get('palisade_admission_reloads_total{file="namespaces",result="ok"}') ?? 0) >= 1);
  });

  it('fails readiness while closing, and refuses to start on bad files', async () => {
    const server = await listen();
    assert.equal(server.ready().ready, true);
    const closing = server.close();
    assert.equal(server.ready().ready, false);
    assert.ok(server.ready().lines.includes('server: shutting down'));
    await closing;

    await assert.rejects(
      listen({ certFile: join(dir, 'missing.crt') }),
      /missing\.crt: cannot read the TLS certificate/,
    );
    await assert.rejects(
      listen({ certFile: join(dir, 'leaf-2.crt') }),
      /leaf-2\.crt: the TLS certificate does not load with the key .*tls\.key/,
    );
    const bad = join(dir, 'bad-namespaces.yaml');
    writeFileSync(bad, 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: x }\n');
    await assert.rejects(listen({ namespaceLabelsFile: bad }), /bad-namespaces\.yaml:1.*not a v1 Namespace: kind/);
    await assert.rejects(
      listen({ context: { config: { admission: { defaults: { enforce: 'nonsense' } } } } }),
      /admission\.defaults\.enforce: unknown level "nonsense"/,
    );
  });
});

/** Resolves once `pred` holds, checked after each event, lookup or list the source reports. */
function sourceUntil(source: NamespaceLabelSource, pred: () => boolean): Promise<void> {
  if (pred()) return Promise.resolve();
  return new Promise((resolve) => {
    const check = (): void => {
      if (!pred()) return;
      stop();
      resolve();
    };
    const stop = source.subscribe({ event: check, list: check, lookup: check, restart: check });
  });
}

describe('admission webhook with namespace labels from the Kubernetes API', { skip: OPENSSL_SKIP }, () => {
  let dir = '';
  let ca: Buffer;
  let api: FakeKubeApi;
  let kubeconfig = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'palisade-admission-api-'));
    makeServingCerts(dir, ['tls', 'api']);
    ca = readFileSync(join(dir, 'ca.crt'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  beforeEach(async () => {
    api = await startFakeKubeApi(dir);
    api.set('team-a');
    api.set('dev', { 'palisade.io/warn': 'baseline' });
    kubeconfig = join(dir, 'kubeconfig.yaml');
    writeFileSync(kubeconfig, api.kubeconfig());
  });
  afterEach(() => api.close());

  const privileged = (namespace: string, uid: string): Review =>
    inNamespace(review('vap/requests/create-pod-privileged.json'), namespace, uid);

  async function listen(
    source: NamespaceLabelSource,
    options: Partial<AdmissionServerOptions> = {},
  ): Promise<AdmissionServer> {
    return startAdmissionServer({
      certFile: join(dir, 'tls.crt'),
      keyFile: join(dir, 'tls.key'),
      host: '127.0.0.1',
      port: 0,
      reloadIntervalMs: 0,
      namespaceSource: source,
      ...options,
    });
  }

  it('is not ready before the first list, then decides with the live labels as they change', async () => {
    const release = api.holdLists();
    const source = await watchNamespaces({ kubeconfigFile: kubeconfig, backoff: { initialMs: 5, maxMs: 20 } });
    const server = await listen(source);
    try {
      const waiting = await send(server.port, ca, { method: 'GET', path: '/readyz' });
      assert.equal(waiting.status, 503, waiting.body);
      assert.match(waiting.body, /^not ready\n/);
      assert.match(
        waiting.body,
        /namespaces: waiting for the first list of Namespaces from https:\/\/127\.0\.0\.1:\d+/,
      );
      release();
      assert.equal(await source.whenSynced(), true);
      const ready = await send(server.port, ca, { method: 'GET', path: '/readyz' });
      assert.equal(ready.status, 200, ready.body);
      assert.match(
        ready.body,
        /namespaces: ok \(2 from https:\/\/127\.0\.0\.1:\d+, listed \S+, (watching|reconnecting)/,
      );

      // team-a has no mode labels: the defaults (privileged) allow the privileged pod.
      assert.equal((await post(server.port, ca, privileged('team-a', 'u1'))).response.allowed, true);
      await api.watchOpened(1);
      api.set('team-a', { 'palisade.io/enforce': 'restricted' });
      await sourceUntil(source, () => source.get('team-a')?.['palisade.io/enforce'] === 'restricted');
      const denied = await post(server.port, ca, privileged('team-a', 'u2'));
      assert.equal(denied.response.allowed, false);
      assert.equal(denied.response.status?.code, 403);
      assert.match(denied.response.status?.message ?? '', /violates Palisade policy "restricted:latest"/);

      // Deleted: forgotten, then read once more (404): no labels, the defaults again.
      api.remove('team-a');
      await sourceUntil(source, () => source.get('team-a') === undefined);
      assert.equal((await post(server.port, ca, privileged('team-a', 'u3'))).response.allowed, true);
      assert.equal(api.calls.get, 1);

      // 410: re-listed.
      api.expire();
      await sourceUntil(source, () => api.calls.list === 2);
      await api.watchOpened(2);
    } finally {
      await server.close();
    }
    const m = parseMetrics(server.metrics()).samples;
    assert.equal(m.get('palisade_admission_namespace_watch_events_total{type="MODIFIED"}'), 1);
    assert.equal(m.get('palisade_admission_namespace_watch_events_total{type="DELETED"}'), 1);
    assert.equal(m.get('palisade_admission_namespace_watch_events_total{type="ERROR"}'), 1);
    assert.equal(m.get('palisade_admission_namespace_watch_restarts_total{reason="expired"}'), 1);
    assert.equal(m.get('palisade_admission_namespace_lists_total{result="ok"}'), 2);
    assert.equal(m.get('palisade_admission_namespace_lookups_total{result="hit"}'), 2);
    assert.equal(m.get('palisade_admission_namespace_lookups_total{result="not-found"}'), 1);
    assert.equal(m.get('palisade_admission_namespaces'), 1);
    assert.equal(await source.whenSynced(), true);
    assert.equal(source.state().watching, false, 'closed with the server');
  });

  it('reads a namespace the watch has not seen before deciding, on /validate and /mutate', async () => {
    const source = await watchNamespaces({ kubeconfigFile: kubeconfig });
    const seen: string[] = [];
    const server = await listen(source, {
      mutate: (request, { namespaceLabels }) => {
        seen.push(`${request.namespace} ${namespaceLabels?.['palisade.io/mutate']}`);
        return [];
      },
    });
    try {
      await source.whenSynced();
      api.set('fresh', { 'palisade.io/enforce': 'baseline', 'palisade.io/mutate': 'true' }, { silent: true });
      const denied = await post(server.port, ca, privileged('fresh', 'u1'));
      assert.equal(denied.response.allowed, false);
      assert.match(denied.response.status?.message ?? '', /violates Palisade policy "baseline:latest"/);
      assert.equal(api.calls.get, 1);
      await post(server.port, ca, privileged('fresh', 'u2'), '/mutate');
      assert.deepEqual(seen, ['fresh true']);
      assert.equal(api.calls.get, 1, 'the GET answer is cached');
    } finally {
      await server.close();
    }
  });

  it('reports list and lookup failures and applies the failure policy when labels cannot be read', async () => {
    const denied = join(dir, 'denied.yaml');
    writeFileSync(denied, api.kubeconfig().replace(/token: .*/, 'token: wrong'));
    const source = await watchNamespaces({ kubeconfigFile: denied, backoff: { initialMs: 5, maxMs: 20 } });
    const diagnostics: Diagnostic[] = [];
    const server = await listen(source, { onDiagnostic: (d) => diagnostics.push(d) });
    try {
      await sourceUntil(source, () => source.state().lastError !== undefined);
      const ready = await send(server.port, ca, { method: 'GET', path: '/readyz' });
      assert.equal(ready.status, 503);
      assert.match(ready.body, /namespaces: waiting for the first list .*\(last error: HTTP 401\)/);
      const answer = await post(server.port, ca, privileged('team-a', 'u1'));
      assert.equal(answer.response.allowed, false, 'failure policy Fail');
      assert.equal(answer.response.status?.code, 500);
      assert.match(
        answer.response.status?.message ?? '',
        /failed to look up namespace "team-a": cannot read Namespace "team-a" from https:\/\/127\.0\.0\.1:\d+: HTTP 401/,
      );
    } finally {
      await server.close();
    }
    const watchFailed = diagnostics.find((d) => d.code === 'admission.webhook.namespace-watch-failed');
    assert.match(
      watchFailed?.message ?? '',
      /^cannot list Namespaces from https:\/\/127\.0\.0\.1:\d+: HTTP 401; retrying in \d+ ms$/,
    );
    assert.match(watchFailed?.location.file ?? '', /^<namespaces from https:\/\/127\.0\.0\.1:\d+>$/);
    assert.ok(diagnostics.some((d) => d.code === 'admission.webhook.namespace-lookup-failed'));
    const m = parseMetrics(server.metrics()).samples;
    assert.ok((m.get('palisade_admission_namespace_lists_total{result="error"}') ?? 0) >= 1);
    assert.equal(m.get('palisade_admission_namespace_lookups_total{result="error"}'), 1);
  });

  it('refuses a namespace labels file and a source together, and closes the source', async () => {
    const source = await watchNamespaces({ kubeconfigFile: kubeconfig });
    const file = join(dir, 'namespaces.yaml');
    writeFileSync(file, 'apiVersion: v1\nkind: Namespace\nmetadata: { name: x }\n');
    await assert.rejects(listen(source, { namespaceLabelsFile: file }), /from a file or from the API server, not both/);
    assert.equal(await source.whenSynced(), false);
    assert.equal(api.calls.list, 0);
  });
});

describe('admission webhook client authentication', { skip: OPENSSL_SKIP }, () => {
  let dir = '';
  let ca: Buffer;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'palisade-admission-auth-'));
    makeServingCerts(dir, ['tls']);
    // The API server's client certificate (its AdmissionConfiguration kubeconfig's
    // client-certificate/client-key), and one with the same names from another CA.
    makeCa(dir, 'other-ca');
    makeLeaf(dir, 'client', 'ca', 'kube-apiserver', 'clientAuth', 'DNS:apiserver.palisade.test');
    makeLeaf(dir, 'rogue', 'other-ca', 'kube-apiserver', 'clientAuth', 'DNS:apiserver.palisade.test');
    ca = readFileSync(join(dir, 'ca.crt'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const pem = (name: string): Buffer => readFileSync(join(dir, name));
  const client = (): { cert: Buffer; key: Buffer } => ({ cert: pem('client.crt'), key: pem('client.key') });
  const rogue = (): { cert: Buffer; key: Buffer } => ({ cert: pem('rogue.crt'), key: pem('rogue.key') });
  const body = (): string => readFileSync(join(FIX, 'reviews/create-pod-restricted.json'), 'utf8');
  const post = { body: '', type: JSON_TYPE };
  const review = (): SendInit => ({ ...post, body: body() });

  /** A server whose decision allows everything and counts its calls. */
  async function listen(
    options: Partial<AdmissionServerOptions>,
  ): Promise<{ server: AdmissionServer; decided: () => number; diagnostics: Diagnostic[] }> {
    let calls = 0;
    const diagnostics: Diagnostic[] = [];
    const server = await startAdmissionServer({
      certFile: join(dir, 'tls.crt'),
      keyFile: join(dir, 'tls.key'),
      host: '127.0.0.1',
      port: 0,
      reloadIntervalMs: 0,
      validate: () => {
        calls++;
        return { allowed: true, warnings: [], auditAnnotations: {} };
      },
      onDiagnostic: (d) => diagnostics.push(d),
      ...options,
    });
    return { server, decided: () => calls, diagnostics };
  }

  /** The answer must be an AdmissionReview (the decision was reached). */
  function decision(reply: HttpsReply): AdmissionReviewResponse {
    assert.equal(reply.status, 200, reply.body);
    return JSON.parse(reply.body) as AdmissionReviewResponse;
  }

  const refusals = (diagnostics: Diagnostic[]): string[] =>
    diagnostics.filter((d) => d.code === 'admission.webhook.unauthorized').map((d) => d.message);

  /** /healthz, /readyz and /metrics answer 200 without a certificate or token. */
  async function probesOpen(port: number): Promise<string> {
    for (const path of ['/healthz', '/metrics']) {
      assert.equal((await send(port, ca, { method: 'GET', path })).status, 200, path);
    }
    const ready = await send(port, ca, { method: 'GET', path: '/readyz' });
    assert.equal(ready.status, 200, ready.body);
    return ready.body;
  }

  it('with a client CA: 401 without a certificate or with another CA, the decision with a good one', async () => {
    const { server, decided, diagnostics } = await listen({ clientCaFile: join(dir, 'ca.crt') });
    try {
      const port = server.port;
      const none = await send(port, ca, review());
      assert.deepEqual([none.status, none.body, none.type], [401, 'unauthorized\n', 'text/plain; charset=utf-8']);
      assert.equal(none.challenge, undefined, 'no Bearer challenge without a token file');
      assert.equal((await send(port, ca, { ...review(), path: '/mutate' })).status, 401);
      assert.equal((await send(port, ca, { ...review(), ...rogue() })).status, 401);
      // Refused before the method, the content type and the body are looked at.
      assert.equal((await send(port, ca, { method: 'GET' })).status, 401);
      const big = await send(port, ca, {
        body: Buffer.alloc(512 * 1024, 0x20),
        type: JSON_TYPE,
        chunked: true,
      }).catch((e: Error) => e);
      if (!(big instanceof Error)) assert.equal(big.status, 401);
      assert.equal(decided(), 0, 'no refused request reaches the decision');
      const ready = await probesOpen(port);
      assert.match(ready, /\nclient authentication: ok \(client certificate signed by .*ca\.crt\)\n/);

      const good = decision(await send(port, ca, { ...review(), ...client() }));
      assert.equal(good.response.allowed, true);
      assert.equal(
        decision(await send(port, ca, { ...review(), ...client(), path: '/mutate' })).response.allowed,
        true,
      );
      assert.equal(decided(), 1);
    } finally {
      await server.close();
    }
    const m = parseMetrics(server.metrics()).samples;
    assert.equal(m.get('palisade_admission_requests_total{path="/validate",code="401"}'), 4);
    assert.equal(m.get('palisade_admission_requests_total{path="/mutate",code="401"}'), 1);
    assert.equal(m.get('palisade_admission_requests_total{path="/validate",code="200"}'), 1);
    assert.equal(m.get('palisade_admission_unauthorized_total{reason="no-certificate"}'), 4);
    assert.equal(m.get('palisade_admission_unauthorized_total{reason="certificate-not-verified"}'), 1);
    assert.equal(m.get('palisade_admission_unauthorized_total{reason="no-token"}'), undefined, 'no token configured');
    assert.equal(m.get('palisade_admission_requests_total{path="/validate",code="403"}'), undefined, 'no names');
    const messages = refusals(diagnostics);
    assert.equal(messages.length, 5);
    assert.match(messages[0] ?? '', /^request from 127\.0\.0\.1 refused with 401: no client certificate$/);
    assert.match(messages[2] ?? '', /client certificate not verified against .*ca\.crt \([A-Z_]+\)/);
    assert.ok(diagnostics.every((d) => d.code !== 'admission.webhook.unauthorized' || d.level === 'warning'));
    assert.match(diagnostics[0]?.location.file ?? '', /^<admission request \d+ from 127\.0\.0\.1>$/);
  });

  it('answers 403 to a verified certificate whose CN and DNS names are not allowed', async () => {
    const other = await listen({ clientCaFile: join(dir, 'ca.crt'), allowedClientNames: ['system:other'] });
    try {
      const r = await send(other.server.port, ca, { ...review(), ...client() });
      assert.deepEqual([r.status, r.body, r.challenge], [403, 'forbidden\n', undefined]);
      assert.equal((await send(other.server.port, ca, review())).status, 401, 'no certificate is still 401');
      assert.equal(other.decided(), 0);
    } finally {
      await other.server.close();
    }
    const m = parseMetrics(other.server.metrics()).samples;
    assert.equal(m.get('palisade_admission_requests_total{path="/validate",code="403"}'), 1);
    assert.equal(m.get('palisade_admission_requests_total{path="/mutate",code="403"}'), 0);
    assert.equal(m.get('palisade_admission_unauthorized_total{reason="name-not-allowed"}'), 1);
    assert.match(refusals(other.diagnostics)[0] ?? '', /403: .*"kube-apiserver", "apiserver\.palisade\.test"/);
    for (const names of [['kube-apiserver'], ['apiserver.palisade.test']]) {
      const { server } = await listen({ clientCaFile: join(dir, 'ca.crt'), allowedClientNames: names });
      try {
        assert.equal(decision(await send(server.port, ca, { ...review(), ...client() })).response.allowed, true);
        const ready = await probesOpen(server.port);
        assert.match(
          ready,
          new RegExp(`client certificate signed by .*ca\\.crt named ${names[0]?.replace('.', '\\.')}\\)`),
        );
      } finally {
        await server.close();
      }
    }
  });

  it('with a token file: 401 and a Bearer challenge without the right token, the decision with it', async () => {
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, '  admission-s3cret\n');
    const { server, decided, diagnostics } = await listen({ tokenFile });
    try {
      const port = server.port;
      for (const init of [
        {},
        { token: 'wrong-token-of-some-length' },
        { token: 'admission-s3creT' }, // same length
        { token: '' },
        { authorization: 'Basic YWRtaXNzaW9uLXMzY3JldA==' },
      ]) {
        const r = await send(port, ca, { ...review(), ...init });
        assert.equal(r.status, 401, JSON.stringify(init));
        assert.equal(r.challenge, 'Bearer realm="palisade"');
      }
      const ready = await probesOpen(port);
      assert.match(ready, /client authentication: ok \(bearer token from .*token, token loaded \d{4}-/);
      assert.equal(decided(), 0);
      assert.equal(decision(await send(port, ca, { ...review(), token: 'admission-s3cret' })).response.allowed, true);
      const mutated = await send(port, ca, {
        ...review(),
        path: '/mutate',
        authorization: 'bearer  admission-s3cret ',
      });
      assert.equal(decision(mutated).response.allowed, true);
    } finally {
      await server.close();
    }
    assert.equal(decided(), 1);
    const m = parseMetrics(server.metrics()).samples;
    assert.equal(m.get('palisade_admission_requests_total{path="/validate",code="401"}'), 5);
    assert.equal(m.get('palisade_admission_unauthorized_total{reason="no-token"}'), 1);
    assert.equal(m.get('palisade_admission_unauthorized_total{reason="wrong-token"}'), 2);
    assert.equal(m.get('palisade_admission_unauthorized_total{reason="not-bearer"}'), 2);
    assert.equal(m.get('palisade_admission_unauthorized_total{reason="no-certificate"}'), undefined);
    const messages = refusals(diagnostics);
    assert.equal(messages.length, 5);
    assert.match(messages[0] ?? '', /refused with 401: no bearer token/);
    assert.match(messages[1] ?? '', /the bearer token does not match .*token$/);
    for (const m of messages) assert.doesNotMatch(m, /wrong-token|s3cre|YWRta/, 'never echo a presented token');
  });

  it('with both: a certificate alone or a token alone is 401, both reach the decision', async () => {
    const tokenFile = join(dir, 'token-both');
    writeFileSync(tokenFile, 'both-token\n');
    const { server, decided } = await listen({
      clientCaFile: join(dir, 'ca.crt'),
      allowedClientNames: ['kube-apiserver'],
      tokenFile,
    });
    try {
      const certOnly = await send(server.port, ca, { ...review(), ...client() });
      assert.deepEqual([certOnly.status, certOnly.challenge], [401, 'Bearer realm="palisade"']);
      assert.equal((await send(server.port, ca, { ...review(), token: 'both-token' })).status, 401);
      assert.equal((await send(server.port, ca, { ...review(), ...rogue(), token: 'both-token' })).status, 401);
      assert.equal((await send(server.port, ca, { ...review(), ...client(), token: 'other' })).status, 401);
      const both = await send(server.port, ca, { ...review(), ...client(), token: 'both-token' });
      assert.equal(decision(both).response.allowed, true);
      const ready = await probesOpen(server.port);
      assert.match(
        ready,
        /client authentication: ok \(client certificate signed by .*ca\.crt named kube-apiserver and bearer token from .*token-both, token loaded /,
      );
    } finally {
      await server.close();
    }
    assert.equal(decided(), 1);
    const m = parseMetrics(server.metrics()).samples;
    assert.equal(m.get('palisade_admission_requests_total{path="/validate",code="401"}'), 4);
    // Counted by the first failed check: the certificate is checked before the token.
    assert.equal(m.get('palisade_admission_unauthorized_total{reason="no-token"}'), 1);
    assert.equal(m.get('palisade_admission_unauthorized_total{reason="no-certificate"}'), 1);
    assert.equal(m.get('palisade_admission_unauthorized_total{reason="certificate-not-verified"}'), 1);
    assert.equal(m.get('palisade_admission_unauthorized_total{reason="wrong-token"}'), 1);
  });

  it('picks up a rotated token file by itself, and keeps the previous token when the new file is empty', async () => {
    const tokenFile = join(dir, 'token-rotated');
    writeFileSync(tokenFile, 'first-token');
    const { server, diagnostics } = await listen({ tokenFile, reloadDelayMs: 20, reloadIntervalMs: 200 });
    const status = async (token: string): Promise<number> =>
      (await send(server.port, ca, { ...review(), token })).status;
    try {
      assert.equal(await status('first-token'), 200);
      writeFileSync(tokenFile, 'second-token\n');
      let seen = 0;
      for (let i = 0; i < 60 && seen !== 200; i++) {
        await new Promise((r) => setTimeout(r, 50));
        seen = await status('second-token');
      }
      assert.equal(seen, 200, 'the new token is accepted');
      assert.equal(await status('first-token'), 401, 'the old token is refused');
      writeFileSync(tokenFile, '\n');
      assert.equal(await server.reload(), false);
      assert.equal(await status('second-token'), 200, 'an empty file keeps the previous token');
      const ready = await probesOpen(server.port);
      assert.match(
        ready,
        /client authentication: ok \(bearer token from .*token-rotated, token loaded .*, \d+ failed token reload/,
      );
    } finally {
      await server.close();
    }
    const m = parseMetrics(server.metrics()).samples;
    assert.equal(m.get('palisade_admission_reloads_total{file="token",result="ok"}'), 1);
    assert.ok((m.get('palisade_admission_reloads_total{file="token",result="error"}') ?? 0) >= 1);
    const failed = diagnostics.filter((d) => d.code === 'admission.webhook.token-reload-failed');
    assert.ok(failed.length >= 1);
    assert.equal(failed[0]?.location.file, tokenFile);
    assert.equal(failed[0]?.level, 'warning');
    assert.match(failed[0]?.message ?? '', /keeping the previous one.*token-rotated: the token file is empty/);
  });

  it('reloads the client CA with the certificate, and keeps it when the new file is bad', async () => {
    const caFile = join(dir, 'client-ca.crt');
    copyFileSync(join(dir, 'ca.crt'), caFile);
    const { server, diagnostics } = await listen({ clientCaFile: caFile });
    try {
      writeFileSync(caFile, '-----BEGIN CERTIFICATE-----\ntruncated');
      assert.equal(await server.reload(), false);
      assert.equal((await send(server.port, ca, { ...review(), ...client() })).status, 200, 'previous CA kept');
      copyFileSync(join(dir, 'other-ca.crt'), caFile);
      assert.equal(await server.reload(), true);
      assert.equal((await send(server.port, ca, { ...review(), ...rogue() })).status, 200, 'new CA installed');
      assert.equal((await send(server.port, ca, { ...review(), ...client() })).status, 401, 'old CA gone');
      // The serving certificate is unchanged by a CA reload.
      const health = await send(server.port, ca, { method: 'GET', path: '/healthz' });
      assert.equal(health.fingerprint, new X509Certificate(pem('tls.crt')).fingerprint256);
    } finally {
      await server.close();
    }
    const m = parseMetrics(server.metrics()).samples;
    assert.equal(m.get('palisade_admission_reloads_total{file="tls",result="ok"}'), 1);
    assert.equal(m.get('palisade_admission_reloads_total{file="tls",result="error"}'), 1);
    const failed = diagnostics.filter((d) => d.code === 'admission.webhook.tls-reload-failed');
    assert.equal(failed.length, 1);
    assert.equal(failed[0]?.location.file, caFile);
    assert.match(
      failed[0]?.message ?? '',
      /^cannot reload the TLS certificate\/key\/client CA \(keeping the previous ones\): .*client-ca\.crt: the client CA file has an incomplete PEM certificate/,
    );
  });

  it('says so in readiness without client authentication, and refuses options and files that cannot work', async () => {
    const { server } = await listen({});
    try {
      assert.match(await probesOpen(server.port), /client authentication: none \(any client that can reach the port/);
      assert.equal(decision(await send(server.port, ca, review())).response.allowed, true);
    } finally {
      await server.close();
    }
    const empty = join(dir, 'empty-token');
    writeFileSync(empty, ' \n');
    const base = { certFile: join(dir, 'tls.crt'), keyFile: join(dir, 'tls.key'), host: '127.0.0.1', port: 0 };
    await assert.rejects(startAdmissionServer({ ...base, tokenFile: empty }), /empty-token: the token file is empty/);
    await assert.rejects(
      startAdmissionServer({ ...base, tokenFile: join(dir, 'no-such-token') }),
      /no-such-token: cannot read the token file: ENOENT/,
    );
    await assert.rejects(
      startAdmissionServer({ ...base, clientCaFile: join(dir, 'tls.cnf') }),
      /tls\.cnf: the client CA file has no PEM certificate/,
    );
    await assert.rejects(
      startAdmissionServer({ ...base, allowedClientNames: ['kube-apiserver'] }),
      /allowedClientNames needs clientCaFile/,
    );
  });
});
