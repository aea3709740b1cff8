/**
 * The admission webhook over HTTPS (`palisade admission serve`): the API server POSTs an
 * AdmissionReview (admission.k8s.io/v1) and reads the AdmissionReview answer with the same uid.
 * Spec: https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/
 *
 * Endpoints:
 * - `POST /validate`: the decision of createAdmission (posture checks in the namespace's modes and
 *   ValidatingAdmissionPolicies), or of the `validate` option. Never carries a patch.
 * - `POST /mutate`: allowed, with the JSON Patch of the `mutate` option when there is one (no patch
 *   otherwise). Mutation fails open: a hook that throws or overruns the budget gives an allowed
 *   answer without patch, with a warning and an `error` audit annotation.
 * - `GET /healthz`: 200 while the process serves. `GET /readyz`: 200 when the certificate is
 *   loaded and valid now, the policies and namespace labels are loaded (a namespace source has
 *   done its first list) and the server is not closing; 503 with the reasons otherwise.
 *   `GET /metrics`: Prometheus text format.
 *
 * Limits: bodies over `maxBodyBytes` (default 3 MiB, the API server's own limit on webhook
 * requests) get 413 and the connection is closed without reading the rest; at most `maxInFlight`
 * reviews are read or decided at once (429 beyond), so buffered bodies stay under
 * maxInFlight × maxBodyBytes; headers must arrive within 10 s and the whole request within 30 s.
 * Not JSON → 415; not JSON or not an AdmissionReview → 400 with a message that never quotes the
 * body. The API server treats any answer but 200 as a failed call and applies the webhook
 * configuration's failurePolicy.
 *
 * Time budget: a decision that takes longer than `timeoutMs` (default 2 s) is answered by the
 * failure policy (`Fail`, the default, denies; `Ignore` allows with a warning), as is a decision
 * that throws. An asynchronous decision is cut at the budget; a synchronous one cannot be
 * interrupted, and its result is replaced by the failure policy's answer when it overran.
 *
 * Client authentication (core/net/client-auth.ts; both optional, both needed when both are
 * configured): `clientCaFile` asks for a client certificate verified against that CA bundle
 * (mutual TLS), `allowedClientNames` restricts its CN or DNS subjectAltNames, and `tokenFile` wants
 * `Authorization: Bearer <token>`: the identity the API server presents from the `kubeConfigFile`
 * of its AdmissionConfiguration. /validate and /mutate answer 401 (no or unverified certificate,
 * missing or wrong token, with a Bearer challenge when a token is expected) or 403 (certificate
 * name not allowed) without reading the body; /healthz, /readyz and /metrics stay open (the TLS
 * handshake does not require a certificate) for kubelet probes and Prometheus.
 *
 * The certificate, key, client CA, token and namespace labels files are watched and reloaded; a
 * bad new file keeps the previous one (reported through `onDiagnostic` and the metrics).
 *
 * Namespace labels come from `namespaceLabelsFile`, or live from `namespaceSource`
 * (namespace-watch.ts: list and watch of the Kubernetes API), or from `context.namespaceLabels`.
 * With a source, /readyz fails until its first list; a namespace it has not seen is read (GET)
 * before the decision, within the time budget, and the synchronous decision then reads the labels
 * fetched for its request. Watch failures are diagnostics; the last known labels stay in use.
 */
import { X509Certificate } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import {
  CLIENT_AUTH_FAILURES,
  type ClientAuth,
  type ClientAuthOptions,
  type ClientAuthRefusal,
  ConfigError,
  Counter,
  closeGracefully,
  createClientAuth,
  createTlsReloader,
  type Diagnostic,
  Gauge,
  Histogram,
  listenOn,
  MetricRegistry,
  NamedFileError,
  PROMETHEUS_CONTENT_TYPE,
  readLimitedBody,
  refusalMessage,
  watchFiles,
} from '#core';
import { type AdmissionContext, type AdmissionOutcome, createAdmission, type FailurePolicy } from './evaluate.ts';
import {
  NAMESPACE_LOOKUP_RESULTS,
  NAMESPACE_WATCH_EVENT_TYPES,
  NAMESPACE_WATCH_RESTART_REASONS,
  type NamespaceLabelRecord,
  type NamespaceLabelSource,
  type NamespaceSourceListener,
} from './namespace-watch.ts';
import { type NamespaceLabelMap, readNamespaceLabels } from './namespaces.ts';
import {
  type AdmissionDecision,
  type AdmissionRequest,
  type JsonPatchOperation,
  parseAdmissionReview,
  reviewResponse,
} from './review.ts';

export const DEFAULT_ADMISSION_MAX_BODY_BYTES = 3 * 1024 * 1024;
export const DEFAULT_ADMISSION_TIMEOUT_MS = 2000;
export const DEFAULT_ADMISSION_MAX_IN_FLIGHT = 32;
/** Latency histogram upper bounds, in seconds (0.5 ms to 1 s; beyond is the +Inf bucket). */
export const ADMISSION_LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

export const ADMISSION_SERVER_DIAGNOSTIC_CODES = {
  badRequest: 'admission.webhook.bad-request',
  oversizedBody: 'admission.webhook.oversized-body',
  timeout: 'admission.webhook.timeout',
  internalError: 'admission.webhook.internal-error',
  tlsReload: 'admission.webhook.tls-reload-failed',
  namespacesReload: 'admission.webhook.namespaces-reload-failed',
  /** A list or watch of Namespaces failed (retried; the last known labels stay in use). */
  namespaceWatch: 'admission.webhook.namespace-watch-failed',
  /** The GET of a namespace the source had not seen failed (the failure policy decides). */
  namespaceLookup: 'admission.webhook.namespace-lookup-failed',
  /** A review refused by client authentication (401 or 403). */
  unauthorized: 'admission.webhook.unauthorized',
  /** The token file changed but could not be used (the previous token stays). */
  tokenReload: 'admission.webhook.token-reload-failed',
} as const;

/** A validating decision; may be asynchronous (it is then cut at the time budget). */
export type ValidateHook = (request: AdmissionRequest) => AdmissionDecision | Promise<AdmissionDecision>;
/** What a mutation hook answers: the JSON Patch alone, or with audit annotations and warnings. */
export type MutateHookResult =
  | readonly JsonPatchOperation[]
  | {
      readonly patch: readonly JsonPatchOperation[];
      /** Audit annotations (e.g. mutate.ts' `mutations`, `mutations-skipped`). */
      readonly annotations?: Readonly<Record<string, string>>;
      readonly warnings?: readonly string[];
    };

/** What the server knows beside the request: the labels of its namespace (when known). */
export interface MutateHookContext {
  readonly namespaceLabels?: Readonly<Record<string, string>>;
}

/**
 * The JSON Patch for a request (empty: no change), e.g.
 * `(request, { namespaceLabels }) => mutateRequest(request, { namespaceLabels })`.
 */
export type MutateHook = (
  request: AdmissionRequest,
  context: MutateHookContext,
) => MutateHookResult | Promise<MutateHookResult>;

/** `ClientAuthOptions` guard /validate and /mutate; /healthz, /readyz and /metrics stay open. */
export interface AdmissionServerOptions extends ClientAuthOptions {
  /** Default 0.0.0.0. */
  readonly host?: string;
  /** Default 8443; 0 picks a free port (see `port` on the result). */
  readonly port?: number;
  readonly certFile: string;
  readonly keyFile: string;
  /** For createAdmission: config, policies, failure policy, namespace labels. */
  readonly context?: AdmissionContext;
  /**
   * A file of Namespace objects (YAML or JSON, `oc get namespaces -o yaml`) giving the namespace
   * labels; replaces `context.namespaceLabels`. Watched and reloaded.
   */
  readonly namespaceLabelsFile?: string;
  /**
   * Namespace labels kept live (namespace-watch.ts' watchNamespaces); replaces
   * `context.namespaceLabels`; not with `namespaceLabelsFile`. The server starts it and closes it
   * (also when the start fails).
   */
  readonly namespaceSource?: NamespaceLabelSource;
  /** Replaces createAdmission's decision on /validate (tests, other engines). */
  readonly validate?: ValidateHook;
  /** Patches for /mutate; without it /mutate allows everything unchanged. */
  readonly mutate?: MutateHook;
  /** Larger bodies get 413 (default 3 MiB). */
  readonly maxBodyBytes?: number;
  /** Per-request time budget for the decision (default 2000 ms). */
  readonly timeoutMs?: number;
  /** Reviews read or decided at once; more get 429 (default 32). */
  readonly maxInFlight?: number;
  /**
   * What /validate answers when the decision overran the budget or failed: Fail (deny, the
   * default) or Ignore (allow with a warning). Default: `context.failurePolicy`, then the config's
   * `admission.failurePolicy`, then Fail.
   */
  readonly failurePolicy?: FailurePolicy;
  /** Bad requests, refused clients, timeouts, internal errors and failed reloads. */
  onDiagnostic?(diagnostic: Diagnostic): void;
  /** Wait after a file change before reloading (default 100 ms). */
  readonly reloadDelayMs?: number;
  /** Also re-read the files this often (default 60 s; 0 = never). */
  readonly reloadIntervalMs?: number;
}

export interface ReadyState {
  readonly ready: boolean;
  /** One line per condition, `ok` or what is wrong. */
  readonly lines: readonly string[];
}

export interface AdmissionServer {
  readonly host: string;
  readonly port: number;
  /** Prometheus text of the metrics (what GET /metrics answers). */
  metrics(): string;
  ready(): ReadyState;
  /** Re-reads the certificate, key, client CA, token and namespace labels now; true when something new was installed. */
  reload(): Promise<boolean>;
  /** Fails readiness, stops accepting connections, lets requests in flight finish (at most `graceMs`, default 5 s). */
  close(graceMs?: number): Promise<void>;
}

const REVIEW_PATHS = ['/validate', '/mutate'] as const;
type ReviewPath = (typeof REVIEW_PATHS)[number];
const KNOWN_PATHS: ReadonlySet<string> = new Set([...REVIEW_PATHS, '/healthz', '/readyz', '/metrics']);

const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

function isJson(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const media = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  return media === 'application/json' || (media.startsWith('application/') && media.endsWith('+json'));
}

/** JSON.parse's message without the part of the input V8 quotes (a body may hold secrets). */
function jsonProblem(err: unknown): string {
  const position = /at position (\d+)/.exec(messageOf(err));
  return position ? `body is not valid JSON (at byte ${position[1]})` : 'body is not valid JSON';
}

/** `deployments.apps "web"`, as the API server names an object in its messages. */
function subjectOf(request: AdmissionRequest): string {
  const { group, resource } = request.resource;
  const gr = group ? `${resource}.${group}` : resource;
  const sub = request.subResource ? `/${request.subResource}` : '';
  return request.name ? `${gr}${sub} "${request.name}"` : `${gr}${sub}`;
}

type Budgeted<T> = { readonly value: T } | { readonly timeout: true } | { readonly error: unknown };

/** Runs `work` within `ms`; see the module comment for synchronous work. */
async function withBudget<T>(work: () => T | Promise<T>, ms: number): Promise<Budgeted<T>> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const pending = work();
    const value =
      pending instanceof Promise
        ? await Promise.race([
            pending,
            new Promise<typeof TIMEOUT>((resolve) => {
              timer = setTimeout(() => resolve(TIMEOUT), Math.max(0, ms - (performance.now() - started)));
            }),
          ])
        : pending;
    if (value === TIMEOUT || performance.now() - started > ms) return { timeout: true };
    return { value: value as T };
  } catch (error) {
    return { error };
  } finally {
    if (timer) clearTimeout(timer);
  }
}
const TIMEOUT: unique symbol = Symbol('timeout');

function isOutcome(decision: AdmissionDecision): decision is AdmissionOutcome {
  return 'detail' in decision;
}

type Prefetched = { readonly labels: NamespaceLabelRecord | undefined } | { readonly error: unknown };

/** Metrics of a namespace source, in the server's registry; returns the listener that moves them. */
function namespaceSourceMetrics(
  registry: MetricRegistry,
  source: NamespaceLabelSource,
  problem: (message: string) => void,
): NamespaceSourceListener {
  const events = registry.register(
    new Counter('palisade_admission_namespace_watch_events_total', 'Namespace watch events by type.', ['type']),
  );
  const restarts = registry.register(
    new Counter(
      'palisade_admission_namespace_watch_restarts_total',
      'Namespace watches started again, by reason: expired (410, re-listed), closed (ended by the server or idle), error.',
      ['reason'],
    ),
  );
  const lists = registry.register(
    new Counter('palisade_admission_namespace_lists_total', 'Full lists of Namespaces by result (ok, error).', [
      'result',
    ]),
  );
  const lookups = registry.register(
    new Counter(
      'palisade_admission_namespace_lookups_total',
      'Namespace label lookups of the reviews: hit (cached), fetched (GET), not-found (404), error (GET failed).',
      ['result'],
    ),
  );
  registry.register(
    new Gauge('palisade_admission_namespaces', 'Namespaces whose labels are known.', [], (g) =>
      g.set({}, source.state().namespaces),
    ),
  );
  registry.register(
    new Gauge('palisade_admission_namespace_watch_connected', '1 while the Namespace watch is connected.', [], (g) =>
      g.set({}, source.state().watching ? 1 : 0),
    ),
  );
  for (const type of NAMESPACE_WATCH_EVENT_TYPES) events.touch({ type });
  for (const reason of NAMESPACE_WATCH_RESTART_REASONS) restarts.touch({ reason });
  for (const result of ['ok', 'error']) lists.touch({ result });
  for (const result of NAMESPACE_LOOKUP_RESULTS) lookups.touch({ result });
  return {
    event: (type) => events.inc({ type }),
    restart: (reason) => restarts.inc({ reason }),
    list: (result) => lists.inc({ result }),
    lookup: (result) => lookups.inc({ result }),
    problem,
  };
}

/** The /readyz line of a namespace source: not ready until its first list. */
function namespaceSourceReady(source: NamespaceLabelSource): { readonly ok: boolean; readonly line: string } {
  const state = source.state();
  const last = state.lastError === undefined ? '' : ` (last error: ${state.lastError})`;
  if (!state.synced || state.listedAt === undefined) {
    return { ok: false, line: `namespaces: waiting for the first list of Namespaces from ${state.origin}${last}` };
  }
  const watch = state.watching ? 'watching' : `reconnecting the watch${last}`;
  return {
    ok: true,
    line: `namespaces: ok (${state.namespaces} from ${state.origin}, listed ${state.listedAt.toISOString()}, ${watch})`,
  };
}

/** The /readyz line of client authentication (never failing: a bad new file keeps the previous one). */
function clientAuthReady(auth: ClientAuth): string {
  const described = auth.describe();
  if (described === undefined) {
    return 'client authentication: none (any client that can reach the port can post reviews)';
  }
  const loaded = auth.tokenLoadedAt ? `, token loaded ${auth.tokenLoadedAt.toISOString()}` : '';
  const failed = auth.tokenErrors > 0 ? `, ${auth.tokenErrors} failed token reload(s)` : '';
  return `client authentication: ok (${described}${loaded}${failed})`;
}

/** The failed checks a client authentication can report, as metrics labels. */
function clientAuthFailures(auth: ClientAuth): readonly string[] {
  return CLIENT_AUTH_FAILURES.filter((failure) => {
    if (failure === 'name-not-allowed') return auth.allowedClientNames !== undefined;
    if (failure === 'no-certificate' || failure === 'certificate-not-verified') return auth.clientCaFile !== undefined;
    return auth.tokenFile !== undefined;
  });
}

export async function startAdmissionServer(options: AdmissionServerOptions): Promise<AdmissionServer> {
  try {
    return await startServer(options);
  } catch (error) {
    await options.namespaceSource?.close();
    throw error;
  }
}

async function startServer(options: AdmissionServerOptions): Promise<AdmissionServer> {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_ADMISSION_MAX_BODY_BYTES;
  const timeoutMs = options.timeoutMs ?? DEFAULT_ADMISSION_TIMEOUT_MS;
  const maxInFlight = Math.max(1, options.maxInFlight ?? DEFAULT_ADMISSION_MAX_IN_FLIGHT);
  const report = options.onDiagnostic ?? ((): void => {});
  const context = options.context ?? {};
  const failurePolicy: FailurePolicy =
    options.failurePolicy ?? context.failurePolicy ?? context.config?.admission?.failurePolicy ?? 'Fail';

  // --- metrics ---
  const registry = new MetricRegistry();
  const requests = registry.register(
    new Counter('palisade_admission_requests_total', 'HTTP requests by path and status code.', ['path', 'code']),
  );
  const decisions = registry.register(
    new Counter(
      'palisade_admission_decisions_total',
      'Admission decisions by webhook (validate, mutate) and result (allowed, warned: allowed with warnings, denied, patched).',
      ['webhook', 'result'],
    ),
  );
  const violations = registry.register(
    new Counter(
      'palisade_admission_mode_violations_total',
      'Reviews in which the checks of a mode (enforce, warn, audit) failed, and ValidatingAdmissionPolicy denials, warnings and audits (mode policy-deny, policy-warn, policy-audit).',
      ['mode'],
    ),
  );
  const failures = registry.register(
    new Counter(
      'palisade_admission_failure_policy_total',
      'Reviews answered by the failure policy because the decision overran the time budget (reason timeout) or failed (reason error).',
      ['webhook', 'reason', 'policy'],
    ),
  );
  const latency = registry.register(
    new Histogram(
      'palisade_admission_request_duration_seconds',
      'Time from the request to the end of the answer on /validate and /mutate (answered reviews).',
      ['path'],
      ADMISSION_LATENCY_BUCKETS,
    ),
  );
  const tooLarge = registry.register(
    new Counter('palisade_admission_body_too_large_total', 'Requests refused with 413 (body over the limit).'),
  );
  const badRequests = registry.register(
    new Counter(
      'palisade_admission_bad_requests_total',
      'Requests refused with 400: the body is not JSON or not an admission.k8s.io/v1 AdmissionReview request.',
    ),
  );
  const busy = registry.register(
    new Counter('palisade_admission_busy_total', 'Requests refused with 429 (too many reviews in flight).'),
  );
  let inFlight = 0;
  registry.register(
    new Gauge('palisade_admission_in_flight', 'Reviews being read or decided now.', [], (g) => g.set({}, inFlight)),
  );
  const reloads = registry.register(
    new Counter(
      'palisade_admission_reloads_total',
      'File reloads by file kind (tls: certificate, key and client CA; token; namespaces) and result (ok, error).',
      ['file', 'result'],
    ),
  );
  for (const path of REVIEW_PATHS) {
    latency.touch({ path });
    for (const code of ['200', '400', '413', '415']) requests.touch({ path, code });
  }
  for (const webhook of ['validate', 'mutate']) {
    for (const result of ['allowed', 'warned', 'denied']) decisions.touch({ webhook, result });
  }
  for (const mode of ['enforce', 'warn', 'audit']) violations.touch({ mode });

  /** The metrics label of each response's path, set when the request arrives. */
  const pathOf = new WeakMap<ServerResponse, string>();
  /** Writes the status line and headers, counting the response (when written, not when flushed). */
  function head(res: ServerResponse, status: number, headers: Record<string, string>): void {
    res.writeHead(status, headers);
    requests.inc({ path: pathOf.get(res) ?? 'other', code: String(status) });
  }
  function reply(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
    head(res, status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
    res.end(`${body}\n`);
  }

  // --- namespace labels ---
  const namespaceFile = options.namespaceLabelsFile;
  const namespaceSource = options.namespaceSource;
  if (namespaceFile !== undefined && namespaceSource !== undefined) {
    throw new ConfigError(
      'config.invalid',
      'the namespace labels come from a file or from the API server, not both (namespaceLabelsFile, namespaceSource)',
    );
  }
  let namespaces: NamespaceLabelMap | undefined =
    namespaceFile === undefined ? undefined : await readNamespaceLabels(namespaceFile);
  let namespacesLoadedAt = new Date();
  /** The labels fetched for the request being decided: createAdmission's lookup is synchronous. */
  let prefetched: { readonly name: string; readonly result: Prefetched } | undefined;
  function sourceLabels(name: string): NamespaceLabelRecord | undefined {
    if (prefetched?.name !== name) return namespaceSource?.get(name);
    if ('error' in prefetched.result) throw prefetched.result.error;
    return prefetched.result.labels;
  }
  const admission = options.validate
    ? undefined
    : createAdmission({
        ...context,
        ...(namespaceFile === undefined ? {} : { namespaceLabels: (name: string) => namespaces?.get(name) }),
        ...(namespaceSource === undefined ? {} : { namespaceLabels: sourceLabels }),
      });
  /** The labels of a namespace from the file, else from `context.namespaceLabels` (may throw). */
  function namespaceLabelsOf(name: string): Readonly<Record<string, string>> | undefined {
    if (namespaceFile !== undefined) return namespaces?.get(name);
    const source = context.namespaceLabels;
    if (source === undefined) return undefined;
    return typeof source === 'function' ? source(name) : source.get(name);
  }
  const sourceOrigin = (): string => `<namespaces from ${namespaceSource?.state().origin ?? '?'}>`;
  /** The labels of a namespace from the source: cached, or read (GET) on a miss; failures reported. */
  async function lookupLabels(source: NamespaceLabelSource, name: string): Promise<Prefetched> {
    try {
      return { labels: await source.lookup(name) };
    } catch (error) {
      report({
        level: 'warning',
        code: ADMISSION_SERVER_DIAGNOSTIC_CODES.namespaceLookup,
        message: messageOf(error),
        location: { file: sourceOrigin() },
      });
      return { error };
    }
  }
  const admit: ValidateHook = (request) => (admission as { admit: ValidateHook }).admit(request);
  /** With a source: the namespace's labels first (async), then the synchronous decision. */
  async function admitWithSource(source: NamespaceLabelSource, request: AdmissionRequest): Promise<AdmissionDecision> {
    const name = request.namespace;
    prefetched = name ? { name, result: await lookupLabels(source, name) } : undefined;
    try {
      return await admit(request);
    } finally {
      prefetched = undefined;
    }
  }
  const validate: ValidateHook =
    options.validate ??
    (namespaceSource === undefined ? admit : (request) => admitWithSource(namespaceSource, request));

  async function reloadNamespaces(): Promise<boolean> {
    if (namespaceFile === undefined) return false;
    let next: NamespaceLabelMap;
    try {
      next = await readNamespaceLabels(namespaceFile);
    } catch (err) {
      reloads.inc({ file: 'namespaces', result: 'error' });
      report({
        level: 'warning',
        code: ADMISSION_SERVER_DIAGNOSTIC_CODES.namespacesReload,
        message: `cannot reload the namespace labels (keeping the previous ones): ${messageOf(err)}`,
        location: { file: namespaceFile },
      });
      return false;
    }
    const same =
      namespaces !== undefined &&
      next.size === namespaces.size &&
      [...next].every(([name, labels]) => JSON.stringify(namespaces?.get(name)) === JSON.stringify(labels));
    if (same) return false;
    namespaces = next;
    namespacesLoadedAt = new Date();
    reloads.inc({ file: 'namespaces', result: 'ok' });
    return true;
  }

  // --- client authentication ---
  const auth = await createClientAuth({
    ...(options.clientCaFile !== undefined ? { clientCaFile: options.clientCaFile } : {}),
    ...(options.allowedClientNames !== undefined ? { allowedClientNames: options.allowedClientNames } : {}),
    ...(options.tokenFile !== undefined ? { tokenFile: options.tokenFile } : {}),
    onTokenReloadError(problem) {
      reloads.inc({ file: 'token', result: 'error' });
      report({
        level: 'warning',
        code: ADMISSION_SERVER_DIAGNOSTIC_CODES.tokenReload,
        message: problem.message,
        location: { file: problem.file },
      });
    },
  });
  const unauthorized = registry.register(
    new Counter(
      'palisade_admission_unauthorized_total',
      'Reviews refused by client authentication (401, 403), by the first failed check: no-certificate, certificate-not-verified, name-not-allowed, no-token, not-bearer, wrong-token.',
      ['reason'],
    ),
  );
  for (const reason of clientAuthFailures(auth)) unauthorized.touch({ reason });
  for (const path of REVIEW_PATHS) {
    if (auth.enabled) requests.touch({ path, code: '401' });
    if (auth.allowedClientNames !== undefined) requests.touch({ path, code: '403' });
  }

  // --- TLS ---
  let installTo: Server | undefined;
  const tlsWhat = `TLS certificate/key${auth.clientCaFile !== undefined ? '/client CA' : ''}`;
  const tls = await createTlsReloader({
    certFile: options.certFile,
    keyFile: options.keyFile,
    ...auth.tlsFiles,
    install(next, previous) {
      if (installTo) auth.installSecureContext(installTo, next, previous);
      reloads.inc({ file: 'tls', result: 'ok' });
    },
    onError(err) {
      reloads.inc({ file: 'tls', result: 'error' });
      report({
        level: 'warning',
        code: ADMISSION_SERVER_DIAGNOSTIC_CODES.tlsReload,
        message: `cannot reload the ${tlsWhat} (keeping the previous ones): ${messageOf(err)}`,
        location: { file: err instanceof NamedFileError ? err.file : options.certFile },
      });
    },
  });
  const expiry = (): number => {
    try {
      return Date.parse(new X509Certificate(tls.current.cert).validTo);
    } catch {
      return Number.NaN;
    }
  };
  registry.register(
    new Gauge(
      'palisade_admission_certificate_expiry_timestamp_seconds',
      'When the serving certificate in use expires (Unix time).',
      [],
      (g) => g.set({}, Math.floor(expiry() / 1000)),
    ),
  );

  // With a client CA, the handshake asks for a certificate without requiring one: the probes and
  // /metrics stay open, /validate and /mutate are judged by `auth`.
  const server: Server = createServer({
    ...tls.current,
    ...auth.serverOptions,
    requestTimeout: 30_000,
    headersTimeout: 10_000,
  });
  installTo = server;
  let closing: Promise<void> | undefined;

  function ready(): ReadyState {
    const lines: string[] = [];
    let ok = true;
    const expires = expiry();
    if (Number.isNaN(expires) || expires <= Date.now()) {
      ok = false;
      lines.push(`certificate: ${options.certFile} has expired or does not parse`);
    } else {
      lines.push(
        `certificate: ok (${options.certFile}, loaded ${tls.loadedAt.toISOString()}, expires ${new Date(expires).toISOString()})`,
      );
    }
    lines.push(clientAuthReady(auth));
    const set = context.policies;
    lines.push(
      set
        ? `policies: ok (${set.policies.size} ValidatingAdmissionPolicies, ${set.bindings.length} bindings)`
        : 'policies: ok (none configured)',
    );
    if (namespaceFile !== undefined) {
      lines.push(
        `namespaces: ok (${namespaces?.size ?? 0} from ${namespaceFile}, loaded ${namespacesLoadedAt.toISOString()})`,
      );
    }
    if (namespaceSource !== undefined) {
      const source = namespaceSourceReady(namespaceSource);
      ok &&= source.ok;
      lines.push(source.line);
    }
    if (closing) {
      ok = false;
      lines.push('server: shutting down');
    }
    return { ready: ok, lines };
  }

  /** The answer when the decision overran the budget or failed. */
  function failureDecision(
    webhook: 'validate' | 'mutate',
    request: AdmissionRequest,
    reason: 'timeout' | 'error',
    problem: string,
  ): AdmissionDecision {
    // Mutation only adds defaults: it fails open, validation (enforce) follows the policy.
    const policy: FailurePolicy = webhook === 'mutate' ? 'Ignore' : failurePolicy;
    failures.inc({ webhook, reason, policy });
    const subject = subjectOf(request);
    const annotations = { error: `cannot ${webhook === 'mutate' ? 'mutate' : 'evaluate'} ${subject}: ${problem}` };
    if (policy === 'Fail') {
      return {
        allowed: false,
        status: {
          code: reason === 'timeout' ? 504 : 500,
          reason: reason === 'timeout' ? 'Timeout' : 'InternalError',
          message: `${subject} is forbidden: Palisade cannot evaluate it (failure policy Fail): ${problem}`,
        },
        warnings: [],
        auditAnnotations: annotations,
      };
    }
    return {
      allowed: true,
      warnings: [
        `Palisade could not ${webhook === 'mutate' ? 'add secure defaults to' : 'evaluate'} ${subject}: ${problem}`,
      ],
      auditAnnotations: annotations,
    };
  }

  async function decide(
    webhook: 'validate' | 'mutate',
    request: AdmissionRequest,
    n: number,
  ): Promise<AdmissionDecision> {
    const file = `<admission request ${n} uid ${request.uid}>`;
    const over = (result: { timeout: true } | { error: unknown }): AdmissionDecision => {
      const timedOut = 'timeout' in result;
      const problem = timedOut
        ? `no decision within the time budget of ${timeoutMs} ms`
        : `internal error: ${messageOf(result.error)}`;
      report({
        level: 'warning',
        code: timedOut ? ADMISSION_SERVER_DIAGNOSTIC_CODES.timeout : ADMISSION_SERVER_DIAGNOSTIC_CODES.internalError,
        message: `/${webhook} ${subjectOf(request)}: ${problem}`,
        location: { file },
      });
      return failureDecision(webhook, request, timedOut ? 'timeout' : 'error', problem);
    };
    if (webhook === 'validate') {
      const result = await withBudget(() => validate(request), timeoutMs);
      if (!('value' in result)) return over(result);
      const { allowed, status, warnings, auditAnnotations } = result.value;
      // A validating webhook never patches.
      const decision: AdmissionDecision = { allowed, warnings, auditAnnotations, ...(status ? { status } : {}) };
      if (isOutcome(result.value)) {
        for (const mode of result.value.detail.modes) if (mode.failed.length > 0) violations.inc({ mode: mode.mode });
        const policies = result.value.policies;
        if (policies) {
          if (policies.denials.length > 0) violations.inc({ mode: 'policy-deny' });
          if (policies.warnings.length > 0) violations.inc({ mode: 'policy-warn' });
          if (Object.keys(policies.auditAnnotations).length > 0) violations.inc({ mode: 'policy-audit' });
        }
      }
      return decision;
    }
    const hook = options.mutate;
    if (!hook) return { allowed: true, warnings: [], auditAnnotations: {} };
    const withLabels = (labels: Readonly<Record<string, string>> | undefined) =>
      hook(request, labels === undefined ? {} : { namespaceLabels: labels });
    const result = await withBudget(() => {
      const name = request.namespace;
      if (namespaceSource === undefined || !name) return withLabels(name ? namespaceLabelsOf(name) : undefined);
      return lookupLabels(namespaceSource, name).then((found) => {
        if ('error' in found) throw found.error;
        return withLabels(found.labels);
      });
    }, timeoutMs);
    if (!('value' in result)) return over(result);
    const answer = result.value;
    const patch = [...('patch' in answer ? answer.patch : answer)];
    const annotations =
      'patch' in answer && answer.annotations !== undefined
        ? { ...answer.annotations }
        : patch.length > 0
          ? { mutated: patch.map((p) => `${p.op} ${p.path}`).join(', ') }
          : {};
    return {
      allowed: true,
      warnings: 'patch' in answer && answer.warnings ? [...answer.warnings] : [],
      auditAnnotations: annotations,
      ...(patch.length > 0 ? { patch } : {}),
    };
  }

  function resultOf(webhook: 'validate' | 'mutate', decision: AdmissionDecision): string {
    if (!decision.allowed) return 'denied';
    if (webhook === 'mutate' && decision.patch && decision.patch.length > 0) return 'patched';
    return decision.warnings.length > 0 ? 'warned' : 'allowed';
  }

  async function answerReview(
    webhook: 'validate' | 'mutate',
    req: IncomingMessage,
    res: ServerResponse,
    body: Buffer,
    n: number,
    started: number,
  ): Promise<void> {
    const file = `<admission request ${n} from ${req.socket.remoteAddress ?? '?'}>`;
    const bad = (message: string): void => {
      badRequests.inc();
      report({ level: 'error', code: ADMISSION_SERVER_DIAGNOSTIC_CODES.badRequest, message, location: { file } });
      reply(res, 400, message);
    };
    let value: unknown;
    try {
      value = JSON.parse(body.toString('utf8'));
    } catch (err) {
      bad(jsonProblem(err));
      return;
    }
    const parsed = parseAdmissionReview(value);
    if ('error' in parsed) {
      bad(parsed.error);
      return;
    }
    const { request } = parsed.review;
    const decision = await decide(webhook, request, n);
    decisions.inc({ webhook, result: resultOf(webhook, decision) });
    const text = JSON.stringify(reviewResponse(request, decision));
    head(res, 200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) });
    res.end(text);
    latency.observe({ path: `/${webhook}` }, (performance.now() - started) / 1000);
  }

  /** Answer, then drop the connection without reading the rest of the body. */
  function refuseBody(
    res: ServerResponse,
    req: IncomingMessage,
    status: number,
    message: string,
    headers: Record<string, string> = {},
  ): void {
    res.once('finish', () => req.destroy());
    reply(res, status, message, { connection: 'close', ...headers });
  }

  /** Answers a review the client authentication refused, without reading its body. */
  function refuse(req: IncomingMessage, res: ServerResponse, n: number, refused: ClientAuthRefusal): void {
    unauthorized.inc({ reason: refused.failures[0] ?? 'unknown' });
    report({
      level: 'warning',
      code: ADMISSION_SERVER_DIAGNOSTIC_CODES.unauthorized,
      message: refusalMessage(req, refused),
      location: { file: `<admission request ${n} from ${req.socket.remoteAddress ?? '?'}>` },
    });
    auth.answer(req, res, refused, (status, body, headers) => reply(res, status, body, headers));
  }

  function handleReview(webhook: ReviewPath, req: IncomingMessage, res: ServerResponse, n: number): void {
    const verdict = auth.judge(req);
    if (!verdict.ok) {
      refuse(req, res, n, verdict);
      return;
    }
    if (req.method !== 'POST') {
      reply(res, 405, 'method not allowed', { allow: 'POST' });
      req.resume();
      return;
    }
    if (!isJson(req.headers['content-type'])) {
      reply(res, 415, `content-type ${JSON.stringify(req.headers['content-type'] ?? '')} is not application/json`);
      req.resume();
      return;
    }
    if (inFlight >= maxInFlight) {
      busy.inc();
      refuseBody(res, req, 429, `too many admission reviews in flight (${maxInFlight})`, { 'retry-after': '1' });
      return;
    }
    const oversized = (size: string): void => {
      tooLarge.inc();
      const message = `body of ${size} bytes is larger than the limit of ${maxBodyBytes} bytes`;
      report({
        level: 'error',
        code: ADMISSION_SERVER_DIAGNOSTIC_CODES.oversizedBody,
        message,
        location: { file: `<admission request ${n} from ${req.socket.remoteAddress ?? '?'}>` },
      });
      refuseBody(res, req, 413, message);
    };
    // A review being read or decided holds one of the maxInFlight places until its response closes.
    let held = false;
    const release = (): void => {
      if (held) {
        held = false;
        inFlight--;
      }
    };
    const started = performance.now();
    const reading = readLimitedBody(req, maxBodyBytes, {
      tooLarge: (size) => {
        release();
        oversized(size);
      },
      body: (bytes) => {
        const name = webhook === '/validate' ? 'validate' : 'mutate';
        answerReview(name, req, res, bytes, n, started).catch((err: unknown) => internal(res, err, n));
      },
    });
    if (!reading) {
      return;
    }
    inFlight++;
    held = true;
    res.once('close', release);
  }

  function internal(res: ServerResponse, err: unknown, n: number): void {
    report({
      level: 'error',
      code: ADMISSION_SERVER_DIAGNOSTIC_CODES.internalError,
      message: `internal error: ${messageOf(err)}`,
      location: { file: `<admission request ${n}>` },
    });
    if (!res.headersSent) reply(res, 500, 'internal error');
    else res.destroy();
  }

  let requestCount = 0;
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const n = ++requestCount;
    const rawPath = (req.url ?? '/').split('?')[0] ?? '/';
    const path = KNOWN_PATHS.has(rawPath) ? rawPath : 'other';
    pathOf.set(res, path);
    try {
      if (path === '/validate' || path === '/mutate') {
        handleReview(path, req, res, n);
        return;
      }
      req.resume();
      if (path === 'other') {
        reply(res, 404, 'not found (POST AdmissionReviews to /validate or /mutate)');
        return;
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        reply(res, 405, 'method not allowed', { allow: 'GET, HEAD' });
        return;
      }
      if (path === '/healthz') {
        reply(res, 200, 'ok');
      } else if (path === '/readyz') {
        const state = ready();
        reply(res, state.ready ? 200 : 503, `${state.ready ? 'ok' : 'not ready'}\n${state.lines.join('\n')}`);
      } else {
        const text = registry.render();
        head(res, 200, { 'content-type': PROMETHEUS_CONTENT_TYPE });
        res.end(text);
      }
    } catch (err) {
      internal(res, err, n);
    }
  });

  async function reloadToken(): Promise<boolean> {
    const installed = await auth.reloadToken();
    if (installed) reloads.inc({ file: 'token', result: 'ok' });
    return installed;
  }
  async function reload(): Promise<boolean> {
    const results = await Promise.all([tls.reload(), reloadNamespaces(), reloadToken()]);
    return results.some(Boolean);
  }
  const watch = watchFiles({
    files: [options.certFile, options.keyFile, ...auth.files, namespaceFile].filter((f) => f !== undefined),
    ...(options.reloadDelayMs !== undefined ? { delayMs: options.reloadDelayMs } : {}),
    ...(options.reloadIntervalMs !== undefined ? { intervalMs: options.reloadIntervalMs } : {}),
    onChange: () => void reload(),
    onWatchError: (dir, err) =>
      report({
        level: 'warning',
        code: ADMISSION_SERVER_DIAGNOSTIC_CODES.tlsReload,
        message: `cannot watch ${dir} for changes (the files are re-read on the interval only): ${messageOf(err)}`,
        location: { file: dir },
      }),
  });

  if (namespaceSource !== undefined) {
    const problem = (message: string): void =>
      report({
        level: 'warning',
        code: ADMISSION_SERVER_DIAGNOSTIC_CODES.namespaceWatch,
        message,
        location: { file: sourceOrigin() },
      });
    namespaceSource.subscribe(namespaceSourceMetrics(registry, namespaceSource, problem));
    namespaceSource.start();
  }

  const host = options.host ?? '0.0.0.0';
  let port: number;
  try {
    port = await listenOn(server, options.port ?? 8443, host);
  } catch (err) {
    watch.close();
    throw err;
  }
  // After listening, a socket error (EMFILE...) must not crash the process.
  server.on('error', (err) =>
    report({
      level: 'error',
      code: ADMISSION_SERVER_DIAGNOSTIC_CODES.internalError,
      message: `server error: ${messageOf(err)}`,
      location: { file: `<https ${host}>` },
    }),
  );

  return {
    host,
    port,
    metrics: () => registry.render(),
    ready,
    reload,
    close(graceMs = 5000): Promise<void> {
      if (!closing) {
        watch.close();
        // The source last: requests in flight may still read its labels.
        closing = closeGracefully(server, graceMs).finally(() => namespaceSource?.close());
      }
      return closing;
    },
  };
}
