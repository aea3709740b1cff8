/**
 * The admission decision for workloads: Palisade's own posture checks (those marked
 * `admission: true`), run unchanged on the object of one AdmissionReview request, in the modes its
 * namespace asks for (modes.ts), the way Pod Security Admission evaluates pods:
 *
 * - Only CREATE and UPDATE of workload kinds are evaluated; everything else is allowed untouched.
 *   Subresources are ignored except pods/ephemeralcontainers (the pod with its new ephemeral
 *   containers). An UPDATE that leaves the pod spec and its security annotations as they were
 *   (labels, other annotations, replicas, status) is allowed without evaluation.
 * - Exempt namespaces, users, groups and runtime classes (config `admission.exemptions`) are allowed
 *   with an `exempt` audit annotation, before anything else is read.
 * - Workload controllers (Deployment, CronJob, DeploymentConfig, ...) are evaluated on their pod
 *   template, so `kubectl apply` gets the refusal, not the ReplicaSet controller later.
 * - enforce failures deny (403 Forbidden, PSA-style message with check ids, fields, containers);
 *   warn failures become warnings (one per check); audit failures the `audit-violations` audit
 *   annotation. Config and annotation exemptions (posture/exemptions.ts) apply as in a scan.
 * - What cannot be evaluated (malformed object, a check that throws, namespace lookup failure)
 *   follows the failure policy: enforce fails closed unless `failurePolicy: Ignore`; warn and
 *   audit fail open. `admit` never throws.
 *
 * Audit annotation keys carry no prefix: the API server prefixes them with the webhook's name and
 * rejects keys that already contain a '/' (AdmissionResponse.auditAnnotations).
 */
import { isDeepStrictEqual } from 'node:util';
import {
  ADMISSION_MODES,
  type AdmissionMode,
  type Config,
  type Finding,
  matchesAnyGlob,
  type Resource,
  type Violation,
} from '#core';
import { buildInventory, toResource, workloadKind } from '#inventory';
import {
  type AnyCheck,
  applyExemptions,
  CHECKS,
  type CheckSettings,
  checkRegistry,
  evaluate,
  resolveScan,
  selectChecks,
} from '#posture';
import type { ImageGate, ImageGateResult } from './image-gate.ts';
import {
  type DefaultPolicy,
  defaultPolicy,
  formatLevelVersion,
  fullyPrivileged,
  type LevelVersion,
  levelSelection,
  type NamespacePolicy,
  policyForNamespace,
} from './modes.ts';
import { type AdmissionDecision, AdmissionRequest } from './review.ts';
import { evaluatePolicies, type PolicyEvaluation, type PolicySet } from './vap/index.ts';

/** A namespace's labels: a lookup function (may throw: the failure policy applies) or a map. */
export type NamespaceLabels =
  | ((namespace: string) => Readonly<Record<string, string>> | undefined)
  | ReadonlyMap<string, Readonly<Record<string, string>>>;

export type FailurePolicy = 'Fail' | 'Ignore';

export interface AdmissionContext {
  readonly namespaceLabels?: NamespaceLabels;
  /** Config: `admission` (defaults, exemptions, honorPodSecurityLabels, failurePolicy), `settings`, `exemptions`, `annotations`. */
  readonly config?: Config;
  readonly configFile?: string;
  /** Checks admission may run (default: every check with `meta.admission === true`). */
  readonly checks?: readonly AnyCheck[];
  /** Today, for exemption expiry (default: the clock at each request). */
  readonly now?: () => Date;
  /** Overrides `admission.failurePolicy` (enforce only; warn and audit always fail open). */
  readonly failurePolicy?: FailurePolicy;
  /**
   * ValidatingAdmissionPolicies with their bindings and parameters (vap/loadPolicies). They apply
   * to every request they match, whatever the kind, independently of Palisade's modes and
   * exemptions, as the API server's ValidatingAdmissionPolicy plugin does.
   */
  readonly policies?: PolicySet;
  /**
   * The image gate (image-gate.ts: registries, digests, vulnerabilities). It judges the requests
   * the checks evaluate, and is skipped for exempt namespaces, users, groups and runtime classes
   * like the checks.
   */
  readonly imageGate?: ImageGate;
}

/** One check that failed in one mode. */
export interface FailedCheck {
  readonly checkId: string;
  readonly slug: string;
  readonly title: string;
  readonly violations: readonly Violation[];
  /** The finding's sentence (used when a check reports no violations). */
  readonly message: string;
}

export interface ModeResult {
  readonly mode: AdmissionMode;
  /** `restricted:latest`. */
  readonly policy: string;
  /** Ids of the checks the level ran. */
  readonly checks: readonly string[];
  readonly failed: readonly FailedCheck[];
}

export type Exempt = 'namespace' | 'user' | 'group' | 'runtimeClass';

export interface AdmissionDetail {
  /** Why the request was not evaluated (operation, subresource, kind, exemption, unchanged). */
  readonly skipped?: string;
  readonly exempt?: Exempt;
  readonly namespace?: string;
  readonly policy?: NamespacePolicy;
  /** Modes whose level is not privileged, in PSA's order, with what failed. */
  readonly modes: readonly ModeResult[];
  /** Why the object could not be evaluated (the failure policy decided). */
  readonly error?: string;
}

export interface AdmissionOutcome extends AdmissionDecision {
  readonly detail: AdmissionDetail;
  /** What the ValidatingAdmissionPolicies decided, when the context has any. */
  readonly policies?: PolicyEvaluation;
  /** What the image gate decided, when the context has one and the request was judged. */
  readonly images?: ImageGateResult;
}

/** The image gate's verdict added to the decision: a denial when the decision allowed, warnings and annotations always. */
function withImageGate(
  outcome: AdmissionOutcome,
  request: AdmissionRequest,
  context: AdmissionContext,
): AdmissionOutcome {
  const gate = context.imageGate;
  if (gate === undefined || outcome.detail.exempt !== undefined) {
    return outcome;
  }
  const images = gate.check(request, request.namespace ? { namespace: request.namespace } : {});
  if (images.skipped !== undefined && images.denials.length === 0 && images.warnings.length === 0) {
    return { ...outcome, images };
  }
  const denied = images.denials.length > 0;
  const subject = `${request.resource.resource}${request.resource.group ? `.${request.resource.group}` : ''} "${request.name ?? ''}"`;
  return {
    ...outcome,
    allowed: outcome.allowed && !denied,
    ...(outcome.allowed && denied
      ? {
          status: {
            code: 403,
            reason: 'Forbidden',
            message: `${subject} is forbidden: image gate: ${images.denials.join('; ')}`,
          },
        }
      : {}),
    warnings: [...outcome.warnings, ...images.warnings],
    auditAnnotations: { ...outcome.auditAnnotations, ...images.annotations },
    images,
  };
}

/**
 * The checks' decision and the ValidatingAdmissionPolicies' together: denied when either denies
 * (the checks' refusal is shown first), warnings and audit annotations of both.
 */
function withPolicies(
  outcome: AdmissionOutcome,
  request: AdmissionRequest,
  context: AdmissionContext,
): AdmissionOutcome {
  const set = context.policies;
  if (set === undefined) {
    return outcome;
  }
  const namespace = request.namespace || undefined;
  let labels: Readonly<Record<string, string>> | undefined;
  try {
    labels = namespace === undefined ? undefined : lookupLabels(context.namespaceLabels, namespace);
  } catch {
    labels = undefined; // the checks' evaluation already reported the failed lookup
  }
  const policies = evaluatePolicies(set, request, labels === undefined ? {} : { namespace: { labels } });
  const status = outcome.allowed ? policies.status : outcome.status;
  return {
    ...outcome,
    allowed: outcome.allowed && policies.allowed,
    ...(status === undefined ? {} : { status }),
    warnings: [...outcome.warnings, ...policies.warnings],
    auditAnnotations: { ...outcome.auditAnnotations, ...policies.auditAnnotations },
    policies,
  };
}

const ANNOTATION_ENFORCE_POLICY = 'enforce-policy';
const ANNOTATION_AUDIT_VIOLATIONS = 'audit-violations';
const ANNOTATION_EXEMPT = 'exempt';
const ANNOTATION_ERROR = 'error';

/** Annotations on a pod (template) that checks read; a change to one makes an update significant. */
const SECURITY_ANNOTATION = /(?:^|\.)(?:apparmor\.security\.beta|seccomp\.security\.alpha)\.kubernetes\.io\//;
/** At most this many violations per check in a message; the rest are counted. */
const MAX_VIOLATIONS_SHOWN = 5;

const EMPTY_DETAIL: AdmissionDetail = Object.freeze({ modes: [] });

function allow(
  detail: AdmissionDetail = EMPTY_DETAIL,
  auditAnnotations: Record<string, string> = {},
): AdmissionOutcome {
  return { allowed: true, warnings: [], auditAnnotations, detail };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** 'deployments.apps' or 'pods', as apierrors names a GroupResource. */
function groupResource(request: AdmissionRequest): string {
  const { group, resource } = request.resource;
  return group ? `${resource}.${group}` : resource;
}

function objectName(request: AdmissionRequest): string {
  if (request.name) {
    return request.name;
  }
  const metadata = isRecord(request.object) ? request.object.metadata : undefined;
  return isRecord(metadata) && typeof metadata.name === 'string' ? metadata.name : '';
}

/** `deployments.apps "web"`, or `pods` for an unnamed (generateName) object, as apierrors does. */
function subjectOf(request: AdmissionRequest): string {
  const name = objectName(request);
  return name ? `${groupResource(request)} "${name}"` : groupResource(request);
}

function templateOf(object: unknown, path: readonly string[]): Record<string, unknown> | undefined {
  let node: unknown = object;
  for (const segment of path) {
    node = isRecord(node) ? node[segment] : undefined;
  }
  return isRecord(node) ? node : undefined;
}

function securityAnnotations(template: Record<string, unknown>): Record<string, unknown> {
  const metadata = isRecord(template.metadata) ? template.metadata : {};
  const annotations = isRecord(metadata.annotations) ? metadata.annotations : {};
  return Object.fromEntries(Object.entries(annotations).filter(([key]) => SECURITY_ANNOTATION.test(key)));
}

/**
 * PSA's isSignificantPodUpdate, generalised to every workload's pod template: an update matters
 * when the pod spec or an annotation the checks read (AppArmor, seccomp) changed.
 */
function significantUpdate(object: unknown, oldObject: unknown, templatePath: readonly string[]): boolean {
  const now = templateOf(object, templatePath);
  const before = templateOf(oldObject, templatePath);
  if (!now || !before) {
    return true;
  }
  return (
    !isDeepStrictEqual(now.spec, before.spec) ||
    !isDeepStrictEqual(securityAnnotations(now), securityAnnotations(before))
  );
}

function formatViolations(check: FailedCheck): string {
  if (check.violations.length === 0) {
    return check.message;
  }
  const shown = check.violations.slice(0, MAX_VIOLATIONS_SHOWN).map((v) => `${v.message} at ${v.path}`);
  const more = check.violations.length - shown.length;
  return more > 0 ? `${shown.join('; ')}; and ${more} more` : shown.join('; ');
}

/** `PAL-K8S-0002 privileged (container "web" ... at spec.template.spec.containers[0]...)`. */
export function formatFailedCheck(check: FailedCheck): string {
  return `${check.checkId} ${check.slug} (${formatViolations(check)})`;
}

function policyName(value: Pick<LevelVersion, 'level' | 'versionText'>): string {
  return `Palisade policy "${formatLevelVersion(value)}"`;
}

/** The compiled admission: config validated once, check selections cached per level. */
export interface Admission {
  admit(request: unknown): AdmissionOutcome;
}

interface Compiled {
  readonly defaults: DefaultPolicy;
  readonly honorPodSecurityLabels: boolean;
  readonly failurePolicy: FailurePolicy;
  readonly exemptions: NonNullable<NonNullable<Config['admission']>['exemptions']>;
  readonly checksFor: (level: string) => readonly AnyCheck[];
  readonly settingsFor: (version: LevelVersion) => CheckSettings;
  /** What a namespace policy evaluates; cached per distinct policy. */
  readonly planFor: (policy: NamespacePolicy) => EvaluationPlan;
}

/**
 * The evaluations a namespace policy needs: one per distinct version of its active modes, of every
 * check some mode at that version runs, and for each active mode the checks it reads.
 */
interface EvaluationPlan {
  readonly versions: readonly {
    readonly minor: number;
    readonly checks: readonly AnyCheck[];
    readonly settings: CheckSettings;
    /** The version of the first active mode (its exemption diagnostics become warnings). */
    readonly first: boolean;
  }[];
  readonly modes: readonly {
    readonly mode: AdmissionMode;
    readonly policy: string;
    readonly checks: readonly string[];
    readonly ids: ReadonlySet<string>;
    readonly minor: number;
  }[];
}

/** Distinct policies kept (namespace labels choose them; more are planned again, never unbounded). */
const MAX_PLANS = 256;

function makePlan(policy: NamespacePolicy, compiled: Omit<Compiled, 'planFor'>): EvaluationPlan {
  const active = ADMISSION_MODES.filter((mode) => policy[mode].level !== 'privileged');
  const byVersion = new Map<number, { checks: Map<string, AnyCheck>; mode: AdmissionMode }>();
  for (const mode of active) {
    const minor = policy[mode].version.minor;
    let entry = byVersion.get(minor);
    if (!entry) {
      entry = { checks: new Map(), mode };
      byVersion.set(minor, entry);
    }
    for (const check of compiled.checksFor(policy[mode].level)) {
      entry.checks.set(check.meta.id, check);
    }
  }
  const firstMinor = active[0] === undefined ? undefined : policy[active[0]].version.minor;
  return {
    versions: [...byVersion].map(([minor, { checks, mode }]) => ({
      minor,
      checks: [...checks.values()],
      settings: compiled.settingsFor(policy[mode]),
      first: minor === firstMinor,
    })),
    modes: active.map((mode) => {
      const levelVersion = policy[mode];
      const checks = compiled.checksFor(levelVersion.level).map((c) => c.meta.id);
      return {
        mode,
        policy: formatLevelVersion(levelVersion),
        checks,
        ids: new Set(checks),
        minor: levelVersion.version.minor,
      };
    }),
  };
}

function compile(context: AdmissionContext): Compiled {
  const config = context.config ?? {};
  const admission = config.admission ?? {};
  const defaults = defaultPolicy(admission);
  const available = context.checks ?? CHECKS.filter((check) => check.meta.admission);
  const selections = new Map<string, readonly AnyCheck[]>();
  const settings = new Map<number, CheckSettings>();
  const plans = new Map<string, EvaluationPlan>();
  const compiled: Compiled = {
    defaults,
    honorPodSecurityLabels: admission.honorPodSecurityLabels ?? true,
    failurePolicy: context.failurePolicy ?? admission.failurePolicy ?? 'Fail',
    exemptions: admission.exemptions ?? {},
    checksFor(level) {
      let chosen = selections.get(level);
      if (!chosen) {
        const selection = levelSelection(level);
        chosen =
          !selection || selection.kind === 'none'
            ? []
            : selectChecks(available, selection.kind === 'all' ? {} : { frameworks: selection.frameworks });
        selections.set(level, chosen);
      }
      return chosen;
    },
    settingsFor(version) {
      let resolved = settings.get(version.version.minor);
      if (!resolved) {
        // The scan's own resolution (defaults, then config `settings`), at this mode's version.
        resolved = resolveScan({
          config: config.settings ? { settings: config.settings } : {},
          pssVersion: `v${version.version.major}.${version.version.minor}`,
        }).settings;
        settings.set(version.version.minor, resolved);
      }
      return resolved;
    },
    planFor(policy) {
      const key = ADMISSION_MODES.map(
        (m) => `${policy[m].level}\0${policy[m].versionText}\0${policy[m].version.minor}`,
      ).join('\0');
      let plan = plans.get(key);
      if (!plan) {
        if (plans.size >= MAX_PLANS) plans.clear();
        plan = makePlan(policy, compiled);
        plans.set(key, plan);
      }
      return plan;
    },
  };
  return compiled;
}

function lookupLabels(
  labels: NamespaceLabels | undefined,
  namespace: string,
): Readonly<Record<string, string>> | undefined {
  if (!labels) {
    return undefined;
  }
  return typeof labels === 'function' ? labels(namespace) : labels.get(namespace);
}

function exemptionOf(request: AdmissionRequest, compiled: Compiled, namespace: string | undefined): Exempt | undefined {
  const { namespaces, usernames, groups } = compiled.exemptions;
  if (namespace !== undefined && namespaces && matchesAnyGlob(namespace, namespaces)) {
    return 'namespace';
  }
  const user = request.userInfo.username;
  if (user !== undefined && usernames?.includes(user)) {
    return 'user';
  }
  if (groups && request.userInfo.groups?.some((g) => groups.includes(g))) {
    return 'group';
  }
  return undefined;
}

/** The decision when the object cannot be evaluated: failure policy for enforce, open for warn and audit. */
function unevaluable(
  request: AdmissionRequest,
  compiled: Compiled,
  policy: NamespacePolicy | undefined,
  problem: string,
  status: { code: number; reason: string },
  base: { warnings: string[]; auditAnnotations: Record<string, string>; modes: ModeResult[] },
): AdmissionOutcome {
  const subject = subjectOf(request);
  const auditAnnotations = { ...base.auditAnnotations, [ANNOTATION_ERROR]: `cannot evaluate ${subject}: ${problem}` };
  const detail: AdmissionDetail = {
    ...(request.namespace === undefined ? {} : { namespace: request.namespace }),
    ...(policy ? { policy } : {}),
    modes: base.modes,
    error: problem,
  };
  const enforcing = policy ? policy.enforce.level !== 'privileged' : true;
  if (enforcing && compiled.failurePolicy === 'Fail') {
    return {
      allowed: false,
      status: {
        code: status.code,
        reason: status.reason,
        message: `${subject} is forbidden: Palisade cannot evaluate it (failure policy Fail): ${problem}`,
      },
      warnings: base.warnings,
      auditAnnotations,
      detail,
    };
  }
  const warns = !policy || enforcing || policy.warn.level !== 'privileged';
  return {
    allowed: true,
    warnings: warns ? [...base.warnings, `Palisade could not evaluate ${subject}: ${problem}`] : base.warnings,
    auditAnnotations,
    detail,
  };
}

/** The request as an object Kubernetes would store: apiVersion and kind filled, namespace from the request. */
function objectFor(request: AdmissionRequest): Record<string, unknown> | string {
  const object = request.object;
  if (!isRecord(object)) {
    return `request.object is ${object === undefined || object === null ? 'missing' : `a ${Array.isArray(object) ? 'list' : typeof object}`}, not a ${request.kind.kind}`;
  }
  const { group, version, kind } = request.kind;
  if (object.kind !== undefined && object.kind !== kind) {
    return `request.object.kind "${String(object.kind)}" does not match the request kind "${kind}"`;
  }
  const metadata = isRecord(object.metadata) ? object.metadata : undefined;
  const needsNamespace = request.namespace !== undefined && metadata?.namespace === undefined;
  if (object.apiVersion !== undefined && object.kind !== undefined && !needsNamespace) {
    return object;
  }
  return {
    ...object,
    apiVersion: object.apiVersion ?? (group ? `${group}/${version}` : version),
    kind,
    ...(needsNamespace && (metadata || object.metadata === undefined)
      ? { metadata: { ...metadata, namespace: request.namespace } }
      : {}),
  };
}

function failedChecksOf(findings: readonly Finding[], ids: ReadonlySet<string>): FailedCheck[] {
  const failed: FailedCheck[] = [];
  for (const finding of findings) {
    if (finding.status !== 'fail' || finding.suppressed || !ids.has(finding.checkId)) {
      continue;
    }
    failed.push({
      checkId: finding.checkId,
      slug: finding.slug,
      title: finding.title,
      violations: finding.violations,
      message: finding.message,
    });
  }
  return failed;
}

function evaluateRequest(request: AdmissionRequest, compiled: Compiled, context: AdmissionContext): AdmissionOutcome {
  if (request.operation !== 'CREATE' && request.operation !== 'UPDATE') {
    return allow({ skipped: `operation ${request.operation}`, modes: [] });
  }
  const { kind, group } = request.kind;
  const workload = workloadKind(kind, group);
  const subResource = request.subResource ?? '';
  if (subResource !== '' && !(kind === 'Pod' && subResource === 'ephemeralcontainers')) {
    return allow({ skipped: `subresource ${request.resource.resource}/${subResource}`, modes: [] });
  }
  if (!workload) {
    return allow({ skipped: `kind ${group ? `${kind}.${group}` : kind} is not a workload`, modes: [] });
  }
  const namespace = request.namespace;
  const exempt = exemptionOf(request, compiled, namespace);
  if (exempt) {
    return allow(
      { skipped: `exempt ${exempt}`, exempt, ...(namespace === undefined ? {} : { namespace }), modes: [] },
      { [ANNOTATION_EXEMPT]: exempt },
    );
  }
  let labels: Readonly<Record<string, string>> | undefined;
  try {
    labels = namespace === undefined ? undefined : lookupLabels(context.namespaceLabels, namespace);
  } catch (error) {
    return unevaluable(
      request,
      compiled,
      undefined,
      `failed to look up namespace "${namespace}": ${errorText(error)}`,
      { code: 500, reason: 'InternalError' },
      { warnings: [], auditAnnotations: {}, modes: [] },
    );
  }
  const policy = policyForNamespace(labels, compiled.defaults, {
    honorPodSecurityLabels: compiled.honorPodSecurityLabels,
  });
  const base = {
    ...(namespace === undefined ? {} : { namespace }),
    policy,
  };
  const warnings: string[] = [];
  const auditAnnotations: Record<string, string> = {};
  if (policy.errors.length > 0) {
    const text = policy.errors.map((e) => `metadata.labels[${e.label}]="${e.value}": ${e.message}`).join('; ');
    auditAnnotations[ANNOTATION_ERROR] = `Failed to parse policy: ${text}`;
    warnings.push(`namespace "${namespace ?? ''}" has invalid Palisade policy labels: ${text}`);
  }
  if (fullyPrivileged(policy)) {
    return { allowed: true, warnings, auditAnnotations, detail: { ...base, modes: [] } };
  }
  if (request.operation === 'UPDATE' && !significantUpdate(request.object, request.oldObject, workload.templatePath)) {
    return {
      allowed: true,
      warnings,
      auditAnnotations,
      detail: { ...base, skipped: 'pod template unchanged', modes: [] },
    };
  }
  const object = objectFor(request);
  if (typeof object === 'string') {
    return unevaluable(
      request,
      compiled,
      policy,
      object,
      { code: 400, reason: 'BadRequest' },
      {
        warnings,
        auditAnnotations,
        modes: [],
      },
    );
  }
  const built = toResource(object, { file: `AdmissionReview ${request.uid}` });
  const resource = built.resource;
  if (!resource || resource.podError !== undefined || !resource.pod) {
    const problem =
      resource?.podError ??
      built.diagnostics.find((d) => d.level === 'error')?.message ??
      'the object has no pod template';
    return unevaluable(
      request,
      compiled,
      policy,
      problem,
      { code: 400, reason: 'BadRequest' },
      {
        warnings,
        auditAnnotations,
        modes: [],
      },
    );
  }
  const runtimeClass = resource.pod.spec.runtimeClassName;
  if (runtimeClass !== undefined && compiled.exemptions.runtimeClasses?.includes(runtimeClass)) {
    return allow(
      { ...base, skipped: 'exempt runtimeClass', exempt: 'runtimeClass', modes: [] },
      {
        [ANNOTATION_EXEMPT]: 'runtimeClass',
      },
    );
  }
  return decide(request, resource, policy, compiled, context, { warnings, auditAnnotations, base });
}

interface Pending {
  readonly warnings: string[];
  readonly auditAnnotations: Record<string, string>;
  readonly base: { readonly namespace?: string; readonly policy: NamespacePolicy };
}

function decide(
  request: AdmissionRequest,
  resource: Resource,
  policy: NamespacePolicy,
  compiled: Compiled,
  context: AdmissionContext,
  partial: Pending,
): AdmissionOutcome {
  const { warnings, auditAnnotations, base } = partial;
  const plan = compiled.planFor(policy);
  const inventory = buildInventory([resource]);
  const findingsByVersion = new Map<number, Finding[]>();
  const errors: string[] = [];
  const now = context.now?.() ?? new Date();
  const config = context.config ?? {};
  for (const { minor, checks, settings, first } of plan.versions) {
    const evaluated = evaluate(inventory, checks, settings, { retain: 'fail' });
    const exempted = applyExemptions(evaluated.findings, () => resource, {
      exemptions: config.exemptions ?? [],
      annotations: config.annotations ?? { enabled: true, forbid: { checks: [], namespaces: [] } },
      now,
      resolveCheck: (key) => checkRegistry.get(key),
      ...(context.configFile ? { configFile: context.configFile } : {}),
    });
    if (first) {
      // Exemption diagnostics (an annotation without a reason, an expired date) once, as warnings.
      for (const diagnostic of exempted.diagnostics) {
        warnings.push(`palisade: ${diagnostic.message}`);
      }
    }
    for (const finding of exempted.findings) {
      if (finding.status === 'error') {
        errors.push(`${finding.checkId} ${finding.slug}: ${finding.reason ?? 'check failed to run'}`);
      }
    }
    findingsByVersion.set(minor, exempted.findings);
  }
  const modes: ModeResult[] = plan.modes.map(({ mode, policy: name, checks, ids, minor }) => ({
    mode,
    policy: name,
    checks,
    failed: failedChecksOf(findingsByVersion.get(minor) ?? [], ids),
  }));
  const result = (m: AdmissionMode): ModeResult | undefined => modes.find((r) => r.mode === m);
  const enforce = result('enforce');
  const warn = result('warn');
  const audit = result('audit');
  if (enforce) {
    auditAnnotations[ANNOTATION_ENFORCE_POLICY] = enforce.policy;
  }
  if (audit && audit.failed.length > 0) {
    auditAnnotations[ANNOTATION_AUDIT_VIOLATIONS] =
      `would violate ${policyName(policy.audit)}: ${audit.failed.map(formatFailedCheck).join(', ')}`;
  }
  const denied = enforce !== undefined && enforce.failed.length > 0;
  const deniedIds = new Set(denied ? enforce.failed.map((f) => f.checkId) : []);
  // Unlike PSA, warnings stay on a denied request (kubectl prints them with the error), minus the
  // checks the denial already names.
  for (const failed of warn?.failed ?? []) {
    if (!deniedIds.has(failed.checkId)) {
      warnings.push(`would violate ${policyName(policy.warn)}: ${formatFailedCheck(failed)}`);
    }
  }
  if (errors.length > 0) {
    const enforceRan = enforce !== undefined && errors.some((e) => enforce.checks.includes(e.split(' ', 1)[0] ?? ''));
    if (!denied && enforceRan) {
      return unevaluable(
        request,
        compiled,
        policy,
        `a check failed to run: ${errors.join('; ')}`,
        { code: 500, reason: 'InternalError' },
        { warnings, auditAnnotations, modes },
      );
    }
    auditAnnotations[ANNOTATION_ERROR] = [
      auditAnnotations[ANNOTATION_ERROR],
      `checks failed to run: ${errors.join('; ')}`,
    ]
      .filter(Boolean)
      .join('; ');
  }
  const detail: AdmissionDetail = { ...base, modes };
  if (!denied) {
    return { allowed: true, warnings, auditAnnotations, detail };
  }
  return {
    allowed: false,
    status: {
      code: 403,
      reason: 'Forbidden',
      message: `${subjectOf(request)} is forbidden: violates ${policyName(policy.enforce)}: ${enforce.failed.map(formatFailedCheck).join(', ')}`,
    },
    warnings,
    auditAnnotations,
    detail,
  };
}

/**
 * Compile the admission for a context: validates `admission.defaults` (throws UsageError naming the
 * key) and caches check selections and settings. The returned `admit` never throws.
 */
export function createAdmission(context: AdmissionContext = {}): Admission {
  const compiled = compile(context);
  return {
    admit(input: unknown): AdmissionOutcome {
      const parsed = AdmissionRequest.safeParse(input);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const path = issue?.path.map(String).join('.') || '(root)';
        const problem = `not an AdmissionReview request: ${path}: ${issue?.message ?? 'invalid'}`;
        const uid = isRecord(input) && typeof input.uid === 'string' ? input.uid : '';
        const stub: AdmissionRequest = {
          uid: uid || 'unknown',
          kind: { group: '', version: 'v1', kind: 'Unknown' },
          resource: { group: '', version: 'v1', resource: 'objects' },
          operation: 'CREATE',
          userInfo: {},
        };
        return unevaluable(
          stub,
          compiled,
          undefined,
          problem,
          { code: 400, reason: 'BadRequest' },
          {
            warnings: [],
            auditAnnotations: {},
            modes: [],
          },
        );
      }
      try {
        const checked = withImageGate(evaluateRequest(parsed.data, compiled, context), parsed.data, context);
        return withPolicies(checked, parsed.data, context);
      } catch (error) {
        return unevaluable(
          parsed.data,
          compiled,
          undefined,
          `internal error: ${errorText(error)}`,
          { code: 500, reason: 'InternalError' },
          { warnings: [], auditAnnotations: {}, modes: [] },
        );
      }
    },
  };
}

/**
 * Decide one AdmissionReview request (the `request` field) in a context. Never throws: a config
 * that does not compile is an internal error under the failure policy (use createAdmission to
 * report it up front and to reuse the compiled selection across requests).
 */
export function admit(request: unknown, context: AdmissionContext = {}): AdmissionOutcome {
  let admission: Admission;
  try {
    admission = createAdmission(context);
  } catch (error) {
    const failurePolicy = context.failurePolicy ?? context.config?.admission?.failurePolicy ?? 'Fail';
    const problem = `invalid admission config: ${errorText(error)}`;
    if (failurePolicy === 'Ignore') {
      return {
        allowed: true,
        warnings: [`Palisade could not evaluate the request: ${problem}`],
        auditAnnotations: { [ANNOTATION_ERROR]: problem },
        detail: { modes: [], error: problem },
      };
    }
    return {
      allowed: false,
      status: { code: 500, reason: 'InternalError', message: `Palisade cannot evaluate the request: ${problem}` },
      warnings: [],
      auditAnnotations: { [ANNOTATION_ERROR]: problem },
      detail: { modes: [], error: problem },
    };
  }
  return admission.admit(request);
}
