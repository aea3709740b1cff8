/**
 * The scan report: the one object every output format renders, and the JSON contract
 * (docs/reference/report-json.md). Bump REPORT_SCHEMA_VERSION on any incompatible change.
 */
import type { Diagnostic } from '../diagnostics.ts';
import type { Finding, FindingStatus } from './finding.ts';
import type { Severity } from './severity.ts';

export const REPORT_SCHEMA_VERSION = '1.0';

export interface ReportSummary {
  /** Resources scanned (after de-duplication). */
  readonly resources: number;
  /** Checks that ran. */
  readonly checks: number;
  readonly files: number;
  /** Findings by status, suppressed ones included. */
  readonly findings: Readonly<Record<FindingStatus, number>>;
  /** Failing, unsuppressed findings by severity. */
  readonly failed: Readonly<Record<Severity, number>>;
  readonly suppressed: number;
  /** Kinds no selected check targets (cross-object checks may still read them), with counts: not errors. */
  readonly unknownKinds: Readonly<Record<string, number>>;
  readonly diagnostics: Readonly<Record<'error' | 'warning' | 'info', number>>;
  /** The Pod Security Standards version applied ('v1.35'). */
  readonly pssVersion: string;
  /** Frameworks selected with --framework (empty: all checks). */
  readonly frameworks: readonly string[];
}

export interface ScanReport {
  readonly schemaVersion: string;
  readonly tool: { readonly name: string; readonly version: string };
  readonly summary: ReportSummary;
  readonly findings: readonly Finding[];
  readonly diagnostics: readonly Diagnostic[];
}
