/**
 * The shapes shared by automation rules, the runner and the actions.
 *
 * A *subject* is what triggers an automation: an alert of `palisade detect` or a failed finding of
 * `palisade scan`. Its *target* is the object the actions act on (a pod, a workload, a node, an
 * Azure resource). An *action* is one file under `actions/<provider>/<slug>.ts` with its parameter
 * schema, the permissions it needs, a precondition check and, where meaningful, an undo.
 */
import type { z } from 'zod';
import type { Alert, Finding, Logger, Severity } from '#core';

/** A Kubernetes object the actions address (the API version decides the group). */
export interface KubeRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
}

/** What an automation acts on. `node` is the node a pod runs on, when the subject says so (Falco). */
export type Target =
  | { readonly type: 'kubernetes'; readonly ref: KubeRef; readonly node?: string; readonly cluster?: string }
  | { readonly type: 'azure'; readonly id: string; readonly resourceType: string; readonly subscriptionId?: string }
  | { readonly type: 'none'; readonly description: string };

interface SubjectBase {
  /** The alert id, or the finding's fingerprint. */
  readonly id: string;
  /** The threat rule id (alerts) or the check id (findings). */
  readonly ruleId: string;
  readonly title: string;
  readonly severity: Severity;
  readonly message: string;
  readonly target: Target;
}

export interface AlertSubject extends SubjectBase {
  readonly type: 'alert';
  readonly alert: Alert;
}

export interface FindingSubject extends SubjectBase {
  readonly type: 'finding';
  readonly finding: Finding;
}

export type Subject = AlertSubject | FindingSubject;

/** One RBAC rule of a ClusterRole. */
export interface PolicyRule {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
}

/** What an action needs to run: Kubernetes RBAC rules and Azure role actions (`Microsoft.X/y/write`). */
export interface Permissions {
  readonly kubernetes?: readonly PolicyRule[];
  readonly azure?: readonly string[];
}

/** What the rule that uses an action says about its targets, for permissions that depend on them. */
export interface PermissionScope {
  /** ARM resource types the rule's trigger admits (empty: any). */
  readonly azureTypes: readonly string[];
}

export type Provider = 'kubernetes' | 'azure' | 'notify';

export interface ActionMeta {
  /** `<provider>:<slug>`, e.g. `kubernetes:isolate-pod`. */
  readonly id: string;
  /** kebab-case; equals the file name. */
  readonly slug: string;
  readonly provider: Provider;
  readonly title: string;
  /** What it does, 1–3 sentences. */
  readonly description: string;
  /** Target types it acts on (`none` for notifications, which need no target). */
  readonly targets: readonly Target['type'][];
  /** Kinds it acts on, for Kubernetes targets ('Pod', 'Node', ...); absent: any kind. */
  readonly kinds?: readonly string[];
  /** Whether `palisade automation undo` can reverse it. */
  readonly undoable: boolean;
  /** Deletes or disrupts something (delete a pod, scale to zero): listed as such in docs and plans. */
  readonly disruptive: boolean;
  /** Permissions the action needs regardless of its parameters. */
  readonly permissions: Permissions;
}

/** The HTTP-shaped client of the Kubernetes API the actions use (src/automation/kube.ts). */
export interface KubeClient {
  /** The object, or undefined when it does not exist (404). */
  get(ref: KubeRef): Promise<KubeObjectData | undefined>;
  /** Objects of a kind, optionally in one namespace and by label selector. */
  list(
    apiVersion: string,
    kind: string,
    options?: { namespace?: string; labelSelector?: string },
  ): Promise<KubeObjectData[]>;
  /**
   * Patch: 'merge' (application/merge-patch+json), 'strategic' (strategic-merge-patch+json) or
   * 'json' (json-patch+json: an array of operations). Returns the object after the patch.
   */
  patch(ref: KubeRef, patch: unknown, type: 'merge' | 'strategic' | 'json'): Promise<KubeObjectData>;
  /** Creates the object; an AlreadyExists conflict throws ActionError with `status` 409. */
  create(object: KubeObjectData): Promise<KubeObjectData>;
  /** Deletes the object; false when it did not exist. `uid` is a delete precondition when given. */
  delete(ref: KubeRef, options?: { uid?: string; gracePeriodSeconds?: number }): Promise<boolean>;
}

/** A Kubernetes object as JSON. */
export interface KubeObjectData {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name?: string;
    readonly namespace?: string;
    readonly uid?: string;
    readonly resourceVersion?: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
    readonly ownerReferences?: readonly {
      readonly apiVersion: string;
      readonly kind: string;
      readonly name: string;
      readonly uid?: string;
      readonly controller?: boolean;
    }[];
    readonly [key: string]: unknown;
  };
  readonly [key: string]: unknown;
}

/** The ARM REST client the Azure actions use (src/automation/arm.ts). */
export interface ArmClient {
  /** GET {id}?api-version=…; undefined on 404. */
  get(id: string, apiVersion: string): Promise<Record<string, unknown> | undefined>;
  /** PATCH {id}?api-version=… with a JSON merge-patch body; follows long-running operations to the end. */
  patch(id: string, apiVersion: string, body: unknown): Promise<Record<string, unknown>>;
}

/** Sends an HTTP request with a JSON body (src/automation/http.ts). */
export interface HttpPoster {
  post(
    url: string,
    body: unknown,
    headers?: Readonly<Record<string, string>>,
  ): Promise<{ status: number; body: string }>;
}

export interface ActionContext {
  /** The Kubernetes client; throws ActionError when no cluster is configured. */
  kube(): Promise<KubeClient>;
  /** The ARM client; throws ActionError when Azure is not configured. */
  arm(): Promise<ArmClient>;
  readonly http: HttpPoster;
  readonly logger: Logger;
  readonly now: () => Date;
  /** Environment variables, for parameters given as `env:NAME` (webhook URLs are secrets). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Recorded in the objects the actions change (label values, event source, field manager). */
  readonly runId: string;
}

export interface ActionInput<P> {
  readonly params: P;
  readonly subject: Subject;
  readonly target: Target;
  /** The automation rule's name. */
  readonly rule: string;
  /** Dry-run: read what is needed to decide, change nothing, and say what would be done. */
  readonly dryRun: boolean;
  /** Which attempt this is: 1, then 2, 3... when the runner retries after a transient failure. */
  readonly attempt: number;
  /**
   * Kept across the attempts of one step. A transient failure can come after the change took
   * effect (a timeout after the write); an action notes here what it saw before writing (the
   * previous replicas, labels, property values), so that a retry that finds the change made
   * reports it `applied`, with its undo, rather than `skipped` as already done.
   */
  readonly state: Record<string, unknown>;
}

/** Run ids are at most this long (label values that embed `{runId}` are checked against it at load). */
export const MAX_RUN_ID_LENGTH = 32;

/**
 * What an action did. `planned` (dry-run: what it would do), `applied`, or `skipped` (the
 * precondition did not hold, or it was already done: an isolated pod is not isolated twice).
 * Failures are thrown as ActionError. `target` names the object actually acted on when it differs
 * from the subject's (the Deployment that owns an alerting pod). `undo` is the data its undo needs.
 */
export interface ActionOutcome {
  readonly result: 'planned' | 'applied' | 'skipped';
  readonly reason: string;
  readonly target?: Target;
  readonly undo?: Readonly<Record<string, unknown>>;
}

export interface UndoInput {
  /** The `undo` data recorded when the action was applied. */
  readonly data: Readonly<Record<string, unknown>>;
  readonly target: Target;
  readonly dryRun: boolean;
}

export interface Action<P = unknown> {
  readonly meta: ActionMeta;
  /** Parameters, validated when the rules are loaded (strict objects: unknown keys are refused). */
  readonly params: z.ZodType<P>;
  /** Permissions that depend on the parameters or the rule (defaults to meta.permissions). */
  permissionsFor?(params: P, scope: PermissionScope): Permissions;
  /**
   * The parameters as printed and written to the audit log, secrets removed (a webhook URL whose
   * path is its token). Defaults to the parameters as they are.
   */
  recordedParams?(params: P): unknown;
  run(input: ActionInput<P>, ctx: ActionContext): Promise<ActionOutcome>;
  undo?(input: UndoInput, ctx: ActionContext): Promise<ActionOutcome>;
}

/** Identity helper: one grep-able marker per action file, and type inference for the parameters. */
export function defineAction<P>(action: Action<P>): Action<P> {
  return action;
}

/**
 * An action that could not run. `transient` failures (timeouts, 429, 5xx, resourceVersion
 * conflicts) are retried by the runner with backoff, honouring `retryAfterMs`; others fail at once.
 */
export class ActionError extends Error {
  readonly transient: boolean;
  readonly status?: number;
  readonly retryAfterMs?: number;
  constructor(
    message: string,
    options: { transient?: boolean; status?: number; retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ActionError';
    this.transient = options.transient ?? false;
    if (options.status !== undefined) this.status = options.status;
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
  }
}

/** 'Pod "shop/web-1"', 'Node "worker-1"', the Azure id, or the description. */
export function describeTarget(target: Target): string {
  switch (target.type) {
    case 'kubernetes': {
      const { kind, namespace, name } = target.ref;
      return namespace ? `${kind} "${namespace}/${name}"` : `${kind} "${name}"`;
    }
    case 'azure':
      return target.id;
    case 'none':
      return target.description;
  }
}

/** A stable key per target (cooldowns, per-target serialisation). */
export function targetKey(target: Target): string {
  switch (target.type) {
    case 'kubernetes': {
      const { apiVersion, kind, namespace, name } = target.ref;
      return `k8s:${target.cluster ?? ''}:${apiVersion}:${kind}:${namespace ?? ''}:${name}`;
    }
    case 'azure':
      return `azure:${target.id.toLowerCase()}`;
    case 'none':
      return `none:${target.description}`;
  }
}
