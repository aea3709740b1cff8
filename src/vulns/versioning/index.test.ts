/**
 * The scheme registry: every scheme file is listed and every listed scheme has a file, ids are
 * unique, every Ecosystem maps to a scheme, release suffixes are stripped, and compareVersions
 * throws typed errors for unknown ecosystems and invalid versions.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ECOSYSTEMS, InputError } from '#core';
import { compareVersions, ECOSYSTEM_SCHEMES, InvalidVersionError, schemeFor, VERSION_SCHEMES } from './index.ts';

const DIR = new URL('./', import.meta.url);
const NOT_SCHEMES = new Set(['index.ts', 'scheme.ts', 'common.ts']);

describe('version scheme registry', () => {
  const schemeFiles = readdirSync(DIR)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !NOT_SCHEMES.has(f))
    .sort();

  it('lists every scheme file of the folder, and only those', () => {
    const index = readFileSync(new URL('index.ts', DIR), 'utf8');
    const imported = [...index.matchAll(/from '\.\/([\w-]+\.ts)'/g)]
      .map((m) => m[1] ?? '')
      .filter((f) => !NOT_SCHEMES.has(f))
      .sort();
    assert.deepEqual(imported, schemeFiles);
    assert.equal(VERSION_SCHEMES.length, schemeFiles.length);
  });

  it('exports one scheme per file, all of them in VERSION_SCHEMES', async () => {
    for (const file of schemeFiles) {
      const mod = (await import(new URL(file, DIR).href)) as Record<string, unknown>;
      const exported = Object.values(mod).filter((v) => VERSION_SCHEMES.includes(v as never));
      assert.equal(exported.length, 1, `${file} exports exactly one registered scheme`);
    }
  });

  it('has unique ids and a spec URL for each scheme', () => {
    const ids = VERSION_SCHEMES.map((s) => s.id);
    assert.equal(new Set(ids).size, ids.length);
    for (const s of VERSION_SCHEMES) {
      assert.match(s.specUrl, /^https:\/\//, s.id);
    }
  });

  it('maps every Ecosystem to a scheme, and uses every scheme', () => {
    for (const ecosystem of ECOSYSTEMS) {
      assert.ok(schemeFor(ecosystem), ecosystem);
    }
    const used = new Set(Object.values(ECOSYSTEM_SCHEMES));
    for (const s of VERSION_SCHEMES) {
      assert.ok(used.has(s), `${s.id} serves some ecosystem`);
    }
  });

  it('maps each ecosystem to its package manager', () => {
    const expected: Record<string, string> = {
      Debian: 'deb',
      Ubuntu: 'deb',
      Alpine: 'apk',
      Wolfi: 'apk',
      Chainguard: 'apk',
      'Red Hat': 'rpm',
      'Rocky Linux': 'rpm',
      AlmaLinux: 'rpm',
      CentOS: 'rpm',
      Fedora: 'rpm',
      'Amazon Linux': 'rpm',
      'Azure Linux': 'rpm',
      'CBL-Mariner': 'rpm',
      SUSE: 'rpm',
      openSUSE: 'rpm',
      npm: 'npm',
      PyPI: 'pep440',
      Go: 'go',
      Maven: 'maven',
      NuGet: 'nuget',
      'crates.io': 'cargo',
      RubyGems: 'gem',
      Packagist: 'composer',
    };
    for (const [ecosystem, id] of Object.entries(expected)) {
      assert.equal(schemeFor(ecosystem)?.id, id, ecosystem);
    }
  });

  it('strips the release suffix after the first colon', () => {
    assert.equal(schemeFor('Debian:12')?.id, 'deb');
    assert.equal(schemeFor('Alpine:v3.20')?.id, 'apk');
    assert.equal(schemeFor('Ubuntu:22.04:LTS')?.id, 'deb');
    assert.equal(schemeFor('Ubuntu:Pro:14.04:LTS')?.id, 'deb');
    assert.equal(schemeFor('Red Hat:enterprise_linux:9::appstream')?.id, 'rpm');
    assert.equal(schemeFor('SUSE:Linux Enterprise Server 15 SP4')?.id, 'rpm');
    assert.equal(schemeFor('Packagist:https://packages.drupal.org/8')?.id, 'composer');
  });

  it('knows no scheme for unknown or differently spelled ecosystems', () => {
    for (const name of ['', 'NPM', 'debian', 'PIP', 'Hackage', 'constructor', '__proto__', 'toString', ':12']) {
      assert.equal(schemeFor(name), undefined, JSON.stringify(name));
    }
  });
});

describe('compareVersions', () => {
  it('compares with the ecosystem scheme', () => {
    assert.equal(compareVersions('Debian:12', '2.36-9+deb12u4', '2.36-9+deb12u10'), -1);
    assert.equal(compareVersions('Red Hat', '1:3.0.7-27.el9', '3.0.7-30.el9'), 1);
    assert.equal(compareVersions('Alpine:v3.20', '3.3.0_rc1-r0', '3.3.0-r0'), -1);
    assert.equal(compareVersions('Maven', '1.0-SNAPSHOT', '1.0'), -1);
    assert.equal(compareVersions('PyPI', '1.0.0.post1', '1.0-1'), 0);
    assert.equal(compareVersions('Go', 'v1.2.3', '1.2.3'), 0);
    assert.equal(compareVersions('npm', '1.0.0-rc.1', '1.0.0'), -1);
    assert.equal(compareVersions('NuGet', '1.0', '1.0.0.0'), 0);
    assert.equal(compareVersions('RubyGems', '1.0.0.rc1', '1.0.0'), -1);
    assert.equal(compareVersions('Packagist', '1.0.0-patch1', '1.0.0'), 1);
    assert.equal(compareVersions('crates.io', '0.9.0', '0.10.0'), -1);
  });

  it('throws InputError input.unsupported for an unknown ecosystem', () => {
    assert.throws(
      () => compareVersions('Hackage', '1.0', '1.0'),
      (err: unknown) => err instanceof InputError && err.code === 'input.unsupported' && /Hackage/.test(err.message),
    );
  });

  it('throws InvalidVersionError naming the version and scheme', () => {
    assert.throws(
      () => compareVersions('Debian', '1.0', 'not a version'),
      (err: unknown) =>
        err instanceof InvalidVersionError &&
        err.code === 'input.invalid' &&
        err.scheme === 'deb' &&
        err.version === 'not a version' &&
        err.message.includes('"not a version"'),
    );
  });
});
