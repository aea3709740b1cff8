import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { OsRelease } from '#core';
import type { FileInput } from '../../analyzer.ts';
import { dpkgAnalyzer } from './dpkg.ts';

const fixtures = fileURLToPath(new URL('../../../../test/fixtures/images/analyzers/os/dpkg/', import.meta.url));
const debian12: OsRelease = { family: 'debian', release: '12', ecosystem: 'Debian', source: 'etc/os-release' };

function input(path: string, content: Buffer | string, layer?: string): FileInput {
  const buf = Buffer.from(content);
  return { path, size: buf.length, ...(layer ? { layer } : {}), read: async () => buf };
}
const fixture = (rel: string, path: string) => input(path, readFileSync(join(fixtures, rel)));

describe('os/dpkg matches', () => {
  const good = ['var/lib/dpkg/status', 'var/lib/dpkg/status.d/libc6', 'var/lib/dpkg/status.d/base-files'];
  const bad = [
    'var/lib/dpkg/status-old',
    'var/lib/dpkg/status.d/libc6.md5sums',
    'var/lib/dpkg/status.d/',
    'var/lib/dpkg/status.d/sub/libc6',
    'var/lib/dpkg/status.d/.hidden',
    'var/lib/dpkg/available',
    'usr/var/lib/dpkg/status',
    '/var/lib/dpkg/status',
  ];
  for (const path of good) {
    it(`matches ${path}`, () => assert.equal(dpkgAnalyzer.matches(path), true));
  }
  for (const path of bad) {
    it(`does not match ${path}`, () => assert.equal(dpkgAnalyzer.matches(path), false));
  }
});

describe('os/dpkg status', () => {
  it('returns installed packages with source, epoch, arch, purl and line; skips removed ones', async () => {
    const result = await dpkgAnalyzer.analyze(fixture('status', 'var/lib/dpkg/status'), { os: debian12 });
    assert.deepEqual(
      result.value.map((p) => [p.name, p.version, p.arch, p.sourceName, p.sourceVersion, p.location.line]),
      [
        ['base-files', '12.4+deb12u5', 'amd64', 'base-files', undefined, 1],
        ['bsdutils', '1:2.38.1-5+deb12u3', 'amd64', 'util-linux', '2.38.1-5+deb12u3', 25],
        ['libssl3', '3.0.15-1~deb12u1', 'amd64', 'openssl', undefined, 40],
        ['cpp', '4:12.2.0-3', 'amd64', 'gcc-defaults', '1.203', 53],
        ['man-db', '2.11.2-2', 'amd64', 'man-db', undefined, 66],
        ['tzdata', '2024a-0+deb12u1', 'all', 'tzdata', undefined, 104],
      ],
    );
    const bsdutils = result.value[1];
    assert.deepEqual(bsdutils, {
      name: 'bsdutils',
      version: '1:2.38.1-5+deb12u3',
      ecosystem: 'Debian',
      purl: 'pkg:deb/debian/bsdutils@1:2.38.1-5+deb12u3?arch=amd64&distro=debian-12',
      kind: 'os',
      analyzer: 'os/dpkg',
      location: { path: 'var/lib/dpkg/status', line: 25 },
      sourceName: 'util-linux',
      sourceVersion: '2.38.1-5+deb12u3',
      arch: 'amd64',
    });
  });

  it('reports stanzas without Package or Version and lines that are not fields, keeping the rest', async () => {
    const result = await dpkgAnalyzer.analyze(fixture('status', 'var/lib/dpkg/status'), { os: debian12 });
    assert.deepEqual(
      result.diagnostics.map((d) => [d.code, d.location.file, d.location.line, d.message]),
      [
        ['dpkg.syntax', 'var/lib/dpkg/status', 99, 'not a "Field: value" line: this line has no colon'],
        ['dpkg.missing-field', 'var/lib/dpkg/status', 94, 'stanza of package no-version has no Version'],
        ['dpkg.missing-field', 'var/lib/dpkg/status', 100, 'stanza has no Package'],
      ],
    );
  });

  it('uses the Ubuntu namespace and distro for an Ubuntu image, Debian without a detected OS', async () => {
    const text = 'Package: bash\nStatus: install ok installed\nArchitecture: amd64\nVersion: 5.1-6ubuntu1.1\n';
    const ubuntu: OsRelease = { family: 'ubuntu', release: '22.04', ecosystem: 'Ubuntu', source: 'etc/os-release' };
    const withOs = await dpkgAnalyzer.analyze(input('var/lib/dpkg/status', text, 'sha256:abc'), { os: ubuntu });
    assert.equal(withOs.value[0]?.purl, 'pkg:deb/ubuntu/bash@5.1-6ubuntu1.1?arch=amd64&distro=ubuntu-22.04');
    assert.equal(withOs.value[0]?.ecosystem, 'Ubuntu');
    assert.deepEqual(withOs.value[0]?.location, { path: 'var/lib/dpkg/status', line: 1, layer: 'sha256:abc' });
    const without = await dpkgAnalyzer.analyze(input('var/lib/dpkg/status', text), {});
    assert.equal(without.value[0]?.purl, 'pkg:deb/debian/bash@5.1-6ubuntu1.1?arch=amd64');
    assert.equal(without.value[0]?.ecosystem, 'Debian');
  });

  it('handles CRLF, a stanza cut mid-field at end of file and an empty file', async () => {
    const crlf =
      'Package: a\r\nStatus: install ok installed\r\nVersion: 1.0\r\n\r\nPackage: b\r\nStatus: install ok installed\r\nVers';
    const result = await dpkgAnalyzer.analyze(input('var/lib/dpkg/status', crlf), {});
    assert.deepEqual(
      result.value.map((p) => [p.name, p.version]),
      [['a', '1.0']],
    );
    assert.deepEqual(
      result.diagnostics.map((d) => [d.code, d.location.line]),
      [
        ['dpkg.syntax', 7],
        ['dpkg.missing-field', 5],
      ],
    );
    const empty = await dpkgAnalyzer.analyze(input('var/lib/dpkg/status', ''), {});
    assert.deepEqual(empty, { value: [], diagnostics: [] });
  });

  it('reports a malformed Status or Source field', async () => {
    const text = [
      'Package: a',
      'Status: installed',
      'Version: 1',
      '',
      'Package: b',
      'Status: install ok installed',
      'Source: b-src (1.0',
      'Version: 1',
    ].join('\n');
    const result = await dpkgAnalyzer.analyze(input('var/lib/dpkg/status', text), {});
    assert.deepEqual(
      result.value.map((p) => [p.name, p.sourceName]),
      [['b', 'b']],
    );
    assert.deepEqual(
      result.diagnostics.map((d) => [d.code, d.location.line]),
      [
        ['dpkg.invalid-field', 1],
        ['dpkg.invalid-field', 5],
      ],
    );
  });
});

describe('os/dpkg status.d (distroless)', () => {
  const dir = 'distroless/var/lib/dpkg/status.d/';
  const distroless: OsRelease = { ...debian12, prettyName: 'Distroless', distroless: true };

  it('reads one package per file without a Status field', async () => {
    const libc = await dpkgAnalyzer.analyze(fixture(`${dir}libc6`, 'var/lib/dpkg/status.d/libc6'), { os: distroless });
    assert.deepEqual(libc.diagnostics, []);
    assert.deepEqual(
      libc.value.map((p) => [p.name, p.version, p.sourceName, p.purl, p.location.line]),
      [['libc6', '2.36-9+deb12u7', 'glibc', 'pkg:deb/debian/libc6@2.36-9+deb12u7?arch=amd64&distro=debian-12', 1]],
    );
    const ssl = await dpkgAnalyzer.analyze(fixture(`${dir}libssl3`, 'var/lib/dpkg/status.d/libssl3'), {
      os: distroless,
    });
    assert.deepEqual(
      ssl.value.map((p) => [p.name, p.sourceName]),
      [['libssl3', 'openssl']],
    );
  });

  it('reports a truncated file naming it', async () => {
    const result = await dpkgAnalyzer.analyze(fixture(`${dir}tzdata`, 'var/lib/dpkg/status.d/tzdata'), {
      os: distroless,
    });
    assert.deepEqual(result.value, []);
    assert.deepEqual(
      result.diagnostics.map((d) => [d.code, d.location.file, d.location.line]),
      [
        ['dpkg.syntax', 'var/lib/dpkg/status.d/tzdata', 4],
        ['dpkg.missing-field', 'var/lib/dpkg/status.d/tzdata', 1],
      ],
    );
  });
});

const FIELDS = ['db:Status-Status', 'Package', 'Version', 'Architecture', 'source:Package', 'source:Version'];

/** dpkg-query's view of this machine's database: installed packages only. */
function dpkgQuery(): string[] | undefined {
  const run = spawnSync('dpkg-query', ['-W', '-f', `${FIELDS.map((field) => `\${${field}}`).join('\t')}\n`], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.error || run.status !== 0) {
    return undefined;
  }
  return run.stdout
    .split('\n')
    .filter((line) => line.startsWith('installed\t'))
    .map((line) => line.slice('installed\t'.length))
    .sort();
}

describe('os/dpkg against this machine', () => {
  const status = '/var/lib/dpkg/status';
  const expected = existsSync(status) ? dpkgQuery() : undefined;
  it('equals dpkg-query on /var/lib/dpkg/status', {
    skip: expected ? false : 'dpkg-query or /var/lib/dpkg/status absent',
  }, async () => {
    const result = await dpkgAnalyzer.analyze(input('var/lib/dpkg/status', readFileSync(status)), { os: debian12 });
    assert.deepEqual(result.diagnostics, []);
    const actual = result.value
      .map((p) => [p.name, p.version, p.arch, p.sourceName, p.sourceVersion ?? p.version].join('\t'))
      .sort();
    assert.ok((expected?.length ?? 0) > 50, 'a real database has many packages');
    assert.deepEqual(actual, expected);
  });
});
