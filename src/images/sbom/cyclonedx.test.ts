import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { ValidateFunction } from 'ajv';
import type { OsRelease, Package } from '#core';
import { cycloneDxValidator } from '#test/helpers/cyclonedx.ts';
import { writeCycloneDx } from './cyclonedx.ts';
import type { SbomSubject, VulnerabilityRecord } from './types.ts';

const FIXTURES = new URL('../../../test/fixtures/images/sbom/', import.meta.url);
const PACKAGES = JSON.parse(readFileSync(new URL('packages.json', FIXTURES), 'utf8')) as Package[];

function assertValid(validate: ValidateFunction, document: unknown): void {
  const ok = validate(document);
  assert.ok(ok, `schema errors: ${JSON.stringify(validate.errors?.slice(0, 5), null, 2)}`);
}

const OS: OsRelease = {
  family: 'debian',
  release: '12',
  ecosystem: 'Debian',
  prettyName: 'Debian GNU/Linux 12 (bookworm)',
  source: 'etc/os-release',
};
const SUBJECT: SbomSubject = {
  name: 'registry.example.com/shop/api:1.4.2',
  digest: 'sha256:4c1b3f1e8cbb3f6b0e2c5b7d9a0f1e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7',
  os: OS,
  tool: { name: 'palisade', version: '0.1.0' },
};
const FIXED = {
  timestamp: new Date('2024-05-02T10:20:30Z'),
  serialNumber: 'urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79',
};

const libssl = PACKAGES.find((p) => p.name === 'libssl3') as Package;
const lodash = PACKAGES.filter((p) => p.name === 'lodash');
const VULNS: VulnerabilityRecord[] = [
  {
    id: 'DSA-5000-1',
    aliases: ['CVE-2023-5678', 'GHSA-7fh5-64p2-3v2j'],
    source: { name: 'OSV', url: 'https://osv.dev/vulnerability/DSA-5000-1' },
    severity: 'medium',
    score: 5.3,
    vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L',
    method: 'CVSSv31',
    description: 'Excessive time spent in DH key generation.',
    fixedVersion: '3.0.13-1~deb12u1',
    references: ['https://www.openssl.org/news/secadv/20231106.txt', 'not a url'],
    package: libssl,
  },
  {
    id: 'GHSA-35jh-r3h4-6jhm',
    aliases: ['CVE-2021-23337'],
    severity: 'high',
    score: 7.2,
    vector: 'CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H',
    method: 'CVSSv31',
    fixedVersion: '4.17.21',
    package: lodash[0] as Package,
  },
  {
    id: 'GHSA-35jh-r3h4-6jhm',
    severity: 'high',
    package: lodash[1] as Package,
  },
  {
    id: 'CVE-2024-9999',
    severity: 'critical',
    score: 9.3,
    vector: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:H/VA:N/SC:H/SI:H/SA:H',
    method: 'CVSSv4',
    package: PACKAGES.find((p) => p.ecosystem === 'Go') as Package,
  },
];

interface Json {
  [key: string]: unknown;
}
function parse(text: string): Json {
  return JSON.parse(text) as Json;
}
function components(bom: Json): Json[] {
  return bom.components as Json[];
}
function property(component: Json, name: string): string | undefined {
  return (component.properties as { name: string; value: string }[] | undefined)?.find((p) => p.name === name)?.value;
}

describe('writeCycloneDx', () => {
  const validate16 = cycloneDxValidator('1.6');
  const written = writeCycloneDx(SUBJECT, PACKAGES, VULNS, FIXED);
  const bom = parse(written.value);

  it('validates against the official CycloneDX 1.6 JSON schema, vulnerabilities included', () => {
    assert.deepEqual(written.diagnostics, []);
    assert.equal(bom.specVersion, '1.6');
    assert.equal(bom.bomFormat, 'CycloneDX');
    assertValid(validate16, bom);
  });

  it('also validates with no packages and no OS', () => {
    const empty = parse(writeCycloneDx({ name: 'scratch', tool: SUBJECT.tool }, [], [], FIXED).value);
    assertValid(validate16, empty);
  });

  it('is identical across runs and input orders when timestamp and serial number are fixed', () => {
    const again = writeCycloneDx(SUBJECT, [...PACKAGES].reverse(), [...VULNS].reverse(), FIXED).value;
    assert.equal(again, written.value);
  });

  it('differs only in serialNumber and timestamp when they are not fixed', () => {
    const one = parse(writeCycloneDx(SUBJECT, PACKAGES, VULNS).value);
    const two = parse(writeCycloneDx(SUBJECT, PACKAGES, VULNS, { timestamp: new Date(0) }).value);
    assert.notEqual(one.serialNumber, two.serialNumber);
    assert.match(
      String(one.serialNumber),
      /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    const strip = (b: Json): string =>
      JSON.stringify({ ...b, serialNumber: null, metadata: { ...(b.metadata as Json), timestamp: null } });
    assert.equal(strip(one), strip(two));
  });

  it('describes the image as the metadata component, with its digest and the tool', () => {
    const metadata = bom.metadata as Json;
    const image = metadata.component as Json;
    assert.equal(image.type, 'container');
    assert.equal(image.name, SUBJECT.name);
    assert.deepEqual(image.hashes, [
      { alg: 'SHA-256', content: '4c1b3f1e8cbb3f6b0e2c5b7d9a0f1e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7' },
    ]);
    assert.equal(metadata.timestamp, '2024-05-02T10:20:30.000Z');
    assert.deepEqual(
      ((metadata.tools as Json).components as Json[]).map((c) => [c.type, c.name, c.version]),
      [['application', 'palisade', '0.1.0']],
    );
  });

  it('writes the OS as an operating-system component', () => {
    const os = components(bom).filter((c) => c.type === 'operating-system');
    assert.equal(os.length, 1);
    assert.equal(os[0]?.name, 'debian');
    assert.equal(os[0]?.version, '12');
    assert.equal(os[0]?.description, 'Debian GNU/Linux 12 (bookworm)');
  });

  it('writes one library component per distinct package with purl, properties and bom-ref', () => {
    const libraries = components(bom).filter((c) => c.type === 'library');
    assert.equal(libraries.length, PACKAGES.length);
    const libc = libraries.find((c) => c.name === 'libc6') as Json;
    assert.equal(libc['bom-ref'], libc.purl);
    assert.equal(libc.version, '2.36-9+deb12u4');
    assert.equal(
      property(libc, 'palisade:layer'),
      'sha256:1111111111111111111111111111111111111111111111111111111111111111',
    );
    assert.equal(property(libc, 'palisade:location'), 'var/lib/dpkg/status');
    assert.equal(property(libc, 'palisade:line'), '120');
    assert.equal(property(libc, 'palisade:sourceName'), 'glibc');
    assert.equal(property(libc, 'palisade:analyzer'), 'os/dpkg');
    const lodashRefs = libraries.filter((c) => c.name === 'lodash').map((c) => String(c['bom-ref']));
    assert.equal(new Set(lodashRefs).size, 2);
    for (const ref of lodashRefs) {
      assert.match(ref, /^pkg:npm\/lodash@4\.17\.20#[0-9a-f]{12}$/);
    }
    const dev = libraries.filter((c) => c.name === 'lodash' && property(c, 'palisade:dev') === 'true');
    assert.equal(dev.length, 1);
  });

  it('writes licences as SPDX ids, names, or a single expression', () => {
    const byName = new Map(components(bom).map((c) => [c.name, c.licenses]));
    assert.deepEqual(byName.get('libc6'), [
      { license: { id: 'GPL-2.0-only' } },
      { license: { id: 'LGPL-2.1-or-later' } },
    ]);
    assert.deepEqual(byName.get('core'), undefined, 'npm scope is not split into group');
    assert.deepEqual(byName.get('@babel/core'), [{ license: { id: 'MIT' } }], 'case fixed to the SPDX list');
    assert.deepEqual(byName.get('tzdata'), [{ license: { name: 'public-domain' } }]);
    assert.deepEqual(byName.get('Django'), [{ license: { name: 'BSD License' } }]);
    assert.deepEqual(byName.get('serde'), [{ expression: 'MIT OR Apache-2.0' }]);
    assert.deepEqual(byName.get('com.fasterxml.jackson.core:jackson-databind'), [
      { expression: '(Apache-2.0 OR LGPL-2.1-or-later) AND MIT' },
    ]);
  });

  it('lists the image as depending on the OS and every package', () => {
    const dependencies = bom.dependencies as { ref: string; dependsOn?: string[] }[];
    const root = dependencies.find((d) => d.ref === `subject:${SUBJECT.name}`);
    assert.equal(root?.dependsOn?.length, PACKAGES.length + 1);
  });

  it('writes vulnerabilities with ratings, affects, recommendation, advisories and aliases', () => {
    const vulns = bom.vulnerabilities as Json[];
    assert.deepEqual(vulns.map((v) => v.id).sort(), ['CVE-2024-9999', 'DSA-5000-1', 'GHSA-35jh-r3h4-6jhm']);
    const dsa = vulns.find((v) => v.id === 'DSA-5000-1') as Json;
    const libsslRef = components(bom).find((c) => c.name === 'libssl3')?.['bom-ref'];
    assert.deepEqual(dsa.source, { name: 'OSV', url: 'https://osv.dev/vulnerability/DSA-5000-1' });
    assert.deepEqual(dsa.ratings, [
      {
        source: { name: 'OSV', url: 'https://osv.dev/vulnerability/DSA-5000-1' },
        score: 5.3,
        severity: 'medium',
        method: 'CVSSv31',
        vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L',
      },
    ]);
    assert.equal(dsa.recommendation, 'Upgrade to 3.0.13-1~deb12u1');
    assert.equal(dsa.description, 'Excessive time spent in DH key generation.');
    assert.deepEqual(dsa.advisories, [{ url: 'https://www.openssl.org/news/secadv/20231106.txt' }]);
    assert.deepEqual(dsa.references, [
      { id: 'CVE-2023-5678', source: { name: 'NVD', url: 'https://nvd.nist.gov/vuln/detail/CVE-2023-5678' } },
      {
        id: 'GHSA-7fh5-64p2-3v2j',
        source: { name: 'GitHub', url: 'https://github.com/advisories/GHSA-7fh5-64p2-3v2j' },
      },
    ]);
    assert.deepEqual(dsa.affects, [
      { ref: libsslRef, versions: [{ version: '3.0.11-1~deb12u2', status: 'affected' }] },
    ]);

    const ghsa = vulns.find((v) => v.id === 'GHSA-35jh-r3h4-6jhm') as Json;
    const lodashRefs = components(bom)
      .filter((c) => c.name === 'lodash')
      .map((c) => c['bom-ref'])
      .sort();
    assert.deepEqual((ghsa.affects as Json[]).map((a) => a.ref).sort(), lodashRefs, 'one vulnerability, two affects');

    const v4 = vulns.find((v) => v.id === 'CVE-2024-9999') as Json;
    assert.equal((v4.ratings as Json[])[0]?.method, 'CVSSv4');
  });

  it('reports a vulnerability whose package is not in the BOM, and leaves it out', () => {
    const stray: VulnerabilityRecord = {
      id: 'CVE-2000-0001',
      package: { purl: 'pkg:npm/absent@1.0.0', version: '1.0.0', location: { path: 'x' } },
    };
    const result = writeCycloneDx(SUBJECT, PACKAGES, [stray], FIXED);
    assert.equal(result.diagnostics.length, 1);
    assert.equal(result.diagnostics[0]?.code, 'sbom.vulnerability-unknown-package');
    assert.match(result.diagnostics[0]?.message ?? '', /CVE-2000-0001 affects pkg:npm\/absent@1\.0\.0/);
    assert.equal(parse(result.value).vulnerabilities, undefined);
  });

  it('describes a directory as an application', () => {
    const dir = parse(
      writeCycloneDx({ name: 'src/app', kind: 'directory', tool: SUBJECT.tool }, PACKAGES, [], FIXED).value,
    );
    assert.equal(((dir.metadata as Json).component as Json).type, 'application');
    assertValid(validate16, dir);
  });
});

describe('hand-written CycloneDX 1.4 fixture', () => {
  it('is itself valid CycloneDX 1.4 (so read tests use a conformant document)', () => {
    const document = JSON.parse(readFileSync(new URL('cyclonedx-1.4-debian.json', FIXTURES), 'utf8')) as unknown;
    assertValid(cycloneDxValidator('1.4'), document);
  });
});
