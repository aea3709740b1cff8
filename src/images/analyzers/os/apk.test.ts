import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { OsRelease } from '#core';
import type { FileInput } from '../../analyzer.ts';
import { apkAnalyzer } from './apk.ts';

const installed = readFileSync(
  fileURLToPath(new URL('../../../../test/fixtures/images/analyzers/os/apk/installed', import.meta.url)),
);
const alpine: OsRelease = { family: 'alpine', release: '3.20', ecosystem: 'Alpine', source: 'etc/os-release' };

function input(content: Buffer | string): FileInput {
  const buf = Buffer.from(content);
  return { path: 'lib/apk/db/installed', size: buf.length, read: async () => buf };
}

describe('os/apk', () => {
  it('matches only lib/apk/db/installed', () => {
    assert.equal(apkAnalyzer.matches('lib/apk/db/installed'), true);
    for (const path of ['lib/apk/db/installed.old', 'lib/apk/db/triggers', 'usr/lib/apk/db/installed', 'installed']) {
      assert.equal(apkAnalyzer.matches(path), false, path);
    }
  });

  it('reads name, version, arch, origin and license of each package with its line', async () => {
    const result = await apkAnalyzer.analyze(input(installed), { os: alpine });
    assert.deepEqual(
      result.value.map((p) => [p.name, p.version, p.arch, p.sourceName, p.licenses, p.location.line]),
      [
        ['musl', '1.2.5-r0', 'x86_64', 'musl', ['MIT'], 1],
        ['libcrypto3', '3.3.1-r3', 'x86_64', 'openssl', ['Apache-2.0'], 23],
        ['ssl_client', '1.36.1-r29', 'x86_64', 'busybox', ['GPL-2.0-only'], 44],
        ['alpine-baselayout-data', '3.6.5-r0', 'x86_64', 'alpine-baselayout', ['GPL-2.0-only'], 70],
      ],
    );
    assert.deepEqual(result.value[1], {
      name: 'libcrypto3',
      version: '3.3.1-r3',
      ecosystem: 'Alpine',
      purl: 'pkg:apk/alpine/libcrypto3@3.3.1-r3?arch=x86_64&distro=alpine-3.20',
      kind: 'os',
      analyzer: 'os/apk',
      location: { path: 'lib/apk/db/installed', line: 23 },
      sourceName: 'openssl',
      arch: 'x86_64',
      licenses: ['Apache-2.0'],
    });
  });

  it('reports a package without V and a line that is not a field, keeping the others', async () => {
    const result = await apkAnalyzer.analyze(input(installed), { os: alpine });
    assert.deepEqual(
      result.diagnostics.map((d) => [d.code, d.location.file, d.location.line, d.message]),
      [
        ['apk.syntax', 'lib/apk/db/installed', 74, 'not an "X:value" line: this is not an apk field line'],
        ['apk.missing-field', 'lib/apk/db/installed', 65, 'package broken-no-version has no V (version)'],
      ],
    );
  });

  it('uses the wolfi and chainguard namespaces', async () => {
    const text = 'P:glibc\nV:2.39-r5\nA:aarch64\no:glibc\n';
    const wolfi: OsRelease = { family: 'wolfi', release: '20230201', ecosystem: 'Wolfi', source: 'etc/os-release' };
    const w = await apkAnalyzer.analyze(input(text), { os: wolfi });
    assert.equal(w.value[0]?.purl, 'pkg:apk/wolfi/glibc@2.39-r5?arch=aarch64&distro=wolfi-20230201');
    assert.equal(w.value[0]?.ecosystem, 'Wolfi');
    const cg: OsRelease = { family: 'chainguard', release: '20230214', ecosystem: 'Chainguard', source: 'x' };
    const c = await apkAnalyzer.analyze(input(text), { os: cg });
    assert.equal(c.value[0]?.purl, 'pkg:apk/chainguard/glibc@2.39-r5?arch=aarch64&distro=chainguard-20230214');
    const none = await apkAnalyzer.analyze(input(text), {});
    assert.equal(none.value[0]?.purl, 'pkg:apk/alpine/glibc@2.39-r5?arch=aarch64');
  });

  it('keeps a record cut at end of file when P and V were read, and handles an empty file', async () => {
    const cut = await apkAnalyzer.analyze(
      input('P:zlib\nV:1.3.1-r1\nA:x86_64\nT:A compression/decompression Libr'),
      {},
    );
    assert.deepEqual(
      cut.value.map((p) => [p.name, p.version]),
      [['zlib', '1.3.1-r1']],
    );
    assert.deepEqual(cut.diagnostics, []);
    const truncated = await apkAnalyzer.analyze(input('P:zlib\nV'), {});
    assert.deepEqual(truncated.value, []);
    assert.deepEqual(
      truncated.diagnostics.map((d) => [d.code, d.location.line]),
      [
        ['apk.syntax', 2],
        ['apk.missing-field', 1],
      ],
    );
    assert.deepEqual(await apkAnalyzer.analyze(input(''), {}), { value: [], diagnostics: [] });
  });
});
