/**
 * `scanImage(source, options)`: the whole image vulnerability scan behind `palisade image` —
 * collect packages (images/inventory.ts), check the database's age, match (scan.ts), apply
 * `--ignore-unfixed`, exemptions and VEX statements, and return the foundation's report object
 * with `subject`, `summary.vulnerabilities` and `vulnerabilities`.
 *
 * Silenced vulnerabilities stay in the report with `suppressed` (why, by what, until when), as
 * silenced posture findings do; `--ignore-unfixed` leaves unfixed ones out and says how many.
 */
import { readFile } from 'node:fs/promises';
import {
  type Diagnostic,
  InputError,
  matchesAnyGlob,
  REPORT_SCHEMA_VERSION,
  type ScanReport,
  type ScanSubject,
  TOOL_NAME,
  TOOL_VERSION,
  VULNERABILITY_SEVERITIES,
  type Vulnerability,
  type VulnerabilityExemption,
  type VulnerabilitySeverity,
  type VulnerabilitySummary,
} from '#core';
import { type CollectOptions, collectPackages, formatPlatform } from '#images';
import { AdvisoryStore, defaultDatabasePath } from './db/store.ts';
import { matchPackages } from './scan.ts';
import { applyVex, readVex, type VexStatement } from './vex.ts';

export const DEFAULT_WARN_AFTER_DAYS = 7;
export const DEFAULT_FAIL_AFTER_DAYS = 30;

export interface ImageScanOptions extends CollectOptions {
  /** Database file; default defaultDatabasePath(). */
  readonly database?: string;
  /** An open store (tests, servers); wins over `database`. */
  readonly store?: AdvisoryStore;
  readonly warnAfterDays?: number;
  readonly failAfterDays?: number;
  readonly ignoreUnfixed?: boolean;
  readonly exemptions?: readonly VulnerabilityExemption[];
  /** Where the exemptions came from, for `suppressed.origin`. */
  readonly configFile?: string;
  /** OpenVEX or CycloneDX VEX documents. */
  readonly vex?: readonly string[];
  /** Today, for expiry and database age (injected by tests). */
  readonly now?: Date;
}

function applyExemptions(
  vulnerabilities: readonly Vulnerability[],
  exemptions: readonly VulnerabilityExemption[],
  options: { readonly now: Date; readonly configFile?: string },
  diagnostics: Diagnostic[],
): Vulnerability[] {
  const today = options.now.toISOString().slice(0, 10);
  const origin = options.configFile ?? 'config';
  const rules = exemptions.flatMap((exemption, index) => {
    if (exemption.expires !== undefined && exemption.expires < today) {
      diagnostics.push({
        level: 'warning',
        code: 'exemption.expired',
        message: `vulnerability exemption ${index + 1} (${exemption.ids.join(', ')}) expired on ${exemption.expires} and no longer applies`,
        location: { file: origin, path: `vulnerabilities.exemptions[${index}]` },
      });
      return [];
    }
    return [
      {
        index,
        exemption,
        ids: new Set(exemption.ids.map((id) => id.toUpperCase())),
        packages: exemption.packages,
      },
    ];
  });
  return vulnerabilities.map((v) => {
    if (v.suppressed) {
      return v;
    }
    const names = [v.id, ...v.aliases].map((id) => id.toUpperCase());
    const rule = rules.find(
      (r) =>
        names.some((n) => r.ids.has(n)) &&
        (!r.packages ||
          matchesAnyGlob(v.package.name, r.packages) ||
          (v.package.sourceName !== undefined && matchesAnyGlob(v.package.sourceName, r.packages))),
    );
    if (!rule) {
      return v;
    }
    return {
      ...v,
      suppressed: {
        source: 'config',
        reason: rule.exemption.reason,
        ...(rule.exemption.expires ? { expires: rule.exemption.expires } : {}),
        origin: `${origin}#vulnerabilities.exemptions[${rule.index}]`,
      },
    };
  });
}

export function summariseVulnerabilities(
  vulnerabilities: readonly Vulnerability[],
  packages: number,
): VulnerabilitySummary {
  const bySeverity = Object.fromEntries(VULNERABILITY_SEVERITIES.map((s) => [s, 0])) as Record<
    VulnerabilitySeverity,
    number
  >;
  let affected = 0;
  let fixable = 0;
  let indeterminate = 0;
  let suppressed = 0;
  for (const v of vulnerabilities) {
    if (v.status === 'indeterminate') {
      indeterminate++;
      continue;
    }
    affected++;
    if (v.suppressed) {
      suppressed++;
      continue;
    }
    bySeverity[v.severity]++;
    if (v.fixedVersion !== null) {
      fixable++;
    }
  }
  return { packages, bySeverity, affected, fixable, indeterminate, suppressed };
}

/** Layers with the command that created each (the history entries that made a layer, in order). */
function layersOf(
  layers: readonly { readonly diffId: string }[],
  history: readonly { readonly createdBy?: string; readonly emptyLayer: boolean }[],
): { diffId: string; createdBy?: string }[] {
  const made = history.filter((h) => !h.emptyLayer);
  const aligned = made.length === layers.length;
  return layers.map((layer, index) => {
    const createdBy = aligned ? made[index]?.createdBy : undefined;
    return createdBy ? { diffId: layer.diffId, createdBy } : { diffId: layer.diffId };
  });
}

/** Scan an image, root filesystem, project directory, SBOM or registry reference. */
export async function scanImage(source: string, options: ImageScanOptions = {}): Promise<ScanReport> {
  const now = options.now ?? new Date();
  const diagnostics: Diagnostic[] = [];
  const collected = await collectPackages(source, options);
  diagnostics.push(...collected.diagnostics);
  const scanned = collected.value;

  const store = options.store ?? AdvisoryStore.open({ path: options.database ?? defaultDatabasePath() });
  try {
    const status = store.status(now);
    if (status.advisories === 0) {
      diagnostics.push({
        level: 'error',
        code: 'vulndb.empty',
        message: `the vulnerability database ${status.path} holds no advisories: run "palisade db import" or "palisade db update" first; no vulnerabilities can be reported`,
        location: { file: status.path },
      });
    } else {
      const age = store.checkAge({
        warnDays: options.warnAfterDays ?? DEFAULT_WARN_AFTER_DAYS,
        failDays: options.failAfterDays ?? DEFAULT_FAIL_AFTER_DAYS,
        now,
      });
      if (age.level === 'fail') {
        throw new InputError('input.invalid', `vulnerability database ${status.path}: ${age.message}`);
      }
      if (age.level === 'warn') {
        diagnostics.push({
          level: 'warning',
          code: 'vulndb.stale',
          message: age.message,
          location: { file: status.path },
        });
      }
    }
    const matched = matchPackages(scanned.packages, scanned.os, store, { now });
    diagnostics.push(...matched.diagnostics);
    let vulnerabilities = matched.vulnerabilities;
    if (options.ignoreUnfixed) {
      const kept = vulnerabilities.filter((v) => v.status !== 'affected' || v.fixedVersion !== null);
      const dropped = vulnerabilities.length - kept.length;
      if (dropped > 0) {
        diagnostics.push({
          level: 'info',
          code: 'vulns.unfixed-ignored',
          message: `${dropped} vulnerabilities without a fixed version are not shown (--ignore-unfixed)`,
          location: { file: source },
        });
      }
      vulnerabilities = kept;
    }
    vulnerabilities = applyExemptions(
      vulnerabilities,
      options.exemptions ?? [],
      { now, ...(options.configFile ? { configFile: options.configFile } : {}) },
      diagnostics,
    );
    if (options.vex && options.vex.length > 0) {
      const statements: VexStatement[] = [];
      for (const file of options.vex) {
        const read = readVex(await readFile(file), file);
        statements.push(...read.value);
        diagnostics.push(...read.diagnostics);
      }
      vulnerabilities = applyVex(vulnerabilities, statements);
    }
    const ageDays =
      status.sources.length > 0 ? Math.max(...status.sources.map((s) => s.ageMs)) / 86_400_000 : undefined;
    const subject: ScanSubject = {
      type: scanned.type,
      name: scanned.name,
      ...(scanned.image?.manifestDigest ? { digest: scanned.image.manifestDigest } : {}),
      ...(scanned.image?.platform ? { platform: formatPlatform(scanned.image.platform) } : {}),
      ...(scanned.os
        ? {
            os: {
              family: scanned.os.family,
              release: scanned.os.release,
              ...(scanned.os.prettyName ? { name: scanned.os.prettyName } : {}),
            },
          }
        : {}),
      ...(scanned.layers ? { layers: layersOf(scanned.layers, scanned.image?.config?.history ?? []) } : {}),
      database: { path: status.path, ...(ageDays === undefined ? {} : { ageDays: Math.round(ageDays * 10) / 10 }) },
    };
    const diag = { error: 0, warning: 0, info: 0 };
    for (const d of diagnostics) {
      diag[d.level]++;
    }
    return {
      schemaVersion: REPORT_SCHEMA_VERSION,
      tool: { name: TOOL_NAME, version: TOOL_VERSION },
      subject,
      summary: {
        resources: 0,
        checks: 0,
        files: scanned.filesAnalyzed,
        findings: { pass: 0, fail: 0, 'not-applicable': 0, error: 0, indeterminate: 0 },
        failed: { critical: 0, high: 0, medium: 0, low: 0, info: 0 },
        suppressed: 0,
        unknownKinds: {},
        diagnostics: diag,
        pssVersion: '',
        frameworks: [],
        vulnerabilities: summariseVulnerabilities(vulnerabilities, scanned.packages.length),
      },
      findings: [],
      vulnerabilities,
      packages: scanned.packages,
      ...(scanned.os ? { os: scanned.os } : {}),
      diagnostics,
    };
  } finally {
    if (!options.store) {
      store.close();
    }
  }
}
