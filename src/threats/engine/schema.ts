/**
 * Rule files for the threat engine: YAML documents with `lists`, `macros`, `rules` and
 * `overrides`. Parsed with the `yaml` package (parseDocument + LineCounter) so every rule and
 * override keeps its line for diagnostics; each rule is validated on its own, so one bad rule is
 * refused with a diagnostic and the valid ones are kept.
 *
 * ```yaml
 * lists:
 *   admin_users: [alice, bob]            # bare identifier `admin_users` in CEL is this list
 * macros:
 *   is_exec: verb == "create" && subresource == "exec"   # bare identifier, expanded in ( )
 * rules:
 *   - id: PAL-TD-0001
 *     title: Exec into a pod
 *     description: ...
 *     severity: high                     # critical|high|medium|low|info
 *     maturity: stable                   # stable|beta|experimental|deprecated
 *     mitre: { tactic: TA0002, technique: T1609 }
 *     source: audit                      # audit (default) | falco
 *     match: { verbs: [create], resources: [pods/exec], stages: [ResponseComplete], apiGroups: [""] }
 *     # optional native narrowing: codes: [403], users: anonymous_users, groups: [...],
 *     #   userAgentContains: unusual_user_agents, impersonated: true  (see MatchSpec)
 *     condition: is_exec && !(user in admin_users)
 *     exceptions:
 *       - { name: ci, condition: 'user.startsWith("system:serviceaccount:ci:")' }
 *       - { name: ops, field: user, values: [carol] }     # sugar for `user in ["carol"]`
 *     output: 'Exec by {user} into {ns}/{name}'  # {CEL expression}; {{ and }} are literal braces
 *     window: { kind: count, key: user, threshold: 10, duration: 1m }
 *     # or    { kind: first-seen, key: user + "|" + ns, learning: 7d }
 *     remediation: ...
 *     enabled: true
 * overrides:
 *   - { id: PAL-TD-0001, enabled: false, severity: low, appendExceptions: [{ name: x, condition: ... }] }
 * ```
 *
 * Durations are `<n>ms|s|m|h|d` (combinable: `1h30m`). `match` lists that are absent or empty
 * mean "any"; `stages` defaults to [ResponseComplete]. Resources follow RBAC: `pods` does not
 * cover `pods/exec`; `*` matches every resource and subresource.
 */

import { isMap, isNode, isSeq, LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { type Collected, type Diagnostic, SEVERITIES } from '#core';

export const MATURITIES = ['stable', 'beta', 'experimental', 'deprecated'] as const;
export type Maturity = (typeof MATURITIES)[number];
export const STAGES = ['RequestReceived', 'ResponseStarted', 'ResponseComplete', 'Panic'] as const;
export type Stage = (typeof STAGES)[number];

const DURATION_UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses `90s`, `5m`, `1h30m`, `7d` into milliseconds; undefined when malformed or zero. */
export function parseDuration(text: string): number | undefined {
  const re = /(\d+)(ms|s|m|h|d)/y;
  let total = 0;
  let pos = 0;
  while (pos < text.length) {
    re.lastIndex = pos;
    const m = re.exec(text);
    if (!m) return undefined;
    total += Number(m[1]) * (DURATION_UNITS[m[2] as string] as number);
    pos = re.lastIndex;
  }
  return text.length > 0 && total > 0 && Number.isSafeInteger(total) ? total : undefined;
}

/** A duration in YAML (`30s`, `5m`, `1h30m`, `7d`), parsed to milliseconds. */
export const Duration = z.string().transform((text, ctx) => {
  const ms = parseDuration(text);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: `invalid duration "${text}" (expected e.g. 30s, 5m, 1h30m, 7d)` });
    return z.NEVER;
  }
  return ms;
});

const Cel = z.string().min(1).max(20_000);
const Name = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an identifier ([A-Za-z_][A-Za-z0-9_]*)');

export const ExceptionSpec = z.union([
  z.strictObject({ name: z.string().min(1), condition: Cel }),
  z.strictObject({ name: z.string().min(1), field: Cel, values: z.array(z.string()).min(1) }),
]);
export type ExceptionSpec = z.infer<typeof ExceptionSpec>;

export const WindowSpec = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('count'),
    key: Cel,
    threshold: z.number().int().min(1).max(100_000),
    duration: Duration,
  }),
  z.strictObject({ kind: z.literal('first-seen'), key: Cel, learning: Duration }),
]);
export type WindowSpec = z.infer<typeof WindowSpec>;

/** Literal values, or the name of a list (resolved when compiling, so user files extend it). */
const ListRef = z.union([z.array(z.string()), Name]);

/**
 * The pre-filter, tested natively before any CEL. `verbs`, `resources`, `stages` and `apiGroups`
 * are indexed; the optional keys narrow audit events further and must only ever admit a superset
 * of what the condition accepts (the condition stays the exact test):
 * - `codes`: responseStatus.code is one of these (0 when absent);
 * - `users` / `groups`: user.username is in `users`, or one of user.groups is in `groups` (either
 *   suffices when both are given);
 * - `userAgentContains`: userAgent contains one of these fragments, ASCII case-insensitively (as
 *   CEL `userAgent.lowerAscii().contains(a.lowerAscii())`);
 * - `impersonated: true`: the event has `impersonatedUser`;
 * - `sourceIPsIn`: one of sourceIPs lies in one of these networks (CIDR blocks or single addresses,
 *   IPv4 or IPv6; as CEL `sourceIPs.exists(ip, ipInNetworks(ip, list))`). An empty list admits
 *   nothing, so a rule whose list the user has not filled costs nothing.
 * List-valued keys take literal values or the name of a list (`userAgentContains: unusual_user_agents`).
 */
export const MatchSpec = z.strictObject({
  verbs: z.array(z.string().min(1)).default([]),
  resources: z.array(z.string().min(1)).default([]),
  stages: z.array(z.enum(STAGES)).default(['ResponseComplete']),
  apiGroups: z.array(z.string()).default([]),
  codes: z.array(z.number().int().min(0).max(999)).min(1).optional(),
  users: ListRef.optional(),
  groups: ListRef.optional(),
  userAgentContains: ListRef.optional(),
  impersonated: z.literal(true).optional(),
  sourceIPsIn: ListRef.optional(),
});
export type MatchSpec = z.infer<typeof MatchSpec>;

export const RuleSpec = z.strictObject({
  id: z.string().regex(/^PAL-TD-\d{4}$/, 'must look like PAL-TD-0001'),
  title: z.string().min(1),
  description: z.string().min(1),
  severity: z.enum(SEVERITIES),
  maturity: z.enum(MATURITIES),
  mitre: z.strictObject({
    tactic: z.string().regex(/^TA\d{4}$/, 'must look like TA0002'),
    technique: z.string().regex(/^T\d{4}(\.\d{3})?$/, 'must look like T1609 or T1078.001'),
  }),
  source: z.enum(['audit', 'falco']).default('audit'),
  match: MatchSpec.default({ verbs: [], resources: [], stages: ['ResponseComplete'], apiGroups: [] }),
  condition: Cel,
  exceptions: z.array(ExceptionSpec).default([]),
  output: z.string().min(1),
  window: WindowSpec.optional(),
  remediation: z.string().optional(),
  enabled: z.boolean().default(true),
});
export type RuleSpec = z.infer<typeof RuleSpec>;

export const OverrideSpec = z.strictObject({
  id: z.string().regex(/^PAL-TD-\d{4}$/, 'must look like PAL-TD-0001'),
  enabled: z.boolean().optional(),
  severity: z.enum(SEVERITIES).optional(),
  appendExceptions: z.array(ExceptionSpec).optional(),
});
export type OverrideSpec = z.infer<typeof OverrideSpec>;

const TopLevel = z.strictObject({
  lists: z.record(Name, z.array(z.string())).default({}),
  macros: z.record(Name, Cel).default({}),
  rules: z.array(z.unknown()).default([]),
  overrides: z.array(z.unknown()).default([]),
});

/** Where a rule, macro or override was written. */
export interface Origin {
  readonly file: string;
  readonly line: number;
}

/** One loaded rule file; every element keeps its origin. */
export interface RuleFile {
  readonly file: string;
  readonly lists: ReadonlyMap<string, { readonly values: readonly string[]; readonly origin: Origin }>;
  readonly macros: ReadonlyMap<string, { readonly expression: string; readonly origin: Origin }>;
  readonly rules: readonly { readonly spec: RuleSpec; readonly origin: Origin }[];
  readonly overrides: readonly { readonly spec: OverrideSpec; readonly origin: Origin }[];
}

function issueText(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`).join('; ');
}

/**
 * Parses one rule file. Returns every valid rule, list, macro and override, plus one diagnostic
 * (with file and line) for each part that is refused. A file that is not YAML, or whose top level
 * is malformed, yields an empty RuleFile and one diagnostic.
 */
export function loadRuleFile(text: string, file: string): Collected<RuleFile> {
  const diagnostics: Diagnostic[] = [];
  const empty: RuleFile = { file, lists: new Map(), macros: new Map(), rules: [], overrides: [] };
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const lineOf = (offset: number | undefined): number => (offset === undefined ? 1 : lineCounter.linePos(offset).line);
  if (doc.errors.length > 0) {
    for (const err of doc.errors) {
      diagnostics.push({
        level: 'error',
        code: 'yaml.syntax',
        message: err.message.split('\n')[0] ?? err.message,
        location: { file, line: lineOf(err.pos[0]), column: lineCounter.linePos(err.pos[0]).col },
      });
    }
    return { value: empty, diagnostics };
  }
  const top = TopLevel.safeParse(doc.toJS({ maxAliasCount: 100 }) ?? {});
  if (!top.success) {
    diagnostics.push({
      level: 'error',
      code: 'rules.invalid-file',
      message: issueText(top.error),
      location: { file, line: 1 },
    });
    return { value: empty, diagnostics };
  }
  const root = doc.contents;
  const itemLine = (section: string, index: number | string): number => {
    if (!isMap(root)) return 1;
    const container = root.get(section, true);
    if (typeof index === 'number' && isSeq(container)) {
      const item = container.items[index];
      return lineOf(isNode(item) ? item.range?.[0] : undefined);
    }
    if (typeof index === 'string' && isMap(container)) {
      const pair = container.items.find((p) => (p.key as { value?: unknown } | null)?.value === index);
      return lineOf((pair?.key as { range?: [number, number, number] } | null)?.range?.[0]);
    }
    return 1;
  };

  const lists = new Map<string, { values: readonly string[]; origin: Origin }>();
  for (const [name, values] of Object.entries(top.data.lists)) {
    lists.set(name, { values, origin: { file, line: itemLine('lists', name) } });
  }
  const macros = new Map<string, { expression: string; origin: Origin }>();
  for (const [name, expression] of Object.entries(top.data.macros)) {
    macros.set(name, { expression, origin: { file, line: itemLine('macros', name) } });
  }
  const rules: { spec: RuleSpec; origin: Origin }[] = [];
  const seen = new Set<string>();
  top.data.rules.forEach((raw, index) => {
    const origin = { file, line: itemLine('rules', index) };
    const parsed = RuleSpec.safeParse(raw);
    if (!parsed.success) {
      const id = (raw as { id?: unknown } | null)?.id;
      const label = typeof id === 'string' ? `rule ${id}` : `rule #${index + 1}`;
      diagnostics.push({
        level: 'error',
        code: 'rules.invalid-rule',
        message: `${label} refused: ${issueText(parsed.error)}`,
        location: { ...origin, path: `rules[${index}]` },
      });
      return;
    }
    if (seen.has(parsed.data.id)) {
      diagnostics.push({
        level: 'error',
        code: 'rules.duplicate-id',
        message: `rule ${parsed.data.id} is defined twice in this file; the second one is refused`,
        location: { ...origin, path: `rules[${index}]` },
      });
      return;
    }
    seen.add(parsed.data.id);
    rules.push({ spec: parsed.data, origin });
  });
  const overrides: { spec: OverrideSpec; origin: Origin }[] = [];
  top.data.overrides.forEach((raw, index) => {
    const origin = { file, line: itemLine('overrides', index) };
    const parsed = OverrideSpec.safeParse(raw);
    if (!parsed.success) {
      diagnostics.push({
        level: 'error',
        code: 'rules.invalid-override',
        message: `override refused: ${issueText(parsed.error)}`,
        location: { ...origin, path: `overrides[${index}]` },
      });
      return;
    }
    overrides.push({ spec: parsed.data, origin });
  });
  return { value: { file, lists, macros, rules, overrides }, diagnostics };
}
