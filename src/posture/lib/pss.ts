/**
 * Versioned Pod Security Standards checks, modelled on the upstream pod-security-admission
 * registry (k8s.io/pod-security-admission/policy): each check has a level, the upstream check
 * ID, and one or more revisions, each applying from a minimum policy version until the next.
 *
 * Version resolution follows upstream's registry exactly:
 * - the revision in force at policy version v1.N is the newest one whose minimum is <= N;
 * - versions above the newest known one are evaluated as the newest (LATEST_PSS_VERSION);
 * - before a check's first revision the check does not exist at that version: not-applicable,
 *   except for a restricted check that overrides a baseline check (restricted seccomp,
 *   capabilities, procMount). Upstream runs the baseline check in restricted namespaces at those
 *   versions, but Palisade removes an overridden check whenever its overrider is selected, so
 *   the overrider evaluates the baseline revision itself there. The restricted level therefore
 *   gives upstream's verdicts at every version.
 *
 * A revision returns undefined (allowed), a forbidden verdict with upstream's reason and detail
 * plus one violation per offending field, or an exemption (the check does not govern this pod,
 * e.g. Windows pods from v1.25 for some restricted checks), reported as not-applicable.
 */
import { type Container, describeResource, type PodSpec, type PodView, type Resource, type Violation } from '#core';
import { type Check, type CheckMeta, type CheckOutcome, notApplicable, PASS } from '../check.ts';
import { CONTAINER_FIELDS, type ContainerField, type Workload } from './pod.ts';
import { formatPssVersion, LATEST_PSS_VERSION } from './pss-version.ts';

export type PssLevel = 'baseline' | 'restricted';

/** The pod is denied: upstream's forbidden reason and detail, and the offending fields. */
export interface PssForbidden {
  /** Upstream's ForbiddenReason, e.g. 'host namespaces'. */
  readonly reason: string;
  /** Upstream's ForbiddenDetail, e.g. 'hostNetwork=true'; may be empty. */
  readonly detail: string;
  readonly violations: readonly Violation[];
}

/** The check does not govern this pod at this version (why, for the not-applicable finding). */
export interface PssExempt {
  readonly exempt: string;
}

/** undefined means allowed. */
export type PssResult = PssForbidden | PssExempt | undefined;

export type PssEvaluate = (pod: PodView) => PssResult;

/** One revision of a check, like upstream's VersionedCheck. */
export interface PssRevision {
  /** First policy minor version (v1.N) the revision applies to. */
  readonly since: number;
  /** Named after upstream's function, e.g. hostPorts_1_0. */
  readonly evaluate: PssEvaluate;
}

export interface PssCheckInfo {
  readonly level: PssLevel;
  /** Upstream check ID, e.g. 'hostPorts'. */
  readonly upstreamId: string;
  readonly revisions: readonly PssRevision[];
  /** Upstream ID of the baseline check this restricted check overrides. */
  readonly overrides?: string;
}

export interface PssCheck extends Check<Workload> {
  readonly pss: PssCheckInfo;
  /** The evaluation in force at policy version v1.`minor` (clamped to the newest), if any. */
  evaluatorAt(minor: number): PssEvaluate | undefined;
}

export interface PssCheckSpec {
  readonly meta: Omit<CheckMeta, 'targets' | 'scope' | 'admission' | 'overrides'>;
  readonly level: PssLevel;
  readonly upstreamId: string;
  readonly revisions: readonly PssRevision[];
  /** The baseline check this restricted check supersedes (upstream OverrideCheckIDs). */
  readonly overrides?: PssCheck;
}

function clampMinor(minor: number): number {
  return Math.min(Math.max(minor, 0), LATEST_PSS_VERSION.minor);
}

/** Build a normal posture Check from a versioned PSS check definition. */
export function definePssCheck(spec: PssCheckSpec): PssCheck {
  const { level, upstreamId, revisions, overrides } = spec;
  if (revisions.length === 0) {
    throw new Error(`PSS check ${upstreamId} has no revisions`);
  }
  for (let i = 1; i < revisions.length; i++) {
    const prev = revisions[i - 1];
    const cur = revisions[i];
    if (prev && cur && cur.since <= prev.since) {
      throw new Error(`PSS check ${upstreamId}: revisions must have strictly increasing minimum versions`);
    }
  }
  if (overrides && (level !== 'restricted' || overrides.pss.level !== 'baseline')) {
    throw new Error(`PSS check ${upstreamId}: only restricted checks may override, and only baseline checks`);
  }
  const first = revisions[0]?.since ?? 0;
  // One entry per policy minor version, precomputed so evaluation is an array lookup.
  const table: (PssEvaluate | undefined)[] = [];
  for (let minor = 0; minor <= LATEST_PSS_VERSION.minor; minor++) {
    let fn: PssEvaluate | undefined;
    for (const revision of revisions) {
      if (revision.since <= minor) {
        fn = revision.evaluate;
      }
    }
    table.push(fn ?? overrides?.evaluatorAt(minor));
  }
  const introduced = `check introduced in v1.${first}`;
  // ' violates PodSecurity "restricted:v1.30": ' for each version, built once.
  const violatesAt = table.map(
    (_, minor) => ` violates PodSecurity "${level}:${formatPssVersion({ major: 1, minor })}": `,
  );
  const meta: CheckMeta = {
    ...spec.meta,
    targets: [{ class: 'workload' }],
    scope: 'object',
    admission: true,
    ...(overrides ? { overrides: [overrides.meta.id] } : {}),
  };
  const info: PssCheckInfo = overrides
    ? { level, upstreamId, revisions, overrides: overrides.pss.upstreamId }
    : { level, upstreamId, revisions };
  return {
    meta,
    pss: info,
    evaluatorAt: (minor) => table[clampMinor(minor)],
    evaluate(resource, ctx): CheckOutcome {
      const pod = resource.pod;
      if (pod === undefined) {
        return notApplicable('no pod template');
      }
      const minor = clampMinor(ctx.settings.pssVersion.minor);
      const fn = table[minor];
      if (fn === undefined) {
        return notApplicable(introduced);
      }
      const result = fn(pod);
      if (result === undefined) {
        return PASS;
      }
      if ('exempt' in result) {
        return notApplicable(result.exempt);
      }
      const detail = result.detail ? ` (${result.detail})` : '';
      return {
        status: 'fail',
        violations: result.violations,
        message: `${subjectOf(resource)}${violatesAt[minor]}${result.reason}${detail}`,
      };
    },
  };
}

/**
 * describeResource of the resource the PSS checks are looking at. Every PSS check of one workload
 * runs in a row, so remembering the last one spares each failing check its own copy of the string.
 */
let lastResource: Resource | undefined;
let lastSubject = '';
function subjectOf(resource: Resource): string {
  if (resource !== lastResource) {
    lastResource = resource;
    lastSubject = describeResource(resource);
  }
  return lastSubject;
}

/** True for checks built by definePssCheck. */
export function isPssCheck(check: Check): check is Check & Pick<PssCheck, 'pss' | 'evaluatorAt'> {
  return 'pss' in check && 'evaluatorAt' in check;
}

export type ContainerVisitor = (container: Container, field: ContainerField, index: number) => void;

/**
 * Visit every container in upstream's order (init, regular, ephemeral) without allocating;
 * build paths with containerPath only for offenders.
 */
export function forEachContainer(spec: PodSpec, visit: ContainerVisitor): void {
  for (const field of CONTAINER_FIELDS) {
    const list = spec[field];
    if (!list) {
      continue;
    }
    for (let index = 0; index < list.length; index++) {
      const container = list[index];
      if (container) {
        visit(container, field, index);
      }
    }
  }
}

/** 'spec.template.spec.initContainers[0]' */
export function containerPath(pod: PodView, field: ContainerField, index: number): string {
  return `${pod.specPath}.${field}[${index}]`;
}

/** Path of an annotation: 'metadata.annotations["container.apparmor.security.beta.kubernetes.io/web"]'. */
export function annotationPath(pod: PodView, key: string): string {
  return `${pod.metadataPath}.annotations[${JSON.stringify(key)}]`;
}

/** Upstream's joinQuote: '"a", "b"' (values are quoted as is, without escaping). */
export function joinQuote(items: readonly string[]): string {
  return items.length === 0 ? '' : `"${items.join('", "')}"`;
}

/** Upstream's pluralize. */
export function plural(singular: string, pluralForm: string, count: number): string {
  return count === 1 ? singular : pluralForm;
}

/** 'container "a"' or 'containers "a", "b"'. */
export function containersPhrase(names: readonly string[]): string {
  return `${plural('container', 'containers', names.length)} ${joinQuote(names)}`;
}

/** Sorted unique strings, as upstream's sets.List(). */
export function sortedUnique(values: Iterable<string>): string[] {
  return [...new Set(values)].sort(compareStrings);
}

/** Byte-wise string order (Go's sort.Strings). */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A Go-style quoted string, as fmt's %q renders simple values: "value". */
export function goQuote(value: string): string {
  return JSON.stringify(value);
}

/** True when the pod declares spec.os.name=windows (upstream compares with corev1.Windows). */
export function isWindowsPod(pod: PodView): boolean {
  return pod.spec.os?.name === 'windows';
}

export const WINDOWS_EXEMPT: PssExempt = Object.freeze({
  exempt: 'Windows pod (spec.os.name=windows) is exempt from v1.25',
});

/** True when the pod runs in a user namespace (spec.hostUsers=false), upstream's relaxPolicyForUserNamespacePod. */
export function isUserNamespacePod(pod: PodView): boolean {
  return pod.spec.hostUsers === false;
}

export const USER_NAMESPACE_EXEMPT: PssExempt = Object.freeze({
  exempt: 'pod runs in a user namespace (spec.hostUsers=false), relaxed from v1.35',
});

/** The Pod Security Standards page (normative definition of every control). */
export const PSS_STANDARD_URL = 'https://kubernetes.io/docs/concepts/security/pod-security-standards/';

/** Upstream implementation of one check, for `references`. */
export function upstreamSource(file: string): string {
  return `https://github.com/kubernetes/kubernetes/blob/master/staging/src/k8s.io/pod-security-admission/policy/${file}`;
}
