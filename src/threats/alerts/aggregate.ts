/**
 * Turns engine matches into alerts: deduplication, incident correlation, throttling and the
 * emission policy. All windows use event time (the largest event time seen so far is "now").
 *
 * - Dedup: matches with the same rule, actor user and target (verb, resource[/subresource],
 *   namespace, name; for Falco events also Falco's rule and the container) become one alert
 *   while each falls within `dedupWindowMs` of the alert's last match; a later match opens a new
 *   alert. `count` counts matches, `evidence.auditIds` (or `evidence.falcoEvents`) keeps the first
 *   `maxEvidence` events and counts the rest in `omitted`. An alert raised from a Falco event takes
 *   its MITRE mapping from the Falco rule's tags where they give one. A match whose
 *   auditID the alert already holds (the same event read twice) is counted in `duplicates` only.
 * - Incidents: when alerts of at least two distinct rules are active for the same actor user
 *   within `incidentWindowMs`, they form an incident; later alerts of that actor join it while
 *   they come within `incidentWindowMs` of its last activity. Alerts carry `incidentId`.
 * - Emission policy:
 *   - `final` (batch): each alert is emitted once, with `final: true`, when it can no longer
 *     change (event time passed its last match by max(dedup, incident window)) or at `finish()`.
 *   - `stream` (`--follow`): an alert is emitted at first sight (`final: false`), again when its
 *     count grew and `updateIntervalMs` of wall-clock time passed since its last emission (checked
 *     as events arrive), and a last time with `final: true` when it closes, if anything changed.
 * - Throttling: at most `throttle.maxNewAlerts` new alerts per rule per `throttle.periodMs` of
 *   event time; matches beyond it are dropped and counted per rule (never silently). Matches that
 *   merge into an open alert are never throttled.
 * - Memory: at most `maxOpenAlerts` open alerts; beyond it the least recently updated alert is
 *   closed early (counted in `forcedClose`). Per-actor incident state is swept with the window.
 */
import { createHash } from 'node:crypto';
import {
  ALERT_SCHEMA_VERSION,
  type Alert,
  type FalcoEvidence,
  type Incident,
  type Severity,
  severityRank,
} from '#core';
import type { Match } from '../engine/index.ts';
import type { FalcoEvent } from '../event.ts';
import { falcoEvidence, falcoKey, falcoMitre } from './falco.ts';

export type EmitMode = 'final' | 'stream';

export interface AggregateOptions {
  /** Default 10 minutes. */
  readonly dedupWindowMs?: number;
  /** Default 30 minutes. */
  readonly incidentWindowMs?: number;
  /** Default `final`. */
  readonly emit?: EmitMode;
  /** auditIDs kept per alert (default 100). */
  readonly maxEvidence?: number;
  /** Default 100,000. */
  readonly maxOpenAlerts?: number;
  /** Default 1,000 new alerts per rule per minute. */
  readonly throttle?: { readonly maxNewAlerts: number; readonly periodMs: number };
  /** `stream` only: least wall-clock time between two updates of one alert (default 10 s). */
  readonly updateIntervalMs?: number;
  /** Wall clock for `stream` updates (default Date.now). */
  readonly clock?: () => number;
}

/** What the aggregator needs to know about a rule beyond the match. */
export interface RuleInfo {
  readonly mitre: { readonly tactic: string; readonly technique: string };
  readonly remediation?: string;
}

export interface AggregateStats {
  matches: number;
  /** Alerts opened. */
  alerts: number;
  /** Alert objects emitted (including stream updates). */
  emitted: number;
  incidents: number;
  /** New alerts dropped by throttling, per rule. */
  readonly throttled: Record<string, number>;
  throttledTotal: number;
  /** Alerts closed early because `maxOpenAlerts` was reached. */
  forcedClose: number;
  /** Incidents not kept because 10,000 were already kept (they still mark their alerts). */
  incidentsNotKept: number;
  /** Matches ignored because the alert already holds the event's auditID (the event was read twice). */
  duplicates: number;
}

const MAX_SOURCE_IPS = 16;
const MAX_ACTOR_RECENT = 64;
const MAX_INCIDENTS_KEPT = 10_000;

interface IncidentState {
  id: string;
  actor: string;
  severity: Severity;
  ruleIds: Set<string>;
  alertIds: string[];
  first: number;
  last: number;
}

interface OpenAlert {
  id: string;
  key: string;
  match: Match;
  info: RuleInfo;
  user: string;
  groups: readonly string[];
  sourceIPs: Set<string>;
  userAgent: string;
  target: Alert['target'];
  first: number;
  last: number;
  count: number;
  auditIds: string[];
  falcoEvents: FalcoEvidence[];
  mitre: { readonly tactic: string; readonly technique: string };
  omitted: number;
  incident?: IncidentState;
  emittedCount: number;
  emittedIncident?: string;
  lastEmitWall: number;
}

interface ActorState {
  recent: OpenAlert[];
  incident?: IncidentState;
  last: number;
}

function hashId(prefix: string, text: string): string {
  return `${prefix}${createHash('sha256').update(text).digest('hex').slice(0, 16)}`;
}

function iso(t: number): string {
  return Number.isFinite(t) ? new Date(t).toISOString() : new Date(0).toISOString();
}

function remediationSteps(text: string | undefined): string[] {
  if (!text) return [];
  return text
    .split('\n')
    .map((l) => l.trim().replace(/^(?:[-*]|\d+[.)])\s+/, ''))
    .filter((l) => l.length > 0);
}

/** Actor, target and evidence fields of one event. */
function facts(m: Match): {
  user: string;
  groups: readonly string[];
  ips: readonly string[];
  ua: string;
  target: Alert['target'];
  auditId?: string;
  falco?: FalcoEvent;
} {
  const ev = m.event;
  if (ev.kind === 'audit') {
    const e = ev.event;
    const ref = e.objectRef;
    const resource = ref?.resource ?? '';
    return {
      user: e.user.username ?? '',
      groups: e.user.groups ?? [],
      ips: e.sourceIPs ?? [],
      ua: e.userAgent ?? '',
      target: {
        verb: e.verb,
        resource: ref?.subresource ? `${resource}/${ref.subresource}` : resource,
        namespace: ref?.namespace ?? '',
        name: ref?.name ?? '',
      },
      auditId: e.auditID,
    };
  }
  const field = (k: string): string => {
    const v = ev.falco.output_fields?.[k];
    return typeof v === 'string' ? v : '';
  };
  const pod = field('k8s.pod.name');
  return {
    user: field('user.name'),
    groups: [],
    ips: [],
    ua: '',
    target: { verb: '', resource: pod ? 'pods' : '', namespace: field('k8s.ns.name'), name: pod },
    falco: ev.falco,
  };
}

/** Statistics before the first match. */
export function emptyAggregateStats(): AggregateStats {
  return {
    matches: 0,
    alerts: 0,
    emitted: 0,
    incidents: 0,
    throttled: {},
    throttledTotal: 0,
    forcedClose: 0,
    incidentsNotKept: 0,
    duplicates: 0,
  };
}

export class AlertAggregator {
  readonly stats: AggregateStats = emptyAggregateStats();
  private readonly dedupMs: number;
  private readonly incidentMs: number;
  private readonly holdMs: number;
  private readonly mode: EmitMode;
  private readonly maxEvidence: number;
  private readonly maxOpen: number;
  private readonly throttle: { readonly maxNewAlerts: number; readonly periodMs: number };
  private readonly updateMs: number;
  private readonly clock: () => number;
  private readonly rules: ReadonlyMap<string, RuleInfo>;
  /** Open alerts, least recently updated first. */
  private readonly open = new Map<string, OpenAlert>();
  /** Per-actor state, least recently active first. */
  private readonly actors = new Map<string, ActorState>();
  /** advance() has nothing to close up to this event time; any add() resets it. */
  private sweepAt = Number.NEGATIVE_INFINITY;
  private readonly buckets = new Map<string, { period: number; count: number }>();
  private readonly kept: IncidentState[] = [];
  private out: Alert[] = [];
  private now = Number.NEGATIVE_INFINITY;

  constructor(rules: ReadonlyMap<string, RuleInfo>, options: AggregateOptions = {}) {
    this.rules = rules;
    this.dedupMs = options.dedupWindowMs ?? 10 * 60_000;
    this.incidentMs = options.incidentWindowMs ?? 30 * 60_000;
    this.holdMs = Math.max(this.dedupMs, this.incidentMs);
    this.mode = options.emit ?? 'final';
    this.maxEvidence = Math.max(0, options.maxEvidence ?? 100);
    this.maxOpen = Math.max(1, options.maxOpenAlerts ?? 100_000);
    this.throttle = options.throttle ?? { maxNewAlerts: 1000, periodMs: 60_000 };
    this.updateMs = options.updateIntervalMs ?? 10_000;
    this.clock = options.clock ?? Date.now;
  }

  /** Adds one engine match (event time `match.event.time`). */
  add(m: Match): void {
    this.stats.matches++;
    const t = m.event.time;
    this.advance(t);
    this.sweepAt = Number.NEGATIVE_INFINITY;
    const f = facts(m);
    const { target } = f;
    // A Falco alert is also told apart by Falco's own rule and the container.
    const key = `${m.ruleId}\u0000${f.user}\u0000${target.verb}\u0000${target.resource}\u0000${target.namespace}\u0000${target.name}${f.falco ? `\u0000${falcoKey(f.falco)}` : ''}`;
    let a = this.open.get(key);
    if (a !== undefined && t - a.last > this.dedupMs) {
      this.close(a);
      a = undefined;
    }
    if (a === undefined) {
      if (this.throttled(m.ruleId, t)) return;
      if (this.open.size >= this.maxOpen) {
        const oldest = this.open.values().next().value;
        if (oldest !== undefined) {
          this.stats.forcedClose++;
          this.close(oldest);
        }
      }
      const info = this.rules.get(m.ruleId) ?? { mitre: { tactic: '', technique: '' } };
      a = {
        id: hashId('alert-', `${key}\u0000${t}`),
        key,
        match: m,
        info,
        mitre: f.falco ? falcoMitre(f.falco, info.mitre) : info.mitre,
        user: f.user,
        groups: f.groups,
        sourceIPs: new Set(),
        userAgent: f.ua,
        target,
        first: t,
        last: t,
        count: 0,
        auditIds: [],
        falcoEvents: [],
        omitted: 0,
        emittedCount: 0,
        lastEmitWall: 0,
      };
      this.stats.alerts++;
    } else {
      if (f.auditId !== undefined && a.auditIds.includes(f.auditId)) {
        // The same event read twice (overlapping rotated logs, or a file given twice).
        this.stats.duplicates++;
        return;
      }
      this.open.delete(key);
    }
    this.open.set(key, a);
    a.count++;
    a.first = Math.min(a.first, t);
    a.last = Math.max(a.last, t);
    for (const ip of f.ips) if (a.sourceIPs.size < MAX_SOURCE_IPS) a.sourceIPs.add(ip);
    if (f.auditId !== undefined) {
      if (a.auditIds.length < this.maxEvidence) a.auditIds.push(f.auditId);
      else a.omitted++;
    } else if (f.falco !== undefined) {
      if (a.falcoEvents.length < this.maxEvidence) a.falcoEvents.push(falcoEvidence(f.falco));
      else a.omitted++;
    }
    this.correlate(a, t);
    if (this.mode === 'stream') {
      const wall = this.clock();
      if (a.emittedCount === 0 || (a.count > a.emittedCount && wall - a.lastEmitWall >= this.updateMs)) {
        this.emit(a, false, wall);
      }
    }
  }

  /** Moves event time forward and closes the alerts that can no longer change. */
  advance(t: number): void {
    if (!(t > this.now)) return;
    this.now = t;
    // Nothing to close before the earliest deadline of the oldest entries (reset by add()).
    if (t <= this.sweepAt) return;
    for (const a of this.open.values()) {
      if (a.last + this.holdMs >= t) break;
      this.close(a);
    }
    for (const [user, s] of this.actors) {
      if (s.last + this.incidentMs >= t) break;
      this.actors.delete(user);
    }
    const open = this.open.values().next();
    const actor = this.actors.values().next();
    this.sweepAt = Math.min(
      open.done ? Number.POSITIVE_INFINITY : open.value.last + this.holdMs,
      actor.done ? Number.POSITIVE_INFINITY : actor.value.last + this.incidentMs,
    );
  }

  /** End of input: closes every open alert. */
  finish(): void {
    for (const a of [...this.open.values()]) this.close(a);
    this.actors.clear();
    this.sweepAt = Number.NEGATIVE_INFINITY;
  }

  /** Alerts ready to be output since the last call. */
  drain(): Alert[] {
    if (this.out.length === 0) return this.out;
    const ready = this.out;
    this.out = [];
    return ready;
  }

  get pending(): number {
    return this.out.length;
  }

  /** Incidents formed so far (the first 10,000). */
  incidents(): Incident[] {
    return this.kept.map((i) => ({
      id: i.id,
      actor: i.actor,
      severity: i.severity,
      ruleIds: [...i.ruleIds],
      alertIds: [...i.alertIds],
      firstSeen: iso(i.first),
      lastSeen: iso(i.last),
    }));
  }

  private throttled(ruleId: string, t: number): boolean {
    const period = Math.floor(t / this.throttle.periodMs);
    let b = this.buckets.get(ruleId);
    if (b === undefined || b.period !== period) {
      b = { period, count: 0 };
      this.buckets.set(ruleId, b);
    }
    if (b.count >= this.throttle.maxNewAlerts) {
      this.stats.throttled[ruleId] = (this.stats.throttled[ruleId] ?? 0) + 1;
      this.stats.throttledTotal++;
      return true;
    }
    b.count++;
    return false;
  }

  private correlate(a: OpenAlert, t: number): void {
    if (a.user === '') return;
    let s = this.actors.get(a.user);
    if (s === undefined) s = { recent: [], last: t };
    else this.actors.delete(a.user);
    this.actors.set(a.user, s);
    s.last = Math.max(s.last, t);
    const from = t - this.incidentMs;
    s.recent = s.recent.filter((r) => r !== a && r.last >= from);
    if (s.recent.length >= MAX_ACTOR_RECENT) s.recent.shift();
    s.recent.push(a);
    if (s.incident !== undefined && s.incident.last < from) s.incident = undefined;
    if (s.incident === undefined) {
      const rules = new Set(s.recent.map((r) => r.match.ruleId));
      if (rules.size < 2) return;
      const first = s.recent[0] as OpenAlert;
      const inc: IncidentState = {
        id: hashId('incident-', `${a.user}\u0000${first.id}`),
        actor: a.user,
        severity: 'info',
        ruleIds: new Set(),
        alertIds: [],
        first: t,
        last: t,
      };
      this.stats.incidents++;
      if (this.kept.length < MAX_INCIDENTS_KEPT) this.kept.push(inc);
      else this.stats.incidentsNotKept++;
      s.incident = inc;
      for (const r of s.recent) this.join(inc, r);
      return;
    }
    this.join(s.incident, a);
  }

  private join(inc: IncidentState, a: OpenAlert): void {
    if (a.incident !== inc) {
      a.incident = inc;
      inc.alertIds.push(a.id);
    }
    inc.ruleIds.add(a.match.ruleId);
    if (severityRank(a.match.severity) > severityRank(inc.severity)) inc.severity = a.match.severity;
    inc.first = Math.min(inc.first, a.first);
    inc.last = Math.max(inc.last, a.last);
  }

  private close(a: OpenAlert): void {
    this.open.delete(a.key);
    if (this.mode === 'final' || a.count !== a.emittedCount || a.incident?.id !== a.emittedIncident) {
      this.emit(a, true, this.clock());
    }
  }

  private emit(a: OpenAlert, final: boolean, wall: number): void {
    a.emittedCount = a.count;
    a.lastEmitWall = wall;
    if (a.incident) a.emittedIncident = a.incident.id;
    this.stats.emitted++;
    const m = a.match;
    this.out.push({
      schemaVersion: ALERT_SCHEMA_VERSION,
      id: a.id,
      ruleId: m.ruleId,
      title: m.title,
      severity: m.severity,
      message: m.output,
      mitre: { tactic: a.mitre.tactic, technique: a.mitre.technique },
      count: a.count,
      firstSeen: iso(a.first),
      lastSeen: iso(a.last),
      actor: { user: a.user, groups: [...a.groups], sourceIPs: [...a.sourceIPs], userAgent: a.userAgent },
      target: { ...a.target },
      evidence:
        a.falcoEvents.length > 0
          ? { auditIds: [...a.auditIds], falcoEvents: [...a.falcoEvents], omitted: a.omitted }
          : { auditIds: [...a.auditIds], omitted: a.omitted },
      remediation: remediationSteps(a.info.remediation),
      ...(a.incident ? { incidentId: a.incident.id } : {}),
      final,
    });
  }
}
