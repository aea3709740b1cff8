/**
 * No SPDX 2.3 JSON schema is available offline (none ships in node_modules), so the document is
 * checked structurally against the SPDX 2.3 specification (https://spdx.github.io/spdx-spec/v2.3/):
 * the required document fields (clause 6), package fields (clause 7), identifier syntax, and that
 * every relationship (clause 11) names elements that exist.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { Package } from '#core';
import { canonicalSpdxExpression } from './common.ts';
import { sanitizeSpdxId, writeSpdx } from './spdx.ts';
import type { SbomSubject } from './types.ts';

const FIXTURES = new URL('../../../test/fixtures/images/sbom/', import.meta.url);
const PACKAGES = JSON.parse(readFileSync(new URL('packages.json', FIXTURES), 'utf8')) as Package[];
const SUBJECT: SbomSubject = {
  name: 'registry.example.com/shop/api:1.4.2',
  digest: 'sha256:4c1b3f1e8cbb3f6b0e2c5b7d9a0f1e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7',
  os: { family: 'debian', release: '12', ecosystem: 'Debian', source: 'etc/os-release' },
  tool: { name: 'palisade', version: '0.1.0' },
};
const FIXED = { timestamp: new Date('2024-05-02T10:20:30.123Z') };

type Json = Record<string, unknown>;

const SPDX_ID = /^SPDXRef-[A-Za-z0-9.-]+$/;
const PURPOSES = new Set([
  'APPLICATION',
  'FRAMEWORK',
  'LIBRARY',
  'CONTAINER',
  'OPERATING-SYSTEM',
  'DEVICE',
  'FIRMWARE',
  'SOURCE',
  'ARCHIVE',
  'FILE',
  'INSTALL',
  'OTHER',
]);

/** Structural SPDX 2.3 checks; returns every violation found. */
function spdxViolations(document: Json): string[] {
  const problems: string[] = [];
  const expect = (ok: boolean, message: string): void => {
    if (!ok) {
      problems.push(message);
    }
  };
  expect(document.spdxVersion === 'SPDX-2.3', '6.1 spdxVersion must be SPDX-2.3');
  expect(document.dataLicense === 'CC0-1.0', '6.2 dataLicense must be CC0-1.0');
  expect(document.SPDXID === 'SPDXRef-DOCUMENT', '6.3 SPDXID must be SPDXRef-DOCUMENT');
  expect(typeof document.name === 'string' && document.name.length > 0, '6.4 name is required');
  const namespace = document.documentNamespace;
  expect(
    typeof namespace === 'string' && URL.canParse(namespace) && !namespace.includes('#'),
    '6.5 documentNamespace must be an absolute URI without #',
  );
  const creation = document.creationInfo as Json | undefined;
  const creators = creation?.creators as unknown[] | undefined;
  expect(Array.isArray(creators) && creators.length > 0, '6.8 creators is required');
  for (const creator of creators ?? []) {
    expect(
      typeof creator === 'string' && /^(Person|Organization|Tool): \S/.test(creator),
      `6.8 bad creator ${creator}`,
    );
  }
  expect(
    typeof creation?.created === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(creation.created),
    '6.9 created must be YYYY-MM-DDThh:mm:ssZ',
  );
  const ids = new Set<string>(['SPDXRef-DOCUMENT']);
  for (const [index, pkg] of ((document.packages as Json[] | undefined) ?? []).entries()) {
    const at = `packages[${index}]`;
    expect(typeof pkg.name === 'string' && pkg.name.length > 0, `${at} 7.1 name is required`);
    expect(typeof pkg.SPDXID === 'string' && SPDX_ID.test(pkg.SPDXID), `${at} 7.2 SPDXID syntax: ${pkg.SPDXID}`);
    expect(!ids.has(String(pkg.SPDXID)), `${at} SPDXID ${pkg.SPDXID} is not unique`);
    ids.add(String(pkg.SPDXID));
    expect(
      pkg.downloadLocation === 'NOASSERTION' ||
        pkg.downloadLocation === 'NONE' ||
        typeof pkg.downloadLocation === 'string',
      `${at} 7.7 downloadLocation is required`,
    );
    expect(pkg.filesAnalyzed === false || pkg.packageVerificationCode !== undefined, `${at} 7.9 verification code due`);
    for (const field of ['licenseConcluded', 'licenseDeclared']) {
      const value = pkg[field];
      expect(
        value === undefined ||
          value === 'NOASSERTION' ||
          value === 'NONE' ||
          (typeof value === 'string' && canonicalSpdxExpression(value) === value),
        `${at} ${field} must be a valid SPDX licence expression, NONE or NOASSERTION: ${String(value)}`,
      );
    }
    for (const ref of (pkg.externalRefs as Json[] | undefined) ?? []) {
      expect(
        ['SECURITY', 'PACKAGE-MANAGER', 'PERSISTENT-ID', 'OTHER'].includes(String(ref.referenceCategory)),
        `${at} 7.21 referenceCategory ${ref.referenceCategory}`,
      );
      if (ref.referenceType === 'purl') {
        expect(String(ref.referenceLocator).startsWith('pkg:'), `${at} purl locator ${ref.referenceLocator}`);
      }
    }
    expect(
      pkg.primaryPackagePurpose === undefined || PURPOSES.has(String(pkg.primaryPackagePurpose)),
      `${at} 7.24 purpose`,
    );
  }
  const relationships = (document.relationships as Json[] | undefined) ?? [];
  expect(
    relationships.some((r) => r.spdxElementId === 'SPDXRef-DOCUMENT' && r.relationshipType === 'DESCRIBES'),
    '6 the document must DESCRIBE at least one element',
  );
  for (const [index, relationship] of relationships.entries()) {
    expect(
      ids.has(String(relationship.spdxElementId)),
      `relationships[${index}] unknown ${relationship.spdxElementId}`,
    );
    expect(
      ids.has(String(relationship.relatedSpdxElement)),
      `relationships[${index}] unknown ${relationship.relatedSpdxElement}`,
    );
  }
  return problems;
}

describe('writeSpdx', () => {
  const text = writeSpdx(SUBJECT, PACKAGES, FIXED);
  const document = JSON.parse(text) as Json;
  const packages = document.packages as Json[];

  it('passes the structural SPDX 2.3 checks', () => {
    assert.deepEqual(spdxViolations(document), []);
  });

  it('the checks catch a broken document (they are not vacuous)', () => {
    const broken = {
      ...document,
      dataLicense: 'MIT',
      packages: [...packages, { ...packages[1], licenseDeclared: 'BSD License' }],
      relationships: [
        { spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: 'SPDXRef-nope' },
      ],
    };
    const problems = spdxViolations(broken);
    assert.ok(problems.some((p) => p.includes('dataLicense')));
    assert.ok(problems.some((p) => p.includes('not unique')));
    assert.ok(problems.some((p) => p.includes('BSD License')));
    assert.ok(problems.some((p) => p.includes('SPDXRef-nope')));
  });

  it('has the document header the spec requires', () => {
    assert.equal(document.name, SUBJECT.name);
    assert.deepEqual(document.creationInfo, { creators: ['Tool: palisade-0.1.0'], created: '2024-05-02T10:20:30Z' });
    assert.match(
      String(document.documentNamespace),
      /^https:\/\/spdx\.org\/spdxdocs\/palisade-registry\.example\.com-shop-api-1\.4\.2-[0-9a-f]{32}$/,
    );
  });

  it('is identical across runs and package orders; the namespace changes with the content', () => {
    assert.equal(writeSpdx(SUBJECT, [...PACKAGES].reverse(), FIXED), text);
    const other = JSON.parse(writeSpdx(SUBJECT, PACKAGES.slice(1), FIXED)) as Json;
    assert.notEqual(other.documentNamespace, document.documentNamespace);
    const injected = JSON.parse(
      writeSpdx(SUBJECT, PACKAGES, { ...FIXED, documentNamespace: 'https://example.com/spdx/run-1' }),
    ) as Json;
    assert.equal(injected.documentNamespace, 'https://example.com/spdx/run-1');
  });

  it('writes the image, the OS and one LIBRARY per distinct package, each CONTAINED by the image', () => {
    const purposes = packages.map((p) => p.primaryPackagePurpose);
    assert.equal(purposes.filter((p) => p === 'CONTAINER').length, 1);
    assert.equal(purposes.filter((p) => p === 'OPERATING-SYSTEM').length, 1);
    assert.equal(purposes.filter((p) => p === 'LIBRARY').length, PACKAGES.length);
    const image = packages.find((p) => p.primaryPackagePurpose === 'CONTAINER') as Json;
    assert.deepEqual(image.checksums, [
      { algorithm: 'SHA256', checksumValue: '4c1b3f1e8cbb3f6b0e2c5b7d9a0f1e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7' },
    ]);
    const contains = (document.relationships as Json[]).filter((r) => r.relationshipType === 'CONTAINS');
    assert.equal(contains.length, PACKAGES.length + 1);
    assert.ok(contains.every((r) => r.spdxElementId === image.SPDXID));
  });

  it('writes the purl as a PACKAGE-MANAGER reference and the source package as sourceInfo', () => {
    const libssl = packages.find((p) => p.name === 'libssl3') as Json;
    assert.deepEqual(libssl.externalRefs, [
      {
        referenceCategory: 'PACKAGE-MANAGER',
        referenceType: 'purl',
        referenceLocator: 'pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12',
      },
    ]);
    assert.equal(libssl.sourceInfo, 'built package from: openssl 3.0.11-1~deb12u2');
    assert.equal(libssl.versionInfo, '3.0.11-1~deb12u2');
    assert.equal(libssl.downloadLocation, 'NOASSERTION');
    assert.equal(libssl.licenseConcluded, 'NOASSERTION');
  });

  it('passes valid licence expressions through and turns the rest into NOASSERTION with a comment', () => {
    const declared = new Map(packages.map((p) => [p.name, [p.licenseDeclared, p.licenseComments]]));
    assert.deepEqual(declared.get('libc6'), ['GPL-2.0-only AND LGPL-2.1-or-later', undefined]);
    assert.deepEqual(declared.get('@babel/core'), ['MIT', undefined]);
    assert.deepEqual(declared.get('serde'), ['MIT OR Apache-2.0', undefined]);
    assert.deepEqual(declared.get('com.fasterxml.jackson.core:jackson-databind'), [
      '(Apache-2.0 OR LGPL-2.1-or-later) AND MIT',
      undefined,
    ]);
    assert.equal(declared.get('tzdata')?.[0], 'NOASSERTION');
    assert.match(String(declared.get('tzdata')?.[1]), /public-domain/);
    assert.equal(declared.get('Django')?.[0], 'NOASSERTION');
    assert.equal(declared.get('rails')?.[0], 'NOASSERTION');
    assert.equal(declared.get('rails')?.[1], undefined);
  });

  it('gives two packages with the same purl distinct SPDXIDs', () => {
    const lodash = packages.filter((p) => p.name === 'lodash').map((p) => p.SPDXID);
    assert.equal(new Set(lodash).size, 2);
  });

  it('describes a directory as SOURCE, without an OS', () => {
    const dir = JSON.parse(
      writeSpdx({ name: './my project', kind: 'directory', tool: SUBJECT.tool }, [], FIXED),
    ) as Json;
    assert.deepEqual(spdxViolations(dir), []);
    assert.deepEqual(
      (dir.packages as Json[]).map((p) => [p.primaryPackagePurpose, p.SPDXID]),
      [['SOURCE', 'SPDXRef-DocumentRoot-Directory-.-my-project']],
    );
  });
});

describe('sanitizeSpdxId', () => {
  it('keeps only letters, digits, dots and dashes', () => {
    assert.equal(sanitizeSpdxId('Package-npm-@babel/core'), 'Package-npm-babel-core');
    assert.equal(sanitizeSpdxId('a b__c'), 'a-b-c');
    assert.equal(sanitizeSpdxId('ünïcödé'), 'n-c-d');
    assert.equal(sanitizeSpdxId('///'), 'x');
  });
});
