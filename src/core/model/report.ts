/**
 * The scan report: the one object every output format renders, and the JSON contract
 * (docs/reference/report-json.md). Bump REPORT_SCHEMA_VERSION on any incompatible change.
 */
import type { Diagnostic } from '../diagnostics.ts';
import type { Finding, FindingStatus } from './finding.ts';
import type { OsRelease, Package } from './package.ts';
import type { ClusterRef, FrameworkCompliance, SecureScore } from './score.ts';
import type { Severity } from './severity.ts';
import type { Vulnerability, VulnerabilitySeverity } from './vulnerability.ts';

export const REPORT_SCHEMA_VERSION = '1.2';

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
  /** Vulnerability counts; set by image and directory scans (`palisade image`). */
  readonly vulnerabilities?: VulnerabilitySummary;
}

export interface VulnerabilitySummary {
  /** Packages found (OS and language). */
  readonly packages: number;
  /** Affected, unsuppressed vulnerabilities by severity. */
  readonly bySeverity: Readonly<Record<VulnerabilitySeverity, number>>;
  /** Affected vulnerabilities, suppressed ones included. */
  readonly affected: number;
  /** Affected, unsuppressed vulnerabilities with a known fixed version. */
  readonly fixable: number;
  /** Advisories that could not be decided (a version the scheme cannot parse). */
  readonly indeterminate: number;
  /** Silenced by an exemption or a VEX statement (still listed). */
  readonly suppressed: number;
}

/** What an image or directory scan looked at. */
export interface ScanSubject {
  /** 'image' (archive or layout), 'registry', 'rootfs', 'project' (lockfiles) or 'sbom'. */
  readonly type: string;
  /** The path or registry reference the user gave. */
  readonly name: string;
  /** Manifest digest, for images. */
  readonly digest?: string;
  /** `os/arch[/variant]`, for images. */
  readonly platform?: string;
  readonly os?: { readonly family: string; readonly release: string; readonly name?: string };
  /** Layers in order, base first: diff ID and, when known, the command that created it. */
  readonly layers?: readonly { readonly diffId: string; readonly createdBy?: string }[];
  /** The vulnerability database used: its path and the age of its stalest source in days. */
  readonly database?: { readonly path: string; readonly ageDays?: number };
}

export interface ScanReport {
  readonly schemaVersion: string;
  readonly tool: { readonly name: string; readonly version: string };
  /** Set by image and directory scans. */
  readonly subject?: ScanSubject;
  readonly summary: ReportSummary;
  readonly findings: readonly Finding[];
  /** Secure score (checks that name a security control): in total, per subscription, per cluster. */
  readonly score?: SecureScore;
  /** Per-control compliance of the frameworks selected with --framework. */
  readonly compliance?: readonly FrameworkCompliance[];
  /** The clusters the scanned objects belong to (an ARO resource with its cluster objects). */
  readonly clusters?: readonly ClusterRef[];
  /** Set by image and directory scans: affected and indeterminate vulnerabilities. */
  readonly vulnerabilities?: readonly Vulnerability[];
  /**
   * Set by image and directory scans: every package found and the detected OS, for SBOM output
   * (CycloneDX). Not part of the JSON report (`palisade sbom` prints them).
   */
  readonly packages?: readonly Package[];
  readonly os?: OsRelease;
  readonly diagnostics: readonly Diagnostic[];
}
