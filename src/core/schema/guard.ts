/**
 * compileGuard: a fast, non-copying validity test compiled from a zod schema.
 *
 * zod parses by building a new object, which costs several times a JSON.parse on large inputs
 * (20,000 pod specs). The guard walks the value in place and answers only "would zod accept
 * this?"; callers use the value as is when it would, and ask zod itself for the issues when it
 * would not. The schema stays the single source of truth: the guard is derived from its
 * definition, and a test proves both agree. Schema features the guard does not know fall back to
 * zod for that subtree, so the answer is always zod's.
 *
 * Code generation. Like ajv, the guard is straight-line JavaScript generated once per schema and
 * compiled with `new Function`: an object shape becomes direct property reads and type tests, an
 * array an indexed `for` loop, a record a `for...in` over its own keys, a union a chain of labelled
 * blocks, so checking a value costs no call per node and no iteration over schema entries. Every
 * check is emitted as statements that run `fail` (`return false`, or `break` out of a union
 * option's block) on rejection and fall through on acceptance.
 *
 * Why `new Function` is safe here: the source is generated only from our own schema definitions
 * (types, shape keys, literal and enum values, check bounds), never from the input being checked.
 * Every key and literal string is emitted through JSON.stringify (a valid JS string literal for any
 * string), numbers through a formatter that handles NaN, ±Infinity and -0, and everything else
 * (regexes, Sets, zod fallbacks, sub-guards) is passed in as a closure argument, never as source.
 *
 * Size: a shape repeated in the tree (PodSpec's Container three times), anything nested deeper
 * than MAX_DEPTH, everything once a function has MAX_NODES nodes, and recursive references are
 * compiled as separate guards (cached per schema) and called, so code size stays linear in the
 * schema.
 */
import { z } from 'zod';

export type Guard = (value: unknown) => boolean;

type CheckDef = Readonly<Record<string, unknown>>;

interface Def {
  readonly type: string;
  readonly shape?: Record<string, z.ZodType>;
  readonly catchall?: z.ZodType;
  readonly element?: z.ZodType;
  readonly innerType?: z.ZodType;
  readonly options?: readonly z.ZodType[];
  readonly keyType?: z.ZodType;
  readonly valueType?: z.ZodType;
  readonly values?: readonly unknown[];
  readonly entries?: Record<string, unknown>;
  readonly checks?: readonly { readonly _zod: { readonly def: CheckDef } }[];
  /** Set when the schema is itself a check (z.email(), z.int()): its def doubles as a check def. */
  readonly check?: string;
  readonly coerce?: boolean;
  readonly inclusive?: boolean;
  readonly discriminator?: PropertyKey;
  readonly unionFallback?: boolean;
  readonly mode?: string;
}

interface Internals {
  readonly def: Def;
  readonly traits: ReadonlySet<string>;
  readonly optin?: string;
  readonly optout?: string;
  readonly propValues?: Record<PropertyKey, ReadonlySet<unknown>>;
}

function zodOf(schema: z.ZodType): Internals {
  return (schema as unknown as { _zod: Internals })._zod;
}

function defOf(schema: z.ZodType): Def {
  return zodOf(schema).def;
}

/** zod's default `when` for length checks (run on any value with a length): always true for a string or array. */
const LENGTH_WHEN = defOf(z.string().min(0)).checks?.[0]?._zod.def.when;

const cache = new WeakMap<z.ZodType, Guard>();

/** Schemas being compiled right now, with a cell their recursive references call through. */
const compiling = new Map<z.ZodType, { guard?: Guard }>();
/** Guards compiled during the outermost compileGuard call, and whether a recursive reference was met. */
let session: { guards: Guard[]; recursive: boolean } | undefined;

export function compileGuard(schema: z.ZodType): Guard {
  const cached = cache.get(schema);
  if (cached) {
    return cached;
  }
  const cell = compiling.get(schema);
  if (cell) {
    // A schema that contains itself (a getter in its shape): call through the cell, filled below.
    if (session) {
      session.recursive = true;
    }
    return (value) => (cell.guard as Guard)(value);
  }
  const outermost = session === undefined;
  if (outermost) {
    session = { guards: [], recursive: false };
  }
  const own: { guard?: Guard } = {};
  compiling.set(schema, own);
  try {
    const compiled = generate(schema);
    own.guard = compiled;
    cache.set(schema, compiled);
    session?.guards.push(compiled);
    if (outermost && session?.recursive && session.guards.some((g) => INEXACT.has(g))) {
      // Inexactness flows through recursive references in ways the per-guard flags cannot see:
      // be conservative and let zod parse the whole recursive family.
      for (const g of session.guards) {
        INEXACT.add(g);
      }
    }
    return compiled;
  } finally {
    compiling.delete(schema);
    if (outermost) {
      session = undefined;
    }
  }
}

/** Guards that ask zod for some subtree: zod may transform there, so their value is not zod's output. */
const INEXACT = new WeakSet<Guard>();

function fallback(schema: z.ZodType): Guard {
  const guard: Guard = (value) => schema.safeParse(value).success;
  INEXACT.add(guard);
  return guard;
}

export type ParseResult<T> =
  | { readonly success: true; readonly data: T }
  | { readonly success: false; readonly error: z.ZodError };

/**
 * A safeParse that does not copy: when the guard accepts the value and the schema has nothing the
 * guard leaves to zod (transforms, defaults, lazy parts), `data` is the value itself, typed, and
 * still holding any keys the schema does not name (zod would strip them from a plain z.object).
 * Callers must not mutate it. Otherwise, and for every rejected value, it is zod's own result.
 */
export function compileParser<T>(schema: z.ZodType<T>): (value: unknown) => ParseResult<T> {
  const cached = parsers.get(schema);
  if (cached) {
    return cached as (value: unknown) => ParseResult<T>;
  }
  const guard = compileGuard(schema);
  const parser = INEXACT.has(guard)
    ? (value: unknown): ParseResult<T> => schema.safeParse(value)
    : (value: unknown): ParseResult<T> =>
        guard(value) ? { success: true, data: value as T } : schema.safeParse(value);
  parsers.set(schema, parser);
  return parser;
}

const parsers = new WeakMap<z.ZodType, (value: unknown) => ParseResult<unknown>>();

// ---------------------------------------------------------------------------------------------
// Runtime helpers the generated code receives as closure arguments (they mirror zod's own).

/** zod's util.isPlainObject, which z.record requires (objects accept anything non-null, non-array). */
function isPlainRecord(o: unknown): boolean {
  if (typeof o !== 'object' || o === null || Array.isArray(o)) {
    return false;
  }
  const ctor: unknown = (o as { constructor?: unknown }).constructor;
  if (ctor === undefined || typeof ctor !== 'function') {
    return true;
  }
  const prot: unknown = ctor.prototype;
  if (typeof prot !== 'object' || prot === null || Array.isArray(prot)) {
    return false;
  }
  return Object.hasOwn(prot, 'isPrototypeOf');
}

/** Whether an object has an own enumerable symbol key (a z.string() record key rejects it). */
function hasEnumerableSymbol(o: object): boolean {
  for (const s of Object.getOwnPropertySymbols(o)) {
    if (Object.prototype.propertyIsEnumerable.call(o, s)) {
      return true;
    }
  }
  return false;
}

/** String length in code points, as zod's length checks count it. */
function codePoints(s: string): number {
  const units = s.length;
  let count = units;
  for (let i = 0; i < units - 1; i++) {
    if ((s.charCodeAt(i) & 0xfc00) === 0xd800 && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      count--;
      i++;
    }
  }
  return count;
}

/** zod's getEnumValues: a native numeric enum's reverse-mapping keys are not values. */
function enumValues(entries: Record<string, unknown>): unknown[] {
  const numeric = Object.values(entries).filter((v) => typeof v === 'number');
  return Object.entries(entries)
    .filter(([k]) => !numeric.includes(+k))
    .map(([, v]) => v);
}

/** A discriminated union's option for a discriminator value, built on first use like zod's map. */
function discriminatorLookup(schema: z.ZodType): (value: unknown) => Guard | undefined {
  let map: Map<unknown, Guard | null> | undefined;
  const zodAnswer = fallback(schema);
  return (value) => {
    if (!map) {
      const def = defOf(schema);
      const built = new Map<unknown, Guard | null>();
      for (const option of def.options ?? []) {
        const values = zodOf(option).propValues?.[def.discriminator as PropertyKey];
        if (!values || values.size === 0) {
          return zodAnswer; // zod reports the malformed union itself
        }
        for (const v of values) {
          if (built.has(v)) {
            if (v !== undefined) {
              return zodAnswer;
            }
            built.set(v, null);
          } else {
            built.set(v, compileGuard(option));
          }
        }
      }
      map = built;
    }
    return map.get(value) ?? undefined;
  };
}

// ---------------------------------------------------------------------------------------------
// The generator.

const MAX_DEPTH = 6;
const MAX_NODES = 400;
/** A composite schema met more than once in the tree is compiled on its own when at least this big. */
const SHARE_MIN_NODES = 8;

const COMPOSITE = new Set(['object', 'array', 'record', 'union']);

interface Gen {
  readonly root: z.ZodType;
  readonly refs: unknown[];
  readonly refIds: Map<unknown, number>;
  readonly shared: ReadonlySet<z.ZodType>;
  inexact: boolean;
  nodes: number;
  names: number;
}

function ref(gen: Gen, value: unknown): string {
  let id = gen.refIds.get(value);
  if (id === undefined) {
    id = gen.refs.length;
    gen.refs.push(value);
    gen.refIds.set(value, id);
  }
  return `r${id}`;
}

function fresh(gen: Gen, prefix: string): string {
  return `${prefix}${gen.names++}`;
}

/** A JS literal for a primitive, or undefined when it has none (symbols). */
function literal(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return String(value);
    case 'undefined':
      return 'undefined';
    case 'bigint':
      return `${value}n`;
    case 'number':
      return Number.isNaN(value) ? undefined : Object.is(value, -0) ? '0' : String(value);
    default:
      return value === null ? 'null' : undefined;
  }
}

/** `v === a || v === b`, for SameValueZero membership like zod's Set.has; undefined when not expressible. */
function membership(v: string, values: readonly unknown[]): string | undefined {
  if (values.length === 0) {
    return 'false';
  }
  if (values.length > 8) {
    return undefined;
  }
  const parts: string[] = [];
  for (const value of values) {
    if (typeof value === 'number' && Number.isNaN(value)) {
      parts.push(`${v} !== ${v}`);
      continue;
    }
    const lit = literal(value);
    if (lit === undefined) {
      return undefined;
    }
    parts.push(`${v} === ${lit}`);
  }
  return parts.join(' || ');
}

function numberLiteral(n: number): string {
  return Number.isNaN(n) ? 'NaN' : Object.is(n, -0) ? '0' : String(n);
}

/** The checks of a def, with the def itself first when the schema is a check (z.int(), z.email()). */
function checksOf(def: Def): CheckDef[] {
  const out: CheckDef[] = def.check === undefined ? [] : [def as unknown as CheckDef];
  for (const check of def.checks ?? []) {
    out.push(check._zod.def);
  }
  return out;
}

const NUMBER_RANGES: Record<string, readonly [number, number, boolean]> = {
  safeint: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, true],
  int32: [-2147483648, 2147483647, true],
  uint32: [0, 4294967295, true],
  float32: [-3.4028234663852886e38, 3.4028234663852886e38, false],
  float64: [-Number.MAX_VALUE, Number.MAX_VALUE, false],
};

function isBound(n: unknown): n is number {
  return typeof n === 'number' && !Number.isNaN(n);
}

/** Length checks shared by strings (counted in code points, like zod) and arrays; null if unsupported. */
function lengthCheck(gen: Gen, c: CheckDef, v: string, fail: string, strings: boolean): string | null {
  if (c.when !== undefined && c.when !== LENGTH_WHEN) {
    return null;
  }
  const cp = strings ? ref(gen, codePoints) : '';
  if (c.check === 'min_length' && isBound(c.minimum)) {
    const min = numberLiteral(c.minimum);
    return strings
      ? `if (${v}.length < ${min} || (${v}.length < ${min} * 2 && ${cp}(${v}) < ${min})) ${fail};\n`
      : `if (${v}.length < ${min}) ${fail};\n`;
  }
  if (c.check === 'max_length' && isBound(c.maximum)) {
    const max = numberLiteral(c.maximum);
    return strings
      ? `if (${v}.length > ${max} && ${cp}(${v}) > ${max}) ${fail};\n`
      : `if (${v}.length > ${max}) ${fail};\n`;
  }
  if (c.check === 'length_equals' && isBound(c.length)) {
    const len = numberLiteral(c.length);
    return strings
      ? `if (${v}.length < ${len} || ${v}.length > ${len} * 2 || ${cp}(${v}) !== ${len}) ${fail};\n`
      : `if (${v}.length !== ${len}) ${fail};\n`;
  }
  return null;
}

function stringChecks(gen: Gen, def: Def, v: string, fail: string): string | null {
  let code = '';
  for (const c of checksOf(def)) {
    if (c.check === 'string_format' && c.format === 'regex' && c.pattern instanceof RegExp && c.when === undefined) {
      const re = ref(gen, c.pattern);
      code += `${re}.lastIndex = 0;\nif (!${re}.test(${v})) ${fail};\n`;
      continue;
    }
    const length = lengthCheck(gen, c, v, fail, true);
    if (length === null) {
      return null; // unknown check: let zod decide
    }
    code += length;
  }
  return code;
}

function numberChecks(def: Def, v: string, fail: string): string | null {
  let code = '';
  for (const c of checksOf(def)) {
    if (c.when !== undefined) {
      return null;
    }
    if (c.check === 'number_format' && typeof c.format === 'string' && Object.hasOwn(NUMBER_RANGES, c.format)) {
      const [min, max, integer] = NUMBER_RANGES[c.format] as readonly [number, number, boolean];
      const int = integer ? `!Number.isInteger(${v}) || ` : '';
      code += `if (${int}${v} < ${numberLiteral(min)} || ${v} > ${numberLiteral(max)}) ${fail};\n`;
    } else if ((c.check === 'greater_than' || c.check === 'less_than') && isBound(c.value)) {
      const op = c.check === 'greater_than' ? (c.inclusive ? '>=' : '>') : c.inclusive ? '<=' : '<';
      code += `if (!(${v} ${op} ${numberLiteral(c.value)})) ${fail};\n`;
    } else {
      return null;
    }
  }
  return code;
}

/** Whether the generated check accepts undefined: true, false, or null when it cannot tell. */
function acceptsUndefined(schema: z.ZodType, depth = 0): boolean | null {
  const internals = zodOf(schema);
  const def = internals.def;
  if (depth > 20 || def.checks?.length || def.check !== undefined || def.coerce) {
    return null;
  }
  switch (def.type) {
    case 'string':
    case 'number':
    case 'boolean':
    case 'object':
    case 'array':
    case 'record':
    case 'null':
      return false;
    case 'unknown':
    case 'any':
      return true;
    case 'literal':
      return (def.values ?? []).includes(undefined);
    case 'optional':
      return internals.traits.has('$ZodExactOptional') ? acceptsUndefined(def.innerType as z.ZodType, depth + 1) : true;
    case 'nullable':
      return acceptsUndefined(def.innerType as z.ZodType, depth + 1);
    case 'enum':
      return enumValues(def.entries ?? {}).includes(undefined);
    case 'union': {
      if (def.discriminator !== undefined || def.inclusive === false) {
        return null;
      }
      const answers = (def.options ?? []).map((o) => acceptsUndefined(o, depth + 1));
      return answers.includes(true) ? true : answers.every((a) => a === false) ? false : null;
    }
    default:
      return null;
  }
}

/** Code calling a separately compiled guard. */
function call(gen: Gen, guard: Guard, v: string, fail: string): string {
  if (INEXACT.has(guard)) {
    gen.inexact = true;
  }
  return `if (!${ref(gen, guard)}(${v})) ${fail};\n`;
}

function fallbackCode(gen: Gen, schema: z.ZodType, v: string, fail: string): string {
  return call(gen, fallback(schema), v, fail);
}

/**
 * Statements that run `fail` when the value in variable `v` is rejected and fall through when it
 * is accepted. `v` is always a plain local, so reading it repeatedly is free.
 */
function emit(gen: Gen, schema: z.ZodType, v: string, fail: string, depth: number): string {
  const internals = zodOf(schema);
  const def = internals.def;
  if (
    schema !== gen.root &&
    COMPOSITE.has(def.type) &&
    (gen.shared.has(schema) || depth > MAX_DEPTH || gen.nodes > MAX_NODES || compiling.has(schema))
  ) {
    return call(gen, compileGuard(schema), v, fail);
  }
  gen.nodes++;
  if (def.coerce) {
    return fallbackCode(gen, schema, v, fail);
  }
  // Only strings, numbers and arrays have checks we know; a refine anywhere else is zod's.
  if ((def.checks?.length || def.check !== undefined) && !['string', 'number', 'array'].includes(def.type)) {
    return fallbackCode(gen, schema, v, fail);
  }
  switch (def.type) {
    case 'string': {
      const checks = stringChecks(gen, def, v, fail);
      return checks === null ? fallbackCode(gen, schema, v, fail) : `if (typeof ${v} !== "string") ${fail};\n${checks}`;
    }
    case 'number': {
      const checks = numberChecks(def, v, fail);
      return checks === null
        ? fallbackCode(gen, schema, v, fail)
        : `if (typeof ${v} !== "number" || !Number.isFinite(${v})) ${fail};\n${checks}`;
    }
    case 'boolean':
      return `if (typeof ${v} !== "boolean") ${fail};\n`;
    case 'null':
      return `if (${v} !== null) ${fail};\n`;
    case 'unknown':
    case 'any':
      return '';
    case 'literal':
    case 'enum': {
      const values = def.type === 'literal' ? (def.values ?? []) : enumValues(def.entries ?? {});
      const test = membership(v, values);
      return test === undefined
        ? `if (!${ref(gen, new Set(values))}.has(${v})) ${fail};\n`
        : `if (!(${test})) ${fail};\n`;
    }
    case 'optional': {
      const inner = emit(gen, def.innerType as z.ZodType, v, fail, depth);
      // z.exactOptional() lets a key be absent but, unlike .optional(), not hold undefined.
      return internals.traits.has('$ZodExactOptional') ? inner : `if (${v} !== undefined) {\n${inner}}\n`;
    }
    case 'nullable':
      return `if (${v} !== null) {\n${emit(gen, def.innerType as z.ZodType, v, fail, depth)}}\n`;
    case 'array':
      return emitArray(gen, schema, def, v, fail, depth);
    case 'union':
      return emitUnion(gen, schema, def, v, fail, depth);
    case 'record':
      return emitRecord(gen, schema, def, v, fail, depth);
    case 'object':
      return emitObject(gen, schema, def, v, fail, depth);
    default:
      return fallbackCode(gen, schema, v, fail);
  }
}

function emitArray(gen: Gen, schema: z.ZodType, def: Def, v: string, fail: string, depth: number): string {
  let checks = '';
  for (const c of checksOf(def)) {
    const length = lengthCheck(gen, c, v, fail, false);
    if (length === null) {
      return fallbackCode(gen, schema, v, fail);
    }
    checks += length;
  }
  const i = fresh(gen, 'i');
  const e = fresh(gen, 'v');
  // Indexed, like zod: a hole reads as undefined.
  return (
    `if (!Array.isArray(${v})) ${fail};\n${checks}` +
    `for (let ${i} = 0; ${i} < ${v}.length; ${i}++) {\nconst ${e} = ${v}[${i}];\n` +
    `${emit(gen, def.element as z.ZodType, e, fail, depth + 1)}}\n`
  );
}

function emitUnion(gen: Gen, schema: z.ZodType, def: Def, v: string, fail: string, depth: number): string {
  const options = def.options ?? [];
  if (def.discriminator !== undefined) {
    if (def.unionFallback) {
      return fallbackCode(gen, schema, v, fail);
    }
    for (const option of options) {
      if (INEXACT.has(compileGuard(option))) {
        gen.inexact = true;
      }
    }
    const g = fresh(gen, 'g');
    return (
      `if (typeof ${v} !== "object" || ${v} === null || Array.isArray(${v})) ${fail};\n` +
      `const ${g} = ${ref(gen, discriminatorLookup(schema))}(${v}[${literal(def.discriminator) ?? ref(gen, def.discriminator)}]);\n` +
      `if (${g} === undefined || !${g}(${v})) ${fail};\n`
    );
  }
  const done = fresh(gen, 'u');
  if (def.inclusive === false) {
    // z.xor: exactly one option must match.
    const n = fresh(gen, 'n');
    let code = `let ${n} = 0;\n`;
    for (const option of options) {
      const label = fresh(gen, 'o');
      code += `${label}: {\n${emit(gen, option, v, `break ${label}`, depth + 1)}${n}++;\n}\n`;
    }
    return `${code}if (${n} !== 1) ${fail};\n`;
  }
  let code = `${done}: {\n`;
  for (const option of options) {
    const label = fresh(gen, 'o');
    code += `${label}: {\n${emit(gen, option, v, `break ${label}`, depth + 1)}break ${done};\n}\n`;
  }
  return `${code}${fail};\n}\n`;
}

function emitRecord(gen: Gen, schema: z.ZodType, def: Def, v: string, fail: string, depth: number): string {
  const keyDef = defOf(def.keyType as z.ZodType);
  if (keyDef.type !== 'string' || keyDef.checks?.length || keyDef.check !== undefined || keyDef.coerce) {
    return fallbackCode(gen, schema, v, fail);
  }
  const key = fresh(gen, 'k');
  const e = fresh(gen, 'v');
  // zod visits own enumerable keys, skips __proto__, and rejects a symbol key unless the record is
  // loose. for...in with an own-property test visits exactly the own enumerable string keys and is
  // cheaper than Object.keys.
  const symbols = def.mode === 'loose' ? '' : `if (${ref(gen, hasEnumerableSymbol)}(${v})) ${fail};\n`;
  return (
    `if (!${ref(gen, isPlainRecord)}(${v})) ${fail};\n` +
    `for (const ${key} in ${v}) {\n` +
    `if (${key} === "__proto__" || !Object.hasOwn(${v}, ${key})) continue;\n` +
    `const ${e} = ${v}[${key}];\n` +
    `${emit(gen, def.valueType as z.ZodType, e, fail, depth + 1)}}\n${symbols}`
  );
}

/** optin/optout as zod reports them, or undefined when asking would run a lazy getter that throws. */
function optionality(schema: z.ZodType): { optin: string | undefined; optout: string | undefined } | undefined {
  try {
    const internals = zodOf(schema);
    return { optin: internals.optin, optout: internals.optout };
  } catch {
    return undefined;
  }
}

/** A property rule decided on first use, for a property whose optionality zod cannot tell us yet. */
function deferredProperty(key: string, schema: z.ZodType): (object: Record<string, unknown>) => boolean {
  const guard = compileGuard(schema);
  return (object) => {
    const value = object[key];
    const { optin, optout } = zodOf(schema);
    if (optin !== undefined && optout === 'optional' && value === undefined && !(key in object)) {
      return true;
    }
    if (optin === undefined && !(key in object)) {
      return false;
    }
    return guard(value);
  };
}

function emitObject(gen: Gen, schema: z.ZodType, def: Def, v: string, fail: string, depth: number): string {
  const shape = def.shape ?? {};
  if (Object.getOwnPropertySymbols(shape).length > 0) {
    return fallbackCode(gen, schema, v, fail);
  }
  const catchall = def.catchall;
  const catchallType = catchall ? defOf(catchall).type : undefined;
  let code = `if (typeof ${v} !== "object" || ${v} === null || Array.isArray(${v})) ${fail};\n`;
  const keys = Object.keys(shape);
  for (const key of keys) {
    if (key === '__proto__') {
      continue; // zod never validates a declared __proto__
    }
    const field = shape[key] as z.ZodType;
    const k = JSON.stringify(key);
    const opt = optionality(field);
    if (opt === undefined) {
      const helper = deferredProperty(key, field);
      if (INEXACT.has(compileGuard(field))) {
        gen.inexact = true;
      }
      code += `if (!${ref(gen, helper)}(${v})) ${fail};\n`;
      continue;
    }
    const e = fresh(gen, 'v');
    const check = emit(gen, field, e, fail, depth + 1);
    const undefinedOk = acceptsUndefined(field);
    code += `const ${e} = ${v}[${k}];\n`;
    if (opt.optin !== undefined && opt.optout === 'optional') {
      // An absent key passes whatever the schema says of undefined.
      code += undefinedOk === true ? check : `if (${e} !== undefined || ${k} in ${v}) {\n${check}}\n`;
    } else if (opt.optin === undefined) {
      // A required key must be present, even when its schema accepts undefined.
      code += undefinedOk === false ? check : `${check}if (${e} === undefined && !(${k} in ${v})) ${fail};\n`;
    } else {
      code += check;
    }
  }
  if (catchallType === undefined || catchallType === 'unknown' || catchallType === 'any') {
    return code; // unknown keys pass through, or are stripped
  }
  const key = fresh(gen, 'k');
  const known = keys.length <= 8 ? keys.map((k) => `${key} === ${JSON.stringify(k)}`).join(' || ') : undefined;
  const isKnown = known === undefined ? `${ref(gen, new Set(keys))}.has(${key})` : known || 'false';
  if (catchallType === 'never') {
    return `${code}for (const ${key} in ${v}) {\nif (!(${isKnown})) ${fail};\n}\n`;
  }
  // A catchall schema checks every other enumerable key (present by construction), skipping __proto__.
  const e = fresh(gen, 'v');
  return (
    `${code}for (const ${key} in ${v}) {\nif (${isKnown} || ${key} === "__proto__") continue;\n` +
    `const ${e} = ${v}[${key}];\n${emit(gen, catchall as z.ZodType, e, fail, depth + 1)}}\n`
  );
}

/** Children the generator may inline, to find composite schemas met more than once. */
function children(schema: z.ZodType): z.ZodType[] {
  const def = defOf(schema);
  switch (def.type) {
    case 'optional':
    case 'nullable':
      return [def.innerType as z.ZodType];
    case 'array':
      return [def.element as z.ZodType];
    case 'record':
      return [def.valueType as z.ZodType];
    case 'union':
      return def.discriminator === undefined ? [...(def.options ?? [])] : [];
    case 'object':
      return [...Object.values(def.shape ?? {}), ...(def.catchall ? [def.catchall] : [])];
    default:
      return [];
  }
}

function sharedSchemas(root: z.ZodType): Set<z.ZodType> {
  const seen = new Map<z.ZodType, number>();
  const sizes = new Map<z.ZodType, number>();
  const size = (schema: z.ZodType): number => {
    const known = sizes.get(schema);
    if (known !== undefined) {
      return known;
    }
    sizes.set(schema, MAX_NODES); // a cycle counts as big
    let total = 1;
    for (const child of children(schema)) {
      total += size(child);
    }
    sizes.set(schema, Math.min(total, MAX_NODES));
    return total;
  };
  const walk = (schema: z.ZodType): void => {
    const count = seen.get(schema) ?? 0;
    seen.set(schema, count + 1);
    if (count === 0) {
      for (const child of children(schema)) {
        walk(child);
      }
    }
  };
  walk(root);
  const shared = new Set<z.ZodType>();
  for (const [schema, count] of seen) {
    if (count > 1 && schema !== root && COMPOSITE.has(defOf(schema).type) && size(schema) >= SHARE_MIN_NODES) {
      shared.add(schema);
    }
  }
  return shared;
}

function generate(schema: z.ZodType): Guard {
  const gen: Gen = {
    root: schema,
    refs: [],
    refIds: new Map(),
    shared: sharedSchemas(schema),
    inexact: false,
    nodes: 0,
    names: 1,
  };
  const body = emit(gen, schema, 'v0', 'return false', 0);
  const bindings = gen.refs.map((_, i) => `r${i} = r[${i}]`).join(', ');
  const source = `${bindings ? `const ${bindings};\n` : ''}return function guard(v0) {\n${body}return true;\n};`;
  const guard = new Function('r', source)(gen.refs) as Guard;
  if (gen.inexact) {
    INEXACT.add(guard);
  }
  return guard;
}
