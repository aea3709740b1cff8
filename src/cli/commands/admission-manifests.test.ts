/**
 * `palisade admission manifests` through the CLI (main.ts' run(): wiring, output and exit codes).
 * Certificates for the supplied-files cases come from openssl.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Command } from 'commander';
import { parseAllDocuments } from 'yaml';
import type { AdmissionReviewResponse } from '#admission';
import { type Captured, captureIo, cli } from '#test/helpers/cli.ts';
import { startFakeKubeApi } from '#test/helpers/kube-api.ts';
import { makeCa, makeLeaf, makeServingCerts, OPENSSL_SKIP } from '#test/helpers/tls.ts';
import { EXIT } from '../exit-codes.ts';
import { admissionCommand } from './admission.ts';

const manifests = (args: readonly string[]): Promise<Captured> => cli(['admission', 'manifests', ...args]);

interface Obj {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string };
  readonly spec?: Record<string, unknown>;
  readonly webhooks?: readonly {
    readonly failurePolicy: string;
    readonly timeoutSeconds: number;
    readonly namespaceSelector: { readonly matchExpressions?: readonly { readonly values: readonly string[] }[] };
    readonly matchConditions?: readonly { readonly expression: string }[];
  }[];
}

describe('palisade admission manifests', () => {
  it('prints the YAML stream with a generated CA and says so on standard error', async () => {
    const r = await manifests([]);
    assert.equal(r.code, EXIT.ok, r.err);
    const docs = parseAllDocuments(r.out);
    assert.ok(Array.isArray(docs));
    const objects = docs.map((d) => d.toJS() as Obj);
    assert.deepEqual(
      objects.map((o) => o.kind),
      [
        'Namespace',
        'ServiceAccount',
        'ClusterRole',
        'ClusterRoleBinding',
        'ConfigMap',
        'Secret',
        'Service',
        'Deployment',
        'PodDisruptionBudget',
        'ValidatingWebhookConfiguration',
        'MutatingWebhookConfiguration',
      ],
    );
    assert.equal(objects[0]?.metadata.name, 'palisade');
    assert.match(
      r.err,
      /^palisade: generated a CA and a serving certificate valid until \d{4}-\d{2}-\d{2}; .*\(run again to rotate\)\n$/,
    );
  });

  it('prints a JSON List for OpenShift with the flags applied', async () => {
    const r = await manifests([
      '--format',
      'json',
      '--platform',
      'openshift',
      '--namespace',
      'palisade-system',
      '--replicas',
      '1',
      '--failure-policy',
      'Ignore',
      '--timeout-seconds',
      '10',
      '--exclude-namespaces',
      'legacy, team-*',
      '--exclude-namespaces',
      'ci',
    ]);
    assert.equal(r.code, EXIT.ok, r.err);
    assert.equal(r.err, '');
    const list = JSON.parse(r.out) as { apiVersion: string; kind: string; items: Obj[] };
    assert.equal(list.kind, 'List');
    assert.equal(list.items.length, 10, 'no Secret on OpenShift');
    const deployment = list.items.find((o) => o.kind === 'Deployment');
    assert.equal(deployment?.metadata.namespace, 'palisade-system');
    assert.equal(deployment?.spec?.replicas, 1);
    const validate = list.items.find((o) => o.kind === 'ValidatingWebhookConfiguration')?.webhooks?.[0];
    assert.equal(validate?.failurePolicy, 'Ignore');
    assert.equal(validate?.timeoutSeconds, 10);
    assert.deepEqual(validate?.namespaceSelector.matchExpressions?.[0]?.values, [
      'kube-system',
      'palisade-system',
      'legacy',
      'ci',
    ]);
    assert.equal(
      validate?.matchConditions?.[0]?.expression,
      "!(request.namespace.startsWith('openshift-') || request.namespace.startsWith('team-'))",
    );
  });

  /** Commander's own messages (choices) go to its configured output, not io: only the code is checked. */
  const usage: [string, string[], RegExp | undefined][] = [
    ['no replicas', ['--replicas', '0'], /--replicas: "0" is not a whole number from 1 to 100/],
    ['replicas in words', ['--replicas', 'two'], /--replicas: "two" is not a whole number/],
    ['a timeout over 30 s', ['--timeout-seconds', '31'], /--timeout-seconds: "31" is not a whole number from 1 to 30/],
    ['an unknown platform', ['--platform', 'aks'], undefined],
    ['an unknown format', ['--format', 'xml'], undefined],
    ['an unknown failure policy', ['--failure-policy', 'fail'], undefined],
    [
      'kube-system as the namespace',
      ['--namespace', 'kube-system'],
      /namespace "kube-system" is shared with the cluster/,
    ],
    ['a bad exclusion', ['--exclude-namespaces', 'Bad_NS'], /"Bad_NS" is not a namespace name or a glob/],
    [
      'only some of the PEM files',
      ['--ca-file', 'ca.crt', '--cert-file', 'tls.crt'],
      /go together: missing --key-file$/m,
    ],
    [
      'PEM files on OpenShift',
      ['--platform', 'openshift', '--ca-file', 'a', '--cert-file', 'b', '--key-file', 'c'],
      /are for --platform kubernetes/,
    ],
  ];
  for (const [what, args, message] of usage) {
    it(`exits 2 on ${what}`, async () => {
      const r = await manifests(args);
      assert.equal(r.code, EXIT.usage, r.err);
      assert.equal(r.out, '');
      if (message) assert.match(r.err, message);
    });
  }
});

describe('palisade admission manifests with supplied PEM files', { skip: OPENSSL_SKIP }, () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'palisade-manifests-cli-'));
    makeCa(dir, 'ca');
    const san = 'DNS:palisade-admission.guard.svc';
    makeLeaf(dir, 'tls', 'ca', 'palisade-admission.guard.svc', 'serverAuth', san);
    makeLeaf(dir, 'other', 'ca', 'palisade-admission.guard.svc', 'serverAuth', san);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const files = (key: string) => [
    '--namespace',
    'guard',
    '--ca-file',
    join(dir, 'ca.crt'),
    '--cert-file',
    join(dir, 'tls.crt'),
    '--key-file',
    join(dir, key),
  ];

  it('uses them and prints nothing on standard error', async () => {
    const r = await manifests(files('tls.key'));
    assert.equal(r.code, EXIT.ok, r.err);
    assert.equal(r.err, '');
    assert.match(r.out, /kind: Secret/);
  });

  it('exits 2 naming the key file when the key is not the certificate’s', async () => {
    const r = await manifests(files('other.key'));
    assert.equal(r.code, EXIT.usage);
    assert.equal(r.out, '');
    assert.equal(
      r.err,
      `palisade: --key-file ${join(dir, 'other.key')}: the key does not match the certificate in --cert-file ${join(dir, 'tls.crt')}\n`,
    );
  });

  it('exits 2 when the certificate is not for the namespace given', async () => {
    const r = await manifests([...files('tls.key'), '--namespace', 'elsewhere']);
    assert.equal(r.code, EXIT.usage);
    assert.match(r.err, /tls\.crt: the certificate is not for palisade-admission\.elsewhere\.svc/);
  });
});

/** The parts of the printed objects the end-to-end test reads. */
interface Printed {
  readonly kind: string;
  readonly metadata: { readonly name: string };
  readonly data?: Readonly<Record<string, string>>;
  readonly spec?: {
    readonly template?: {
      readonly spec: {
        readonly containers: readonly {
          readonly args: readonly string[];
          readonly volumeMounts: readonly { readonly name: string; readonly mountPath: string }[];
        }[];
        readonly volumes: readonly {
          readonly name: string;
          readonly secret?: { readonly secretName: string };
          readonly configMap?: { readonly name: string };
        }[];
      };
    };
  };
  readonly webhooks?: readonly { readonly clientConfig: { readonly caBundle?: string } }[];
}

describe('the printed Deployment runs: its args, Secret and ConfigMap start a working webhook', () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'palisade-manifests-e2e-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('serves over the generated certificate for the Service name, with the namespace labels from the API', async () => {
    const printed = await manifests(['--format', 'json']);
    assert.equal(printed.code, EXIT.ok, printed.err);
    const items = (JSON.parse(printed.out) as { items: Printed[] }).items;
    const byKind = (kind: string): Printed => {
      const found = items.find((o) => o.kind === kind);
      assert.ok(found, `no ${kind} printed`);
      return found;
    };
    const pod = byKind('Deployment').spec?.template?.spec;
    const container = pod?.containers[0];
    assert.ok(pod && container);
    // Materialise each mounted volume (Secret, ConfigMap) as the kubelet would, then run the args.
    let args = [...container.args];
    for (const mount of container.volumeMounts) {
      const volume = pod.volumes.find((v) => v.name === mount.name);
      const source = volume?.secret
        ? items.find((o) => o.kind === 'Secret' && o.metadata.name === volume.secret?.secretName)
        : volume?.configMap
          ? items.find((o) => o.kind === 'ConfigMap' && o.metadata.name === volume.configMap?.name)
          : undefined;
      if (!source?.data) continue;
      const local = join(dir, mount.name);
      mkdirSync(local, { recursive: true });
      for (const [file, value] of Object.entries(source.data)) {
        writeFileSync(join(local, file), source.kind === 'Secret' ? Buffer.from(value, 'base64') : value);
      }
      args = args.map((a) =>
        a.startsWith(`${mount.mountPath}/`) ? join(local, a.slice(mount.mountPath.length + 1)) : a,
      );
    }
    assert.ok(args.includes('--namespace-labels-from-api'), 'the webhook reads namespace labels from the API');
    assert.ok(
      args.every((a) => !a.startsWith('/etc/')),
      `every file the args name is mounted from a printed object: ${args.join(' ')}`,
    );

    const caBundle = byKind('ValidatingWebhookConfiguration').webhooks?.[0]?.clientConfig.caBundle;
    assert.ok(caBundle);
    const ca = Buffer.from(caBundle, 'base64');
    // The fake API server needs its own certificate: made by openssl when present, else skipped.
    if (OPENSSL_SKIP) return;
    makeServingCerts(dir, ['api']);
    const api = await startFakeKubeApi(dir);
    api.set('shop', { 'palisade.io/enforce': 'restricted' });
    api.set('openshift-monitoring', { 'palisade.io/enforce': 'restricted' });
    const kubeconfig = join(dir, 'kubeconfig.yaml');
    writeFileSync(kubeconfig, api.kubeconfig());

    const cap = captureIo();
    const controller = new AbortController();
    const program = new Command('palisade').exitOverride();
    program.addCommand(admissionCommand(cap.io, { signal: controller.signal }).exitOverride());
    const done = program.parseAsync([...args, '--host', '127.0.0.1', '--port', '0', '--kubeconfig', kubeconfig], {
      from: 'user',
    });
    try {
      for (let i = 0; i < 200 && !/127\.0\.0\.1:\d+ \(POST/.test(cap.err()); i++) {
        await new Promise((r) => setTimeout(r, 25));
      }
      const port = Number(/127\.0\.0\.1:(\d+) \(POST/.exec(cap.err())?.[1]);
      assert.ok(port > 0, cap.err());
      const send = (path: string, body?: string) =>
        new Promise<{ status: number; text: string }>((resolve, reject) => {
          const req = request(
            {
              host: '127.0.0.1',
              port,
              path,
              method: body === undefined ? 'GET' : 'POST',
              ca,
              servername: 'palisade-admission.palisade.svc',
              headers: { 'content-type': 'application/json' },
              agent: false,
            },
            (res) => {
              let text = '';
              res.setEncoding('utf8');
              res.on('data', (c: string) => {
                text += c;
              });
              res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
            },
          );
          req.on('error', reject);
          req.end(body);
        });
      let ready = await send('/readyz');
      for (let i = 0; i < 100 && ready.status !== 200; i++) {
        await new Promise((r) => setTimeout(r, 20));
        ready = await send('/readyz');
      }
      assert.equal(ready.status, 200, ready.text);
      const review = (namespace: string): string =>
        JSON.stringify({
          apiVersion: 'admission.k8s.io/v1',
          kind: 'AdmissionReview',
          request: {
            uid: `uid-${namespace}`,
            kind: { group: '', version: 'v1', kind: 'Pod' },
            resource: { group: '', version: 'v1', resource: 'pods' },
            namespace,
            operation: 'CREATE',
            userInfo: { username: 'jane@example.com' },
            object: {
              apiVersion: 'v1',
              kind: 'Pod',
              metadata: { name: 'p', namespace },
              spec: { containers: [{ name: 'c', image: 'nginx:1.27', securityContext: { privileged: true } }] },
            },
          },
        });
      const shop = JSON.parse((await send('/validate', review('shop'))).text) as AdmissionReviewResponse;
      assert.equal(shop.response.allowed, false, 'restricted from the API label denies a privileged pod');
      const system = JSON.parse(
        (await send('/validate', review('openshift-monitoring'))).text,
      ) as AdmissionReviewResponse;
      assert.equal(system.response.allowed, true, 'openshift-* is exempt through the printed ConfigMap');
    } finally {
      controller.abort();
      await done;
      await api.close();
    }
    assert.equal(cap.code(), 0, cap.err());
  });
});
