/**
 * Automation rule files (YAML): what triggers an automation, the actions it runs in order, its
 * mode, rate limit and cooldown. Validated at load: every problem of the file is reported at once
 * with its file and line (an unknown action, parameters its schema refuses, an action that cannot
 * act on what the trigger produces, a missing `mode`), and nothing of an invalid file is used.
 *
 * ```yaml
 * limits:                               # optional
 *   global: { max: 100, per: 1m }       # runs of all automations together
 *   concurrency: 4                      # runs at a time
 *   retries: 3                          # per action, on transient errors, with backoff
 * automations:
 *   - name: isolate-exec-in-prod        # unique, kebab-case
 *     description: ...
 *     mode: dry-run                     # required: dry-run | apply (no default)
 *     trigger:
 *       on: alerts                      # alerts | findings
 *       ids: [PAL-TD-0001]              # rule ids (alerts) or check ids (findings); globs
 *       minSeverity: high               # at or above
 *       tactics: [TA0002]               # alerts: MITRE tactic ids or names
 *       namespaces: [prod-*]            # globs
 *       labels: { app: web }            # labels of the target object, read from the cluster
 *       azure: { types: [...], subscriptions: [...] }   # findings on Azure resources
 *       includeSuppressed: false        # findings: suppressed ones too
 *     actions:
 *       - action: kubernetes:isolate-pod
 *         params: {}
 *         continue: false               # run the next actions even if this one fails
 *     rateLimit: { max: 10, per: 1m }   # runs of this automation
 *     cooldown: 30m                     # per target
 * ```
 */
import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { ConfigError, SEVERITIES, type Severity, yamlIssues } from '#core';
import { DurationSchema as Duration } from '#threats';
import { type AnyAction, actionRegistry, findAction } from './actions/index.ts';

const RateLimitSpec = z.strictObject({ max: z.number().int().min(1).max(1_000_000), per: Duration });

const Names = z.array(z.string().min(1)).min(1);

const TriggerSpec = z.strictObject({
  on: z.enum(['alerts', 'findings'], { message: 'must be "alerts" or "findings"' }),
  ids: Names.optional(),
  minSeverity: z.enum(SEVERITIES).optional(),
  tactics: Names.optional(),
  namespaces: Names.optional(),
  labels: z.record(z.string().min(1), z.string()).optional(),
  azure: z.strictObject({ types: Names.optional(), subscriptions: Names.optional() }).optional(),
  includeSuppressed: z.boolean().optional(),
});

const StepSpec = z.strictObject({
  action: z.string().min(1),
  params: z.record(z.string(), z.unknown()).default({}),
  continue: z.boolean().default(false),
});

const AutomationSpec = z.strictObject({
  name: z
    .string()
    .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be kebab-case (a-z, 0-9 and -)')
    .max(63),
  description: z.string().optional(),
  mode: z.enum(['dry-run', 'apply'], { message: 'is required: "dry-run" or "apply" (there is no default)' }),
  enabled: z.boolean().default(true),
  trigger: TriggerSpec,
  actions: z.array(StepSpec).min(1).max(20),
  rateLimit: RateLimitSpec.optional(),
  cooldown: Duration.optional(),
});

const RulesFileSpec = z.strictObject({
  limits: z
    .strictObject({
      global: RateLimitSpec.optional(),
      concurrency: z.number().int().min(1).max(64).default(4),
      retries: z.number().int().min(0).max(10).default(3),
    })
    .optional(),
  automations: z.array(AutomationSpec).min(1),
});

export interface RateLimit {
  readonly max: number;
  readonly perMs: number;
}

export interface Trigger {
  readonly on: 'alerts' | 'findings';
  readonly ids?: readonly string[];
  readonly minSeverity?: Severity;
  readonly tactics?: readonly string[];
  readonly namespaces?: readonly string[];
  readonly labels?: Readonly<Record<string, string>>;
  readonly azure?: { readonly types?: readonly string[]; readonly subscriptions?: readonly string[] };
  readonly includeSuppressed?: boolean;
}

export interface Step {
  readonly action: AnyAction;
  readonly params: unknown;
  readonly continue: boolean;
}

export interface Automation {
  readonly name: string;
  readonly description?: string;
  readonly mode: 'dry-run' | 'apply';
  readonly enabled: boolean;
  readonly trigger: Trigger;
  readonly steps: readonly Step[];
  readonly rateLimit?: RateLimit;
  readonly cooldownMs?: number;
  /** Where it is defined. */
  readonly source: { readonly file: string; readonly line?: number };
}

export interface AutomationLimits {
  readonly global?: RateLimit;
  readonly concurrency: number;
  readonly retries: number;
}

export interface AutomationRules {
  readonly automations: readonly Automation[];
  readonly limits: AutomationLimits;
  readonly files: readonly string[];
}

type Issue = { path: (string | number)[]; message: string };

/** Checks an action against the trigger: can it act on what the trigger produces? */
function compatibility(action: AnyAction, trigger: z.infer<typeof TriggerSpec>): string | undefined {
  const targets = action.meta.targets;
  if (targets.includes('none')) return undefined;
  if (trigger.on === 'alerts' && !targets.includes('kubernetes')) {
    return `${action.meta.id} acts on ${targets.join(' or ')} resources, which alerts do not name; use it with "on: findings"`;
  }
  if (trigger.azure && !targets.includes('azure')) {
    return `${action.meta.id} acts on Kubernetes objects, but the trigger selects Azure resources (trigger.azure)`;
  }
  return undefined;
}

function semanticIssues(file: z.infer<typeof RulesFileSpec>): Issue[] {
  const issues: Issue[] = [];
  const names = new Map<string, number>();
  for (const [i, automation] of file.automations.entries()) {
    const first = names.get(automation.name);
    if (first !== undefined) {
      issues.push({
        path: ['automations', i, 'name'],
        message: `"${automation.name}" is also the name of automation ${first + 1}`,
      });
    } else {
      names.set(automation.name, i);
    }
    const { trigger } = automation;
    if (trigger.tactics && trigger.on !== 'alerts') {
      issues.push({
        path: ['automations', i, 'trigger', 'tactics'],
        message: 'only alerts have MITRE tactics (on: alerts)',
      });
    }
    if (trigger.azure && trigger.on !== 'findings') {
      issues.push({
        path: ['automations', i, 'trigger', 'azure'],
        message: 'only findings are about Azure resources (on: findings)',
      });
    }
    if (trigger.includeSuppressed !== undefined && trigger.on !== 'findings') {
      issues.push({
        path: ['automations', i, 'trigger', 'includeSuppressed'],
        message: 'only findings can be suppressed (on: findings)',
      });
    }
    for (const [j, step] of automation.actions.entries()) {
      const at: (string | number)[] = ['automations', i, 'actions', j];
      const action = findAction(step.action);
      if (!action) {
        const known = actionRegistry.items.map((a) => a.meta.id).join(', ');
        issues.push({ path: [...at, 'action'], message: `unknown action "${step.action}" (known: ${known})` });
        continue;
      }
      const misfit = compatibility(action, trigger);
      if (misfit) issues.push({ path: [...at, 'action'], message: misfit });
      const parsed = action.params.safeParse(step.params);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) {
          const extra = issue.code === 'unrecognized_keys' ? [issue.keys[0] ?? ''] : [];
          issues.push({
            path: [...at, 'params', ...(issue.path as (string | number)[]), ...extra],
            message: `${action.meta.id}: ${issue.message}`,
          });
        }
      }
    }
  }
  return issues;
}

/** Parses one rules file; throws ConfigError listing every problem with its line. */
export function parseAutomationRules(text: string, file: string): AutomationRules {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((error) => {
      const pos = lineCounter.linePos(error.pos[0]);
      return `${file}:${pos.line}:${pos.col}: invalid YAML: ${error.message.split('\n')[0]}`;
    });
    throw new ConfigError('config.invalid', `invalid automation rules:\n  ${problems.join('\n  ')}`, {
      location: { file },
    });
  }
  const raw: unknown = doc.toJS({ maxAliasCount: 100 }) ?? {};
  const parsed = RulesFileSpec.safeParse(raw);
  const problems = parsed.success
    ? yamlIssues(text, file, doc, lineCounter, semanticIssues(parsed.data).map(customIssue))
    : yamlIssues(text, file, doc, lineCounter, parsed.error.issues);
  if (!parsed.success || problems.length > 0) {
    throw new ConfigError('config.invalid', `invalid automation rules:\n  ${problems.join('\n  ')}`, {
      location: { file },
    });
  }
  const data = parsed.data;
  const lineOf = (i: number): number | undefined => {
    const node = doc.getIn(['automations', i], true);
    const range = node && typeof node === 'object' && 'range' in node ? node.range : undefined;
    return Array.isArray(range) ? lineCounter.linePos(range[0]).line : undefined;
  };
  const automations: Automation[] = data.automations.map((a, i) => {
    const line = lineOf(i);
    return {
      name: a.name,
      ...(a.description === undefined ? {} : { description: a.description }),
      mode: a.mode,
      enabled: a.enabled,
      trigger: a.trigger,
      steps: a.actions.map((step) => {
        const action = findAction(step.action) as AnyAction;
        return { action, params: action.params.parse(step.params), continue: step.continue };
      }),
      ...(a.rateLimit ? { rateLimit: { max: a.rateLimit.max, perMs: a.rateLimit.per } } : {}),
      ...(a.cooldown === undefined ? {} : { cooldownMs: a.cooldown }),
      source: { file, ...(line === undefined ? {} : { line }) },
    };
  });
  const limits = data.limits;
  return {
    automations,
    limits: {
      ...(limits?.global ? { global: { max: limits.global.max, perMs: limits.global.per } } : {}),
      concurrency: limits?.concurrency ?? 4,
      retries: limits?.retries ?? 3,
    },
    files: [file],
  };
}

function customIssue(issue: Issue): z.core.$ZodIssue {
  return { code: 'custom', path: issue.path, message: issue.message, input: undefined };
}

/** Reads and parses a rules file. */
export async function loadAutomationRules(file: string): Promise<AutomationRules> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError('config.invalid', `cannot read automation rules ${file}: ${(error as Error).message}`, {
      location: { file },
    });
  }
  return parseAutomationRules(text, file);
}
