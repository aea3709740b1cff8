/**
 * The Kubernetes client of the actions (KubeClient of types.ts) over `@kubernetes/client-node`:
 * its KubeConfig (kubeconfig file or text, a context, in-cluster service account, or the default
 * chain) for the server, TLS and credentials (tokens, client certificates, exec plugins), and its
 * KubernetesObjectApi for API discovery, so that any served kind works, OpenShift's
 * `apps.openshift.io/v1` DeploymentConfig included.
 *
 * The stock KubernetesObjectApi methods send and return objects through the library's typed models
 * (timestamps become Date objects, unknown fields of built-in kinds are dropped), cannot send a
 * JSON Patch (an array), and its discovery rewrites error messages (which throws for time-outs).
 * So a subclass keeps the base class's request pipeline (authentication, TLS, middleware) and
 * does what it does the same way: discovery with `GET /api/v1` and `/apis/<group>/<version>`
 * (APIResourceLists cached per group version, asked again when a kind is missing), request paths
 * from the kind's resource name and scope, and the JSON sent and returned as is. Writes carry
 * `fieldManager=palisade`.
 *
 * Failures are ActionErrors with the API server's Status message: 404 is `undefined` for `get` and
 * `false` for `delete`; 409 Conflict (a stale resourceVersion, a failed precondition), 408, 429
 * (honouring Retry-After), 5xx, time-outs and network errors are transient; 409 AlreadyExists,
 * 400, 401, 403, 415 and 422 are not.
 *
 * `@kubernetes/client-node` is imported when a client is created, not when this module loads.
 */
import type * as K8s from '@kubernetes/client-node';
import { z } from 'zod';
import {
  ActionError,
  describeTarget,
  type KubeClient,
  type KubeObjectData,
  type KubeRef,
  type Subject,
  type Target,
} from './types.ts';

export interface KubeClientOptions {
  /** A kubeconfig file. */
  readonly kubeconfig?: string;
  /** A kubeconfig's text (YAML), instead of a file. */
  readonly kubeconfigText?: string;
  /** The kubeconfig context to use instead of its current context. */
  readonly context?: string;
  /** The pod's service account (KUBERNETES_SERVICE_HOST and the mounted token and CA). */
  readonly inCluster?: boolean;
  /** Budget of each request in ms (default 30 s). */
  readonly timeoutMs?: number;
}

/** The field manager recorded in managedFields for every write. */
export const KUBE_FIELD_MANAGER = 'palisade';

const DEFAULT_TIMEOUT_MS = 30_000;
const LIST_PAGE_SIZE = 500;

type ClientNode = typeof import('@kubernetes/client-node');

const loadClient = (): Promise<ClientNode> => import('@kubernetes/client-node');

const Metadata = z.looseObject({
  name: z.string().optional(),
  namespace: z.string().optional(),
  uid: z.string().optional(),
  resourceVersion: z.string().optional(),
  labels: z.record(z.string(), z.string()).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
  ownerReferences: z
    .array(
      z.looseObject({
        apiVersion: z.string(),
        kind: z.string(),
        name: z.string(),
        uid: z.string().optional(),
        controller: z.boolean().optional(),
      }),
    )
    .optional(),
});

const KubeObject = z.looseObject({ apiVersion: z.string(), kind: z.string(), metadata: Metadata });

const KubeList = z.looseObject({
  metadata: z.looseObject({ continue: z.string().optional() }).optional(),
  items: z.array(z.looseObject({ apiVersion: z.string().optional(), kind: z.string().optional(), metadata: Metadata })),
});

const Status = z.looseObject({
  message: z.string().optional(),
  reason: z.string().optional(),
  details: z.looseObject({ retryAfterSeconds: z.number().optional() }).optional(),
});

const ResourceList = z.looseObject({
  resources: z.array(z.looseObject({ name: z.string(), kind: z.string(), namespaced: z.boolean() })),
});

const PATCH_STRATEGIES = { merge: 'MergePatch', strategic: 'StrategicMergePatch', json: 'JsonPatch' } as const;

/** What the KubernetesObjectApi subclass offers the client. */
interface RawApi {
  /** The kind's APIResource from discovery; undefined when its group version does not serve it. */
  discover(
    apiVersion: string,
    kind: string,
  ): Promise<{ readonly name: string; readonly namespaced: boolean } | undefined>;
  /** One request with the JSON body as is; resolves with the parsed JSON response. */
  send(
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    path: string,
    query: Readonly<Record<string, string>>,
    body?: { readonly contentType: string; readonly json: unknown },
  ): Promise<unknown>;
}

function makeRawApi(k8s: ClientNode, kc: K8s.KubeConfig, timeoutMs: number): RawApi {
  /** The response type that asks processResponse for the JSON as is. */
  const RAW = 'palisade:raw-json';
  const methods = {
    GET: k8s.HttpMethod.GET,
    POST: k8s.HttpMethod.POST,
    PATCH: k8s.HttpMethod.PATCH,
    DELETE: k8s.HttpMethod.DELETE,
  } as const;

  class RawObjectApi extends k8s.KubernetesObjectApi {
    /** APIResourceLists by group version (as the base class caches them, without its error rewriting). */
    readonly discovered = new Map<string, readonly { name: string; kind: string; namespaced: boolean }[]>();

    async discover(apiVersion: string, kind: string): Promise<{ name: string; namespaced: boolean } | undefined> {
      const known = this.discovered.get(apiVersion)?.find((r) => r.kind === kind);
      if (known) return known;
      // Not cached, or the kind is missing from the cached list (a CRD installed since): ask again.
      const json = await this.send('GET', this.apiVersionPath(apiVersion), {});
      const parsed = ResourceList.safeParse(json);
      if (!parsed.success)
        throw new Error(`the API server answered ${apiVersion} discovery with something else than an APIResourceList`);
      // Subresources (pods/status) share their parent's kind: keep only the resources themselves.
      const resources = parsed.data.resources.filter((r) => !r.name.includes('/'));
      this.discovered.set(apiVersion, resources);
      return resources.find((r) => r.kind === kind);
    }

    async send(
      method: keyof typeof methods,
      path: string,
      query: Readonly<Record<string, string>>,
      body?: { readonly contentType: string; readonly json: unknown },
    ): Promise<unknown> {
      const context = this.configuration.baseServer.makeRequestContext(path, methods[method]);
      context.setHeaderParam('Accept', 'application/json');
      for (const [key, value] of Object.entries(query)) context.setQueryParam(key, value);
      if (body !== undefined) {
        context.setHeaderParam('Content-Type', body.contentType);
        context.setBody(JSON.stringify(body.json));
      }
      const out: unknown = await this.requestPromise(context, RAW);
      return out;
    }

    protected override async processResponse<T extends K8s.KubernetesObject>(
      response: K8s.ResponseContext,
      type?: string,
    ): Promise<T> {
      const ok = response.httpStatusCode >= 200 && response.httpStatusCode <= 299;
      if (type !== RAW || !ok) return super.processResponse<T>(response, type);
      const text = await response.body.text();
      // The JSON as the server sent it; the client validates it (the base class's contract is typed).
      return (text.trim() === '' ? undefined : JSON.parse(text)) as T;
    }

    /** Sets the context's default namespace (as makeApiClient does) and a budget for every request. */
    prepare(config: K8s.KubeConfig): void {
      this.setDefaultNamespace(config);
      this.configuration.middleware.push({
        pre: (context) => {
          if (context.getSignal() === undefined) context.setSignal(AbortSignal.timeout(timeoutMs));
          return new k8s.Observable(Promise.resolve(context));
        },
        post: (response) => new k8s.Observable(Promise.resolve(response)),
      });
    }
  }

  const api = kc.makeApiClient(RawObjectApi);
  api.prepare(kc);
  return api;
}

/** Loads the kubeconfig the options name, as an ActionError when it cannot. */
async function loadConfig(k8s: ClientNode, options: KubeClientOptions): Promise<K8s.KubeConfig> {
  const kc = new k8s.KubeConfig();
  const where = options.kubeconfigText
    ? 'the kubeconfig text'
    : options.kubeconfig
      ? `kubeconfig "${options.kubeconfig}"`
      : options.inCluster
        ? 'the in-cluster service account'
        : 'the default kubeconfig (KUBECONFIG, ~/.kube/config or the in-cluster service account)';
  try {
    if (options.kubeconfigText !== undefined) kc.loadFromString(options.kubeconfigText);
    else if (options.kubeconfig !== undefined) kc.loadFromFile(options.kubeconfig);
    else if (options.inCluster) {
      if (!process.env.KUBERNETES_SERVICE_HOST) {
        throw new Error('not running in a pod: KUBERNETES_SERVICE_HOST is not set');
      }
      kc.loadFromCluster();
    } else kc.loadFromDefault();
  } catch (error) {
    throw new ActionError(`cannot load ${where}: ${messageOf(error)}`, { cause: error });
  }
  if (options.context !== undefined) {
    const names = kc.getContexts().map((c) => c.name);
    if (!names.includes(options.context)) {
      throw new ActionError(
        `${where} has no context "${options.context}" (it has: ${names.length > 0 ? names.join(', ') : 'none'})`,
      );
    }
    kc.setCurrentContext(options.context);
  }
  if (!kc.getCurrentCluster()?.server) {
    throw new ActionError(`${where}: no current context with a cluster server`);
  }
  return kc;
}

/** A KubeClient over the cluster the options name (see the module comment). */
export async function createKubeClient(options: KubeClientOptions = {}): Promise<KubeClient> {
  const k8s = await loadClient();
  const kc = await loadConfig(k8s, options);
  const api = makeRawApi(k8s, kc, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);

  /** `/api/v1/namespaces/shop/pods/web-1`, after discovery of the kind. */
  async function pathOf(
    ref: { apiVersion: string; kind: string; namespace?: string | undefined; name?: string | undefined },
    what: string,
    allNamespaces = false,
  ): Promise<string> {
    let resource: { name: string; namespaced: boolean } | undefined;
    try {
      resource = await api.discover(ref.apiVersion, ref.kind);
    } catch (error) {
      if (statusOf(error) === 404) resource = undefined;
      else throw toActionError(error, `${what}: API discovery of ${ref.apiVersion}`);
    }
    if (!resource) {
      throw new ActionError(`${what}: the API server does not serve kind ${ref.kind} in ${ref.apiVersion}`, {
        status: 404,
      });
    }
    const parts = [ref.apiVersion.includes('/') ? `/apis/${ref.apiVersion}` : `/api/${ref.apiVersion}`];
    if (resource.namespaced) {
      if (ref.namespace) parts.push('namespaces', encodeURIComponent(ref.namespace));
      else if (!allNamespaces) throw new ActionError(`${what}: ${ref.kind} is namespaced but no namespace was given`);
    }
    parts.push(resource.name);
    if (ref.name !== undefined) parts.push(encodeURIComponent(ref.name));
    return parts.join('/');
  }

  function parseObject(json: unknown, what: string): KubeObjectData {
    const parsed = KubeObject.safeParse(json);
    if (!parsed.success) throw new ActionError(`${what}: the API server answered with something that is not an object`);
    return parsed.data;
  }

  return {
    async get(ref) {
      const what = `get ${describeRef(ref)}`;
      const path = await pathOf(ref, what);
      try {
        return parseObject(await api.send('GET', path, {}), what);
      } catch (error) {
        if (statusOf(error) === 404) return undefined;
        throw toActionError(error, what);
      }
    },

    async list(apiVersion, kind, options = {}) {
      const where = options.namespace ? ` in namespace "${options.namespace}"` : '';
      const what = `list ${kind} (${apiVersion})${where}${options.labelSelector ? ` with labels ${options.labelSelector}` : ''}`;
      const path = await pathOf({ apiVersion, kind, namespace: options.namespace }, what, true);
      const items: KubeObjectData[] = [];
      let next: string | undefined;
      do {
        const query: Record<string, string> = { limit: String(LIST_PAGE_SIZE) };
        if (options.labelSelector) query.labelSelector = options.labelSelector;
        if (next) query.continue = next;
        let json: unknown;
        try {
          json = await api.send('GET', path, query);
        } catch (error) {
          throw toActionError(error, what);
        }
        const parsed = KubeList.safeParse(json);
        if (!parsed.success)
          throw new ActionError(`${what}: the API server answered with something that is not a list`);
        // Typed lists leave apiVersion and kind out of their items.
        for (const item of parsed.data.items) items.push({ ...item, apiVersion, kind });
        next = parsed.data.metadata?.continue || undefined;
      } while (next);
      return items;
    },

    async patch(ref, patch, type) {
      const what = `patch ${describeRef(ref)}`;
      const path = await pathOf(ref, what);
      const contentType = k8s.PatchStrategy[PATCH_STRATEGIES[type]];
      try {
        return parseObject(
          await api.send('PATCH', path, { fieldManager: KUBE_FIELD_MANAGER }, { contentType, json: patch }),
          what,
        );
      } catch (error) {
        throw toActionError(error, what);
      }
    },

    async create(object) {
      const ref = { apiVersion: object.apiVersion, kind: object.kind, name: object.metadata.name ?? '' };
      const what = `create ${describeRef({ ...ref, namespace: object.metadata.namespace })}`;
      const path = await pathOf({ ...ref, namespace: object.metadata.namespace, name: undefined }, what);
      try {
        return parseObject(
          await api.send(
            'POST',
            path,
            { fieldManager: KUBE_FIELD_MANAGER },
            { contentType: 'application/json', json: object },
          ),
          what,
        );
      } catch (error) {
        throw toActionError(error, what);
      }
    },

    async delete(ref, options = {}) {
      const what = `delete ${describeRef(ref)}`;
      const path = await pathOf(ref, what);
      const body = {
        apiVersion: 'v1',
        kind: 'DeleteOptions',
        ...(options.uid === undefined ? {} : { preconditions: { uid: options.uid } }),
        ...(options.gracePeriodSeconds === undefined ? {} : { gracePeriodSeconds: options.gracePeriodSeconds }),
      };
      try {
        await api.send('DELETE', path, {}, { contentType: 'application/json', json: body });
        return true;
      } catch (error) {
        if (statusOf(error) === 404) return false;
        throw toActionError(error, what);
      }
    },
  };
}

function describeRef(ref: { kind: string; namespace?: string | undefined; name: string }): string {
  return ref.namespace ? `${ref.kind} "${ref.namespace}/${ref.name}"` : `${ref.kind} "${ref.name}"`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The HTTP status of a client-node ApiException, if the error is one. */
function statusOf(error: unknown): number | undefined {
  // DOMException (an abort, a time limit) has a numeric `code` too, which is not an HTTP status.
  if (typeof error !== 'object' || error === null || error instanceof DOMException) return undefined;
  if ('code' in error && typeof error.code === 'number' && 'body' in error) return error.code;
  return undefined;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** TLS verification failures are not worth retrying (unlike refused or reset connections). */
const TLS_CODE = /^(ERR_TLS_|CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|ERR_SSL_)/;

/** The ActionError a client-node failure means (see the module comment). */
export function toActionError(error: unknown, what: string): ActionError {
  if (error instanceof ActionError) return error;
  const status = statusOf(error);
  if (status !== undefined && typeof error === 'object' && error !== null) {
    const rawBody = 'body' in error ? error.body : undefined;
    const parsed = Status.safeParse(typeof rawBody === 'string' ? safeJson(rawBody) : rawBody);
    const statusBody = parsed.success ? parsed.data : undefined;
    const reason = statusBody?.reason;
    const headers =
      'headers' in error && typeof error.headers === 'object' && error.headers !== null ? error.headers : {};
    const retryAfterHeader =
      'retry-after' in headers && typeof headers['retry-after'] === 'string' ? headers['retry-after'] : undefined;
    const retryAfterSeconds =
      retryAfterHeader === undefined ? statusBody?.details?.retryAfterSeconds : Number(retryAfterHeader);
    const transient =
      status === 408 || status === 429 || status >= 500 || (status === 409 && reason !== 'AlreadyExists');
    const detail =
      statusBody?.message || (typeof rawBody === 'string' && rawBody.trim() ? rawBody.trim().slice(0, 300) : '');
    return new ActionError(`${what}: ${detail ? `${detail} ` : ''}(HTTP ${status}${reason ? ` ${reason}` : ''})`, {
      transient,
      status,
      cause: error,
      ...(retryAfterSeconds !== undefined && Number.isFinite(retryAfterSeconds) && retryAfterSeconds >= 0
        ? { retryAfterMs: retryAfterSeconds * 1000 }
        : {}),
    });
  }
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return new ActionError(`${what}: timed out`, { transient: true, cause: error });
  }
  const cause = error instanceof Error ? error.cause : undefined;
  const causeCode =
    typeof cause === 'object' && cause !== null && 'code' in cause && typeof cause.code === 'string' ? cause.code : '';
  const causeText = cause instanceof Error ? `: ${cause.message}` : '';
  if (error instanceof TypeError && error.message.endsWith('fetch failed')) {
    return new ActionError(`${what}: ${messageOf(error)}${causeText}`, {
      transient: !TLS_CODE.test(causeCode),
      cause: error,
    });
  }
  return new ActionError(`${what}: ${messageOf(error)}${causeText}`, { cause: error });
}

// ---------------------------------------------------------------------------------------------
// Helpers of the Kubernetes actions (no I/O).

/** 'Pod "shop/web-1"' or 'Node "worker-1"'. */
export function describeKubeRef(ref: { kind: string; namespace?: string | undefined; name: string }): string {
  return describeRef(ref);
}

/**
 * The Kubernetes object a target names when its kind is one of `kinds`, or why an action that acts
 * on those kinds has nothing to act on (a skip reason).
 */
export function kubeTargetOf(
  target: Target,
  kinds: readonly string[],
): { readonly ref: KubeRef; readonly node?: string; readonly skip?: undefined } | { readonly skip: string } {
  if (target.type !== 'kubernetes') {
    return { skip: `the subject names no Kubernetes object (${describeTarget(target)})` };
  }
  if (!kinds.includes(target.ref.kind)) {
    return { skip: `${describeRef(target.ref)} is not a ${kinds.join(', ').replace(/, ([^,]+)$/, ' or $1')}` };
  }
  return { ref: target.ref, ...(target.node === undefined ? {} : { node: target.node }) };
}

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

/** A DNS-1123 subdomain (object names, label key prefixes): lowercase, at most 253 characters. */
export function isDnsSubdomain(value: string): boolean {
  return value.length > 0 && value.length <= 253 && DNS_SUBDOMAIN.test(value);
}

/** A label or annotation key: `[prefix/]name`, name at most 63 characters, prefix a DNS subdomain. */
export function isQualifiedKey(key: string): boolean {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && !isDnsSubdomain(prefix)) return false;
  return name.length <= 63 && QUALIFIED_NAME.test(name);
}

/** A label value: empty, or at most 63 alphanumerics, `-`, `_`, `.`, starting and ending with an alphanumeric. */
export function isLabelValue(value: string): boolean {
  return value === '' || (value.length <= 63 && QUALIFIED_NAME.test(value));
}

export const KEY_SYNTAX =
  'must be a Kubernetes key: an optional DNS-subdomain prefix and "/", then at most 63 letters, digits, "-", "_" or "." starting and ending with a letter or digit';

export const LABEL_VALUE_SYNTAX =
  'must be a label value: empty, or at most 63 letters, digits, "-", "_" or "." starting and ending with a letter or digit';

/** A label or annotation key, for parameter schemas. */
export const QualifiedKey = z.string().refine(isQualifiedKey, { message: KEY_SYNTAX });

/** One JSON Pointer token (RFC 6901): `~` → `~0`, `/` → `~1`. */
export function pointerToken(token: string): string {
  return token.replaceAll('~', '~0').replaceAll('/', '~1');
}

/** The controller among an object's owner references (`controller: true`), if any. */
export function controllerOf(
  object: KubeObjectData,
): { apiVersion: string; kind: string; name: string; uid?: string } | undefined {
  const owner = object.metadata.ownerReferences?.find((o) => o.controller === true);
  if (!owner) return undefined;
  return { apiVersion: owner.apiVersion, kind: owner.kind, name: owner.name, ...(owner.uid ? { uid: owner.uid } : {}) };
}

/** The ref of a stored object (its namespace and name from its metadata). */
export function refOfObject(object: KubeObjectData): KubeRef {
  return {
    apiVersion: object.apiVersion,
    kind: object.kind,
    ...(object.metadata.namespace ? { namespace: object.metadata.namespace } : {}),
    name: object.metadata.name ?? '',
  };
}

/** A KubeRef in undo data. */
export const KubeRefData = z.strictObject({
  apiVersion: z.string().min(1),
  kind: z.string().min(1),
  namespace: z.string().min(1).optional(),
  name: z.string().min(1),
});

/** Parses an action's undo data, as an ActionError naming the action when it is not what it recorded. */
export function parseUndoData<T>(schema: z.ZodType<T>, data: unknown, action: string): T {
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
    throw new ActionError(
      `${action}: the recorded undo data is not valid${where}: ${issue?.message ?? 'unknown problem'}`,
    );
  }
  return parsed.data;
}

/**
 * How much later than the alert's first sighting a pod may have been created and still be the pod
 * the alert is about. creationTimestamp has whole seconds (truncated), an alert about the pod's own
 * creation carries a stage timestamp of the API server in the same or the previous second, and the
 * clocks of the nodes (Falco's events), the API servers and the detector drift apart by a few
 * seconds: a strict comparison would take the very pod an alert is about for a new one.
 */
export const NEW_POD_SLACK_MS = 5_000;

/**
 * Why an alert's pod is not the pod of that name now: a pod created after the alert was first seen
 * (more than NEW_POD_SLACK_MS after it) is a new instance (a StatefulSet's pods keep their names),
 * not the one the alert is about. Undefined for findings (they carry no time) and when either time
 * is missing or unreadable.
 */
export function newPodSince(pod: KubeObjectData, subject: Subject, name: string): string | undefined {
  if (subject.type !== 'alert') return undefined;
  const created = pod.metadata.creationTimestamp;
  const firstSeen = subject.alert.firstSeen;
  if (typeof created !== 'string') return undefined;
  const createdMs = Date.parse(created);
  const firstSeenMs = Date.parse(firstSeen);
  if (Number.isNaN(createdMs) || Number.isNaN(firstSeenMs) || createdMs <= firstSeenMs + NEW_POD_SLACK_MS)
    return undefined;
  return `${name} was created at ${created} after the alert (first seen ${firstSeen}): it is a new pod, not the one the alert is about`;
}

/**
 * What a step notes in ActionInput.state before a write: the attempt, the reason it reports when
 * the write succeeds, and what it saw (`seen`: the undo data, or what proves the change its own).
 * A retry that finds the change in place reports `applied` with this reason and undo, not
 * `skipped` as already done (a transient failure can come after the write took effect).
 */
export interface WriteNote<S> {
  readonly attempt: number;
  readonly reason: string;
  readonly seen: S;
}

/** Notes under `key` in `state` the write an attempt is about to send (see WriteNote). */
export function noteWrite(
  state: Record<string, unknown>,
  key: string,
  note: { readonly attempt: number; readonly reason: string; readonly seen: unknown },
): void {
  state[key] = { attempt: note.attempt, reason: note.reason, seen: note.seen };
}

/** The write an earlier attempt noted under `key`, if any (and if it is what `schema` expects). */
export function notedWrite<S>(
  state: Readonly<Record<string, unknown>>,
  key: string,
  schema: z.ZodType<S>,
): WriteNote<S> | undefined {
  const note = state[key];
  if (typeof note !== 'object' || note === null) return undefined;
  const attempt = 'attempt' in note ? note.attempt : undefined;
  const reason = 'reason' in note ? note.reason : undefined;
  if (typeof attempt !== 'number' || typeof reason !== 'string') return undefined;
  const seen = schema.safeParse('seen' in note ? note.seen : undefined);
  return seen.success ? { attempt, reason, seen: seen.data } : undefined;
}

/** The suffix of the reason of a retry that finds the change of an earlier attempt in place. */
export function tookEffect(attempt: number | undefined): string {
  return ` (the change of ${attempt === undefined ? 'an earlier attempt' : `attempt ${attempt}`} took effect before its error)`;
}

/**
 * Whether the API server refused a write, so that it did not take effect: a 4xx answer other
 * than 408 (409 Conflict, 429 before admission, 403, 422...). Time-outs, 5xx and network errors
 * may come after the write took effect.
 */
export function writeRefused(error: unknown): boolean {
  return (
    error instanceof ActionError &&
    error.status !== undefined &&
    error.status >= 400 &&
    error.status < 500 &&
    error.status !== 408
  );
}

/**
 * Sends a write noted under `key`: when the API server refuses it (writeRefused), the note is
 * withdrawn, so that a retry does not take a change someone else made meanwhile for its own.
 */
export async function sendNoted<T>(state: Record<string, unknown>, key: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (writeRefused(error)) delete state[key];
    throw error;
  }
}
