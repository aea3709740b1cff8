/**
 * Packages × advisories → vulnerabilities. For each package: its ecosystem's version scheme, the
 * advisories filed under its name in the ecosystem (with the detected release for OS packages),
 * and, for every affected entry of those advisories that names the package, the OSV range walk
 * (match.ts). Every result keeps the proof.
 *
 * How packages are looked up, per ecosystem (each choice follows how that database files its
 * advisories):
 * - Debian, Ubuntu: by source package and source version (DSA/DLA/USN records name source
 *   packages; a binNMU's `+b1` binary version is compared as its source version).
 * - Alpine, Wolfi, Chainguard: by origin (source) package (secdb is keyed on the origin).
 * - RPM distributions: by binary package name (RHSA records list binary rpms); Red Hat records,
 *   whose ecosystem names a product stream (`Red Hat:rhel_aus:8.6::appstream`), apply only when
 *   the stream's major release equals the image's.
 * - Language ecosystems: by name (PyPI names normalised per PEP 503 by the store).
 */
import type { Diagnostic, OsRelease, Package, Severity, Vulnerability, VulnerabilitySeverity } from '#core';
import { osvEcosystem } from '#images';
import type { Advisory, Affected } from './db/osv.ts';
import { normalizePackageName, splitEcosystem } from './db/osv.ts';
import { AdvisoryCache, type AdvisoryStore, type LookupKey } from './db/store.ts';
import { matchAffected, type OsvAffected } from './match.ts';
import { severityFromOsv } from './severity/osv.ts';
import { schemeFor } from './versioning/index.ts';

const BY_SOURCE = new Set(['Debian', 'Ubuntu', 'Alpine', 'Wolfi', 'Chainguard']);
const SOURCE_VERSION = new Set(['Debian', 'Ubuntu']);

export interface MatchOptions {
  /** Time against which withdrawn advisories are judged. */
  readonly now?: Date;
}

/** The ecosystem key a package is looked up under ('Debian:12', 'npm'), or undefined without an OS. */
export function lookupEcosystem(pkg: Package, os: OsRelease | undefined): string | undefined {
  if (pkg.kind !== 'os') {
    return pkg.ecosystem;
  }
  if (!os || os.ecosystem !== pkg.ecosystem) {
    return undefined;
  }
  return osvEcosystem(os);
}

function lookupName(pkg: Package): string {
  return BY_SOURCE.has(pkg.ecosystem) ? (pkg.sourceName ?? pkg.name) : pkg.name;
}

function comparedVersion(pkg: Package): string {
  return SOURCE_VERSION.has(pkg.ecosystem) ? (pkg.sourceVersion ?? pkg.version) : pkg.version;
}

/** Major release of a Red Hat product stream: 'rhel_aus:8.6::appstream' → '8'. */
function redHatMajor(release: string): string | undefined {
  return /^[a-z_]+:(\d+)/.exec(release)?.[1];
}

/** Does this affected entry name the package, in a release that applies to the image? */
function entryApplies(entry: Affected, key: LookupKey, os?: OsRelease): boolean {
  const pkgInfo = entry.package;
  if (!pkgInfo) {
    return false;
  }
  const wanted = splitEcosystem(key.ecosystem);
  const found = splitEcosystem(pkgInfo.ecosystem);
  if (found.base !== wanted.base) {
    return false;
  }
  if (normalizePackageName(found.base, pkgInfo.name) !== normalizePackageName(wanted.base, key.name)) {
    return false;
  }
  if (found.base === 'Red Hat' && found.release && os) {
    const major = redHatMajor(found.release);
    return major === undefined || major === os.release.split('.')[0];
  }
  if (wanted.release && found.release) {
    return found.release === wanted.release || found.release.startsWith(`${wanted.release}:`);
  }
  return true;
}

function toSeverity(severity: string): VulnerabilitySeverity {
  switch (severity) {
    case 'critical':
    case 'high':
    case 'medium':
    case 'low':
      return severity;
    case 'none':
      return 'info' satisfies Severity;
    default:
      return 'unknown';
  }
}

function titleOf(advisory: Advisory): string {
  const summary = advisory.summary?.trim();
  if (summary) {
    return summary;
  }
  const firstLine = advisory.details?.trim().split('\n')[0]?.trim();
  if (firstLine) {
    return firstLine.length > 200 ? `${firstLine.slice(0, 197)}...` : firstLine;
  }
  return advisory.id;
}

function aliasesOf(advisory: Advisory): string[] {
  const aliases = [...(advisory.aliases ?? [])];
  return aliases.sort((a, b) => Number(!a.startsWith('CVE-')) - Number(!b.startsWith('CVE-')) || a.localeCompare(b));
}

/**
 * Match packages against the store. Returns the vulnerabilities (affected and indeterminate),
 * ordered by package then advisory id, and diagnostics for packages that cannot be matched.
 */
export function matchPackages(
  packages: readonly Package[],
  os: OsRelease | undefined,
  store: AdvisoryStore,
  options: MatchOptions = {},
): { vulnerabilities: Vulnerability[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const keyed: { pkg: Package; key: LookupKey }[] = [];
  for (const pkg of packages) {
    const ecosystem = lookupEcosystem(pkg, os);
    if (!ecosystem) {
      continue; // OS packages without a detected OS: reported once as os.undetected
    }
    keyed.push({ pkg, key: { ecosystem, name: lookupName(pkg) } });
  }
  const cache = new AdvisoryCache();
  const found = store.lookupMany(
    keyed.map((k) => k.key),
    { cache, ...(options.now ? { now: options.now } : {}) },
  );
  const vulnerabilities: Vulnerability[] = [];
  const invalidReported = new Set<string>();
  for (const [index, { pkg, key }] of keyed.entries()) {
    const advisories = found[index] ?? [];
    const scheme = schemeFor(key.ecosystem);
    const version = comparedVersion(pkg);
    if (!scheme) {
      diagnostics.push({
        level: 'warning',
        code: 'vulns.no-scheme',
        message: `package "${pkg.name}" (${pkg.ecosystem}): no version scheme for this ecosystem, so it cannot be matched`,
        location: { file: pkg.location.path, ...(pkg.location.line ? { line: pkg.location.line } : {}) },
      });
      continue;
    }
    if (!scheme.isValid(version) && !invalidReported.has(pkg.purl)) {
      invalidReported.add(pkg.purl);
      diagnostics.push({
        level: 'warning',
        code: 'vulns.invalid-version',
        message: `package "${pkg.name}" has version "${version}", which is not a valid ${scheme.id} version: its advisories are reported as indeterminate`,
        location: { file: pkg.location.path, ...(pkg.location.line ? { line: pkg.location.line } : {}) },
      });
    }
    const ordered = [...advisories].sort((a, b) => a.id.localeCompare(b.id));
    for (const advisory of ordered) {
      let affectedResult: { index: number; result: ReturnType<typeof matchAffected> } | undefined;
      let indeterminate: { index: number; reason: string } | undefined;
      for (const [entryIndex, entry] of (advisory.affected ?? []).entries()) {
        if (!entryApplies(entry, key, os)) {
          continue;
        }
        const result = matchAffected(version, entry as OsvAffected, scheme);
        if (result.kind === 'affected') {
          affectedResult = { index: entryIndex, result };
          break;
        }
        if (result.kind === 'indeterminate') {
          indeterminate ??= { index: entryIndex, reason: result.reason };
        }
      }
      if (!affectedResult && !indeterminate) {
        continue;
      }
      const entryIndex = affectedResult?.index ?? indeterminate?.index ?? 0;
      const entry = advisory.affected?.[entryIndex];
      const severity = severityFromOsv(advisory, entry);
      const base = {
        id: advisory.id,
        aliases: aliasesOf(advisory),
        severity: toSeverity(severity.severity),
        ...(severity.source
          ? { severitySource: severity.version ? `cvss-v${severity.version}` : severity.source }
          : {}),
        ...(severity.vector && severity.version && severity.score !== undefined
          ? { cvss: { version: severity.version, vector: severity.vector, score: severity.score } }
          : {}),
        title: titleOf(advisory),
        package: {
          name: pkg.name,
          version: pkg.version,
          ecosystem: pkg.ecosystem,
          purl: pkg.purl,
          ...(pkg.sourceName ? { sourceName: pkg.sourceName } : {}),
        },
        layer: pkg.location.layer ?? null,
        location: pkg.location,
        references: (advisory.references ?? []).map((r) => r.url),
        fingerprint: `${advisory.id}|${pkg.purl}|${pkg.location.path}`,
      };
      if (affectedResult && affectedResult.result.kind === 'affected') {
        const { result } = affectedResult;
        vulnerabilities.push({
          ...base,
          status: 'affected',
          fixedVersion: result.fixedIn ?? null,
          proof: {
            advisory: advisory.id,
            modified: advisory.modified,
            ecosystem: entry?.package?.ecosystem ?? key.ecosystem,
            packageName: entry?.package?.name ?? key.name,
            by: result.proof.by,
            affectedIndex: entryIndex,
            ...(result.proof.rangeIndex === undefined ? {} : { rangeIndex: result.proof.rangeIndex }),
            ...(result.proof.rangeType ? { rangeType: result.proof.rangeType } : {}),
            range: result.range,
            comparedVersion: version,
            comparisons: result.proof.comparisons,
          },
        });
      } else if (indeterminate) {
        vulnerabilities.push({ ...base, status: 'indeterminate', fixedVersion: null, reason: indeterminate.reason });
      }
    }
  }
  return { vulnerabilities, diagnostics };
}
