/**
 * The severity of an OSV advisory (https://ossf.github.io/osv-schema/#severity-field), for one
 * affected package.
 *
 * Order of preference:
 * 1. A CVSS vector from `severity[]`, the highest CVSS version that scores (v4.0 > v3.1 > v3.0 > v2).
 *    The `severity[]` of the matched `affected[]` entry, when it has one, replaces the top-level one
 *    (the OSV schema allows severity at either level, not both, and the affected-level one is the
 *    more specific). Vectors that do not parse are reported in `errors` and skipped.
 * 2. The database's own rating, each mapped onto the CVSS qualitative scale:
 *    - GitHub (`database_specific.severity`: LOW / MODERATE / HIGH / CRITICAL). GitHub derives these
 *      levels from CVSS ranges (Low 0.1–3.9, Moderate 4.0–6.9, High 7.0–8.9, Critical 9.0–10.0):
 *      https://docs.github.com/en/code-security/security-advisories/working-with-global-security-advisories-from-the-github-advisory-database/about-the-github-advisory-database#about-cvss-levels
 *      → low / medium / high / critical.
 *    - Ubuntu priority (`severity[]` entry of type `Ubuntu`, as the OSV schema defines it; also read
 *      from `ecosystem_specific.priority` / `database_specific.priority`): negligible, low, medium,
 *      high, critical (https://ubuntu.com/security/cves/about#priority) → negligible maps to low,
 *      the rest by name.
 *    - Debian urgency (`urgency` in `ecosystem_specific` or `database_specific`, the security
 *      tracker's field): unimportant, low, medium, high; "not yet assigned" and "end-of-life" carry
 *      no rating (https://security-team.debian.org/security_tracker.html#severity-levels) →
 *      unimportant maps to low, the rest by name; `*` suffixes (low*, medium**) are stripped.
 *    - Red Hat severity (`database_specific.severity` or `ecosystem_specific.severity`): Low,
 *      Moderate, Important, Critical (https://access.redhat.com/security/updates/classification)
 *      → low / medium / high / critical.
 *    GitHub's and Red Hat's words do not collide (only Red Hat says "Important"; both say Low,
 *    Moderate and Critical with the same meaning), so one table serves both.
 * 3. Otherwise 'unknown'.
 *
 * The input is typed loosely (`unknown` fields): advisories are untrusted JSON, and every field is
 * checked before use.
 */
import { type CvssScore, type CvssSeverity, type CvssVersion, isCvssError, scoreVector } from './cvss.ts';

/** The parts of an OSV record this module reads. */
export interface OsvSeverityInput {
  readonly id?: unknown;
  readonly severity?: unknown;
  readonly database_specific?: unknown;
}

/** The parts of one `affected[]` entry this module reads. */
export interface OsvAffectedSeverityInput {
  readonly severity?: unknown;
  readonly ecosystem_specific?: unknown;
  readonly database_specific?: unknown;
}

export type SeveritySource = 'cvss' | 'ghsa' | 'ubuntu' | 'debian' | 'redhat';

export interface AdvisorySeverity {
  readonly severity: CvssSeverity | 'unknown';
  /** Where the severity came from; absent when unknown. */
  readonly source?: SeveritySource;
  /** CVSS score, when a vector was used. */
  readonly score?: number;
  readonly vector?: string;
  readonly version?: CvssVersion;
  /** The database's own word, when a rating was used ('MODERATE', 'medium', 'Important'...). */
  readonly rating?: string;
  /** Every CVSS vector that could not be scored, with the reason. Never silently dropped. */
  readonly errors: readonly string[];
}

const VERSION_RANK: Readonly<Record<CvssVersion, number>> = { '2.0': 0, '3.0': 1, '3.1': 2, '4.0': 3 };

const VENDOR_WORDS: Readonly<Record<string, CvssSeverity>> = {
  negligible: 'low',
  unimportant: 'low',
  low: 'low',
  moderate: 'medium',
  medium: 'medium',
  important: 'high',
  high: 'high',
  critical: 'critical',
};

function record(value: unknown): Readonly<Record<string, unknown>> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

interface SeverityEntry {
  readonly type: string;
  readonly score: string;
}

function severityEntries(value: unknown): SeverityEntry[] {
  if (!Array.isArray(value)) {
    return [];
  }
  const entries: SeverityEntry[] = [];
  for (const item of value) {
    const entry = record(item);
    if (entry && typeof entry.type === 'string' && typeof entry.score === 'string') {
      entries.push({ type: entry.type, score: entry.score });
    }
  }
  return entries;
}

function bestCvss(entries: readonly SeverityEntry[], errors: string[]): CvssScore | undefined {
  let best: CvssScore | undefined;
  for (const entry of entries) {
    if (!entry.type.startsWith('CVSS_')) {
      continue;
    }
    const result = scoreVector(entry.score);
    if (isCvssError(result)) {
      errors.push(`${entry.type} "${entry.score}": ${result.error}`);
      continue;
    }
    if (!best || VERSION_RANK[result.version] > VERSION_RANK[best.version]) {
      best = result;
    }
  }
  return best;
}

function vendorWord(value: unknown): CvssSeverity | undefined {
  if (typeof value !== 'string') {
    return undefined;
  }
  return VENDOR_WORDS[value.trim().replace(/\*+$/, '').toLowerCase()];
}

interface Rating {
  readonly severity: CvssSeverity;
  readonly source: SeveritySource;
  readonly rating: string;
}

function ratingFrom(
  severityField: unknown,
  bags: readonly (Readonly<Record<string, unknown>> | undefined)[],
  id: string,
): Rating | undefined {
  for (const entry of severityEntries(severityField)) {
    if (entry.type === 'Ubuntu') {
      const severity = vendorWord(entry.score);
      if (severity) {
        return { severity, source: 'ubuntu', rating: entry.score };
      }
    }
  }
  for (const bag of bags) {
    if (!bag) {
      continue;
    }
    const word = bag.severity;
    const severity = vendorWord(word);
    if (severity && typeof word === 'string') {
      const source: SeveritySource =
        /^GHSA-/i.test(id) || /^(LOW|MODERATE|HIGH|CRITICAL)$/.test(word) ? 'ghsa' : 'redhat';
      return { severity, source, rating: word };
    }
    for (const [key, source] of [
      ['priority', 'ubuntu'],
      ['urgency', 'debian'],
    ] as const) {
      const value = bag[key];
      const mapped = vendorWord(value);
      if (mapped && typeof value === 'string') {
        return { severity: mapped, source, rating: value };
      }
    }
  }
  return undefined;
}

/**
 * The severity of `advisory` for the matched `affected` entry (optional). Never throws: malformed
 * fields are skipped, unscorable vectors are listed in `errors`.
 */
export function severityFromOsv(advisory: OsvSeverityInput, affected?: OsvAffectedSeverityInput): AdvisorySeverity {
  const errors: string[] = [];
  const id = typeof advisory.id === 'string' ? advisory.id : '';
  const affectedEntries = severityEntries(affected?.severity);
  const severityField = affectedEntries.length > 0 ? affected?.severity : advisory.severity;
  const cvss = bestCvss(severityEntries(severityField), errors);
  if (cvss) {
    return {
      severity: cvss.severity,
      source: 'cvss',
      score: cvss.score,
      vector: cvss.vector,
      version: cvss.version,
      errors,
    };
  }
  const rating = ratingFrom(
    severityField,
    [record(affected?.ecosystem_specific), record(affected?.database_specific), record(advisory.database_specific)],
    id,
  );
  if (rating) {
    return { ...rating, errors };
  }
  return { severity: 'unknown', errors };
}
