/**
 * Palisade's library API: what the CLI, the tests and other programs import.
 *
 * @example
 * import { scanManifests } from 'palisade';
 * const report = await scanManifests(['k8s/'], { frameworks: ['pss-restricted'], pssVersion: 'v1.30' });
 * const failing = report.findings.filter((f) => f.status === 'fail' && !f.suppressed);
 *
 * @example
 * import { scanImage } from 'palisade';
 * const report = await scanImage('image.tar', { database: 'vulndb.sqlite' });
 * for (const v of report.vulnerabilities ?? []) console.log(v.id, v.package.name, v.fixedVersion);
 *
 * @example
 * import { detect, readEvents } from 'palisade';
 * const run = detect(readEvents(['audit.log']), { rules: ['my-rules.yaml'] });
 * for await (const alert of run) console.log(alert.ruleId, alert.count, alert.actor.user);
 *
 * @example
 * import { createActionContext, loadAutomationRules, readSubjects, Runner } from 'palisade';
 * const runner = new Runner({ rules: await loadAutomationRules('automations.yaml'), context: createActionContext() });
 * for (const subject of (await readSubjects('alerts.jsonl')).subjects) runner.submit(subject);
 * console.log((await runner.drain()).results);
 */

export {
  type Action,
  ActionError,
  type ActionOutcome,
  AuditLog,
  type AutomationRules,
  actionRegistry,
  azureRoleDefinition,
  clusterRoleYaml,
  createActionContext,
  loadAutomationRules,
  parseAutomationRules,
  parseSubjects,
  Runner,
  type RunnerOptions,
  type RunRecord,
  readAuditLog,
  readSubjects,
  requiredPermissions,
  type Subject,
  startAutomationServer,
  subjectFromAlert,
  subjectFromFinding,
  undoRuns,
} from '#automation';
export type {
  Alert,
  AlertActor,
  AlertTarget,
  AnnotationPolicy,
  Config,
  ControlRef,
  Diagnostic,
  Exemption,
  Finding,
  FindingStatus,
  Framework,
  Incident,
  OsRelease,
  Package,
  Remediation,
  ReportSummary,
  Resource,
  ResourceRef,
  ScanReport,
  ScanSubject,
  Severity,
  SourceLocation,
  SourceRef,
  Suppression,
  Violation,
  Vulnerability,
  VulnerabilitySeverity,
  VulnerabilitySummary,
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
export { buildCycloneDx, buildSpdx, collectPackages, readSbom, writeCycloneDx, writeSpdx } from '#images';
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
export {
  type DetectOptions,
  type DetectRun,
  type DetectStats,
  detect,
  loadRules,
  type ReadEventsOptions,
  readEvents,
  type ThreatEvent,
} from '#threats';
export {
  AdvisoryStore,
  compareVersions,
  defaultDatabasePath,
  type ImageScanOptions,
  InvalidVersionError,
  importAdvisories,
  matchPackages,
  scanImage,
  schemeFor,
  type VersionScheme,
} from '#vulns';
