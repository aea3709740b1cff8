/**
 * A software package found in an image, a root filesystem or a project directory: what SBOMs list
 * and what vulnerability matching reads. Ecosystem names are OSV's
 * (https://ossf.github.io/osv-schema/#defined-ecosystems), without the release suffix: the
 * release (`Debian:12`, `Alpine:v3.20`) comes from the detected OS, not from the package.
 */

/** OSV ecosystem names Palisade produces packages for. */
export const ECOSYSTEMS = [
  // Operating systems
  'Debian',
  'Ubuntu',
  'Alpine',
  'Wolfi',
  'Chainguard',
  'Red Hat',
  'Rocky Linux',
  'AlmaLinux',
  'CentOS',
  'Fedora',
  'Amazon Linux',
  'Azure Linux',
  'CBL-Mariner',
  'SUSE',
  'openSUSE',
  // Languages
  'npm',
  'PyPI',
  'Go',
  'Maven',
  'NuGet',
  'crates.io',
  'RubyGems',
  'Packagist',
] as const;
export type Ecosystem = (typeof ECOSYSTEMS)[number];

export function isEcosystem(value: string): value is Ecosystem {
  return (ECOSYSTEMS as readonly string[]).includes(value);
}

/** Where a package was found. */
export interface PackageLocation {
  /** Path of the file that declared it, inside the image or relative to the scanned directory, '/'-separated, no leading '/'. */
  readonly path: string;
  /** Line in that file, when the format has lines (lockfiles, dpkg status). */
  readonly line?: number;
  /** Digest of the layer (uncompressed diff ID, `sha256:...`) that introduced the file, for images. */
  readonly layer?: string;
}

export interface Package {
  readonly name: string;
  /**
   * The version exactly as the package manager compares it: dpkg `[epoch:]upstream[-revision]`,
   * rpm `[epoch:]version-release`, apk `version-rN`, npm semver, PEP 440, Maven...
   */
  readonly version: string;
  readonly ecosystem: Ecosystem;
  /** Package URL (https://github.com/package-url/purl-spec), e.g. 'pkg:deb/debian/libc6@2.36-9?arch=amd64&distro=debian-12'. */
  readonly purl: string;
  /** 'os' for the distribution's package database, 'lang' for language packages. */
  readonly kind: 'os' | 'lang';
  /** Analyzer id that found it: 'os/dpkg', 'lang/npm-lock'. */
  readonly analyzer: string;
  readonly location: PackageLocation;
  /** Source package (dpkg `Source:`, the name in rpm `SOURCERPM`, apk `o:` origin): advisories of Debian, Ubuntu and Red Hat are keyed on it. */
  readonly sourceName?: string;
  /** Source package version when it differs from the binary's (dpkg `Source: name (version)`). */
  readonly sourceVersion?: string;
  readonly arch?: string;
  /** SPDX license expressions or names as the package declares them. */
  readonly licenses?: readonly string[];
  /** A development-only dependency (lockfiles that say so). */
  readonly dev?: boolean;
}

/** The operating system of an image or root filesystem, from /etc/os-release and friends. */
export interface OsRelease {
  /** Family id Palisade uses: 'debian', 'ubuntu', 'alpine', 'rhel', 'centos', 'rocky', 'alma', 'fedora', 'amzn', 'azurelinux', 'mariner', 'wolfi', 'chainguard', 'sles', 'opensuse'. */
  readonly family: string;
  /** Release as advisories name it: '12', '22.04', '3.20', '9', '2023', '2.0'. */
  readonly release: string;
  /** The OSV ecosystem of its packages, with release suffix as OSV writes it: 'Debian:12', 'Alpine:v3.20', 'Red Hat'... */
  readonly ecosystem: Ecosystem;
  readonly prettyName?: string;
  /** True for distroless images (dpkg status.d without an os-release of a full distribution). */
  readonly distroless?: boolean;
  /** File the release was read from. */
  readonly source: string;
}
