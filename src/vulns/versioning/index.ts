/**
 * Version schemes and the explicit table from OSV ecosystem to scheme.
 *
 * OSV ecosystem names (https://ossf.github.io/osv-schema/#defined-ecosystems) may carry a
 * release suffix after the first `:` (`Debian:12`, `Alpine:v3.20`, `Ubuntu:22.04:LTS`,
 * `Red Hat:enterprise_linux:9::appstream`): only the part before it selects the scheme.
 */
import { type Ecosystem, InputError } from '#core';
import { apkScheme } from './apk.ts';
import { cargoScheme } from './cargo.ts';
import { composerScheme } from './composer.ts';
import { debScheme } from './deb.ts';
import { gemScheme } from './gem.ts';
import { goScheme } from './go.ts';
import { mavenScheme } from './maven.ts';
import { npmScheme } from './npm.ts';
import { nugetScheme } from './nuget.ts';
import { pep440Scheme } from './pep440.ts';
import { rpmScheme } from './rpm.ts';
import type { VersionScheme } from './scheme.ts';

export { InvalidVersionError, type VersionScheme } from './scheme.ts';

/** Every scheme, one per file of this folder. */
export const VERSION_SCHEMES: readonly VersionScheme[] = [
  debScheme,
  rpmScheme,
  apkScheme,
  npmScheme,
  cargoScheme,
  pep440Scheme,
  mavenScheme,
  goScheme,
  nugetScheme,
  gemScheme,
  composerScheme,
];

/** The ecosystems Palisade produces packages for; the type makes this table total. */
const BY_ECOSYSTEM: Readonly<Record<Ecosystem, VersionScheme>> = {
  Debian: debScheme,
  Ubuntu: debScheme,
  Alpine: apkScheme,
  Wolfi: apkScheme,
  Chainguard: apkScheme,
  'Red Hat': rpmScheme,
  'Rocky Linux': rpmScheme,
  AlmaLinux: rpmScheme,
  CentOS: rpmScheme,
  Fedora: rpmScheme,
  'Amazon Linux': rpmScheme,
  'Azure Linux': rpmScheme,
  'CBL-Mariner': rpmScheme,
  SUSE: rpmScheme,
  openSUSE: rpmScheme,
  npm: npmScheme,
  PyPI: pep440Scheme,
  Go: goScheme,
  Maven: mavenScheme,
  NuGet: nugetScheme,
  'crates.io': cargoScheme,
  RubyGems: gemScheme,
  Packagist: composerScheme,
};

/** Further OSV ecosystems whose packages use one of these package managers. */
const OTHER_ECOSYSTEMS: Readonly<Record<string, VersionScheme>> = {
  Mageia: rpmScheme,
  openEuler: rpmScheme,
  'Photon OS': rpmScheme,
  Alpaquita: apkScheme,
  MinimOS: apkScheme,
};

export const ECOSYSTEM_SCHEMES: Readonly<Record<string, VersionScheme>> = { ...BY_ECOSYSTEM, ...OTHER_ECOSYSTEMS };

/** The scheme for an OSV ecosystem name, release suffix allowed; undefined when unknown. */
export function schemeFor(ecosystem: string): VersionScheme | undefined {
  const colon = ecosystem.indexOf(':');
  const base = colon >= 0 ? ecosystem.slice(0, colon) : ecosystem;
  return Object.hasOwn(ECOSYSTEM_SCHEMES, base) ? ECOSYSTEM_SCHEMES[base] : undefined;
}

/**
 * Compares two versions of an ecosystem's packages: -1, 0 or 1. Throws InvalidVersionError for a
 * version the ecosystem's package manager would not accept, and InputError (`input.unsupported`)
 * for an ecosystem without a scheme.
 */
export function compareVersions(ecosystem: string, a: string, b: string): -1 | 0 | 1 {
  const scheme = schemeFor(ecosystem);
  if (!scheme) {
    throw new InputError('input.unsupported', `no version scheme for ecosystem "${ecosystem}"`);
  }
  return scheme.compare(a, b);
}
