/**
 * The ARM template function table: every function with its arity, how it treats values that cannot
 * be known offline (`Unresolved`), and its semantics as the ARM template reference documents them.
 * Sources (one page per family):
 *   https://learn.microsoft.com/azure/azure-resource-manager/templates/template-functions-string
 *   https://learn.microsoft.com/azure/azure-resource-manager/templates/template-functions-array
 *   https://learn.microsoft.com/azure/azure-resource-manager/templates/template-functions-object
 *   https://learn.microsoft.com/azure/azure-resource-manager/templates/template-functions-comparison
 *   https://learn.microsoft.com/azure/azure-resource-manager/templates/template-functions-logical
 *   https://learn.microsoft.com/azure/azure-resource-manager/templates/template-functions-numeric
 *   https://learn.microsoft.com/azure/azure-resource-manager/templates/template-functions-lambda
 *   https://learn.microsoft.com/azure/azure-resource-manager/templates/template-functions-deployment
 *   https://learn.microsoft.com/azure/azure-resource-manager/templates/template-functions-resource
 *   https://learn.microsoft.com/azure/azure-resource-manager/templates/template-functions-scope
 *
 * Unresolved propagation. A function of mode `eager` returns an Unresolved (its expression: the whole
 * call) when any argument contains an Unresolved anywhere; `structural` only when an argument is
 * itself Unresolved (the function passes nested values through without reading them); `raw` and
 * `lazy` functions decide for themselves (`if`, `and`, `or`, `coalesce`, `concat`, `format`,
 * `createArray`, `createObject`, `copyIndex`, and the functions that read deployed state).
 */

import { isUnresolved, Unresolved } from '#core';

/** An error of template evaluation (a type mismatch, a missing property): ARM would fail the deployment. */
export class ArmError extends Error {}

export type ScopeKind = 'resourceGroup' | 'subscription' | 'managementGroup' | 'tenant';

/** The deployment the template is expanded for: the stand-ins of subscription(), resourceGroup(), tenant(). */
export interface DeploymentContext {
  subscriptionId: string;
  resourceGroupName: string;
  location: string | Unresolved;
  tenantId: string;
  deploymentName: string;
}

const ZERO_GUID = '00000000-0000-0000-0000-000000000000';

export const DEFAULT_CONTEXT: DeploymentContext = Object.freeze({
  subscriptionId: ZERO_GUID,
  resourceGroupName: 'resource-group',
  location: new Unresolved('resourceGroup().location', 'the resource group location is chosen at deployment time'),
  tenantId: ZERO_GUID,
  deploymentName: 'deployment',
});

/** What the deployment functions (`resourceGroup()`, `deployment()`, `resourceId()`...) see. */
export interface DeploymentInfo {
  readonly context: DeploymentContext;
  /** `deployment().name`: a nested deployment's name may be unknown. */
  readonly deploymentName: string | Unresolved;
  readonly scope: ScopeKind;
  readonly schema?: string;
  readonly contentVersion?: string;
}

/** The evaluation scope, as the functions see it. */
export interface FunctionHost {
  parameter(name: string): unknown;
  variable(name: string): unknown;
  copyIndex(loopName: string | undefined): number | Unresolved;
  lambdaVariable(name: string): unknown;
  readonly deployment: DeploymentInfo;
  /** Account for work; throws an ArmError once the evaluation budget is spent. */
  charge(units: number): void;
}

export interface CallContext {
  readonly host: FunctionHost;
  /** The text of the whole call (`uniqueString(resourceGroup().id)`), used as an Unresolved expression. */
  readonly text: string;
  /** The function name as written. */
  readonly name: string;
}

/** A `lambda('x', ...)` argument, only accepted by the lambda functions. */
export class LambdaValue {
  readonly params: readonly string[];
  readonly invoke: (args: readonly unknown[]) => unknown;
  constructor(params: readonly string[], invoke: (args: readonly unknown[]) => unknown) {
    this.params = params;
    this.invoke = invoke;
    Object.freeze(this);
  }
}

export type Thunk = () => unknown;

type Mode = 'eager' | 'structural' | 'raw';

export interface ValueFunction {
  readonly mode: Mode;
  readonly min: number;
  readonly max: number;
  /** Accepts LambdaValue arguments. */
  readonly lambdas?: boolean;
  readonly call: (args: readonly unknown[], ctx: CallContext) => unknown;
}

export interface LazyFunction {
  readonly mode: 'lazy';
  readonly min: number;
  readonly max: number;
  readonly call: (args: readonly Thunk[], ctx: CallContext) => unknown;
}

export type ArmFunction = ValueFunction | LazyFunction;

/** Longest string an expression may build: the size limit of a whole ARM template (4 MB). */
export const MAX_STRING_LENGTH = 4 * 1024 * 1024;
/** ARM's limit of iterations of a copy loop. */
export const MAX_COPY_COUNT = 800;
const MAX_VALUE_DEPTH = 256;

// ---------------------------------------------------------------------------------------------
// Values

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Assign without ever touching a prototype (`__proto__` is an ordinary key in templates). */
export function setKey(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
}

/** Own property lookup, exact first, then case-insensitive (ARM property names ignore case). */
export function getProperty(obj: Record<string, unknown>, name: string): { found: boolean; value: unknown } {
  if (Object.hasOwn(obj, name)) return { found: true, value: obj[name] };
  const lower = name.toLowerCase();
  for (const key of Object.keys(obj)) {
    if (key.toLowerCase() === lower) return { found: true, value: obj[key] };
  }
  return { found: false, value: undefined };
}

export function typeName(value: unknown): string {
  if (value === null || value === undefined) return 'Null';
  if (typeof value === 'string') return 'String';
  if (typeof value === 'number') return Number.isInteger(value) ? 'Integer' : 'Float';
  if (typeof value === 'boolean') return 'Boolean';
  if (Array.isArray(value)) return 'Array';
  if (isUnresolved(value)) return 'Unresolved';
  if (value instanceof LambdaValue) return 'Lambda';
  return 'Object';
}

/** Partial strings, with their segments (known text and unknown parts) when built by concat/format. */
const partials = new WeakMap<Unresolved, readonly (string | Unresolved)[] | null>();

/**
 * A string partly known: `kv-<uniqueString(resourceGroup().id)>`. Its `expression` is display text
 * (resolved parts as they are, unknown parts in angle brackets), not an expression.
 */
export function partialString(display: string, reason: string): Unresolved {
  const value = new Unresolved(display, reason);
  partials.set(value, null);
  return value;
}

/** True for the Unresolved values of `partialString`, whose `expression` is already display text. */
export function isPartialString(value: unknown): boolean {
  return isUnresolved(value) && partials.has(value);
}

/** Builds a string from known text and unknown parts: a string when all is known, else a partial string. */
class PartialBuilder {
  private readonly segments: (string | Unresolved)[] = [];
  private length = 0;
  private readonly ctx: CallContext;
  constructor(ctx: CallContext) {
    this.ctx = ctx;
  }
  text(value: string): void {
    if (value === '') return;
    const last = this.segments.length - 1;
    if (last >= 0 && typeof this.segments[last] === 'string') this.segments[last] += value;
    else this.segments.push(value);
    this.grow(value.length);
  }
  unknown(value: Unresolved): void {
    const inner = partials.get(value);
    if (inner) {
      for (const segment of inner) {
        if (typeof segment === 'string') this.text(segment);
        else this.unknown(segment);
      }
      return;
    }
    this.segments.push(value);
    this.grow(value.expression.length + 2);
  }
  private grow(n: number): void {
    this.length += n;
    checkLength(this.ctx, this.length);
  }
  result(): string | Unresolved {
    const first = this.segments.find(isUnresolved);
    if (!first) return (this.segments[0] as string | undefined) ?? '';
    const value = new Unresolved(this.segments.map(displayValue).join(''), first.reason);
    partials.set(value, this.segments);
    return value;
  }
}

/** Apply a text transformation to the known parts of a partial string (toLower of `ST<uniqueString(...)>`). */
function mapPartial(ctx: CallContext, value: Unresolved, transform: (s: string) => string): Unresolved {
  const segments = partials.get(value);
  if (!segments) return wrap(ctx, value);
  const builder = new PartialBuilder(ctx);
  for (const segment of segments) {
    if (typeof segment === 'string') builder.text(transform(segment));
    else builder.unknown(segment);
  }
  return builder.result() as Unresolved;
}

/** Renders a value for people: strings as they are, Unresolved as `<expression>`, the rest as JSON. */
export function displayValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (isUnresolved(value)) return partials.has(value) ? value.expression : `<${value.expression}>`;
  return serialize(value, undefined, true);
}

const unresolvedCache = new WeakMap<object, Unresolved | null>();

/** The first Unresolved inside a value (itself included), or undefined when the value is fully known. */
export function findUnresolved(value: unknown, depth = 0): Unresolved | undefined {
  if (isUnresolved(value)) return value;
  if (typeof value !== 'object' || value === null || value instanceof LambdaValue) return undefined;
  const cached = unresolvedCache.get(value);
  if (cached !== undefined) return cached ?? undefined;
  if (depth > MAX_VALUE_DEPTH) throw new ArmError(`value nested deeper than ${MAX_VALUE_DEPTH} levels`);
  let found: Unresolved | undefined;
  const items = Array.isArray(value) ? value : Object.values(value);
  for (const item of items) {
    found = findUnresolved(item, depth + 1);
    if (found) break;
  }
  unresolvedCache.set(value, found ?? null);
  return found;
}

/** Deep equality of determinate values: case-sensitive strings, arrays in order, objects by key set. */
export function deepEqual(a: unknown, b: unknown, host?: FunctionHost, depth = 0): boolean {
  if (depth > MAX_VALUE_DEPTH) throw new ArmError(`value nested deeper than ${MAX_VALUE_DEPTH} levels`);
  host?.charge(1);
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i], host, depth + 1)) return false;
    return true;
  }
  if (!isPlainObject(a) || !isPlainObject(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) {
    if (!Object.hasOwn(b, key) || !deepEqual(a[key], b[key], host, depth + 1)) return false;
  }
  return true;
}

/** Compact JSON, as `string()` renders objects and arrays; Unresolved rendered as `<expression>` when `display`. */
export function serialize(value: unknown, host?: FunctionHost, display = false): string {
  const parts: string[] = [];
  let length = 0;
  const push = (s: string) => {
    length += s.length;
    if (length > MAX_STRING_LENGTH) throw new ArmError('value is too large to convert to a string');
    parts.push(s);
  };
  const walk = (v: unknown, depth: number): void => {
    if (depth > MAX_VALUE_DEPTH) throw new ArmError(`value nested deeper than ${MAX_VALUE_DEPTH} levels`);
    host?.charge(1);
    if (v === null || v === undefined) push('null');
    else if (typeof v === 'string') push(JSON.stringify(v));
    else if (typeof v === 'number' || typeof v === 'boolean') push(String(v));
    else if (isUnresolved(v)) {
      if (!display) throw new ArmError(`cannot serialize an unresolved value (${v.expression})`);
      push(JSON.stringify(displayValue(v)));
    } else if (v instanceof LambdaValue) throw new ArmError('a lambda cannot be converted to a string');
    else if (Array.isArray(v)) {
      push('[');
      v.forEach((item, i) => {
        if (i > 0) push(',');
        walk(item, depth + 1);
      });
      push(']');
    } else if (typeof v === 'object') {
      push('{');
      let first = true;
      for (const [key, item] of Object.entries(v)) {
        if (!first) push(',');
        first = false;
        push(`${JSON.stringify(key)}:`);
        walk(item, depth + 1);
      }
      push('}');
    } else push(JSON.stringify(String(v)));
  };
  walk(value, 0);
  return parts.join('');
}

// ---------------------------------------------------------------------------------------------
// Argument helpers

function fail(ctx: CallContext, message: string): never {
  throw new ArmError(`${ctx.name}(): ${message}`);
}

function expectString(ctx: CallContext, value: unknown, what: string): string {
  if (typeof value !== 'string') fail(ctx, `${what} must be a String, got ${typeName(value)}`);
  return value;
}

function expectInt(ctx: CallContext, value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value))
    fail(ctx, `${what} must be an Integer, got ${typeName(value)}`);
  return value;
}

function expectBool(ctx: CallContext, value: unknown, what: string): boolean {
  if (typeof value !== 'boolean') fail(ctx, `${what} must be a Boolean, got ${typeName(value)}`);
  return value;
}

function expectArray(ctx: CallContext, value: unknown, what: string): readonly unknown[] {
  if (!Array.isArray(value)) fail(ctx, `${what} must be an Array, got ${typeName(value)}`);
  return value;
}

function expectObject(ctx: CallContext, value: unknown, what: string): Record<string, unknown> {
  if (!isPlainObject(value)) fail(ctx, `${what} must be an Object, got ${typeName(value)}`);
  return value;
}

function expectLambda(ctx: CallContext, value: unknown, what: string, maxParams: number): LambdaValue {
  if (!(value instanceof LambdaValue)) fail(ctx, `${what} must be a lambda, got ${typeName(value)}`);
  if (value.params.length < 1 || value.params.length > maxParams) {
    fail(ctx, `${what} must take 1 to ${maxParams} lambda variables, got ${value.params.length}`);
  }
  return value;
}

function checkLength(ctx: CallContext, length: number): void {
  if (length > MAX_STRING_LENGTH) fail(ctx, `the result would be longer than ${MAX_STRING_LENGTH} characters`);
  ctx.host.charge(1 + Math.floor(length / 64));
}

function safeInt(ctx: CallContext, value: number): number {
  if (!Number.isSafeInteger(value)) fail(ctx, 'integer overflow');
  return value;
}

/** A scalar as concat/join/format print it (.NET: booleans are `True`/`False`). */
function scalarText(ctx: CallContext, value: unknown, what: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (value === null || value === undefined) return '';
  return fail(ctx, `${what} must be a String, Integer or Boolean, got ${typeName(value)}`);
}

function wrap(ctx: CallContext, inner: Unresolved): Unresolved {
  return new Unresolved(ctx.text, inner.reason);
}

// ---------------------------------------------------------------------------------------------
// String comparison. less/greater compare strings culture-aware, as .NET does: the comparison
// docs show greater('A', 'a') = True and less('A', 'a') = False.

const collator = new Intl.Collator('en', { sensitivity: 'variant', caseFirst: 'lower' });

function compare(ctx: CallContext, a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'string' && typeof b === 'string') return collator.compare(a, b);
  return fail(ctx, `arguments must both be Integers or both Strings, got ${typeName(a)} and ${typeName(b)}`);
}

// ---------------------------------------------------------------------------------------------
// .NET composite formatting for format(): {index[,alignment][:formatString]}, {{ and }} escapes.

function formatNumber(ctx: CallContext, n: number, spec: string): string {
  if (spec === '' || /^[Gg]\d*$/.test(spec)) return String(n);
  const m = /^([DdNnXxFf])(\d{0,2})$/.exec(spec);
  if (m) {
    const letter = m[1]!;
    const precision = m[2] === '' ? undefined : Number(m[2]);
    switch (letter.toUpperCase()) {
      case 'D': {
        if (!Number.isInteger(n)) fail(ctx, `format 'D' needs an Integer`);
        const digits = String(Math.abs(n)).padStart(precision ?? 0, '0');
        return n < 0 ? `-${digits}` : digits;
      }
      case 'X': {
        if (!Number.isInteger(n)) fail(ctx, `format 'X' needs an Integer`);
        const hex = BigInt.asUintN(64, BigInt(n))
          .toString(16)
          .padStart(precision ?? 0, '0');
        return letter === 'X' ? hex.toUpperCase() : hex;
      }
      case 'N': {
        const digits = precision ?? 2;
        return new Intl.NumberFormat('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(
          n,
        );
      }
      default: {
        return n.toFixed(precision ?? 2);
      }
    }
  }
  if (/^0+$/.test(spec) && Number.isInteger(n)) {
    const digits = String(Math.abs(Math.round(n))).padStart(spec.length, '0');
    return n < 0 ? `-${digits}` : digits;
  }
  return fail(ctx, `unsupported numeric format '${spec}'`);
}

function formatItem(ctx: CallContext, value: unknown, spec: string, host: FunctionHost): string {
  if (typeof value === 'number') return formatNumber(ctx, value, spec);
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  return serialize(value, host);
}

function dotnetFormat(ctx: CallContext, format: string, args: readonly unknown[]): string | Unresolved {
  const out = new PartialBuilder(ctx);
  let i = 0;
  while (i < format.length) {
    const c = format[i]!;
    if (c === '{') {
      if (format[i + 1] === '{') {
        out.text('{');
        i += 2;
        continue;
      }
      const close = format.indexOf('}', i);
      if (close < 0) fail(ctx, 'the format string has an unclosed {');
      const item = /^(\d+)\s*(?:,\s*(-?\d+)\s*)?(?::(.*))?$/s.exec(format.slice(i + 1, close));
      if (!item) fail(ctx, `invalid format item '${format.slice(i, close + 1)}'`);
      const index = Number(item[1]);
      if (index >= args.length) fail(ctx, `format item {${index}} has no argument`);
      const arg = args[index];
      if (isUnresolved(arg)) {
        out.unknown(arg);
      } else {
        let text = formatItem(ctx, arg, item[3] ?? '', ctx.host);
        const align = item[2] === undefined ? 0 : Number(item[2]);
        if (Math.abs(align) > MAX_STRING_LENGTH) fail(ctx, 'alignment too large');
        if (align > 0) text = text.padStart(align);
        else if (align < 0) text = text.padEnd(-align);
        out.text(text);
      }
      i = close + 1;
      continue;
    }
    if (c === '}') {
      if (format[i + 1] === '}') {
        out.text('}');
        i += 2;
        continue;
      }
      fail(ctx, 'the format string has an unmatched }');
    }
    const next = format.slice(i).search(/[{}]/);
    const chunk = next < 0 ? format.slice(i) : format.slice(i, i + next);
    out.text(chunk);
    i += chunk.length;
  }
  return out.result();
}

// ---------------------------------------------------------------------------------------------
// Resource ids

function providerPath(ctx: CallContext, type: string, names: readonly unknown[]): string {
  const typeSegments = type.split('/');
  if (typeSegments.length < 2 || typeSegments.some((s) => s === '')) fail(ctx, `'${type}' is not a resource type`);
  const nameSegments = names.flatMap((n, i) => expectString(ctx, n, `resource name ${i + 1}`).split('/'));
  if (nameSegments.length !== typeSegments.length - 1) {
    fail(ctx, `resource type '${type}' needs ${typeSegments.length - 1} name segment(s), got ${nameSegments.length}`);
  }
  let path = `/providers/${typeSegments[0]}`;
  for (let i = 1; i < typeSegments.length; i++) path += `/${typeSegments[i]}/${nameSegments[i - 1]}`;
  return path;
}

export function subscriptionId(sub: string): string {
  return `/subscriptions/${sub}`;
}

export function resourceGroupId(sub: string, rg: string): string {
  return `/subscriptions/${sub}/resourceGroups/${rg}`;
}

/** Position of the resource type among the arguments: the first argument containing a '/'. */
function typePosition(ctx: CallContext, args: readonly unknown[], maxLeading: number): number {
  const at = args.findIndex((a) => typeof a === 'string' && a.includes('/'));
  if (at < 0) fail(ctx, 'no resource type (Namespace/type) among the arguments');
  if (at > maxLeading) fail(ctx, `at most ${maxLeading} argument(s) may come before the resource type`);
  for (let i = 0; i < at; i++) expectString(ctx, args[i], `argument ${i + 1}`);
  return at;
}

function resourceIdFn(args: readonly unknown[], ctx: CallContext): unknown {
  const at = typePosition(ctx, args, 2);
  const type = args[at] as string;
  const path = providerPath(ctx, type, args.slice(at + 1));
  const { context, scope } = ctx.host.deployment;
  if (at === 2) return resourceGroupId(args[0] as string, args[1] as string) + path;
  if (at === 1) return resourceGroupId(context.subscriptionId, args[0] as string) + path;
  if (scope === 'resourceGroup') return resourceGroupId(context.subscriptionId, context.resourceGroupName) + path;
  if (scope === 'subscription') return subscriptionId(context.subscriptionId) + path;
  return path;
}

function subscriptionResourceIdFn(args: readonly unknown[], ctx: CallContext): unknown {
  const at = typePosition(ctx, args, 1);
  const sub = at === 1 ? (args[0] as string) : ctx.host.deployment.context.subscriptionId;
  return subscriptionId(sub) + providerPath(ctx, args[at] as string, args.slice(at + 1));
}

// ---------------------------------------------------------------------------------------------
// JSON

function lenientJson(ctx: CallContext, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // ARM's JSON reader also accepts single-quoted strings ("{'one': 'a'}" in the base64 examples).
    let out = '';
    let i = 0;
    while (i < text.length) {
      const c = text[i]!;
      if (c === '"') {
        let j = i + 1;
        while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
        out += text.slice(i, j + 1);
        i = j + 1;
      } else if (c === "'") {
        let j = i + 1;
        let s = '';
        while (j < text.length && text[j] !== "'") {
          if (text[j] === '\\' && j + 1 < text.length) {
            s += text[j + 1] === "'" ? "'" : text.slice(j, j + 2);
            j += 2;
          } else {
            s += text[j] === '"' ? '\\"' : text[j];
            j++;
          }
        }
        out += `"${s}"`;
        i = j + 1;
      } else {
        out += c;
        i++;
      }
    }
    try {
      return JSON.parse(out);
    } catch (error) {
      return fail(ctx, `invalid JSON: ${(error as Error).message}`);
    }
  }
}

function base64Decode(ctx: CallContext, value: string): string {
  const clean = value.trim();
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 === 1) fail(ctx, 'invalid base64 input');
  return Buffer.from(clean, 'base64').toString('utf8');
}

// ---------------------------------------------------------------------------------------------
// Union and intersection

function unionObjects(ctx: CallContext, objects: readonly Record<string, unknown>[], depth: number): unknown {
  if (depth > MAX_VALUE_DEPTH) fail(ctx, 'objects nested too deeply');
  const result: Record<string, unknown> = {};
  for (const obj of objects) {
    for (const [key, value] of Object.entries(obj)) {
      ctx.host.charge(1);
      const existing = Object.hasOwn(result, key) ? result[key] : undefined;
      if (isPlainObject(existing) && isPlainObject(value)) {
        // Nested objects merge recursively; nested arrays are replaced (docs: the deep merge example).
        setKey(result, key, unionObjects(ctx, [existing, value], depth + 1));
      } else if (isUnresolved(existing) && isPlainObject(value)) {
        setKey(result, key, wrap(ctx, existing));
      } else {
        setKey(result, key, value);
      }
    }
  }
  return result;
}

function unionArrays(ctx: CallContext, arrays: readonly (readonly unknown[])[]): unknown {
  const result: unknown[] = [];
  for (const array of arrays) {
    for (const item of array) {
      const unknown = findUnresolved(item);
      if (unknown) return wrap(ctx, unknown);
      if (!result.some((r) => deepEqual(r, item, ctx.host))) result.push(item);
    }
  }
  return result;
}

/** min/max over integers given as arguments or as one array (no argument spreading: arrays may be large). */
function extreme(ctx: CallContext, args: readonly unknown[], better: (x: number, y: number) => boolean): number {
  const values = args.length === 1 && Array.isArray(args[0]) ? args[0] : args;
  if (values.length === 0) fail(ctx, 'needs at least one value');
  let best = expectInt(ctx, values[0], 'value 1');
  for (let i = 1; i < values.length; i++) {
    const v = expectInt(ctx, values[i], `value ${i + 1}`);
    if (better(v, best)) best = v;
  }
  return best;
}

// ---------------------------------------------------------------------------------------------
// Lambdas

function callLambda(ctx: CallContext, lambda: LambdaValue, args: readonly unknown[]): unknown {
  ctx.host.charge(1);
  return lambda.invoke(args.slice(0, lambda.params.length));
}

function lambdaBool(ctx: CallContext, value: unknown): boolean | Unresolved {
  if (isUnresolved(value)) return value;
  return expectBool(ctx, value, 'the lambda result');
}

// ---------------------------------------------------------------------------------------------
// The table

const INF = Number.POSITIVE_INFINITY;

function eager(min: number, max: number, call: ValueFunction['call']): ValueFunction {
  return { mode: 'eager', min, max, call };
}
function structural(min: number, max: number, call: ValueFunction['call'], lambdas = false): ValueFunction {
  return lambdas ? { mode: 'structural', min, max, call, lambdas } : { mode: 'structural', min, max, call };
}
function raw(min: number, max: number, call: ValueFunction['call']): ValueFunction {
  return { mode: 'raw', min, max, call };
}
function lazy(min: number, max: number, call: LazyFunction['call']): LazyFunction {
  return { mode: 'lazy', min, max, call };
}
/** A function whose value depends on deployed state, secrets or time: always Unresolved, arguments unread. */
function offline(reason: string): LazyFunction {
  return lazy(0, INF, (_args, ctx) => new Unresolved(ctx.text, reason));
}

const AZURE_CLOUD = Object.freeze({
  name: 'AzureCloud',
  gallery: 'https://gallery.azure.com/',
  graph: 'https://graph.windows.net/',
  portal: 'https://portal.azure.com',
  graphAudience: 'https://graph.windows.net/',
  activeDirectoryDataLake: 'https://datalake.azure.net/',
  batch: 'https://batch.core.windows.net/',
  media: 'https://rest.media.azure.net',
  sqlManagement: 'https://management.core.windows.net:8443/',
  vmImageAliasDoc:
    'https://raw.githubusercontent.com/Azure/azure-rest-api-specs/master/arm-compute/quickstart-templates/aliases.json',
  resourceManager: 'https://management.azure.com/',
  authentication: Object.freeze({
    loginEndpoint: 'https://login.microsoftonline.com/',
    audiences: Object.freeze(['https://management.core.windows.net/', 'https://management.azure.com/']),
    tenant: 'common',
    identityProvider: 'AAD',
  }),
  suffixes: Object.freeze({
    acrLoginServer: '.azurecr.io',
    azureDatalakeAnalyticsCatalogAndJob: 'azuredatalakeanalytics.net',
    azureDatalakeStoreFileSystem: 'azuredatalakestore.net',
    azureFrontDoorEndpointSuffix: 'azurefd.net',
    keyvaultDns: '.vault.azure.net',
    sqlServerHostname: '.database.windows.net',
    storage: 'core.windows.net',
  }),
});

const table: Record<string, ArmFunction> = {
  // --- deployment
  parameters: structural(1, 1, (a, ctx) => ctx.host.parameter(expectString(ctx, a[0], 'the parameter name'))),
  variables: structural(1, 1, (a, ctx) => ctx.host.variable(expectString(ctx, a[0], 'the variable name'))),
  lambdavariables: structural(1, 1, (a, ctx) =>
    ctx.host.lambdaVariable(expectString(ctx, a[0], 'the lambda variable name')),
  ),
  copyindex: raw(0, 2, (a, ctx) => {
    let loop: string | undefined;
    let offset = 0;
    for (const [i, arg] of a.entries()) {
      if (isUnresolved(arg)) return wrap(ctx, arg);
      if (i === 0 && typeof arg === 'string') loop = arg;
      else if (typeof arg === 'number' && Number.isInteger(arg) && i === a.length - 1) offset = arg;
      else fail(ctx, 'expects (loopName?, offset?)');
    }
    const index = ctx.host.copyIndex(loop);
    if (isUnresolved(index)) return new Unresolved(ctx.text, index.reason);
    return safeInt(ctx, index + offset);
  }),
  deployment: eager(0, 0, (_a, ctx) => {
    const d = ctx.host.deployment;
    const template: Record<string, unknown> = {};
    if (d.schema !== undefined) template.$schema = d.schema;
    if (d.contentVersion !== undefined) template.contentVersion = d.contentVersion;
    const result: Record<string, unknown> = {
      name: d.deploymentName,
      properties: {
        templateLink: new Unresolved(
          'deployment().properties.templateLink',
          'the template link exists only when the template is deployed from a URI',
        ),
        template,
        templateHash: new Unresolved('deployment().properties.templateHash', 'computed by ARM at deployment time'),
        parameters: {},
        mode: 'Incremental',
        provisioningState: 'Accepted',
      },
    };
    if (d.scope !== 'resourceGroup') {
      result.location = new Unresolved('deployment().location', 'the deployment location is chosen at deployment time');
    }
    return result;
  }),
  environment: eager(0, 0, () => AZURE_CLOUD),
  subscription: eager(0, 0, (_a, ctx) => {
    const c = ctx.host.deployment.context;
    return {
      id: subscriptionId(c.subscriptionId),
      subscriptionId: c.subscriptionId,
      tenantId: c.tenantId,
      displayName: new Unresolved('subscription().displayName', 'the subscription display name is not known offline'),
    };
  }),
  resourcegroup: eager(0, 0, (_a, ctx) => {
    const d = ctx.host.deployment;
    if (d.scope !== 'resourceGroup') fail(ctx, `not available in a ${d.scope}-level deployment`);
    return {
      id: resourceGroupId(d.context.subscriptionId, d.context.resourceGroupName),
      name: d.context.resourceGroupName,
      type: 'Microsoft.Resources/resourceGroups',
      location: d.context.location,
      managedBy: new Unresolved('resourceGroup().managedBy', 'the resource group manager is not known offline'),
      tags: new Unresolved('resourceGroup().tags', 'the resource group tags are not known offline'),
      properties: { provisioningState: 'Succeeded' },
    };
  }),
  tenant: eager(0, 0, (_a, ctx) => {
    const c = ctx.host.deployment.context;
    return {
      countryCode: new Unresolved('tenant().countryCode', 'the tenant country is not known offline'),
      displayName: new Unresolved('tenant().displayName', 'the tenant name is not known offline'),
      id: `/tenants/${c.tenantId}`,
      tenantId: c.tenantId,
    };
  }),
  managementgroup: offline('the management group is not part of the deployment context'),

  // --- resource ids
  resourceid: eager(2, INF, resourceIdFn),
  subscriptionresourceid: eager(2, INF, subscriptionResourceIdFn),
  tenantresourceid: eager(2, INF, (a, ctx) => {
    const type = expectString(ctx, a[0], 'the resource type');
    return providerPath(ctx, type, a.slice(1));
  }),
  extensionresourceid: eager(3, INF, (a, ctx) => {
    const base = expectString(ctx, a[0], 'the resource id').replace(/\/+$/, '');
    return base + providerPath(ctx, expectString(ctx, a[1], 'the resource type'), a.slice(2));
  }),
  managementgroupresourceid: offline('the management group is not part of the deployment context'),

  // --- deployed state, secrets, time, undocumented hashes
  reference: offline('reference() reads the runtime state of a deployed resource'),
  list: offline('list*() reads keys or secrets of a deployed resource'),
  pickzones: offline('pickZones() depends on the zones of the region at deployment time'),
  providers: offline('providers() reads resource provider metadata at deployment time'),
  newguid: offline('newGuid() returns a new random GUID at each deployment'),
  utcnow: offline('utcNow() returns the time of the deployment'),
  uniquestring: offline('uniqueString() is a hash whose algorithm Microsoft does not document'),
  guid: offline('guid() is a hash whose algorithm Microsoft does not document'),
  resourceinfo: offline('resourceInfo() resolves a resource at deployment time'),
  deployer: offline('deployer() is the identity running the deployment'),
  datetimeadd: offline('date-time functions are not evaluated offline'),
  datetimefromepoch: offline('date-time functions are not evaluated offline'),
  datetimetoepoch: offline('date-time functions are not evaluated offline'),

  // --- logical
  if: lazy(3, 3, (a, ctx) => {
    const condition = a[0]!();
    if (isUnresolved(condition)) return wrap(ctx, condition);
    return expectBool(ctx, condition, 'the condition') ? a[1]!() : a[2]!();
  }),
  and: lazy(2, INF, (a, ctx) => {
    let unknown: Unresolved | undefined;
    for (const [i, thunk] of a.entries()) {
      const value = thunk();
      if (isUnresolved(value)) unknown ??= value;
      else if (!expectBool(ctx, value, `argument ${i + 1}`)) return false;
    }
    return unknown ? wrap(ctx, unknown) : true;
  }),
  or: lazy(2, INF, (a, ctx) => {
    let unknown: Unresolved | undefined;
    for (const [i, thunk] of a.entries()) {
      const value = thunk();
      if (isUnresolved(value)) unknown ??= value;
      else if (expectBool(ctx, value, `argument ${i + 1}`)) return true;
    }
    return unknown ? wrap(ctx, unknown) : false;
  }),
  not: eager(1, 1, (a, ctx) => !expectBool(ctx, a[0], 'the argument')),
  bool: eager(1, 1, (a, ctx) => {
    const v = a[0];
    if (typeof v === 'boolean') return v;
    if (typeof v === 'number' && Number.isInteger(v)) return v !== 0;
    if (typeof v === 'string') {
      const lower = v.trim().toLowerCase();
      if (lower === 'true') return true;
      if (lower === 'false') return false;
    }
    return fail(ctx, `cannot convert ${typeName(v)} ${JSON.stringify(v)} to a Boolean`);
  }),
  true: eager(0, 0, () => true),
  false: eager(0, 0, () => false),
  null: eager(0, 0, () => null),

  // --- comparison
  coalesce: lazy(1, INF, (a, ctx) => {
    for (const thunk of a) {
      const value = thunk();
      if (isUnresolved(value)) return wrap(ctx, value);
      if (value !== null && value !== undefined) return value;
    }
    return null;
  }),
  equals: eager(2, 2, (a, ctx) => deepEqual(a[0], a[1], ctx.host)),
  less: eager(2, 2, (a, ctx) => compare(ctx, a[0], a[1]) < 0),
  lessorequals: eager(2, 2, (a, ctx) => compare(ctx, a[0], a[1]) <= 0),
  greater: eager(2, 2, (a, ctx) => compare(ctx, a[0], a[1]) > 0),
  greaterorequals: eager(2, 2, (a, ctx) => compare(ctx, a[0], a[1]) >= 0),

  // --- conversions
  int: eager(1, 1, (a, ctx) => {
    const v = a[0];
    if (typeof v === 'number') return safeInt(ctx, Math.trunc(v));
    if (typeof v === 'string' && /^\s*[+-]?\d+\s*$/.test(v)) return safeInt(ctx, Number(v.trim()));
    return fail(ctx, `cannot convert ${typeName(v)} ${JSON.stringify(v)} to an Integer`);
  }),
  string: eager(1, 1, (a, ctx) => {
    const v = a[0];
    if (typeof v === 'string') return v;
    if (typeof v === 'boolean') return v ? 'True' : 'False';
    if (typeof v === 'number') return String(v);
    if (v === null || v === undefined) return '';
    return serialize(v, ctx.host);
  }),
  json: eager(1, 1, (a, ctx) => lenientJson(ctx, expectString(ctx, a[0], 'the argument'))),
  array: structural(1, 1, (a) => (Array.isArray(a[0]) ? a[0] : [a[0]])),
  createarray: raw(0, INF, (a) => [...a]),
  createobject: raw(0, INF, (a, ctx) => {
    if (a.length % 2 !== 0) fail(ctx, 'expects an even number of arguments (key, value, ...)');
    const result: Record<string, unknown> = {};
    for (let i = 0; i < a.length; i += 2) {
      const key = a[i];
      if (isUnresolved(key)) return wrap(ctx, key);
      setKey(result, expectString(ctx, key, `key ${i / 2 + 1}`), a[i + 1]);
    }
    return result;
  }),
  base64: eager(1, 1, (a, ctx) => Buffer.from(expectString(ctx, a[0], 'the argument'), 'utf8').toString('base64')),
  base64tostring: eager(1, 1, (a, ctx) => base64Decode(ctx, expectString(ctx, a[0], 'the argument'))),
  base64tojson: eager(1, 1, (a, ctx) => lenientJson(ctx, base64Decode(ctx, expectString(ctx, a[0], 'the argument')))),
  datauri: eager(1, 1, (a, ctx) => {
    const text = expectString(ctx, a[0], 'the argument');
    return `data:text/plain;charset=utf8;base64,${Buffer.from(text, 'utf8').toString('base64')}`;
  }),
  datauritostring: eager(1, 1, (a, ctx) => {
    const text = expectString(ctx, a[0], 'the argument');
    const m = /^data:[^,]*?(;base64)?,(.*)$/s.exec(text);
    if (!m) fail(ctx, 'not a data URI');
    return m[1] ? base64Decode(ctx, m[2]!) : decodeURIComponent(m[2]!);
  }),
  uri: eager(2, 2, (a, ctx) => {
    const base = expectString(ctx, a[0], 'the base URI');
    const relative = expectString(ctx, a[1], 'the relative URI');
    try {
      return new URL(relative, base).href;
    } catch {
      return fail(ctx, `cannot combine '${base}' and '${relative}'`);
    }
  }),
  // .NET Uri.EscapeDataString: everything but the RFC 3986 unreserved characters is escaped.
  uricomponent: eager(1, 1, (a, ctx) =>
    encodeURIComponent(expectString(ctx, a[0], 'the argument')).replace(
      /[!'()*]/g,
      (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
    ),
  ),
  uricomponenttostring: eager(1, 1, (a, ctx) => {
    try {
      return decodeURIComponent(expectString(ctx, a[0], 'the argument'));
    } catch {
      return fail(ctx, 'invalid URI-encoded string');
    }
  }),

  // --- strings (and arrays where the docs say so)
  concat: raw(1, INF, (a, ctx) => {
    const known = a.filter((v) => !isUnresolved(v));
    if (known.some((v) => Array.isArray(v))) {
      const first = a.find(isUnresolved);
      if (first) return wrap(ctx, first);
      const out: unknown[] = [];
      for (const [i, v] of a.entries()) {
        if (v === null) continue;
        const items = expectArray(ctx, v, `argument ${i + 1}`);
        ctx.host.charge(1 + items.length);
        for (const item of items) out.push(item);
      }
      return out;
    }
    if (known.length === 0) return wrap(ctx, a[0] as Unresolved);
    const out = new PartialBuilder(ctx);
    for (const [i, v] of a.entries()) {
      if (isUnresolved(v)) out.unknown(v);
      else out.text(scalarText(ctx, v, `argument ${i + 1}`));
    }
    return out.result();
  }),
  format: raw(1, INF, (a, ctx) => {
    const format = a[0];
    if (isUnresolved(format)) return wrap(ctx, format);
    return dotnetFormat(ctx, expectString(ctx, format, 'the format string'), a.slice(1));
  }),
  empty: structural(1, 1, (a, ctx) => {
    const v = a[0];
    if (v === null || v === undefined) return true;
    if (typeof v === 'string' || Array.isArray(v)) return v.length === 0;
    if (isPlainObject(v)) return Object.keys(v).length === 0;
    return fail(ctx, `expects an Array, Object or String, got ${typeName(v)}`);
  }),
  length: structural(1, 1, (a, ctx) => {
    const v = a[0];
    if (typeof v === 'string' || Array.isArray(v)) return v.length;
    if (isPlainObject(v)) return Object.keys(v).length;
    return fail(ctx, `expects an Array, Object or String, got ${typeName(v)}`);
  }),
  contains: structural(2, 2, (a, ctx) => {
    const [container, item] = a;
    const unknownItem = findUnresolved(item);
    if (unknownItem) return wrap(ctx, unknownItem);
    if (typeof container === 'string') return container.includes(scalarText(ctx, item, 'the item to find'));
    if (isPlainObject(container)) return getProperty(container, expectString(ctx, item, 'the key to find')).found;
    if (Array.isArray(container)) {
      let unknown: Unresolved | undefined;
      for (const element of container) {
        const u = findUnresolved(element);
        if (u) unknown ??= u;
        else if (deepEqual(element, item, ctx.host)) return true;
      }
      return unknown ? wrap(ctx, unknown) : false;
    }
    return fail(ctx, `expects an Array, Object or String, got ${typeName(container)}`);
  }),
  first: structural(1, 1, (a, ctx) => {
    const v = a[0];
    if (typeof v === 'string') return v.slice(0, 1);
    if (Array.isArray(v)) return v.length > 0 ? v[0] : null;
    return fail(ctx, `expects an Array or String, got ${typeName(v)}`);
  }),
  last: structural(1, 1, (a, ctx) => {
    const v = a[0];
    if (typeof v === 'string') return v.slice(-1);
    if (Array.isArray(v)) return v.length > 0 ? v[v.length - 1] : null;
    return fail(ctx, `expects an Array or String, got ${typeName(v)}`);
  }),
  skip: structural(2, 2, (a, ctx) => {
    const v = a[0];
    const n = Math.max(0, expectInt(ctx, a[1], 'the number to skip'));
    if (typeof v === 'string' || Array.isArray(v)) return v.slice(n);
    return fail(ctx, `expects an Array or String, got ${typeName(v)}`);
  }),
  take: structural(2, 2, (a, ctx) => {
    const v = a[0];
    const n = Math.max(0, expectInt(ctx, a[1], 'the number to take'));
    if (typeof v === 'string' || Array.isArray(v)) return v.slice(0, n);
    return fail(ctx, `expects an Array or String, got ${typeName(v)}`);
  }),
  split: eager(2, 2, (a, ctx) => {
    const s = expectString(ctx, a[0], 'the input string');
    const d = a[1];
    const delimiters = (Array.isArray(d) ? d : [d])
      .map((x, i) => expectString(ctx, x, `delimiter ${i + 1}`))
      .filter((x) => x.length > 0);
    ctx.host.charge(1 + Math.floor(s.length / 16));
    if (delimiters.length === 0) return [s];
    if (delimiters.length === 1) return s.split(delimiters[0]!);
    const parts: string[] = [];
    let start = 0;
    let i = 0;
    while (i < s.length) {
      const hit = delimiters.find((x) => s.startsWith(x, i));
      if (hit) {
        parts.push(s.slice(start, i));
        i += hit.length;
        start = i;
      } else i++;
    }
    parts.push(s.slice(start));
    return parts;
  }),
  join: eager(2, 2, (a, ctx) => {
    const items = expectArray(ctx, a[0], 'the input array');
    const delimiter = expectString(ctx, a[1], 'the delimiter');
    const out = items.map((x, i) => scalarText(ctx, x, `element ${i}`)).join(delimiter);
    checkLength(ctx, out.length);
    return out;
  }),
  replace: eager(3, 3, (a, ctx) => {
    const s = expectString(ctx, a[0], 'the original string');
    const oldValue = expectString(ctx, a[1], 'the string to replace');
    const newValue = expectString(ctx, a[2], 'the new string');
    if (oldValue === '') fail(ctx, 'the string to replace cannot be empty');
    const parts = s.split(oldValue);
    checkLength(ctx, s.length + (parts.length - 1) * (newValue.length - oldValue.length));
    return parts.join(newValue);
  }),
  substring: eager(1, 3, (a, ctx) => {
    const s = expectString(ctx, a[0], 'the string');
    const start = a.length > 1 ? expectInt(ctx, a[1], 'the start index') : 0;
    const length = a.length > 2 ? expectInt(ctx, a[2], 'the length') : s.length - start;
    if (start < 0 || length < 0 || start + length > s.length) {
      fail(
        ctx,
        `the index and length must refer to a location within the string (index ${start}, length ${length}, string length ${s.length})`,
      );
    }
    return s.slice(start, start + length);
  }),
  indexof: eager(2, 2, (a, ctx) => {
    if (Array.isArray(a[0])) return a[0].findIndex((x) => deepEqual(x, a[1], ctx.host));
    return expectString(ctx, a[0], 'the string to search')
      .toLowerCase()
      .indexOf(expectString(ctx, a[1], 'the string to find').toLowerCase());
  }),
  lastindexof: eager(2, 2, (a, ctx) => {
    if (Array.isArray(a[0])) return a[0].findLastIndex((x) => deepEqual(x, a[1], ctx.host));
    return expectString(ctx, a[0], 'the string to search')
      .toLowerCase()
      .lastIndexOf(expectString(ctx, a[1], 'the string to find').toLowerCase());
  }),
  startswith: eager(2, 2, (a, ctx) =>
    expectString(ctx, a[0], 'the string to search')
      .toLowerCase()
      .startsWith(expectString(ctx, a[1], 'the string to find').toLowerCase()),
  ),
  endswith: eager(2, 2, (a, ctx) =>
    expectString(ctx, a[0], 'the string to search')
      .toLowerCase()
      .endsWith(expectString(ctx, a[1], 'the string to find').toLowerCase()),
  ),
  // toLower/toUpper keep a partly known string partly known: toLower('ST<uniqueString(...)>').
  tolower: raw(1, 1, (a, ctx) =>
    isUnresolved(a[0])
      ? mapPartial(ctx, a[0], (s) => s.toLowerCase())
      : expectString(ctx, a[0], 'the argument').toLowerCase(),
  ),
  toupper: raw(1, 1, (a, ctx) =>
    isUnresolved(a[0])
      ? mapPartial(ctx, a[0], (s) => s.toUpperCase())
      : expectString(ctx, a[0], 'the argument').toUpperCase(),
  ),
  trim: eager(1, 1, (a, ctx) => expectString(ctx, a[0], 'the argument').trim()),
  padleft: eager(2, 3, (a, ctx) => {
    const v = a[0];
    const s = typeof v === 'number' && Number.isInteger(v) ? String(v) : expectString(ctx, v, 'the value to pad');
    const total = expectInt(ctx, a[1], 'the total length');
    const pad = a.length > 2 ? expectString(ctx, a[2], 'the padding character') : ' ';
    if ([...pad].length !== 1) fail(ctx, 'the padding character must be a single character');
    checkLength(ctx, total);
    return s.padStart(total, pad);
  }),

  // --- arrays and objects
  union: structural(1, INF, (a, ctx) => {
    const values = a.filter((v) => v !== null && v !== undefined);
    if (values.length === 0) return null;
    if (values.every(isPlainObject)) return unionObjects(ctx, values, 0);
    if (values.every((v) => Array.isArray(v))) return unionArrays(ctx, values);
    return fail(ctx, 'arguments must all be Arrays or all Objects');
  }),
  intersection: eager(2, INF, (a, ctx) => {
    if (a.every(isPlainObject)) {
      const [first = {}, ...rest] = a;
      const result: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(first)) {
        if (rest.every((o) => Object.hasOwn(o, key) && deepEqual(o[key], value, ctx.host))) setKey(result, key, value);
      }
      return result;
    }
    if (a.every((v) => Array.isArray(v))) {
      const [first = [], ...rest] = a;
      const result: unknown[] = [];
      for (const item of first) {
        if (result.some((r) => deepEqual(r, item, ctx.host))) continue;
        if (rest.every((arr) => arr.some((x) => deepEqual(x, item, ctx.host)))) result.push(item);
      }
      return result;
    }
    return fail(ctx, 'arguments must all be Arrays or all Objects');
  }),
  range: eager(2, 2, (a, ctx) => {
    const start = expectInt(ctx, a[0], 'the start index');
    const count = expectInt(ctx, a[1], 'the count');
    if (count < 0 || count > 10000) fail(ctx, 'the count must be between 0 and 10000');
    if (start + count > 2147483647) fail(ctx, 'the sum of start index and count must not exceed 2147483647');
    ctx.host.charge(count);
    return Array.from({ length: count }, (_, i) => start + i);
  }),
  min: eager(1, INF, (a, ctx) => extreme(ctx, a, (x, y) => x < y)),
  max: eager(1, INF, (a, ctx) => extreme(ctx, a, (x, y) => x > y)),
  items: structural(1, 1, (a, ctx) => {
    const obj = expectObject(ctx, a[0], 'the argument');
    ctx.host.charge(Object.keys(obj).length);
    // The docs' items() example lists item001 before item002 although declared the other way: sorted by key.
    return Object.keys(obj)
      .sort((x, y) => (x < y ? -1 : x > y ? 1 : 0))
      .map((key) => ({ key, value: obj[key] }));
  }),
  objectkeys: structural(1, 1, (a, ctx) => Object.keys(expectObject(ctx, a[0], 'the argument'))),
  tryget: structural(2, INF, (a, ctx) => {
    let current: unknown = a[0];
    for (const key of a.slice(1)) {
      if (isUnresolved(current)) return wrap(ctx, current);
      if (isUnresolved(key)) return wrap(ctx, key);
      if (current === null || current === undefined) return null;
      if (isPlainObject(current) && typeof key === 'string') {
        const p = getProperty(current, key);
        current = p.found ? p.value : null;
      } else if (Array.isArray(current) && typeof key === 'number') {
        current = key >= 0 && key < current.length ? current[key] : null;
      } else {
        return null;
      }
    }
    return current ?? null;
  }),
  shallowmerge: structural(1, 1, (a, ctx) => {
    const result: Record<string, unknown> = {};
    for (const [i, obj] of expectArray(ctx, a[0], 'the argument').entries()) {
      if (obj === null) continue;
      if (isUnresolved(obj)) return wrap(ctx, obj);
      for (const [k, v] of Object.entries(expectObject(ctx, obj, `element ${i}`))) setKey(result, k, v);
    }
    return result;
  }),
  flatten: structural(1, 1, (a, ctx) => {
    const out: unknown[] = [];
    for (const [i, inner] of expectArray(ctx, a[0], 'the argument').entries()) {
      if (isUnresolved(inner)) return wrap(ctx, inner);
      if (inner === null) continue;
      const items = expectArray(ctx, inner, `element ${i}`);
      ctx.host.charge(1 + items.length);
      for (const item of items) out.push(item);
    }
    return out;
  }),

  // --- numeric
  add: eager(2, 2, (a, ctx) => safeInt(ctx, expectInt(ctx, a[0], 'operand 1') + expectInt(ctx, a[1], 'operand 2'))),
  sub: eager(2, 2, (a, ctx) => safeInt(ctx, expectInt(ctx, a[0], 'operand 1') - expectInt(ctx, a[1], 'operand 2'))),
  mul: eager(2, 2, (a, ctx) => safeInt(ctx, expectInt(ctx, a[0], 'operand 1') * expectInt(ctx, a[1], 'operand 2'))),
  div: eager(2, 2, (a, ctx) => {
    const divisor = expectInt(ctx, a[1], 'the divisor');
    if (divisor === 0) fail(ctx, 'division by zero');
    return safeInt(ctx, Math.trunc(expectInt(ctx, a[0], 'the dividend') / divisor) || 0);
  }),
  mod: eager(2, 2, (a, ctx) => {
    const divisor = expectInt(ctx, a[1], 'the divisor');
    if (divisor === 0) fail(ctx, 'division by zero');
    return expectInt(ctx, a[0], 'the dividend') % divisor || 0;
  }),

  // --- lambdas
  filter: structural(
    2,
    2,
    (a, ctx) => {
      const items = expectArray(ctx, a[0], 'the input array');
      const lambda = expectLambda(ctx, a[1], 'the predicate', 2);
      const out: unknown[] = [];
      for (const [i, item] of items.entries()) {
        const keep = lambdaBool(ctx, callLambda(ctx, lambda, [item, i]));
        if (isUnresolved(keep)) return wrap(ctx, keep);
        if (keep) out.push(item);
      }
      return out;
    },
    true,
  ),
  map: structural(
    2,
    2,
    (a, ctx) => {
      const items = expectArray(ctx, a[0], 'the input array');
      const lambda = expectLambda(ctx, a[1], 'the mapping', 2);
      return items.map((item, i) => callLambda(ctx, lambda, [item, i]));
    },
    true,
  ),
  reduce: structural(
    3,
    3,
    (a, ctx) => {
      const items = expectArray(ctx, a[0], 'the input array');
      const lambda = expectLambda(ctx, a[2], 'the reducer', 3);
      let acc = a[1];
      for (const [i, item] of items.entries()) acc = callLambda(ctx, lambda, [acc, item, i]);
      return acc;
    },
    true,
  ),
  sort: structural(
    2,
    2,
    (a, ctx) => {
      const items = [...expectArray(ctx, a[0], 'the input array')];
      const lambda = expectLambda(ctx, a[1], 'the comparer', 2);
      if (lambda.params.length !== 2) fail(ctx, 'the comparer takes two lambda variables');
      let unknown: Unresolved | undefined;
      // "If true, the second element will be ordered after the first": a less-than predicate.
      const before = (x: unknown, y: unknown): boolean => {
        const r = lambdaBool(ctx, callLambda(ctx, lambda, [x, y]));
        if (isUnresolved(r)) {
          unknown ??= r;
          return false;
        }
        return r;
      };
      items.sort((x, y) => (before(x, y) ? -1 : before(y, x) ? 1 : 0));
      return unknown ? wrap(ctx, unknown) : items;
    },
    true,
  ),
  toobject: structural(
    2,
    3,
    (a, ctx) => {
      const items = expectArray(ctx, a[0], 'the input array');
      const keyOf = expectLambda(ctx, a[1], 'the key lambda', 1);
      const valueLambda = a.length > 2 ? expectLambda(ctx, a[2], 'the value lambda', 1) : undefined;
      const result: Record<string, unknown> = {};
      for (const item of items) {
        const key = callLambda(ctx, keyOf, [item]);
        if (isUnresolved(key)) return wrap(ctx, key);
        setKey(result, expectString(ctx, key, 'a key'), valueLambda ? callLambda(ctx, valueLambda, [item]) : item);
      }
      return result;
    },
    true,
  ),
  mapvalues: structural(
    2,
    2,
    (a, ctx) => {
      const obj = expectObject(ctx, a[0], 'the input object');
      const lambda = expectLambda(ctx, a[1], 'the mapping', 1);
      const result: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(obj)) setKey(result, k, callLambda(ctx, lambda, [v]));
      return result;
    },
    true,
  ),
  groupby: structural(
    2,
    2,
    (a, ctx) => {
      const items = expectArray(ctx, a[0], 'the input array');
      const lambda = expectLambda(ctx, a[1], 'the key lambda', 1);
      const result: Record<string, unknown[]> = {};
      for (const item of items) {
        const key = callLambda(ctx, lambda, [item]);
        if (isUnresolved(key)) return wrap(ctx, key);
        const k = expectString(ctx, key, 'a group key');
        const group = Object.hasOwn(result, k) ? result[k]! : [];
        if (group.length === 0) setKey(result, k, group);
        group.push(item);
      }
      return result;
    },
    true,
  ),
};

/** Names of the built-in functions (lower case), `list*` standing for every `list...` function. */
export const FUNCTION_NAMES: readonly string[] = Object.freeze(
  Object.keys(table).map((n) => (n === 'list' ? 'list*' : n)),
);

/** The built-in function of that name (case-insensitive), or undefined. */
export function lookupFunction(name: string): ArmFunction | undefined {
  const lower = name.toLowerCase();
  if (Object.hasOwn(table, lower)) return table[lower];
  if (lower.startsWith('list')) return table.list;
  return undefined;
}

/** Arity check: a message when the argument count does not fit, else undefined. */
export function arityError(fn: ArmFunction, name: string, count: number): string | undefined {
  if (count >= fn.min && count <= fn.max) return undefined;
  const expected = fn.min === fn.max ? `${fn.min}` : fn.max === INF ? `at least ${fn.min}` : `${fn.min} to ${fn.max}`;
  return `${name}() expects ${expected} argument(s), got ${count}`;
}

/**
 * Call a built-in function: arity check, Unresolved propagation according to its mode, lambda
 * arguments only where accepted. `args` are thunks so that lazy functions evaluate what they need.
 */
export function callFunction(fn: ArmFunction, args: readonly Thunk[], ctx: CallContext): unknown {
  const arity = arityError(fn, ctx.name, args.length);
  if (arity) throw new ArmError(arity);
  if (fn.mode === 'lazy') return fn.call(args, ctx);
  const values = args.map((thunk) => thunk());
  for (const v of values) {
    if (v instanceof LambdaValue && !fn.lambdas) {
      throw new ArmError(
        `${ctx.name}(): a lambda is only accepted by filter, map, reduce, sort, toObject, mapValues and groupBy`,
      );
    }
  }
  if (fn.mode === 'eager') {
    for (const v of values) {
      const u = findUnresolved(v);
      if (u) return wrap(ctx, u);
    }
  } else if (fn.mode === 'structural') {
    for (const v of values) if (isUnresolved(v)) return wrap(ctx, v);
  }
  return fn.call(values, ctx);
}
