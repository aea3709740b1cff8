/**
 * Helpers for checks over Azure resources: reading ARM properties with three outcomes (set,
 * absent, unknown), the common "property must have a value, the API default applies when it is
 * absent" rule, and `defineAzureCheck`, which fills in what every Azure check shares.
 *
 * Unknown means the input cannot say: a template expression Palisade cannot evaluate offline
 * (`reference()`, a parameter without value or default), or an export without properties
 * (`az resource list`). A check that meets an unknown value reports indeterminate, never pass.
 */
import { type AzureView, isUnresolved, type Resource, type Violation } from '#core';
import { sameId } from '#inventory';
import {
  type Check,
  type CheckContext,
  type CheckMeta,
  type CheckOutcome,
  indeterminate,
  notApplicable,
  PASS,
} from '../check.ts';

export type AzureResource = Resource & { readonly azure: AzureView };

export function isAzure(resource: Resource): resource is AzureResource {
  return resource.azure !== undefined;
}

export type Reading =
  | { readonly state: 'set'; readonly value: unknown }
  | { readonly state: 'absent' }
  | { readonly state: 'unknown'; readonly reason: string };

const NO_PROPERTIES =
  'the input has no properties for this resource (`az resource list` prints none); export it with `az resource show --ids <id>`, `az graph query` or `az <service> show`';

/** Parsed paths: checks read the same few hundred paths on every resource. */
const SEGMENTS = new Map<string, readonly (string | number)[]>();

function segmentsOf(path: string): readonly (string | number)[] {
  let cached = SEGMENTS.get(path);
  if (cached === undefined) {
    cached = parseSegments(path);
    if (SEGMENTS.size < 10_000) {
      SEGMENTS.set(path, cached);
    }
  }
  return cached;
}

function parseSegments(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const part of path.split('.')) {
    const match = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part);
    if (!match) {
      out.push(part);
      continue;
    }
    if (match[1]) {
      out.push(match[1]);
    }
    for (const index of match[2]?.matchAll(/\[(\d+)\]/g) ?? []) {
      out.push(Number(index[1]));
    }
  }
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Read a value from the ARM object: 'properties.networkAcls.defaultAction', 'sku.name',
 * 'properties.ingressProfiles[0].visibility'. JSON null counts as absent (ARM returns null for
 * unset properties). Property names match exactly first, then case-insensitively (ARM property
 * names are case-insensitive on input; templates are written by hand).
 */
export function read(azure: AzureView, path: string): Reading {
  if (azure.propertiesUnknown && (path === 'properties' || path.startsWith('properties.'))) {
    return { state: 'unknown', reason: azure.propertiesUnknownReason ?? NO_PROPERTIES };
  }
  let current: unknown = azure.arm;
  for (const segment of segmentsOf(path)) {
    if (isUnresolved(current)) {
      break;
    }
    if (typeof segment === 'number') {
      current = Array.isArray(current) ? current[segment] : undefined;
    } else if (isRecord(current)) {
      current = fieldOf(current, segment);
    } else {
      current = undefined;
    }
    if (current === undefined || current === null) {
      return { state: 'absent' };
    }
  }
  if (isUnresolved(current)) {
    return { state: 'unknown', reason: `${path} is ${current.expression}, which ${current.reason}` };
  }
  return current === undefined || current === null ? { state: 'absent' } : { state: 'set', value: current };
}

/** A property of an object: exact name first, then case-insensitively (ARM names are case-insensitive on input). */
export function fieldOf(object: Readonly<Record<string, unknown>>, key: string): unknown {
  if (key in object) {
    return object[key];
  }
  // Case-insensitive fallback; most keys differ in length and are skipped without lowercasing.
  const lower = key.toLowerCase();
  for (const k in object) {
    if (k.length === key.length && k.toLowerCase() === lower) {
      return object[k];
    }
  }
  return undefined;
}

/** The values of an array property, or a reading that says why there are none. */
export function readArray(azure: AzureView, path: string): Reading & { readonly items?: readonly unknown[] } {
  const reading = read(azure, path);
  if (reading.state !== 'set') {
    return reading;
  }
  return Array.isArray(reading.value) ? { ...reading, items: reading.value } : { state: 'absent' };
}

/** Text of a value for messages: strings quoted, the rest as JSON. */
export function show(value: unknown): string {
  return typeof value === 'string' ? `"${value}"` : JSON.stringify(value);
}

/** Case-insensitive string equality (ARM enum values are case-insensitive). */
export function sameText(value: unknown, expected: string): boolean {
  return typeof value === 'string' && value.toLowerCase() === expected.toLowerCase();
}

export interface PropertyRule {
  /** Path in the ARM object, 'properties.minimumTlsVersion'. */
  readonly path: string;
  readonly compliant: (value: unknown) => boolean;
  /** The compliant value(s), for messages: '"TLS1_2"', 'true', '"Disabled"'. */
  readonly expected: string;
  /** When the property is absent, ARM applies this default: whether it complies and what it is. */
  readonly absent: { readonly compliant: boolean; readonly meaning: string };
}

/** What ARM does when a rule's property is absent: whether that complies and what it means. */
export type AbsentDefault = PropertyRule['absent'];

/**
 * A rule that the property is one of the given texts, compared case-insensitively (ARM enum values
 * are case-insensitive). Messages quote the accepted values: `"Disabled"`, or for a list
 * `"Disabled" or "FtpsOnly"`.
 *
 * @example textRule('properties.publicNetworkAccess', 'Disabled', { compliant: false, meaning: 'the API default is "Enabled"' })
 */
export function textRule(path: string, expected: string | readonly string[], absent: AbsentDefault): PropertyRule {
  const accepted: readonly string[] = typeof expected === 'string' ? [expected] : expected;
  return {
    path,
    compliant: (value) => accepted.some((text) => sameText(value, text)),
    expected: accepted.map((text) => `"${text}"`).join(' or '),
    absent,
  };
}

/**
 * A rule that the property is the given boolean (strictly: the string "true" does not comply).
 * Messages show the expected value as `true` or `false`.
 *
 * @example boolRule('properties.enablePurgeProtection', true, { compliant: false, meaning: 'purge protection is off unless enabled' })
 */
export function boolRule(path: string, expected: boolean, absent: AbsentDefault): PropertyRule {
  return { path, compliant: (value) => value === expected, expected: String(expected), absent };
}

/** The outcome of one property rule: pass, fail with one violation, or indeterminate. */
export function checkProperty(azure: AzureView, rule: PropertyRule): CheckOutcome {
  return combine([propertyResult(azure, rule)]);
}

type RuleResult =
  | { readonly kind: 'ok' }
  | { readonly kind: 'bad'; readonly violation: Violation }
  | { readonly kind: 'unknown'; readonly reason: string; readonly path: string };

function propertyResult(azure: AzureView, rule: PropertyRule): RuleResult {
  const reading = read(azure, rule.path);
  const name = rule.path.replace(/^properties\./, '');
  if (reading.state === 'unknown') {
    return { kind: 'unknown', reason: reading.reason, path: rule.path };
  }
  if (reading.state === 'absent') {
    return rule.absent.compliant
      ? { kind: 'ok' }
      : {
          kind: 'bad',
          violation: {
            path: rule.path,
            message: `${name} is not set (${rule.absent.meaning}); set it to ${rule.expected}`,
          },
        };
  }
  return rule.compliant(reading.value)
    ? { kind: 'ok' }
    : {
        kind: 'bad',
        violation: {
          path: rule.path,
          message: `${name} is ${show(reading.value)}; it must be ${rule.expected}`,
          actual: reading.value,
        },
      };
}

/** Every rule must hold: fail on any violation; otherwise indeterminate when any is unknown. */
export function checkProperties(azure: AzureView, rules: readonly PropertyRule[]): CheckOutcome {
  return combine(rules.map((rule) => propertyResult(azure, rule)));
}

/** At least one rule must hold (for example "public access disabled, or a firewall denying by default"). */
export function checkAnyOf(azure: AzureView, rules: readonly PropertyRule[], summary: string): CheckOutcome {
  const results = rules.map((rule) => propertyResult(azure, rule));
  if (results.some((r) => r.kind === 'ok')) {
    return PASS;
  }
  const unknown = results.flatMap((r) => (r.kind === 'unknown' ? [r] : []));
  if (unknown.length > 0) {
    return indeterminate(
      [...new Set(unknown.map((r) => r.reason))].join('; '),
      unknown.map((r) => ({ path: r.path, message: r.reason })),
    );
  }
  const violations = results.flatMap((r) => (r.kind === 'bad' ? [r.violation] : []));
  const path = violations[0]?.path ?? rules[0]?.path ?? 'properties';
  return {
    status: 'fail',
    violations: [{ path, message: `${summary}: ${violations.map((v) => v.message).join(', and ')}` }],
  };
}

function combine(results: readonly RuleResult[]): CheckOutcome {
  const violations: Violation[] = [];
  const unknown: string[] = [];
  const unknownPaths: Violation[] = [];
  for (const result of results) {
    if (result.kind === 'bad') {
      violations.push(result.violation);
    } else if (result.kind === 'unknown') {
      unknown.push(result.reason);
      unknownPaths.push({ path: result.path, message: result.reason });
    }
  }
  if (violations.length > 0) {
    return { status: 'fail', violations };
  }
  if (unknown.length > 0) {
    return indeterminate([...new Set(unknown)].join('; '), unknownPaths);
  }
  return PASS;
}

export interface AzureCheckMeta extends Omit<CheckMeta, 'targets' | 'scope' | 'admission'> {
  /** ARM resource types the check reads (canonical casing). */
  readonly types: readonly string[];
  /** 'cluster' when the check also reads other resources from the inventory. Default 'object'. */
  readonly scope?: 'object' | 'cluster';
}

export interface AzureCheckDefinition {
  readonly meta: AzureCheckMeta;
  /** Return a reason when the check does not apply to this resource (a function app for an App Service check). */
  readonly appliesTo?: (resource: AzureResource) => string | undefined;
  evaluate(resource: AzureResource, ctx: CheckContext): CheckOutcome;
}

/** An Azure check: targets its ARM types, never runs at admission. */
export function defineAzureCheck(definition: AzureCheckDefinition): Check {
  const { types, scope = 'object', ...rest } = definition.meta;
  return {
    meta: { ...rest, targets: types.map((kind) => ({ kind })), scope, admission: false },
    evaluate(resource, ctx) {
      if (!isAzure(resource)) {
        return notApplicable('not an Azure resource');
      }
      const skip = definition.appliesTo?.(resource);
      return skip === undefined ? definition.evaluate(resource, ctx) : notApplicable(skip);
    },
  };
}

/**
 * Azure resources of a type in the inventory (canonical type casing). Computed once per scan: the
 * lookups below run once per resource, and an estate has hundreds of thousands of them.
 */
export function azureOfType(ctx: CheckContext, type: string): readonly AzureResource[] {
  return ctx.memo(memoKey('azure:type:', type), () => ctx.inventory.ofKind(type).filter(isAzure));
}

const MEMO_KEYS = new Map<string, Map<string, string>>();

/**
 * The memo key for a prefix and a type, built once and looked up by the two (literal) strings: a
 * key concatenated on every call costs a new string and a fresh hash per lookup, on every resource.
 */
export function memoKey(prefix: string, type: string): string {
  let byType = MEMO_KEYS.get(prefix);
  if (byType === undefined) {
    byType = new Map();
    MEMO_KEYS.set(prefix, byType);
  }
  let key = byType.get(type);
  if (key === undefined) {
    key = prefix + type;
    byType.set(type, key);
  }
  return key;
}

/** Resources of a type by lowercased id, once per scan. */
export function azureById(ctx: CheckContext, type: string): ReadonlyMap<string, AzureResource> {
  return ctx.memo(memoKey('azure:by-id:', type), () => {
    const map = new Map<string, AzureResource>();
    for (const r of azureOfType(ctx, type)) {
      const id = r.azure.id?.toLowerCase();
      if (id !== undefined && !map.has(id)) {
        map.set(id, r);
      }
    }
    return map;
  });
}

/**
 * Child resources of a parent in the inventory (a server's `Microsoft.Sql/servers/auditingSettings`,
 * a site's `Microsoft.Web/sites/config`): matched by the parent's id, or, for template resources
 * without a known id, by the parent's name.
 */
export function childrenOf(ctx: CheckContext, parent: AzureResource, childType: string): AzureResource[] {
  // Indexed once per scan: children that know their parent's id by that id, the others by the
  // parent's type and name (template resources).
  const index = ctx.memo(memoKey('azure:children:', childType), () => {
    const byId = new Map<string, AzureResource[]>();
    const byName = new Map<string, AzureResource[]>();
    for (const child of azureOfType(ctx, childType)) {
      const p = child.azure.parent;
      if (!p) {
        continue;
      }
      const [map, key] =
        p.id !== undefined ? [byId, p.id.toLowerCase()] : [byName, `${p.type.toLowerCase()}|${p.name.toLowerCase()}`];
      const list = map.get(key);
      if (list) {
        list.push(child);
      } else {
        map.set(key, [child]);
      }
    }
    return { byId, byName };
  });
  // Most parents have no children of most types: skip building lookup keys when the index is empty.
  if (index.byId.size === 0 && index.byName.size === 0) {
    return [];
  }
  const keys = lookupKeys(ctx, parent);
  const named = index.byName.size === 0 ? [] : (index.byName.get(keys.name) ?? []);
  if (keys.id === undefined) {
    return named;
  }
  const byId = index.byId.get(keys.id) ?? [];
  return named.length === 0 ? byId : [...byId, ...named];
}

/** A resource's lowercased id and `type|name` key, built once per scan (checks look up children of the same parent many times). */
function lookupKeys(ctx: CheckContext, resource: AzureResource): { readonly id?: string; readonly name: string } {
  const cache = ctx.memo('azure:lookup-keys', () => new WeakMap<AzureResource, { id?: string; name: string }>());
  let keys = cache.get(resource);
  if (keys === undefined) {
    const id = resource.azure.id?.toLowerCase();
    keys = {
      ...(id === undefined ? {} : { id }),
      name: `${resource.azure.type.toLowerCase()}|${resource.azure.name.toLowerCase()}`,
    };
    cache.set(resource, keys);
  }
  return keys;
}

/**
 * Extension resources that apply to a resource (`Microsoft.Insights/diagnosticSettings` on a vault,
 * `Microsoft.KubernetesConfiguration/extensions` on a connected cluster): matched by their scope.
 */
export function extensionsOf(ctx: CheckContext, target: AzureResource, extensionType: string): AzureResource[] {
  const id = target.azure.id?.toLowerCase();
  if (id === undefined) {
    return [];
  }
  const byScope = ctx.memo(memoKey('azure:extensions:', extensionType), () => {
    const map = new Map<string, AzureResource[]>();
    for (const r of azureOfType(ctx, extensionType)) {
      const scope = r.azure.scope?.toLowerCase();
      if (scope === undefined) {
        continue;
      }
      let list = map.get(scope);
      if (!list) {
        list = [];
        map.set(scope, list);
      }
      list.push(r);
    }
    return map;
  });
  return byScope.get(id) ?? [];
}

/** Whether a resource id points at the given resource (ARM ids compare case-insensitively). */
export function refersTo(id: unknown, target: AzureView): boolean {
  return sameId(id, target.id);
}

/** The last segment of an ARM id or resource name ('srv/db1' → 'db1'), ignoring a trailing slash. */
export function lastSegment(idOrName: string): string {
  return (
    idOrName
      .split('/')
      .filter((s) => s !== '')
      .pop() ?? idOrName
  );
}
