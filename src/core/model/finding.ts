/**
 * A finding is the result of one check on one resource: pass, fail, not-applicable, error, or
 * indeterminate (the check needs a value the input does not give: an ARM template expression that
 * cannot be evaluated offline, an export without properties). Indeterminate is never compliant.
 * Every (check, resource) pair the engine evaluates yields exactly one finding.
 */
import type { ControlRef } from './framework.ts';
import type { Remediation } from './remediation.ts';
import type { ResourceRef } from './resource.ts';
import type { Severity } from './severity.ts';

export const FINDING_STATUSES = ['pass', 'fail', 'not-applicable', 'error', 'indeterminate'] as const;
export type FindingStatus = (typeof FINDING_STATUSES)[number];

export interface Violation {
  /** Field path in the resource, e.g. 'spec.template.spec.containers[1].ports[0].hostPort'. */
  readonly path: string;
  /** Names the offender, no trailing period: 'container "web" binds host port 8080'. */
  readonly message: string;
  /** The container the violation belongs to, when it belongs to one (container-level exemptions). */
  readonly container?: string;
  readonly actual?: unknown;
}

/** Why a finding is silenced, by what, and until when. Silenced findings stay in JSON output. */
export interface Suppression {
  /** Where the exemption came from. */
  readonly source: 'config' | 'annotation';
  readonly reason: string;
  /** ISO date (YYYY-MM-DD) after which the exemption no longer applies. */
  readonly expires?: string;
  /** Config file and rule index, or the annotation key. */
  readonly origin: string;
  /** Set when only some containers were exempted and that silenced every violation. */
  readonly containers?: readonly string[];
}

export interface Finding {
  readonly checkId: string;
  readonly slug: string;
  readonly status: FindingStatus;
  readonly severity: Severity;
  readonly title: string;
  /** A full sentence naming the object. */
  readonly message: string;
  readonly resource: ResourceRef;
  readonly violations: readonly Violation[];
  readonly frameworks: readonly ControlRef[];
  readonly remediation: Remediation;
  /** Set for not-applicable, error and indeterminate findings. */
  readonly reason?: string;
  readonly suppressed?: Suppression;
  /** Violations removed by container-level exemptions (the finding still fails on the others). */
  readonly exemptedViolations?: readonly (Violation & { readonly suppressed: Suppression })[];
  /** Stable identity across runs: check id + resource identity. */
  readonly fingerprint: string;
}
