/**
 * Pod Security Standards policy versions, as the `pod-security.kubernetes.io/<mode>-version`
 * label spells them: 'v1.0' … 'v1.N' or 'latest'. A version newer than the newest one Palisade
 * knows is evaluated as the newest, as the upstream admission controller does (its registry
 * clamps every version above the newest check revision to that revision).
 */
import { UsageError } from '#core';

export interface PssVersion {
  readonly major: 1;
  readonly minor: number;
}

/**
 * Newest Kubernetes minor release whose Pod Security Standards Palisade implements: v1.37
 * (released August 2026; its `sysctls` revision is the newest upstream check revision, so
 * `latest` and every later label value evaluate as v1.37). v1.38 is still in development.
 */
export const LATEST_PSS_VERSION: PssVersion = Object.freeze({ major: 1, minor: 37 });

export function formatPssVersion(version: PssVersion): string {
  return `v${version.major}.${version.minor}`;
}

/** Parse 'latest' or 'vX.Y' (the leading v is required, as in the namespace label). */
export function parsePssVersion(text: string): PssVersion {
  if (text === 'latest') {
    return LATEST_PSS_VERSION;
  }
  const groups = /^v(?<major>\d+)\.(?<minor>\d+)$/.exec(text)?.groups;
  if (groups?.major !== '1') {
    throw new UsageError(`invalid Pod Security Standards version "${text}": expected "latest" or "v1.N" (e.g. v1.30)`);
  }
  const minor = Number(groups.minor);
  return minor > LATEST_PSS_VERSION.minor ? LATEST_PSS_VERSION : { major: 1, minor };
}

/** True when `version` is at or after 1.`minor`. */
export function atOrAfter(version: PssVersion, minor: number): boolean {
  return version.minor >= minor;
}

/** Every policy version from v1.0 to the newest, oldest first. */
export function allPssVersions(): PssVersion[] {
  const versions: PssVersion[] = [];
  for (let minor = 0; minor <= LATEST_PSS_VERSION.minor; minor++) {
    versions.push({ major: 1, minor });
  }
  return versions;
}
