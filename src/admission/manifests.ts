/**
 * `palisade admission manifests`: the Kubernetes objects that deploy the admission webhook
 * (`palisade admission serve`), in apply order:
 *
 * Namespace (Pod Security `restricted`), ServiceAccount, ClusterRole and ClusterRoleBinding
 * (namespaces get/list/watch: the server reads namespace labels from the API), ConfigMap (the
 * server's Palisade config: namespace exemptions), Secret `kubernetes.io/tls` (Kubernetes only),
 * Service, Deployment, PodDisruptionBudget, ValidatingWebhookConfiguration and
 * MutatingWebhookConfiguration.
 *
 * Serving certificate: on OpenShift the service CA operator issues it (Service annotation
 * `service.beta.openshift.io/serving-cert-secret-name`) and injects its CA into the webhook
 * configurations (`service.beta.openshift.io/inject-cabundle`). Elsewhere it is supplied (CA,
 * certificate and key files, checked: the key matches, the certificate is for the Service's DNS
 * name, the CA signed it) or generated here: a new CA signs a one-year serving certificate and is
 * then forgotten, its private key never printed (run again to rotate).
 *
 * Namespaces left alone: kube-system, `openshift-*` and the webhook's own namespace, plus
 * `excludeNamespaces`. A namespaceSelector cannot match a prefix, so exact names go into the
 * namespaceSelector (the API server never calls for them), patterns into a CEL matchCondition
 * (Kubernetes 1.28+; older API servers drop the field), and all of them into the server's config
 * exemptions (`admission.exemptions.namespaces` takes globs) as a second line.
 *
 * Sources: admissionregistration.k8s.io/v1 API reference; "Dynamic Admission Control"
 * (https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/);
 * Pod Security Standards (restricted); OpenShift "Securing service traffic using service serving
 * certificate secrets" and the restricted-v2 SCC.
 */
import { createPrivateKey, generateKeyPairSync, type KeyObject, randomBytes, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import forge from 'node-forge';
import { stringify } from 'yaml';
import { type Config, InputError, TOOL_VERSION, UsageError } from '#core';
import { IGNORE_ANNOTATION, IGNORE_REASON_ANNOTATION } from '#posture';
import type { FailurePolicy } from './evaluate.ts';
import { MUTATE_LABEL } from './mutate.ts';
import { DEFAULT_ADMISSION_TIMEOUT_MS } from './server.ts';

export const MANIFEST_PLATFORMS = ['kubernetes', 'openshift'] as const;
export type ManifestPlatform = (typeof MANIFEST_PLATFORMS)[number];
export const MANIFEST_FORMATS = ['yaml', 'json'] as const;
export type ManifestFormat = (typeof MANIFEST_FORMATS)[number];

/** Name of the Deployment, Service, ServiceAccount, ClusterRole and webhook configurations. */
export const ADMISSION_APP_NAME = 'palisade-admission';
export const ADMISSION_TLS_SECRET = 'palisade-admission-tls';
export const ADMISSION_CONFIG_MAP = 'palisade-admission-config';
export const DEFAULT_ADMISSION_NAMESPACE = 'palisade';
export const DEFAULT_ADMISSION_IMAGE = `ghcr.io/palisade-security/palisade:${TOOL_VERSION}`;
export const DEFAULT_ADMISSION_REPLICAS = 2;
export const DEFAULT_WEBHOOK_TIMEOUT_SECONDS = 5;
/** Excluded besides the webhook's own namespace; globs as in `admission.exemptions.namespaces`. */
export const DEFAULT_EXCLUDED_NAMESPACES: readonly string[] = ['kube-system', 'openshift-*'];
/** The API server's bounds on a webhook's timeoutSeconds. */
export const WEBHOOK_TIMEOUT_RANGE = { min: 1, max: 30 } as const;
export const ADMISSION_REPLICAS_RANGE = { min: 1, max: 100 } as const;
/** Namespaces the webhook may not be installed in: its Namespace object would relabel them. */
const RESERVED_NAMESPACES: ReadonlySet<string> = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease']);

const CONTAINER_PORT = 8443;
const SERVICE_PORT = 443;
const TLS_DIR = '/etc/palisade/tls';
const CONFIG_DIR = '/etc/palisade/config';
const CONFIG_FILE = 'palisade.yaml';
/** The distroless "nonroot" user and group. */
const NON_ROOT_ID = 65532;
/** Owner and group may read the key; the group is the pod's fsGroup. */
const SECRET_FILE_MODE = 0o440;
const NAME_LABEL = 'app.kubernetes.io/name';
const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';
const OPENSHIFT_SERVING_CERT = 'service.beta.openshift.io/serving-cert-secret-name';
const OPENSHIFT_INJECT_CA = 'service.beta.openshift.io/inject-cabundle';
const CA_DAYS = 3650;
const SERVING_DAYS = 365;
/** Certificates start a little in the past, for clocks that are behind. */
const BACKDATE_MS = 5 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
const DNS_LABEL = /^[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?$/;
const NAMESPACE_GLOB = /^[a-z0-9*?](?:[-a-z0-9*?]{0,61}[a-z0-9*?])?$/;
const OID_SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const OID_ANY_EXTENDED_KEY_USAGE = '2.5.29.37.0';

type Labels = Readonly<Record<string, string>>;

export interface ObjectMeta {
  readonly name: string;
  readonly namespace?: string;
  readonly labels: Labels;
  readonly annotations?: Labels;
}

interface Base<K extends string> {
  readonly apiVersion: string;
  readonly kind: K;
  readonly metadata: ObjectMeta;
}

export interface LabelSelectorRequirement {
  readonly key: string;
  readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  readonly values?: readonly string[];
}

export interface LabelSelector {
  readonly matchLabels?: Labels;
  readonly matchExpressions?: readonly LabelSelectorRequirement[];
}

export interface PolicyRule {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
}

export interface Probe {
  readonly httpGet: { readonly path: string; readonly port: string; readonly scheme: 'HTTPS' };
  readonly periodSeconds: number;
  readonly timeoutSeconds: number;
  readonly failureThreshold: number;
}

export interface ContainerSecurityContext {
  readonly allowPrivilegeEscalation: false;
  readonly privileged: false;
  readonly readOnlyRootFilesystem: true;
  readonly runAsNonRoot: true;
  readonly capabilities: { readonly drop: readonly string[] };
}

export interface ManifestContainer {
  readonly name: string;
  readonly image: string;
  readonly imagePullPolicy: 'IfNotPresent';
  readonly args: readonly string[];
  readonly ports: readonly { readonly name: string; readonly containerPort: number; readonly protocol: 'TCP' }[];
  readonly livenessProbe: Probe;
  readonly readinessProbe: Probe;
  readonly resources: { readonly requests: Labels; readonly limits: Labels };
  readonly securityContext: ContainerSecurityContext;
  readonly volumeMounts: readonly { readonly name: string; readonly mountPath: string; readonly readOnly?: true }[];
}

export interface PodSecurityContext {
  readonly runAsNonRoot: true;
  readonly seccompProfile: { readonly type: 'RuntimeDefault' };
  /** Kubernetes only: on OpenShift the restricted-v2 SCC assigns them from the namespace's range. */
  readonly runAsUser?: number;
  readonly runAsGroup?: number;
  readonly fsGroup?: number;
}

export interface Volume {
  readonly name: string;
  readonly secret?: { readonly secretName: string; readonly defaultMode: number };
  readonly configMap?: { readonly name: string };
  readonly emptyDir?: { readonly sizeLimit: string };
}

export interface ManifestPodSpec {
  readonly serviceAccountName: string;
  readonly automountServiceAccountToken: true;
  readonly securityContext: PodSecurityContext;
  readonly containers: readonly ManifestContainer[];
  readonly volumes: readonly Volume[];
  readonly affinity: {
    readonly podAntiAffinity: {
      readonly preferredDuringSchedulingIgnoredDuringExecution: readonly {
        readonly weight: number;
        readonly podAffinityTerm: { readonly labelSelector: LabelSelector; readonly topologyKey: string };
      }[];
    };
  };
}

export interface WebhookRule {
  readonly apiGroups: readonly string[];
  readonly apiVersions: readonly string[];
  readonly operations: readonly ('CREATE' | 'UPDATE')[];
  readonly resources: readonly string[];
  readonly scope: 'Namespaced';
}

export interface Webhook {
  readonly name: string;
  readonly admissionReviewVersions: readonly string[];
  readonly clientConfig: {
    readonly service: {
      readonly namespace: string;
      readonly name: string;
      readonly path: string;
      readonly port: number;
    };
    /** Base64 of the CA PEM; absent on OpenShift (the service CA operator injects it). */
    readonly caBundle?: string;
  };
  readonly rules: readonly WebhookRule[];
  readonly namespaceSelector: LabelSelector;
  readonly matchConditions?: readonly { readonly name: string; readonly expression: string }[];
  readonly failurePolicy: FailurePolicy;
  readonly matchPolicy: 'Equivalent';
  readonly sideEffects: 'None';
  readonly timeoutSeconds: number;
  readonly reinvocationPolicy?: 'Never';
}

export type NamespaceObject = Base<'Namespace'>;
export interface ServiceAccountObject extends Base<'ServiceAccount'> {
  readonly automountServiceAccountToken: false;
}
export interface ClusterRoleObject extends Base<'ClusterRole'> {
  readonly rules: readonly PolicyRule[];
}
export interface ClusterRoleBindingObject extends Base<'ClusterRoleBinding'> {
  readonly roleRef: { readonly apiGroup: string; readonly kind: 'ClusterRole'; readonly name: string };
  readonly subjects: readonly { readonly kind: 'ServiceAccount'; readonly name: string; readonly namespace: string }[];
}
export interface ConfigMapObject extends Base<'ConfigMap'> {
  readonly data: Labels;
}
export interface SecretObject extends Base<'Secret'> {
  readonly type: 'kubernetes.io/tls';
  /** `tls.crt` and `tls.key`, base64. */
  readonly data: Labels;
}
export interface ServiceObject extends Base<'Service'> {
  readonly spec: {
    readonly type: 'ClusterIP';
    readonly selector: Labels;
    readonly ports: readonly {
      readonly name: string;
      readonly port: number;
      readonly targetPort: string;
      readonly protocol: 'TCP';
    }[];
  };
}
export interface DeploymentObject extends Base<'Deployment'> {
  readonly spec: {
    readonly replicas: number;
    readonly selector: LabelSelector;
    readonly strategy: {
      readonly type: 'RollingUpdate';
      readonly rollingUpdate: { readonly maxUnavailable: number; readonly maxSurge: number };
    };
    readonly template: { readonly metadata: { readonly labels: Labels }; readonly spec: ManifestPodSpec };
  };
}
export interface PodDisruptionBudgetObject extends Base<'PodDisruptionBudget'> {
  readonly spec: {
    readonly selector: LabelSelector;
    readonly minAvailable?: number;
    readonly maxUnavailable?: number;
    readonly unhealthyPodEvictionPolicy: 'AlwaysAllow';
  };
}
export interface ValidatingWebhookConfigurationObject extends Base<'ValidatingWebhookConfiguration'> {
  readonly webhooks: readonly Webhook[];
}
export interface MutatingWebhookConfigurationObject extends Base<'MutatingWebhookConfiguration'> {
  readonly webhooks: readonly Webhook[];
}

export type AdmissionManifest =
  | NamespaceObject
  | ServiceAccountObject
  | ClusterRoleObject
  | ClusterRoleBindingObject
  | ConfigMapObject
  | SecretObject
  | ServiceObject
  | DeploymentObject
  | PodDisruptionBudgetObject
  | ValidatingWebhookConfigurationObject
  | MutatingWebhookConfigurationObject;

/** PEM files of a serving certificate made elsewhere (Kubernetes platform only). */
export interface SuppliedTls {
  /** CA certificate(s) the API server is to trust (becomes the caBundle). */
  readonly caFile: string;
  /** Serving certificate, then any intermediates. */
  readonly certFile: string;
  readonly keyFile: string;
}

export interface AdmissionManifestOptions {
  /** Default `palisade`. */
  readonly namespace?: string;
  /** Default `ghcr.io/palisade-security/palisade:<version>`. */
  readonly image?: string;
  /** Default 2 (1 to 100). */
  readonly replicas?: number;
  /** Default `kubernetes`. */
  readonly platform?: ManifestPlatform;
  /** Without it (Kubernetes), a CA and a serving certificate are generated. */
  readonly tls?: SuppliedTls;
  /** The validating webhook's failure policy and the server's (default Fail); mutation always Ignore. */
  readonly failurePolicy?: FailurePolicy;
  /** Default 5 (1 to 30). */
  readonly timeoutSeconds?: number;
  /** More namespaces (names or globs such as `team-*`) to leave alone, besides the defaults. */
  readonly excludeNamespaces?: readonly string[];
  /** The clock for generated certificates and for checking supplied ones (default: now). */
  readonly now?: Date;
}

export interface AdmissionManifests {
  readonly objects: readonly AdmissionManifest[];
  /** Where the serving certificate comes from. */
  readonly tls: 'generated' | 'supplied' | 'openshift-service-ca';
  /** PEM of the CA(s) the webhook configurations trust (absent on OpenShift). */
  readonly caBundle?: string;
  /** When the serving certificate expires (absent on OpenShift: the service CA rotates it). */
  readonly servingNotAfter?: Date;
  /** The namespaces left alone: exact names, then globs. */
  readonly excluded: { readonly names: readonly string[]; readonly patterns: readonly string[] };
}

/** The DNS name the API server calls the webhook by, which the serving certificate must cover. */
export function serviceDnsName(namespace: string): string {
  return `${ADMISSION_APP_NAME}.${namespace}.svc`;
}

function commonLabels(): Record<string, string> {
  return {
    [NAME_LABEL]: ADMISSION_APP_NAME,
    'app.kubernetes.io/part-of': 'palisade',
    'app.kubernetes.io/managed-by': 'palisade',
  };
}

function meta(name: string, namespace?: string, annotations?: Labels): ObjectMeta {
  return {
    name,
    ...(namespace === undefined ? {} : { namespace }),
    labels: commonLabels(),
    ...(annotations === undefined ? {} : { annotations }),
  };
}

function selector(): LabelSelector {
  return { matchLabels: { [NAME_LABEL]: ADMISSION_APP_NAME } };
}

const base64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

// ---- options ---------------------------------------------------------------------------------

interface Resolved {
  readonly namespace: string;
  readonly image: string;
  readonly replicas: number;
  readonly platform: ManifestPlatform;
  readonly failurePolicy: FailurePolicy;
  readonly timeoutSeconds: number;
  readonly excluded: { readonly names: readonly string[]; readonly patterns: readonly string[] };
  readonly now: Date;
}

function wholeNumberIn(value: number, range: { min: number; max: number }, what: string): number {
  if (!Number.isInteger(value) || value < range.min || value > range.max) {
    throw new UsageError(`${what}: ${value} is not a whole number from ${range.min} to ${range.max}`);
  }
  return value;
}

function checkNamespace(namespace: string): string {
  if (!DNS_LABEL.test(namespace)) {
    throw new UsageError(`namespace "${namespace}" is not a valid namespace name (RFC 1123 label)`);
  }
  if (RESERVED_NAMESPACES.has(namespace)) {
    throw new UsageError(
      `namespace "${namespace}" is shared with the cluster: give the webhook a namespace of its own`,
    );
  }
  return namespace;
}

const isPattern = (entry: string): boolean => entry.includes('*') || entry.includes('?');

/** Own namespace, defaults and extras, without duplicates: exact names and globs apart. */
function excludedNamespaces(namespace: string, extra: readonly string[]): Resolved['excluded'] {
  for (const entry of extra) {
    const valid = isPattern(entry) ? NAMESPACE_GLOB.test(entry) : DNS_LABEL.test(entry);
    if (!valid) {
      throw new UsageError(`excluded namespace "${entry}" is not a namespace name or a glob such as team-*`);
    }
  }
  const all = [...new Set([...DEFAULT_EXCLUDED_NAMESPACES, namespace, ...extra])];
  return { names: all.filter((e) => !isPattern(e)), patterns: all.filter(isPattern) };
}

function resolveManifestOptions(options: AdmissionManifestOptions): Resolved {
  const namespace = checkNamespace(options.namespace ?? DEFAULT_ADMISSION_NAMESPACE);
  const image = options.image ?? DEFAULT_ADMISSION_IMAGE;
  if (image === '' || /\s/.test(image)) {
    throw new UsageError(`image "${image}" is not an image reference`);
  }
  const platform = options.platform ?? 'kubernetes';
  if (platform === 'openshift' && options.tls) {
    throw new UsageError(
      'a supplied CA, certificate and key are for the kubernetes platform: on OpenShift the service CA issues the serving certificate',
    );
  }
  return {
    namespace,
    image,
    replicas: wholeNumberIn(options.replicas ?? DEFAULT_ADMISSION_REPLICAS, ADMISSION_REPLICAS_RANGE, 'replicas'),
    platform,
    failurePolicy: options.failurePolicy ?? 'Fail',
    timeoutSeconds: wholeNumberIn(
      options.timeoutSeconds ?? DEFAULT_WEBHOOK_TIMEOUT_SECONDS,
      WEBHOOK_TIMEOUT_RANGE,
      'timeoutSeconds',
    ),
    excluded: excludedNamespaces(namespace, options.excludeNamespaces ?? []),
    now: options.now ?? new Date(),
  };
}

// ---- serving certificate: generated ----------------------------------------------------------

interface ServingTls {
  readonly source: 'generated' | 'supplied';
  readonly caPem: string;
  readonly certPem: string;
  readonly keyPem: string;
  readonly notAfter: Date;
}

/** A positive 128-bit serial number without a leading zero byte (RFC 5280 4.1.2.2), in hex. */
function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x40;
  return bytes.toString('hex');
}

function rsaKeyPair(): { publicPem: string; privatePem: string; privateKey: KeyObject } {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privatePem: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    privateKey,
  };
}

interface CertificateSpec {
  readonly commonName: string;
  readonly publicKeyPem: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly extensions: readonly object[];
  /** The issuer: itself when absent (self-signed). */
  readonly issuer?: forge.pki.Certificate;
  readonly signerKeyPem: string;
}

function signCertificate(spec: CertificateSpec): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(spec.publicKeyPem);
  cert.serialNumber = serialNumber();
  cert.validity.notBefore = spec.notBefore;
  cert.validity.notAfter = spec.notAfter;
  cert.setSubject([{ name: 'commonName', value: spec.commonName }]);
  cert.setIssuer(spec.issuer ? spec.issuer.subject.attributes : cert.subject.attributes);
  cert.setExtensions([...spec.extensions]);
  cert.sign(forge.pki.privateKeyFromPem(spec.signerKeyPem), forge.md.sha256.create());
  return cert;
}

/** The four names a client in the cluster may use for the Service. */
function serviceDnsNames(namespace: string): string[] {
  const short = `${ADMISSION_APP_NAME}.${namespace}`;
  return [ADMISSION_APP_NAME, short, `${short}.svc`, `${short}.svc.cluster.local`];
}

/**
 * A new CA (10 years) and a serving certificate (1 year) it signs for the Service's DNS names. The
 * CA's private key goes out of scope here: nothing else can ever be signed with it.
 */
function generateServingTls(namespace: string, now: Date): ServingTls {
  const notBefore = new Date(now.getTime() - BACKDATE_MS);
  const caKeys = rsaKeyPair();
  const ca = signCertificate({
    commonName: `palisade-admission-ca.${namespace}`,
    publicKeyPem: caKeys.publicPem,
    notBefore,
    notAfter: new Date(now.getTime() + CA_DAYS * DAY_MS),
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
      { name: 'subjectKeyIdentifier' },
    ],
    signerKeyPem: caKeys.privatePem,
  });
  const servingKeys = rsaKeyPair();
  const notAfter = new Date(now.getTime() + SERVING_DAYS * DAY_MS);
  const serving = signCertificate({
    commonName: serviceDnsName(namespace),
    publicKeyPem: servingKeys.publicPem,
    notBefore,
    notAfter,
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: serviceDnsNames(namespace).map((value) => ({ type: 2, value })) },
      { name: 'subjectKeyIdentifier' },
      { name: 'authorityKeyIdentifier', keyIdentifier: ca.generateSubjectKeyIdentifier().getBytes() },
    ],
    issuer: ca,
    signerKeyPem: caKeys.privatePem,
  });
  return {
    source: 'generated',
    caPem: forge.pki.certificateToPem(ca),
    certPem: forge.pki.certificateToPem(serving),
    keyPem: servingKeys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    notAfter,
  };
}

// ---- serving certificate: supplied -----------------------------------------------------------

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----\r?\n[\s\S]*?-----END CERTIFICATE-----/g;

function fileProblem(flag: string, file: string, problem: string): InputError {
  return new InputError('input.invalid', `--${flag} ${file}: ${problem}`, { location: { file } });
}

async function readPemFile(flag: string, file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new InputError(
      'input.not-found',
      `--${flag} ${file}: cannot read: ${error instanceof Error ? error.message : String(error)}`,
      { location: { file } },
    );
  }
}

/** Every PEM certificate of a file, in order; at least one. */
function certificatesIn(flag: string, file: string, text: string): { pems: string[]; certs: X509Certificate[] } {
  const pems = text.match(PEM_CERTIFICATE) ?? [];
  if (pems.length === 0) {
    throw fileProblem(flag, file, 'no PEM certificate in the file (-----BEGIN CERTIFICATE-----)');
  }
  const certs = pems.map((pem, i) => {
    try {
      return new X509Certificate(pem);
    } catch (error) {
      throw fileProblem(flag, file, `certificate ${i + 1} does not parse: ${(error as Error).message}`);
    }
  });
  return { pems, certs };
}

function privateKeyIn(file: string, text: string): KeyObject {
  try {
    return createPrivateKey(text);
  } catch (error) {
    throw fileProblem('key-file', file, `not an unencrypted PEM private key: ${(error as Error).message}`);
  }
}

const signedBy = (cert: X509Certificate, issuer: X509Certificate): boolean =>
  cert.checkIssued(issuer) && cert.verify(issuer.publicKey);

/** Whether a CA of the bundle signed the leaf, directly or through the intermediates that follow it. */
function chainsToCa(chain: readonly X509Certificate[], cas: readonly X509Certificate[]): boolean {
  let current = chain[0];
  const intermediates = chain.slice(1);
  for (let hops = 0; current !== undefined && hops <= intermediates.length; hops++) {
    const cert: X509Certificate = current;
    if (cas.some((ca) => signedBy(cert, ca))) {
      return true;
    }
    current = intermediates.find((next) => signedBy(cert, next));
  }
  return false;
}

function checkServingCertificate(
  tls: SuppliedTls,
  leaf: X509Certificate,
  key: KeyObject,
  namespace: string,
  now: Date,
): void {
  if (!leaf.checkPrivateKey(key)) {
    throw fileProblem('key-file', tls.keyFile, `the key does not match the certificate in --cert-file ${tls.certFile}`);
  }
  const host = serviceDnsName(namespace);
  // Go's TLS client (the API server) reads only the subjectAltName DNS names, never the CN.
  if (leaf.checkHost(host, { subject: 'never' }) === undefined) {
    throw fileProblem(
      'cert-file',
      tls.certFile,
      `the certificate is not for ${host}, the name the API server calls the webhook by (subjectAltName: ${leaf.subjectAltName ?? 'none'})`,
    );
  }
  const usages = leaf.keyUsage ?? [];
  if (usages.length > 0 && !usages.includes(OID_SERVER_AUTH) && !usages.includes(OID_ANY_EXTENDED_KEY_USAGE)) {
    throw fileProblem('cert-file', tls.certFile, 'the certificate is not for server authentication (extendedKeyUsage)');
  }
  if (now < leaf.validFromDate || now > leaf.validToDate) {
    throw fileProblem(
      'cert-file',
      tls.certFile,
      `the certificate is valid from ${leaf.validFromDate.toISOString()} to ${leaf.validToDate.toISOString()}, not now`,
    );
  }
}

async function suppliedServingTls(tls: SuppliedTls, namespace: string, now: Date): Promise<ServingTls> {
  const [caText, certText, keyText] = await Promise.all([
    readPemFile('ca-file', tls.caFile),
    readPemFile('cert-file', tls.certFile),
    readPemFile('key-file', tls.keyFile),
  ]);
  const ca = certificatesIn('ca-file', tls.caFile, caText);
  const chain = certificatesIn('cert-file', tls.certFile, certText);
  const key = privateKeyIn(tls.keyFile, keyText);
  const leaf = chain.certs[0] as X509Certificate;
  checkServingCertificate(tls, leaf, key, namespace, now);
  if (!chainsToCa(chain.certs, ca.certs)) {
    throw fileProblem('cert-file', tls.certFile, `the certificate is not signed by the CA in --ca-file ${tls.caFile}`);
  }
  return {
    source: 'supplied',
    caPem: `${ca.pems.join('\n')}\n`,
    certPem: `${chain.pems.join('\n')}\n`,
    keyPem: keyText,
    notAfter: leaf.validToDate,
  };
}

// ---- objects ---------------------------------------------------------------------------------

function namespaceObject(r: Resolved): NamespaceObject {
  const labels: Record<string, string> = {
    ...commonLabels(),
    'pod-security.kubernetes.io/enforce': 'restricted',
    'pod-security.kubernetes.io/enforce-version': 'latest',
    'pod-security.kubernetes.io/warn': 'restricted',
    'pod-security.kubernetes.io/audit': 'restricted',
  };
  if (r.platform === 'openshift') {
    // Keep the labels above: OpenShift's label syncer would otherwise set them from the SCCs.
    labels['security.openshift.io/scc.podSecurityLabelSync'] = 'false';
  }
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name: r.namespace, labels } };
}

function rbacObjects(r: Resolved): [ServiceAccountObject, ClusterRoleObject, ClusterRoleBindingObject] {
  return [
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: meta(ADMISSION_APP_NAME, r.namespace),
      // The Deployment opts in; any other pod using this account gets no token.
      automountServiceAccountToken: false,
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: meta(ADMISSION_APP_NAME),
      rules: [{ apiGroups: [''], resources: ['namespaces'], verbs: ['get', 'list', 'watch'] }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: meta(ADMISSION_APP_NAME),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: ADMISSION_APP_NAME },
      subjects: [{ kind: 'ServiceAccount', name: ADMISSION_APP_NAME, namespace: r.namespace }],
    },
  ];
}

/** The server's Palisade config: every excluded namespace, globs included, is exempt. */
function serverConfig(r: Resolved): Config {
  return {
    apiVersion: 'palisade.io/v1alpha1',
    kind: 'Config',
    admission: { exemptions: { namespaces: [...r.excluded.names, ...r.excluded.patterns] } },
  } satisfies Config;
}

function configMapObject(r: Resolved): ConfigMapObject {
  const text = stringify(serverConfig(r), { lineWidth: 0 });
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: meta(ADMISSION_CONFIG_MAP, r.namespace),
    data: { [CONFIG_FILE]: text },
  };
}

function secretObject(r: Resolved, tls: ServingTls): SecretObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: meta(ADMISSION_TLS_SECRET, r.namespace),
    type: 'kubernetes.io/tls',
    data: { 'tls.crt': base64(tls.certPem), 'tls.key': base64(tls.keyPem) },
  };
}

function serviceObject(r: Resolved): ServiceObject {
  const annotations = r.platform === 'openshift' ? { [OPENSHIFT_SERVING_CERT]: ADMISSION_TLS_SECRET } : undefined;
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(ADMISSION_APP_NAME, r.namespace, annotations),
    spec: {
      type: 'ClusterIP',
      selector: { [NAME_LABEL]: ADMISSION_APP_NAME },
      ports: [{ name: 'https', port: SERVICE_PORT, targetPort: 'https', protocol: 'TCP' }],
    },
  };
}

/** The server's budget per decision: below the API server's timeout, at most the server's default. */
function decisionBudgetMs(timeoutSeconds: number): number {
  return Math.min(DEFAULT_ADMISSION_TIMEOUT_MS, timeoutSeconds * 1000 - 500);
}

function serverArgs(r: Resolved): string[] {
  return [
    'admission',
    'serve',
    '--cert',
    `${TLS_DIR}/tls.crt`,
    '--key',
    `${TLS_DIR}/tls.key`,
    '--port',
    String(CONTAINER_PORT),
    '--namespace-labels-from-api',
    '--config',
    `${CONFIG_DIR}/${CONFIG_FILE}`,
    '--failure-policy',
    r.failurePolicy,
    '--timeout',
    String(decisionBudgetMs(r.timeoutSeconds)),
  ];
}

function probe(path: string, periodSeconds: number): Probe {
  return { httpGet: { path, port: 'https', scheme: 'HTTPS' }, periodSeconds, timeoutSeconds: 2, failureThreshold: 3 };
}

function container(r: Resolved): ManifestContainer {
  return {
    name: 'admission',
    image: r.image,
    imagePullPolicy: 'IfNotPresent',
    args: serverArgs(r),
    ports: [{ name: 'https', containerPort: CONTAINER_PORT, protocol: 'TCP' }],
    livenessProbe: probe('/healthz', 10),
    readinessProbe: probe('/readyz', 5),
    // A generous CPU limit: throttling would turn into webhook timeouts.
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '256Mi' } },
    securityContext: {
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
    },
    volumeMounts: [
      { name: 'tls', mountPath: TLS_DIR, readOnly: true },
      { name: 'config', mountPath: CONFIG_DIR, readOnly: true },
      { name: 'tmp', mountPath: '/tmp' },
    ],
  };
}

function podSecurityContext(r: Resolved): PodSecurityContext {
  const restricted = { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } } as const;
  // restricted-v2 assigns the user and fsGroup from the namespace's range and refuses others.
  return r.platform === 'openshift'
    ? restricted
    : { ...restricted, runAsUser: NON_ROOT_ID, runAsGroup: NON_ROOT_ID, fsGroup: NON_ROOT_ID };
}

function podSpec(r: Resolved): ManifestPodSpec {
  return {
    serviceAccountName: ADMISSION_APP_NAME,
    // The server watches Namespaces (--namespace-labels-from-api).
    automountServiceAccountToken: true,
    securityContext: podSecurityContext(r),
    containers: [container(r)],
    volumes: [
      { name: 'tls', secret: { secretName: ADMISSION_TLS_SECRET, defaultMode: SECRET_FILE_MODE } },
      { name: 'config', configMap: { name: ADMISSION_CONFIG_MAP } },
      { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
    ],
    affinity: {
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          { weight: 100, podAffinityTerm: { labelSelector: selector(), topologyKey: 'kubernetes.io/hostname' } },
        ],
      },
    },
  };
}

function deploymentObject(r: Resolved): DeploymentObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta(ADMISSION_APP_NAME, r.namespace, {
      // Palisade's own scan flags the token; the exemption says why it is there.
      [IGNORE_ANNOTATION]: 'automount-service-account-token',
      [IGNORE_REASON_ANNOTATION]: 'the webhook reads namespace labels from the API (--namespace-labels-from-api)',
    }),
    spec: {
      replicas: r.replicas,
      selector: selector(),
      // A new pod is ready before an old one goes: the webhook keeps answering during a rollout.
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: { metadata: { labels: commonLabels() }, spec: podSpec(r) },
    },
  };
}

/** minAvailable 1 keeps one replica through drains; with a single replica that would block every drain. */
function podDisruptionBudgetObject(r: Resolved): PodDisruptionBudgetObject {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: meta(ADMISSION_APP_NAME, r.namespace),
    spec: {
      selector: selector(),
      ...(r.replicas > 1 ? { minAvailable: 1 } : { maxUnavailable: 1 }),
      // A pod that is not ready protects nothing: let drains evict it.
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
    },
  };
}

type Operations = WebhookRule['operations'];

function workloadRules(
  r: Resolved,
  podOps: Operations,
  controllerOps: Operations,
  podSubresources: boolean,
): WebhookRule[] {
  const rule = (apiGroups: string[], resources: string[], operations: Operations): WebhookRule => ({
    apiGroups,
    apiVersions: ['v1'],
    operations,
    resources,
    scope: 'Namespaced',
  });
  const rules = [
    rule([''], podSubresources ? ['pods', 'pods/ephemeralcontainers'] : ['pods'], podOps),
    rule([''], ['podtemplates', 'replicationcontrollers'], controllerOps),
    rule(['apps'], ['daemonsets', 'deployments', 'replicasets', 'statefulsets'], controllerOps),
    rule(['batch'], ['cronjobs', 'jobs'], controllerOps),
  ];
  if (r.platform === 'openshift') {
    rules.push(rule(['apps.openshift.io'], ['deploymentconfigs'], controllerOps));
  }
  return rules;
}

/** A CEL test of `request.namespace` against a glob (only [a-z0-9-*?] reach here: nothing to escape). */
function globCondition(pattern: string): string {
  const star = pattern.indexOf('*');
  if (star === pattern.length - 1 && !pattern.includes('?')) {
    return `request.namespace.startsWith('${pattern.slice(0, -1)}')`;
  }
  return `request.namespace.matches('^${pattern.replaceAll('*', '.*').replaceAll('?', '.')}$')`;
}

function matchConditions(r: Resolved): Pick<Webhook, 'matchConditions'> {
  if (r.excluded.patterns.length === 0) {
    return {};
  }
  const tests = r.excluded.patterns.map(globCondition);
  const expression = tests.length === 1 ? `!${tests[0]}` : `!(${tests.join(' || ')})`;
  return { matchConditions: [{ name: 'namespace-not-excluded', expression }] };
}

function notExcluded(r: Resolved): LabelSelectorRequirement {
  return { key: NAMESPACE_NAME_LABEL, operator: 'NotIn', values: r.excluded.names };
}

function clientConfig(r: Resolved, path: string, tls: ServingTls | undefined): Webhook['clientConfig'] {
  return {
    service: { namespace: r.namespace, name: ADMISSION_APP_NAME, path, port: SERVICE_PORT },
    ...(tls ? { caBundle: base64(tls.caPem) } : {}),
  };
}

function webhookAnnotations(r: Resolved): Labels | undefined {
  return r.platform === 'openshift' ? { [OPENSHIFT_INJECT_CA]: 'true' } : undefined;
}

function validatingObject(r: Resolved, tls: ServingTls | undefined): ValidatingWebhookConfigurationObject {
  const operations: Operations = ['CREATE', 'UPDATE'];
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingWebhookConfiguration',
    metadata: meta(ADMISSION_APP_NAME, undefined, webhookAnnotations(r)),
    webhooks: [
      {
        name: 'validate.palisade.io',
        admissionReviewVersions: ['v1'],
        clientConfig: clientConfig(r, '/validate', tls),
        rules: workloadRules(r, operations, operations, true),
        namespaceSelector: { matchExpressions: [notExcluded(r)] },
        ...matchConditions(r),
        failurePolicy: r.failurePolicy,
        matchPolicy: 'Equivalent',
        sideEffects: 'None',
        timeoutSeconds: r.timeoutSeconds,
      },
    ],
  };
}

/** Mutation is opt-in per namespace: the API server calls only for namespaces with the label. */
function mutatingObject(r: Resolved, tls: ServingTls | undefined): MutatingWebhookConfigurationObject {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: meta(ADMISSION_APP_NAME, undefined, webhookAnnotations(r)),
    webhooks: [
      {
        name: 'mutate.palisade.io',
        admissionReviewVersions: ['v1'],
        clientConfig: clientConfig(r, '/mutate', tls),
        // Pod specs are immutable after CREATE; controllers are mutated when their template changes.
        rules: workloadRules(r, ['CREATE'], ['CREATE', 'UPDATE'], false),
        namespaceSelector: { matchLabels: { [MUTATE_LABEL]: 'true' }, matchExpressions: [notExcluded(r)] },
        ...matchConditions(r),
        // Mutation only adds defaults, and /validate still judges the result.
        failurePolicy: 'Ignore',
        matchPolicy: 'Equivalent',
        sideEffects: 'None',
        timeoutSeconds: r.timeoutSeconds,
        reinvocationPolicy: 'Never',
      },
    ],
  };
}

/**
 * The manifests that deploy the admission webhook. Throws UsageError for option values out of
 * range, InputError (naming the file) for supplied PEM files that cannot be used.
 */
export async function admissionManifests(options: AdmissionManifestOptions = {}): Promise<AdmissionManifests> {
  const r = resolveManifestOptions(options);
  let tls: ServingTls | undefined;
  if (r.platform === 'kubernetes') {
    tls = options.tls
      ? await suppliedServingTls(options.tls, r.namespace, r.now)
      : generateServingTls(r.namespace, r.now);
  }
  const objects: AdmissionManifest[] = [
    namespaceObject(r),
    ...rbacObjects(r),
    configMapObject(r),
    ...(tls ? [secretObject(r, tls)] : []),
    serviceObject(r),
    deploymentObject(r),
    podDisruptionBudgetObject(r),
    validatingObject(r, tls),
    mutatingObject(r, tls),
  ];
  return {
    objects,
    tls: tls?.source ?? 'openshift-service-ca',
    ...(tls ? { caBundle: tls.caPem, servingNotAfter: tls.notAfter } : {}),
    excluded: r.excluded,
  };
}

/** YAML: a multi-document stream (`---` before each object); JSON: a `v1` `List`. */
export function renderManifests(objects: readonly AdmissionManifest[], format: ManifestFormat): string {
  if (format === 'json') {
    return `${JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }, null, 2)}\n`;
  }
  return objects.map((object) => `---\n${stringify(object, { lineWidth: 0, aliasDuplicateObjects: false })}`).join('');
}
