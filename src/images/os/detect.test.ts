import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { OsRelease } from '#core';
import { detectOs, type ReadFile } from './detect.ts';
import { osvEcosystem, purlDistro } from './distro.ts';
import { parseOsRelease } from './os-release.ts';

const fixtures = fileURLToPath(new URL('../../../test/fixtures/images/os/', import.meta.url));

/** A readFile over a directory standing for the root filesystem. */
function rootfs(dir: string): ReadFile {
  return async (path) => {
    const full = join(dir, path);
    return existsSync(full) && statSync(full).isFile() ? readFileSync(full) : undefined;
  };
}
const fixture = (name: string) => rootfs(join(fixtures, name));

/** [fixture, family, release, bare ecosystem, OSV ecosystem string, purl distro, source file] */
const CASES: readonly (readonly [string, string, string, string, string, string, string])[] = [
  ['debian-12', 'debian', '12', 'Debian', 'Debian:12', 'debian-12', 'etc/os-release'],
  ['debian-trixie', 'debian', 'trixie', 'Debian', 'Debian:trixie', 'debian-trixie', 'etc/os-release'],
  ['ubuntu-22.04', 'ubuntu', '22.04', 'Ubuntu', 'Ubuntu:22.04:LTS', 'ubuntu-22.04', 'etc/os-release'],
  ['ubuntu-23.10', 'ubuntu', '23.10', 'Ubuntu', 'Ubuntu:23.10', 'ubuntu-23.10', 'usr/lib/os-release'],
  ['alpine-3.20', 'alpine', '3.20', 'Alpine', 'Alpine:v3.20', 'alpine-3.20', 'etc/os-release'],
  ['rhel-9', 'rhel', '9', 'Red Hat', 'Red Hat', 'rhel-9', 'etc/os-release'],
  ['ubi-8', 'rhel', '8', 'Red Hat', 'Red Hat', 'rhel-8', 'etc/os-release'],
  ['centos-stream-9', 'centos', '9', 'CentOS', 'CentOS:9', 'centos-9', 'etc/os-release'],
  ['rocky-9', 'rocky', '9', 'Rocky Linux', 'Rocky Linux:9', 'rocky-9', 'etc/os-release'],
  ['almalinux-9', 'alma', '9', 'AlmaLinux', 'AlmaLinux:9', 'almalinux-9', 'etc/os-release'],
  ['fedora-40', 'fedora', '40', 'Fedora', 'Fedora:40', 'fedora-40', 'usr/lib/os-release'],
  ['amzn-2023', 'amzn', '2023', 'Amazon Linux', 'Amazon Linux:2023', 'amzn-2023', 'etc/os-release'],
  ['amzn-2', 'amzn', '2', 'Amazon Linux', 'Amazon Linux:2', 'amzn-2', 'etc/os-release'],
  ['azurelinux-3', 'azurelinux', '3.0', 'Azure Linux', 'Azure Linux:3.0', 'azurelinux-3.0', 'etc/os-release'],
  ['mariner-2', 'mariner', '2.0', 'Azure Linux', 'Azure Linux:2.0', 'mariner-2.0', 'etc/os-release'],
  ['wolfi', 'wolfi', '20230201', 'Wolfi', 'Wolfi', 'wolfi-20230201', 'etc/os-release'],
  ['chainguard', 'chainguard', '20230214', 'Chainguard', 'Chainguard', 'chainguard-20230214', 'etc/os-release'],
  ['sles-15.5', 'sles', '15.5', 'SUSE', 'SUSE:SUSE Linux Enterprise Server 15 SP5', 'sles-15.5', 'etc/os-release'],
  [
    'opensuse-leap-15.6',
    'opensuse',
    '15.6',
    'openSUSE',
    'openSUSE:openSUSE Leap 15.6',
    'opensuse-15.6',
    'usr/lib/os-release',
  ],
  [
    'opensuse-tumbleweed',
    'opensuse',
    '20240701',
    'openSUSE',
    'openSUSE:openSUSE Tumbleweed',
    'opensuse-20240701',
    'usr/lib/os-release',
  ],
  ['alpine-release-only', 'alpine', '3.19', 'Alpine', 'Alpine:v3.19', 'alpine-3.19', 'etc/alpine-release'],
  ['ubuntu-lsb-only', 'ubuntu', '20.04', 'Ubuntu', 'Ubuntu:20.04:LTS', 'ubuntu-20.04', 'etc/lsb-release'],
  ['centos-7-release-only', 'centos', '7', 'CentOS', 'CentOS:7', 'centos-7', 'etc/redhat-release'],
  ['amzn-2-system-release-only', 'amzn', '2', 'Amazon Linux', 'Amazon Linux:2', 'amzn-2', 'etc/system-release'],
  ['debian-version-only', 'debian', '11', 'Debian', 'Debian:11', 'debian-11', 'etc/debian_version'],
];

describe('detectOs', () => {
  for (const [name, family, release, ecosystem, osv, distro, source] of CASES) {
    it(`detects ${name}`, async () => {
      const { value, diagnostics } = await detectOs(fixture(name));
      assert.deepEqual(diagnostics, []);
      assert.ok(value, `${name} detected`);
      assert.deepEqual(
        { family: value.family, release: value.release, ecosystem: value.ecosystem, source: value.source },
        { family, release, ecosystem, source },
      );
      assert.equal(osvEcosystem(value), osv);
      assert.equal(purlDistro(value), distro);
      assert.equal(value.distroless, undefined);
    });
  }

  it('keeps the pretty name', async () => {
    const { value } = await detectOs(fixture('rhel-9'));
    assert.equal(value?.prettyName, 'Red Hat Enterprise Linux 9.4 (Plow)');
  });

  it('marks Google distroless (Debian os-release, only dpkg status.d)', async () => {
    const { value, diagnostics } = await detectOs(fixture('distroless'));
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(value, {
      family: 'debian',
      release: '12',
      ecosystem: 'Debian',
      prettyName: 'Distroless',
      distroless: true,
      source: 'etc/os-release',
    } satisfies OsRelease);
  });

  it('returns undefined with an info diagnostic for an unknown distribution, not its parent', async () => {
    const { value, diagnostics } = await detectOs(fixture('linuxmint'));
    assert.equal(value, undefined);
    assert.equal(diagnostics.length, 1);
    assert.equal(diagnostics[0]?.level, 'info');
    assert.equal(diagnostics[0]?.code, 'os.unknown');
    assert.match(diagnostics[0]?.message ?? '', /linuxmint/);
    assert.equal(diagnostics[0]?.location.file, 'etc/os-release');
  });

  it('returns undefined with an info diagnostic for an empty filesystem', async () => {
    const { value, diagnostics } = await detectOs(async () => undefined);
    assert.equal(value, undefined);
    assert.deepEqual(
      diagnostics.map((d) => [d.level, d.code]),
      [['info', 'os.unknown']],
    );
  });

  it('turns a failing reader into a diagnostic, never a throw', async () => {
    const { value, diagnostics } = await detectOs(async (path) => {
      if (path === 'etc/os-release') {
        throw new Error('layer is corrupt');
      }
      return undefined;
    });
    assert.equal(value, undefined);
    assert.deepEqual(
      diagnostics.map((d) => [d.code, d.location.file]),
      [
        ['os.read-failed', 'etc/os-release'],
        ['os.unknown', 'etc/os-release'],
      ],
    );
  });

  it('reports an os-release without a usable release', async () => {
    const { value, diagnostics } = await detectOs(async (path) =>
      path === 'etc/os-release' ? Buffer.from('ID=rocky\nVERSION_ID=""\n') : undefined,
    );
    assert.equal(value, undefined);
    assert.equal(diagnostics[0]?.code, 'os.unknown');
    assert.match(diagnostics[0]?.message ?? '', /VERSION_ID/);
  });

  it('parses quoting and escapes, reporting malformed lines but keeping the rest', async () => {
    const { value, diagnostics } = await detectOs(fixture('quoting'));
    assert.equal(value?.family, 'debian');
    assert.equal(value?.release, '12');
    assert.equal(value?.prettyName, 'Debian "with quotes" $HOME \\ and `ticks`');
    assert.deepEqual(
      diagnostics.map((d) => [d.code, d.location.line]),
      [
        ['os-release.syntax', 6],
        ['os-release.syntax', 7],
      ],
    );
  });
});

describe('parseOsRelease', () => {
  it('follows os-release(5) quoting', () => {
    const text = [
      '# comment',
      '',
      'A=plain',
      'B="double quoted"',
      'C=\'single "quoted"\'',
      'D="a\\"b\\\\c\\$d\\`e\\nf"',
      'E=un\\ quoted',
      'F="x"\'y\'z',
      'G=value # trailing comment',
      '  H = "spaces around =" ',
    ].join('\n');
    const { fields, diagnostics } = parseOsRelease(text, 'etc/os-release');
    assert.deepEqual(Object.fromEntries(fields), {
      A: 'plain',
      B: 'double quoted',
      C: 'single "quoted"',
      D: 'a"b\\c$d`e\\nf',
      E: 'un quoted',
      F: 'xyz',
      G: 'value',
    });
    assert.deepEqual(
      diagnostics.map((d) => d.location.line),
      [10],
    );
  });

  it('reads this machine’s /etc/os-release (real Debian 12)', { skip: !existsSync('/etc/os-release') }, async (t) => {
    const text = readFileSync('/etc/os-release', 'utf8');
    const id = parseOsRelease(text, 'etc/os-release').fields.get('ID');
    if (id !== 'debian') {
      t.skip(`this machine is ${id}, not Debian`);
      return;
    }
    const { value, diagnostics } = await detectOs(rootfs('/'));
    assert.deepEqual(diagnostics, []);
    assert.equal(value?.family, 'debian');
    assert.equal(value?.ecosystem, 'Debian');
    assert.match(value?.release ?? '', /^\d+$/);
    assert.equal(value?.distroless, undefined, 'this machine has /var/lib/dpkg/status');
    assert.equal(osvEcosystem(value as OsRelease), `Debian:${value?.release}`);
  });
});
