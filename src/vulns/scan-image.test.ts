/**
 * End to end on a real image: the Debian 12 test image built by test/helpers/images (real .deb
 * contents and dpkg status from this machine; layer 2 removes openssl's binary package) scanned
 * against OSV advisories written for these tests (test/fixtures/vulns/scan/advisories).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { ScanReport, Vulnerability } from '#core';
import { testImage } from '#test/helpers/images/layout.ts';
import { importAdvisories } from './db/import.ts';
import { AdvisoryStore } from './db/store.ts';
import { scanImage } from './scan-image.ts';

const FIXTURES = fileURLToPath(new URL('../../test/fixtures/vulns/scan/', import.meta.url));
const NOW = new Date();
const image = testImage();
const skip = typeof image === 'string' ? image : false;

function installed(name: string): { version: string; source: string } | undefined {
  try {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a dpkg-query format, not a template
    const out = execFileSync('dpkg-query', ['-W', '-f', '${Version}\t${source:Package}', name], { encoding: 'utf8' });
    const [version = '', source = ''] = out.split('\t');
    return { version, source };
  } catch {
    return undefined;
  }
}

function byId(report: ScanReport, id: string): Vulnerability[] {
  return (report.vulnerabilities ?? []).filter((v) => v.id === id);
}

describe('scanImage on a real Debian 12 image', { skip }, () => {
  let store: AdvisoryStore;
  let report: ScanReport;

  before(async () => {
    store = AdvisoryStore.open({ path: ':memory:' });
    const imported = await importAdvisories(store, [`${FIXTURES}advisories`]);
    assert.equal(imported.value.imported, 5, JSON.stringify(imported.diagnostics));
    if (typeof image !== 'string') {
      report = await scanImage(image.oci, { store, now: NOW });
    }
  });
  after(() => store.close());

  it('detects Debian 12 and lists the image, its layers and the database', () => {
    assert.equal(report.subject?.type, 'image');
    assert.deepEqual(report.subject?.os && [report.subject.os.family, report.subject.os.release], ['debian', '12']);
    assert.equal(report.subject?.platform, 'linux/amd64');
    assert.equal(report.subject?.layers?.length, 2);
    assert.match(report.subject?.digest ?? '', /^sha256:[0-9a-f]{64}$/);
    assert.ok((report.summary.vulnerabilities?.packages ?? 0) >= 6);
  });

  it('reports libssl3 through its source package openssl, with the fix and the proof', () => {
    const libssl = installed('libssl3');
    assert.ok(libssl, 'libssl3 is installed on this machine');
    const [v] = byId(report, 'DSA-9001-1');
    assert.ok(v);
    assert.equal(v.status, 'affected');
    assert.equal(v.package.name, 'libssl3');
    assert.equal(v.package.sourceName, 'openssl');
    assert.equal(v.package.version, libssl.version);
    assert.equal(v.fixedVersion, '99.0.0-1');
    assert.equal(v.severity, 'critical');
    assert.equal(v.cvss?.score, 9.8);
    assert.deepEqual(v.aliases, ['CVE-2026-90001']);
    assert.equal(v.layer, report.subject?.layers?.[0]?.diffId, 'introduced by the base layer');
    assert.equal(v.proof?.ecosystem, 'Debian:12');
    assert.equal(v.proof?.affectedIndex, 0, 'the Debian:11 entry does not apply');
    assert.deepEqual(v.proof?.comparisons, [
      `${libssl.version} >= 0 (introduced)`,
      `${libssl.version} < 99.0.0-1 (fixed)`,
    ]);
  });

  it('does not report the openssl binary package, which the second layer removed', () => {
    assert.deepEqual(
      byId(report, 'DSA-9001-1').map((v) => v.package.name),
      ['libssl3'],
    );
  });

  it('reports an unfixed vulnerability with a null fixed version and the vendor urgency', () => {
    const [v] = byId(report, 'DSA-9002-1');
    assert.equal(v?.package.name, 'zlib1g');
    assert.equal(v?.fixedVersion, null);
    assert.equal(v?.severity, 'low');
  });

  it('skips advisories for another release and versions past the fix', () => {
    assert.deepEqual(byId(report, 'DSA-9003-1'), []);
    assert.deepEqual(byId(report, 'DSA-9004-1'), []);
  });

  it('reports an advisory it cannot compare as indeterminate, never as not affected', () => {
    const [v] = byId(report, 'DSA-9005-1');
    assert.equal(v?.status, 'indeterminate');
    assert.match(v?.reason ?? '', /"not a version!" is not a valid deb version/);
    assert.equal(report.summary.vulnerabilities?.indeterminate, 1);
  });

  it('counts affected vulnerabilities by severity', () => {
    const summary = report.summary.vulnerabilities;
    assert.equal(summary?.affected, 2);
    assert.equal(summary?.bySeverity.critical, 1);
    assert.equal(summary?.bySeverity.low, 1);
    assert.equal(summary?.fixable, 1);
  });

  it('gives the same vulnerabilities for the docker-save form of the image', async () => {
    assert.ok(typeof image !== 'string');
    const docker = await scanImage(image.dockerArchive, { store, now: NOW });
    const key = (r: ScanReport) => (r.vulnerabilities ?? []).map((v) => `${v.id} ${v.package.purl} ${v.status}`);
    assert.deepEqual(key(docker), key(report));
  });

  it('--ignore-unfixed leaves out vulnerabilities without a fix and says so', async () => {
    assert.ok(typeof image !== 'string');
    const filtered = await scanImage(image.oci, { store, now: NOW, ignoreUnfixed: true });
    assert.deepEqual(byId(filtered, 'DSA-9002-1'), []);
    assert.equal(byId(filtered, 'DSA-9001-1').length, 1);
    assert.ok(filtered.diagnostics.some((d) => d.code === 'vulns.unfixed-ignored'));
  });

  it('exemptions silence by id or alias with a reason; expired ones are reported and do not apply', async () => {
    assert.ok(typeof image !== 'string');
    const exempted = await scanImage(image.oci, {
      store,
      now: new Date('2026-11-23T00:00:00Z'),
      configFile: 'palisade.yaml',
      exemptions: [
        { ids: ['CVE-2026-90001'], packages: ['libssl*'], reason: 'not reachable', expires: '2026-12-31' },
        { ids: ['DSA-9002-1'], reason: 'old', expires: '2026-01-01' },
      ],
    });
    const [ssl] = byId(exempted, 'DSA-9001-1');
    assert.deepEqual(ssl?.suppressed, {
      source: 'config',
      reason: 'not reachable',
      expires: '2026-12-31',
      origin: 'palisade.yaml#vulnerabilities.exemptions[0]',
    });
    assert.equal(byId(exempted, 'DSA-9002-1')[0]?.suppressed, undefined);
    assert.ok(exempted.diagnostics.some((d) => d.code === 'exemption.expired'));
    assert.equal(exempted.summary.vulnerabilities?.suppressed, 1);
    assert.equal(exempted.summary.vulnerabilities?.bySeverity.critical, 0);
  });

  it('OpenVEX not_affected statements silence the named packages only', async () => {
    assert.ok(typeof image !== 'string');
    const vexed = await scanImage(image.oci, { store, now: NOW, vex: [`${FIXTURES}openvex.json`] });
    assert.equal(byId(vexed, 'DSA-9001-1')[0]?.suppressed?.source, 'vex');
    assert.match(byId(vexed, 'DSA-9001-1')[0]?.suppressed?.reason ?? '', /vulnerable_code_not_in_execute_path/);
    assert.equal(byId(vexed, 'DSA-9002-1')[0]?.suppressed, undefined, 'under_investigation does not silence');
  });

  it('lists exactly the packages dpkg-query reports for the image root, minus the one layer 2 removed', async () => {
    const names = ['base-files', 'bash', 'tar', 'zlib1g', 'libssl3', 'libexpat1'];
    const expected = names
      .map((name) => {
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a dpkg-query format, not a template
        const out = execFileSync('dpkg-query', ['-W', '-f', '${Package} ${Version} ${Architecture}', name], {
          encoding: 'utf8',
        });
        return out.trim();
      })
      .sort();
    const found = (report.packages ?? [])
      .filter((p) => p.analyzer === 'os/dpkg')
      .map((p) => `${p.name} ${p.version} ${p.arch}`)
      .sort();
    assert.deepEqual(found, expected);
  });

  it('warns about a stale database and refuses one past the fail limit', async () => {
    assert.ok(typeof image !== 'string');
    const later = new Date(Date.now() + 10 * 86_400_000);
    const stale = await scanImage(image.oci, { store, now: later, warnAfterDays: 7, failAfterDays: 30 });
    assert.ok(stale.diagnostics.some((d) => d.code === 'vulndb.stale' && d.level === 'warning'));
    await assert.rejects(
      scanImage(image.oci, { store, now: new Date(Date.now() + 40 * 86_400_000), warnAfterDays: 7, failAfterDays: 30 }),
      /vulnerability database .* older|days/i,
    );
  });

  it('scans an SBOM written from the image to the same vulnerabilities', async () => {
    assert.ok(typeof image !== 'string');
    const { writeCycloneDx } = await import('#images');
    const { writeFileSync, mkdtempSync, rmSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'palisade-sbom-scan-'));
    try {
      const file = join(dir, 'image.cdx.json');
      const bom = writeCycloneDx(
        { name: 'test-image', ...(report.os ? { os: report.os } : {}), tool: { name: 'palisade', version: 'test' } },
        report.packages ?? [],
      );
      writeFileSync(file, bom.value);
      const fromSbom = await scanImage(file, { store, now: NOW });
      assert.equal(fromSbom.subject?.type, 'sbom');
      const key = (r: ScanReport) =>
        (r.vulnerabilities ?? []).map((v) => `${v.id} ${v.package.name} ${v.status}`).sort();
      assert.deepEqual(key(fromSbom), key(report));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says loudly when the database is empty instead of reporting nothing', async () => {
    assert.ok(typeof image !== 'string');
    const empty = AdvisoryStore.open({ path: ':memory:' });
    try {
      const result = await scanImage(image.oci, { store: empty, now: NOW });
      assert.ok(result.diagnostics.some((d) => d.code === 'vulndb.empty' && d.level === 'error'));
    } finally {
      empty.close();
    }
  });
});
