/**
 * The distributions Palisade recognises: os-release `ID` → family, OSV ecosystem and how the
 * release is named, plus the OSV ecosystem string with its release suffix and the purl namespace
 * and `distro` qualifier of each family.
 *
 * Decisions, from the OSV ecosystem list (https://ossf.github.io/osv-schema/#defined-ecosystems,
 * ossf/osv-schema validation/ecosystems.json) and real advisories:
 * - `OsRelease.ecosystem` holds the bare ecosystem name ('Debian'): the shared model types it as
 *   `Ecosystem`, which has no release suffix. `osvEcosystem(os)` builds the suffixed string.
 * - Debian: `Debian:<major>` ('Debian:12'); a release without a number (testing, sid) uses its
 *   codename, as OSV says ("the string in the series column of distro-info-data").
 * - Ubuntu: `Ubuntu:<YY.MM>` plus a mandatory `:LTS` for LTS releases ('Ubuntu:22.04:LTS'). LTS is
 *   every even year's .04 release since 6.06 (https://wiki.ubuntu.com/Releases); the rule is used
 *   rather than the VERSION text, which the model does not keep.
 * - Alpine: `Alpine:v<major.minor>` ('Alpine:v3.20'): branches are major.minor; `v` is required.
 *   An edge image (VERSION_ID like 3.21.0_alpha2024...) is named after its next branch.
 * - Red Hat (RHEL, UBI: both say ID=rhel): plain 'Red Hat'. Red Hat's OSV records carry a CPE
 *   suffix ('Red Hat:rhel_aus:8.6::appstream') that the image does not reveal; the matcher has to
 *   compare on the prefix. The release kept is the major version ('9').
 * - Rocky Linux, AlmaLinux: `Rocky Linux:<major>`, `AlmaLinux:<major>` ("a numeric version").
 * - CentOS, Fedora, Amazon Linux: not in OSV's list; `CentOS:<major>`, `Fedora:<n>`,
 *   `Amazon Linux:<n>` by the same pattern (real Amazon records use a CPE-like suffix, as Red Hat).
 * - Azure Linux 3 and CBL-Mariner 2 (renamed Azure Linux by Microsoft): OSV defines only
 *   'Azure Linux' (`:<RELEASE>` numeric), so both use it: 'Azure Linux:3.0', 'Azure Linux:2.0'. The
 *   family stays 'mariner' for CBL-Mariner (purl namespace `mariner`).
 * - Wolfi, Chainguard: rolling, no suffix ('Wolfi', 'Chainguard').
 * - SUSE, openSUSE: OSV says the suffix "matches the value in the /etc/os-release PRETTY_NAME
 *   field": 'SUSE:SUSE Linux Enterprise Server 15 SP5', 'openSUSE:openSUSE Leap 15.5'.
 */
import { PackageURL } from 'packageurl-js';
import type { Ecosystem, OsRelease } from '#core';

export interface DistroInfo {
  readonly family: string;
  readonly ecosystem: Ecosystem;
  /** How the release is named from os-release's VERSION_ID. */
  readonly release: 'major' | 'major.minor' | 'full';
}

/** os-release ID (lower case) → distribution. */
export const DISTROS: Readonly<Record<string, DistroInfo>> = {
  debian: { family: 'debian', ecosystem: 'Debian', release: 'major' },
  ubuntu: { family: 'ubuntu', ecosystem: 'Ubuntu', release: 'full' },
  alpine: { family: 'alpine', ecosystem: 'Alpine', release: 'major.minor' },
  rhel: { family: 'rhel', ecosystem: 'Red Hat', release: 'major' },
  centos: { family: 'centos', ecosystem: 'CentOS', release: 'major' },
  rocky: { family: 'rocky', ecosystem: 'Rocky Linux', release: 'major' },
  almalinux: { family: 'alma', ecosystem: 'AlmaLinux', release: 'major' },
  fedora: { family: 'fedora', ecosystem: 'Fedora', release: 'full' },
  amzn: { family: 'amzn', ecosystem: 'Amazon Linux', release: 'full' },
  azurelinux: { family: 'azurelinux', ecosystem: 'Azure Linux', release: 'full' },
  mariner: { family: 'mariner', ecosystem: 'Azure Linux', release: 'full' },
  wolfi: { family: 'wolfi', ecosystem: 'Wolfi', release: 'full' },
  chainguard: { family: 'chainguard', ecosystem: 'Chainguard', release: 'full' },
  sles: { family: 'sles', ecosystem: 'SUSE', release: 'full' },
  'opensuse-leap': { family: 'opensuse', ecosystem: 'openSUSE', release: 'full' },
  'opensuse-tumbleweed': { family: 'opensuse', ecosystem: 'openSUSE', release: 'full' },
  'opensuse-slowroll': { family: 'opensuse', ecosystem: 'openSUSE', release: 'full' },
  opensuse: { family: 'opensuse', ecosystem: 'openSUSE', release: 'full' },
};

/** Cuts a VERSION_ID to the part advisories use; undefined when it does not start with a number. */
export function releaseOf(versionId: string, kind: DistroInfo['release']): string | undefined {
  if (kind === 'full') {
    return versionId === '' ? undefined : versionId;
  }
  const match = /^(\d+)(?:\.(\d+))?/.exec(versionId);
  if (!match) {
    return undefined;
  }
  if (kind === 'major') {
    return match[1];
  }
  return match[2] === undefined ? undefined : `${match[1]}.${match[2]}`;
}

/** Ubuntu LTS releases: 6.06, then every even year's .04. */
export function isUbuntuLts(release: string): boolean {
  if (release === '6.06') {
    return true;
  }
  const match = /^(\d+)\.04$/.exec(release);
  return match !== null && Number(match[1]) % 2 === 0;
}

/** The OSV ecosystem string, with the release suffix as OSV writes it ('Debian:12', 'Alpine:v3.20'). */
export function osvEcosystem(os: OsRelease): string {
  switch (os.ecosystem) {
    case 'Ubuntu':
      return `Ubuntu:${os.release}${isUbuntuLts(os.release) ? ':LTS' : ''}`;
    case 'Alpine':
      return `Alpine:v${os.release}`;
    case 'Red Hat':
    case 'Wolfi':
    case 'Chainguard':
      return os.ecosystem;
    case 'SUSE':
    case 'openSUSE':
      return `${os.ecosystem}:${os.prettyName ?? os.release}`;
    default:
      return `${os.ecosystem}:${os.release}`;
  }
}

/** purl namespace of an rpm family (purl-spec rpm type: the vendor). */
const RPM_NAMESPACE: Readonly<Record<string, string>> = {
  rhel: 'redhat',
  centos: 'centos',
  rocky: 'rocky',
  alma: 'almalinux',
  fedora: 'fedora',
  amzn: 'amazon',
  azurelinux: 'azurelinux',
  mariner: 'mariner',
  sles: 'suse',
  opensuse: 'opensuse',
};

/** purl namespace for the family's packages: 'debian', 'alpine', 'redhat'... */
export function purlNamespace(family: string): string | undefined {
  if (['debian', 'ubuntu', 'alpine', 'wolfi', 'chainguard'].includes(family)) {
    return family;
  }
  return RPM_NAMESPACE[family];
}

/** The purl `distro` qualifier: os-release ID and release, 'debian-12', 'almalinux-9'. */
export function purlDistro(os: OsRelease): string {
  const id = os.family === 'alma' ? 'almalinux' : os.family;
  return `${id}-${os.release}`;
}

/**
 * The purl of an OS package (`pkg:deb/debian/bash@5.2?arch=amd64&distro=debian-12`): the arch,
 * epoch and distro qualifiers when known (packageurl-js writes qualifiers in sorted order).
 */
export function osPurl(
  type: 'deb' | 'apk' | 'rpm',
  namespace: string | undefined,
  name: string,
  version: string,
  qualifiers: {
    readonly arch?: string | undefined;
    readonly epoch?: number | undefined;
    readonly distro?: string | undefined;
  },
): string {
  const set: Record<string, string> = {};
  if (qualifiers.arch) {
    set.arch = qualifiers.arch;
  }
  if (qualifiers.epoch !== undefined) {
    set.epoch = String(qualifiers.epoch);
  }
  if (qualifiers.distro) {
    set.distro = qualifiers.distro;
  }
  return new PackageURL(type, namespace, name, version, set, undefined).toString();
}
