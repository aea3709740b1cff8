/** vulns: matching packages to OSV advisories with exact per-ecosystem version semantics. */

export { type ImportInput, type ImportOptions, type ImportResult, importAdvisories } from './db/import.ts';
export {
  type Advisory,
  type AdvisoryProblem,
  type Affected,
  advisorySchema,
  normalizePackageName,
  parseAdvisory,
  splitEcosystem,
} from './db/osv.ts';
export {
  AdvisoryCache,
  AdvisoryStore,
  type AgeCheck,
  defaultDatabasePath,
  type LookupKey,
  type OpenStoreOptions,
  type SourceStatus,
  STORE_SCHEMA_VERSION,
  type StoreStatus,
} from './db/store.ts';
export {
  DB_ARTIFACT_TYPE,
  DEFAULT_OSV_BASE_URL,
  DEFAULT_UPDATE_ECOSYSTEMS,
  pullDatabase,
  pushDatabase,
  type UpdateOptions,
  updateDatabase,
} from './db/transfer.ts';
export {
  type MatchProof,
  type MatchResult,
  matchAffected,
  type OsvAffected,
  type OsvEvent,
  type OsvRange,
} from './match.ts';
export { lookupEcosystem, type MatchOptions, matchPackages } from './scan.ts';
export {
  DEFAULT_FAIL_AFTER_DAYS,
  DEFAULT_WARN_AFTER_DAYS,
  type ImageScanOptions,
  scanImage,
  summariseVulnerabilities,
} from './scan-image.ts';
export {
  type CvssError,
  type CvssScore,
  type CvssSeverity,
  type CvssVersion,
  isCvssError,
  scoreVector,
  severityOfScore,
} from './severity/cvss.ts';
export {
  type AdvisorySeverity,
  type OsvAffectedSeverityInput,
  type OsvSeverityInput,
  type SeveritySource,
  severityFromOsv,
} from './severity/osv.ts';
export {
  compareVersions,
  ECOSYSTEM_SCHEMES,
  InvalidVersionError,
  schemeFor,
  VERSION_SCHEMES,
  type VersionScheme,
} from './versioning/index.ts';
export { applyVex, readVex, type VexStatement } from './vex.ts';
