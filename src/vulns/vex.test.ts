import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { Vulnerability } from '#core';
import { applyVex, readVex } from './vex.ts';

const FIXTURES = new URL('../../test/fixtures/vulns/scan/', import.meta.url);

function vulnerability(id: string, alias: string, purl: string): Vulnerability {
  const name = purl.split('/').at(-1)?.split('@')[0] ?? purl;
  return {
    id,
    aliases: [alias],
    status: 'affected',
    severity: 'high',
    title: id,
    package: { name, version: '1', ecosystem: 'Debian', purl },
    fixedVersion: null,
    layer: null,
    location: { path: 'var/lib/dpkg/status' },
    references: [],
    fingerprint: `${id}|${purl}`,
  };
}

const SSL = vulnerability('DSA-9001-1', 'CVE-2026-90001', 'pkg:deb/debian/libssl3@3.0.19-1~deb12u2?arch=amd64');
const ZLIB = vulnerability('DSA-9002-1', 'CVE-2026-90002', 'pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?arch=amd64');

describe('VEX', () => {
  it('CycloneDX VEX: not_affected silences the referenced component (bom-ref resolved to its purl); exploitable does not', () => {
    const file = new URL('cyclonedx-vex.json', FIXTURES);
    const read = readVex(readFileSync(file), 'cyclonedx-vex.json');
    assert.deepEqual(read.diagnostics, []);
    const [ssl, zlib] = applyVex([SSL, ZLIB], read.value);
    assert.equal(ssl?.suppressed, undefined);
    assert.deepEqual(zlib?.suppressed, {
      source: 'vex',
      reason: 'VEX not_affected: code_not_reachable (the image never inflates untrusted data)',
      origin: 'cyclonedx-vex.json#vulnerabilities[0]',
    });
  });

  it('OpenVEX: matches by alias and by purl without version; other packages stay', () => {
    const read = readVex(readFileSync(new URL('openvex.json', FIXTURES)), 'openvex.json');
    const [ssl, zlib] = applyVex([SSL, ZLIB], read.value);
    assert.equal(ssl?.suppressed?.source, 'vex');
    assert.equal(zlib?.suppressed, undefined, 'under_investigation does not silence');
    const other = vulnerability('DSA-9001-1', 'CVE-2026-90001', 'pkg:deb/debian/openssl@3.0.19-1~deb12u2');
    assert.equal(applyVex([other], read.value)[0]?.suppressed, undefined);
  });

  it('a statement pinned to another version does not apply', () => {
    const doc = {
      '@context': 'https://openvex.dev/ns/v0.2.0',
      statements: [
        { vulnerability: { name: 'CVE-2026-90002' }, products: ['pkg:deb/debian/zlib1g@9.9'], status: 'not_affected' },
      ],
    };
    const read = readVex(Buffer.from(JSON.stringify(doc)), 'v.json');
    assert.equal(applyVex([ZLIB], read.value)[0]?.suppressed, undefined);
  });

  it('malformed documents are diagnostics naming the file and the field', () => {
    assert.equal(
      readVex(Buffer.from('{"@context": "https://openvex.dev/ns", '), 'a.json').diagnostics[0]?.code,
      'vex.syntax',
    );
    const bad = readVex(
      Buffer.from(JSON.stringify({ '@context': 'https://openvex.dev/ns', statements: [{ status: 'maybe' }] })),
      'b.json',
    );
    assert.equal(bad.diagnostics[0]?.code, 'vex.invalid');
    assert.equal(bad.diagnostics[0]?.location.file, 'b.json');
    assert.match(bad.diagnostics[0]?.location.path ?? '', /^statements\[0\]/);
    assert.equal(readVex(Buffer.from('{"hello": 1}'), 'c.json').diagnostics[0]?.code, 'vex.unknown-format');
  });
});
