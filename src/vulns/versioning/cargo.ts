/**
 * Rust crate versions (crates.io), as Cargo compares them: Semantic Versioning 2.0.0.
 *
 * Spec: https://semver.org/spec/v2.0.0.html (Cargo's `semver` crate implements it strictly:
 * no `v` prefix, no surrounding whitespace, no leading zeros in numeric identifiers). Build
 * metadata does not affect precedence: crates.io refuses two versions that differ only in it.
 */
import semver from 'semver';
import { defineScheme, fail, type Order, ok, type Parsed } from './common.ts';

function parse(version: string): Parsed<semver.SemVer> {
  if (!/^[0-9]/.test(version) || /\s$/.test(version)) {
    return fail('a SemVer 2.0 version starts with a digit and has no surrounding whitespace');
  }
  const parsed = semver.parse(version, { loose: false });
  return parsed ? ok(parsed) : fail('not a SemVer 2.0 version');
}

export const cargoScheme = defineScheme<semver.SemVer>({
  id: 'cargo',
  specUrl: 'https://semver.org/spec/v2.0.0.html',
  parse,
  compare: (a, b): Order => a.compare(b),
});
