/**
 * Detects the operating system of an image or root filesystem.
 *
 * Order: `etc/os-release`, else `usr/lib/os-release` (os-release(5): the first one that exists is
 * the only one read, https://www.freedesktop.org/software/systemd/man/latest/os-release.html).
 * Without either, the older release files: `etc/alpine-release`, `etc/lsb-release` (Ubuntu),
 * `etc/system-release` / `etc/redhat-release` ("<Name> release <version> (<codename>)") and
 * `etc/debian_version` (checked last: Ubuntu has one too). An os-release naming a distribution we
 * do not know (a derivative such as Linux Mint) is not guessed from its parent's files: the result
 * is undefined with an info diagnostic. Nothing here throws.
 *
 * Distroless (https://github.com/GoogleContainerTools/distroless): its os-release says Debian but
 * the image has no `var/lib/dpkg/status`, only one file per package in `var/lib/dpkg/status.d/`;
 * such an image is Debian with `distroless: true`.
 *
 * Ecosystem and release naming decisions are documented in distro.ts.
 */
import type { Collected, Diagnostic, OsRelease } from '#core';
import { DISTROS, type DistroInfo, releaseOf } from './distro.ts';
import { parseOsRelease } from './os-release.ts';

/** Reads a file of the final filesystem view; undefined when absent. */
export type ReadFile = (path: string) => Promise<Buffer | undefined>;

const OS_RELEASE_FILES = ['etc/os-release', 'usr/lib/os-release'] as const;

/** `<Name> release <version>` lines of etc/redhat-release and etc/system-release, by name prefix. */
const RELEASE_FILE_NAMES: readonly (readonly [prefix: string, id: string])[] = [
  ['red hat enterprise linux', 'rhel'],
  ['centos', 'centos'],
  ['rocky linux', 'rocky'],
  ['almalinux', 'almalinux'],
  ['fedora', 'fedora'],
  ['amazon linux', 'amzn'],
];

export async function detectOs(readFile: ReadFile): Promise<Collected<OsRelease | undefined>> {
  const diagnostics: Diagnostic[] = [];
  const read = async (path: string): Promise<string | undefined> => {
    try {
      const buffer = await readFile(path);
      return buffer?.toString('utf8');
    } catch (error) {
      diagnostics.push({
        level: 'warning',
        code: 'os.read-failed',
        message: `could not read ${path}: ${error instanceof Error ? error.message : String(error)}`,
        location: { file: path },
      });
      return undefined;
    }
  };
  const done = (value: OsRelease | undefined) => ({ value, diagnostics });
  const unknown = (file: string, message: string) => {
    diagnostics.push({ level: 'info', code: 'os.unknown', message, location: { file } });
    return done(undefined);
  };

  for (const file of OS_RELEASE_FILES) {
    const text = await read(file);
    if (text === undefined) {
      continue;
    }
    const parsed = parseOsRelease(text, file);
    diagnostics.push(...parsed.diagnostics);
    const fields = parsed.fields;
    const id = (fields.get('ID') ?? '').toLowerCase();
    const distro = DISTROS[id];
    if (!distro) {
      return unknown(
        file,
        `unknown distribution ID "${id}" (${fields.get('PRETTY_NAME') ?? fields.get('NAME') ?? ''})`,
      );
    }
    const release = await releaseFromOsRelease(id, distro, fields, read);
    if (release === undefined) {
      return unknown(file, `${id}: no usable release in VERSION_ID "${fields.get('VERSION_ID') ?? ''}"`);
    }
    const prettyName = fields.get('PRETTY_NAME') ?? fields.get('NAME');
    let distroless = false;
    if (distro.family === 'debian') {
      const homeUrl = fields.get('HOME_URL') ?? '';
      distroless =
        prettyName === 'Distroless' ||
        homeUrl.includes('distroless') ||
        (await read('var/lib/dpkg/status')) === undefined;
    }
    return done({
      family: distro.family,
      release,
      ecosystem: distro.ecosystem,
      ...(prettyName ? { prettyName } : {}),
      ...(distroless ? { distroless } : {}),
      source: file,
    });
  }

  const alpine = await read('etc/alpine-release');
  if (alpine !== undefined) {
    const release = releaseOf(alpine.trim(), 'major.minor');
    if (release === undefined) {
      return unknown('etc/alpine-release', `no release number in "${alpine.trim()}"`);
    }
    return done(make('alpine', release, 'etc/alpine-release', `Alpine Linux v${release}`));
  }

  const lsb = await read('etc/lsb-release');
  if (lsb !== undefined) {
    const fields = parseOsRelease(lsb, 'etc/lsb-release').fields;
    const release = fields.get('DISTRIB_RELEASE');
    if ((fields.get('DISTRIB_ID') ?? '').toLowerCase() === 'ubuntu' && release) {
      return done(make('ubuntu', release, 'etc/lsb-release', fields.get('DISTRIB_DESCRIPTION')));
    }
  }

  for (const file of ['etc/system-release', 'etc/redhat-release']) {
    const text = await read(file);
    if (text === undefined) {
      continue;
    }
    const line = text.split('\n')[0]?.trim() ?? '';
    const match = /^(.*?)\s+release\s+(\S+)/i.exec(line);
    const name = match?.[1]?.toLowerCase() ?? '';
    const entry = RELEASE_FILE_NAMES.find(([prefix]) => name.startsWith(prefix));
    const distro = entry ? DISTROS[entry[1]] : undefined;
    const release = match?.[2] && distro ? releaseOf(match[2], distro.release) : undefined;
    if (entry && release) {
      return done(make(entry[1], release, file, line));
    }
    return unknown(file, `unknown distribution "${line}"`);
  }

  const debian = await read('etc/debian_version');
  if (debian !== undefined) {
    const release = debianRelease(debian);
    if (release === undefined) {
      return unknown('etc/debian_version', `no release in "${debian.trim()}"`);
    }
    return done(make('debian', release, 'etc/debian_version', undefined));
  }

  return unknown('etc/os-release', 'no os-release or distribution release file');
}

function make(id: string, release: string, source: string, prettyName: string | undefined): OsRelease {
  const distro = DISTROS[id] as DistroInfo;
  return {
    family: distro.family,
    release,
    ecosystem: distro.ecosystem,
    ...(prettyName ? { prettyName } : {}),
    source,
  };
}

async function releaseFromOsRelease(
  id: string,
  distro: DistroInfo,
  fields: ReadonlyMap<string, string>,
  read: (path: string) => Promise<string | undefined>,
): Promise<string | undefined> {
  const versionId = fields.get('VERSION_ID') ?? '';
  const release = releaseOf(versionId, distro.release);
  if (release !== undefined) {
    return release;
  }
  switch (id) {
    case 'debian': {
      // testing and sid have no VERSION_ID; debian_version says "trixie/sid".
      const version = await read('etc/debian_version');
      return (
        (version === undefined ? undefined : debianRelease(version)) ?? fields.get('VERSION_CODENAME') ?? undefined
      );
    }
    case 'alpine': {
      const version = await read('etc/alpine-release');
      return version === undefined ? undefined : releaseOf(version.trim(), 'major.minor');
    }
    case 'wolfi':
    case 'chainguard':
    case 'opensuse-tumbleweed':
      return 'rolling';
    default:
      return undefined;
  }
}

/** etc/debian_version: '12.5' → '12'; 'trixie/sid' → 'trixie'. */
function debianRelease(text: string): string | undefined {
  const value = text.trim();
  const numeric = releaseOf(value, 'major');
  if (numeric !== undefined) {
    return numeric;
  }
  const codename = value.split('/')[0] ?? '';
  return /^[a-z]+$/.test(codename) ? codename : undefined;
}
