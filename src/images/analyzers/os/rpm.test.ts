import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Collected, OsRelease, Package } from '#core';
import type { AnalyzeContext, FileInput } from '../../analyzer.ts';
import { sourceRpmName } from './rpm/header.ts';
import { buildHeaderBlob, type HeaderFields, writeBdbHash, writeNdb } from './rpm/write.ts';
import { rpmAnalyzer } from './rpm.ts';

const DATA = fileURLToPath(new URL('../../../../../shared/data/rpmdb/', import.meta.url));
const hasData = existsSync(DATA);
const noData = hasData ? false : `real rpm databases absent (${DATA})`;

const scratch = mkdtempSync(join(tmpdir(), 'palisade-rpm-test-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function input(path: string, buf: Buffer): FileInput {
  return { path, size: buf.length, read: async () => buf };
}
function analyze(path: string, buf: Buffer, ctx: AnalyzeContext = {}): Promise<Collected<Package[]>> {
  return rpmAnalyzer.analyze(input(path, buf), ctx);
}
const real = (name: string) => readFileSync(join(DATA, name));
const byName = (packages: readonly Package[], name: string) => packages.find((p) => p.name === name);

const bash: HeaderFields = {
  name: 'bash',
  version: '5.1.8',
  release: '9.el9',
  arch: 'x86_64',
  sourceRpm: 'bash-5.1.8-9.el9.src.rpm',
  license: 'GPLv3+',
  vendor: 'Red Hat, Inc.',
};
const shadow: HeaderFields = {
  name: 'shadow-utils',
  version: '4.9',
  release: '8.el9',
  epoch: 2,
  arch: 'x86_64',
  sourceRpm: 'shadow-utils-4.9-8.el9.src.rpm',
  license: 'BSD and GPLv2+',
  vendor: 'Red Hat, Inc.',
};
const gpgKey: HeaderFields = { name: 'gpg-pubkey', version: 'fd431d51', release: '4ae0493b' };
const rhel9: OsRelease = { family: 'rhel', release: '9', ecosystem: 'Red Hat', source: 'etc/os-release' };

/** A corrupt blob: a header whose data size claims more than the blob holds. */
function corruptBlob(): Buffer {
  const blob = buildHeaderBlob(bash);
  blob.writeUInt32BE(blob.length * 4, 4);
  return blob;
}

/** An rpmdb.sqlite with the schema rpm creates, holding the blobs; optionally left in WAL. */
function writeSqlite(name: string, blobs: readonly Buffer[]): Buffer {
  const file = join(scratch, `${name}.sqlite`);
  const db = new DatabaseSync(file);
  db.exec("CREATE TABLE IF NOT EXISTS 'Packages' (hnum INTEGER PRIMARY KEY AUTOINCREMENT,blob BLOB NOT NULL)");
  const insert = db.prepare('INSERT INTO Packages (blob) VALUES (?)');
  for (const blob of blobs) {
    insert.run(blob);
  }
  db.close();
  return readFileSync(file);
}

describe('os/rpm matches', () => {
  for (const dir of ['var/lib/rpm/', 'usr/lib/sysimage/rpm/']) {
    for (const file of ['Packages', 'Packages.db', 'rpmdb.sqlite']) {
      it(`matches ${dir}${file}`, () => assert.equal(rpmAnalyzer.matches(dir + file), true));
    }
  }
  for (const path of [
    'var/lib/rpm/Name',
    'var/lib/rpm/Index.db',
    'var/lib/rpm/rpmdb.sqlite-wal',
    'var/lib/rpm/rpmdb.sqlite-shm',
    'var/lib/rpm/__db.001',
    'root/var/lib/rpm/Packages',
    '/var/lib/rpm/Packages',
  ]) {
    it(`does not match ${path}`, () => assert.equal(rpmAnalyzer.matches(path), false));
  }
});

describe('os/rpm on real databases', () => {
  it('SQLite (CBL-Mariner 2.0): 129 packages', { skip: noData }, async () => {
    const os: OsRelease = { family: 'mariner', release: '2.0', ecosystem: 'Azure Linux', source: 'etc/os-release' };
    const result = await analyze('var/lib/rpm/rpmdb.sqlite', real('azurelinux-cbl-mariner-2.0.rpmdb.sqlite'), { os });
    assert.deepEqual(result.diagnostics, []);
    assert.equal(result.value.length, 129);
    // Values checked with `rpm --dbpath ... -qa --qf '%{NAME} %{EPOCH} %{VERSION} %{RELEASE} %{ARCH} %{SOURCERPM}'`.
    assert.deepEqual(byName(result.value, 'ca-certificates-base'), {
      name: 'ca-certificates-base',
      version: '1:2.0.0-1.cm2',
      ecosystem: 'Azure Linux',
      purl: 'pkg:rpm/mariner/ca-certificates-base@2.0.0-1.cm2?arch=noarch&distro=mariner-2.0&epoch=1',
      kind: 'os',
      analyzer: 'os/rpm',
      location: { path: 'var/lib/rpm/rpmdb.sqlite' },
      sourceName: 'ca-certificates',
      arch: 'noarch',
      licenses: ['MPLv2.0'],
    });
    const openssl = byName(result.value, 'openssl-libs');
    assert.deepEqual(
      [openssl?.version, openssl?.arch, openssl?.sourceName, openssl?.licenses],
      ['1.1.1k-7.cm2', 'x86_64', 'openssl', ['OpenSSL']],
    );
    assert.equal(byName(result.value, 'glibc')?.version, '2.34-2.cm2');
    assert.equal(result.value[0]?.name, 'mariner-release');
  });

  it('Berkeley DB (CentOS libuuid): 1 package', { skip: noData }, async () => {
    const result = await analyze('var/lib/rpm/Packages', real('centos-libuuid.Packages.bdb'));
    assert.deepEqual(result.diagnostics, []);
    assert.deepEqual(
      result.value.map((p) => [p.name, p.version, p.arch, p.sourceName, p.licenses, p.ecosystem, p.purl]),
      [
        [
          'libuuid',
          '2.32.1-42.el8_8',
          'x86_64',
          'util-linux',
          ['BSD'],
          'Red Hat',
          'pkg:rpm/redhat/libuuid@2.32.1-42.el8_8?arch=x86_64',
        ],
      ],
    );
  });

  it('Berkeley DB with an epoch: hello 1:0.0.1-rls', { skip: noData }, async () => {
    const result = await analyze('var/lib/rpm/Packages', real('epoch.Packages.bdb'), { os: rhel9 });
    assert.deepEqual(result.diagnostics, []);
    assert.deepEqual(
      result.value.map((p) => [p.name, p.version, p.arch, p.sourceName, p.purl]),
      [['hello', '1:0.0.1-rls', 'x86_64', 'hello', 'pkg:rpm/redhat/hello@0.0.1-rls?arch=x86_64&distro=rhel-9&epoch=1']],
    );
  });

  it('NDB (SLE 15 BCI): 35 packages, one per SOURCERPM string in the file', { skip: noData }, async () => {
    const buf = real('sle15-bci.Packages.ndb');
    const os: OsRelease = {
      family: 'sles',
      release: '15.3',
      ecosystem: 'SUSE',
      prettyName: 'SUSE Linux Enterprise Server 15 SP3',
      source: 'etc/os-release',
    };
    const result = await analyze('usr/lib/sysimage/rpm/Packages.db', buf, { os });
    assert.deepEqual(result.diagnostics, []);
    assert.equal(result.value.length, 35);
    // Independent count: every header carries one "<name>-<version>-<release>.src.rpm" string.
    const sourceStrings = buf.toString('latin1').match(/[A-Za-z0-9_.+-]+\.src\.rpm\0/g) ?? [];
    assert.equal(sourceStrings.length, 35);
    assert.deepEqual(
      result.value.map((p) => p.sourceName).sort(),
      sourceStrings.map((s) => sourceRpmName(s.slice(0, -1))).sort(),
    );
    assert.deepEqual(
      [byName(result.value, 'bash'), byName(result.value, 'libreadline7')].map((p) => [
        p?.version,
        p?.arch,
        p?.sourceName,
        p?.purl,
      ]),
      [
        ['4.4-19.6.1', 'x86_64', 'bash', 'pkg:rpm/suse/bash@4.4-19.6.1?arch=x86_64&distro=sles-15.3'],
        ['7.0-19.6.1', 'x86_64', 'bash', 'pkg:rpm/suse/libreadline7@7.0-19.6.1?arch=x86_64&distro=sles-15.3'],
      ],
    );
    assert.equal(byName(result.value, 'libstdc++6')?.sourceName, 'gcc11');
    assert.equal(byName(result.value, 'libstdc++6')?.version, '11.2.1+git610-1.3.9');
  });

  const rpm = spawnSync('rpm', ['--version'], { encoding: 'utf8' });
  const rpmAbsent = rpm.error || rpm.status !== 0 ? 'the rpm binary is absent (independent oracle)' : false;
  for (const [file, dbName, backend] of [
    ['azurelinux-cbl-mariner-2.0.rpmdb.sqlite', 'rpmdb.sqlite', 'sqlite'],
    ['centos-libuuid.Packages.bdb', 'Packages', 'bdb_ro'],
    ['epoch.Packages.bdb', 'Packages', 'bdb_ro'],
  ] as const) {
    it(`equals rpm -qa on ${file}`, { skip: noData || rpmAbsent }, async () => {
      const dir = join(scratch, `oracle-${file}`);
      mkdirSync(dir, { recursive: true });
      copyFileSync(join(DATA, file), join(dir, dbName));
      const query = '%{NAME}\t%{EPOCH}:%{VERSION}-%{RELEASE}\t%{ARCH}\t%{SOURCERPM}\n';
      // Package.version omits an absent or zero epoch; sourceName is the name part of SOURCERPM.
      const run = spawnSync('rpm', ['--dbpath', dir, '--define', `_db_backend ${backend}`, '-qa', '--qf', query], {
        encoding: 'utf8',
      });
      const expected = run.stdout
        .split('\n')
        .filter((line) => line !== '' && !line.startsWith('gpg-pubkey\t'))
        .map((line) => {
          const [name, evr, arch, sourceRpm] = line.replace('\t(none):', '\t').replace(/\t0:/, '\t').split('\t');
          return [name, evr, arch, sourceRpmName(sourceRpm ?? '')].join('\t');
        })
        .sort();
      const result = await analyze('var/lib/rpm/' + dbName, real(file));
      const actual = result.value.map((p) => [p.name, p.version, p.arch, p.sourceName].join('\t')).sort();
      assert.ok(expected.length > 0, run.stderr);
      assert.deepEqual(actual, expected);
    });
  }

  it('truncated real databases give a diagnostic naming the file, and keep what precedes the cut', {
    skip: noData,
  }, async () => {
    const ndb = real('sle15-bci.Packages.ndb');
    const ndbCut = await analyze('usr/lib/sysimage/rpm/Packages.db', ndb.subarray(0, 500_000));
    assert.ok(ndbCut.value.length >= 10 && ndbCut.value.length < 35, `kept ${ndbCut.value.length}`);
    assert.ok(ndbCut.diagnostics.length > 0);
    assert.ok(ndbCut.diagnostics.every((d) => d.location.file === 'usr/lib/sysimage/rpm/Packages.db'));
    assert.match(ndbCut.diagnostics[0]?.message ?? '', /beyond the end of the file/);

    const bdbCut = await analyze('var/lib/rpm/Packages', real('centos-libuuid.Packages.bdb').subarray(0, 40_000));
    assert.deepEqual(bdbCut.value, []);
    assert.ok(
      bdbCut.diagnostics.some((d) => /truncated/.test(d.message) && d.location.file === 'var/lib/rpm/Packages'),
    );

    const sqlite = real('azurelinux-cbl-mariner-2.0.rpmdb.sqlite');
    const sqliteCut = await analyze('var/lib/rpm/rpmdb.sqlite', sqlite.subarray(0, Math.floor(sqlite.length / 2)));
    assert.ok(sqliteCut.diagnostics.length > 0, 'a diagnostic for the truncated SQLite file');
    assert.ok(sqliteCut.diagnostics.every((d) => d.location.file === 'var/lib/rpm/rpmdb.sqlite'));
    assert.match(sqliteCut.diagnostics[0]?.message ?? '', /SQLite/);
  });
});

describe('os/rpm on databases written from the format descriptions', () => {
  it('SQLite: keeps valid rows, reports a corrupt blob by hnum, skips gpg-pubkey', async () => {
    const db = writeSqlite('mixed', [
      buildHeaderBlob(bash),
      corruptBlob(),
      buildHeaderBlob(gpgKey),
      buildHeaderBlob(shadow),
    ]);
    const result = await analyze('usr/lib/sysimage/rpm/rpmdb.sqlite', db, { os: rhel9 });
    assert.deepEqual(
      result.value.map((p) => [p.name, p.version, p.sourceName, p.purl]),
      [
        ['bash', '5.1.8-9.el9', 'bash', 'pkg:rpm/redhat/bash@5.1.8-9.el9?arch=x86_64&distro=rhel-9'],
        [
          'shadow-utils',
          '2:4.9-8.el9',
          'shadow-utils',
          'pkg:rpm/redhat/shadow-utils@4.9-8.el9?arch=x86_64&distro=rhel-9&epoch=2',
        ],
      ],
    );
    assert.deepEqual(
      result.diagnostics.map((d) => [d.code, d.location.file, d.location.path]),
      [['rpm.header', 'usr/lib/sysimage/rpm/rpmdb.sqlite', 'Packages hnum 2']],
    );
  });

  it('SQLite: reads committed rows still in the -wal file beside the database', async () => {
    const file = join(scratch, 'wal.sqlite');
    const db = new DatabaseSync(file);
    db.exec('PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0;');
    db.exec("CREATE TABLE 'Packages' (hnum INTEGER PRIMARY KEY AUTOINCREMENT,blob BLOB NOT NULL)");
    db.prepare('INSERT INTO Packages (blob) VALUES (?)').run(buildHeaderBlob(bash));
    const main = readFileSync(file);
    const wal = readFileSync(`${file}-wal`);
    db.close();
    const path = 'var/lib/rpm/rpmdb.sqlite';
    const withWal = await analyze(path, main, {
      readFile: async (p) => (p === `${path}-wal` ? wal : undefined),
    });
    assert.deepEqual(withWal.diagnostics, []);
    assert.deepEqual(
      withWal.value.map((p) => p.name),
      ['bash'],
    );
  });

  it('SQLite: a file that is only the header is reported, not thrown', async () => {
    const db = writeSqlite('cut', [buildHeaderBlob(bash)]);
    const result = await analyze('var/lib/rpm/rpmdb.sqlite', db.subarray(0, 100));
    assert.deepEqual(result.value, []);
    assert.equal(result.diagnostics.length, 1);
    assert.equal(result.diagnostics[0]?.code, 'rpm.database');
    assert.match(
      result.diagnostics[0]?.message ?? '',
      /^sqlite rpm database var\/lib\/rpm\/rpmdb.sqlite, Packages: SQLite: /,
    );
  });

  it('NDB: reads every slot, reports a corrupt blob and a truncated file, keeping the rest', async () => {
    const db = writeNdb([buildHeaderBlob(bash), corruptBlob(), buildHeaderBlob(shadow)]);
    const result = await analyze('var/lib/rpm/Packages.db', db, { os: rhel9 });
    assert.deepEqual(
      result.value.map((p) => p.name),
      ['bash', 'shadow-utils'],
    );
    assert.deepEqual(
      result.diagnostics.map((d) => [d.code, d.location.path]),
      [
        [
          'rpm.header',
          `slot 1 (package 2, offset ${4096 + Math.ceil((16 + buildHeaderBlob(bash).length + 12) / 16) * 16})`,
        ],
      ],
    );
    const cut = await analyze('var/lib/rpm/Packages.db', db.subarray(0, db.length - 20));
    assert.deepEqual(
      cut.value.map((p) => p.name),
      ['bash'],
    );
    assert.deepEqual(
      cut.diagnostics.map((d) => d.code),
      ['rpm.database', 'rpm.header'],
    );
    assert.match(cut.diagnostics[0]?.message ?? '', /slot 2 .*beyond the end of the file/);
    const header = await analyze('var/lib/rpm/Packages.db', db.subarray(0, 1000));
    assert.deepEqual(header.value, []);
    assert.match(header.diagnostics[0]?.message ?? '', /truncated: 1 slot pages need 4096 bytes/);
  });

  it('NDB: a slot with a bad magic or a blob with a bad tail is reported', async () => {
    const db = writeNdb([buildHeaderBlob(bash), buildHeaderBlob(shadow)]);
    const badSlot = Buffer.from(db);
    badSlot.write('XXXX', 32, 'latin1');
    const slotResult = await analyze('var/lib/rpm/Packages.db', badSlot);
    assert.deepEqual(
      slotResult.value.map((p) => p.name),
      ['shadow-utils'],
    );
    assert.deepEqual(
      slotResult.diagnostics.map((d) => [d.location.path, d.message.replace(/^.*: /, '')]),
      [['slot 0', 'bad slot magic']],
    );
    const badTail = Buffer.from(db);
    const secondEnd = db.length;
    badTail.write('XXXX', secondEnd - 4, 'latin1');
    const tailResult = await analyze('var/lib/rpm/Packages.db', badTail);
    assert.deepEqual(
      tailResult.value.map((p) => p.name),
      ['bash'],
    );
    assert.match(tailResult.diagnostics[0]?.message ?? '', /bad blob tail/);
  });

  it('Berkeley DB: inline and overflow values; a truncated overflow chain is reported', async () => {
    const small = buildHeaderBlob({ name: 'tiny', version: '1', release: '1' });
    const db = writeBdbHash([buildHeaderBlob(bash), small, buildHeaderBlob(shadow)], 512, 100);
    const result = await analyze('var/lib/rpm/Packages', db, { os: rhel9 });
    assert.deepEqual(result.diagnostics, []);
    assert.deepEqual(
      result.value.map((p) => [p.name, p.version]),
      [
        ['bash', '5.1.8-9.el9'],
        ['tiny', '1-1'],
        ['shadow-utils', '2:4.9-8.el9'],
      ],
    );
    const cut = await analyze('var/lib/rpm/Packages', db.subarray(0, db.length - 512));
    assert.deepEqual(
      cut.value.map((p) => p.name),
      ['bash', 'tiny'],
    );
    assert.deepEqual(
      cut.diagnostics.map((d) => d.location.path),
      ['page 3', 'page 1 item 3'],
    );
    assert.match(cut.diagnostics[1]?.message ?? '', /overflow page 3 is beyond the end of the file/);
  });

  it('Berkeley DB: an overflow chain that loops, a wrong page type and a corrupt blob are reported', async () => {
    const db = writeBdbHash([buildHeaderBlob(bash), corruptBlob()], 512, 100);
    // A value over two overflow pages (2 → 3); make page 2 link to itself.
    const big = writeBdbHash([buildHeaderBlob({ ...bash, license: 'GPLv3+ '.repeat(100) })], 512, 100);
    assert.equal(big.readUInt32LE(2 * 512 + 16), 3);
    const loop = Buffer.from(big);
    loop.writeUInt32LE(2, 2 * 512 + 16);
    const loopResult = await analyze('var/lib/rpm/Packages', loop);
    assert.deepEqual(loopResult.value, []);
    assert.match(loopResult.diagnostics[0]?.message ?? '', /page 1 item 1: overflow chain loops at page 2/);
    assert.deepEqual(
      (await analyze('var/lib/rpm/Packages', big)).value.map((p) => p.licenses?.[0]?.length),
      [700],
    );
    const result = await analyze('var/lib/rpm/Packages', db);
    assert.deepEqual(
      result.value.map((p) => p.name),
      ['bash'],
    );
    assert.deepEqual(
      result.diagnostics.map((d) => [d.code, d.location.path]),
      [['rpm.header', 'page 1 item 2']],
    );
    const wrongType = Buffer.from(db);
    wrongType[2 * 512 + 25] = 13;
    const typeResult = await analyze('var/lib/rpm/Packages', wrongType);
    assert.ok(typeResult.diagnostics.some((d) => /page 2 in an overflow chain has type 13/.test(d.message)));
  });

  it('Berkeley DB: bad page size and checksummed databases are reported', async () => {
    const db = writeBdbHash([buildHeaderBlob(bash)]);
    const badSize = Buffer.from(db);
    badSize.writeUInt32LE(1000, 20);
    assert.match(
      (await analyze('var/lib/rpm/Packages', badSize)).diagnostics[0]?.message ?? '',
      /invalid page size 1000/,
    );
    const checksummed = Buffer.from(db);
    checksummed[26] = 1;
    assert.match(
      (await analyze('var/lib/rpm/Packages', checksummed)).diagnostics[0]?.message ?? '',
      /checksummed Berkeley DB pages are not supported/,
    );
  });

  it('never throws on any truncation of a database in each format', async () => {
    const blobs = [buildHeaderBlob(bash), buildHeaderBlob(shadow)];
    const formats: readonly (readonly [string, Buffer, number])[] = [
      ['var/lib/rpm/Packages', writeBdbHash(blobs, 512, 100), 1],
      ['var/lib/rpm/Packages.db', writeNdb(blobs), 1],
      ['var/lib/rpm/rpmdb.sqlite', writeSqlite('sweep', blobs), 97],
    ];
    for (const [path, db, step] of formats) {
      for (let length = 0; length < db.length; length += step) {
        const result = await analyze(path, db.subarray(0, length));
        assert.ok(result.diagnostics.length > 0 || result.value.length === 2, `${path} cut at ${length}`);
        assert.ok(result.diagnostics.every((d) => d.location.file === path));
      }
    }
  });

  it('reports a file in no known format', async () => {
    const result = await analyze('var/lib/rpm/Packages', Buffer.from('not a database at all'));
    assert.deepEqual(result.value, []);
    assert.deepEqual(
      result.diagnostics.map((d) => [d.level, d.code, d.location.file]),
      [['error', 'rpm.unknown-format', 'var/lib/rpm/Packages']],
    );
  });

  it('takes the purl namespace and ecosystem from the OS, else from the vendor', async () => {
    const blob = (vendor: string, release = '1.el9') =>
      writeNdb([buildHeaderBlob({ name: 'zlib', version: '1.2.11', release, arch: 'x86_64', vendor })]);
    const cases: readonly (readonly [OsRelease | undefined, string, string, string])[] = [
      [
        { family: 'rocky', release: '9', ecosystem: 'Rocky Linux', source: 'etc/os-release' },
        'Rocky Enterprise Software Foundation',
        'Rocky Linux',
        'pkg:rpm/rocky/zlib@1.2.11-1.el9?arch=x86_64&distro=rocky-9',
      ],
      [
        { family: 'alma', release: '9', ecosystem: 'AlmaLinux', source: 'etc/os-release' },
        'AlmaLinux',
        'AlmaLinux',
        'pkg:rpm/almalinux/zlib@1.2.11-1.el9?arch=x86_64&distro=almalinux-9',
      ],
      [
        { family: 'amzn', release: '2023', ecosystem: 'Amazon Linux', source: 'etc/os-release' },
        'Amazon Linux',
        'Amazon Linux',
        'pkg:rpm/amazon/zlib@1.2.11-1.el9?arch=x86_64&distro=amzn-2023',
      ],
      [undefined, 'SUSE LLC <https://www.suse.com/>', 'SUSE', 'pkg:rpm/suse/zlib@1.2.11-1.el9?arch=x86_64'],
      [undefined, 'Fedora Project', 'Fedora', 'pkg:rpm/fedora/zlib@1.2.11-1.el9?arch=x86_64'],
      [undefined, 'Unknown Corp', 'Red Hat', 'pkg:rpm/redhat/zlib@1.2.11-1.el9?arch=x86_64'],
    ];
    for (const [os, vendor, ecosystem, purl] of cases) {
      const result = await analyze('var/lib/rpm/Packages.db', blob(vendor), os ? { os } : {});
      assert.deepEqual([result.value[0]?.ecosystem, result.value[0]?.purl], [ecosystem, purl], vendor);
    }
    const azl = await analyze('var/lib/rpm/Packages.db', blob('Microsoft Corporation', '1.azl3'));
    assert.equal(azl.value[0]?.purl, 'pkg:rpm/azurelinux/zlib@1.2.11-1.azl3?arch=x86_64');
    assert.equal(azl.value[0]?.ecosystem, 'Azure Linux');
  });
});
