/**
 * `detect(events, options)`: the library API of threat detection. Loads rules (the built-in pack
 * plus `options.rules` files), runs every event through the engine and the alert aggregator, and
 * yields alerts as an async iterable. Diagnostics (rule files, rule evaluation errors, throttling,
 * early closes) and counters are on the returned run once iteration ends.
 *
 * @example
 * const run = detect(readEvents(['audit.log']), { dedupWindowMs: 600_000 });
 * for await (const alert of run) console.log(alert.ruleId, alert.count, alert.actor.user);
 * console.error(run.stats.events, run.diagnostics.length);
 */
import { readFile } from 'node:fs/promises';
import { type Alert, type Collected, type Diagnostic, type Incident, InputError } from '#core';
import {
  type AggregateOptions,
  type AggregateStats,
  AlertAggregator,
  emptyAggregateStats,
  type RuleInfo,
} from './alerts/index.ts';
import { builtinRulePaths } from './builtin.ts';
import {
  type CompiledRule,
  compileRuleFiles,
  createEngine,
  type EngineStats,
  loadRuleFile,
  type RuleFile,
} from './engine/index.ts';
import type { ThreatEvent } from './event.ts';

export interface RuleLoadOptions {
  /** Extra rule files, loaded after the built-in pack (later files win). */
  readonly rules?: readonly string[];
  /** Load the built-in pack (default true). */
  readonly builtin?: boolean;
  /** Rule ids to disable. */
  readonly disable?: readonly string[];
}

export interface LoadedRules {
  /** Enabled rules, in load order. */
  readonly rules: readonly CompiledRule[];
  /** Ids loaded but disabled (in a file, by an override, or by `disable`). */
  readonly disabled: readonly string[];
  readonly files: readonly RuleFile[];
}

/**
 * Reads and compiles the rule files. A file that cannot be read is an InputError; a bad rule is a
 * diagnostic (the others are kept).
 */
export async function loadRules(options: RuleLoadOptions = {}): Promise<Collected<LoadedRules>> {
  const paths = [...(options.builtin === false ? [] : builtinRulePaths()), ...(options.rules ?? [])];
  const diagnostics: Diagnostic[] = [];
  const files: RuleFile[] = [];
  for (const path of paths) {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new InputError(
        code === 'ENOENT' ? 'input.not-found' : 'input.invalid',
        `cannot read rule file ${path}: ${err instanceof Error ? err.message : String(err)}`,
        { location: { file: path } },
      );
    }
    const loaded = loadRuleFile(text, path);
    diagnostics.push(...loaded.diagnostics);
    files.push(loaded.value);
  }
  const compiled = compileRuleFiles(files);
  diagnostics.push(...compiled.diagnostics);
  const off = new Set(options.disable ?? []);
  const known = new Set([...compiled.value.rules.map((r) => r.spec.id), ...compiled.value.disabled]);
  for (const id of off) {
    if (!known.has(id)) {
      diagnostics.push({
        level: 'warning',
        code: 'rules.unknown-id',
        message: `cannot disable rule ${id}: no loaded rule has this id`,
        location: { file: '<options>' },
      });
    }
  }
  const rules = compiled.value.rules.filter((r) => !off.has(r.spec.id));
  const disabled = [
    ...compiled.value.disabled,
    ...compiled.value.rules.filter((r) => off.has(r.spec.id)).map((r) => r.spec.id),
  ];
  return { value: { rules, disabled, files }, diagnostics };
}

export interface DetectOptions extends RuleLoadOptions, AggregateOptions {
  /** Pre-compiled rules: skips loading (`rules`, `builtin` and `disable` are then ignored). */
  readonly compiled?: readonly CompiledRule[];
  /** Window keys per rule in the engine (default 50,000). */
  readonly maxKeysPerRule?: number;
}

export interface DetectStats {
  /** Rules evaluated. */
  rules: number;
  events: number;
  alerts: AggregateStats;
  engine?: EngineStats;
}

/** Alerts as they are emitted; `stats`, `diagnostics` and `incidents` are final once iteration ends. */
export interface DetectRun extends AsyncIterable<Alert> {
  readonly stats: DetectStats;
  readonly diagnostics: readonly Diagnostic[];
  /** Incidents formed (several rules for one actor), with the ids of their alerts. */
  incidents(): Incident[];
}

function ruleInfo(rules: readonly CompiledRule[]): Map<string, RuleInfo> {
  return new Map(
    rules.map((r) => [
      r.spec.id,
      { mitre: r.spec.mitre, ...(r.spec.remediation ? { remediation: r.spec.remediation } : {}) },
    ]),
  );
}

/** The events a chunk at a time when the source offers it (readEvents does), else one by one. */
async function* inBatches(events: AsyncIterable<ThreatEvent>): AsyncGenerator<readonly ThreatEvent[]> {
  const batches = (events as { batches?: unknown }).batches;
  if (typeof batches === 'function') {
    yield* (batches as () => AsyncIterable<readonly ThreatEvent[]>).call(events);
    return;
  }
  for await (const ev of events) yield [ev];
}

export function detect(events: AsyncIterable<ThreatEvent>, options: DetectOptions = {}): DetectRun {
  const diagnostics: Diagnostic[] = [];
  const stats: DetectStats = {
    rules: 0,
    events: 0,
    alerts: emptyAggregateStats(),
  };
  let aggregator: AlertAggregator | undefined;

  async function* run(): AsyncGenerator<Alert> {
    let rules = options.compiled;
    if (rules === undefined) {
      const loaded = await loadRules(options);
      diagnostics.push(...loaded.diagnostics);
      rules = loaded.value.rules;
    }
    stats.rules = rules.length;
    const engine = createEngine(rules, options.maxKeysPerRule ? { maxKeysPerRule: options.maxKeysPerRule } : {});
    stats.engine = engine.stats;
    const agg = new AlertAggregator(ruleInfo(rules), options);
    aggregator = agg;
    stats.alerts = agg.stats;
    try {
      for await (const batch of inBatches(events)) {
        for (const ev of batch) {
          stats.events++;
          const matches = engine.evaluate(ev);
          if (matches.length > 0) for (const m of matches) agg.add(m);
          else agg.advance(ev.time);
          if (agg.pending > 0) yield* agg.drain();
        }
      }
      agg.finish();
      yield* agg.drain();
    } finally {
      diagnostics.push(...engine.diagnostics);
      for (const [ruleId, n] of Object.entries(agg.stats.throttled)) {
        diagnostics.push({
          level: 'warning',
          code: 'alerts.throttled',
          message: `rule ${ruleId}: ${n} new alert(s) dropped by throttling (${options.throttle?.maxNewAlerts ?? 1000} new alerts per ${options.throttle?.periodMs ?? 60_000} ms per rule)`,
          location: { file: '<detect>' },
        });
      }
      if (agg.stats.forcedClose > 0) {
        diagnostics.push({
          level: 'warning',
          code: 'alerts.forced-close',
          message: `${agg.stats.forcedClose} alert(s) closed before their dedup window ended: more than ${options.maxOpenAlerts ?? 100_000} open alerts (their later matches start new alerts)`,
          location: { file: '<detect>' },
        });
      }
      if (agg.stats.incidentsNotKept > 0) {
        diagnostics.push({
          level: 'warning',
          code: 'alerts.incidents-not-kept',
          message: `${agg.stats.incidentsNotKept} incident(s) not listed (10,000 kept); their alerts still carry incidentId`,
          location: { file: '<detect>' },
        });
      }
      const evictions = [...engine.stats.rules.entries()].filter(([, s]) => s.evictions > 0);
      for (const [ruleId, s] of evictions) {
        diagnostics.push({
          level: 'warning',
          code: 'rules.window-evictions',
          message: `rule ${ruleId}: ${s.evictions} window key(s) evicted at the per-rule cap; its window may miss or repeat detections`,
          location: { file: '<detect>' },
        });
      }
    }
  }

  return {
    [Symbol.asyncIterator]: () => run(),
    stats,
    diagnostics,
    incidents: () => aggregator?.incidents() ?? [],
  };
}
