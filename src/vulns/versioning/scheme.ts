/**
 * A version scheme compares versions exactly as one package manager does. One file per scheme
 * under versioning/, listed in versioning/index.ts with the OSV ecosystems it serves.
 */
import { PalisadeError } from '#core';

export interface VersionScheme {
  /** 'deb' | 'rpm' | 'apk' | 'semver' | 'npm' | 'pep440' | 'maven' | 'go' | 'nuget' | 'gem' | 'composer' | 'cargo' */
  readonly id: string;
  /** The normative definition (Debian policy, rpmvercmp, PEP 440, ...). */
  readonly specUrl: string;
  isValid(version: string): boolean;
  /** Total order on valid versions. Throws InvalidVersionError (naming the input) otherwise. */
  compare(a: string, b: string): -1 | 0 | 1;
}

/** A version the scheme cannot parse. Matching reports such packages as indeterminate. */
export class InvalidVersionError extends PalisadeError {
  readonly scheme: string;
  readonly version: string;
  constructor(scheme: string, version: string, reason: string) {
    super('input.invalid', `"${version}" is not a valid ${scheme} version: ${reason}`);
    this.scheme = scheme;
    this.version = version;
  }
}
