/**
 * Run checks over an inventory. Every (check, resource) pair a check targets yields one finding:
 * pass, fail, not-applicable, or error (a check that throws, or a workload whose pod template
 * could not be read). The scan never aborts because of one check.
 */
import {
  type AzureView,
  describeResource,
  FINDING_STATUSES,
  type Finding,
  type FindingStatus,
  type Remediation,
  type Resource,
  type ResourceRef,
  refOf,
  type Violation,
} from '#core';
import type { Inventory } from '#inventory';
import type { CheckContext, CheckOutcome, CheckSettings } from './check.ts';
import type { AnyCheck } from './checks/index.ts';
import { frameworkClosure } from './frameworks/index.ts';
import { type Assessed, controlBit } from './score.ts';

export interface CheckSelection {
  /** Framework ids (with what they include); empty or unset selects every check. */
  readonly frameworks?: readonly string[];
  /** Only these checks (id, slug or alias). */
  readonly include?: readonly string[];
  /** Never these checks (id, slug or alias). */
  readonly exclude?: readonly string[];
  /** Also run experimental checks (off unless selected by id). */
  readonly experimental?: boolean;
}

function matchesKey(check: AnyCheck, keys: ReadonlySet<string>): boolean {
  const { id, slug, aliases = [] } = check.meta;
  return keys.has(id) || keys.has(slug) || aliases.some((a) => keys.has(a));
}

/** The checks a selection runs, with overridden checks removed when their overrider runs. */
export function selectChecks(all: readonly AnyCheck[], selection: CheckSelection = {}): AnyCheck[] {
  const include = selection.include?.length ? new Set(selection.include) : undefined;
  const exclude = new Set(selection.exclude ?? []);
  const frameworks = new Set<string>();
  for (const id of selection.frameworks ?? []) {
    for (const f of frameworkClosure(id)) {
      frameworks.add(f);
    }
  }
  const chosen = all.filter((check) => {
    if (matchesKey(check, exclude)) {
      return false;
    }
    if (include) {
      return matchesKey(check, include);
    }
    const { maturity } = check.meta;
    if (maturity === 'deprecated' || (maturity === 'experimental' && !selection.experimental)) {
      return false;
    }
    return frameworks.size === 0 || check.meta.frameworks.some((ref) => frameworks.has(ref.framework));
  });
  const overridden = new Set(chosen.flatMap((c) => c.meta.overrides ?? []));
  return chosen.filter((c) => !overridden.has(c.meta.id));
}

function messageFor(check: AnyCheck, subject: string, result: CheckOutcome): string {
  switch (result.status) {
    case 'pass':
      return `${subject} passes: ${check.meta.title.toLowerCase()} not found.`;
    case 'not-applicable':
      return `${subject}: not applicable (${result.reason}).`;
    case 'indeterminate':
      return `${subject}: ${check.meta.title}: cannot be decided offline: ${result.reason}.`;
    case 'fail': {
      if (result.message) {
        return result.message;
      }
      // Concatenation, not join: the message shares the violation messages instead of copying them.
      let details = '';
      for (const violation of result.violations) {
        details = details === '' ? violation.message : `${details}; ${violation.message}`;
      }
      return `${subject}: ${check.meta.title}: ${details}.`;
    }
  }
}

const START = /^/;

/**
 * A flat copy of a string built by concatenation (template literals build ropes, a tree of
 * pieces): a regular-expression replace that changes nothing returns one flat string. Used for
 * the interned paths, which are kept once and shared. Messages are left as ropes: flattening
 * 340,000 of them on the benchmark cluster cost more time than the memory it saved (each rope
 * node is 20 bytes and its pieces are mostly shared: names, titles, violation messages).
 */
function flat(text: string): string {
  return text.length < 24 ? text : text.replace(START, '');
}

/**
 * Violation paths repeat across findings ('spec.template.spec.containers[0].resources.limits.cpu'):
 * one evaluation keeps a single flat copy of each (up to a bound), so 200,000 violations share a
 * few hundred path strings. Messages are not interned: they name the workload's containers, images
 * and namespaces, and on the benchmark cluster 139,000 of 199,000 are distinct, so hashing them
 * cost a fifth of the evaluation and saved 4 MiB.
 */
export type Interner = (text: string) => string;

const INTERN_LIMIT = 65_536;

export function createInterner(): Interner {
  const seen = new Map<string, string>();
  return (text) => {
    if (text.length < 24) {
      return text;
    }
    let kept = seen.get(text);
    if (kept === undefined) {
      kept = flat(text);
      if (seen.size >= INTERN_LIMIT) {
        seen.clear();
      }
      seen.set(kept, kept);
    }
    return kept;
  };
}

function flatViolations(violations: readonly Violation[], intern: Interner): readonly Violation[] {
  const out: Violation[] = new Array(violations.length);
  for (let i = 0; i < violations.length; i++) {
    const v = violations[i] as Violation;
    out[i] = { ...v, path: intern(v.path) };
  }
  return out;
}

const STATUS_COUNT = FINDING_STATUSES.length;
const STATUS_INDEX = Object.fromEntries(FINDING_STATUSES.map((s, i) => [s, i])) as Record<FindingStatus, number>;

const PLACEHOLDER = /\{(name|resourceGroup|subscriptionId|id|parentName)\}/g;

/**
 * The check's remediation with `{name}`, `{resourceGroup}`, `{subscriptionId}`, `{id}` and
 * `{parentName}` in its `az` command and ARM patch replaced by the resource's values, so that the
 * command in a finding can be run as printed. Unknown values stay as placeholders.
 */
export function azureRemediation(remediation: Remediation, azure: AzureView): Remediation {
  const compiled = compiledRemediation(remediation);
  if (compiled === undefined) {
    return remediation;
  }
  return {
    ...remediation,
    ...(compiled.azureCli === undefined ? {} : { azureCli: renderTemplate(compiled.azureCli, azure) }),
    ...(compiled.armPatch === undefined ? {} : { armPatch: renderTemplate(compiled.armPatch, azure) }),
  };
}

/** A text split at its placeholders: literal, key, literal, key, ..., literal. */
type Template = readonly string[];

interface CompiledRemediation {
  readonly azureCli?: Template;
  readonly armPatch?: Template;
}

/** Compiled once per remediation (one per check); undefined when it has no placeholders. */
const compiledRemediations = new WeakMap<Remediation, CompiledRemediation | null>();

function compiledRemediation(remediation: Remediation): CompiledRemediation | undefined {
  let compiled = compiledRemediations.get(remediation);
  if (compiled === undefined) {
    const split = (text: string | undefined): Template | undefined =>
      text === undefined || !PLACEHOLDER.test(text) ? undefined : text.split(PLACEHOLDER);
    PLACEHOLDER.lastIndex = 0;
    const azureCli = split(remediation.azureCli);
    PLACEHOLDER.lastIndex = 0;
    const armPatch = split(remediation.armPatch);
    PLACEHOLDER.lastIndex = 0;
    compiled =
      azureCli === undefined && armPatch === undefined
        ? null
        : { ...(azureCli ? { azureCli } : {}), ...(armPatch ? { armPatch } : {}) };
    compiledRemediations.set(remediation, compiled);
  }
  return compiled ?? undefined;
}

function placeholderValue(key: string, azure: AzureView): string | undefined {
  switch (key) {
    case 'name':
      return azure.parent ? azure.name.slice(azure.name.lastIndexOf('/') + 1) : azure.name;
    case 'resourceGroup':
      return azure.resourceGroup;
    case 'subscriptionId':
      return azure.subscriptionId;
    case 'id':
      // A template resource's id holds stand-in subscription and group names: left as a placeholder.
      return azure.origin === 'export' ? azure.id : undefined;
    case 'parentName':
      return azure.parent?.name;
    default:
      return undefined;
  }
}

function renderTemplate(template: Template, azure: AzureView): string {
  let text = template[0] ?? '';
  for (let i = 1; i < template.length; i += 2) {
    const key = template[i] as string;
    text += (placeholderValue(key, azure) ?? `{${key}}`) + (template[i + 1] ?? '');
  }
  return text;
}

/** A template resource deployed only under a condition that cannot be evaluated offline says so. */
function conditionNote(message: string, resource: Resource): string {
  const condition = resource.azure?.condition;
  return condition === undefined
    ? message
    : `${message} The template deploys it only if ${condition.expression}, which cannot be known offline (${condition.reason}).`;
}

export function makeFinding(
  check: AnyCheck,
  resource: Resource,
  result: CheckOutcome,
  ref: ResourceRef = refOf(resource),
  subject: string = describeResource(resource),
  intern: Interner = flat,
): Finding {
  const { meta } = check;
  // A failing finding's message is built from its flattened violations and left as a rope of
  // shared pieces (subject, title, violation messages): flattening it copied 27 MB on the
  // benchmark cluster for a tenth of the evaluation time. The fingerprint likewise.
  const violations =
    result.status === 'fail' || (result.status === 'indeterminate' && result.violations)
      ? flatViolations(result.violations ?? [], intern)
      : [];
  return {
    checkId: meta.id,
    slug: meta.slug,
    status: result.status,
    severity: meta.severity,
    title: meta.title,
    message: conditionNote(
      result.status === 'fail' && !result.message
        ? messageFor(check, subject, { status: 'fail', violations })
        : messageFor(check, subject, result),
      resource,
    ),
    resource: ref,
    violations,
    frameworks: meta.frameworks,
    remediation: resource.azure ? azureRemediation(meta.remediation, resource.azure) : meta.remediation,
    ...(result.status === 'not-applicable' || result.status === 'indeterminate' ? { reason: result.reason } : {}),
    fingerprint: `${meta.id}|${resource.key}`,
  };
}

function errorFinding(
  check: AnyCheck,
  resource: Resource,
  reason: string,
  ref: ResourceRef,
  subject: string = describeResource(resource),
): Finding {
  const { meta } = check;
  return {
    checkId: meta.id,
    slug: meta.slug,
    status: 'error',
    severity: meta.severity,
    title: meta.title,
    message: `${subject}: check could not run: ${reason}.`,
    resource: ref,
    violations: [],
    frameworks: meta.frameworks,
    remediation: meta.remediation,
    reason,
    fingerprint: `${meta.id}|${resource.key}`,
  };
}

export interface EvaluateResult {
  /** Every finding, or only failing and error findings when `retain` is 'fail'. */
  readonly findings: Finding[];
  /** How many findings of each status the checks produced (retained or not). */
  readonly counts: Record<FindingStatus, number>;
  /** Kinds no selected check targets, with counts. */
  readonly unknownKinds: Record<string, number>;
  /** The resource a retained finding is about (by its shared `resource` reference). */
  readonly resourceOf: (finding: Finding) => Resource | undefined;
  /** Per resource, the secure score controls whose checks judged it (any status but not-applicable). */
  readonly assessed: Assessed;
  /** How many findings of each status each check produced (by check id; retained or not). */
  readonly countsByCheck: ReadonlyMap<string, Readonly<Record<FindingStatus, number>>>;
}

export function createContext(inventory: Inventory, settings: CheckSettings): CheckContext {
  const cache = new Map<string, unknown>();
  return {
    inventory,
    settings,
    memo<T>(key: string, compute: () => T): T {
      if (cache.has(key)) {
        return cache.get(key) as T;
      }
      const value = compute();
      cache.set(key, value);
      return value;
    },
  };
}

export interface EvaluateOptions {
  /**
   * 'all' (default) keeps a finding for every (check, resource) pair; 'fail' keeps only failing
   * and error findings and counts the rest, which is what a report of failures needs and saves
   * building hundreds of thousands of pass findings on a large cluster.
   */
  readonly retain?: 'all' | 'fail';
  /** The cluster a resource belongs to, recorded in its findings' `resource.cluster`. */
  readonly clusterOf?: (resource: Resource) => string | undefined;
}

interface CheckRouting {
  /** Checks that target every workload (their pod spec), with their index in the checks array. */
  readonly workloadChecks: readonly { readonly check: AnyCheck; readonly index: number }[];
  /** Checks by the kind they target, with the API group when the target names one. */
  readonly byKind: ReadonlyMap<
    string,
    readonly { readonly check: AnyCheck; readonly index: number; readonly apiGroup?: string }[]
  >;
}

/** Routing per checks array: admission evaluates the same (cached) array once per request. */
const routings = new WeakMap<readonly AnyCheck[], CheckRouting>();

function routeChecks(checks: readonly AnyCheck[]): CheckRouting {
  const cached = routings.get(checks);
  if (cached) return cached;
  const workloadChecks: { check: AnyCheck; index: number }[] = [];
  const byKind = new Map<string, { check: AnyCheck; index: number; apiGroup?: string }[]>();
  for (const [index, check] of checks.entries()) {
    for (const target of check.meta.targets) {
      if ('class' in target) {
        workloadChecks.push({ check, index });
        continue;
      }
      let list = byKind.get(target.kind);
      if (!list) {
        list = [];
        byKind.set(target.kind, list);
      }
      list.push(target.apiGroup === undefined ? { check, index } : { check, index, apiGroup: target.apiGroup });
    }
  }
  const routing = { workloadChecks, byKind };
  routings.set(checks, routing);
  return routing;
}

/** Evaluate checks over every resource they target. */
export function evaluate(
  inventory: Inventory,
  checks: readonly AnyCheck[],
  settings: CheckSettings,
  options: EvaluateOptions = {},
): EvaluateResult {
  const retainAll = options.retain !== 'fail';
  const intern = createInterner();
  const ctx = createContext(inventory, settings);
  const { workloadChecks, byKind } = routeChecks(checks);
  const findings: Finding[] = [];
  const counts: Record<FindingStatus, number> = {
    pass: 0,
    fail: 0,
    'not-applicable': 0,
    error: 0,
    indeterminate: 0,
  };
  const unknownKinds: Record<string, number> = {};
  // One ResourceRef and one subject per resource, shared by its findings, built only when a
  // finding is kept; the map from ref to the resource's position in the inventory serves
  // exemptions (the resource) and the secure score (the position) without re-parsing keys.
  const positions = new Map<ResourceRef, number>();
  let position = -1;
  let current: Resource | undefined;
  let currentRef: ResourceRef | undefined;
  let currentSubject = '';
  const clusterOf = options.clusterOf;
  const refFor = (resource: Resource): ResourceRef => {
    if (current !== resource || !currentRef) {
      current = resource;
      const cluster = clusterOf?.(resource);
      currentRef = cluster === undefined ? refOf(resource) : { ...refOf(resource), cluster };
      currentSubject = describeResource(resource);
      positions.set(currentRef, position);
    }
    return currentRef;
  };
  // Secure score: per resource (by position), the bits of the controls whose checks judged it.
  const controlBits = new Int32Array(checks.length);
  for (const [index, check] of checks.entries()) {
    const control = check.meta.securityControl;
    controlBits[index] = control === undefined ? 0 : controlBit(control);
  }
  const assessedMask = new Int32Array(inventory.resources.length);
  /** Record that a check judged the resource (any status but not-applicable). */
  const assess = (index: number): void => {
    assessedMask[position] = (assessedMask[position] as number) | (controlBits[index] as number);
  };
  // Findings by status per check (by index in `checks`), for per-control compliance.
  const perCheck = new Int32Array(checks.length * STATUS_COUNT);
  /** Count one finding of a check, in total and for the check. */
  const tally = (index: number, status: FindingStatus): void => {
    counts[status]++;
    const slot = index * STATUS_COUNT + STATUS_INDEX[status];
    perCheck[slot] = (perCheck[slot] as number) + 1;
  };
  const run = (check: AnyCheck, index: number, resource: Resource): void => {
    let result: CheckOutcome;
    try {
      result = check.evaluate(resource, ctx);
    } catch (error) {
      tally(index, 'error');
      assess(index);
      const ref = refFor(resource);
      findings.push(
        errorFinding(check, resource, error instanceof Error ? error.message : String(error), ref, currentSubject),
      );
      return;
    }
    tally(index, result.status);
    if (result.status !== 'not-applicable') {
      assess(index);
    }
    if (retainAll || result.status === 'fail' || result.status === 'indeterminate') {
      const ref = refFor(resource);
      findings.push(makeFinding(check, resource, result, ref, currentSubject, intern));
    }
  };
  for (const resource of inventory.resources) {
    position++;
    let targeted = false;
    if (resource.pod !== undefined || resource.podError !== undefined) {
      for (const { check, index } of workloadChecks) {
        targeted = true;
        if (resource.podError !== undefined) {
          tally(index, 'error');
          const ref = refFor(resource);
          findings.push(errorFinding(check, resource, resource.podError, ref, currentSubject));
        } else {
          run(check, index, resource);
        }
      }
    }
    for (const entry of byKind.get(resource.kind) ?? []) {
      if (entry.apiGroup !== undefined && entry.apiGroup !== resource.group) {
        continue;
      }
      targeted = true;
      run(entry.check, entry.index, resource);
    }
    if (!targeted) {
      unknownKinds[resource.kind] = (unknownKinds[resource.kind] ?? 0) + 1;
    }
  }
  // By check id: a check listed twice in `checks` adds up.
  const countsByCheck = new Map<string, Record<FindingStatus, number>>();
  for (const [index, check] of checks.entries()) {
    let own = countsByCheck.get(check.meta.id);
    if (!own) {
      own = { pass: 0, fail: 0, 'not-applicable': 0, error: 0, indeterminate: 0 };
      countsByCheck.set(check.meta.id, own);
    }
    for (const [i, status] of FINDING_STATUSES.entries()) {
      own[status] += perCheck[index * STATUS_COUNT + i] ?? 0;
    }
  }
  const resourceAt = (finding: Finding): Resource | undefined => {
    const at = positions.get(finding.resource);
    return at === undefined ? undefined : inventory.resources[at];
  };
  return {
    findings,
    counts,
    countsByCheck,
    unknownKinds,
    resourceOf: resourceAt,
    assessed: {
      resources: inventory.resources,
      mask: assessedMask,
      indexOf: (finding) => positions.get(finding.resource),
    },
  };
}
