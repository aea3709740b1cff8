/** vulns: matching packages to OSV advisories with exact per-ecosystem version semantics. */
export {
  type MatchProof,
  type MatchResult,
  matchAffected,
  type OsvAffected,
  type OsvEvent,
  type OsvRange,
} from './match.ts';
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
