/**
 * The runner: subjects in, action runs out.
 *
 * For each subject (in the order given) and each enabled automation whose trigger matches it, the
 * runner decides at once, in order, whether the automation may run: a subject already handled by
 * that automation is not handled twice (alert updates share their id); a target inside the
 * automation's cooldown, or a run over the automation's or the global rate limit, is recorded as
 * skipped. So a burst of 10,000 alerts runs no more actions than the limits allow, whatever the
 * timing of the actions themselves. Runs that may go ahead are queued and executed with bounded
 * concurrency, one at a time per target; the actions of a run execute in order, each retried on
 * transient errors with exponential backoff (honouring Retry-After), a failure skipping the rest
 * unless the failed step says `continue: true`. Every action run, planned, applied, skipped or
 * failed, becomes one record, appended to the audit log and passed to `onRecord`.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { atLeast, type Diagnostic, type Logger, matchesAnyGlob, silentLogger } from '#core';
import { type AnyAction, findAction } from './actions/index.ts';
import { AuditLog, type RunRecord, type RunResult, readAuditLog, type TargetRecord } from './audit.ts';
import type { Automation, AutomationRules, RateLimit, Step, Trigger } from './rules.ts';
import {
  type ActionContext,
  ActionError,
  type ActionOutcome,
  type KubeObjectData,
  type Subject,
  type Target,
  targetKey,
} from './types.ts';

/** Everything an action context holds but the run id. */
export type BaseContext = Omit<ActionContext, 'runId'>;

export interface RunnerOptions {
  readonly rules: AutomationRules;
  readonly context: BaseContext;
  readonly audit?: AuditLog;
  /** Called for every record, in the order they are made. */
  readonly onRecord?: (record: RunRecord) => void;
  /** Run every automation in dry-run, whatever its mode says. */
  readonly forceDryRun?: boolean;
  readonly logger?: Logger;
  /** First retry delay (default 500 ms), doubled each attempt, capped at `maxBackoffMs` (30 s). */
  readonly backoffMs?: number;
  readonly maxBackoffMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Id generator (tests make them predictable). */
  readonly newId?: (prefix: 'run' | 'batch' | 'exec') => string;
  /** The batch id of every record (default: a new one per runner). */
  readonly batchId?: string;
}

export interface RunnerStats {
  /** Subjects submitted. */
  subjects: number;
  /** (automation, subject) pairs whose trigger matched. */
  matched: number;
  /** Matches dropped because the automation had already handled that subject. */
  duplicates: number;
  /** Runs skipped by a rate limit or a cooldown. */
  limited: number;
  cooldown: number;
  /** Records by result. */
  results: Record<RunResult, number>;
}

/** Subjects remembered per automation (and cooldowns kept) before the oldest are forgotten. */
const HANDLED_LIMIT = 100_000;
/** The longest Retry-After honoured. */
const MAX_RETRY_AFTER_MS = 600_000;

function defaultId(prefix: 'run' | 'batch' | 'exec'): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(5).toString('hex')}`;
}

/** A sliding-window limit: at most `max` admissions in any `perMs`. */
class Window {
  readonly limit: RateLimit;
  readonly #times: number[] = [];
  constructor(limit: RateLimit) {
    this.limit = limit;
  }
  /** True when one more fits at `now` (and then it is counted only by `take`). */
  fits(now: number): boolean {
    while (this.#times.length > 0 && (this.#times[0] as number) <= now - this.limit.perMs) this.#times.shift();
    return this.#times.length < this.limit.max;
  }
  take(now: number): void {
    this.#times.push(now);
  }
}

/** The namespace a subject is about ('' when none). */
function namespaceOf(subject: Subject): string {
  if (subject.type === 'alert') return subject.alert.target.namespace;
  return subject.finding.resource.namespace ?? '';
}

/** Whether the trigger's static filters admit the subject (labels are checked at run time). */
export function triggerMatches(trigger: Trigger, subject: Subject): boolean {
  if (trigger.on === 'alerts' ? subject.type !== 'alert' : subject.type !== 'finding') return false;
  if (subject.type === 'finding') {
    const finding = subject.finding;
    if (finding.status !== 'fail') return false;
    if (finding.suppressed && !trigger.includeSuppressed) return false;
  }
  if (trigger.ids && !matchesAnyGlob(subject.ruleId, trigger.ids)) return false;
  if (trigger.minSeverity && !atLeast(subject.severity, trigger.minSeverity)) return false;
  if (trigger.tactics) {
    if (subject.type !== 'alert') return false;
    const { tactic } = subject.alert.mitre;
    if (!trigger.tactics.some((t) => t.toLowerCase() === tactic.toLowerCase())) return false;
  }
  if (trigger.namespaces && !matchesAnyGlob(namespaceOf(subject), trigger.namespaces)) return false;
  if (trigger.azure) {
    const target = subject.target;
    if (target.type !== 'azure') return false;
    const { types, subscriptions } = trigger.azure;
    if (types && !types.some((t) => t.toLowerCase() === target.resourceType.toLowerCase())) return false;
    if (subscriptions && !subscriptions.some((s) => s.toLowerCase() === (target.subscriptionId ?? '').toLowerCase())) {
      return false;
    }
  }
  return true;
}

export function targetRecord(target: Target): TargetRecord {
  switch (target.type) {
    case 'kubernetes':
      return {
        type: 'kubernetes',
        apiVersion: target.ref.apiVersion,
        kind: target.ref.kind,
        ...(target.ref.namespace === undefined ? {} : { namespace: target.ref.namespace }),
        name: target.ref.name,
        ...(target.node === undefined ? {} : { node: target.node }),
        ...(target.cluster === undefined ? {} : { cluster: target.cluster }),
      };
    case 'azure':
      return { type: 'azure', kind: target.resourceType, id: target.id };
    case 'none':
      return { type: 'none', description: target.description };
  }
}

/** The target a record names, back as a Target (for undo). */
export function targetFromRecord(record: TargetRecord): Target {
  switch (record.type) {
    case 'kubernetes':
      return {
        type: 'kubernetes',
        ref: {
          apiVersion: record.apiVersion,
          kind: record.kind,
          ...(record.namespace === undefined ? {} : { namespace: record.namespace }),
          name: record.name,
        },
        ...(record.node === undefined ? {} : { node: record.node }),
        ...(record.cluster === undefined ? {} : { cluster: record.cluster }),
      };
    case 'azure': {
      const subscription = /^\/subscriptions\/([^/]+)/i.exec(record.id)?.[1];
      return {
        type: 'azure',
        id: record.id,
        resourceType: record.kind,
        ...(subscription ? { subscriptionId: subscription } : {}),
      };
    }
    case 'none':
      return { type: 'none', description: record.description };
  }
}

function formatMs(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

export class Runner {
  readonly stats: RunnerStats = {
    subjects: 0,
    matched: 0,
    duplicates: 0,
    limited: 0,
    cooldown: 0,
    results: { planned: 0, applied: 0, skipped: 0, failed: 0 },
  };
  readonly #opts: RunnerOptions;
  readonly #newId: (prefix: 'run' | 'batch' | 'exec') => string;
  readonly #batchId: string;
  readonly #logger: Logger;
  readonly #sleep: (ms: number) => Promise<void>;
  /** Per automation: the subject ids it has handled. */
  readonly #handled = new Map<string, Set<string>>();
  /** Per automation and target: when it last ran. */
  readonly #lastRun = new Map<string, number>();
  readonly #windows = new Map<string, Window>();
  readonly #global: Window | undefined;
  /** Runs waiting for a slot. */
  readonly #queue: (() => Promise<void>)[] = [];
  #active = 0;
  /** Per target: the tail of the runs on it (one at a time). */
  readonly #targetTails = new Map<string, Promise<void>>();
  readonly #pending = new Set<Promise<void>>();

  constructor(options: RunnerOptions) {
    this.#opts = options;
    this.#newId = options.newId ?? defaultId;
    this.#batchId = options.batchId ?? this.#newId('batch');
    this.#logger = options.logger ?? silentLogger;
    this.#sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    const global = options.rules.limits.global;
    this.#global = global ? new Window(global) : undefined;
    for (const automation of options.rules.automations) {
      if (automation.rateLimit) this.#windows.set(automation.name, new Window(automation.rateLimit));
    }
  }

  get batchId(): string {
    return this.#batchId;
  }

  /**
   * Decides, now, what every matching automation does about the subject, and queues the runs that
   * may go ahead. Returns when the decisions are made (not when the runs end: see `drain`).
   */
  submit(subject: Subject): void {
    this.stats.subjects++;
    const now = this.#opts.context.now().getTime();
    for (const automation of this.#opts.rules.automations) {
      if (!automation.enabled || !triggerMatches(automation.trigger, subject)) continue;
      this.stats.matched++;
      const handled = this.#handledBy(automation.name);
      if (handled.has(subject.id)) {
        this.stats.duplicates++;
        continue;
      }
      const labels = automation.trigger.labels;
      if (labels && Object.keys(labels).length > 0) {
        // The labels are read from the cluster first: only a target that matches takes a place in
        // the limits (decided then, in the order the reads end).
        this.#remember(handled, subject.id);
        this.#enqueue(automation, subject, true);
        continue;
      }
      const skip = this.#admission(automation, subject.target, now);
      if (skip !== undefined) {
        // Not remembered as handled: a later occurrence (the alert's next update, the next scan)
        // is considered again.
        for (const step of automation.steps)
          this.#record(automation, step, subject, subject.target, 'skipped', skip, 0, 0);
        continue;
      }
      this.#remember(handled, subject.id);
      this.#enqueue(automation, subject, false);
    }
  }

  /**
   * Takes the state of earlier invocations from their audit records (as `palisade automate` does
   * with its --audit-log): subjects an automation handled, and the runs that count towards its rate
   * limits and cooldowns now. Records are taken in the order given (the log's order).
   */
  seed(records: readonly RunRecord[]): void {
    const byName = new Map(this.#opts.rules.automations.map((a) => [a.name, a]));
    const now = this.#opts.context.now().getTime();
    // The admitted runs (executions) the records describe, in the mode this runner would use:
    // a dry-run's records say nothing about what an apply run has done.
    const executions = new Map<
      string,
      { rule: string; subject: string; at: number; failed: boolean; target: TargetRecord }
    >();
    for (const record of records) {
      const automation = byName.get(record.rule);
      if (!automation || record.undoOf !== undefined || record.execution === undefined) continue;
      const dryRun = this.#opts.forceDryRun === true || automation.mode === 'dry-run';
      if ((record.mode === 'dry-run') !== dryRun) continue;
      let execution = executions.get(record.execution);
      if (!execution) {
        execution = {
          rule: record.rule,
          subject: record.trigger.id,
          at: Date.parse(record.time),
          failed: false,
          target: record.trigger.target ?? record.target,
        };
        executions.set(record.execution, execution);
      }
      if (record.result === 'failed') execution.failed = true;
    }
    // Oldest first: the windows keep their times in order.
    const ordered = [...executions.values()]
      .filter((e) => Number.isFinite(e.at) && e.at <= now)
      .sort((a, b) => a.at - b.at);
    for (const e of ordered) {
      const automation = byName.get(e.rule) as Automation;
      // A run that failed is tried again when its subject comes back, as in the live path.
      if (!e.failed) this.#remember(this.#handledBy(e.rule), e.subject);
      const own = this.#windows.get(e.rule);
      if (own && e.at > now - own.limit.perMs) own.take(e.at);
      if (this.#global && e.at > now - this.#global.limit.perMs) this.#global.take(e.at);
      if (automation.cooldownMs !== undefined && e.at > now - automation.cooldownMs) {
        this.#lastRun.set(`${e.rule}\u0000${targetKey(targetFromRecord(e.target))}`, e.at);
      }
    }
  }

  #handledBy(name: string): Set<string> {
    let handled = this.#handled.get(name);
    if (!handled) {
      handled = new Set();
      this.#handled.set(name, handled);
    }
    return handled;
  }

  /** Remembers a handled subject; the oldest are forgotten past HANDLED_LIMIT (long-running mode). */
  #remember(handled: Set<string>, id: string): void {
    handled.add(id);
    if (handled.size > HANDLED_LIMIT) {
      const oldest = handled.values().next().value;
      if (oldest !== undefined) handled.delete(oldest);
    }
  }

  /** Resolves when every queued run has ended. */
  async drain(): Promise<RunnerStats> {
    while (this.#pending.size > 0) {
      await Promise.all([...this.#pending]);
    }
    return this.stats;
  }

  /** Why the automation may not run on the target now (cooldown, rate limits), or undefined. */
  #admission(automation: Automation, target: Target, now: number): string | undefined {
    const key = `${automation.name}\u0000${targetKey(target)}`;
    if (automation.cooldownMs !== undefined) {
      const last = this.#lastRun.get(key);
      if (last !== undefined && now - last < automation.cooldownMs) {
        this.stats.cooldown++;
        return `cooldown: "${automation.name}" acted on this target ${formatMs(now - last)} ago (cooldown ${formatMs(automation.cooldownMs)})`;
      }
    }
    const own = this.#windows.get(automation.name);
    if (own && !own.fits(now)) {
      this.stats.limited++;
      return `rate limit: "${automation.name}" allows ${own.limit.max} runs per ${formatMs(own.limit.perMs)}`;
    }
    if (this.#global && !this.#global.fits(now)) {
      this.stats.limited++;
      return `rate limit: all automations together allow ${this.#global.limit.max} runs per ${formatMs(this.#global.limit.perMs)}`;
    }
    own?.take(now);
    this.#global?.take(now);
    if (automation.cooldownMs !== undefined) {
      this.#lastRun.set(key, now);
      if (this.#lastRun.size > HANDLED_LIMIT) this.#pruneCooldowns(now);
    }
    return undefined;
  }

  /** Forgets cooldowns that have ended. */
  #pruneCooldowns(now: number): void {
    const longest = Math.max(0, ...this.#opts.rules.automations.map((a) => a.cooldownMs ?? 0));
    for (const [key, at] of this.#lastRun) if (now - at >= longest) this.#lastRun.delete(key);
  }

  /**
   * Queues a run. Runs on one target go one after the other: a run enters the pool (and takes a
   * slot) only once the previous run on its target has ended, so a busy target never holds slots
   * that other targets could use.
   */
  #enqueue(automation: Automation, subject: Subject, admitAfterLabels: boolean): void {
    const key = targetKey(subject.target);
    const previous = this.#targetTails.get(key) ?? Promise.resolve();
    let finished: () => void = () => {};
    const mine = new Promise<void>((resolve) => {
      finished = resolve;
    });
    this.#targetTails.set(key, mine);
    const pending: Promise<void> = previous
      .then(
        () =>
          new Promise<void>((resolve) => {
            this.#queue.push(async () => {
              try {
                await this.#execute(automation, subject, admitAfterLabels);
              } catch (error) {
                this.#logger.error({ err: error, automation: automation.name }, 'automation run failed unexpectedly');
              } finally {
                resolve();
              }
            });
            this.#pump();
          }),
      )
      .finally(() => {
        finished();
        if (this.#targetTails.get(key) === mine) this.#targetTails.delete(key);
        this.#pending.delete(pending);
      });
    this.#pending.add(pending);
  }

  #pump(): void {
    const limit = this.#opts.rules.limits.concurrency;
    while (this.#active < limit && this.#queue.length > 0) {
      const next = this.#queue.shift() as () => Promise<void>;
      this.#active++;
      void next().finally(() => {
        this.#active--;
        this.#pump();
      });
    }
  }

  async #execute(automation: Automation, subject: Subject, admitAfterLabels: boolean): Promise<void> {
    const dryRun = this.#opts.forceDryRun === true || automation.mode === 'dry-run';
    if (admitAfterLabels) {
      const labels = automation.trigger.labels ?? {};
      const mismatch = await this.#labelMismatch(labels, subject.target);
      if (mismatch !== undefined) {
        if (mismatch.result === 'failed') this.#handledBy(automation.name).delete(subject.id);
        for (const step of automation.steps) {
          this.#record(automation, step, subject, subject.target, mismatch.result, mismatch.reason, 0, 0, dryRun);
        }
        return;
      }
      const skip = this.#admission(automation, subject.target, this.#opts.context.now().getTime());
      if (skip !== undefined) {
        this.#handledBy(automation.name).delete(subject.id);
        for (const step of automation.steps)
          this.#record(automation, step, subject, subject.target, 'skipped', skip, 0, 0, dryRun);
        return;
      }
    }
    // Admitted: the records of this run share its execution id (the audit log's memory of it).
    const execution = this.#newId('exec');
    let stopped: string | undefined;
    for (const step of automation.steps) {
      if (stopped !== undefined) {
        this.#record(
          automation,
          step,
          subject,
          subject.target,
          'skipped',
          stopped,
          0,
          0,
          dryRun,
          undefined,
          undefined,
          execution,
        );
        continue;
      }
      const runId = this.#newId('run');
      const started = performance.now();
      const { outcome, error, attempts } = await this.#attempt(step, subject, automation, runId, dryRun);
      const durationMs = Math.round(performance.now() - started);
      if (outcome) {
        this.#record(
          automation,
          step,
          subject,
          outcome.target ?? subject.target,
          outcome.result,
          outcome.reason,
          attempts,
          durationMs,
          dryRun,
          runId,
          outcome.undo,
          execution,
        );
      } else {
        this.#record(
          automation,
          step,
          subject,
          subject.target,
          'failed',
          error ?? 'failed',
          attempts,
          durationMs,
          dryRun,
          runId,
          undefined,
          execution,
        );
        // A later occurrence of the subject may try again.
        this.#handledBy(automation.name).delete(subject.id);
        if (!step.continue) stopped = `not run: ${step.action.meta.id} failed before it (continue: false)`;
      }
    }
  }

  /** Runs one step with retries on transient errors. */
  async #attempt(
    step: Step,
    subject: Subject,
    automation: Automation,
    runId: string,
    dryRun: boolean,
  ): Promise<{ outcome?: ActionOutcome; error?: string; attempts: number }> {
    const retries = this.#opts.rules.limits.retries;
    const base = this.#opts.backoffMs ?? 500;
    const cap = this.#opts.maxBackoffMs ?? 30_000;
    const ctx: ActionContext = { ...this.#opts.context, runId };
    const state: Record<string, unknown> = {};
    for (let attempt = 1; ; attempt++) {
      try {
        const outcome = await step.action.run(
          { params: step.params, subject, target: subject.target, rule: automation.name, dryRun, attempt, state },
          ctx,
        );
        return { outcome, attempts: attempt };
      } catch (error) {
        const transient = error instanceof ActionError && error.transient;
        const message = error instanceof Error ? error.message : String(error);
        if (!transient || attempt > retries) {
          const suffix = transient ? ` (gave up after ${attempt} attempts)` : '';
          if (!(error instanceof ActionError)) {
            this.#logger.error({ err: error, action: step.action.meta.id }, 'action threw an unexpected error');
          }
          return { error: `${message}${suffix}`, attempts: attempt };
        }
        // Retry-After is honoured up to MAX_RETRY_AFTER_MS; the exponential backoff is capped at maxBackoffMs.
        const wait =
          error.retryAfterMs !== undefined
            ? Math.min(MAX_RETRY_AFTER_MS, error.retryAfterMs)
            : Math.min(cap, base * 2 ** (attempt - 1));
        this.#logger.warn({ action: step.action.meta.id, attempt, waitMs: wait, error: message }, 'retrying action');
        await this.#sleep(wait);
      }
    }
  }

  /** Reads the target's labels; a reason when they do not match the trigger or cannot be read. */
  async #labelMismatch(
    labels: Readonly<Record<string, string>>,
    target: Target,
  ): Promise<{ result: RunResult; reason: string } | undefined> {
    if (target.type !== 'kubernetes') {
      return { result: 'skipped', reason: 'trigger.labels needs a Kubernetes target; this subject has none' };
    }
    let object: KubeObjectData | undefined;
    try {
      object = await (await this.#opts.context.kube()).get(target.ref);
    } catch (error) {
      return {
        result: 'failed',
        reason: `cannot read the target's labels for trigger.labels: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
    if (!object) return { result: 'skipped', reason: 'the target no longer exists' };
    const own = object.metadata.labels ?? {};
    const wrong = Object.entries(labels).filter(([k, v]) => own[k] !== v);
    if (wrong.length === 0) return undefined;
    return {
      result: 'skipped',
      reason: `trigger.labels: the target has ${wrong.map(([k]) => (own[k] === undefined ? `no label ${k}` : `${k}=${own[k]}`)).join(', ')} (wanted ${wrong.map(([k, v]) => `${k}=${v}`).join(', ')})`,
    };
  }

  #record(
    automation: Automation,
    step: Step,
    subject: Subject,
    target: Target,
    result: RunResult,
    reason: string,
    attempts: number,
    durationMs: number,
    dryRun: boolean = this.#opts.forceDryRun === true || automation.mode === 'dry-run',
    runId: string = this.#newId('run'),
    undo?: Readonly<Record<string, unknown>>,
    execution?: string,
  ): void {
    const record: RunRecord = {
      runId,
      batchId: this.#batchId,
      time: this.#opts.context.now().toISOString(),
      rule: automation.name,
      action: step.action.meta.id,
      trigger: {
        type: subject.type,
        id: subject.id,
        ruleId: subject.ruleId,
        severity: subject.severity,
        title: subject.title,
        target: targetRecord(subject.target),
      },
      ...(execution === undefined ? {} : { execution }),
      target: targetRecord(target),
      params: step.action.recordedParams ? step.action.recordedParams(step.params) : step.params,
      mode: dryRun ? 'dry-run' : 'apply',
      result,
      reason,
      attempts,
      durationMs,
      ...(undo === undefined || result !== 'applied' ? {} : { undo }),
    };
    this.stats.results[result]++;
    this.#opts.audit?.append(record);
    this.#opts.onRecord?.(record);
  }
}

/**
 * A runner whose memory is an audit log: the records already in `auditFile` seed it (handled
 * subjects, rate limits, cooldowns), and its own records are appended to it. Close `audit` when
 * the runner has drained.
 */
export function openRunner(options: Omit<RunnerOptions, 'audit'> & { readonly auditFile: string }): {
  runner: Runner;
  audit: AuditLog;
  diagnostics: Diagnostic[];
} {
  const { auditFile, ...rest } = options;
  let history: RunRecord[] = [];
  let diagnostics: Diagnostic[] = [];
  if (existsSync(auditFile)) ({ records: history, diagnostics } = readAuditLog(auditFile));
  const audit = new AuditLog(auditFile);
  const runner = new Runner({ ...rest, audit });
  runner.seed(history);
  return { runner, audit, diagnostics };
}

export interface UndoOptions {
  /** Run id of one action run, or a batch id (every applied run of the batch, newest first). */
  readonly id: string;
  readonly auditFile: string;
  readonly context: BaseContext;
  readonly audit?: AuditLog;
  readonly dryRun?: boolean;
  readonly newId?: (prefix: 'run' | 'batch' | 'exec') => string;
  readonly onRecord?: (record: RunRecord) => void;
  /** Finds an action by id (default: the registry). */
  readonly lookup?: (id: string) => AnyAction | undefined;
}

/**
 * Reverses applied runs recorded in the audit log: one run by its id, or every applied run of a
 * batch (newest first). A run already undone, not applied, or of an action without undo is
 * refused with the reason. Each undo is recorded (with `undoOf`).
 */
export async function undoRuns(options: UndoOptions): Promise<RunRecord[]> {
  const newId = options.newId ?? defaultId;
  const { records } = readAuditLog(options.auditFile);
  const undone = new Set(records.filter((r) => r.undoOf && r.result === 'applied').map((r) => r.undoOf));
  const byRun = records.filter((r) => r.runId === options.id && r.undoOf === undefined);
  const selected =
    byRun.length > 0
      ? byRun
      : records.filter((r) => r.batchId === options.id && r.result === 'applied' && r.undoOf === undefined).reverse();
  if (selected.length === 0) {
    throw new ActionError(`no run or batch "${options.id}" in ${options.auditFile}`);
  }
  const batchId = newId('batch');
  const out: RunRecord[] = [];
  for (const record of selected) {
    const emit = (result: RunResult, reason: string, durationMs = 0): void => {
      const { undo: _recorded, ...rest } = record;
      const entry: RunRecord = {
        ...rest,
        runId: newId('run'),
        batchId,
        time: options.context.now().toISOString(),
        mode: options.dryRun ? 'dry-run' : 'apply',
        result,
        reason,
        attempts: result === 'skipped' ? 0 : 1,
        durationMs,
        undoOf: record.runId,
      };
      options.audit?.append(entry);
      options.onRecord?.(entry);
      out.push(entry);
    };
    const action = (options.lookup ?? findAction)(record.action);
    if (!action) {
      emit('failed', `unknown action "${record.action}"`);
      continue;
    }
    if (record.result !== 'applied') {
      emit('skipped', `run ${record.runId} was ${record.result}, not applied: nothing to undo`);
      continue;
    }
    if (!action.undo || !record.undo) {
      emit('skipped', `${action.meta.id} has no undo`);
      continue;
    }
    if (undone.has(record.runId)) {
      emit('skipped', `run ${record.runId} was already undone`);
      continue;
    }
    const started = performance.now();
    try {
      const outcome = await action.undo(
        { data: record.undo, target: targetFromRecord(record.target), dryRun: options.dryRun === true },
        { ...options.context, runId: record.runId },
      );
      emit(outcome.result, outcome.reason, Math.round(performance.now() - started));
    } catch (error) {
      emit('failed', error instanceof Error ? error.message : String(error), Math.round(performance.now() - started));
    }
  }
  return out;
}
