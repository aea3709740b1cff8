/**
 * scanManifests: files in, report out. Loads manifests, runs the selected checks, applies
 * exemptions and summarises. Options given here win over the same options in `config`.
 */
import {
  type AnnotationPolicy,
  type Config,
  type Diagnostic,
  type Exemption,
  type Finding,
  type FindingStatus,
  type Logger,
  REPORT_SCHEMA_VERSION,
  type ReportSummary,
  type Resource,
  type ScanReport,
  SEVERITIES,
  silentLogger,
  TOOL_NAME,
  TOOL_VERSION,
  UsageError,
} from '#core';
import { buildInventory, DEFAULT_MAX_FILE_BYTES, loadManifests } from '#inventory';
import type { CheckSettings } from './check.ts';
import { type AnyCheck, CHECKS, checkRegistry } from './checks/index.ts';
import { linkClusters } from './clusters.ts';
import { frameworkCompliance } from './compliance.ts';
import { evaluate, selectChecks } from './evaluate.ts';
import { applyExemptions } from './exemptions.ts';
import { getFramework } from './frameworks/index.ts';
import { formatPssVersion, parsePssVersion } from './lib/pss-version.ts';
import { secureScore } from './score.ts';
import { DEFAULT_SETTINGS } from './settings.ts';

export interface ScanOptions {
  /** Framework ids; a framework includes the ones it extends (pss-restricted ⊃ pss-baseline). */
  readonly frameworks?: readonly string[];
  /** Only these checks (id, slug or alias). */
  readonly include?: readonly string[];
  /** Never these checks. */
  readonly exclude?: readonly string[];
  /** Also run experimental checks. */
  readonly experimental?: boolean;
  /** 'latest' or 'v1.N'. */
  readonly pssVersion?: string;
  readonly settings?: Partial<Omit<CheckSettings, 'pssVersion'>>;
  readonly exemptions?: readonly Exemption[];
  readonly annotations?: AnnotationPolicy;
  /** A parsed config file; explicit options above win over it. */
  readonly config?: Config;
  /** Where `config` came from, for messages. */
  readonly configFile?: string;
  readonly maxFileBytes?: number;
  /** ARM parameters files for the input's templates (instead of pairing by name). */
  readonly parameters?: readonly string[];
  readonly stdin?: () => Promise<string>;
  /** Today, for exemption expiry. */
  readonly now?: Date;
  readonly logger?: Logger;
  /**
   * Which findings the report carries: 'all' (default) or only failing and error findings
   * ('fail', what `--status fail` prints). The summary counts every finding either way.
   */
  readonly findings?: 'all' | 'fail';
}

const DEFAULT_ANNOTATIONS: AnnotationPolicy = { enabled: true, forbid: { checks: [], namespaces: [] } };

function validateKeys(keys: readonly string[] | undefined, what: string): void {
  for (const key of keys ?? []) {
    if (!checkRegistry.get(key)) {
      throw new UsageError(`unknown check "${key}" in ${what} (see \`palisade checks list\`)`);
    }
  }
}

export interface ResolvedScan {
  readonly checks: AnyCheck[];
  readonly settings: CheckSettings;
  readonly frameworks: readonly string[];
}

/** Resolve selection and settings from options and config; throws UsageError on unknown names. */
export function resolveScan(options: ScanOptions): ResolvedScan {
  const config = options.config ?? {};
  const frameworks = options.frameworks ?? config.scan?.frameworks ?? [];
  for (const id of frameworks) {
    if (!getFramework(id)) {
      throw new UsageError(`unknown framework "${id}" (see \`palisade frameworks list\`)`);
    }
  }
  const include = options.include ?? config.scan?.checks?.include;
  const exclude = options.exclude ?? config.scan?.checks?.exclude;
  validateKeys(include, 'the checks to include');
  validateKeys(exclude, 'the checks to exclude');
  const checks = selectChecks(CHECKS, {
    frameworks,
    ...(include ? { include } : {}),
    ...(exclude ? { exclude } : {}),
    experimental: options.experimental ?? config.scan?.experimental ?? false,
  });
  const settings: CheckSettings = {
    ...DEFAULT_SETTINGS,
    ...stripUndefined(config.settings ?? {}),
    ...stripUndefined(options.settings ?? {}),
    pssVersion: parsePssVersion(options.pssVersion ?? config.scan?.pssVersion ?? 'latest'),
  };
  return { checks, settings, frameworks };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function summarise(
  resources: readonly Resource[],
  findings: readonly Finding[],
  diagnostics: readonly Diagnostic[],
  extra: {
    checks: number;
    files: number;
    unknownKinds: Record<string, number>;
    pssVersion: string;
    frameworks: readonly string[];
    counts: Readonly<Record<FindingStatus, number>>;
  },
): ReportSummary {
  const failed = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<(typeof SEVERITIES)[number], number>;
  let suppressed = 0;
  for (const finding of findings) {
    if (finding.suppressed) {
      suppressed++;
    } else if (finding.status === 'fail') {
      failed[finding.severity]++;
    }
  }
  const diag = { error: 0, warning: 0, info: 0 };
  for (const d of diagnostics) {
    diag[d.level]++;
  }
  return {
    resources: resources.length,
    checks: extra.checks,
    files: extra.files,
    findings: { ...extra.counts },
    failed,
    suppressed,
    unknownKinds: extra.unknownKinds,
    diagnostics: diag,
    pssVersion: extra.pssVersion,
    frameworks: extra.frameworks,
  };
}

/** Scan manifest files, directories or stdin ('-') and return the full report (every finding). */
export async function scanManifests(paths: readonly string[], options: ScanOptions = {}): Promise<ScanReport> {
  const logger = options.logger ?? silentLogger;
  const resolved = resolveScan(options);
  const config = options.config ?? {};
  const maxFileBytes = options.maxFileBytes ?? config.scan?.maxFileSize ?? DEFAULT_MAX_FILE_BYTES;
  const loaded = await loadManifests(paths, {
    maxFileBytes,
    ...(options.stdin ? { stdin: options.stdin } : {}),
    ...(options.parameters ? { parameters: options.parameters } : {}),
  });
  logger.debug({ files: loaded.stats.filesRead, resources: loaded.resources.length }, 'manifests loaded');
  const inventory = buildInventory(loaded.resources);
  const clusters = linkClusters(loaded.resources);
  const evaluated = evaluate(inventory, resolved.checks, resolved.settings, {
    retain: options.findings ?? 'all',
    ...(clusters.linked ? { clusterOf: clusters.aroClusterOf } : {}),
  });
  const exempted = applyExemptions(evaluated.findings, evaluated.resourceOf, {
    exemptions: options.exemptions ?? config.exemptions ?? [],
    annotations: options.annotations ?? config.annotations ?? DEFAULT_ANNOTATIONS,
    now: options.now ?? new Date(),
    resolveCheck: (key) => checkRegistry.get(key),
    ...(options.configFile ? { configFile: options.configFile } : {}),
  });
  const diagnostics = [...loaded.diagnostics, ...exempted.diagnostics];
  const score = evaluated.assessed.mask.some((bits) => bits !== 0)
    ? secureScore(evaluated.assessed, exempted.findings, (id) => checkRegistry.get(id), clusters)
    : undefined;
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    summary: summarise(loaded.resources, exempted.findings, diagnostics, {
      checks: resolved.checks.length,
      files: loaded.stats.filesRead,
      unknownKinds: evaluated.unknownKinds,
      pssVersion: formatPssVersion(resolved.settings.pssVersion),
      frameworks: resolved.frameworks,
      counts: evaluated.counts,
    }),
    findings: exempted.findings,
    ...(score === undefined ? {} : { score }),
    ...(resolved.frameworks.length === 0
      ? {}
      : {
          compliance: resolved.frameworks.flatMap((id) =>
            frameworkCompliance(id, resolved.checks, exempted.findings, evaluated.countsByCheck),
          ),
        }),
    ...(clusters.linked || score !== undefined ? { clusters: clusters.clusters } : {}),
    diagnostics,
  };
}
