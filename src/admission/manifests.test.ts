/**
 * `admissionManifests`: the objects are checked against the Kubernetes API reference (strict zod
 * shapes written from it), against Palisade's own posture checks, and in use: the webhooks' rules,
 * namespaceSelector and matchConditions are evaluated by the ValidatingAdmissionPolicy engine (the
 * API server's matching), the ConfigMap's config by the admission engine, and the generated
 * certificate by a real TLS handshake with the webhook server. Supplied certificates are made by
 * openssl for each run (skipped, with a message, without openssl).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { z } from 'zod';
import { InputError, parseConfig, TOOL_VERSION, UsageError } from '#core';
import { scanManifests } from '#posture';
import { makeCa, makeLeaf, OPENSSL_SKIP } from '#test/helpers/tls.ts';
import { createAdmission } from './evaluate.ts';
import {
  type AdmissionManifest,
  type AdmissionManifests,
  admissionManifests,
  type ConfigMapObject,
  type DeploymentObject,
  type PodDisruptionBudgetObject,
  renderManifests,
  type SecretObject,
  type ServiceObject,
  type ValidatingWebhookConfigurationObject,
  type WebhookRule,
} from './manifests.ts';
import { type AdmissionRequest, parseAdmissionReview } from './review.ts';
import { startAdmissionServer } from './server.ts';
import { evaluatePolicies, loadPolicies } from './vap/index.ts';

const REVIEWS = fileURLToPath(new URL('../../test/fixtures/admission/reviews/', import.meta.url));

// ---- the API reference, as strict shapes (unknown fields fail) --------------------------------

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** Qualified name: an optional DNS-subdomain prefix and '/', then a name of at most 63 characters. */
const QUALIFIED_NAME =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
/** IANA_SVC_NAME: a port name. */
const PORT_NAME = /^[a-z0-9]([-a-z0-9]{0,13}[a-z0-9])?$/;

const Labels = z.record(z.string().regex(QUALIFIED_NAME), z.string().max(63).regex(LABEL_VALUE));
const Annotations = z.record(z.string().regex(QUALIFIED_NAME), z.string());
const Metadata = z.strictObject({
  name: z.string().max(253).regex(DNS_SUBDOMAIN),
  namespace: z.string().max(63).regex(DNS_LABEL).optional(),
  labels: Labels,
  annotations: Annotations.optional(),
});
const Selector = z.strictObject({
  matchLabels: Labels.optional(),
  matchExpressions: z
    .array(
      z.strictObject({
        key: z.string().regex(QUALIFIED_NAME),
        operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']),
        values: z.array(z.string().regex(LABEL_VALUE)).min(1).optional(),
      }),
    )
    .optional(),
});
const Base64 = z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/);
const Port = z.number().int().min(1).max(65535);
const object = <K extends string>(apiVersion: string, kind: K, fields: z.core.$ZodLooseShape) =>
  z.strictObject({ apiVersion: z.literal(apiVersion), kind: z.literal(kind), metadata: Metadata, ...fields });

const Probe = z.strictObject({
  httpGet: z.strictObject({
    path: z.string().startsWith('/'),
    port: z.string().regex(PORT_NAME),
    scheme: z.literal('HTTPS'),
  }),
  periodSeconds: z.number().int().min(1),
  timeoutSeconds: z.number().int().min(1),
  failureThreshold: z.number().int().min(1),
});
const Quantity = z.string().regex(/^\d+(\.\d+)?(m|Ki|Mi|Gi)?$/);
const ContainerShape = z.strictObject({
  name: z.string().regex(DNS_LABEL),
  image: z.string().min(1),
  imagePullPolicy: z.enum(['Always', 'IfNotPresent', 'Never']),
  args: z.array(z.string()),
  ports: z.array(
    z.strictObject({ name: z.string().regex(PORT_NAME), containerPort: Port, protocol: z.literal('TCP') }),
  ),
  livenessProbe: Probe,
  readinessProbe: Probe,
  resources: z.strictObject({ requests: z.record(z.string(), Quantity), limits: z.record(z.string(), Quantity) }),
  securityContext: z.strictObject({
    allowPrivilegeEscalation: z.literal(false),
    privileged: z.literal(false),
    readOnlyRootFilesystem: z.literal(true),
    runAsNonRoot: z.literal(true),
    capabilities: z.strictObject({ drop: z.tuple([z.literal('ALL')]) }),
  }),
  volumeMounts: z.array(
    z.strictObject({ name: z.string(), mountPath: z.string().startsWith('/'), readOnly: z.boolean().optional() }),
  ),
});
const PodSpecShape = z.strictObject({
  serviceAccountName: z.string().regex(DNS_SUBDOMAIN),
  automountServiceAccountToken: z.boolean(),
  securityContext: z.strictObject({
    runAsNonRoot: z.literal(true),
    seccompProfile: z.strictObject({ type: z.literal('RuntimeDefault') }),
    runAsUser: z.number().int().min(1).optional(),
    runAsGroup: z.number().int().min(1).optional(),
    fsGroup: z.number().int().min(1).optional(),
  }),
  containers: z.array(ContainerShape).length(1),
  volumes: z.array(
    z.strictObject({
      name: z.string().regex(DNS_LABEL),
      secret: z.strictObject({ secretName: z.string(), defaultMode: z.number().int().min(0).max(0o777) }).optional(),
      configMap: z.strictObject({ name: z.string() }).optional(),
      emptyDir: z.strictObject({ sizeLimit: Quantity }).optional(),
    }),
  ),
  affinity: z.strictObject({
    podAntiAffinity: z.strictObject({
      preferredDuringSchedulingIgnoredDuringExecution: z.array(
        z.strictObject({
          weight: z.number().int().min(1).max(100),
          podAffinityTerm: z.strictObject({ labelSelector: Selector, topologyKey: z.string().min(1) }),
        }),
      ),
    }),
  }),
});
const Rule = z.strictObject({
  apiGroups: z.array(z.string()).min(1),
  apiVersions: z.array(z.string().min(1)).min(1),
  operations: z.array(z.enum(['CREATE', 'UPDATE', 'DELETE', 'CONNECT', '*'])).min(1),
  resources: z.array(z.string().regex(/^[a-z]+(\/[a-z]+)?$/)).min(1),
  scope: z.enum(['Cluster', 'Namespaced', '*']),
});
const WebhookShape = z.strictObject({
  // "at least three segments separated by dots"
  name: z
    .string()
    .regex(DNS_SUBDOMAIN)
    .regex(/^[^.]+\.[^.]+\.[^.]+/),
  admissionReviewVersions: z.array(z.string()).refine((v) => v.includes('v1')),
  clientConfig: z.strictObject({
    service: z.strictObject({
      namespace: z.string().regex(DNS_LABEL),
      name: z.string().regex(DNS_LABEL),
      path: z.string().startsWith('/'),
      port: Port,
    }),
    caBundle: Base64.optional(),
  }),
  rules: z.array(Rule).min(1),
  namespaceSelector: Selector,
  matchConditions: z
    .array(z.strictObject({ name: z.string().max(63).regex(QUALIFIED_NAME), expression: z.string().min(1) }))
    .max(64)
    .optional(),
  failurePolicy: z.enum(['Fail', 'Ignore']),
  matchPolicy: z.enum(['Exact', 'Equivalent']),
  // admissionregistration.k8s.io/v1 allows only None and NoneOnDryRun.
  sideEffects: z.enum(['None', 'NoneOnDryRun']),
  timeoutSeconds: z.number().int().min(1).max(30),
  reinvocationPolicy: z.enum(['Never', 'IfNeeded']).optional(),
});

const SHAPES: Readonly<Record<string, z.ZodType>> = {
  Namespace: object('v1', 'Namespace', {}),
  ServiceAccount: object('v1', 'ServiceAccount', { automountServiceAccountToken: z.boolean() }),
  ClusterRole: object('rbac.authorization.k8s.io/v1', 'ClusterRole', {
    rules: z.array(
      z.strictObject({
        apiGroups: z.array(z.string()),
        resources: z.array(z.string().min(1)).min(1),
        verbs: z.array(z.string().min(1)).min(1),
      }),
    ),
  }),
  ClusterRoleBinding: object('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', {
    roleRef: z.strictObject({
      apiGroup: z.literal('rbac.authorization.k8s.io'),
      kind: z.literal('ClusterRole'),
      name: z.string(),
    }),
    subjects: z.array(
      z.strictObject({ kind: z.literal('ServiceAccount'), name: z.string(), namespace: z.string().regex(DNS_LABEL) }),
    ),
  }),
  ConfigMap: object('v1', 'ConfigMap', { data: z.record(z.string().regex(/^[-._a-zA-Z0-9]+$/), z.string()) }),
  Secret: object('v1', 'Secret', {
    type: z.literal('kubernetes.io/tls'),
    data: z.strictObject({ 'tls.crt': Base64, 'tls.key': Base64 }),
  }),
  Service: object('v1', 'Service', {
    spec: z.strictObject({
      type: z.literal('ClusterIP'),
      selector: Labels,
      ports: z.array(
        z.strictObject({
          name: z.string().regex(PORT_NAME),
          port: Port,
          targetPort: z.string().regex(PORT_NAME),
          protocol: z.literal('TCP'),
        }),
      ),
    }),
  }),
  Deployment: object('apps/v1', 'Deployment', {
    spec: z.strictObject({
      replicas: z.number().int().min(1),
      selector: Selector,
      strategy: z.strictObject({
        type: z.literal('RollingUpdate'),
        rollingUpdate: z.strictObject({ maxUnavailable: z.number().int().min(0), maxSurge: z.number().int().min(1) }),
      }),
      template: z.strictObject({ metadata: z.strictObject({ labels: Labels }), spec: PodSpecShape }),
    }),
  }),
  PodDisruptionBudget: object('policy/v1', 'PodDisruptionBudget', {
    spec: z
      .strictObject({
        selector: Selector,
        minAvailable: z.number().int().min(0).optional(),
        maxUnavailable: z.number().int().min(0).optional(),
        unhealthyPodEvictionPolicy: z.enum(['IfHealthyBudget', 'AlwaysAllow']),
      })
      .refine((s) => (s.minAvailable === undefined) !== (s.maxUnavailable === undefined), 'exactly one of the two'),
  }),
  ValidatingWebhookConfiguration: object('admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration', {
    webhooks: z.array(WebhookShape.refine((w) => w.reinvocationPolicy === undefined)).min(1),
  }),
  MutatingWebhookConfiguration: object('admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration', {
    webhooks: z.array(WebhookShape).min(1),
  }),
};

const CLUSTER_SCOPED = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
]);

const KUBERNETES_ORDER = [
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
];

// ---- helpers ---------------------------------------------------------------------------------

function parseStream(text: string): unknown[] {
  const docs = parseAllDocuments(text);
  assert.ok(Array.isArray(docs), 'a YAML stream');
  for (const doc of docs) {
    assert.deepEqual(doc.errors, [], 'every document parses');
  }
  return docs.map((doc) => doc.toJS() as unknown);
}

function find<K extends AdmissionManifest['kind']>(
  result: AdmissionManifests,
  kind: K,
): Extract<AdmissionManifest, { kind: K }> {
  const found = result.objects.find((o): o is Extract<AdmissionManifest, { kind: K }> => o.kind === kind);
  assert.ok(found, `a ${kind}`);
  return found;
}

const decode = (b64: string): string => Buffer.from(b64, 'base64').toString('utf8');

function request(file: string, namespace?: string): AdmissionRequest {
  const parsed = parseAdmissionReview(JSON.parse(readFileSync(join(REVIEWS, file), 'utf8')));
  assert.ok('review' in parsed);
  const r = parsed.review.request;
  return namespace === undefined ? r : { ...r, namespace };
}

function tempDir(t: string): string {
  return mkdtempSync(join(tmpdir(), `palisade-manifests-${t}-`));
}

// ---- the objects -----------------------------------------------------------------------------

describe('admissionManifests: kubernetes, generated CA', () => {
  let result: AdmissionManifests;
  let yamlText: string;
  before(async () => {
    result = await admissionManifests({ namespace: 'palisade' });
    yamlText = renderManifests(result.objects, 'yaml');
  });

  it('prints a YAML stream of the objects, in apply order, each valid against the API reference', () => {
    const docs = parseStream(yamlText);
    assert.deepEqual(
      docs.map((d) => (d as { kind: string }).kind),
      KUBERNETES_ORDER,
    );
    assert.deepEqual(docs, JSON.parse(JSON.stringify(result.objects)));
    for (const doc of docs) {
      const kind = (doc as { kind: string }).kind;
      const parsed = (SHAPES[kind] as z.ZodType).safeParse(doc);
      assert.ok(parsed.success, `${kind}: ${parsed.success ? '' : z.prettifyError(parsed.error)}`);
    }
    assert.ok(!yamlText.includes('&a') && !yamlText.includes('*a'), 'no YAML anchors or aliases');
  });

  it('labels every object and puts the namespaced ones in the namespace', () => {
    for (const o of result.objects) {
      assert.equal(o.metadata.labels['app.kubernetes.io/name'], 'palisade-admission', o.kind);
      assert.equal(o.metadata.labels['app.kubernetes.io/part-of'], 'palisade', o.kind);
      assert.equal(o.metadata.labels['app.kubernetes.io/managed-by'], 'palisade', o.kind);
      assert.equal(o.metadata.namespace, CLUSTER_SCOPED.has(o.kind) ? undefined : 'palisade', o.kind);
    }
    assert.equal(find(result, 'Namespace').metadata.labels['pod-security.kubernetes.io/enforce'], 'restricted');
  });

  it('renders JSON as a v1 List of the same objects', () => {
    const list = JSON.parse(renderManifests(result.objects, 'json')) as {
      apiVersion: string;
      kind: string;
      items: unknown[];
    };
    assert.equal(list.apiVersion, 'v1');
    assert.equal(list.kind, 'List');
    assert.deepEqual(list.items, parseStream(yamlText));
  });

  it('grants exactly namespaces get/list/watch to the service account', () => {
    assert.deepEqual(find(result, 'ClusterRole').rules, [
      { apiGroups: [''], resources: ['namespaces'], verbs: ['get', 'list', 'watch'] },
    ]);
    const binding = find(result, 'ClusterRoleBinding');
    assert.equal(binding.roleRef.name, find(result, 'ClusterRole').metadata.name);
    assert.deepEqual(binding.subjects, [{ kind: 'ServiceAccount', name: 'palisade-admission', namespace: 'palisade' }]);
  });

  it('runs the server non-root with a read-only root filesystem, the TLS secret, the config and its flags', () => {
    const deployment: DeploymentObject = find(result, 'Deployment');
    const pod = deployment.spec.template.spec;
    const [container] = pod.containers;
    assert.ok(container);
    assert.equal(deployment.spec.replicas, 2);
    assert.equal(container.image, `ghcr.io/palisade-security/palisade:${TOOL_VERSION}`);
    assert.deepEqual(container.args, [
      'admission',
      'serve',
      '--cert',
      '/etc/palisade/tls/tls.crt',
      '--key',
      '/etc/palisade/tls/tls.key',
      '--port',
      '8443',
      '--namespace-labels-from-api',
      '--config',
      '/etc/palisade/config/palisade.yaml',
      '--failure-policy',
      'Fail',
      '--timeout',
      '2000',
    ]);
    assert.deepEqual(pod.securityContext, {
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
      runAsUser: 65532,
      runAsGroup: 65532,
      fsGroup: 65532,
    });
    assert.equal(pod.serviceAccountName, find(result, 'ServiceAccount').metadata.name);
    assert.equal(pod.automountServiceAccountToken, true);
    assert.equal(container.livenessProbe.httpGet.path, '/healthz');
    assert.equal(container.readinessProbe.httpGet.path, '/readyz');
    // Selectors, ports, volumes and mounts refer to each other.
    const podLabels = deployment.spec.template.metadata.labels;
    for (const [key, value] of Object.entries(deployment.spec.selector.matchLabels ?? {})) {
      assert.equal(podLabels[key], value);
    }
    const service: ServiceObject = find(result, 'Service');
    for (const [key, value] of Object.entries(service.spec.selector)) {
      assert.equal(podLabels[key], value);
    }
    assert.deepEqual(service.spec.ports, [{ name: 'https', port: 443, targetPort: 'https', protocol: 'TCP' }]);
    assert.equal(container.ports[0]?.name, 'https');
    assert.deepEqual(container.volumeMounts.map((m) => m.name).sort(), pod.volumes.map((v) => v.name).sort());
    const secretVolume = pod.volumes.find((v) => v.name === 'tls');
    assert.equal(secretVolume?.secret?.secretName, find(result, 'Secret').metadata.name);
    assert.equal(
      pod.volumes.find((v) => v.name === 'config')?.configMap?.name,
      find(result, 'ConfigMap').metadata.name,
    );
    assert.deepEqual(
      container.volumeMounts.find((m) => m.name === 'tls'),
      { name: 'tls', mountPath: '/etc/palisade/tls', readOnly: true },
    );
    assert.equal(container.volumeMounts.find((m) => m.name === 'tmp')?.mountPath, '/tmp');
  });

  it('keeps one replica through drains with a PodDisruptionBudget', () => {
    const pdb: PodDisruptionBudgetObject = find(result, 'PodDisruptionBudget');
    assert.equal(pdb.spec.minAvailable, 1);
    assert.equal(pdb.spec.maxUnavailable, undefined);
    assert.deepEqual(pdb.spec.selector, find(result, 'Deployment').spec.selector);
  });

  it('validates workloads at CREATE and UPDATE (with ephemeral containers) and mutates only opted-in namespaces', () => {
    const [validate] = find(result, 'ValidatingWebhookConfiguration').webhooks;
    const [mutate] = find(result, 'MutatingWebhookConfiguration').webhooks;
    assert.ok(validate && mutate);
    const resources = (rules: readonly WebhookRule[]) =>
      rules.flatMap((r) => r.resources.map((res) => `${r.apiGroups[0] || 'core'}/${res}:${r.operations.join('+')}`));
    assert.deepEqual(resources(validate.rules), [
      'core/pods:CREATE+UPDATE',
      'core/pods/ephemeralcontainers:CREATE+UPDATE',
      'core/podtemplates:CREATE+UPDATE',
      'core/replicationcontrollers:CREATE+UPDATE',
      'apps/daemonsets:CREATE+UPDATE',
      'apps/deployments:CREATE+UPDATE',
      'apps/replicasets:CREATE+UPDATE',
      'apps/statefulsets:CREATE+UPDATE',
      'batch/cronjobs:CREATE+UPDATE',
      'batch/jobs:CREATE+UPDATE',
    ]);
    assert.deepEqual(resources(mutate.rules), [
      'core/pods:CREATE',
      'core/podtemplates:CREATE+UPDATE',
      'core/replicationcontrollers:CREATE+UPDATE',
      'apps/daemonsets:CREATE+UPDATE',
      'apps/deployments:CREATE+UPDATE',
      'apps/replicasets:CREATE+UPDATE',
      'apps/statefulsets:CREATE+UPDATE',
      'batch/cronjobs:CREATE+UPDATE',
      'batch/jobs:CREATE+UPDATE',
    ]);
    assert.equal(validate.clientConfig.service.path, '/validate');
    assert.equal(mutate.clientConfig.service.path, '/mutate');
    assert.equal(validate.failurePolicy, 'Fail');
    assert.equal(mutate.failurePolicy, 'Ignore');
    assert.equal(mutate.reinvocationPolicy, 'Never');
    assert.deepEqual(mutate.namespaceSelector.matchLabels, { 'palisade.io/mutate': 'true' });
    assert.deepEqual(validate.namespaceSelector, {
      matchExpressions: [
        { key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system', 'palisade'] },
      ],
    });
    assert.deepEqual(validate.matchConditions, [
      { name: 'namespace-not-excluded', expression: "!request.namespace.startsWith('openshift-')" },
    ]);
  });
});

// ---- we ship what we preach ------------------------------------------------------------------

describe('admissionManifests: Palisade scans its own deployment clean', () => {
  let dir: string;
  before(() => {
    dir = tempDir('scan');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const platform of ['kubernetes', 'openshift'] as const) {
    it(`${platform}: no failing Pod Security restricted check, nothing failing high or critical`, async () => {
      const file = join(dir, `${platform}.yaml`);
      writeFileSync(file, renderManifests((await admissionManifests({ platform })).objects, 'yaml'));

      const pss = await scanManifests([file], { frameworks: ['pss-restricted'] });
      assert.ok(pss.summary.checks > 10, 'the restricted checks ran');
      const pssFailures = pss.findings.filter((f) => f.status === 'fail' || f.status === 'error');
      assert.deepEqual(
        pssFailures.map((f) => `${f.checkId} ${f.message}`),
        [],
      );
      assert.ok(
        pss.findings.some((f) => f.status === 'pass' && f.resource.kind === 'Deployment'),
        'the Deployment was evaluated',
      );

      const all = await scanManifests([file]);
      const serious = all.findings.filter(
        (f) =>
          (f.status === 'fail' || f.status === 'error') && !f.suppressed && ['critical', 'high'].includes(f.severity),
      );
      assert.deepEqual(
        serious.map((f) => `${f.checkId} ${f.message}`),
        [],
      );
      // The token the server needs is an explained exemption, not a silent pass.
      const token = all.findings.find((f) => f.checkId === 'PAL-K8S-0107' && f.resource.kind === 'Deployment');
      assert.equal(token?.status, 'fail');
      assert.match(token?.suppressed?.reason ?? '', /namespace labels from the API/);
    });
  }
});

// ---- the webhooks match what they should -----------------------------------------------------

/** A ValidatingAdmissionPolicy that denies whatever the webhook's rules, namespaceSelector and matchConditions match. */
function policyLike(name: string, webhook: ValidatingWebhookConfigurationObject['webhooks'][number]): string {
  const policy = {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicy',
    metadata: { name },
    spec: {
      matchConstraints: {
        resourceRules: webhook.rules,
        namespaceSelector: webhook.namespaceSelector,
        matchPolicy: webhook.matchPolicy,
      },
      ...(webhook.matchConditions ? { matchConditions: webhook.matchConditions } : {}),
      validations: [{ expression: 'false', message: 'called' }],
    },
  };
  const binding = {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicyBinding',
    metadata: { name },
    spec: { policyName: name, validationActions: ['Deny'] },
  };
  return JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [policy, binding] });
}

describe('admissionManifests: which requests reach the webhooks (the API server matching, by the VAP engine)', () => {
  let dir: string;
  let result: AdmissionManifests;
  before(async () => {
    dir = tempDir('match');
    result = await admissionManifests({
      namespace: 'palisade-system',
      platform: 'openshift',
      excludeNamespaces: ['legacy', 'team-*', 'ci-?'],
    });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  async function calls(
    webhook: ValidatingWebhookConfigurationObject['webhooks'][number],
    cases: readonly [file: string, namespace: string, labels?: Record<string, string>][],
  ): Promise<boolean[]> {
    const file = join(dir, `${webhook.name}.yaml`);
    writeFileSync(file, policyLike(webhook.name.replaceAll('.', '-'), webhook));
    const loaded = await loadPolicies([file]);
    assert.deepEqual(loaded.diagnostics, []);
    return cases.map(([review, namespace, labels]) => {
      const evaluation = evaluatePolicies(loaded.value, request(review, namespace), {
        namespace: { labels: { 'kubernetes.io/metadata.name': namespace, ...labels } },
      });
      assert.deepEqual(evaluation.errors ?? [], [], `${review} in ${namespace}`);
      return !evaluation.allowed;
    });
  }

  it('validation: workloads in other namespaces only, not subresources but ephemeral containers', async () => {
    const [validate] = find(result, 'ValidatingWebhookConfiguration').webhooks;
    assert.ok(validate);
    const called = await calls(validate, [
      ['create-deployment.json', 'shop'],
      ['update-pod-ephemeralcontainers.json', 'shop'],
      ['create-cronjob-malformed.json', 'shop'],
      ['create-configmap.json', 'shop'],
      ['update-deployment-status.json', 'shop'],
      ['delete-pod.json', 'shop'],
      ['create-deployment.json', 'kube-system'],
      ['create-deployment.json', 'palisade-system'],
      ['create-deployment.json', 'legacy'],
      ['create-deployment.json', 'openshift-monitoring'],
      ['create-deployment.json', 'openshift'],
      ['create-deployment.json', 'team-a'],
      ['create-deployment.json', 'ci-1'],
      ['create-deployment.json', 'ci-12'],
    ]);
    assert.deepEqual(called, [
      true,
      true,
      true,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      true,
      false,
      false,
      true,
    ]);
  });

  it('mutation: only namespaces labelled palisade.io/mutate=true, never the excluded ones', async () => {
    const [mutate] = find(result, 'MutatingWebhookConfiguration').webhooks;
    assert.ok(mutate);
    const optIn = { 'palisade.io/mutate': 'true' };
    const called = await calls(mutate, [
      ['create-deployment.json', 'shop', optIn],
      ['create-deployment.json', 'shop'],
      ['create-deployment.json', 'shop', { 'palisade.io/mutate': 'false' }],
      ['update-pod-ephemeralcontainers.json', 'shop', optIn],
      ['create-deployment.json', 'openshift-monitoring', optIn],
      ['create-deployment.json', 'palisade-system', optIn],
    ]);
    assert.deepEqual(called, [true, false, false, false, false, false]);
  });

  it("the server's config exempts the same namespaces, globs included (the second line)", () => {
    const configMap: ConfigMapObject = find(result, 'ConfigMap');
    const config = parseConfig(configMap.data['palisade.yaml'] ?? '', 'palisade.yaml');
    assert.deepEqual(config.admission?.exemptions?.namespaces, [
      'kube-system',
      'palisade-system',
      'legacy',
      'openshift-*',
      'team-*',
      'ci-?',
    ]);
    const admission = createAdmission({ config, namespaceLabels: () => ({ 'palisade.io/enforce': 'restricted' }) });
    const privileged = request('create-deployment.json');
    const inNamespace = (namespace: string) => admission.admit({ ...privileged, namespace });
    assert.equal(inNamespace('shop').allowed, false);
    for (const namespace of ['openshift-monitoring', 'team-a', 'palisade-system', 'kube-system', 'legacy']) {
      const outcome = inNamespace(namespace);
      assert.equal(outcome.allowed, true, namespace);
      assert.equal(outcome.detail.exempt, 'namespace', namespace);
    }
  });
});

// ---- OpenShift -------------------------------------------------------------------------------

describe('admissionManifests: openshift', () => {
  let result: AdmissionManifests;
  before(async () => {
    result = await admissionManifests({ platform: 'openshift' });
  });

  it('takes the serving certificate and CA bundle from the service CA: no Secret, no caBundle', () => {
    assert.equal(result.tls, 'openshift-service-ca');
    assert.equal(result.caBundle, undefined);
    assert.deepEqual(
      result.objects.map((o) => o.kind),
      KUBERNETES_ORDER.filter((k) => k !== 'Secret'),
    );
    assert.deepEqual(find(result, 'Service').metadata.annotations, {
      'service.beta.openshift.io/serving-cert-secret-name': 'palisade-admission-tls',
    });
    for (const kind of ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration'] as const) {
      const configuration = find(result, kind);
      assert.deepEqual(configuration.metadata.annotations, { 'service.beta.openshift.io/inject-cabundle': 'true' });
      for (const webhook of configuration.webhooks) {
        assert.equal(webhook.clientConfig.caBundle, undefined);
      }
    }
    const secretVolume = find(result, 'Deployment').spec.template.spec.volumes.find((v) => v.secret);
    assert.equal(secretVolume?.secret?.secretName, 'palisade-admission-tls');
  });

  it('leaves the user and groups to the restricted-v2 SCC and judges DeploymentConfigs', () => {
    const pod = find(result, 'Deployment').spec.template.spec;
    assert.deepEqual(pod.securityContext, { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    for (const kind of ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration'] as const) {
      const [webhook] = find(result, kind).webhooks;
      assert.deepEqual(
        webhook?.rules.find((r) => r.apiGroups.includes('apps.openshift.io')),
        {
          apiGroups: ['apps.openshift.io'],
          apiVersions: ['v1'],
          operations: ['CREATE', 'UPDATE'],
          resources: ['deploymentconfigs'],
          scope: 'Namespaced',
        },
        kind,
      );
    }
    assert.equal(find(result, 'Namespace').metadata.labels['security.openshift.io/scc.podSecurityLabelSync'], 'false');
  });

  it('refuses a supplied certificate', async () => {
    await assert.rejects(
      admissionManifests({ platform: 'openshift', tls: { caFile: 'ca.crt', certFile: 'tls.crt', keyFile: 'tls.key' } }),
      (e: unknown) => e instanceof UsageError && /service CA/.test(e.message),
    );
  });
});

// ---- options ---------------------------------------------------------------------------------

describe('admissionManifests: options', () => {
  it('one replica: the budget allows one disruption, so drains are not blocked', async () => {
    const result = await admissionManifests({ platform: 'openshift', replicas: 1 });
    assert.equal(find(result, 'Deployment').spec.replicas, 1);
    const pdb = find(result, 'PodDisruptionBudget');
    assert.equal(pdb.spec.maxUnavailable, 1);
    assert.equal(pdb.spec.minAvailable, undefined);
  });

  it('failure policy, timeout, image and extra exclusions reach the webhooks and the server', async () => {
    const result = await admissionManifests({
      platform: 'openshift',
      failurePolicy: 'Ignore',
      timeoutSeconds: 1,
      image: 'registry.example.com/palisade@sha256:0123',
      excludeNamespaces: ['legacy', 'kube-system', 'openshift-*'],
    });
    const [validate] = find(result, 'ValidatingWebhookConfiguration').webhooks;
    const [mutate] = find(result, 'MutatingWebhookConfiguration').webhooks;
    assert.equal(validate?.failurePolicy, 'Ignore');
    assert.equal(validate?.timeoutSeconds, 1);
    assert.equal(mutate?.failurePolicy, 'Ignore');
    assert.equal(mutate?.timeoutSeconds, 1);
    const [container] = find(result, 'Deployment').spec.template.spec.containers;
    assert.equal(container?.image, 'registry.example.com/palisade@sha256:0123');
    const args = container?.args ?? [];
    assert.equal(args[args.indexOf('--failure-policy') + 1], 'Ignore');
    assert.equal(args[args.indexOf('--timeout') + 1], '500', 'the budget stays below the API server timeout');
    assert.deepEqual(result.excluded, { names: ['kube-system', 'palisade', 'legacy'], patterns: ['openshift-*'] });
  });

  const bad: [string, Parameters<typeof admissionManifests>[0], RegExp][] = [
    ['no replicas', { replicas: 0 }, /replicas: 0 is not a whole number from 1 to 100/],
    ['half a replica', { replicas: 1.5 }, /replicas/],
    ['a timeout the API refuses', { timeoutSeconds: 31 }, /timeoutSeconds: 31 is not a whole number from 1 to 30/],
    ['kube-system as the namespace', { namespace: 'kube-system' }, /shared with the cluster/],
    ['a namespace that is not a name', { namespace: 'Palisade_NS' }, /not a valid namespace name/],
    [
      'an exclusion that is not a name',
      { excludeNamespaces: ['Team A'] },
      /"Team A" is not a namespace name or a glob/,
    ],
    ['an image with a space', { image: 'a b' }, /not an image reference/],
  ];
  for (const [what, options, message] of bad) {
    it(`refuses ${what}`, async () => {
      await assert.rejects(
        admissionManifests({ platform: 'openshift', ...options }),
        (e: unknown) => e instanceof UsageError && message.test(e.message),
      );
    });
  }
});

// ---- generated certificate -------------------------------------------------------------------

describe('admissionManifests: the generated CA and serving certificate', () => {
  const now = new Date('2026-03-01T12:00:00Z');
  let result: AdmissionManifests;
  let ca: X509Certificate;
  let leaf: X509Certificate;
  let secret: SecretObject;
  before(async () => {
    result = await admissionManifests({ namespace: 'guard', now });
    secret = find(result, 'Secret');
    ca = new X509Certificate(result.caBundle ?? '');
    leaf = new X509Certificate(decode(secret.data['tls.crt'] ?? ''));
  });

  it('signs the serving certificate with the CA of the caBundle, for the Service names', () => {
    const [validate] = find(result, 'ValidatingWebhookConfiguration').webhooks;
    const [mutate] = find(result, 'MutatingWebhookConfiguration').webhooks;
    assert.equal(decode(validate?.clientConfig.caBundle ?? ''), result.caBundle);
    assert.equal(mutate?.clientConfig.caBundle, validate?.clientConfig.caBundle);
    assert.equal(ca.ca, true);
    assert.equal(leaf.ca, false);
    assert.ok(leaf.checkIssued(ca));
    assert.ok(leaf.verify(ca.publicKey));
    assert.ok(ca.verify(ca.publicKey), 'the CA is self-signed');
    for (const host of [
      'palisade-admission',
      'palisade-admission.guard',
      'palisade-admission.guard.svc',
      'palisade-admission.guard.svc.cluster.local',
    ]) {
      assert.equal(leaf.checkHost(host, { subject: 'never' }), host);
    }
    assert.equal(leaf.checkHost('palisade-admission.other.svc'), undefined);
    assert.deepEqual(leaf.keyUsage, ['1.3.6.1.5.5.7.3.1'], 'extendedKeyUsage serverAuth');
    assert.ok(leaf.checkPrivateKey(createPrivateKey(decode(secret.data['tls.key'] ?? ''))));
  });

  it('is valid from a little before now: the CA ten years, the serving certificate one', () => {
    const days = (from: Date, to: Date) => Math.round((to.getTime() - from.getTime()) / 86_400_000);
    assert.ok(leaf.validFromDate < now && now.getTime() - leaf.validFromDate.getTime() <= 10 * 60_000);
    assert.equal(days(now, leaf.validToDate), 365);
    assert.equal(days(now, ca.validToDate), 3650);
    assert.deepEqual(result.servingNotAfter, leaf.validToDate);
  });

  it('prints exactly one private key, the serving one: never the CA key', () => {
    const text = renderManifests(result.objects, 'yaml');
    const decoded = [...text.matchAll(/[A-Za-z0-9+/]{200,}={0,2}/g)].map((m) => decode(m[0]));
    const keys = [text, ...decoded].flatMap(
      (t) => t.match(/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g) ?? [],
    );
    assert.equal(keys.length, 1);
    assert.ok(leaf.checkPrivateKey(createPrivateKey(keys[0] ?? '')));
    assert.equal(ca.checkPrivateKey(createPrivateKey(keys[0] ?? '')), false);
  });

  it('makes a new CA each run', async () => {
    const again = await admissionManifests({ namespace: 'guard', now });
    assert.notEqual(again.caBundle, result.caBundle);
    assert.notEqual(new X509Certificate(again.caBundle ?? '').serialNumber, ca.serialNumber);
  });
});

describe('admissionManifests: the generated certificate in a TLS handshake with the webhook server', () => {
  let dir: string;
  let result: AdmissionManifests;
  let server: Awaited<ReturnType<typeof startAdmissionServer>>;
  before(async () => {
    dir = tempDir('https');
    result = await admissionManifests({ namespace: 'guard' });
    const secret = find(result, 'Secret');
    writeFileSync(join(dir, 'tls.crt'), decode(secret.data['tls.crt'] ?? ''));
    writeFileSync(join(dir, 'tls.key'), decode(secret.data['tls.key'] ?? ''));
    server = await startAdmissionServer({
      host: '127.0.0.1',
      port: 0,
      certFile: join(dir, 'tls.crt'),
      keyFile: join(dir, 'tls.key'),
      reloadIntervalMs: 0,
    });
  });
  after(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** POST an AdmissionReview as the API server would: to the Service name, trusting only the caBundle. */
  function post(servername: string, ca: string): Promise<{ status: number; body: string }> {
    const body = readFileSync(join(REVIEWS, 'create-deployment.json'));
    return new Promise((resolve, reject) => {
      const req = httpsRequest(
        {
          host: '127.0.0.1',
          port: server.port,
          servername,
          ca,
          method: 'POST',
          path: '/validate',
          headers: { 'content-type': 'application/json', 'content-length': String(body.length) },
          agent: false,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  it('verifies against the caBundle for palisade-admission.<ns>.svc and answers the review', async () => {
    const reply = await post('palisade-admission.guard.svc', result.caBundle ?? '');
    assert.equal(reply.status, 200, reply.body);
    const review = JSON.parse(reply.body) as { response: { uid: string; allowed: boolean } };
    assert.equal(review.response.uid, '705ab4f5-6393-11e8-b7cc-42010a800002');
  });

  it('fails the handshake for another name or another CA', async () => {
    await assert.rejects(post('palisade-admission.other.svc', result.caBundle ?? ''), {
      code: 'ERR_TLS_CERT_ALTNAME_INVALID',
    });
    const other = await admissionManifests({ namespace: 'guard' });
    await assert.rejects(post('palisade-admission.guard.svc', other.caBundle ?? ''), {
      code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    });
  });
});

// ---- supplied certificate --------------------------------------------------------------------

describe('admissionManifests: a supplied CA, certificate and key', { skip: OPENSSL_SKIP }, () => {
  let dir: string;
  const file = (name: string) => join(dir, name);
  const supplied = (cert: string, key = cert, ca = 'ca') => ({
    caFile: file(`${ca}.crt`),
    certFile: file(`${cert}.crt`),
    keyFile: file(`${key}.key`),
  });
  const SERVICE_SAN = 'DNS:palisade-admission.palisade.svc,DNS:palisade-admission.palisade.svc.cluster.local';

  before(() => {
    dir = tempDir('supplied');
    makeCa(dir, 'ca');
    makeCa(dir, 'other');
    makeLeaf(dir, 'good', 'ca', 'palisade-admission.palisade.svc', 'serverAuth', SERVICE_SAN);
    makeLeaf(dir, 'second', 'ca', 'palisade-admission.palisade.svc', 'serverAuth', SERVICE_SAN);
    // The right name only in the CN: the API server reads subjectAltName only.
    makeLeaf(dir, 'cn-only', 'ca', 'palisade-admission.palisade.svc', 'serverAuth', 'DNS:localhost');
    makeLeaf(dir, 'foreign', 'other', 'palisade-admission.palisade.svc', 'serverAuth', SERVICE_SAN);
    makeLeaf(dir, 'client', 'ca', 'palisade-admission.palisade.svc', 'clientAuth', SERVICE_SAN);
    // ca → inter → chained; chained.crt holds the leaf then the intermediate.
    writeFileSync(file('inter.cnf'), 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n');
    const openssl = (args: string[]) =>
      execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    openssl([
      'req',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      'inter.key',
      '-out',
      'inter.csr',
      '-subj',
      '/CN=palisade-test-inter',
    ]);
    openssl([
      'x509',
      '-req',
      '-in',
      'inter.csr',
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      '2',
      '-extfile',
      'inter.cnf',
      '-out',
      'inter.crt',
    ]);
    makeLeaf(dir, 'chained', 'inter', 'palisade-admission.palisade.svc', 'serverAuth', SERVICE_SAN);
    writeFileSync(
      file('chained-full.crt'),
      readFileSync(file('chained.crt'), 'utf8') + readFileSync(file('inter.crt'), 'utf8'),
    );
    writeFileSync(file('chained-full.key'), readFileSync(file('chained.key')));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('puts the certificate and key in the Secret and the CA in the caBundle', async () => {
    const result = await admissionManifests({ tls: supplied('good') });
    assert.equal(result.tls, 'supplied');
    const secret = find(result, 'Secret');
    assert.equal(decode(secret.data['tls.crt'] ?? ''), readFileSync(file('good.crt'), 'utf8'));
    assert.equal(decode(secret.data['tls.key'] ?? ''), readFileSync(file('good.key'), 'utf8'));
    const [validate] = find(result, 'ValidatingWebhookConfiguration').webhooks;
    assert.equal(decode(validate?.clientConfig.caBundle ?? ''), readFileSync(file('ca.crt'), 'utf8'));
    assert.deepEqual(result.servingNotAfter, new X509Certificate(readFileSync(file('good.crt'))).validToDate);
  });

  it('accepts a certificate signed through an intermediate that follows it in the file', async () => {
    const result = await admissionManifests({ tls: supplied('chained-full') });
    const chain = decode(find(result, 'Secret').data['tls.crt'] ?? '');
    assert.equal(chain.match(/BEGIN CERTIFICATE/g)?.length, 2);
  });

  const failures: [string, () => ReturnType<typeof supplied>, (d: string) => RegExp][] = [
    [
      'a key of another certificate',
      () => supplied('good', 'second'),
      (d) =>
        new RegExp(
          `^--key-file ${d}/second\\.key: the key does not match the certificate in --cert-file ${d}/good\\.crt$`,
        ),
    ],
    [
      'a certificate for another name (CN alone does not count)',
      () => supplied('cn-only'),
      (d) =>
        new RegExp(
          `^--cert-file ${d}/cn-only\\.crt: the certificate is not for palisade-admission\\.palisade\\.svc.*subjectAltName: DNS:localhost`,
        ),
    ],
    [
      'a certificate another CA signed',
      () => supplied('foreign'),
      (d) =>
        new RegExp(
          `^--cert-file ${d}/foreign\\.crt: the certificate is not signed by the CA in --ca-file ${d}/ca\\.crt$`,
        ),
    ],
    [
      'a client certificate',
      () => supplied('client'),
      (d) => new RegExp(`^--cert-file ${d}/client\\.crt: the certificate is not for server authentication`),
    ],
    [
      'an intermediate missing from the file',
      () => supplied('chained'),
      (d) => new RegExp(`^--cert-file ${d}/chained\\.crt: the certificate is not signed by the CA`),
    ],
    [
      'a key where the certificate should be',
      () => ({ ...supplied('good'), certFile: file('good.key') }),
      (d) => new RegExp(`^--cert-file ${d}/good\\.key: no PEM certificate in the file`),
    ],
    [
      'a certificate where the key should be',
      () => ({ ...supplied('good'), keyFile: file('good.crt') }),
      (d) => new RegExp(`^--key-file ${d}/good\\.crt: not an unencrypted PEM private key`),
    ],
    [
      'a CA file that is not there',
      () => ({ ...supplied('good'), caFile: file('missing.crt') }),
      (d) => new RegExp(`^--ca-file ${d}/missing\\.crt: cannot read`),
    ],
  ];
  for (const [what, tls, message] of failures) {
    it(`refuses ${what}, naming the file`, async () => {
      const options = tls();
      await assert.rejects(admissionManifests({ tls: options }), (e: unknown) => {
        assert.ok(e instanceof InputError, String(e));
        assert.match(e.message, message(dir));
        assert.ok(Object.values(options).includes(e.location?.file ?? ''), 'the location is one of the files');
        return true;
      });
    });
  }

  it('refuses a certificate that is not valid at the time given', async () => {
    await assert.rejects(
      admissionManifests({ tls: supplied('good'), now: new Date('2001-01-01T00:00:00Z') }),
      (e: unknown) => e instanceof InputError && /good\.crt: the certificate is valid from .* not now/.test(e.message),
    );
  });
});
