/**
 * AdmissionReview (admission.k8s.io/v1): what the API server sends a validating or mutating
 * webhook and what it expects back. Spec:
 * https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/#request
 * and https://kubernetes.io/docs/reference/kubernetes-api/extend-resources/ (AdmissionReview v1).
 * The response must carry the request's uid and the same apiVersion and kind.
 */
import { z } from 'zod';

export const ADMISSION_API_VERSION = 'admission.k8s.io/v1';

const GroupVersionKind = z.looseObject({ group: z.string(), version: z.string(), kind: z.string() });
const GroupVersionResource = z.looseObject({ group: z.string(), version: z.string(), resource: z.string() });

export const AdmissionUserInfo = z.looseObject({
  username: z.string().optional(),
  uid: z.string().optional(),
  groups: z.array(z.string()).optional(),
  extra: z.record(z.string(), z.array(z.string())).optional(),
});
export type AdmissionUserInfo = z.infer<typeof AdmissionUserInfo>;

export const OPERATIONS = ['CREATE', 'UPDATE', 'DELETE', 'CONNECT'] as const;
export type Operation = (typeof OPERATIONS)[number];

export const AdmissionRequest = z.looseObject({
  uid: z.string().min(1),
  kind: GroupVersionKind,
  resource: GroupVersionResource,
  subResource: z.string().optional(),
  requestKind: GroupVersionKind.optional(),
  requestResource: GroupVersionResource.optional(),
  requestSubResource: z.string().optional(),
  name: z.string().optional(),
  namespace: z.string().optional(),
  operation: z.enum(OPERATIONS),
  userInfo: AdmissionUserInfo,
  /** The object being admitted (absent for DELETE). */
  object: z.unknown().optional(),
  /** The existing object (UPDATE and DELETE). */
  oldObject: z.unknown().optional(),
  dryRun: z.boolean().optional(),
  options: z.unknown().optional(),
});
export type AdmissionRequest = z.infer<typeof AdmissionRequest>;

export const AdmissionReview = z.looseObject({
  apiVersion: z.literal(ADMISSION_API_VERSION),
  kind: z.literal('AdmissionReview'),
  request: AdmissionRequest,
});
export type AdmissionReview = z.infer<typeof AdmissionReview>;

/** The status of a refused request (metav1.Status, the fields the API server reads). */
export interface AdmissionStatus {
  /** HTTP code the API server returns to the client (403 for a policy refusal). */
  readonly code: number;
  readonly message: string;
  /** metav1.StatusReason, e.g. Forbidden or Invalid. */
  readonly reason?: string;
}

/** What Palisade decided about one request, before it is written as a response. */
export interface AdmissionDecision {
  readonly allowed: boolean;
  /** Set when `allowed` is false. */
  readonly status?: AdmissionStatus;
  /** Shown to the user by kubectl (`Warning: ...`). */
  readonly warnings: readonly string[];
  /** Recorded in the audit event of the request, keys prefixed by the API server with the webhook name. */
  readonly auditAnnotations: Readonly<Record<string, string>>;
  /** JSON Patch operations (mutation only). */
  readonly patch?: readonly JsonPatchOperation[];
}

export interface JsonPatchOperation {
  readonly op: 'add' | 'replace' | 'remove';
  readonly path: string;
  readonly value?: unknown;
}

export interface AdmissionResponseBody {
  readonly uid: string;
  readonly allowed: boolean;
  readonly status?: { readonly code: number; readonly message: string; readonly reason?: string };
  readonly warnings?: readonly string[];
  readonly auditAnnotations?: Readonly<Record<string, string>>;
  readonly patchType?: 'JSONPatch';
  /** Base64 of the JSON Patch. */
  readonly patch?: string;
}

export interface AdmissionReviewResponse {
  readonly apiVersion: typeof ADMISSION_API_VERSION;
  readonly kind: 'AdmissionReview';
  readonly response: AdmissionResponseBody;
}

/** Where and why a value is not an AdmissionReview request (never quoting the input). */
export function parseAdmissionReview(value: unknown): { review: AdmissionReview } | { error: string } {
  const parsed = AdmissionReview.safeParse(value);
  if (parsed.success) {
    return { review: parsed.data };
  }
  const issue = parsed.error.issues[0];
  const path = issue?.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('') ?? '';
  return {
    error: `not an admission.k8s.io/v1 AdmissionReview request: ${path ? path.slice(path.startsWith('.') ? 1 : 0) : '(root)'}: ${issue?.message ?? 'invalid'}`,
  };
}

/** The AdmissionReview the API server expects back for a request and a decision. */
export function reviewResponse(
  request: Pick<AdmissionRequest, 'uid'>,
  decision: AdmissionDecision,
): AdmissionReviewResponse {
  const annotations = Object.keys(decision.auditAnnotations).length > 0 ? decision.auditAnnotations : undefined;
  const patch =
    decision.patch && decision.patch.length > 0
      ? Buffer.from(JSON.stringify(decision.patch), 'utf8').toString('base64')
      : undefined;
  return {
    apiVersion: ADMISSION_API_VERSION,
    kind: 'AdmissionReview',
    response: {
      uid: request.uid,
      allowed: decision.allowed,
      ...(decision.allowed || !decision.status ? {} : { status: { ...decision.status } }),
      ...(decision.warnings.length > 0 ? { warnings: [...decision.warnings] } : {}),
      ...(annotations ? { auditAnnotations: { ...annotations } } : {}),
      ...(patch ? { patchType: 'JSONPatch' as const, patch } : {}),
    },
  };
}

/** Plural resource names of the kinds a plain object may be, for wrapping it as a request. */
const RESOURCES: Readonly<Record<string, string>> = {
  Pod: 'pods',
  Deployment: 'deployments',
  ReplicaSet: 'replicasets',
  StatefulSet: 'statefulsets',
  DaemonSet: 'daemonsets',
  Job: 'jobs',
  CronJob: 'cronjobs',
  ReplicationController: 'replicationcontrollers',
  PodTemplate: 'podtemplates',
  DeploymentConfig: 'deploymentconfigs',
};

/**
 * A plain Kubernetes object as the CREATE request the API server would send for it (for offline
 * review and tests). The resource is the kind's plural (lower-case kind + "s" when unknown).
 */
export function wrapAsCreate(
  object: Record<string, unknown>,
  options: { readonly uid?: string; readonly userInfo?: AdmissionUserInfo; readonly dryRun?: boolean } = {},
): AdmissionReview {
  const apiVersion = typeof object.apiVersion === 'string' ? object.apiVersion : 'v1';
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
  const kind = typeof object.kind === 'string' ? object.kind : '';
  const metadata = (typeof object.metadata === 'object' && object.metadata !== null ? object.metadata : {}) as Record<
    string,
    unknown
  >;
  const name = typeof metadata.name === 'string' ? metadata.name : undefined;
  const namespace = typeof metadata.namespace === 'string' ? metadata.namespace : undefined;
  return {
    apiVersion: ADMISSION_API_VERSION,
    kind: 'AdmissionReview',
    request: {
      uid: options.uid ?? '00000000-0000-4000-8000-000000000000',
      kind: { group, version, kind },
      resource: { group, version, resource: RESOURCES[kind] ?? `${kind.toLowerCase()}s` },
      ...(name === undefined ? {} : { name }),
      ...(namespace === undefined ? {} : { namespace }),
      operation: 'CREATE',
      userInfo: options.userInfo ?? { username: 'palisade-review' },
      object,
      ...(options.dryRun ? { dryRun: true } : {}),
    },
  };
}
