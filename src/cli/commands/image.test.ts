/**
 * `palisade image`, `sbom` and `db` through the CLI entry point, on the real Debian 12 test image
 * (test/helpers/images) and advisories written for the tests.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Log } from 'sarif';
import { cli } from '#test/helpers/cli.ts';
import { cycloneDxValidator } from '#test/helpers/cyclonedx.ts';
import { testImage } from '#test/helpers/images/layout.ts';
import { githubProblems, reportSchemaErrors, sarifSchemaErrors } from '#test/helpers/validators.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const ADVISORIES = join(ROOT, 'test/fixtures/vulns/scan/advisories');
const image = testImage();
const skip = typeof image === 'string' ? image : false;

describe('palisade image / sbom / db', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-cli-image-'));
  const db = join(dir, 'vulndb.sqlite');
  after(() => rmSync(dir, { recursive: true, force: true }));
  const oci = typeof image === 'string' ? '' : image.oci;

  it('db import loads the advisories and db status lists them', async () => {
    const imported = await cli(['db', 'import', ADVISORIES, '--db', db]);
    assert.equal(imported.code, 0, imported.err);
    assert.match(imported.out, /imported 5 advisories/);
    const status = await cli(['db', 'status', '--db', db, '--format', 'json']);
    const parsed = JSON.parse(status.out) as { advisories: number; ecosystems: { ecosystem: string }[] };
    assert.equal(parsed.advisories, 5);
    assert.deepEqual(
      parsed.ecosystems.map((e) => e.ecosystem),
      ['Debian'],
    );
  });

  it('image --format json follows the report schema and exits 1 on a critical vulnerability', async () => {
    const result = await cli(['image', oci, '--db', db, '--format', 'json']);
    assert.equal(result.code, 1, result.err);
    const report = JSON.parse(result.out) as { vulnerabilities: { id: string }[] };
    assert.deepEqual(reportSchemaErrors(report), []);
    assert.deepEqual(report.vulnerabilities.map((v) => v.id).sort(), ['DSA-9001-1', 'DSA-9002-1', 'DSA-9005-1']);
  });

  it('--fail-on none exits 0 and the table names package, fix and proof', async () => {
    const result = await cli(['image', oci, '--db', db, '--fail-on', 'none']);
    assert.equal(result.code, 0, result.err);
    assert.match(result.out, /CRITICAL {2}1 vulnerability/);
    assert.match(result.out, /DSA-9001-1 \(CVE-2026-90001\) {2}libssl3 \S+ {2}fixed in 99\.0\.0-1/);
    assert.match(result.out, /INDETERMINATE {2}1 advisory could not be decided/);
  });

  it('image --format sarif is valid SARIF that GitHub code scanning accepts', async () => {
    const result = await cli(['image', oci, '--db', db, '--format', 'sarif']);
    const log = JSON.parse(result.out) as Log;
    assert.deepEqual(sarifSchemaErrors(log), []);
    assert.deepEqual(githubProblems(log), []);
    assert.deepEqual(log.runs[0]?.results?.map((r) => r.ruleId).sort(), ['DSA-9001-1', 'DSA-9002-1']);
  });

  it('image --format cyclonedx writes a valid CycloneDX 1.6 BOM with the vulnerabilities', async () => {
    const result = await cli(['image', oci, '--db', db, '--format', 'cyclonedx']);
    const bom = JSON.parse(result.out) as { vulnerabilities: { id: string }[]; components: unknown[] };
    const validate = cycloneDxValidator('1.6');
    assert.ok(validate(bom), JSON.stringify(validate.errors?.slice(0, 3)));
    assert.deepEqual(bom.vulnerabilities.map((v) => v.id).sort(), ['DSA-9001-1', 'DSA-9002-1']);
  });

  it('sbom writes CycloneDX and SPDX listing the packages left after the second layer', async () => {
    const cdx = await cli(['sbom', oci]);
    assert.equal(cdx.code, 0, cdx.err);
    const bom = JSON.parse(cdx.out) as { components: { name: string; purl?: string }[] };
    const names = bom.components.map((c) => c.name);
    assert.ok(names.includes('libssl3'));
    assert.ok(!names.includes('openssl'), 'openssl was removed by layer 2');
    const spdx = await cli(['sbom', oci, '--format', 'spdx']);
    const doc = JSON.parse(spdx.out) as { spdxVersion: string; packages: { name: string }[] };
    assert.equal(doc.spdxVersion, 'SPDX-2.3');
    assert.ok(doc.packages.some((p) => p.name === 'zlib1g'));
  });

  it('a missing image path exits 2 naming it, instead of being tried as a registry reference', async () => {
    const result = await cli(['image', join(dir, 'missing-image.tar'), '--db', db]);
    assert.equal(result.code, 2);
    assert.match(result.err, /does not exist/);
  });
});
