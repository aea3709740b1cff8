import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { InputError, type Package } from '#core';
import { writeCycloneDx } from './cyclonedx.ts';
import { readSbom } from './read.ts';
import { writeSpdx } from './spdx.ts';
import type { SbomSubject } from './types.ts';

const FIXTURES = new URL('../../../test/fixtures/images/sbom/', import.meta.url);
const fixture = (name: string): Buffer => readFileSync(new URL(name, FIXTURES));
const PACKAGES = JSON.parse(fixture('packages.json').toString('utf8')) as Package[];
const SUBJECT: SbomSubject = {
  name: 'registry.example.com/shop/api:1.4.2',
  os: { family: 'debian', release: '12', ecosystem: 'Debian', source: 'etc/os-release' },
  tool: { name: 'palisade', version: '0.1.0' },
};

const identity = (p: Package): string => [p.ecosystem, p.name, p.version, p.purl].join(' | ');
const sorted = (packages: readonly Package[]): string[] => packages.map(identity).sort();

function assertInputError(fn: () => unknown, message: RegExp, path?: string): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof InputError, `expected InputError, got ${String(error)}`);
    assert.match(error.message, message);
    assert.equal(error.location?.file, 'sbom.json');
    if (path !== undefined) {
      assert.equal(error.location?.path, path);
    }
    return true;
  });
}

describe('round trip', () => {
  it('CycloneDX: write → read gives the same packages, OS and subject', () => {
    const text = writeCycloneDx(SUBJECT, PACKAGES).value;
    const { value, diagnostics } = readSbom(text, 'out.cdx.json');
    assert.deepEqual(diagnostics, []);
    assert.equal(value.format, 'cyclonedx');
    assert.equal(value.specVersion, '1.6');
    assert.equal(value.subject, SUBJECT.name);
    assert.deepEqual(sorted(value.packages), sorted(PACKAGES));
    assert.deepEqual(value.os && [value.os.family, value.os.release, value.os.ecosystem], ['debian', '12', 'Debian']);
  });

  it('CycloneDX keeps every Package field through its palisade:* properties', () => {
    const { value } = readSbom(writeCycloneDx(SUBJECT, PACKAGES).value, 'out.cdx.json');
    const key = (p: Package): string => `${p.purl} ${p.location.path}`;
    const byKey = new Map(value.packages.map((p) => [key(p), p]));
    // Licence ids come back in the SPDX list's case ('mit' was written as the SPDX id 'MIT'), and a
    // list that mixes an expression with ids comes back as one AND expression (CycloneDX allows
    // either licence objects or a single expression): compare the licences as one AND of terms.
    const terms = (licenses: readonly string[] | undefined) =>
      licenses?.join(' AND ').toLowerCase().replace(/[()]/g, '');
    const caseless = (p: Package | undefined) => p && { ...p, licenses: terms(p.licenses) };
    for (const original of PACKAGES) {
      assert.deepEqual(caseless(byKey.get(key(original))), caseless(original));
    }
  });

  it('SPDX: write → read gives the same packages (name, version, ecosystem, purl) and OS', () => {
    const { value, diagnostics } = readSbom(writeSpdx(SUBJECT, PACKAGES), 'out.spdx.json');
    assert.deepEqual(diagnostics, []);
    assert.equal(value.format, 'spdx');
    assert.equal(value.specVersion, '2.3');
    assert.equal(value.subject, SUBJECT.name);
    assert.deepEqual(sorted(value.packages), sorted(PACKAGES));
    assert.equal(value.os?.ecosystem, 'Debian');
    const libssl = value.packages.find((p) => p.name === 'libssl3');
    assert.equal(libssl?.sourceName, 'openssl');
    assert.equal(libssl?.kind, 'os');
  });
});

describe('hand-written CycloneDX 1.4 (as an image scanner would write it)', () => {
  const { value, diagnostics } = readSbom(fixture('cyclonedx-1.4-debian.json'), 'cyclonedx-1.4-debian.json');

  it('reads the packages with OSV ecosystems and names derived from the purl', () => {
    assert.equal(value.specVersion, '1.4');
    assert.equal(value.subject, 'registry.example.com/shop/api:1.4.2');
    assert.deepEqual(sorted(value.packages), [
      'Debian | libc6 | 2.36-9+deb12u4 | pkg:deb/debian/libc6@2.36-9+deb12u4?arch=amd64&distro=debian-12&upstream=glibc',
      'Debian | libssl3 | 3.0.11-1~deb12u2 | pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12&upstream=openssl',
      'Debian | tzdata | 2024a-0+deb12u1 | pkg:deb/debian/tzdata@2024a-0+deb12u1?arch=all&distro=debian-12',
      'Go | golang.org/x/net | v0.17.0 | pkg:golang/golang.org/x/net@v0.17.0',
      'Maven | com.fasterxml.jackson.core:jackson-databind | 2.15.2 | pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.15.2',
      'PyPI | Django | 4.2.7 | pkg:pypi/django@4.2.7',
      'npm | @babel/core | 7.24.0 | pkg:npm/%40babel/core@7.24.0',
      'npm | express | 4.18.2 | pkg:npm/express@4.18.2',
    ]);
  });

  it('takes the source package and arch from the purl qualifiers, licences from the component', () => {
    const libc = value.packages.find((p) => p.name === 'libc6');
    assert.equal(libc?.sourceName, 'glibc');
    assert.equal(libc?.arch, 'amd64');
    assert.equal(libc?.kind, 'os');
    assert.equal(libc?.analyzer, 'sbom/cyclonedx');
    assert.equal(libc?.location.path, 'cyclonedx-1.4-debian.json');
    assert.deepEqual(libc?.licenses, ['GPL-2.0-only', 'LGPL-2.1-only']);
    assert.deepEqual(value.packages.find((p) => p.name === 'libssl3')?.licenses, ['Apache-2.0']);
  });

  it('reads the OS from the operating-system component, release as advisories name it', () => {
    assert.deepEqual(value.os, {
      family: 'debian',
      release: '12',
      ecosystem: 'Debian',
      prettyName: 'Debian GNU/Linux 12 (bookworm)',
      source: 'cyclonedx-1.4-debian.json ($.components[0])',
    });
  });

  it('reports the component without purl and the one with an unknown purl type, with their paths', () => {
    assert.deepEqual(
      diagnostics.map((d) => [d.code, d.location.path]),
      [
        ['sbom.no-purl', '$.components[8]'],
        ['sbom.unmatchable-purl', '$.components[9].purl'],
      ],
    );
    assert.match(diagnostics[0]?.message ?? '', /"vendored-zlib" 1\.2\.13 has no package URL/);
    assert.match(diagnostics[1]?.message ?? '', /type "generic" has no OSV ecosystem/);
    assert.ok(diagnostics.every((d) => d.location.file === 'cyclonedx-1.4-debian.json'));
  });
});

describe('hand-written SPDX 2.2 (as an image scanner would write it)', () => {
  const { value, diagnostics } = readSbom(fixture('spdx-2.2-alpine.json'), 'spdx-2.2-alpine.json');

  it('reads the packages, skipping the described image', () => {
    assert.equal(value.specVersion, '2.2');
    assert.equal(value.subject, 'registry.example.com/tools/cli:2.0');
    assert.deepEqual(sorted(value.packages), [
      'Alpine | libcrypto3 | 3.1.4-r5 | pkg:apk/alpine/libcrypto3@3.1.4-r5?arch=x86_64&upstream=openssl&distro=alpine-3.19.1',
      'Alpine | musl | 1.2.4_git20230717-r4 | pkg:apk/alpine/musl@1.2.4_git20230717-r4?arch=x86_64&upstream=musl&distro=alpine-3.19.1',
      'crates.io | serde | 1.0.195 | pkg:cargo/serde@1.0.195',
    ]);
    const crypto = value.packages.find((p) => p.name === 'libcrypto3');
    assert.equal(crypto?.sourceName, 'openssl');
    assert.deepEqual(crypto?.licenses, ['Apache-2.0']);
    assert.deepEqual(value.packages.find((p) => p.name === 'serde')?.licenses, ['MIT OR Apache-2.0']);
  });

  it('reads the OS package, Alpine release as major.minor', () => {
    assert.equal(value.os?.family, 'alpine');
    assert.equal(value.os?.release, '3.19');
    assert.equal(value.os?.ecosystem, 'Alpine');
  });

  it('reports the package without purl, the unparsable purl and the malformed package', () => {
    assert.deepEqual(
      diagnostics.map((d) => [d.level, d.code, d.location.path]),
      [
        ['error', 'sbom.invalid-package', '$.packages[7].name'],
        ['warning', 'sbom.no-purl', '$.packages[5]'],
        ['warning', 'sbom.unmatchable-purl', '$.packages[6].purl'],
      ],
    );
    assert.match(diagnostics[2]?.message ?? '', /purl "npm:broken@1\.0" does not parse/);
  });
});

describe('sad cases', () => {
  it('not JSON → InputError naming the file', () => {
    assertInputError(() => readSbom('this is not json', 'sbom.json'), /sbom\.json: not a JSON document/);
  });

  it('truncated JSON → InputError', () => {
    assertInputError(() => readSbom(fixture('truncated.cdx.json'), 'sbom.json'), /not a JSON document/);
  });

  it('wrong bomFormat → InputError with the JSON path', () => {
    assertInputError(
      () => readSbom(fixture('wrong-bomformat.json'), 'sbom.json'),
      /not a valid CycloneDX document at \$\.bomFormat/,
      '$.bomFormat',
    );
  });

  it('neither CycloneDX nor SPDX → InputError', () => {
    assertInputError(() => readSbom('{"hello": "world"}', 'sbom.json'), /not a CycloneDX or SPDX JSON document/, '$');
    assertInputError(() => readSbom('[1, 2]', 'sbom.json'), /not a CycloneDX or SPDX JSON document/);
  });

  it('SPDX 3 JSON-LD → InputError that says so', () => {
    assertInputError(() => readSbom(fixture('spdx-3.0.jsonld'), 'sbom.json'), /SPDX 3 JSON-LD is not supported/);
  });

  it('unsupported versions → InputError; neighbouring versions → warning', () => {
    assertInputError(
      () => readSbom('{"bomFormat":"CycloneDX","specVersion":"2.0"}', 'sbom.json'),
      /specVersion "2.0" is not supported/,
      '$.specVersion',
    );
    assertInputError(
      () => readSbom('{"spdxVersion":"SPDX-1.2","SPDXID":"SPDXRef-DOCUMENT"}', 'sbom.json'),
      /spdxVersion "SPDX-1.2" is not supported/,
    );
    const old = readSbom('{"bomFormat":"CycloneDX","specVersion":"1.3","components":[]}', 'sbom.json');
    assert.deepEqual(
      old.diagnostics.map((d) => d.code),
      ['sbom.version'],
    );
  });

  it('components that is not an array → InputError with the path', () => {
    assertInputError(
      () => readSbom('{"bomFormat":"CycloneDX","specVersion":"1.6","components":{}}', 'sbom.json'),
      /at \$\.components/,
      '$.components',
    );
  });

  it('one malformed component is a diagnostic; the others are kept', () => {
    const text = JSON.stringify({
      bomFormat: 'CycloneDX',
      specVersion: '1.5',
      components: [
        { type: 'library', name: 'ok', version: '1.0.0', purl: 'pkg:npm/ok@1.0.0' },
        { type: 'library', version: 3 },
        'not an object',
        { type: 'library', name: 'noversion', purl: 'pkg:npm/noversion' },
        { type: 'library', name: 'from-purl', purl: 'pkg:npm/from-purl@2.0.0' },
        { type: 'library', name: 'raspbian-pkg', version: '1', purl: 'pkg:deb/raspbian/raspbian-pkg@1' },
      ],
    });
    const { value, diagnostics } = readSbom(text, 'sbom.json');
    assert.deepEqual(
      value.packages.map((p) => `${p.name}@${p.version}`),
      ['ok@1.0.0', 'from-purl@2.0.0'],
    );
    assert.deepEqual(
      diagnostics.map((d) => [d.code, d.location.path]),
      [
        ['sbom.invalid-component', '$.components[1].name'],
        ['sbom.invalid-component', '$.components[2]'],
        ['sbom.no-version', '$.components[3]'],
        ['sbom.unmatchable-purl', '$.components[5].purl'],
      ],
    );
    assert.match(diagnostics[3]?.message ?? '', /distribution "raspbian"/);
  });

  it('refuses an oversized document before parsing it', () => {
    assert.throws(
      () => readSbom('{"bomFormat":"CycloneDX","specVersion":"1.6"}', 'sbom.json', { maxBytes: 10 }),
      (error: unknown) => error instanceof InputError && error.code === 'input.too-large',
    );
  });

  it('stops at hostile nesting depth with a diagnostic, keeping what it read', () => {
    let nested: Record<string, unknown> = { type: 'library', name: 'deep', version: '1', purl: 'pkg:npm/deep@1' };
    for (let i = 0; i < 40; i++) {
      nested = { type: 'library', name: `level${i}`, version: '1', purl: `pkg:npm/level${i}@1`, components: [nested] };
    }
    const { value, diagnostics } = readSbom(
      JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.6', components: [nested] }),
      'sbom.json',
    );
    assert.equal(value.packages.length, 33);
    assert.deepEqual(
      diagnostics.map((d) => d.code),
      ['sbom.too-deep'],
    );
  });

  it('an unknown operating system is a warning, packages still read', () => {
    const { value, diagnostics } = readSbom(
      JSON.stringify({
        bomFormat: 'CycloneDX',
        specVersion: '1.6',
        components: [
          { type: 'operating-system', name: 'plan9', version: '4' },
          { type: 'library', name: 'a', version: '1', purl: 'pkg:npm/a@1' },
        ],
      }),
      'sbom.json',
    );
    assert.equal(value.os, undefined);
    assert.equal(value.packages.length, 1);
    assert.deepEqual(
      diagnostics.map((d) => [d.code, d.location.path]),
      [['sbom.unknown-os', '$.components[0]']],
    );
  });

  it('an rpm purl with an epoch qualifier gets epoch:version', () => {
    const { value } = readSbom(
      JSON.stringify({
        spdxVersion: 'SPDX-2.3',
        SPDXID: 'SPDXRef-DOCUMENT',
        packages: [
          {
            SPDXID: 'SPDXRef-openssl',
            name: 'openssl-libs',
            externalRefs: [
              {
                referenceCategory: 'PACKAGE-MANAGER',
                referenceType: 'purl',
                referenceLocator:
                  'pkg:rpm/redhat/openssl-libs@3.0.7-27.el9?arch=x86_64&epoch=1&upstream=openssl-3.0.7-27.el9.src.rpm',
              },
            ],
          },
        ],
      }),
      'sbom.json',
    );
    assert.deepEqual(
      value.packages.map((p) => [p.ecosystem, p.name, p.version, p.sourceName, p.arch]),
      [['Red Hat', 'openssl-libs', '1:3.0.7-27.el9', 'openssl', 'x86_64']],
    );
  });
});
