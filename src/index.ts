/**
 * Palisade's library API: what the CLI, the tests and other programs import.
 *
 * @example
 * import { scanManifests } from 'palisade';
 * const report = await scanManifests(['k8s/'], { frameworks: ['pss-restricted'], pssVersion: 'v1.30' });
 * const failing = report.findings.filter((f) => f.status === 'fail' && !f.suppressed);
 */
export type {
  AnnotationPolicy,
  Config,
  ControlRef,
  Diagnostic,
  Exemption,
  Finding,
  FindingStatus,
  Framework,
  Remediation,
  ReportSummary,
  Resource,
  ResourceRef,
  ScanReport,
  Severity,
  SourceLocation,
  SourceRef,
  Suppression,
  Violation,
} from '#core';
export {
  ConfigError,
  ExternalError,
  InputError,
  loadConfigFile,
  PalisadeError,
  parseConfig,
  REPORT_SCHEMA_VERSION,
  SEVERITIES,
  UsageError,
} from '#core';
export { type LoadResult, loadManifests } from '#inventory';
export {
  CHECKS,
  type CheckMeta,
  type CheckSettings,
  checkList,
  FRAMEWORKS,
  LATEST_PSS_VERSION,
  type ScanOptions,
  scanManifests,
} from '#posture';
export { getFormat, type RenderOptions, renderReport } from '#report';
