/**
 * A posture check: metadata next to a pure function over one resource.
 * Checks do no I/O, read no clock and never log; cross-object checks query ctx.inventory.
 */
import type { ControlRef, Remediation, Resource, Severity, Violation } from '#core';
import type { Inventory } from '#inventory';
import type { OpenShiftSupportSettings } from './lib/openshift-versions.ts';
import type { PssVersion } from './lib/pss-version.ts';
import type { SecurityControlId } from './security-controls.ts';

export const MATURITIES = ['stable', 'beta', 'experimental', 'deprecated'] as const;
export type Maturity = (typeof MATURITIES)[number];

/** What a check reads. The engine calls the check only for matching resources. */
export type TargetSelector =
  /** Every workload kind that carries a pod template (Pod, Deployment, ..., DeploymentConfig). */
  | { readonly class: 'workload' }
  /** One kind, optionally pinned to an API group ('' is the core group). */
  | { readonly kind: string; readonly apiGroup?: string };

export interface CheckMeta {
  /** Stable forever, never reused: PAL-K8S-0001, PAL-OCP-0001, PAL-AZR-0001. */
  readonly id: string;
  /** kebab-case; equals the file name. On rename the old slug moves to aliases. */
  readonly slug: string;
  readonly aliases?: readonly string[];
  /** States the problem: 'Container binds a host port'. */
  readonly title: string;
  /** Why it matters, 1–3 sentences. */
  readonly description: string;
  readonly severity: Severity;
  readonly maturity: Maturity;
  readonly targets: readonly TargetSelector[];
  readonly frameworks: readonly ControlRef[];
  readonly remediation: Remediation;
  /** Normative sources: Kubernetes docs, vendor guidance. */
  readonly references: readonly string[];
  /** 'object' reads only the resource; 'cluster' also queries the inventory. */
  readonly scope: 'object' | 'cluster';
  /** May run inside the admission webhook (requires scope 'object'). */
  readonly admission: boolean;
  /** Checks this one supersedes when both are selected (PSS restricted over baseline). */
  readonly overrides?: readonly string[];
  /** The secure score control the check counts towards (Azure and ARO checks; see security-controls.ts). */
  readonly securityControl?: SecurityControlId;
}

export type CheckOutcome =
  | { readonly status: 'pass' }
  | { readonly status: 'fail'; readonly violations: readonly Violation[]; readonly message?: string }
  | { readonly status: 'not-applicable'; readonly reason: string }
  /** The value the check needs is unknown (unresolved template expression, export without it). */
  | { readonly status: 'indeterminate'; readonly reason: string; readonly violations?: readonly Violation[] };

/** Settings that change what checks consider compliant. Resolved from config and flags. */
export interface CheckSettings {
  /** Pod Security Standards version to apply (resolved; never 'latest'). */
  readonly pssVersion: PssVersion;
  /** Allowed image registries/prefixes; empty means "not configured". */
  readonly allowedRegistries: readonly string[];
  /** Namespaces treated as platform/system namespaces (glob patterns). */
  readonly systemNamespaces: readonly string[];
  /** Extra capabilities considered dangerous by the workload capability check. */
  readonly dangerousCapabilities: readonly string[];
  /**
   * The OpenShift supported-version window of the ClusterVersion and ARO cluster version checks.
   * Unset or empty: the built-in calendars as of their own dates (lib/openshift-versions.ts).
   */
  readonly openshiftSupport?: OpenShiftSupportSettings;
}

export interface CheckContext {
  readonly inventory: Inventory;
  readonly settings: CheckSettings;
  /** Per-scan cache for derived data (RBAC graph, policy index). Same key, same value. */
  memo<T>(key: string, compute: () => T): T;
}

export interface Check<R extends Resource = Resource> {
  readonly meta: CheckMeta;
  evaluate(resource: R, ctx: CheckContext): CheckOutcome;
}

export function defineCheck<R extends Resource = Resource>(check: Check<R>): Check<R> {
  return check;
}

export const PASS: CheckOutcome = Object.freeze({ status: 'pass' });

/** Pass when there are no violations, fail with them otherwise. */
export function outcome(violations: readonly Violation[], message?: string): CheckOutcome {
  if (violations.length === 0) {
    return PASS;
  }
  return message === undefined ? { status: 'fail', violations } : { status: 'fail', violations, message };
}

export function notApplicable(reason: string): CheckOutcome {
  return { status: 'not-applicable', reason };
}

export function indeterminate(reason: string, violations?: readonly Violation[]): CheckOutcome {
  return violations === undefined
    ? { status: 'indeterminate', reason }
    : { status: 'indeterminate', reason, violations };
}
