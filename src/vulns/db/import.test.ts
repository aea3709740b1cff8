import assert from 'node:assert/strict';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import type { Diagnostic } from '#core';
import { importAdvisories } from './import.ts';
import { AdvisoryStore } from './store.ts';
import { ZipWriter } from './zip-writer.ts';

const DATA = '/work/shared/data/osv-records';
const noData = existsSync(DATA) ? false : `real OSV records not found at ${DATA}`;
const fixtures = fileURLToPath(new URL('../../../test/fixtures/vulns/', import.meta.url));
const malformed = join(fixtures, 'db', 'malformed');

const scratch = mkdtempSync(join(tmpdir(), 'palisade-vulndb-import-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** Files under `root` the importer reads (`.json`, `.yaml`, `.yml`), in its sorted walk order. */
function recordFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    );
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        walk(path);
      } else if (/\.(json|ya?ml)$/.test(entry.name)) {
        out.push(path);
      }
    }
  };
  walk(root);
  return out;
}

/**
 * What the database should hold, counted from the files with plain JSON/YAML parsing: objects
 * with an `id` and a `modified`, minus the known-broken linter fixture, the newest (last on a tie)
 * per id; per ecosystem base name, the number of distinct advisories naming it.
 */
function expectedFromFiles(files: readonly string[]) {
  const latest = new Map<string, { modified: number; ecosystems: Set<string>; withdrawn: boolean }>();
  for (const file of files) {
    if (basename(file).startsWith('nointroduced-')) {
      continue;
    }
    const text = readFileSync(file, 'utf8');
    const value: unknown = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      continue;
    }
    const record = value as {
      id?: unknown;
      modified?: unknown;
      withdrawn?: unknown;
      affected?: { package?: { ecosystem: string } }[];
    };
    if (typeof record.id !== 'string' || typeof record.modified !== 'string') {
      continue;
    }
    const modified = Date.parse(record.modified);
    const previous = latest.get(record.id);
    if (previous && previous.modified > modified) {
      continue;
    }
    const ecosystems = new Set<string>();
    for (const entry of record.affected ?? []) {
      if (entry.package) {
        ecosystems.add(entry.package.ecosystem.split(':')[0]!);
      }
    }
    latest.set(record.id, { modified, ecosystems, withdrawn: typeof record.withdrawn === 'string' });
  }
  const perEcosystem = new Map<string, number>();
  for (const { ecosystems } of latest.values()) {
    for (const ecosystem of ecosystems) {
      perEcosystem.set(ecosystem, (perEcosystem.get(ecosystem) ?? 0) + 1);
    }
  }
  return {
    total: latest.size,
    withdrawn: [...latest.values()].filter((r) => r.withdrawn).length,
    perEcosystem: Object.fromEntries([...perEcosystem].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
  };
}

/** Files of the shared data set that are not OSV records (or are broken ones), each must get a diagnostic. */
function expectedNotOsv(files: readonly string[]): string[] {
  return files
    .map((file) => relative(DATA, file))
    .filter(
      (file) =>
        file === 'osv-schema/schema.json' ||
        file === 'osv-schema/ecosystems.json' ||
        file.startsWith('osv.dev/vulnfeeds-parts/') ||
        (file.startsWith('osv-schema/ghsa-to-osv/') && !file.endsWith('.osv.json')) ||
        basename(file).startsWith('nointroduced-'),
    )
    .sort();
}

function diagnosedFiles(diagnostics: readonly Diagnostic[], root: string): string[] {
  return [...new Set(diagnostics.map((d) => relative(root, d.location.file.replace(/^.*\.zip!/, `${root}/`))))].sort();
}

function ecosystemCounts(store: AdvisoryStore): Record<string, number> {
  return Object.fromEntries(store.status().ecosystems.map((e) => [e.ecosystem, e.advisories]));
}

function zipOf(path: string, root: string, files: readonly string[]): string {
  const zip = new ZipWriter(path);
  files.forEach((file, index) => {
    // Alternate deflated and stored entries so both of yauzl's paths run.
    zip.add(relative(root, file), readFileSync(file), index % 3 === 0 ? 'store' : 'deflate');
  });
  zip.close();
  return path;
}

describe('importAdvisories on the real OSV records', { skip: noData }, () => {
  const files = noData ? [] : recordFiles(DATA);

  it('imports a directory: counts per ecosystem match the files, the rest are diagnosed by name', async () => {
    using store = AdvisoryStore.open({ path: ':memory:' });
    const result = await importAdvisories(store, [DATA]);
    const expected = expectedFromFiles(files);
    assert.equal(store.status().advisories, expected.total);
    assert.equal(store.status().withdrawn, expected.withdrawn);
    assert.deepEqual(ecosystemCounts(store), expected.perEcosystem);
    assert.ok(expected.perEcosystem.Go! > 150 && expected.perEcosystem.PyPI! > 150, 'the bulk of the data set');
    assert.deepEqual(diagnosedFiles(result.diagnostics, DATA), expectedNotOsv(files));
    assert.ok(result.diagnostics.every((d) => d.level === 'error' && d.code === 'osv.invalid'));
    const broken = result.diagnostics.find((d) => d.location.file.includes('nointroduced-'));
    assert.equal(broken?.location.path, 'affected[0].ranges[0].events');
    assert.match(broken?.message ?? '', /^CVE-2023-41045: not a valid OSV record: .*"introduced"/);
    assert.equal(result.value.imported + result.value.skipped, files.length - expectedNotOsv(files).length);
    assert.equal(result.value.invalid, result.diagnostics.length);
    assert.equal(result.value.sources.length, 1);
    assert.equal(result.value.sources[0]?.name, 'osv-records');
    assert.match(result.value.sources[0]?.sha256 ?? '', /^[0-9a-f]{64}$/);
  });

  it('finds known records by ecosystem and package', async () => {
    using store = AdvisoryStore.open({ path: ':memory:' });
    await importAdvisories(store, [DATA]);
    const ids = (ecosystem: string, name: string) => store.lookup(ecosystem, name).map((a) => a.id);
    assert.ok(ids('PyPI', 'Django').includes('PYSEC-2011-2'));
    assert.deepEqual(ids('PyPI', 'Tensorflow_GPU'), ids('pypi'.replace('pypi', 'PyPI'), 'tensorflow-gpu'));
    assert.equal(ids('PyPI', 'tensorflow-gpu').length >= 20, true);
    assert.deepEqual(ids('Debian:9', 'openssl'), ['DLA-3008-1']);
    assert.deepEqual(ids('Debian:10', 'openssl'), []);
    assert.deepEqual(ids('Alpine:v3.20', 'musl'), ['ALPINE-CVE-2025-26519']);
    assert.deepEqual(ids('npm', 'ansi-html'), ['GHSA-whgm-jr23-g3j9']);
    assert.deepEqual(ids('Maven', 'junit:junit'), ['GHSA-269g-pwp5-87pp']);
    assert.ok(ids('Go', 'github.com/gin-gonic/gin').includes('GO-2020-0001'));
    assert.ok(ids('Red Hat:rhel_aus:8.6::appstream', 'git-lfs').includes('RHSA-2024:4546'));
    assert.ok(ids('Red Hat', 'git-lfs').includes('RHSA-2024:4546'));
    const record = store.lookup('Debian:9', 'openssl')[0]!;
    const file = JSON.parse(readFileSync(join(DATA, 'osv-scanner-offline-dbs/Debian/DLA-3008-1.json'), 'utf8'));
    assert.deepEqual(record, file, 'the record comes back as it was written');
  });

  it('handles withdrawn records: kept and flagged, out of lookups until asked', async () => {
    using store = AdvisoryStore.open({ path: ':memory:' });
    await importAdvisories(store, [DATA]);
    assert.deepEqual(
      store.lookup('RubyGems', 'activesupport').map((a) => a.id),
      [],
    );
    assert.deepEqual(
      store.lookup('RubyGems', 'activesupport', { includeWithdrawn: true }).map((a) => a.id),
      ['GHSA-35c4-f3rq-f9g3'],
    );
    // trivy-db's test record withdrawn in the year 3001: not withdrawn yet.
    assert.deepEqual(
      store.lookup('PyPI', 'scipy').map((a) => a.id),
      ['PYSEC-2019-156'],
    );
  });

  it('imports the same records from a real zip (stored and deflated entries) with the same result', async () => {
    const zip = zipOf(join(scratch, 'all.zip'), DATA, files);
    using fromDir = AdvisoryStore.open({ path: ':memory:' });
    await importAdvisories(fromDir, [DATA]);
    using fromZip = AdvisoryStore.open({ path: ':memory:' });
    const result = await importAdvisories(fromZip, [{ path: zip, name: 'all', url: 'https://example.com/all.zip' }]);
    assert.deepEqual(ecosystemCounts(fromZip), ecosystemCounts(fromDir));
    assert.equal(fromZip.status().advisories, fromDir.status().advisories);
    assert.deepEqual(diagnosedFiles(result.diagnostics, DATA), expectedNotOsv(files));
    assert.ok(result.diagnostics.every((d) => d.location.file.startsWith(`${zip}!`)));
    assert.deepEqual(fromZip.lookup('Debian:9', 'openssl'), fromDir.lookup('Debian:9', 'openssl'));
    const [source] = fromZip.status().sources;
    assert.equal(source?.name, 'all');
    assert.equal(source?.url, 'https://example.com/all.zip');
    assert.equal(source?.current, fromZip.status().advisories);
  });

  it('re-importing is idempotent', async () => {
    const path = join(scratch, 'idempotent.sqlite');
    using store = AdvisoryStore.open({ path });
    const first = await importAdvisories(store, [DATA]);
    const now = () => store.status();
    const before = { status: now(), pypi: store.lookup('PyPI', 'django') };
    const second = await importAdvisories(store, [DATA]);
    // Every valid record is read again; those with the stored `modified` replace themselves, and
    // only the older copies of ids that occur twice in the data set are skipped.
    assert.equal(second.value.imported + second.value.skipped, first.value.imported + first.value.skipped);
    assert.ok(second.value.imported >= now().advisories);
    const third = await importAdvisories(store, [DATA]);
    assert.deepEqual([third.value.imported, third.value.skipped], [second.value.imported, second.value.skipped]);
    const after = now();
    assert.equal(after.advisories, before.status.advisories);
    assert.deepEqual(after.ecosystems, before.status.ecosystems);
    assert.equal(after.sources.length, 1);
    assert.equal(after.sources[0]?.sha256, before.status.sources[0]?.sha256);
    assert.deepEqual(store.lookup('PyPI', 'django'), before.pypi);
  });
});

describe('importAdvisories on bad input', () => {
  it('gives one diagnostic per malformed record, naming file and place, and imports the rest', async () => {
    using store = AdvisoryStore.open({ path: ':memory:' });
    const result = await importAdvisories(store, [malformed]);
    const shown = result.diagnostics.map((d) => [
      basename(d.location.file),
      d.code,
      d.location.path ?? d.location.line ?? '',
      d.message,
    ]);
    assert.deepEqual(shown, [
      [
        'bad-events.json',
        'osv.invalid',
        'affected[0].ranges[0].events[0]',
        'OSV-2099-0101: not a valid OSV record: affected[0].ranges[0].events[0]: an event has more than one of introduced, fixed',
      ],
      [
        'bad-range-type.json',
        'osv.invalid',
        'affected[0].ranges[0].type',
        'OSV-2099-0104: not a valid OSV record: affected[0].ranges[0].type: Invalid option: expected one of "SEMVER"|"ECOSYSTEM"|"GIT"',
      ],
      [
        'bad-timestamp.json',
        'osv.invalid',
        'modified',
        'OSV-2099-0105: not a valid OSV record: modified: not an RFC 3339 timestamp',
      ],
      // yaml reports an unclosed quote where the scalar runs out: the end of the file.
      ['broken.yaml', 'osv.syntax', 7, shown[3]?.[3]],
      ['missing-id.json', 'osv.invalid', 'id', 'not a valid OSV record: id: required'],
      [
        'mixed-array.json',
        'osv.invalid',
        '[1].affected[0].ranges[0].events',
        'record [1] OSV-2099-0111: not a valid OSV record: affected[0].ranges[0].events: "fixed" and "last_affected" cannot be in the same range',
      ],
      [
        'mixed-array.json',
        'osv.invalid',
        '[2].affected[0].ranges[0].repo',
        'record [2] OSV-2099-0112: not a valid OSV record: affected[0].ranges[0].repo: a GIT range needs a "repo"',
      ],
      [
        'no-introduced.yaml',
        'osv.invalid',
        'affected[0].ranges[0].events',
        'OSV-2099-0102: not a valid OSV record: affected[0].ranges[0].events: a range needs an "introduced" event',
      ],
      ['truncated.json', 'osv.syntax', 6, shown[8]?.[3]],
      [
        'wrong-types.json',
        'osv.invalid',
        'aliases',
        'OSV-2099-0103: not a valid OSV record: aliases: Invalid input: expected array, received string; affected[0].versions[0]: Invalid input: expected string, received number; affected[0].versions[1]: Invalid input: expected string, received number',
      ],
    ]);
    assert.match(String(shown[3]?.[3]), /^not valid YAML: /);
    assert.match(String(shown[8]?.[3]), /^not valid JSON: /);
    assert.ok(result.diagnostics.every((d) => d.level === 'error'));
    assert.deepEqual(
      store
        .lookupIds([
          { ecosystem: 'npm', name: 'palisade-fixture-array' },
          { ecosystem: 'PyPI', name: 'palisade-fixture-yaml' },
          { ecosystem: 'Debian:12', name: 'palisade-fixture-deb' },
        ])
        .flat(),
      ['OSV-2099-0110', 'OSV-2099-0113', 'OSV-2099-0120', 'OSV-2099-0121'],
    );
    assert.deepEqual(result.value, {
      imported: 4,
      skipped: 0,
      invalid: 10,
      sources: result.value.sources,
    });
    assert.equal(result.value.sources[0]?.records, 4);
    assert.equal(result.value.sources[0]?.invalid, 10);
  });

  it('reads a single file, a JSON array file and reports a missing input', async () => {
    using store = AdvisoryStore.open({ path: ':memory:' });
    const missing = join(scratch, 'nope.zip');
    const result = await importAdvisories(store, [
      join(fixtures, 'osv/update/v1/OSV-2099-0001.json'),
      join(malformed, 'mixed-array.json'),
      missing,
    ]);
    assert.equal(result.value.imported, 3);
    assert.deepEqual(
      result.value.sources.map((s) => s.name),
      ['OSV-2099-0001.json', 'mixed-array.json'],
    );
    const last = result.diagnostics.at(-1);
    assert.deepEqual([last?.code, last?.location.file], ['input.not-found', missing]);
  });

  it('names the zip entry of a malformed record and imports the other entries', async () => {
    mkdirSync(join(scratch, 'npm'));
    const zip = join(scratch, 'npm', 'all.zip');
    const writer = new ZipWriter(zip);
    writer.add('OSV-2099-0001.json', readFileSync(join(fixtures, 'osv/update/v2/OSV-2099-0001.json')));
    writer.add('sub/', Buffer.alloc(0), 'store');
    writer.add('README.txt', 'not a record');
    writer.add('OSV-2099-0106.json', readFileSync(join(malformed, 'truncated.json')));
    writer.add('OSV-2099-0002.json', readFileSync(join(fixtures, 'osv/withdrawn/OSV-2099-0002.json')), 'store');
    writer.close();
    using store = AdvisoryStore.open({ path: ':memory:' });
    const result = await importAdvisories(store, [zip]);
    assert.deepEqual(
      result.diagnostics.map((d) => [d.code, d.location.file]),
      [['osv.syntax', `${zip}!OSV-2099-0106.json`]],
    );
    assert.equal(result.value.imported, 2);
    assert.equal(result.value.sources[0]?.name, 'npm/all.zip', 'an OSV export is named after its folder');
    assert.deepEqual(
      store.lookup('npm', '@palisade/fixture-update').map((a) => a.id),
      ['OSV-2099-0001'],
    );
  });

  it('rejects a zip entry whose content does not match its CRC-32, and reads the next one', async () => {
    const zip = join(scratch, 'corrupt.zip');
    const writer = new ZipWriter(zip);
    writer.add('a.json', readFileSync(join(fixtures, 'osv/update/v1/OSV-2099-0001.json')), 'store');
    writer.add('b.json', readFileSync(join(fixtures, 'osv/withdrawn/OSV-2099-0002.json')), 'store');
    writer.close();
    const bytes = readFileSync(zip);
    const at = 30 + 'a.json'.length + 40; // inside a.json's stored content
    bytes[at] = bytes[at]! ^ 0x20;
    writeFileSync(zip, bytes);
    using store = AdvisoryStore.open({ path: ':memory:' });
    const result = await importAdvisories(store, [zip]);
    assert.deepEqual(
      result.diagnostics.map((d) => [d.code, d.location.file, d.message]),
      [['zip.entry', `${zip}!a.json`, 'the entry does not match its size or CRC-32']],
    );
    assert.equal(result.value.imported, 1);
    assert.equal(result.value.invalid, 1);
    assert.ok(store.get('OSV-2099-0002'));
  });

  it('salvages the complete entries of a truncated zip and says where it stopped', async () => {
    const files = recordFiles(join(fixtures, 'osv'));
    const zip = zipOf(join(scratch, 'truncated.zip'), fixtures, files);
    // Cut inside the last entry: the central directory and the end record are gone.
    const full = statSync(zip).size;
    truncateSync(zip, full - (22 + 3 * 46 + 100) - 50);
    using store = AdvisoryStore.open({ path: ':memory:' });
    const result = await importAdvisories(store, [zip]);
    assert.deepEqual(
      result.diagnostics.map((d) => [d.level, d.code, d.location.file]),
      [
        ['warning', 'zip.invalid', zip],
        ['error', 'zip.truncated', zip],
      ],
    );
    assert.match(
      result.diagnostics[1]?.message ?? '',
      /the zip ends inside entry "osv\/withdrawn\/OSV-2099-0002.json"/,
    );
    assert.match(result.diagnostics[1]?.message ?? '', /after 2 entries/);
    assert.equal(result.value.imported, 2, 'both versions of OSV-2099-0001 before the cut');
    assert.deepEqual(
      store.lookup('npm', '@palisade/fixture-update').map((a) => a.modified),
      ['2024-02-20T12:30:00Z'],
    );
  });

  it('reports a zip with nothing readable', async () => {
    const zip = join(scratch, 'garbage.zip');
    const writer = new ZipWriter(zip);
    writer.close();
    truncateSync(zip, 10);
    using store = AdvisoryStore.open({ path: ':memory:' });
    const result = await importAdvisories(store, [zip]);
    assert.deepEqual(
      result.diagnostics.map((d) => d.code),
      ['zip.invalid', 'zip.truncated'],
    );
    assert.equal(result.value.imported, 0);
  });

  it('skips an older version of a record imported after a newer one', async () => {
    using store = AdvisoryStore.open({ path: ':memory:' });
    await importAdvisories(store, [join(fixtures, 'osv/update/v2')]);
    const result = await importAdvisories(store, [join(fixtures, 'osv/update/v1')]);
    assert.deepEqual([result.value.imported, result.value.skipped], [0, 1]);
    assert.deepEqual(store.lookup('npm', 'palisade-fixture-update'), []);
    assert.equal(store.get('OSV-2099-0001')?.summary, "Second version: the advisory moved to the package's new name");
  });

  it('refuses a record file over the size limit', async () => {
    using store = AdvisoryStore.open({ path: ':memory:' });
    const result = await importAdvisories(store, [join(fixtures, 'osv/update')], { maxRecordBytes: 100 });
    assert.deepEqual(
      result.diagnostics.map((d) => [d.code, relative(fixtures, d.location.file)]),
      [
        ['input.too-large', 'osv/update/v1/OSV-2099-0001.json'],
        ['input.too-large', 'osv/update/v2/OSV-2099-0001.json'],
      ],
    );
  });
});
