/**
 * `palisade admission serve` end to end: real HTTPS on 127.0.0.1 with an openssl-made CA,
 * AdmissionReviews from test/fixtures/admission posted as the API server would, namespace labels
 * from a file, ValidatingAdmissionPolicies from --policies, stopped by an abort signal as by
 * SIGTERM. Skipped when openssl is not installed.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import type { AdmissionReviewResponse } from '#admission';
import { captureIo } from '#test/helpers/cli.ts';
import { httpsSend } from '#test/helpers/https.ts';
import { startFakeKubeApi } from '#test/helpers/kube-api.ts';
import { makeLeaf, makeServingCerts, OPENSSL_SKIP } from '#test/helpers/tls.ts';
import { run } from '../main.ts';
import { admissionCommand } from './admission.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const FIX = join(ROOT, 'test/fixtures/admission');

/** One request to the webhook; resolves with the status code and the body. */
async function call(port: number, ca: Buffer, method: string, path: string, body?: string): Promise<[number, string]> {
  const reply = await httpsSend(port, ca, {
    method,
    path,
    ...(body === undefined ? {} : { body, type: 'application/json' }),
  });
  return [reply.status, reply.body];
}

async function waitFor(pred: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !pred(); i++) await new Promise((r) => setTimeout(r, 25));
  assert.ok(pred(), `timed out waiting for ${what}`);
}

describe('palisade admission serve', { skip: OPENSSL_SKIP }, () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'palisade-cli-admission-'));
    makeServingCerts(dir, ['tls', 'api']);
    writeFileSync(
      join(dir, 'namespaces.json'),
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'NamespaceList',
        items: [
          {
            apiVersion: 'v1',
            kind: 'Namespace',
            metadata: { name: 'shop', labels: { 'palisade.io/enforce': 'baseline' } },
          },
          { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } },
          {
            apiVersion: 'v1',
            kind: 'Namespace',
            metadata: { name: 'payments', labels: { 'palisade.io/mutate': 'true' } },
          },
        ],
      }),
    );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('serves /validate, /mutate, /readyz and /metrics until stopped, then exits 0', async () => {
    const cap = captureIo();
    const controller = new AbortController();
    const program = new Command('palisade').exitOverride();
    program.addCommand(admissionCommand(cap.io, { signal: controller.signal }).exitOverride());
    const done = program.parseAsync(
      ['admission', 'serve', '--cert', join(dir, 'tls.crt'), '--key', join(dir, 'tls.key')].concat([
        '--host',
        '127.0.0.1',
        '--port',
        '0',
        '--namespace-labels-file',
        join(dir, 'namespaces.json'),
        '--policies',
        join(FIX, 'vap/policies'),
      ]),
      { from: 'user' },
    );
    const ca = readFileSync(join(dir, 'ca.crt'));
    try {
      await waitFor(
        () => /listening on https:\/\/127\.0\.0\.1:\d+ /.test(cap.err()),
        `the listening line; ${cap.err()}`,
      );
      const port = Number(/127\.0\.0\.1:(\d+)/.exec(cap.err())?.[1]);

      const deployment = readFileSync(join(FIX, 'reviews/create-deployment.json'), 'utf8');
      const [status, body] = await call(port, ca, 'POST', '/validate', deployment);
      assert.equal(status, 200, body);
      const denied = JSON.parse(body) as AdmissionReviewResponse;
      assert.equal(denied.response.uid, '705ab4f5-6393-11e8-b7cc-42010a800002');
      assert.equal(denied.response.allowed, false);
      assert.match(denied.response.status?.message ?? '', /violates Palisade policy "baseline:latest": PAL-K8S-0002/);

      const privileged = readFileSync(join(FIX, 'vap/requests/create-pod-privileged.json'), 'utf8');
      const [, vap] = await call(port, ca, 'POST', '/validate', privileged);
      assert.match(
        (JSON.parse(vap) as AdmissionReviewResponse).response.status?.message ?? '',
        /ValidatingAdmissionPolicy 'deny-privileged\.palisade\.io'/,
      );

      const [mutateStatus, mutated] = await call(port, ca, 'POST', '/mutate', deployment);
      assert.equal(mutateStatus, 200);
      assert.deepEqual((JSON.parse(mutated) as AdmissionReviewResponse).response, {
        uid: '705ab4f5-6393-11e8-b7cc-42010a800002',
        allowed: true,
      });

      // In a namespace that opted in to mutation, /mutate answers with the secure defaults.
      const review = JSON.parse(deployment) as {
        request: { namespace: string; object: { metadata: { namespace: string } } };
      };
      review.request.namespace = 'payments';
      review.request.object.metadata.namespace = 'payments';
      const [, patchedBody] = await call(port, ca, 'POST', '/mutate', JSON.stringify(review));
      const patched = (JSON.parse(patchedBody) as AdmissionReviewResponse).response;
      assert.equal(patched.allowed, true);
      assert.equal(patched.patchType, 'JSONPatch');
      const patch = JSON.parse(Buffer.from(patched.patch ?? '', 'base64').toString('utf8')) as {
        op: string;
        path: string;
      }[];
      assert.ok(
        patch.some((op) => op.path.startsWith('/spec/template/spec/securityContext')),
        `the pod template gets a seccomp default: ${patchedBody}`,
      );
      assert.match(patched.auditAnnotations?.mutations ?? '', /seccomp/i);

      assert.equal((await call(port, ca, 'POST', '/validate', '{"kind":'))[0], 400);
      const [readyStatus, ready] = await call(port, ca, 'GET', '/readyz');
      assert.equal(readyStatus, 200);
      assert.match(ready, /namespaces: ok \(3 from .*namespaces\.json/);
      const [, metrics] = await call(port, ca, 'GET', '/metrics');
      assert.match(metrics, /^palisade_admission_decisions_total\{webhook="validate",result="denied"\} 2$/m);
      assert.match(metrics, /^palisade_admission_bad_requests_total 1$/m);
    } finally {
      controller.abort();
      await done;
    }
    assert.match(cap.err(), /palisade: certificate: ok \(/);
    assert.match(cap.err(), /palisade: policies: ok \(\d+ ValidatingAdmissionPolicies/);
    assert.match(cap.err(), /error: <admission request \d+ from 127\.0\.0\.1>: body is not valid JSON/);
    assert.match(cap.err(), /stopping: finishing the requests in flight\npalisade: stopped\n$/);
    assert.doesNotMatch(cap.err(), /no --namespace-labels-file/);
    assert.match(
      cap.err(),
      /palisade: client authentication: none \(any client that can reach the port can post reviews\)\n/,
    );
    assert.equal(cap.out(), '', 'nothing on stdout');
    assert.equal(cap.code(), 0, cap.err());
  });

  it('is a usage error without --cert/--key, with a bad port or timeout, or with files that do not load', async () => {
    const certArgs = ['--cert', join(dir, 'tls.crt'), '--key', join(dir, 'tls.key'), '--host', '127.0.0.1'];
    const a = captureIo();
    assert.equal(await run(['admission', 'serve', '--port', '0'], a.io), 2);
    assert.match(a.err(), /admission serve needs --cert <file> and --key <file>/);
    const b = captureIo();
    assert.equal(await run(['admission', 'serve', ...certArgs, '--port', '70000'], b.io), 2);
    assert.match(b.err(), /--port: "70000" is not a whole number/);
    const c = captureIo();
    assert.equal(await run(['admission', 'serve', ...certArgs, '--port', '0', '--timeout', 'soon'], c.io), 2);
    assert.match(c.err(), /--timeout: "soon"/);
    const d = captureIo();
    assert.equal(
      await run(['admission', 'serve', '--cert', join(dir, 'missing.crt'), '--key', 'x', '--port', '0'], d.io),
      2,
    );
    assert.match(d.err(), /cannot start the admission webhook: .*missing\.crt: cannot read the TLS certificate/);
    const e = captureIo();
    writeFileSync(join(dir, 'not-namespaces.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata: { name: p }\n');
    const badLabels = ['--namespace-labels-file', join(dir, 'not-namespaces.yaml')];
    assert.equal(await run(['admission', 'serve', ...certArgs, '--port', '0', ...badLabels], e.io), 2);
    assert.match(e.err(), /not-namespaces\.yaml:1.*not a v1 Namespace: kind/);
    const f = captureIo();
    const broken = ['--policies', join(FIX, 'vap/broken')];
    assert.equal(await run(['admission', 'serve', ...certArgs, '--port', '0', ...broken], f.io), 2);
    assert.match(f.err(), /--policies: \d+ error\(s\) above; not starting the webhook/);
  });

  it('requires the client certificate and the token with --client-ca, --client-name and --token-file', async () => {
    // The API server's client certificate (its AdmissionConfiguration kubeconfig's client-certificate/client-key).
    makeLeaf(dir, 'client', 'ca', 'kube-apiserver', 'clientAuth', 'DNS:kube-apiserver');
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, 'admission-cli-token\n');
    const cap = captureIo();
    const controller = new AbortController();
    const program = new Command('palisade').exitOverride();
    program.addCommand(admissionCommand(cap.io, { signal: controller.signal }).exitOverride());
    const args = ['admission', 'serve', '--cert', join(dir, 'tls.crt'), '--key', join(dir, 'tls.key')];
    const auth = ['--client-ca', join(dir, 'ca.crt'), '--client-name', 'kube-apiserver', '--token-file', tokenFile];
    const done = program.parseAsync([...args, '--host', '127.0.0.1', '--port', '0', ...auth], { from: 'user' });
    const ca = readFileSync(join(dir, 'ca.crt'));
    const client = { cert: readFileSync(join(dir, 'client.crt')), key: readFileSync(join(dir, 'client.key')) };
    const deployment = readFileSync(join(FIX, 'reviews/create-deployment.json'), 'utf8');
    const review = (auth: { cert?: Buffer; key?: Buffer; token?: string } = {}) =>
      httpsSend(port, ca, { path: '/validate', body: deployment, type: 'application/json', ...auth });
    let port = 0;
    try {
      await waitFor(() => /listening on https:\/\/127\.0\.0\.1:\d+ /.test(cap.err()), `listening; ${cap.err()}`);
      port = Number(/127\.0\.0\.1:(\d+) \(POST/.exec(cap.err())?.[1]);
      const none = await review();
      assert.deepEqual([none.status, none.challenge], [401, 'Bearer realm="palisade"']);
      assert.equal((await review({ token: 'admission-cli-token' })).status, 401);
      assert.equal((await review({ ...client })).status, 401);
      assert.equal((await review({ ...client, token: 'other' })).status, 401);
      const both = await review({ ...client, token: 'admission-cli-token' });
      assert.equal(both.status, 200, both.body);
      assert.equal(
        (JSON.parse(both.body) as AdmissionReviewResponse).response.uid,
        '705ab4f5-6393-11e8-b7cc-42010a800002',
      );
      const [readyStatus, ready] = await call(port, ca, 'GET', '/readyz');
      assert.equal(readyStatus, 200, 'probes need no authentication');
      assert.match(ready, /client authentication: ok \(client certificate signed by .*ca\.crt named kube-apiserver/);
      const [, metrics] = await call(port, ca, 'GET', '/metrics');
      assert.match(metrics, /^palisade_admission_requests_total\{path="\/validate",code="401"\} 4$/m);
      assert.match(metrics, /^palisade_admission_unauthorized_total\{reason="no-certificate"\} 2$/m);
    } finally {
      controller.abort();
      await done;
    }
    assert.match(
      cap.err(),
      /palisade: client authentication: ok \(client certificate signed by .*ca\.crt named kube-apiserver and bearer token from .*token, token loaded [^)]*\)\n/,
    );
    assert.match(
      cap.err(),
      /warning: <admission request \d+ from 127\.0\.0\.1>: request from 127\.0\.0\.1 refused with 401: no client certificate; no bearer token/,
    );
    assert.doesNotMatch(cap.err(), /admission-cli-token/, 'the token is never printed');
    assert.equal(cap.code(), 0, cap.err());
  });

  it('is a usage error to name clients without --client-ca, or to give a token or CA file that does not load', async () => {
    const certArgs = ['--cert', join(dir, 'tls.crt'), '--key', join(dir, 'tls.key'), '--host', '127.0.0.1'];
    const names = captureIo();
    assert.equal(
      await run(['admission', 'serve', ...certArgs, '--port', '0', '--client-name', 'kube-apiserver'], names.io),
      2,
    );
    assert.match(names.err(), /--client-name needs --client-ca <file> \(it names the client certificate\)/);
    const empty = captureIo();
    writeFileSync(join(dir, 'empty-token'), '\n');
    const emptyToken = ['--token-file', join(dir, 'empty-token')];
    assert.equal(await run(['admission', 'serve', ...certArgs, '--port', '0', ...emptyToken], empty.io), 2);
    assert.match(empty.err(), /cannot start the admission webhook: .*empty-token: the token file is empty/);
    const badCa = captureIo();
    const notCa = ['--client-ca', join(dir, 'namespaces.json')];
    assert.equal(await run(['admission', 'serve', ...certArgs, '--port', '0', ...notCa], badCa.io), 2);
    assert.match(
      badCa.err(),
      /cannot start the admission webhook: .*namespaces\.json: the client CA file has no PEM certificate/,
    );
  });

  it('reads the namespace labels from the API with --namespace-labels-from-api --kubeconfig', async () => {
    const api = await startFakeKubeApi(dir);
    api.set('shop', { 'palisade.io/enforce': 'baseline' });
    const kubeconfig = join(dir, 'kubeconfig.yaml');
    writeFileSync(kubeconfig, api.kubeconfig());
    const cap = captureIo();
    const controller = new AbortController();
    const program = new Command('palisade').exitOverride();
    program.addCommand(admissionCommand(cap.io, { signal: controller.signal }).exitOverride());
    const args = ['admission', 'serve', '--cert', join(dir, 'tls.crt'), '--key', join(dir, 'tls.key')];
    const done = program.parseAsync(
      [...args, '--host', '127.0.0.1', '--port', '0', '--namespace-labels-from-api', '--kubeconfig', kubeconfig],
      { from: 'user' },
    );
    const ca = readFileSync(join(dir, 'ca.crt'));
    try {
      await waitFor(() => /listening on https:\/\/127\.0\.0\.1:\d+ /.test(cap.err()), `listening; ${cap.err()}`);
      const port = Number(/127\.0\.0\.1:(\d+) \(POST/.exec(cap.err())?.[1]);
      let ready: [number, string] = [0, ''];
      for (let i = 0; i < 100 && ready[0] !== 200; i++) {
        ready = await call(port, ca, 'GET', '/readyz');
        if (ready[0] !== 200) await new Promise((r) => setTimeout(r, 10));
      }
      assert.equal(ready[0], 200, ready[1]);
      assert.match(ready[1], /namespaces: ok \(1 from https:\/\/127\.0\.0\.1:\d+, listed /);

      const deployment = readFileSync(join(FIX, 'reviews/create-deployment.json'), 'utf8');
      const denied = JSON.parse((await call(port, ca, 'POST', '/validate', deployment))[1]) as AdmissionReviewResponse;
      assert.match(denied.response.status?.message ?? '', /violates Palisade policy "baseline:latest"/);
      await api.watchOpened(1);
      api.set('shop', { 'palisade.io/enforce': 'privileged' });
      let allowed = false;
      for (let i = 0; i < 100 && !allowed; i++) {
        const [, body] = await call(port, ca, 'POST', '/validate', deployment);
        allowed = (JSON.parse(body) as AdmissionReviewResponse).response.allowed;
        if (!allowed) await new Promise((r) => setTimeout(r, 10));
      }
      assert.equal(allowed, true, 'the MODIFIED event reached the decision');
      const [, metrics] = await call(port, ca, 'GET', '/metrics');
      assert.match(metrics, /^palisade_admission_namespace_watch_events_total\{type="MODIFIED"\} 1$/m);
    } finally {
      controller.abort();
      await done;
      await api.close();
    }
    assert.match(cap.err(), /palisade: namespaces: (waiting for the first list|ok)/);
    assert.doesNotMatch(cap.err(), /every namespace gets the config defaults/);
    assert.match(cap.err(), /palisade: stopped\n$/);
    assert.equal(cap.code(), 0, cap.err());
  });

  it('is a usage error to mix the namespace label sources, or to give a kubeconfig that does not load', async () => {
    const certArgs = ['--cert', join(dir, 'tls.crt'), '--key', join(dir, 'tls.key'), '--host', '127.0.0.1'];
    const both = captureIo();
    const file = ['--namespace-labels-file', join(dir, 'namespaces.json')];
    assert.equal(
      await run(['admission', 'serve', ...certArgs, '--port', '0', ...file, '--namespace-labels-from-api'], both.io),
      2,
    );
    assert.match(both.err(), /--namespace-labels-from-api and --namespace-labels-file cannot be used together/);
    const alone = captureIo();
    assert.equal(await run(['admission', 'serve', ...certArgs, '--port', '0', '--kubeconfig', 'kc'], alone.io), 2);
    assert.match(alone.err(), /--kubeconfig is only used with --namespace-labels-from-api/);
    const missing = captureIo();
    const api = ['--namespace-labels-from-api', '--kubeconfig', join(dir, 'missing-kubeconfig')];
    assert.equal(await run(['admission', 'serve', ...certArgs, '--port', '0', ...api], missing.io), 2);
    assert.match(missing.err(), /cannot load .*missing-kubeconfig/);
  });
});
