/**
 * compileGuard: a fast, non-copying validity test compiled from a zod schema.
 *
 * zod parses by building a new object, which costs several times a JSON.parse on large inputs
 * (20,000 pod specs). The guard walks the value in place and answers only "would zod accept
 * this?"; callers use the value as is when it would, and ask zod itself for the issues when it
 * would not. The schema stays the single source of truth: the guard is derived from its
 * definition, and a test proves both agree. Schema features the guard does not know fall back to
 * zod for that subtree, so the answer is always zod's.
 */
import type { z } from 'zod';

export type Guard = (value: unknown) => boolean;

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
  readonly checks?: readonly { readonly _zod: { readonly def: Record<string, unknown> } }[];
}

function defOf(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const cache = new WeakMap<z.ZodType, Guard>();

export function compileGuard(schema: z.ZodType): Guard {
  const cached = cache.get(schema);
  if (cached) {
    return cached;
  }
  // Recursive schemas go through z.lazy, which build() leaves to zod, so this terminates.
  const compiled = build(schema);
  cache.set(schema, compiled);
  return compiled;
}

/** Guards that ask zod for some subtree: zod may transform there, so their value is not zod's output. */
const INEXACT = new WeakSet<Guard>();

function fallback(schema: z.ZodType): Guard {
  const guard: Guard = (value) => schema.safeParse(value).success;
  INEXACT.add(guard);
  return guard;
}

/** A guard built from child guards is inexact when any child is. */
function derived(guard: Guard, children: readonly Guard[]): Guard {
  if (children.some((child) => INEXACT.has(child))) {
    INEXACT.add(guard);
  }
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

function stringChecks(def: Def): ((s: string) => boolean) | undefined | null {
  if (!def.checks || def.checks.length === 0) {
    return undefined;
  }
  const tests: ((s: string) => boolean)[] = [];
  for (const check of def.checks) {
    const c = check._zod.def;
    if (c.check === 'min_length' && typeof c.minimum === 'number') {
      const min = c.minimum;
      tests.push((s) => s.length >= min);
    } else if (c.check === 'max_length' && typeof c.maximum === 'number') {
      const max = c.maximum;
      tests.push((s) => s.length <= max);
    } else if (c.check === 'string_format' && c.format === 'regex' && c.pattern instanceof RegExp) {
      const re = c.pattern;
      tests.push((s) => {
        re.lastIndex = 0;
        return re.test(s);
      });
    } else {
      return null; // unknown check: let zod decide
    }
  }
  return (s) => tests.every((t) => t(s));
}

function numberCheck(def: Def): ((n: number) => boolean) | null {
  let integer = false;
  for (const check of def.checks ?? []) {
    const c = check._zod.def;
    if (c.check === 'number_format' && (c.format === 'safeint' || c.format === 'int32')) {
      integer = true;
    } else {
      return null;
    }
  }
  return integer ? (n) => Number.isSafeInteger(n) : (n) => Number.isFinite(n);
}

function build(schema: z.ZodType): Guard {
  const def = defOf(schema);
  switch (def.type) {
    case 'string': {
      const checks = stringChecks(def);
      if (checks === null) {
        return fallback(schema);
      }
      return checks ? (v) => typeof v === 'string' && checks(v) : (v) => typeof v === 'string';
    }
    case 'boolean':
      return (v) => typeof v === 'boolean';
    case 'number': {
      const check = numberCheck(def);
      if (check === null) {
        return fallback(schema);
      }
      return (v) => typeof v === 'number' && check(v);
    }
    case 'unknown':
    case 'any':
      return () => true;
    case 'literal': {
      const values = def.values ?? [];
      return (v) => values.includes(v);
    }
    case 'enum': {
      const values = new Set(Object.values(def.entries ?? {}));
      return (v) => values.has(v as string);
    }
    case 'optional': {
      const inner = compileGuard(def.innerType as z.ZodType);
      return derived((v) => v === undefined || inner(v), [inner]);
    }
    case 'nullable': {
      const inner = compileGuard(def.innerType as z.ZodType);
      return derived((v) => v === null || inner(v), [inner]);
    }
    case 'array': {
      if (def.checks?.length) {
        return fallback(schema);
      }
      const element = compileGuard(def.element as z.ZodType);
      return derived(
        (v) => {
          if (!Array.isArray(v)) {
            return false;
          }
          for (const item of v) {
            if (!element(item)) {
              return false;
            }
          }
          return true;
        },
        [element],
      );
    }
    case 'union': {
      const options = (def.options ?? []).map((o) => compileGuard(o));
      return derived((v) => options.some((o) => o(v)), options);
    }
    case 'record': {
      const keyDef = defOf(def.keyType as z.ZodType);
      if (keyDef.type !== 'string' || keyDef.checks?.length) {
        return fallback(schema);
      }
      const value = compileGuard(def.valueType as z.ZodType);
      return derived(
        (v) => {
          if (!isPlainObject(v)) {
            return false;
          }
          for (const key in v) {
            if (!value(v[key])) {
              return false;
            }
          }
          return true;
        },
        [value],
      );
    }
    case 'object': {
      const entries = Object.entries(def.shape ?? {}).map(([key, s]) => [key, compileGuard(s)] as const);
      const catchall = def.catchall ? defOf(def.catchall).type : undefined;
      if (catchall !== undefined && catchall !== 'unknown' && catchall !== 'any' && catchall !== 'never') {
        return fallback(schema);
      }
      const strict = catchall === 'never';
      const known = new Set(entries.map(([key]) => key));
      return derived(
        (v) => {
          if (!isPlainObject(v)) {
            return false;
          }
          for (const [key, guard] of entries) {
            if (!guard(v[key])) {
              return false;
            }
          }
          if (strict) {
            for (const key in v) {
              if (!known.has(key)) {
                return false;
              }
            }
          }
          return true;
        },
        entries.map(([, guard]) => guard),
      );
    }
    default:
      return fallback(schema);
  }
}
