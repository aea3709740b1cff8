/**
 * Threat-detection alerts: the stable, public schema `palisade detect` prints (one per JSON line)
 * and forwards. An alert is one rule firing for one actor on one target, deduplicated over a
 * window: repeated matches raise `count` and move `lastSeen`. Incidents group the alerts of one
 * actor when several rules fire for it within a window.
 */
import type { Severity } from './severity.ts';

export const ALERT_SCHEMA_VERSION = 1;

/** Who did it (from the first matching event; source IPs and user agents accumulate). */
export interface AlertActor {
  readonly user: string;
  readonly groups: readonly string[];
  readonly sourceIPs: readonly string[];
  /** The first event's user agent ("" when absent). */
  readonly userAgent: string;
}

/** What it was done to: the dedup key with the rule and the actor's user. */
export interface AlertTarget {
  readonly verb: string;
  /** `resource` or `resource/subresource` (RBAC form), "" when absent. */
  readonly resource: string;
  readonly namespace: string;
  readonly name: string;
}

/** One Falco event behind an alert (Falco events have no auditID). */
export interface FalcoEvidence {
  /** Falco's rule name. */
  readonly rule: string;
  /** The event's time as Falco wrote it. */
  readonly time: string;
  /** Falco's event uuid, when its output carries one. */
  readonly uuid?: string;
  readonly hostname?: string;
  readonly containerId?: string;
}

export interface Alert {
  readonly schemaVersion: typeof ALERT_SCHEMA_VERSION;
  /** Stable: derived from rule, actor, target and firstSeen, so updates of an alert share it. */
  readonly id: string;
  readonly ruleId: string;
  readonly title: string;
  readonly severity: Severity;
  /** The rule's output for the first matching event. */
  readonly message: string;
  readonly mitre: { readonly tactic: string; readonly technique: string };
  readonly count: number;
  /** ISO 8601, event time. */
  readonly firstSeen: string;
  readonly lastSeen: string;
  readonly actor: AlertActor;
  readonly target: AlertTarget;
  readonly evidence: {
    /** auditIDs of the matching audit events (the first `maxEvidence`, in order). */
    readonly auditIds: readonly string[];
    /** The matching Falco events (the first `maxEvidence`, in order); absent for audit alerts. */
    readonly falcoEvents?: readonly FalcoEvidence[];
    /** Matching events that were not kept as evidence. */
    readonly omitted: number;
  };
  /** Remediation steps, one per line of the rule's `remediation`. */
  readonly remediation: readonly string[];
  /** Set when the alert belongs to an incident. */
  readonly incidentId?: string;
  /** False for a first-sight or periodic update (`--follow`); true once the alert's window closed. */
  readonly final: boolean;
}

/** Several rules firing for the same actor within the incident window. */
export interface Incident {
  readonly id: string;
  readonly actor: string;
  readonly severity: Severity;
  readonly ruleIds: readonly string[];
  readonly alertIds: readonly string[];
  readonly firstSeen: string;
  readonly lastSeen: string;
}
