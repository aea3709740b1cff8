/**
 * A Kubernetes-API-shaped HTTPS server on 127.0.0.1 for tests of the automation actions: it is
 * NOT a Kubernetes API server (no validation, defaulting, admission, controllers, watches or
 * garbage collection), only an in-memory object store that answers the requests the actions make
 * with the status codes, Status bodies and semantics of the real API:
 * - discovery: `GET /api`, `/apis`, `/api/v1` and `/apis/<group>/<version>` (APIResourceList) for
 *   the kinds of RESOURCE_TYPES (core Pods, Nodes, Events, Namespaces, ReplicationControllers;
 *   apps Deployments, StatefulSets, ReplicaSets, DaemonSets; NetworkPolicies;
 *   autoscaling/v2 HorizontalPodAutoscalers; OpenShift's apps.openshift.io/v1 DeploymentConfigs);
 * - get; list in a namespace or in all of them, with equality `labelSelector`s (`a=b`, `a==b`,
 *   `a!=b`, `a`, `!a`), items without apiVersion/kind as the API server sends typed lists;
 * - create (POST): 409 AlreadyExists; sets uid, resourceVersion and creationTimestamp;
 * - delete: 404; a DeleteOptions body's `preconditions` (uid, resourceVersion) → 409 Conflict;
 *   the object is removed at once (as if its finalizers and the kubelet were done) and a Pod is
 *   answered with the object (deletionTimestamp set), any other kind with a Success Status;
 * - patch: `application/merge-patch+json` (RFC 7386: null deletes), `application/json-patch+json`
 *   (RFC 6902 add, remove, replace, test), and strategic merge patch, implemented only for what
 *   the actions send: it is the merge patch for maps and scalars (the only action that sends one,
 *   cordon-node, patches `metadata.annotations`, `metadata.resourceVersion` and
 *   `spec.unschedulable`, where the two agree). Lists are where they differ (a strategic patch
 *   merges `spec.taints` by `key`, `metadata.ownerReferences` by `uid`, `spec.containers` by
 *   `name`, and has `$patch`/`$retainKeys`/`$setElementOrder` directives); none of that is
 *   implemented, so a strategic patch that holds a list or a `$` directive is answered 400 (naming
 *   its path) rather than with a result a real API server would not give. 415 for any other
 *   content type; a `metadata.resourceVersion` in the result that differs from the stored one is
 *   a 409 Conflict (optimistic concurrency);
 * - every write bumps the object's resourceVersion;
 * - a bearer token (401 Status otherwise).
 * Failure injection: `deny(verb, resource, namespace?)` answers 403 with the API server's message
 * shape; `failNext(n, status, retryAfterSeconds?)` makes the next n object requests (discovery
 * excluded, since the client caches it) answer that status; `failAfter(n, status, method?)`
 * carries out the next n object requests and then answers that status instead of the result (a
 * write that took effect and whose answer was lost: a 504 Timeout); `beforeRequest(hook)` runs a hook
 * before each object request (to change an object between a read and a write). `calls` records
 * every request (method, path, query, content type and parsed body).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

export const KUBE_OBJECTS_TOKEN = 'palisade-objects-test-token';
/** The user named in 403 messages. */
export const KUBE_OBJECTS_USER = 'system:serviceaccount:palisade:palisade-automation';

/** A JSON object as stored and served. */
export type KubeJson = Record<string, unknown>;

export interface ObjectRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
}

export interface RecordedCall {
  readonly method: string;
  /** The URL path, e.g. `/api/v1/namespaces/shop/pods/web-1`. */
  readonly path: string;
  /** The query string without `?` ('' when none). */
  readonly query: string;
  readonly contentType?: string;
  /** The request body, parsed as JSON when it is JSON. */
  readonly body?: unknown;
}

/** The metadata of a stored object, as `meta()` returns it. */
export interface StoredMeta {
  readonly name: string;
  readonly namespace?: string;
  readonly uid: string;
  readonly resourceVersion: string;
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
  readonly [key: string]: unknown;
}

export type KubeVerb = 'get' | 'list' | 'create' | 'patch' | 'delete';

export interface KubeObjectsApi {
  readonly port: number;
  readonly url: string;
  /** Every request, in order (discovery included). */
  readonly calls: RecordedCall[];
  /** The calls that write (POST, PATCH, PUT, DELETE). */
  writes(): RecordedCall[];
  /** A kubeconfig (YAML) pointing at the server with its CA and token; `token` overrides the token. */
  kubeconfig(options?: { token?: string; namespace?: string }): string;
  /** Stores (creates or replaces) an object; fills uid, creationTimestamp; bumps resourceVersion. */
  put(object: KubeJson): KubeJson;
  /** The stored object (a copy), or undefined. */
  object(ref: ObjectRef): KubeJson | undefined;
  /** The stored object's metadata (a copy); throws when there is no such object. */
  meta(ref: ObjectRef): StoredMeta;
  /** Every stored object of a kind (copies), sorted by namespace and name. */
  objects(apiVersion: string, kind: string): KubeJson[];
  remove(ref: ObjectRef): boolean;
  /** Answers 403 Forbidden to `verb` on `resource` (plural), in `namespace` or everywhere. */
  deny(verb: KubeVerb, resource: string, namespace?: string): void;
  /** Lifts every deny. */
  allowAll(): void;
  /**
   * The next `n` object requests (of `method` only, when given) answer `status`: 429 (with
   * Retry-After when given), 409 Conflict, 500, 503 (with Retry-After when given).
   */
  failNext(n: number, status: number, retryAfterSeconds?: number, method?: string): void;
  /**
   * The next `n` object requests (of `method` only, when given) are carried out (a write takes
   * effect), then answered `status` instead of their result: 504 is the API server's Timeout
   * ("may still be processing the request"); the statuses of failNext otherwise.
   */
  failAfter(n: number, status: number, method?: string): void;
  /** Runs before each object request (not discovery) is handled; undefined removes it. */
  beforeRequest(hook: ((call: RecordedCall) => void) | undefined): void;
  close(): Promise<void>;
}

interface ResourceType {
  readonly group: string;
  readonly version: string;
  /** Plural, as in URLs and RBAC. */
  readonly name: string;
  readonly singularName: string;
  readonly kind: string;
  readonly namespaced: boolean;
  readonly shortNames?: readonly string[];
}

const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export const RESOURCE_TYPES: readonly ResourceType[] = [
  {
    group: '',
    version: 'v1',
    name: 'events',
    singularName: 'event',
    kind: 'Event',
    namespaced: true,
    shortNames: ['ev'],
  },
  { group: '', version: 'v1', name: 'namespaces', singularName: 'namespace', kind: 'Namespace', namespaced: false },
  {
    group: '',
    version: 'v1',
    name: 'nodes',
    singularName: 'node',
    kind: 'Node',
    namespaced: false,
    shortNames: ['no'],
  },
  { group: '', version: 'v1', name: 'pods', singularName: 'pod', kind: 'Pod', namespaced: true, shortNames: ['po'] },
  {
    group: '',
    version: 'v1',
    name: 'replicationcontrollers',
    singularName: 'replicationcontroller',
    kind: 'ReplicationController',
    namespaced: true,
    shortNames: ['rc'],
  },
  { group: 'apps', version: 'v1', name: 'daemonsets', singularName: 'daemonset', kind: 'DaemonSet', namespaced: true },
  {
    group: 'apps',
    version: 'v1',
    name: 'deployments',
    singularName: 'deployment',
    kind: 'Deployment',
    namespaced: true,
  },
  {
    group: 'apps',
    version: 'v1',
    name: 'replicasets',
    singularName: 'replicaset',
    kind: 'ReplicaSet',
    namespaced: true,
  },
  {
    group: 'apps',
    version: 'v1',
    name: 'statefulsets',
    singularName: 'statefulset',
    kind: 'StatefulSet',
    namespaced: true,
  },
  {
    group: 'networking.k8s.io',
    version: 'v1',
    name: 'networkpolicies',
    singularName: 'networkpolicy',
    kind: 'NetworkPolicy',
    namespaced: true,
    shortNames: ['netpol'],
  },
  {
    group: 'autoscaling',
    version: 'v2',
    name: 'horizontalpodautoscalers',
    singularName: 'horizontalpodautoscaler',
    kind: 'HorizontalPodAutoscaler',
    namespaced: true,
    shortNames: ['hpa'],
  },
  {
    group: 'apps.openshift.io',
    version: 'v1',
    name: 'deploymentconfigs',
    singularName: 'deploymentconfig',
    kind: 'DeploymentConfig',
    namespaced: true,
    shortNames: ['dc'],
  },
];

const gvOf = (t: ResourceType): string => (t.group ? `${t.group}/${t.version}` : t.version);

function typeOfKind(apiVersion: string, kind: string): ResourceType | undefined {
  return RESOURCE_TYPES.find((t) => gvOf(t) === apiVersion && t.kind === kind);
}

function isRecord(value: unknown): value is KubeJson {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function metadataOf(object: KubeJson): KubeJson {
  const meta = object.metadata;
  if (isRecord(meta)) return meta;
  const fresh: KubeJson = {};
  object.metadata = fresh;
  return fresh;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function labelsOf(object: KubeJson): Record<string, string> {
  const labels = metadataOf(object).labels;
  const out: Record<string, string> = {};
  if (isRecord(labels)) for (const [k, v] of Object.entries(labels)) if (typeof v === 'string') out[k] = v;
  return out;
}

class HttpProblem extends Error {
  readonly code: number;
  readonly reason: string;
  readonly details: KubeJson | undefined;
  readonly headers: Readonly<Record<string, string>>;
  constructor(code: number, reason: string, message: string, details?: KubeJson, headers: Record<string, string> = {}) {
    super(message);
    this.code = code;
    this.reason = reason;
    this.details = details;
    this.headers = headers;
  }
}

function statusJson(code: number, reason: string, message: string, details?: KubeJson): KubeJson {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  };
}

/** RFC 7386 JSON merge patch. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isRecord(patch)) return structuredClone(patch);
  const out: KubeJson = isRecord(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}

/**
 * Where a strategic merge patch differs from a merge patch (see the module comment): the path of
 * its first list (merged by a patch merge key, or replaced, depending on the field) or `$`
 * directive, described; undefined when it holds only maps and scalars.
 */
export function strategicOnlyPart(patch: unknown, path = ''): string | undefined {
  if (Array.isArray(patch)) return `${path || '(root)'} is a list`;
  if (!isRecord(patch)) return undefined;
  for (const [key, value] of Object.entries(patch)) {
    const at = path ? `${path}.${key}` : key;
    if (key.startsWith('$')) return `${at} is a directive`;
    const found = strategicOnlyPart(value, at);
    if (found !== undefined) return found;
  }
  return undefined;
}

function unescapePointer(token: string): string {
  return token.replaceAll('~1', '/').replaceAll('~0', '~');
}

function pointerTokens(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new HttpProblem(422, 'Invalid', `invalid JSON pointer "${pointer}"`);
  return pointer.slice(1).split('/').map(unescapePointer);
}

/** RFC 6902 JSON patch (add, remove, replace, test) on a copy of `doc`. */
export function jsonPatch(doc: unknown, operations: unknown): unknown {
  if (!Array.isArray(operations))
    throw new HttpProblem(400, 'BadRequest', 'a JSON patch must be an array of operations');
  let root: unknown = structuredClone(doc);
  for (const operation of operations) {
    if (!isRecord(operation) || typeof operation.op !== 'string' || typeof operation.path !== 'string') {
      throw new HttpProblem(422, 'Invalid', 'each JSON patch operation needs "op" and "path"');
    }
    const { op, path } = operation;
    const tokens = pointerTokens(path);
    if (tokens.length === 0) {
      if (op === 'test') {
        if (JSON.stringify(root) !== JSON.stringify(operation.value)) throw testFailed(path);
        continue;
      }
      if (op === 'add' || op === 'replace') {
        root = structuredClone(operation.value);
        continue;
      }
      throw new HttpProblem(422, 'Invalid', `unsupported operation "${op}" on the document root`);
    }
    let parent: unknown = root;
    for (const token of tokens.slice(0, -1)) {
      parent = Array.isArray(parent) ? parent[Number(token)] : isRecord(parent) ? parent[token] : undefined;
      if (parent === undefined) throw new HttpProblem(422, 'Invalid', `path "${path}": a parent does not exist`);
    }
    const last = tokens[tokens.length - 1] ?? '';
    const has = Array.isArray(parent)
      ? /^\d+$/.test(last) && Number(last) < parent.length
      : isRecord(parent) && Object.hasOwn(parent, last);
    const current = Array.isArray(parent) ? parent[Number(last)] : isRecord(parent) ? parent[last] : undefined;
    switch (op) {
      case 'test':
        if (!has || JSON.stringify(current) !== JSON.stringify(operation.value)) throw testFailed(path);
        break;
      case 'remove':
      case 'replace':
        if (!has) throw new HttpProblem(422, 'Invalid', `path "${path}" does not exist: cannot ${op}`);
        if (Array.isArray(parent)) {
          if (op === 'remove') parent.splice(Number(last), 1);
          else parent[Number(last)] = structuredClone(operation.value);
        } else if (isRecord(parent)) {
          if (op === 'remove') delete parent[last];
          else parent[last] = structuredClone(operation.value);
        }
        break;
      case 'add':
        if (Array.isArray(parent)) {
          const index = last === '-' ? parent.length : Number(last);
          if (!Number.isInteger(index) || index > parent.length) {
            throw new HttpProblem(422, 'Invalid', `path "${path}": index out of range`);
          }
          parent.splice(index, 0, structuredClone(operation.value));
        } else if (isRecord(parent)) parent[last] = structuredClone(operation.value);
        else throw new HttpProblem(422, 'Invalid', `path "${path}": the parent is not an object or array`);
        break;
      default:
        throw new HttpProblem(422, 'Invalid', `unsupported JSON patch operation "${op}"`);
    }
  }
  return root;
}

function testFailed(path: string): HttpProblem {
  return new HttpProblem(422, 'Invalid', `the server rejected our request: testing value ${path} failed`);
}

/** Equality-based label selectors: `a=b`, `a==b`, `a!=b`, `a`, `!a`, joined by commas. */
function selectorMatcher(selector: string): (labels: Record<string, string>) => boolean {
  const tests: ((labels: Record<string, string>) => boolean)[] = [];
  for (const raw of selector.split(',')) {
    const term = raw.trim();
    if (term === '') continue;
    const ne = /^([^=!\s]+)\s*!=\s*(\S*)$/.exec(term);
    const eq = /^([^=!\s]+)\s*==?\s*(\S*)$/.exec(term);
    if (ne) tests.push((l) => l[ne[1] ?? ''] !== ne[2]);
    else if (eq) tests.push((l) => l[eq[1] ?? ''] === eq[2]);
    else if (/^![^=!\s]+$/.test(term)) tests.push((l) => !Object.hasOwn(l, term.slice(1)));
    else if (/^[^=!\s()]+$/.test(term)) tests.push((l) => Object.hasOwn(l, term));
    else throw new HttpProblem(400, 'BadRequest', `unable to parse requirement: "${term}" (only equality selectors)`);
  }
  return (labels) => tests.every((t) => t(labels));
}

function keyOf(apiVersion: string, kind: string, namespace: string | undefined, name: string): string {
  return `${apiVersion}|${kind}|${namespace ?? ''}|${name}`;
}

function timestamp(date = new Date()): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

const PATCH_TYPES = [
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/json-patch+json',
] as const;

/** Starts the server with `${dir}/${name}.crt|key` (signed by `${dir}/ca.crt`). */
export async function startKubeObjectsApi(dir: string, name = 'api'): Promise<KubeObjectsApi> {
  const ca = readFileSync(join(dir, 'ca.crt'));
  const store = new Map<string, KubeJson>();
  const calls: RecordedCall[] = [];
  const denials: { verb: KubeVerb; resource: string; namespace: string | undefined }[] = [];
  let failures:
    | { remaining: number; status: number; retryAfterSeconds: number | undefined; method: string | undefined }
    | undefined;
  let lateFailures: { remaining: number; status: number; method: string | undefined } | undefined;
  /** Answers replaced by an injected failure once the request was carried out (failAfter). */
  const lostAnswers = new WeakMap<ServerResponse, number>();
  let hook: ((call: RecordedCall) => void) | undefined;
  let version = 1000;

  const nextVersion = (): string => String(++version);

  function store1(type: ResourceType, object: KubeJson): KubeJson {
    const meta = metadataOf(object);
    const objName = str(meta.name);
    if (!objName) throw new Error('put: metadata.name is required');
    const namespace = type.namespaced ? (str(meta.namespace) ?? 'default') : undefined;
    if (namespace !== undefined) meta.namespace = namespace;
    else delete meta.namespace;
    object.apiVersion = gvOf(type);
    object.kind = type.kind;
    meta.uid ??= randomUUID();
    meta.creationTimestamp ??= timestamp();
    meta.resourceVersion = nextVersion();
    store.set(keyOf(gvOf(type), type.kind, namespace, objName), object);
    return structuredClone(object);
  }

  function json(res: ServerResponse, code: number, body: unknown, headers: Record<string, string> = {}): void {
    const lost = lostAnswers.get(res);
    if (lost !== undefined && code < 300) {
      // Carried out; the answer is lost and the client gets the failure instead.
      lostAnswers.delete(res);
      const problem = injected(lost, undefined);
      json(res, problem.code, statusJson(problem.code, problem.reason, problem.message, problem.details), {
        ...problem.headers,
      });
      return;
    }
    res.writeHead(code, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  }

  function readBody(req: IncomingMessage): Promise<string> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      req.on('error', reject);
    });
  }

  function discovery(path: string): KubeJson | undefined {
    if (path === '/api') {
      return {
        kind: 'APIVersions',
        versions: ['v1'],
        serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1:6443' }],
      };
    }
    if (path === '/apis') {
      const groups = [...new Set(RESOURCE_TYPES.filter((t) => t.group).map((t) => t.group))];
      return {
        kind: 'APIGroupList',
        apiVersion: 'v1',
        groups: groups.map((g) => {
          const versions = [...new Set(RESOURCE_TYPES.filter((t) => t.group === g).map((t) => t.version))].map((v) => ({
            groupVersion: `${g}/${v}`,
            version: v,
          }));
          return { name: g, versions, preferredVersion: versions[0] };
        }),
      };
    }
    const gv = /^\/api\/(v1)$/.exec(path)?.[1] ?? /^\/apis\/([^/]+\/[^/]+)$/.exec(path)?.[1];
    if (gv === undefined) return undefined;
    const types = RESOURCE_TYPES.filter((t) => gvOf(t) === gv);
    if (types.length === 0) return undefined;
    return {
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion: gv,
      resources: types.map((t) => ({
        name: t.name,
        singularName: t.singularName,
        namespaced: t.namespaced,
        kind: t.kind,
        verbs: VERBS,
        ...(t.shortNames ? { shortNames: t.shortNames } : {}),
      })),
    };
  }

  interface Route {
    readonly type: ResourceType;
    readonly namespace: string | undefined;
    readonly name: string | undefined;
  }

  function route(path: string): Route | undefined {
    const m = /^\/api\/v1(\/.*)$/.exec(path) ?? /^\/apis\/([^/]+\/[^/]+)(\/.*)$/.exec(path);
    if (!m) return undefined;
    const gv = path.startsWith('/api/') ? 'v1' : (m[1] ?? '');
    const rest = (path.startsWith('/api/') ? m[1] : m[2]) ?? '';
    const parts = rest.split('/').slice(1).map(decodeURIComponent);
    let namespace: string | undefined;
    let segs = parts;
    if (parts[0] === 'namespaces' && parts.length >= 3) {
      namespace = parts[1];
      segs = parts.slice(2);
    }
    if (segs.length < 1 || segs.length > 2) return undefined;
    const type = RESOURCE_TYPES.find((t) => gvOf(t) === gv && t.name === segs[0]);
    if (!type) return undefined;
    if (namespace !== undefined && !type.namespaced) return undefined;
    return { type, namespace, name: segs[1] };
  }

  function forbidden(verb: KubeVerb, r: Route): HttpProblem | undefined {
    const hit = denials.find(
      (d) =>
        d.verb === verb && d.resource === r.type.name && (d.namespace === undefined || d.namespace === r.namespace),
    );
    if (!hit) return undefined;
    const what = r.name ? `${r.type.name} "${r.name}"` : r.type.name;
    const scope = r.namespace ? `in the namespace "${r.namespace}"` : 'at the cluster scope';
    return new HttpProblem(
      403,
      'Forbidden',
      `${what} is forbidden: User "${KUBE_OBJECTS_USER}" cannot ${verb} resource "${r.type.name}" in API group "${r.type.group}" ${scope}`,
      { ...(r.name ? { name: r.name } : {}), ...(r.type.group ? { group: r.type.group } : {}), kind: r.type.name },
    );
  }

  function notFound(r: Route, objName: string): HttpProblem {
    return new HttpProblem(404, 'NotFound', `${r.type.name} "${objName}" not found`, {
      name: objName,
      ...(r.type.group ? { group: r.type.group } : {}),
      kind: r.type.name,
    });
  }

  function conflict(r: Route, objName: string, why: string): HttpProblem {
    return new HttpProblem(409, 'Conflict', `Operation cannot be fulfilled on ${r.type.name} "${objName}": ${why}`, {
      name: objName,
      ...(r.type.group ? { group: r.type.group } : {}),
      kind: r.type.name,
    });
  }

  function injected(status: number, retryAfterSeconds: number | undefined): HttpProblem {
    switch (status) {
      case 429:
        return new HttpProblem(
          429,
          'TooManyRequests',
          'Too many requests, please try again later.',
          retryAfterSeconds === undefined ? undefined : { retryAfterSeconds },
          retryAfterSeconds === undefined ? {} : { 'retry-after': String(retryAfterSeconds) },
        );
      case 409:
        return new HttpProblem(
          409,
          'Conflict',
          'Operation cannot be fulfilled: the object has been modified; please apply your changes to the latest version and try again',
        );
      case 500:
        return new HttpProblem(500, 'InternalError', 'Internal error occurred: injected failure');
      case 503:
        return new HttpProblem(
          503,
          'ServiceUnavailable',
          'the server is currently unable to handle the request',
          undefined,
          {
            ...(retryAfterSeconds === undefined ? {} : { 'retry-after': String(retryAfterSeconds) }),
          },
        );
      case 504:
        return new HttpProblem(
          504,
          'Timeout',
          'Timeout: request did not complete within the allotted timeout',
          undefined,
        );
      default:
        return new HttpProblem(status, 'Unknown', `injected HTTP ${status}`);
    }
  }

  function parseJson(text: string): unknown {
    try {
      return JSON.parse(text);
    } catch {
      throw new HttpProblem(400, 'BadRequest', 'the request body is not valid JSON');
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    const method = req.method ?? 'GET';
    const contentType = req.headers['content-type'];
    const text = await readBody(req);
    let body: unknown;
    if (text !== '') {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    const call: RecordedCall = {
      method,
      path: url.pathname,
      query: url.search.replace(/^\?/, ''),
      ...(contentType ? { contentType } : {}),
      ...(body === undefined ? {} : { body }),
    };
    calls.push(call);
    if (req.headers.authorization !== `Bearer ${KUBE_OBJECTS_TOKEN}`) {
      json(res, 401, statusJson(401, 'Unauthorized', 'Unauthorized'));
      return;
    }
    if (method === 'GET') {
      const doc = discovery(url.pathname);
      if (doc) {
        json(res, 200, doc);
        return;
      }
    }
    const r = route(url.pathname);
    if (!r) throw new HttpProblem(404, 'NotFound', 'the server could not find the requested resource');
    if (failures && failures.remaining > 0 && (failures.method === undefined || failures.method === method)) {
      failures.remaining--;
      const { status, retryAfterSeconds } = failures;
      if (failures.remaining === 0) failures = undefined;
      throw injected(status, retryAfterSeconds);
    }
    if (
      lateFailures &&
      lateFailures.remaining > 0 &&
      (lateFailures.method === undefined || lateFailures.method === method)
    ) {
      lateFailures.remaining--;
      lostAnswers.set(res, lateFailures.status);
      if (lateFailures.remaining === 0) lateFailures = undefined;
    }
    hook?.(call);
    const gv = gvOf(r.type);
    if (url.searchParams.get('watch') === 'true') {
      throw new HttpProblem(405, 'MethodNotAllowed', 'watch is not supported by this test server');
    }

    if (method === 'GET' && r.name === undefined) {
      const p = forbidden('list', r);
      if (p) throw p;
      const matches = selectorMatcher(url.searchParams.get('labelSelector') ?? '');
      const items = [...store.entries()]
        .filter(([key]) => key.startsWith(`${gv}|${r.type.kind}|${r.namespace === undefined ? '' : `${r.namespace}|`}`))
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([, o]) => o)
        .filter((o) => matches(labelsOf(o)))
        .map((o) => {
          const { apiVersion: _a, kind: _k, ...rest } = structuredClone(o);
          return rest;
        });
      json(res, 200, {
        apiVersion: gv,
        kind: `${r.type.kind}List`,
        metadata: { resourceVersion: String(version) },
        items,
      });
      return;
    }

    if (method === 'POST' && r.name === undefined) {
      const p = forbidden('create', r);
      if (p) throw p;
      const object = parseJson(text);
      if (!isRecord(object)) throw new HttpProblem(400, 'BadRequest', 'the body must be a JSON object');
      if (object.kind !== r.type.kind || object.apiVersion !== gv) {
        throw new HttpProblem(
          400,
          'BadRequest',
          `the API version in the data (${String(object.apiVersion)}) and kind (${String(object.kind)}) do not match ${gv} ${r.type.kind}`,
        );
      }
      const meta = metadataOf(object);
      if (r.type.namespaced) {
        if (r.namespace === undefined)
          throw new HttpProblem(404, 'NotFound', 'the server could not find the requested resource');
        if (meta.namespace !== undefined && meta.namespace !== r.namespace) {
          throw new HttpProblem(
            400,
            'BadRequest',
            'the namespace of the provided object does not match the namespace sent on the request',
          );
        }
        meta.namespace = r.namespace;
      }
      let objName = str(meta.name);
      if (!objName && str(meta.generateName)) {
        objName = `${str(meta.generateName)}${randomUUID().slice(0, 5)}`;
        meta.name = objName;
      }
      if (!objName) {
        throw new HttpProblem(
          422,
          'Invalid',
          `${r.type.kind} "" is invalid: metadata.name: Required value: name or generateName is required`,
        );
      }
      const key = keyOf(gv, r.type.kind, r.namespace, objName);
      if (store.has(key)) {
        throw new HttpProblem(409, 'AlreadyExists', `${r.type.name} "${objName}" already exists`, {
          name: objName,
          ...(r.type.group ? { group: r.type.group } : {}),
          kind: r.type.name,
        });
      }
      meta.uid = randomUUID();
      meta.creationTimestamp = timestamp();
      delete meta.resourceVersion;
      const stored = store1(r.type, object);
      json(res, 201, stored);
      return;
    }

    if (r.name === undefined)
      throw new HttpProblem(405, 'MethodNotAllowed', `${method} is not supported on a collection here`);
    const objName = r.name;
    const key = keyOf(gv, r.type.kind, r.namespace, objName);

    if (method === 'GET') {
      const p = forbidden('get', r);
      if (p) throw p;
      const o = store.get(key);
      if (!o) throw notFound(r, objName);
      json(res, 200, o);
      return;
    }

    if (method === 'DELETE') {
      const p = forbidden('delete', r);
      if (p) throw p;
      const o = store.get(key);
      if (!o) throw notFound(r, objName);
      const options = text === '' ? {} : parseJson(text);
      const meta = metadataOf(o);
      const pre = isRecord(options) && isRecord(options.preconditions) ? options.preconditions : {};
      if (pre.uid !== undefined && pre.uid !== meta.uid) {
        throw conflict(
          r,
          objName,
          `Precondition failed: UID in precondition: ${String(pre.uid)}, UID in object meta: ${String(meta.uid)}`,
        );
      }
      if (pre.resourceVersion !== undefined && pre.resourceVersion !== meta.resourceVersion) {
        throw conflict(
          r,
          objName,
          `Precondition failed: ResourceVersion in precondition: ${String(pre.resourceVersion)}, ResourceVersion in object meta: ${String(meta.resourceVersion)}`,
        );
      }
      store.delete(key);
      if (r.type.kind === 'Pod') {
        const grace =
          url.searchParams.get('gracePeriodSeconds') ??
          (isRecord(options) && typeof options.gracePeriodSeconds === 'number'
            ? String(options.gracePeriodSeconds)
            : '30');
        meta.deletionTimestamp = timestamp();
        meta.deletionGracePeriodSeconds = Number(grace);
        meta.resourceVersion = nextVersion();
        json(res, 200, o);
      } else {
        json(res, 200, {
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Success',
          details: {
            name: objName,
            ...(r.type.group ? { group: r.type.group } : {}),
            kind: r.type.name,
            uid: meta.uid,
          },
        });
      }
      return;
    }

    if (method === 'PATCH') {
      const p = forbidden('patch', r);
      if (p) throw p;
      const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
      if (!(PATCH_TYPES as readonly string[]).includes(type)) {
        throw new HttpProblem(
          415,
          'UnsupportedMediaType',
          `the body of the request was in an unknown format - accepted media types include: ${PATCH_TYPES.join(', ')}, application/apply-patch+yaml`,
        );
      }
      const o = store.get(key);
      if (!o) throw notFound(r, objName);
      const patch = parseJson(text);
      let result: unknown;
      if (type === 'application/json-patch+json') result = jsonPatch(o, patch);
      else {
        if (!isRecord(patch)) throw new HttpProblem(400, 'BadRequest', 'a merge patch must be a JSON object');
        if (type === 'application/strategic-merge-patch+json') {
          const unsupported = strategicOnlyPart(patch);
          if (unsupported !== undefined) {
            throw new HttpProblem(
              400,
              'BadRequest',
              `this test server implements strategic merge patch only for maps and scalars (as a merge patch): ${unsupported}`,
            );
          }
        }
        result = mergePatch(structuredClone(o), patch);
      }
      if (!isRecord(result)) throw new HttpProblem(422, 'Invalid', 'the patch did not produce an object');
      const before = metadataOf(o);
      const after = metadataOf(result);
      if (after.resourceVersion !== undefined && after.resourceVersion !== before.resourceVersion) {
        throw conflict(
          r,
          objName,
          'the object has been modified; please apply your changes to the latest version and try again',
        );
      }
      for (const field of ['name', 'namespace', 'uid', 'creationTimestamp'] as const) {
        if (before[field] === undefined) delete after[field];
        else after[field] = before[field];
      }
      result.apiVersion = gv;
      result.kind = r.type.kind;
      const stored = store1(r.type, result);
      json(res, 200, stored);
      return;
    }
    throw new HttpProblem(405, 'MethodNotAllowed', `${method} is not supported by this test server`);
  }

  const server: Server = createServer(
    { cert: readFileSync(join(dir, `${name}.crt`)), key: readFileSync(join(dir, `${name}.key`)) },
    (req, res) => {
      handle(req, res).catch((error: unknown) => {
        if (error instanceof HttpProblem) {
          json(res, error.code, statusJson(error.code, error.reason, error.message, error.details), {
            ...error.headers,
          });
        } else {
          json(res, 500, statusJson(500, 'InternalError', `test server failure: ${String(error)}`));
        }
      });
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const url = `https://127.0.0.1:${port}`;

  return {
    port,
    url,
    calls,
    writes: () => calls.filter((c) => c.method !== 'GET'),
    kubeconfig: (options = {}) =>
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters:',
        `- name: objects\n  cluster:\n    server: ${url}\n    certificate-authority-data: ${ca.toString('base64')}`,
        'users:',
        `- name: automation\n  user:\n    token: ${options.token ?? KUBE_OBJECTS_TOKEN}`,
        'contexts:',
        `- name: objects\n  context:\n    cluster: objects\n    user: automation${options.namespace ? `\n    namespace: ${options.namespace}` : ''}`,
        'current-context: objects',
        '',
      ].join('\n'),
    put(object) {
      const copy = structuredClone(object);
      const type = typeOfKind(String(copy.apiVersion), String(copy.kind));
      if (!type)
        throw new Error(`put: this test server does not store ${String(copy.apiVersion)} ${String(copy.kind)}`);
      return store1(type, copy);
    },
    object(ref) {
      const o = store.get(keyOf(ref.apiVersion, ref.kind, ref.namespace, ref.name));
      return o ? structuredClone(o) : undefined;
    },
    meta(ref) {
      const o = store.get(keyOf(ref.apiVersion, ref.kind, ref.namespace, ref.name));
      if (!o) throw new Error(`meta: no stored ${ref.kind} ${ref.namespace ?? ''}/${ref.name}`);
      const meta = structuredClone(metadataOf(o));
      const stringMap = (value: unknown): Record<string, string> | undefined => {
        if (!isRecord(value)) return undefined;
        const out: Record<string, string> = {};
        for (const [k, v] of Object.entries(value)) if (typeof v === 'string') out[k] = v;
        return out;
      };
      const labels = stringMap(meta.labels);
      const annotations = stringMap(meta.annotations);
      const namespace = str(meta.namespace);
      return {
        ...meta,
        name: str(meta.name) ?? '',
        ...(namespace === undefined ? {} : { namespace }),
        uid: str(meta.uid) ?? '',
        resourceVersion: str(meta.resourceVersion) ?? '',
        ...(labels === undefined ? {} : { labels }),
        ...(annotations === undefined ? {} : { annotations }),
      };
    },
    objects(apiVersion, kind) {
      return [...store.entries()]
        .filter(([key]) => key.startsWith(`${apiVersion}|${kind}|`))
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([, o]) => structuredClone(o));
    },
    remove(ref) {
      return store.delete(keyOf(ref.apiVersion, ref.kind, ref.namespace, ref.name));
    },
    deny(verb, resource, namespace) {
      denials.push({ verb, resource, namespace });
    },
    allowAll() {
      denials.length = 0;
    },
    failNext(n, status, retryAfterSeconds, method) {
      failures = n > 0 ? { remaining: n, status, retryAfterSeconds, method } : undefined;
    },
    failAfter(n, status, method) {
      lateFailures = n > 0 ? { remaining: n, status, method } : undefined;
    },
    beforeRequest(h) {
      hook = h;
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
