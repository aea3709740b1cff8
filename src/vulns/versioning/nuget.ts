/**
 * NuGet package versions, as NuGet compares them (NuGet.Versioning's default VersionComparer).
 *
 * Spec: https://learn.microsoft.com/en-us/nuget/concepts/package-versioning — SemVer 2.0 with
 * NuGet's extensions: one to four numeric parts (`1.0` = `1.0.0` = `1.0.0.0`, a fourth
 * "revision" part compared after the patch), leading zeros allowed in numbers (`1.01` = `1.1`),
 * pre-release labels compared identifier by identifier with numeric identifiers numerically and
 * others ordinal case-insensitively (`1.0.0-Beta` = `1.0.0-beta`), numeric before alphanumeric,
 * and build metadata (`+sha.5114f85`) ignored.
 */
import { compareDigits, compareStrings, defineScheme, fail, type Order, ok, type Parsed } from './common.ts';

interface NuGetVersion {
  /** Always four numeric parts, missing ones are 0. */
  readonly parts: readonly string[];
  /** Pre-release identifiers, upper-cased for case-insensitive comparison; empty for a release. */
  readonly release: readonly string[];
}

const INT32_MAX = '2147483647';
const PATTERN =
  /^([0-9]+(?:\.[0-9]+){0,3})(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$/;

function parse(version: string): Parsed<NuGetVersion> {
  const m = PATTERN.exec(version);
  if (!m?.[1]) {
    return fail('not a NuGet version (1 to 4 numeric parts, optional -prerelease and +metadata)');
  }
  const parts = m[1].split('.');
  if (parts.some((p) => compareDigits(p, INT32_MAX) > 0)) {
    return fail('a numeric part exceeds 2147483647');
  }
  while (parts.length < 4) {
    parts.push('0');
  }
  const release = m[2] ? m[2].split('.').map((label) => label.toUpperCase()) : [];
  return ok({ parts, release });
}

const NUMERIC = /^[0-9]+$/;

function compareLabel(a: string, b: string): Order {
  const an = NUMERIC.test(a);
  const bn = NUMERIC.test(b);
  if (an && bn) {
    return compareDigits(a, b);
  }
  if (an !== bn) {
    return an ? -1 : 1;
  }
  return compareStrings(a, b);
}

function compare(a: NuGetVersion, b: NuGetVersion): Order {
  for (let i = 0; i < 4; i++) {
    const r = compareDigits(a.parts[i] ?? '0', b.parts[i] ?? '0');
    if (r !== 0) {
      return r;
    }
  }
  // A release is newer than any pre-release of the same numbers.
  if (a.release.length === 0 || b.release.length === 0) {
    return a.release.length === b.release.length ? 0 : a.release.length === 0 ? 1 : -1;
  }
  const n = Math.min(a.release.length, b.release.length);
  for (let i = 0; i < n; i++) {
    const r = compareLabel(a.release[i] ?? '', b.release[i] ?? '');
    if (r !== 0) {
      return r;
    }
  }
  return a.release.length === b.release.length ? 0 : a.release.length < b.release.length ? -1 : 1;
}

export const nugetScheme = defineScheme<NuGetVersion>({
  id: 'nuget',
  specUrl: 'https://learn.microsoft.com/en-us/nuget/concepts/package-versioning',
  parse,
  compare,
});
