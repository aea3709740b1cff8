/**
 * Kubernetes resource quantities, and the container resource defaults the API server fills in
 * before a pod runs (so checks judge what the kubelet will actually enforce).
 *
 * Quantity grammar (k8s.io/apimachinery resource.Quantity):
 *   quantity := signedNumber [suffix]
 *   suffix   := binarySI (Ki Mi Gi Ti Pi Ei) | decimalSI (m k M G T P E) | ("e" | "E") signedNumber
 *   number   := digits | digits "." [digits] | "." digits
 * YAML may also give a plain number (`cpu: 1`, `cpu: 0.5`).
 *
 * Defaults (pkg/apis/core/v1/defaults.go and the LimitRanger admission plugin):
 * - a container (regular or init) with a limit but no request for a resource gets request = limit;
 * - a LimitRange item of type Container supplies `default` (limits) and `defaultRequest` (requests)
 *   to containers that omit them; the API server itself defaults `default` from `max`, and
 *   `defaultRequest` from `default`, then from `min`.
 * Sources: https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/,
 * https://kubernetes.io/docs/concepts/policy/limit-range/,
 * https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/
 */
import type { Resource } from '#core';
import type { Inventory } from '#inventory';

/** A parsed quantity in base units (cores, bytes), or why the text is not one. */
export type ParsedQuantity =
  | { readonly valid: true; readonly value: number }
  | { readonly valid: false; readonly reason: string };

const QUANTITY_RE =
  /^(?<number>[+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:(?<suffix>Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E)|[eE](?<exponent>[+-]?\d+))?$/;

const MULTIPLIERS: Readonly<Record<string, number>> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};

/** Parse a quantity ('500m', '1Gi', '1e3', 2). Never throws. */
export function parseQuantity(value: string | number): ParsedQuantity {
  if (typeof value === 'number') {
    return Number.isFinite(value) ? { valid: true, value } : { valid: false, reason: 'not a finite number' };
  }
  const match = QUANTITY_RE.exec(value.trim());
  const groups = match?.groups;
  if (!groups?.number) {
    return { valid: false, reason: `"${value}" is not a Kubernetes quantity` };
  }
  const base = Number(groups.number);
  if (groups.exponent !== undefined) {
    return { valid: true, value: base * 10 ** Number(groups.exponent) };
  }
  const multiplier = groups.suffix === undefined ? 1 : (MULTIPLIERS[groups.suffix] ?? 1);
  return { valid: true, value: base * multiplier };
}

/** The compute resources checks look at. */
export const COMPUTE_RESOURCES = ['cpu', 'memory'] as const;
export type ComputeResource = (typeof COMPUTE_RESOURCES)[number];

/** Which compute resources a namespace's LimitRanges default for containers. */
export interface ContainerDefaults {
  /** Resources given a default limit (`default`, or `max` when `default` omits them). */
  readonly limits: ReadonlySet<ComputeResource>;
  /** Resources given a default request (`defaultRequest`, `default`, `max` or `min`). */
  readonly requests: ReadonlySet<ComputeResource>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function addKeys(target: Set<ComputeResource>, list: unknown): void {
  if (!isRecord(list)) {
    return;
  }
  for (const name of COMPUTE_RESOURCES) {
    const value = list[name];
    if ((typeof value === 'string' && value.trim() !== '') || typeof value === 'number') {
      target.add(name);
    }
  }
}

function defaultsOf(limitRange: Resource, into: { limits: Set<ComputeResource>; requests: Set<ComputeResource> }) {
  const spec = (limitRange.object as Record<string, unknown>).spec;
  const items = isRecord(spec) && Array.isArray(spec.limits) ? spec.limits : [];
  for (const item of items) {
    if (!isRecord(item) || item.type !== 'Container') {
      continue;
    }
    addKeys(into.limits, item.default);
    addKeys(into.limits, item.max);
    addKeys(into.requests, item.defaultRequest);
    addKeys(into.requests, item.default);
    addKeys(into.requests, item.max);
    addKeys(into.requests, item.min);
  }
}

/**
 * Container defaults per namespace ('' for objects without a namespace, which share the apply-time
 * namespace with the LimitRanges of the same input). Build once per scan through ctx.memo.
 */
export function containerDefaultsByNamespace(inventory: Inventory): ReadonlyMap<string, ContainerDefaults> {
  const byNamespace = new Map<string, { limits: Set<ComputeResource>; requests: Set<ComputeResource> }>();
  for (const limitRange of inventory.ofKind('LimitRange', '')) {
    const key = limitRange.namespace ?? '';
    let entry = byNamespace.get(key);
    if (!entry) {
      entry = { limits: new Set(), requests: new Set() };
      byNamespace.set(key, entry);
    }
    defaultsOf(limitRange, entry);
  }
  return byNamespace;
}

/** How a container sets one resource in `limits` or `requests`. */
export type ResourceValueState = 'set' | 'missing' | 'zero' | 'invalid';

/**
 * 'set' when the value is a valid quantity above zero; 'missing' when absent or empty; 'zero' when
 * zero or negative (the kubelet treats a zero limit as no limit); 'invalid' when not a quantity.
 */
export function resourceValueState(value: string | number | undefined): ResourceValueState {
  if (value === undefined) {
    return 'missing';
  }
  if (typeof value === 'number') {
    return stateOf(value);
  }
  // The same few strings ('500m', '512Mi') recur across thousands of containers.
  let state = stateCache.get(value);
  if (state === undefined) {
    state = value.trim() === '' ? 'missing' : stateOf(value);
    if (stateCache.size >= STATE_CACHE_LIMIT) {
      stateCache.clear();
    }
    stateCache.set(value, state);
  }
  return state;
}

const STATE_CACHE_LIMIT = 4096;
const stateCache = new Map<string, ResourceValueState>();

function stateOf(value: string | number): ResourceValueState {
  const parsed = parseQuantity(value);
  if (!parsed.valid) {
    return 'invalid';
  }
  return parsed.value > 0 ? 'set' : 'zero';
}

/**
 * The pod-level resource list (`spec.resources.limits` / `.requests`, PodLevelResources, Kubernetes
 * 1.32+), which bounds all containers together. Only cpu and memory are supported there.
 */
export function podLevelResources(
  spec: Readonly<Record<string, unknown>>,
  kind: 'limits' | 'requests',
): Readonly<Record<string, string | number>> | undefined {
  const resources = spec.resources;
  if (!isRecord(resources)) {
    return undefined;
  }
  const list = resources[kind];
  return isRecord(list) ? (list as Record<string, string | number>) : undefined;
}
