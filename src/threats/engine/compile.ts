/**
 * Turns loaded rule files into compiled rules: merges files (later files win), applies
 * overrides, expands macros, and compiles every CEL expression once with @marcbachmann/cel-js.
 *
 * CEL conventions (documented for rule authors):
 * - Lists are CEL constants named after the list (`user in admin_users`). A list defined in
 *   several files is the concatenation of all definitions, so user files extend built-in lists.
 * - Macros are referenced by bare name and expanded textually, wrapped in parentheses
 *   (`is_exec && ...` → `(verb == "create" && ...) && ...`). Names inside string literals and after
 *   a `.` (field selection) are not expanded. Macros may use other macros; cycles are refused.
 *   A macro defined again in a later file replaces the earlier one.
 * - A rule defined again (same id) in a later file replaces the earlier one; `overrides` change
 *   `enabled` and `severity` and append exceptions without editing the rule.
 * - Missing fields: selecting an absent key is a CEL error (`event.requestObject.spec` when there
 *   is no requestObject). Guard with `has(event.requestObject)`; errors are absorbed by `||`/`&&`
 *   and by `exists()` when another branch decides. An error that escapes is reported once per rule.
 * - Output templates: each `{...}` is a CEL expression over the same activation (`{user}`,
 *   `{event.objectRef.name}`, `{size(groups)}`); `{{` and `}}` are literal braces. A placeholder
 *   that errors renders as `<?>`, an absent (null) value as `<none>`.
 */

import { Environment, type ParseResult } from '@marcbachmann/cel-js';
import { type Collected, type Diagnostic, rewriteCelIdentifiers, type Severity } from '#core';
import type { AuditEvent } from '../event.ts';
import { compileNetworks, ipInNetworks } from './networks.ts';
import type { ExceptionSpec, MatchSpec, Origin, OverrideSpec, RuleFile, RuleSpec } from './schema.ts';

/** Variables every expression can read; list and macro names may not shadow them. */
export const ACTIVATION_VARIABLES = [
  'event',
  'falco',
  'user',
  'groups',
  'verb',
  'resource',
  'subresource',
  'ns',
  'name',
  'apiGroup',
  'stage',
  'code',
  'sourceIPs',
  'userAgent',
  'requestObject',
  'responseObject',
] as const;

/** A compiled CEL program: call it with an activation. */
export type Program = (activation: Record<string, unknown>) => unknown;

export type OutputPart = { readonly text: string } | { readonly expr: Program };

export interface CompiledException {
  readonly name: string;
  readonly expression: string;
  readonly program: Program;
  readonly origin: Origin;
}

export type CompiledWindow =
  | { readonly kind: 'count'; readonly key: Program; readonly threshold: number; readonly durationMs: number }
  | { readonly kind: 'first-seen'; readonly key: Program; readonly learningMs: number };

export interface CompiledRule {
  readonly spec: RuleSpec;
  /** Severity after overrides. */
  readonly severity: Severity;
  readonly origin: Origin;
  /** The condition after macro expansion, as compiled. */
  readonly expandedCondition: string;
  readonly condition: Program;
  readonly exceptions: readonly CompiledException[];
  readonly output: readonly OutputPart[];
  readonly window?: CompiledWindow;
  /**
   * The optional `match` keys (codes, users/groups, userAgentContains, impersonated, sourceIPsIn) as one native
   * test of an audit event (`test`), and the reason it refuses one (`refusal`, for explanations).
   */
  readonly narrow?: {
    readonly test: (event: AuditEvent) => boolean;
    readonly refusal: (event: AuditEvent) => string | undefined;
  };
}

/** A CEL or macro error with the rule file and line; thrown by compileExpression. */
export class RuleCompileError extends Error {
  readonly origin: Origin;
  constructor(message: string, origin: Origin) {
    super(`${origin.file}:${origin.line}: ${message}`);
    this.name = 'RuleCompileError';
    this.origin = origin;
  }
}

/**
 * Replaces bare identifiers that name a macro with `(expansion)`, skipping string literals
 * (single, double, triple-quoted, raw and bytes prefixes) and field selections (`a.name`).
 */
export function expandMacros(
  expression: string,
  macros: ReadonlyMap<string, string>,
  stack: readonly string[] = [],
): string {
  return rewriteCelIdentifiers(expression, (word) => {
    const body = macros.get(word);
    if (body === undefined) return undefined;
    if (stack.includes(word)) throw new Error(`macro cycle: ${[...stack, word].join(' -> ')}`);
    if (stack.length >= 32) throw new Error('macros nested more than 32 deep');
    return `(${expandMacros(body, macros, [...stack, word])})`;
  });
}

function celMessage(err: unknown): string {
  return err instanceof Error ? err.message.replace(/\n\s*\n/g, '\n').trim() : String(err);
}

/** Compiles one expression (after macro expansion) and type-checks it; throws RuleCompileError. */
function compileExpression(
  env: Environment,
  expression: string,
  macros: ReadonlyMap<string, string>,
  origin: Origin,
  what: string,
  expectBool: boolean,
): { program: Program; expanded: string } {
  let expanded: string;
  try {
    expanded = expandMacros(expression, macros);
  } catch (err) {
    throw new RuleCompileError(`${what}: ${celMessage(err)}`, origin);
  }
  let parsed: ParseResult;
  try {
    parsed = env.parse(expanded);
  } catch (err) {
    throw new RuleCompileError(`${what}: CEL error: ${celMessage(err)}`, origin);
  }
  const checked = parsed.check();
  if (!checked.valid) {
    throw new RuleCompileError(`${what}: CEL error: ${celMessage(checked.error)}`, origin);
  }
  if (expectBool && checked.type !== 'bool' && checked.type !== 'dyn') {
    throw new RuleCompileError(`${what}: CEL expression has type ${checked.type}, expected bool`, origin);
  }
  return { program: parsed as Program, expanded };
}

/** Splits an output template into text and `{CEL}` parts. */
function compileTemplate(
  env: Environment,
  template: string,
  macros: ReadonlyMap<string, string>,
  origin: Origin,
): OutputPart[] {
  const parts: OutputPart[] = [];
  let text = '';
  let i = 0;
  while (i < template.length) {
    const ch = template[i];
    if ((ch === '{' || ch === '}') && template[i + 1] === ch) {
      text += ch;
      i += 2;
      continue;
    }
    if (ch === '}') throw new RuleCompileError(`output: unmatched "}" at offset ${i} (write "}}" for a brace)`, origin);
    if (ch === '{') {
      const end = template.indexOf('}', i + 1);
      if (end < 0) throw new RuleCompileError(`output: unclosed "{" at offset ${i}`, origin);
      if (text) parts.push({ text });
      text = '';
      const expr = template.slice(i + 1, end).trim();
      parts.push({ expr: compileExpression(env, expr, macros, origin, `output placeholder {${expr}}`, false).program });
      i = end + 1;
      continue;
    }
    text += ch;
    i++;
  }
  if (text) parts.push({ text });
  return parts;
}

function resolveList(
  ref: string | readonly string[],
  lists: ReadonlyMap<string, readonly string[]>,
  origin: Origin,
  what: string,
): readonly string[] {
  if (typeof ref !== 'string') return ref;
  const values = lists.get(ref);
  if (values === undefined) throw new RuleCompileError(`${what}: match refers to unknown list "${ref}"`, origin);
  return values;
}

/**
 * A membership test for a list of names. Audit event strings are fresh per event (JSON.parse does
 * not intern them), so a Set lookup first hashes the whole string; against a handful of names,
 * comparing with === is cheaper, since strings of different lengths differ at once.
 */
function membership(values: readonly string[]): (value: string) => boolean {
  if (values.length === 0) return () => false;
  if (values.length <= 8) {
    const list = [...new Set(values)];
    return (value) => {
      for (const v of list) if (v === value) return true;
      return false;
    };
  }
  const set = new Set(values);
  return (value) => set.has(value);
}

/**
 * A bounded per-rule cache of a string test: user agents repeat across events (a cluster has a
 * few dozen clients), so the regular expression runs once per distinct value.
 */
function cachedTest(test: (value: string) => boolean): (value: string) => boolean {
  const seen = new Map<string, boolean>();
  return (value) => {
    let result = seen.get(value);
    if (result === undefined) {
      result = test(value);
      if (seen.size >= 4096) seen.clear();
      seen.set(value, result);
    }
    return result;
  };
}

/** One native `match` key: a cheap test, and the reason text (built only for explanations). */
interface NativeKey {
  readonly test: (e: AuditEvent) => boolean;
  readonly reason: (e: AuditEvent) => string;
}

/**
 * A regular expression matching any fragment case-insensitively. Without the `u` flag, `i` folds
 * ASCII letters only onto ASCII letters, so for ASCII fragments it is exactly CEL's
 * `lowerAscii().contains()`; for others it folds more, which only widens the pre-filter.
 */
function fragmentsPattern(fragments: readonly string[]): RegExp | undefined {
  if (fragments.length === 0) return undefined;
  return new RegExp(fragments.map((f) => f.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&')).join('|'), 'i');
}

/** Compiles the optional native `match` keys; undefined when the rule uses none. */
function compileNarrowing(
  m: MatchSpec,
  lists: ReadonlyMap<string, readonly string[]>,
  origin: Origin,
  what: string,
): CompiledRule['narrow'] {
  const keys: NativeKey[] = [];
  if (m.codes) {
    const codes = new Set(m.codes);
    const shown = m.codes.join(', ');
    keys.push({
      test: (e) => codes.has(e.responseStatus?.code ?? 0),
      reason: (e) => `code ${e.responseStatus?.code ?? 0} not in [${shown}]`,
    });
  }
  if (m.users !== undefined || m.groups !== undefined) {
    const inUsers = membership(m.users === undefined ? [] : resolveList(m.users, lists, origin, what));
    const inGroups = membership(m.groups === undefined ? [] : resolveList(m.groups, lists, origin, what));
    keys.push({
      test: (e) => {
        if (inUsers(e.user.username ?? '')) return true;
        const own = e.user.groups;
        if (own) for (const g of own) if (inGroups(g)) return true;
        return false;
      },
      reason: (e) => `user "${e.user.username ?? ''}" and its groups not in the rule's users/groups`,
    });
  }
  if (m.userAgentContains !== undefined) {
    const pattern = fragmentsPattern(resolveList(m.userAgentContains, lists, origin, what));
    const contains = pattern === undefined ? () => false : cachedTest((ua) => pattern.test(ua));
    keys.push({
      test: (e) => contains(e.userAgent ?? ''),
      reason: (e) => `userAgent "${e.userAgent ?? ''}" contains none of the rule's userAgentContains fragments`,
    });
  }
  if (m.impersonated === true) {
    keys.push({ test: (e) => e.impersonatedUser !== undefined, reason: () => 'no impersonatedUser' });
  }
  if (m.sourceIPsIn !== undefined) {
    const networks = compileNetworks(resolveList(m.sourceIPsIn, lists, origin, what));
    if (typeof networks === 'string') {
      const list = typeof m.sourceIPsIn === 'string' ? `list "${m.sourceIPsIn}"` : 'sourceIPsIn';
      throw new RuleCompileError(`${what}: ${list}: ${networks}`, origin);
    }
    keys.push({
      test: (e) => {
        const ips = e.sourceIPs;
        if (ips) for (const ip of ips) if (networks.has(ip)) return true;
        return false;
      },
      reason: (e) => `sourceIPs [${(e.sourceIPs ?? []).join(', ')}] are in none of the rule's sourceIPsIn networks`,
    });
  }
  if (keys.length === 0) return undefined;
  const test =
    keys.length === 1
      ? (keys[0] as NativeKey).test
      : (e: AuditEvent): boolean => {
          for (const k of keys) if (!k.test(e)) return false;
          return true;
        };
  const refusal = (e: AuditEvent): string | undefined => keys.find((k) => !k.test(e))?.reason(e);
  return { test, refusal };
}

function exceptionExpression(spec: ExceptionSpec): string {
  if ('condition' in spec) return spec.condition;
  return `(${spec.field}) in ${JSON.stringify(spec.values)}`;
}

export interface CompileResult {
  /** Enabled rules, in load order (later files' replacements take the original position). */
  readonly rules: readonly CompiledRule[];
  /** Ids of rules loaded but disabled (by `enabled: false` or an override). */
  readonly disabled: readonly string[];
}

/**
 * Merges rule files in order (built-in pack first, then user files) and compiles them.
 * A rule whose condition, exception, output or window key fails to compile is refused with a
 * diagnostic naming its file, line and the CEL error; the other rules are kept.
 */
export function compileRuleFiles(files: readonly RuleFile[]): Collected<CompileResult> {
  const diagnostics: Diagnostic[] = [];
  const reserved = new Set<string>(ACTIVATION_VARIABLES);
  const lists = new Map<string, string[]>();
  const macros = new Map<string, string>();
  const specs = new Map<string, { spec: RuleSpec; origin: Origin }>();
  const overrides: { spec: OverrideSpec; origin: Origin }[] = [];
  for (const file of files) {
    for (const [name, list] of file.lists) {
      if (reserved.has(name)) {
        diagnostics.push({
          level: 'error',
          code: 'rules.reserved-name',
          message: `list "${name}" shadows a built-in variable and is refused`,
          location: list.origin,
        });
        continue;
      }
      lists.set(name, [...(lists.get(name) ?? []), ...list.values]);
    }
    for (const [name, macro] of file.macros) {
      if (reserved.has(name)) {
        diagnostics.push({
          level: 'error',
          code: 'rules.reserved-name',
          message: `macro "${name}" shadows a built-in variable and is refused`,
          location: macro.origin,
        });
        continue;
      }
      macros.set(name, macro.expression);
    }
    for (const rule of file.rules) specs.set(rule.spec.id, rule);
    overrides.push(...file.overrides);
  }
  for (const name of macros.keys()) {
    if (lists.has(name)) {
      diagnostics.push({
        level: 'warning',
        code: 'rules.name-clash',
        message: `"${name}" is both a list and a macro; the macro wins`,
        location: { file: files.at(-1)?.file ?? '<rules>' },
      });
    }
  }

  const env = new Environment({ unlistedVariablesAreDyn: true, homogeneousAggregateLiterals: false });
  env.registerFunction('ipInNetworks(string, list): bool', ipInNetworks, {
    description: 'True when the IP address lies in one of the CIDR blocks or addresses of the list',
  });
  for (const [name, values] of lists) {
    if (!macros.has(name)) env.registerConstant(name, 'list', values);
  }

  const enabled = new Map<string, boolean>();
  const severity = new Map<string, Severity>();
  const extraExceptions = new Map<string, { spec: ExceptionSpec; origin: Origin }[]>();
  for (const { spec, origin } of overrides) {
    if (!specs.has(spec.id)) {
      diagnostics.push({
        level: 'warning',
        code: 'rules.unknown-override',
        message: `override for unknown rule ${spec.id} has no effect`,
        location: origin,
      });
      continue;
    }
    if (spec.enabled !== undefined) enabled.set(spec.id, spec.enabled);
    if (spec.severity !== undefined) severity.set(spec.id, spec.severity);
    for (const exc of spec.appendExceptions ?? []) {
      extraExceptions.set(spec.id, [...(extraExceptions.get(spec.id) ?? []), { spec: exc, origin }]);
    }
  }

  const rules: CompiledRule[] = [];
  const disabled: string[] = [];
  for (const { spec, origin } of specs.values()) {
    if (!(enabled.get(spec.id) ?? spec.enabled)) {
      disabled.push(spec.id);
      continue;
    }
    try {
      const condition = compileExpression(env, spec.condition, macros, origin, `rule ${spec.id} condition`, true);
      const exceptions: CompiledException[] = [
        ...spec.exceptions.map((e) => ({ spec: e, origin })),
        ...(extraExceptions.get(spec.id) ?? []),
      ].map(({ spec: e, origin: o }) => {
        const expression = exceptionExpression(e);
        const what = `rule ${spec.id} exception "${e.name}"`;
        return {
          name: e.name,
          expression,
          program: compileExpression(env, expression, macros, o, what, true).program,
          origin: o,
        };
      });
      const output = compileTemplate(env, spec.output, macros, origin);
      const narrow = compileNarrowing(spec.match, lists, origin, `rule ${spec.id}`);
      let window: CompiledWindow | undefined;
      if (spec.window) {
        const key = compileExpression(
          env,
          spec.window.key,
          macros,
          origin,
          `rule ${spec.id} window key`,
          false,
        ).program;
        window =
          spec.window.kind === 'count'
            ? { kind: 'count', key, threshold: spec.window.threshold, durationMs: spec.window.duration }
            : { kind: 'first-seen', key, learningMs: spec.window.learning };
      }
      rules.push({
        spec,
        severity: severity.get(spec.id) ?? spec.severity,
        origin,
        expandedCondition: condition.expanded,
        condition: condition.program,
        exceptions,
        output,
        ...(window ? { window } : {}),
        ...(narrow ? { narrow } : {}),
      });
    } catch (err) {
      if (!(err instanceof RuleCompileError)) throw err;
      diagnostics.push({
        level: 'error',
        code: 'rules.compile',
        message: err.message,
        location: { file: err.origin.file, line: err.origin.line },
      });
    }
  }
  return { value: { rules, disabled }, diagnostics };
}
