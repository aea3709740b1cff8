/**
 * RPM package database (RHEL and UBI, CentOS, Rocky, AlmaLinux, Fedora, Amazon Linux, Azure Linux /
 * CBL-Mariner, SUSE, openSUSE), read natively: no rpm binary.
 *
 * Specifications: header blob https://rpm-software-management.github.io/rpm/manual/format_v4.html
 * (rpm/header.ts); storage formats SQLite, NDB and Berkeley DB hash (rpm/storage.ts and the reader
 * of each). The database lives at `var/lib/rpm/` or `usr/lib/sysimage/rpm/` (Fedora ≥ 36, SUSE,
 * where `var/lib/rpm` is a link to it) under the name of its format; `matches` accepts all of them
 * and the format is told from the file's first bytes.
 *
 * - version is `[epoch:]version-release`, the EVR rpm compares. The epoch is written only when the
 *   EPOCH tag is present and non-zero: rpmvercmp treats a missing epoch as 0, and Red Hat's OSV
 *   records write `0:` explicitly, so the version scheme must (and does) treat `0:1.2-3` = `1.2-3`.
 * - purl (purl-spec rpm type): `pkg:rpm/<vendor>/<name>@<version>-<release>?arch=..&epoch=N&distro=..`;
 *   the epoch is a qualifier (when non-zero), not part of the purl version, as the spec says.
 * - sourceName is the name part of SOURCERPM (`util-linux-2.32.1-42.el8_8.src.rpm` → `util-linux`).
 * - `gpg-pubkey` entries are the imported signing keys rpm stores as pseudo-packages (no arch, no
 *   source rpm): not software, so skipped.
 * - The ecosystem and purl namespace come from the detected OS; without one (or with a non-rpm OS)
 *   they are guessed from the VENDOR tag, without a distro qualifier.
 */
import type { Collected, Diagnostic, Ecosystem, OsRelease, Package } from '#core';
import type { AnalyzeContext, Analyzer, FileInput } from '../../analyzer.ts';
import { DISTROS, osPurl, purlDistro, purlNamespace } from '../../os/distro.ts';
import { parseHeaderBlob, type RpmHeader, RpmHeaderError, sourceRpmName } from './rpm/header.ts';
import { readRpmdb, rpmdbFormat } from './rpm/storage.ts';

const DIRS = ['var/lib/rpm/', 'usr/lib/sysimage/rpm/'];
const FILES = ['Packages', 'Packages.db', 'rpmdb.sqlite'];
const PATHS = new Set(DIRS.flatMap((dir) => FILES.map((file) => dir + file)));

/** VENDOR tag prefix → os-release ID, for databases seen without an OS. */
const VENDORS: readonly (readonly [prefix: string, id: string])[] = [
  ['Red Hat', 'rhel'],
  ['CentOS', 'centos'],
  ['Rocky', 'rocky'],
  ['AlmaLinux', 'almalinux'],
  ['Fedora', 'fedora'],
  ['Amazon', 'amzn'],
  ['SUSE', 'sles'],
  ['openSUSE', 'opensuse'],
];

const RPM_FAMILIES = new Set([
  'rhel',
  'centos',
  'rocky',
  'alma',
  'fedora',
  'amzn',
  'azurelinux',
  'mariner',
  'sles',
  'opensuse',
]);

interface Target {
  readonly ecosystem: Ecosystem;
  readonly namespace: string;
  readonly distro?: string;
}

function targetFor(os: OsRelease | undefined, header: RpmHeader): Target {
  if (os && RPM_FAMILIES.has(os.family)) {
    return { ecosystem: os.ecosystem, namespace: purlNamespace(os.family) ?? os.family, distro: purlDistro(os) };
  }
  let id = VENDORS.find(([prefix]) => header.vendor?.startsWith(prefix))?.[1];
  if (!id && header.vendor?.startsWith('Microsoft')) {
    id = /\.cm\d/.test(header.release) ? 'mariner' : 'azurelinux';
  }
  const distro = DISTROS[id ?? 'rhel'] ?? { family: 'rhel', ecosystem: 'Red Hat' as const };
  return { ecosystem: distro.ecosystem, namespace: purlNamespace(distro.family) ?? 'redhat' };
}

function toPackage(header: RpmHeader, file: FileInput, os: OsRelease | undefined): Package {
  const target = targetFor(os, header);
  const epoch = header.epoch ? header.epoch : undefined;
  const evr = `${header.version}-${header.release}`;
  const sourceName = header.sourceRpm ? sourceRpmName(header.sourceRpm) : undefined;
  return {
    name: header.name,
    version: epoch === undefined ? evr : `${epoch}:${evr}`,
    ecosystem: target.ecosystem,
    purl: osPurl('rpm', target.namespace, header.name, evr, { arch: header.arch, epoch, distro: target.distro }),
    kind: 'os',
    analyzer: 'os/rpm',
    location: { path: file.path, ...(file.layer ? { layer: file.layer } : {}) },
    ...(sourceName ? { sourceName } : {}),
    ...(header.arch ? { arch: header.arch } : {}),
    ...(header.license ? { licenses: [header.license] } : {}),
  };
}

export const rpmAnalyzer: Analyzer = {
  id: 'os/rpm',
  version: 1,
  kind: 'os',
  maxFileBytes: 512 * 1024 * 1024,
  matches(path: string): boolean {
    return PATHS.has(path);
  },
  async analyze(file: FileInput, ctx: AnalyzeContext): Promise<Collected<Package[]>> {
    const diagnostics: Diagnostic[] = [];
    const buf = await file.read();
    const format = rpmdbFormat(buf);
    if (!format) {
      diagnostics.push({
        level: 'error',
        code: 'rpm.unknown-format',
        message: `${file.path} is not an rpm database in a known format (SQLite, NDB or Berkeley DB hash)`,
        location: { file: file.path },
      });
      return { value: [], diagnostics };
    }
    const wal = format === 'sqlite' ? await ctx.readFile?.(`${file.path}-wal`) : undefined;
    const raw = readRpmdb(format, buf, wal);
    for (const problem of raw.problems) {
      diagnostics.push({
        level: 'error',
        code: 'rpm.database',
        message: `${format} rpm database ${file.path}, ${problem.where}: ${problem.message}`,
        location: { file: file.path, path: problem.where },
      });
    }
    const packages: Package[] = [];
    for (const blob of raw.blobs) {
      let header: RpmHeader;
      try {
        header = parseHeaderBlob(blob.data);
      } catch (error) {
        if (!(error instanceof RpmHeaderError)) {
          throw error;
        }
        diagnostics.push({
          level: 'warning',
          code: 'rpm.header',
          message: `${file.path}, ${blob.where}: ${error.message}`,
          location: { file: file.path, path: blob.where },
        });
        continue;
      }
      if (header.name === 'gpg-pubkey') {
        continue;
      }
      packages.push(toPackage(header, file, ctx.os));
    }
    return { value: packages, diagnostics };
  },
};
