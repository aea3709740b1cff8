/**
 * The rule engine: indexes compiled rules by (source, stage, verb, resource[/subresource]) so each
 * event is tested only against rules whose `match` pre-filter admits it (apiGroups and the optional
 * native keys — codes, users/groups, userAgentContains, impersonated, sourceIPsIn — are checked per candidate
 * before any CEL), evaluates CEL conditions
 * and exceptions, keeps bounded stateful windows, and renders outputs.
 *
 * Activation (the CEL variables every rule sees, computed once per event):
 * - `event`: the audit event as parsed (`{}` for Falco events); `falco`: the Falco event (`{}` for
 *   audit events).
 * - `user` (user.username), `groups`, `verb`, `resource`, `subresource`, `name`, `ns`
 *   (objectRef.namespace: `namespace` is a reserved word in CEL),
 *   `apiGroup` (objectRef fields), `stage`, `code` (responseStatus.code, 0 when absent),
 *   `sourceIPs`, `userAgent`, `requestObject`, `responseObject` (`{}` when absent). Absent strings
 *   are "". For Falco events `user`/`ns`/`name` come from
 *   output_fields user.name/k8s.ns.name/k8s.pod.name; the rest are empty.
 *
 * Windows (applied after the condition matched and no exception did):
 * - count: per key, the last `threshold` event times; fires once when `threshold` events fall
 *   within `duration`, and re-arms only once the count drops below the threshold again.
 * - first-seen: the first `learning` period after the rule's first event only records keys; after
 *   it, a key not recorded before fires once and is recorded.
 * State is per rule, a map in least-recently-used order: keys idle longer than the window are
 *   swept, and at `maxKeysPerRule` the least recently used key is evicted and counted in stats
 *   (a first-seen key evicted this way may fire again later).
 */
import type { Diagnostic, Severity } from '#core';
import type { ThreatEvent } from '../event.ts';
import type { CompiledRule, Program } from './compile.ts';
import type { MatchSpec } from './schema.ts';

/** One rule firing on one event. Dedup and correlation happen in a later layer. */
export interface Match {
  readonly ruleId: string;
  readonly title: string;
  /** After overrides. */
  readonly severity: Severity;
  readonly event: ThreatEvent;
  /** The rule's output template, rendered. */
  readonly output: string;
  /** Present for stateful rules: the window state that made it fire. */
  readonly window?:
    | {
        readonly kind: 'count';
        readonly key: string;
        readonly count: number;
        readonly threshold: number;
        readonly durationMs: number;
      }
    | { readonly kind: 'first-seen'; readonly key: string };
}

export type StepResult = 'matched' | 'not-matched' | 'error' | 'skipped';

/** Why a rule did or did not fire on an event (for `rules test`); does not change window state. */
export interface Explanation {
  readonly ruleId: string;
  /** False when no enabled rule has this id. */
  readonly found: boolean;
  readonly prefilter: { readonly result: StepResult; readonly reason: string };
  readonly condition: { readonly result: StepResult; readonly error?: string };
  readonly exceptions: readonly { readonly name: string; readonly result: StepResult; readonly error?: string }[];
  readonly window: { readonly result: StepResult; readonly detail: string };
  /** Whether evaluate() would return a match for this event now. */
  readonly matched: boolean;
}

export interface RuleStats {
  /** Events that passed the pre-filter and had the condition evaluated. */
  evaluated: number;
  matched: number;
  /** Condition matched but an exception silenced it. */
  excepted: number;
  errors: number;
  windowKeys: number;
  evictions: number;
}

export interface EngineStats {
  events: number;
  /** Total condition evaluations across rules (what the index saves). */
  candidatesTested: number;
  matches: number;
  readonly rules: ReadonlyMap<string, RuleStats>;
}

export interface Engine {
  /** The matches of one event (a shared empty array when there are none: do not modify). */
  evaluate(event: ThreatEvent): readonly Match[];
  explain(event: ThreatEvent, ruleId: string): Explanation;
  readonly stats: EngineStats;
  /** One per rule that threw on an event (reported once per rule), naming the rule and event. */
  readonly diagnostics: readonly Diagnostic[];
}

export interface EngineOptions {
  /** Hard cap on window keys per rule (default 50,000). */
  readonly maxKeysPerRule?: number;
}

type Activation = Record<string, unknown>;
const EMPTY: Readonly<Record<string, unknown>> = Object.freeze({});
const NO_MATCHES: readonly Match[] = Object.freeze([]);

function activationOf(ev: ThreatEvent): Activation {
  if (ev.kind === 'audit') {
    const e = ev.event;
    const ref = e.objectRef;
    return {
      event: e,
      falco: EMPTY,
      user: e.user.username ?? '',
      groups: e.user.groups ?? [],
      verb: e.verb,
      resource: ref?.resource ?? '',
      subresource: ref?.subresource ?? '',
      ns: ref?.namespace ?? '',
      name: ref?.name ?? '',
      apiGroup: ref?.apiGroup ?? '',
      stage: e.stage,
      code: e.responseStatus?.code ?? 0,
      sourceIPs: e.sourceIPs ?? [],
      userAgent: e.userAgent ?? '',
      requestObject: e.requestObject ?? EMPTY,
      responseObject: e.responseObject ?? EMPTY,
    };
  }
  const f = ev.falco;
  const field = (k: string): string => {
    const v = f.output_fields?.[k];
    return typeof v === 'string' ? v : '';
  };
  return {
    event: EMPTY,
    falco: f,
    user: field('user.name'),
    groups: [],
    verb: '',
    resource: '',
    subresource: '',
    ns: field('k8s.ns.name'),
    name: field('k8s.pod.name'),
    apiGroup: '',
    stage: '',
    code: 0,
    sourceIPs: [],
    userAgent: '',
    requestObject: EMPTY,
    responseObject: EMPTY,
  };
}

function keyString(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x)) ?? 'null';
}

function renderValue(v: unknown): string {
  if (v === null || v === undefined) return '<none>';
  if (Array.isArray(v)) return v.map(renderValue).join(',');
  return keyString(v);
}

function errorText(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';
}

interface CountEntry {
  times: number[];
  next: number;
  fired: boolean;
  last: number;
}

class RuleState {
  readonly rule: CompiledRule;
  readonly stats: RuleStats = { evaluated: 0, matched: 0, excepted: 0, errors: 0, windowKeys: 0, evictions: 0 };
  readonly counts = new Map<string, CountEntry>();
  readonly seen = new Map<string, number>();
  learningStart: number | undefined;
  now = Number.NEGATIVE_INFINITY;
  reported = false;
  constructor(rule: CompiledRule) {
    this.rule = rule;
  }
}

function resourceKey(resource: string, subresource: string): string {
  return subresource ? `${resource}/${subresource}` : resource;
}

/** The index test: undefined when (stage, verb, resource) pass `match`, else the reason. */
function admits(m: MatchSpec, stage: string, verb: string, res: string): string | undefined {
  if (!(m.stages as readonly string[]).includes(stage)) return `stage ${stage} not in [${m.stages.join(', ')}]`;
  if (m.verbs.length > 0 && !m.verbs.includes(verb) && !m.verbs.includes('*')) {
    return `verb ${verb} not in [${m.verbs.join(', ')}]`;
  }
  if (m.resources.length > 0 && !m.resources.includes(res) && !m.resources.includes('*')) {
    return `resource ${res || '(none)'} not in [${m.resources.join(', ')}]`;
  }
  return undefined;
}

function prefilter(rule: CompiledRule, ev: ThreatEvent): { ok: boolean; reason: string } {
  const wanted = rule.spec.source;
  if (ev.kind !== wanted) return { ok: false, reason: `rule is for ${wanted} events, event is ${ev.kind}` };
  if (ev.kind === 'falco') return { ok: true, reason: 'falco event' };
  const e = ev.event;
  const m = rule.spec.match;
  const res = resourceKey(e.objectRef?.resource ?? '', e.objectRef?.subresource ?? '');
  const refused = admits(m, e.stage, e.verb, res);
  if (refused !== undefined) return { ok: false, reason: refused };
  const group = e.objectRef?.apiGroup ?? '';
  if (m.apiGroups.length > 0 && !m.apiGroups.includes(group) && !m.apiGroups.includes('*')) {
    return { ok: false, reason: `apiGroup "${group}" not in [${m.apiGroups.map((g) => `"${g}"`).join(', ')}]` };
  }
  const narrowed = rule.narrow?.refusal(e);
  if (narrowed !== undefined) return { ok: false, reason: narrowed };
  return { ok: true, reason: `stage ${e.stage}, verb ${e.verb}, resource ${res || '(none)'} admitted` };
}

const INDEX_CACHE_MAX = 4096;

function getOrSet<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
}

export function createEngine(rules: readonly CompiledRule[], options: EngineOptions = {}): Engine {
  const maxKeys = Math.max(1, options.maxKeysPerRule ?? 50_000);
  const states = rules.map((r) => new RuleState(r));
  const byId = new Map(states.map((s) => [s.rule.spec.id, s]));
  const auditRules = states.filter((s) => s.rule.spec.source === 'audit');
  const falcoRules = states.filter((s) => s.rule.spec.source === 'falco');
  const ruleStats = new Map<string, RuleStats>(states.map((s) => [s.rule.spec.id, s.stats]));
  const stats: EngineStats = { events: 0, candidatesTested: 0, matches: 0, rules: ruleStats };
  const diagnostics: Diagnostic[] = [];
  // Index: stage → verb → resource → subresource → candidate rules (nested maps, so no key string
  // is built per event); apiGroups and the native match keys are checked per candidate.
  const index = new Map<string, Map<string, Map<string, Map<string, RuleState[]>>>>();
  let indexed = 0;

  function candidates(ev: ThreatEvent): readonly RuleState[] {
    if (ev.kind === 'falco') return falcoRules;
    const e = ev.event;
    const resource = e.objectRef?.resource ?? '';
    const sub = e.objectRef?.subresource ?? '';
    const list = index.get(e.stage)?.get(e.verb)?.get(resource)?.get(sub);
    if (list !== undefined) return list;
    const res = resourceKey(resource, sub);
    const found = auditRules.filter((s) => admits(s.rule.spec.match, e.stage, e.verb, res) === undefined);
    if (indexed < INDEX_CACHE_MAX) {
      indexed++;
      const byVerb = getOrSet(index, e.stage, () => new Map());
      const byResource = getOrSet(byVerb, e.verb, () => new Map());
      getOrSet(byResource, resource, () => new Map()).set(sub, found);
    }
    return found;
  }

  function groupOk(s: RuleState, ev: ThreatEvent): boolean {
    const groups = s.rule.spec.match.apiGroups;
    if (groups.length === 0 || ev.kind !== 'audit') return true;
    const g = ev.event.objectRef?.apiGroup ?? '';
    return groups.includes(g) || groups.includes('*');
  }

  function report(s: RuleState, ev: ThreatEvent, what: string, err: unknown): void {
    s.stats.errors++;
    if (s.reported) return;
    s.reported = true;
    const where = ev.location.line === undefined ? ev.location.file : `${ev.location.file}:${ev.location.line}`;
    diagnostics.push({
      level: 'warning',
      code: 'rules.eval-error',
      message:
        `rule ${s.rule.spec.id} (${s.rule.origin.file}:${s.rule.origin.line}) ${what} failed on event at ${where}: ` +
        `${errorText(err)}; further errors of this rule are only counted`,
      location: ev.location,
    });
  }

  function run(p: Program, act: Activation): boolean {
    return p(act) === true;
  }

  function touch<V>(map: Map<string, V>, key: string, value: V): void {
    map.delete(key);
    map.set(key, value);
  }

  function makeRoom<V>(s: RuleState, map: Map<string, V>, expired: (v: V) => boolean): void {
    for (const [k, v] of map) {
      if (map.size < maxKeys && !expired(v)) break;
      if (expired(v)) {
        map.delete(k);
        continue;
      }
      map.delete(k);
      s.stats.evictions++;
    }
  }

  type WindowOutcome = { fire: boolean; info?: Match['window']; detail: string };

  function countWindow(s: RuleState, key: string, t: number, commit: boolean): WindowOutcome {
    const w = s.rule.window;
    if (w?.kind !== 'count') return { fire: true, detail: 'no window' };
    const existing = s.counts.get(key);
    const now = Math.max(s.now, t);
    const from = t - w.durationMs;
    const times = existing ? [...existing.times] : [];
    let nextSlot = existing?.next ?? 0;
    if (times.length < w.threshold) times.push(t);
    else {
      times[nextSlot] = t;
      nextSlot = (nextSlot + 1) % w.threshold;
    }
    let count = 0;
    for (const x of times) if (x > from && x <= t) count++;
    const crossing = count >= w.threshold && !(existing?.fired ?? false);
    if (commit) {
      s.now = now;
      const entry: CountEntry = existing ?? { times: [], next: 0, fired: false, last: t };
      entry.times = times;
      entry.next = nextSlot;
      entry.last = Math.max(entry.last, t);
      entry.fired = count >= w.threshold;
      if (!existing) {
        makeRoom(s, s.counts, (v) => v.last <= now - w.durationMs);
      }
      touch(s.counts, key, entry);
      s.stats.windowKeys = s.counts.size;
    }
    const detail = `count ${count}/${w.threshold} within ${w.durationMs}ms for key "${key}"${crossing ? ', crossing' : count >= w.threshold ? ', already fired for this crossing' : ''}`;
    return crossing
      ? { fire: true, detail, info: { kind: 'count', key, count, threshold: w.threshold, durationMs: w.durationMs } }
      : { fire: false, detail };
  }

  function firstSeenWindow(s: RuleState, key: string, t: number, commit: boolean): WindowOutcome {
    const w = s.rule.window;
    if (w?.kind !== 'first-seen') return { fire: true, detail: 'no window' };
    const start = s.learningStart ?? t;
    const learning = t < start + w.learningMs;
    const known = s.seen.has(key);
    if (commit) {
      s.learningStart = start;
      if (!known) makeRoom(s, s.seen, () => false);
      touch(s.seen, key, t);
      s.stats.windowKeys = s.seen.size;
    }
    if (learning)
      return {
        fire: false,
        detail: `learning until ${new Date(start + w.learningMs).toISOString()}, key "${key}" recorded`,
      };
    if (known) return { fire: false, detail: `key "${key}" seen before` };
    return { fire: true, detail: `key "${key}" seen for the first time`, info: { kind: 'first-seen', key } };
  }

  function render(s: RuleState, act: Activation): string {
    let out = '';
    for (const part of s.rule.output) {
      if ('text' in part) out += part.text;
      else {
        try {
          out += renderValue(part.expr(act));
        } catch {
          out += '<?>';
        }
      }
    }
    return out;
  }

  function evaluate(ev: ThreatEvent): readonly Match[] {
    stats.events++;
    const list = candidates(ev);
    if (list.length === 0) return NO_MATCHES;
    let act: Activation | undefined;
    // Allocated on the first match only: almost every event matches nothing.
    let matches: Match[] | undefined;
    for (const s of list) {
      if (!groupOk(s, ev)) continue;
      if (s.rule.narrow !== undefined && ev.kind === 'audit' && !s.rule.narrow.test(ev.event)) continue;
      act ??= activationOf(ev);
      stats.candidatesTested++;
      s.stats.evaluated++;
      let hit: boolean;
      try {
        hit = run(s.rule.condition, act);
      } catch (err) {
        report(s, ev, 'condition', err);
        continue;
      }
      if (!hit) continue;
      let excepted = false;
      for (const exc of s.rule.exceptions) {
        try {
          if (run(exc.program, act)) {
            excepted = true;
            break;
          }
        } catch (err) {
          report(s, ev, `exception "${exc.name}"`, err);
        }
      }
      if (excepted) {
        s.stats.excepted++;
        continue;
      }
      let info: Match['window'];
      const w = s.rule.window;
      if (w) {
        let key: string;
        try {
          key = keyString(w.key(act));
        } catch (err) {
          report(s, ev, 'window key', err);
          continue;
        }
        const outcome =
          w.kind === 'count' ? countWindow(s, key, ev.time, true) : firstSeenWindow(s, key, ev.time, true);
        if (!outcome.fire) continue;
        info = outcome.info;
      }
      s.stats.matched++;
      stats.matches++;
      matches ??= [];
      matches.push({
        ruleId: s.rule.spec.id,
        title: s.rule.spec.title,
        severity: s.rule.severity,
        event: ev,
        output: render(s, act),
        ...(info ? { window: info } : {}),
      });
    }
    return matches ?? NO_MATCHES;
  }

  function explain(ev: ThreatEvent, ruleId: string): Explanation {
    const s = byId.get(ruleId);
    const skipped = { result: 'skipped' as const };
    if (!s) {
      return {
        ruleId,
        found: false,
        prefilter: { result: 'skipped', reason: `no enabled rule ${ruleId}` },
        condition: skipped,
        exceptions: [],
        window: { result: 'skipped', detail: '' },
        matched: false,
      };
    }
    const pf = prefilter(s.rule, ev);
    const base = {
      ruleId,
      found: true,
      prefilter: { result: pf.ok ? 'matched' : 'not-matched', reason: pf.reason },
    } as const;
    const notReached = (cond: Explanation['condition']): Explanation => ({
      ...base,
      condition: cond,
      exceptions: s.rule.exceptions.map((e) => ({ name: e.name, result: 'skipped' })),
      window: { result: 'skipped', detail: s.rule.window ? 'not reached' : 'no window' },
      matched: false,
    });
    if (!pf.ok) return notReached(skipped);
    const act = activationOf(ev);
    let hit: boolean;
    try {
      hit = run(s.rule.condition, act);
    } catch (err) {
      return notReached({ result: 'error', error: errorText(err) });
    }
    if (!hit) return notReached({ result: 'not-matched' });
    let excepted = false;
    const exceptions = s.rule.exceptions.map((e): Explanation['exceptions'][number] => {
      if (excepted) return { name: e.name, result: 'skipped' };
      try {
        excepted = run(e.program, act);
        return { name: e.name, result: excepted ? 'matched' : 'not-matched' };
      } catch (err) {
        return { name: e.name, result: 'error', error: errorText(err) };
      }
    });
    const condition = { result: 'matched' } as const;
    const w = s.rule.window;
    if (excepted || !w) {
      return {
        ...base,
        condition,
        exceptions,
        window: { result: 'skipped', detail: w ? 'not reached' : 'no window' },
        matched: !excepted,
      };
    }
    let key: string;
    try {
      key = keyString(w.key(act));
    } catch (err) {
      return { ...base, condition, exceptions, window: { result: 'error', detail: errorText(err) }, matched: false };
    }
    const outcome = w.kind === 'count' ? countWindow(s, key, ev.time, false) : firstSeenWindow(s, key, ev.time, false);
    return {
      ...base,
      condition,
      exceptions,
      window: { result: outcome.fire ? 'matched' : 'not-matched', detail: outcome.detail },
      matched: outcome.fire,
    };
  }

  return { evaluate, explain, stats, diagnostics };
}
