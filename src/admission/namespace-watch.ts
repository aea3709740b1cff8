/**
 * Namespace labels read live from the Kubernetes API, the way Pod Security Admission keeps them in
 * its informer cache: a (paged) list of Namespaces, then a watch from the list's resourceVersion
 * (`GET /api/v1/namespaces?watch=true&allowWatchBookmarks=true`), for as long as the webhook runs.
 *
 * - ADDED and MODIFIED set a namespace's labels, DELETED forgets it, BOOKMARK only moves the
 *   resourceVersion. Only name → frozen labels is kept (no objects, no annotations).
 * - An ERROR event with code 410 (Gone / Expired: the resourceVersion was compacted) or a 410
 *   answer re-lists. A watch the server ends (timeoutSeconds, idle timeout) is resumed from the
 *   last resourceVersion. Any other failure (network, 401/403, 5xx) is reported to the listeners
 *   and retried with exponential backoff (with jitter); the last known labels stay in use meanwhile.
 * - A namespace not in the cache (created an instant ago, or before the first list) is read with
 *   one `GET /api/v1/namespaces/<name>` within `lookupTimeoutMs` (default 1 s, inside the
 *   webhook's 2 s budget), as PSA falls back to a live read; concurrent lookups of one name share
 *   the call. 404 → undefined (no labels); any other failure rejects with an ExternalError.
 *
 * RBAC: `get`, `list` and `watch` on `namespaces` (core group, cluster scope).
 * Spec: https://kubernetes.io/docs/reference/using-api/api-concepts/#efficient-detection-of-changes
 *
 * `@kubernetes/client-node` is imported when a watch is created, not when this module loads, so
 * that the rest of the admission library does not pay for it.
 */
import type * as K8s from '@kubernetes/client-node';
import { z } from 'zod';
import { ConfigError, ExternalError } from '#core';

/** A namespace's labels, frozen. */
export type NamespaceLabelRecord = Readonly<Record<string, string>>;

export const NAMESPACE_WATCH_EVENT_TYPES = ['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK', 'ERROR'] as const;
export type NamespaceWatchEventType = (typeof NAMESPACE_WATCH_EVENT_TYPES)[number];
/** Why a watch was started again: `expired` (410, re-listed), `closed` (ended by the server or idle), `error`. */
export const NAMESPACE_WATCH_RESTART_REASONS = ['expired', 'closed', 'error'] as const;
export type NamespaceWatchRestartReason = (typeof NAMESPACE_WATCH_RESTART_REASONS)[number];
/** `hit`: in the cache; `fetched`: read with a GET; `not-found`: 404; `error`: the GET failed. */
export const NAMESPACE_LOOKUP_RESULTS = ['hit', 'fetched', 'not-found', 'error'] as const;
export type NamespaceLookupResult = (typeof NAMESPACE_LOOKUP_RESULTS)[number];

/** What a source reports as it goes; every callback is optional and may not throw into the source. */
export interface NamespaceSourceListener {
  /** A watch event was received (ERROR included). */
  event?(type: NamespaceWatchEventType): void;
  /** A full list ended. */
  list?(result: 'ok' | 'error'): void;
  /** The watch ended and is being started again. */
  restart?(reason: NamespaceWatchRestartReason): void;
  /** A list or watch failure (the last known labels stay in use; retrying). */
  problem?(message: string): void;
  lookup?(result: NamespaceLookupResult): void;
}

export interface NamespaceSourceState {
  /** The first list has completed. */
  readonly synced: boolean;
  readonly namespaces: number;
  /** Where the labels come from, e.g. `https://10.0.0.1:443`. */
  readonly origin: string;
  /** When the last full list completed. */
  readonly listedAt?: Date;
  /** A watch connection is open now. */
  readonly watching: boolean;
  /** The last list or watch failure, until a list or watch succeeds again. */
  readonly lastError?: string;
}

/**
 * Namespace labels kept up to date from somewhere else than the request (the Kubernetes API).
 * Contract: `get` never does I/O; `lookup` answers from the cache or reads the namespace (rejects
 * with ExternalError when it cannot); nothing happens until `start`; `close` stops everything
 * and resolves when no request is left open. The admission server owns the source it is given:
 * it subscribes, starts it and closes it.
 */
export interface NamespaceLabelSource {
  get(name: string): NamespaceLabelRecord | undefined;
  lookup(name: string): Promise<NamespaceLabelRecord | undefined>;
  state(): NamespaceSourceState;
  /** Resolves true after the first list, false when closed before it. */
  whenSynced(): Promise<boolean>;
  /** Adds a listener; returns its removal. */
  subscribe(listener: NamespaceSourceListener): () => void;
  /** Starts listing and watching (idempotent). */
  start(): void;
  close(): Promise<void>;
}

export interface NamespaceWatchOptions {
  /** A loaded kubeconfig; else `kubeconfigFile`; else KUBECONFIG, ~/.kube/config or in-cluster. */
  readonly kubeConfig?: K8s.KubeConfig;
  readonly kubeconfigFile?: string;
  /** Time limit of the GET for a namespace not in the cache (default 1000 ms). */
  readonly lookupTimeoutMs?: number;
  /** Time limit of each list page (default 30 s). */
  readonly listTimeoutMs?: number;
  /** Namespaces per list page (default 500, as client-go's pager). */
  readonly pageSize?: number;
  /** Asked of the server for each watch (default 300 s); the watch is then resumed. */
  readonly watchTimeoutSeconds?: number;
  /** Retry delays after failures: doubling from `initialMs` up to `maxMs` (default 250 ms, 30 s). */
  readonly backoff?: { readonly initialMs: number; readonly maxMs: number };
}

export const DEFAULT_NAMESPACE_LOOKUP_TIMEOUT_MS = 1000;

type ClientNode = typeof import('@kubernetes/client-node');

const loadClient = (): Promise<ClientNode> => import('@kubernetes/client-node');

/** What is kept of a Namespace; anything else is dropped at the edge. */
const NamespaceMeta = z.object({
  metadata: z.object({
    name: z.string().min(1),
    resourceVersion: z.string().optional(),
    labels: z.record(z.string(), z.string()).nullish(),
  }),
});
const Versioned = z.object({ metadata: z.object({ resourceVersion: z.string().min(1) }) });
const Status = z.object({
  code: z.number().optional(),
  reason: z.string().optional(),
  message: z.string().optional(),
});
const EventType = z.enum(NAMESPACE_WATCH_EVENT_TYPES);

/** A kubeconfig: the file given, else the default chain (KUBECONFIG, ~/.kube/config, in-cluster). */
export async function loadKubeConfig(file?: string): Promise<K8s.KubeConfig> {
  const k8s = await loadClient();
  const kc = new k8s.KubeConfig();
  const where = file ?? 'the default kubeconfig (KUBECONFIG, ~/.kube/config or the in-cluster service account)';
  try {
    if (file === undefined) kc.loadFromDefault();
    else kc.loadFromFile(file);
  } catch (error) {
    throw new ConfigError('config.invalid', `cannot load ${where}: ${messageOf(error)}`, {
      cause: error,
      ...(file === undefined ? {} : { location: { file } }),
    });
  }
  if (!kc.getCurrentCluster()?.server) {
    throw new ConfigError('config.invalid', `${where}: no current context with a cluster server`, {
      ...(file === undefined ? {} : { location: { file } }),
    });
  }
  return kc;
}

/** A Namespace label source over the Kubernetes API (not started: see NamespaceLabelSource). */
export async function watchNamespaces(options: NamespaceWatchOptions = {}): Promise<NamespaceLabelSource> {
  const k8s = await loadClient();
  const kc = options.kubeConfig ?? (await loadKubeConfig(options.kubeconfigFile));
  return createWatch(k8s, kc, options);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function freeze(labels: Record<string, string> | null | undefined): NamespaceLabelRecord {
  return Object.freeze({ ...(labels ?? {}) });
}

/** The HTTP status of a client-node failure (ApiException.code, Watch's statusCode), if any. */
function httpStatusOf(error: unknown): number | undefined {
  // DOMException (an abort, a time limit) has a numeric `code` too, which is not an HTTP status.
  if (typeof error !== 'object' || error === null || error instanceof DOMException) return undefined;
  if ('statusCode' in error && typeof error.statusCode === 'number') return error.statusCode;
  if ('code' in error && typeof error.code === 'number') return error.code;
  return undefined;
}

/** One line for a failure: the HTTP status and the Status message, or the network cause. */
function describe(error: unknown): string {
  const status = httpStatusOf(error);
  if (status !== undefined) {
    const body = typeof error === 'object' && error !== null && 'body' in error ? error.body : undefined;
    const parsed = Status.safeParse(typeof body === 'string' ? safeJson(body) : body);
    const message = parsed.success ? parsed.data.message : undefined;
    return `HTTP ${status}${message ? `: ${message}` : ''}`;
  }
  if (error instanceof Error && error.name === 'TimeoutError') return 'timed out';
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${messageOf(error)}${cause}`;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** How one watch connection ended. */
interface WatchEnd {
  readonly reason: NamespaceWatchRestartReason;
  /** It delivered events or lasted long enough: resume at once, no backoff. */
  readonly productive: boolean;
  readonly error?: string;
}

/** A watch that lasted this long without events still counts as working. */
const PRODUCTIVE_WATCH_MS = 1000;

function createWatch(k8s: ClientNode, kc: K8s.KubeConfig, options: NamespaceWatchOptions): NamespaceLabelSource {
  const api = kc.makeApiClient(k8s.CoreV1Api);
  const origin = kc.getCurrentCluster()?.server ?? '(no cluster)';
  const lookupTimeoutMs = options.lookupTimeoutMs ?? DEFAULT_NAMESPACE_LOOKUP_TIMEOUT_MS;
  const listTimeoutMs = options.listTimeoutMs ?? 30_000;
  const pageSize = options.pageSize ?? 500;
  const watchTimeoutSeconds = options.watchTimeoutSeconds ?? 300;
  const backoff = options.backoff ?? { initialMs: 250, maxMs: 30_000 };

  let labels = new Map<string, NamespaceLabelRecord>();
  let resourceVersion: string | undefined;
  let listedAt: Date | undefined;
  let watching = false;
  let lastError: string | undefined;
  /** Deletions and re-lists so far: a GET answer older than one of them is not cached. */
  let removals = 0;
  let running: Promise<void> | undefined;
  let openWatch: AbortController | undefined;
  const stop = new AbortController();
  const listeners = new Set<NamespaceSourceListener>();
  const fetching = new Map<string, Promise<NamespaceLabelRecord | undefined>>();
  let markSynced: (synced: boolean) => void = () => {};
  const synced = new Promise<boolean>((resolve) => {
    markSynced = resolve;
  });

  function emit(call: (listener: NamespaceSourceListener) => void): void {
    for (const listener of listeners) {
      try {
        call(listener);
      } catch {
        // A listener's failure is its own; the watch goes on.
      }
    }
  }

  /**
   * Client-node makes a connection pool (undici Agent) for every call and never closes it: the
   * first one is kept for all calls (no TLS handshake per lookup) and closed with the source, so
   * that no idle connection outlives it.
   */
  let pool: ReturnType<K8s.RequestContext['getDispatcher']>;
  function sharePool(context: K8s.RequestContext): void {
    const own = context.getDispatcher();
    if (own === undefined || own === pool) return;
    if (pool === undefined) {
      pool = own;
      return;
    }
    void own.close();
    context.setDispatcher(pool);
  }

  // Watch takes no signal until it is connected: with the shared pool, close() can still end a
  // connection attempt (by destroying the pool) instead of waiting for Watch's 30 s limit.
  const watchConfig: K8s.KubeConfig = Object.create(kc);
  watchConfig.applySecurityAuthentication = async (context) => {
    await kc.applySecurityAuthentication(context);
    sharePool(context);
  };
  const watcher = new k8s.Watch(watchConfig);

  /** Client-node request options: this call's time limit, the source's close, the shared pool. */
  function callOptions(timeoutMs: number): K8s.ConfigurationOptions {
    const signal = AbortSignal.any([stop.signal, AbortSignal.timeout(timeoutMs)]);
    const middleware: K8s.ObservableMiddleware = {
      pre: (context) => {
        context.setSignal(signal);
        sharePool(context);
        return new k8s.Observable(Promise.resolve(context));
      },
      post: (response) => new k8s.Observable(Promise.resolve(response)),
    };
    return { middleware: [middleware], middlewareMergeStrategy: 'append' };
  }

  function keep(into: Map<string, NamespaceLabelRecord>, item: unknown): void {
    const parsed = NamespaceMeta.safeParse(item);
    if (parsed.success) into.set(parsed.data.metadata.name, freeze(parsed.data.metadata.labels));
  }

  async function list(): Promise<void> {
    const next = new Map<string, NamespaceLabelRecord>();
    let token: string | undefined;
    let version: string | undefined;
    do {
      const page = await api.listNamespace(
        { limit: pageSize, ...(token === undefined ? {} : { _continue: token }) },
        callOptions(listTimeoutMs),
      );
      for (const item of page.items ?? []) keep(next, item);
      token = page.metadata?._continue || undefined;
      version = page.metadata?.resourceVersion;
    } while (token !== undefined && !stop.signal.aborted);
    if (!version) throw new Error('the NamespaceList has no metadata.resourceVersion');
    labels = next;
    removals++;
    resourceVersion = version;
    listedAt = new Date();
    lastError = undefined;
    markSynced(true);
  }

  /** Applies one watch event: true, or for an ERROR event 'expired' (410) or what failed. */
  function apply(type: NamespaceWatchEventType, object: unknown): true | string {
    if (type === 'ERROR') {
      const status = Status.safeParse(object);
      const data = status.success ? status.data : {};
      if (data.code === 410 || data.reason === 'Expired' || data.reason === 'Gone') return 'expired';
      return `ERROR event: ${data.code ? `HTTP ${data.code}: ` : ''}${data.message ?? 'no message'}`;
    }
    const versioned = Versioned.safeParse(object);
    if (versioned.success) resourceVersion = versioned.data.metadata.resourceVersion;
    if (type === 'BOOKMARK') return true;
    const parsed = NamespaceMeta.safeParse(object);
    if (!parsed.success) return true;
    const { name } = parsed.data.metadata;
    if (type === 'DELETED') {
      labels.delete(name);
      removals++;
    } else {
      labels.set(name, freeze(parsed.data.metadata.labels));
    }
    return true;
  }

  /** One watch connection, from `resourceVersion` until it ends. */
  function watchOnce(): Promise<WatchEnd> {
    return new Promise((resolve) => {
      const started = performance.now();
      let events = 0;
      let ended = false;
      let verdict: 'expired' | string | undefined;
      let controller: AbortController | undefined;
      const abort = (): void => controller?.abort();
      const closed = (): void => finish(null);
      const finish = (error: unknown): void => {
        if (ended) return;
        ended = true;
        stop.signal.removeEventListener('abort', closed);
        watching = false;
        openWatch = undefined;
        const productive = events > 0 || performance.now() - started >= PRODUCTIVE_WATCH_MS;
        resolve(endOf(error, verdict, productive));
      };
      const onEvent = (phase: string, object: unknown): void => {
        const type = EventType.safeParse(phase);
        if (!type.success || ended) return;
        const applied = apply(type.data, object);
        emit((l) => l.event?.(type.data));
        if (applied === true) {
          events++;
          lastError = undefined;
          return;
        }
        verdict = applied;
        abort();
      };
      // Closing must not wait for a connection attempt: the late connection is aborted below.
      if (stop.signal.aborted) {
        finish(null);
        return;
      }
      stop.signal.addEventListener('abort', closed, { once: true });
      const query = { resourceVersion, allowWatchBookmarks: true, timeoutSeconds: watchTimeoutSeconds };
      watcher.watch('/api/v1/namespaces', query, onEvent, finish).then(
        (c) => {
          controller = c;
          if (ended || verdict !== undefined || stop.signal.aborted) {
            c.abort();
            return;
          }
          watching = true;
          lastError = undefined;
          openWatch = c;
        },
        (error: unknown) => finish(error),
      );
    });
  }

  function endOf(error: unknown, verdict: string | undefined, productive: boolean): WatchEnd {
    if (verdict === 'expired' || httpStatusOf(error) === 410) return { reason: 'expired', productive };
    if (verdict !== undefined) return { reason: 'error', productive, error: verdict };
    if (error === null || error === undefined || stop.signal.aborted) return { reason: 'closed', productive };
    // Watch's own inactivity limit: the connection may be dead; resuming is cheap.
    if (error instanceof Error && error.name === 'TimeoutError') return { reason: 'closed', productive };
    return { reason: 'error', productive, error: describe(error) };
  }

  function delayOf(failures: number): number {
    if (failures === 0) return 0;
    const ms = Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.min(failures - 1, 30));
    return Math.round(ms * (0.5 + Math.random() / 2));
  }

  /** Waits `ms`, or less when the source closes. */
  function pause(ms: number): Promise<void> {
    if (ms <= 0 || stop.signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        stop.signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      stop.signal.addEventListener('abort', done, { once: true });
    });
  }

  function fail(what: string, error: string, failures: number): number {
    const ms = delayOf(failures);
    lastError = error;
    const kept = listedAt === undefined ? '' : ' (keeping the last known labels)';
    emit((l) => l.problem?.(`${what}: ${error}; retrying in ${ms} ms${kept}`));
    return ms;
  }

  /** Lists when needed; false when the list failed (after waiting the backoff). */
  async function ensureListed(needed: boolean, failures: number): Promise<boolean> {
    if (!needed) return true;
    try {
      await list();
      emit((l) => l.list?.('ok'));
      return true;
    } catch (error) {
      if (stop.signal.aborted) return false;
      emit((l) => l.list?.('error'));
      await pause(fail(`cannot list Namespaces from ${origin}`, describe(error), failures + 1));
      return false;
    }
  }

  async function run(): Promise<void> {
    let failures = 0;
    let needList = true;
    while (!stop.signal.aborted) {
      if (!(await ensureListed(needList, failures))) {
        failures++;
        continue;
      }
      needList = false;
      if (stop.signal.aborted) break;
      const end = await watchOnce();
      if (stop.signal.aborted) break;
      emit((l) => l.restart?.(end.reason));
      needList = end.reason === 'expired';
      failures = end.productive ? 0 : failures + 1;
      if (end.error !== undefined) {
        await pause(fail(`the Namespace watch on ${origin} failed`, end.error, failures || 1));
      } else {
        if (end.productive) lastError = undefined;
        await pause(delayOf(failures));
      }
    }
  }

  async function fetchOne(name: string): Promise<NamespaceLabelRecord | undefined> {
    let object: K8s.V1Namespace;
    const removalsBefore = removals;
    try {
      object = await api.readNamespace({ name }, callOptions(lookupTimeoutMs));
    } catch (error) {
      if (httpStatusOf(error) === 404) {
        emit((l) => l.lookup?.('not-found'));
        return undefined;
      }
      emit((l) => l.lookup?.('error'));
      throw new ExternalError(
        'external.unavailable',
        `cannot read Namespace "${name}" from ${origin}: ${describe(error)}`,
        { cause: error },
      );
    }
    const parsed = NamespaceMeta.safeParse(object);
    const record = freeze(parsed.success ? parsed.data.metadata.labels : undefined);
    // The watch stays authoritative: an event or a list during the GET is newer than its answer.
    if (parsed.success && !labels.has(name) && removals === removalsBefore) labels.set(name, record);
    emit((l) => l.lookup?.('fetched'));
    return labels.get(name) ?? record;
  }

  return {
    get: (name) => labels.get(name),
    lookup(name) {
      const cached = labels.get(name);
      if (cached !== undefined) {
        emit((l) => l.lookup?.('hit'));
        return Promise.resolve(cached);
      }
      if (stop.signal.aborted) return Promise.resolve(undefined);
      let pending = fetching.get(name);
      if (pending === undefined) {
        pending = fetchOne(name).finally(() => fetching.delete(name));
        fetching.set(name, pending);
      }
      return pending;
    },
    state: () => ({
      synced: listedAt !== undefined,
      namespaces: labels.size,
      origin,
      ...(listedAt === undefined ? {} : { listedAt }),
      watching,
      ...(lastError === undefined ? {} : { lastError }),
    }),
    whenSynced: () => synced,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    start() {
      if (running !== undefined || stop.signal.aborted) return;
      running = run().catch((error: unknown) => {
        lastError = `stopped watching Namespaces: internal error: ${messageOf(error)}`;
        emit((l) => l.problem?.(lastError ?? ''));
      });
    },
    async close() {
      stop.abort();
      openWatch?.abort();
      markSynced(false);
      await running;
      await Promise.allSettled([...fetching.values()]);
      await pool?.destroy();
    },
  };
}
