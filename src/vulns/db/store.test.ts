import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, describe, it } from 'node:test';
import { ConfigError, InputError } from '#core';
import { type Advisory, parseAdvisory } from './osv.ts';
import { AdvisoryCache, AdvisoryStore, defaultDatabasePath, STORE_SCHEMA_VERSION } from './store.ts';

const scratch = mkdtempSync(join(tmpdir(), 'palisade-vulndb-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function advisory(
  id: string,
  modified: string,
  packages: readonly [string, string][],
  extra: Record<string, unknown> = {},
): Advisory {
  const result = parseAdvisory({
    id,
    modified,
    ...extra,
    affected: packages.map(([ecosystem, name]) => ({
      package: { ecosystem, name },
      ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1.0' }] }],
    })),
  });
  assert.ok(result.ok, JSON.stringify(result));
  return result.advisory;
}

const ids = (list: readonly Advisory[]) => list.map((a) => a.id);
const DAY = 24 * 60 * 60 * 1000;

describe('defaultDatabasePath', () => {
  it('uses XDG_CACHE_HOME when absolute, else ~/.cache', () => {
    assert.equal(defaultDatabasePath({ XDG_CACHE_HOME: '/var/cache/me' }), '/var/cache/me/palisade/vulndb.sqlite');
    assert.match(defaultDatabasePath({ XDG_CACHE_HOME: 'relative' }), /\/\.cache\/palisade\/vulndb\.sqlite$/);
    assert.match(defaultDatabasePath({}), /\/\.cache\/palisade\/vulndb\.sqlite$/);
  });
});

describe('AdvisoryStore', () => {
  it('indexes by ecosystem base, release and normalised name', () => {
    using store = AdvisoryStore.open({ path: ':memory:' });
    store.put(
      advisory('DSA-1', '2024-01-01T00:00:00Z', [
        ['Debian:11', 'openssl'],
        ['Debian:12', 'openssl'],
      ]),
      't',
    );
    store.put(advisory('DSA-2', '2024-01-01T00:00:00Z', [['Debian:12', 'openssl']]), 't');
    store.put(advisory('DEBIAN-ANY', '2024-01-01T00:00:00Z', [['Debian', 'openssl']]), 't');
    store.put(advisory('USN-1', '2024-01-01T00:00:00Z', [['Ubuntu:22.04:LTS', 'openssl']]), 't');
    store.put(advisory('USN-2', '2024-01-01T00:00:00Z', [['Ubuntu:Pro:22.04:LTS', 'openssl']]), 't');
    store.put(advisory('PYSEC-1', '2024-01-01T00:00:00Z', [['PyPI', 'Zope.Interface']]), 't');
    store.put(advisory('GO-1', '2024-01-01T00:00:00Z', [['Go', 'github.com/BurntSushi/toml']]), 't');

    assert.deepEqual(ids(store.lookup('Debian:12', 'openssl')), ['DEBIAN-ANY', 'DSA-1', 'DSA-2']);
    assert.deepEqual(ids(store.lookup('Debian:11', 'openssl')), ['DEBIAN-ANY', 'DSA-1']);
    assert.deepEqual(ids(store.lookup('Debian', 'openssl')), ['DEBIAN-ANY', 'DSA-1', 'DSA-2']);
    assert.deepEqual(ids(store.lookup('Debian:10', 'openssl')), ['DEBIAN-ANY']);
    assert.deepEqual(ids(store.lookup('Ubuntu:22.04', 'openssl')), ['USN-1']);
    assert.deepEqual(ids(store.lookup('Ubuntu', 'openssl')), ['USN-1', 'USN-2']);
    assert.deepEqual(ids(store.lookup('PyPI', 'zope_interface')), ['PYSEC-1']);
    assert.deepEqual(ids(store.lookup('PyPI', 'ZOPE-INTERFACE')), ['PYSEC-1']);
    assert.deepEqual(ids(store.lookup('Go', 'github.com/burntsushi/toml')), []);
    assert.deepEqual(ids(store.lookup('npm', 'openssl')), []);
    assert.deepEqual(store.lookupIds([{ ecosystem: 'Debian:11', name: 'openssl' }]), [['DEBIAN-ANY', 'DSA-1']]);
  });

  it('returns the stored record whole, unknown fields included', () => {
    using store = AdvisoryStore.open({ path: ':memory:' });
    const record = advisory('GHSA-aaaa', '2024-01-01T00:00:00Z', [['npm', 'x']], {
      database_specific: { severity: 'HIGH', cwe_ids: ['CWE-79'] },
      x_extra: [1, 2],
    });
    store.put(record, 't');
    assert.deepEqual(store.lookup('npm', 'x'), [record]);
    assert.deepEqual(store.get('GHSA-aaaa'), record);
    assert.equal(store.get('GHSA-none'), undefined);
  });

  it('parses each advisory once per cache and in lookupMany keeps the keys order', () => {
    using store = AdvisoryStore.open({ path: ':memory:' });
    store.put(
      advisory('GHSA-both', '2024-01-01T00:00:00Z', [
        ['npm', 'a'],
        ['npm', 'b'],
      ]),
      't',
    );
    const cache = new AdvisoryCache();
    const [a, b, none] = store.lookupMany(
      [
        { ecosystem: 'npm', name: 'a' },
        { ecosystem: 'npm', name: 'b' },
        { ecosystem: 'npm', name: 'c' },
      ],
      { cache },
    );
    assert.equal(a?.[0], b?.[0], 'the same parsed object for both keys');
    assert.deepEqual(none, []);
    assert.equal(cache.size, 1);
    assert.equal(store.lookup('npm', 'a', { cache })[0], a?.[0]);
  });

  it('replaces a record only with one as new or newer, and re-indexes it', () => {
    using store = AdvisoryStore.open({ path: ':memory:' });
    assert.equal(store.put(advisory('OSV-1', '2024-02-01T00:00:00Z', [['npm', 'old-name']]), 's1'), 'imported');
    assert.equal(store.put(advisory('OSV-1', '2024-01-01T00:00:00Z', [['npm', 'older']]), 's1'), 'older');
    assert.deepEqual(ids(store.lookup('npm', 'old-name')), ['OSV-1']);
    assert.deepEqual(ids(store.lookup('npm', 'older')), []);
    assert.equal(store.put(advisory('OSV-1', '2024-02-01T00:00:00.000Z', [['npm', 'same-time']]), 's2'), 'imported');
    assert.deepEqual(ids(store.lookup('npm', 'old-name')), []);
    assert.deepEqual(ids(store.lookup('npm', 'same-time')), ['OSV-1']);
    assert.equal(store.status().advisories, 1);
  });

  it('keeps withdrawn records flagged and leaves them out of lookups once withdrawn', () => {
    using store = AdvisoryStore.open({ path: ':memory:' });
    store.put(advisory('OSV-W', '2024-03-01T00:00:00Z', [['npm', 'w']], { withdrawn: '2024-03-01T00:00:00Z' }), 't');
    store.put(advisory('OSV-F', '2024-03-01T00:00:00Z', [['npm', 'w']], { withdrawn: '3001-01-01T00:00:00Z' }), 't');
    assert.deepEqual(ids(store.lookup('npm', 'w')), ['OSV-F']);
    assert.deepEqual(ids(store.lookup('npm', 'w', { includeWithdrawn: true })), ['OSV-F', 'OSV-W']);
    assert.deepEqual(ids(store.lookup('npm', 'w', { now: new Date('2024-02-01T00:00:00Z') })), ['OSV-F', 'OSV-W']);
    assert.equal(store.status().withdrawn, 2);
    assert.equal(store.get('OSV-W')?.withdrawn, '2024-03-01T00:00:00Z');
  });

  it('reports sources, counts per ecosystem and per source', () => {
    using store = AdvisoryStore.open({ path: ':memory:' });
    store.put(
      advisory('DSA-1', '2024-01-01T00:00:00Z', [
        ['Debian:11', 'openssl'],
        ['Debian:12', 'openssl'],
        ['Debian:12', 'libssl'],
      ]),
      'debian',
    );
    store.put(advisory('GHSA-1', '2024-01-01T00:00:00Z', [['npm', 'a']]), 'npm');
    store.put(advisory('GHSA-2', '2024-01-01T00:00:00Z', [['npm', 'a']]), 'npm');
    const importedAt = new Date('2024-05-01T00:00:00Z');
    store.recordSource({ name: 'debian', path: '/x/all.zip', importedAt, records: 1, invalid: 0, sha256: 'aa' });
    store.recordSource({
      name: 'npm',
      url: 'https://example.com/npm/all.zip',
      importedAt,
      records: 3,
      invalid: 1,
      sha256: 'bb',
    });
    const status = store.status(new Date(importedAt.getTime() + 2 * DAY));
    assert.equal(status.advisories, 3);
    assert.equal(status.schemaVersion, STORE_SCHEMA_VERSION);
    assert.deepEqual(status.ecosystems, [
      { ecosystem: 'Debian', advisories: 1, packages: 2 },
      { ecosystem: 'npm', advisories: 2, packages: 1 },
    ]);
    assert.deepEqual(
      status.sources.map((s) => [s.name, s.records, s.invalid, s.current, s.ageMs, s.path, s.url]),
      [
        ['debian', 1, 0, 1, 2 * DAY, '/x/all.zip', undefined],
        ['npm', 3, 1, 2, 2 * DAY, undefined, 'https://example.com/npm/all.zip'],
      ],
    );
    assert.deepEqual(status.lastImport, importedAt);
  });

  it('checks the age of the stalest source against the warn and fail limits', () => {
    using store = AdvisoryStore.open({ path: ':memory:' });
    const now = new Date('2024-05-10T00:00:00Z');
    assert.equal(store.checkAge({ warnDays: 1, failDays: 7, now }).level, 'fail');
    assert.match(store.checkAge({ warnDays: 1, failDays: 7, now }).message, /empty/);
    store.recordSource({
      name: 'fresh',
      importedAt: new Date(now.getTime() - DAY / 2),
      records: 1,
      invalid: 0,
      sha256: '',
    });
    assert.equal(store.checkAge({ warnDays: 1, failDays: 7, now }).level, 'ok');
    store.recordSource({
      name: 'stale',
      importedAt: new Date(now.getTime() - 3 * DAY),
      records: 1,
      invalid: 0,
      sha256: '',
    });
    const warn = store.checkAge({ warnDays: 1, failDays: 7, now });
    assert.equal(warn.level, 'warn');
    assert.equal(warn.ageDays, 3);
    assert.match(warn.message, /"stale" was imported 3\.0 days ago/);
    const fail = store.checkAge({ warnDays: 1, failDays: 2, now });
    assert.equal(fail.level, 'fail');
    assert.match(fail.message, /more than the limit of 2 days/);
    assert.equal(store.checkAge({ warnDays: 3, failDays: 7, now }).level, 'ok', 'exactly at the limit is fine');
    assert.throws(() => store.checkAge({ warnDays: -1, failDays: 7, now }), ConfigError);
    assert.throws(() => store.checkAge({ warnDays: 1, failDays: Number.NaN, now }), ConfigError);
  });

  it('persists in one file across opens', () => {
    const path = join(scratch, 'persist', 'vulndb.sqlite');
    {
      using store = AdvisoryStore.open({ path });
      store.put(advisory('OSV-P', '2024-01-01T00:00:00Z', [['npm', 'p']]), 't');
    }
    using again = AdvisoryStore.open({ path });
    assert.deepEqual(ids(again.lookup('npm', 'p')), ['OSV-P']);
  });

  it('rejects a file that is not a database, and one of a newer schema', () => {
    const junk = join(scratch, 'junk.sqlite');
    writeFileSync(junk, 'this is not sqlite, just text long enough to have a header and more '.repeat(20));
    assert.throws(
      () => AdvisoryStore.open({ path: junk }),
      (error: unknown) => error instanceof InputError && error.message.startsWith(`${junk}: not a usable`),
    );
    const newer = join(scratch, 'newer.sqlite');
    AdvisoryStore.open({ path: newer }).close();
    const raw = new DatabaseSync(newer);
    raw.prepare("UPDATE meta SET value = ? WHERE key = 'schema'").run(String(STORE_SCHEMA_VERSION + 1));
    raw.close();
    assert.throws(() => AdvisoryStore.open({ path: newer }), /newer than this Palisade's/);
  });

  it('rebuilds a file of an older schema empty', () => {
    const older = join(scratch, 'older.sqlite');
    {
      using store = AdvisoryStore.open({ path: older });
      store.put(advisory('OSV-O', '2024-01-01T00:00:00Z', [['npm', 'o']]), 't');
    }
    const raw = new DatabaseSync(older);
    raw.prepare("UPDATE meta SET value = '0' WHERE key = 'schema'").run();
    raw.close();
    using store = AdvisoryStore.open({ path: older });
    assert.equal(store.status().advisories, 0);
  });
});
