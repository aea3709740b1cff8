/**
 * The local advisory database: one SQLite file (node:sqlite) holding OSV records and an index
 * from (ecosystem, package name) to the records that name it.
 *
 * Tables:
 * - `advisories`: one row per OSV id: `modified`, `withdrawn` (kept, flagged), the source it came
 *   from and the validated record as JSON text. Its rowid is the key the index uses.
 * - `affected`: (ecosystem base, normalised name, release, advisory rowid), one row per distinct
 *   package an advisory names. `Debian:12` is stored as `Debian` + `12`, `npm` as `npm` + ``;
 *   PyPI names are normalised per PEP 503. Clustered on (ecosystem, name), so a lookup is one
 *   index range scan.
 * - `sources`: what was imported (name, path, URL, time, record count, sha256 of the input).
 * - `meta`: the schema version of this file.
 *
 * A record replaces the stored one with the same id only when its `modified` is newer or equal,
 * so importing the same data twice, or an older export after a newer one, changes nothing.
 */
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { ConfigError, InputError } from '#core';
import { type Advisory, normalizePackageName, splitEcosystem } from './osv.ts';

/** Version of the tables below; a file of an older version is rebuilt empty (it is a cache). */
export const STORE_SCHEMA_VERSION = 1;

/** Where the database lives unless told otherwise: `$XDG_CACHE_HOME/palisade/vulndb.sqlite`, else `~/.cache/...`. */
export function defaultDatabasePath(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CACHE_HOME;
  const cache = xdg && isAbsolute(xdg) ? xdg : join(homedir(), '.cache');
  return join(cache, 'palisade', 'vulndb.sqlite');
}

export interface OpenStoreOptions {
  /** Defaults to defaultDatabasePath(); ':memory:' for a throw-away database. */
  readonly path?: string;
  /**
   * Journal mode kept on the file. WAL (the default) lets scans read while an import writes;
   * OFF is a little faster for a one-shot bulk build but a crash mid-import corrupts the file.
   */
  readonly journalMode?: 'WAL' | 'OFF' | 'DELETE';
}

export interface LookupKey {
  /** OSV ecosystem, with or without release: `npm`, `PyPI`, `Debian:12`, `Alpine:v3.20`. */
  readonly ecosystem: string;
  readonly name: string;
}

/** Parsed advisories by internal key, shared by the lookups of one scan. */
export class AdvisoryCache {
  readonly #parsed = new Map<number, Advisory>();
  get size(): number {
    return this.#parsed.size;
  }
  /** @internal */
  get(rid: number): Advisory | undefined {
    return this.#parsed.get(rid);
  }
  /** @internal */
  set(rid: number, advisory: Advisory): void {
    this.#parsed.set(rid, advisory);
  }
}

export interface LookupOptions {
  /** Reuse advisories parsed by earlier lookups of the same scan. A fresh one per call otherwise. */
  readonly cache?: AdvisoryCache;
  /** Also return advisories withdrawn at or before `now` (default false). */
  readonly includeWithdrawn?: boolean;
  /** Time withdrawals are judged against (default: the current time). */
  readonly now?: Date;
}

export interface SourceInfo {
  /** Unique name of the source; importing the same name again replaces its row. */
  readonly name: string;
  readonly path?: string;
  readonly url?: string;
  readonly importedAt: Date;
  /** Valid records read from the input (stored or skipped as older). */
  readonly records: number;
  /** Records that failed validation. */
  readonly invalid: number;
  /** sha256 of the input (of the file, or of the sorted file list and contents for a directory). */
  readonly sha256: string;
}

export interface SourceStatus extends SourceInfo {
  /** Records in the database whose latest version came from this source. */
  readonly current: number;
  readonly ageMs: number;
}

export interface EcosystemStatus {
  /** Base ecosystem name, without release: `Debian`, `npm`. */
  readonly ecosystem: string;
  readonly advisories: number;
  readonly packages: number;
}

export interface StoreStatus {
  readonly path: string;
  readonly schemaVersion: number;
  readonly advisories: number;
  readonly withdrawn: number;
  readonly sources: readonly SourceStatus[];
  readonly ecosystems: readonly EcosystemStatus[];
  /** Most recent import of any source. */
  readonly lastImport?: Date;
}

export interface AgeCheck {
  readonly level: 'ok' | 'warn' | 'fail';
  readonly message: string;
  /** Age in days of the stalest source, when there is one. */
  readonly ageDays?: number;
}

export type PutOutcome = 'imported' | 'older';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Records written per transaction during an import. */
const BATCH = 4000;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sources (
  name TEXT PRIMARY KEY,
  path TEXT,
  url TEXT,
  imported_ms INTEGER NOT NULL,
  records INTEGER NOT NULL,
  invalid INTEGER NOT NULL,
  sha256 TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS advisories (
  rid INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  modified TEXT NOT NULL,
  modified_ms INTEGER NOT NULL,
  withdrawn TEXT,
  withdrawn_ms INTEGER,
  source TEXT NOT NULL,
  json TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS affected (
  ecosystem TEXT NOT NULL,
  name TEXT NOT NULL,
  release TEXT NOT NULL,
  rid INTEGER NOT NULL,
  PRIMARY KEY (ecosystem, name, release, rid)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS affected_rid ON affected (rid);
`;

export class AdvisoryStore {
  readonly path: string;
  readonly #db: DatabaseSync;
  readonly #stmts: ReturnType<typeof prepare>;
  #pending = 0;

  private constructor(path: string, db: DatabaseSync) {
    this.path = path;
    this.#db = db;
    this.#stmts = prepare(db);
  }

  /** Opens (creating if needed) the database file. Throws InputError when the file is not a usable database. */
  static open(options: OpenStoreOptions = {}): AdvisoryStore {
    const path = options.path ?? defaultDatabasePath();
    if (path !== ':memory:') {
      mkdirSync(dirname(path), { recursive: true });
    }
    let db: DatabaseSync | undefined;
    try {
      db = new DatabaseSync(path);
      db.exec(
        `PRAGMA journal_mode = ${options.journalMode ?? 'WAL'}; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -65536; PRAGMA busy_timeout = 5000;`,
      );
      migrate(db, path);
      return new AdvisoryStore(path, db);
    } catch (error) {
      db?.close();
      if (error instanceof InputError) {
        throw error;
      }
      throw new InputError('input.invalid', `${path}: not a usable advisory database: ${(error as Error).message}`, {
        cause: error,
        location: { file: path },
      });
    }
  }

  close(): void {
    this.flush();
    if (this.#db.isOpen) {
      this.#db.close();
    }
  }

  [Symbol.dispose](): void {
    this.close();
  }

  /**
   * Stores one validated record from `source`, inside the running import transaction (begun on
   * demand, committed every few thousand records and by flush()). Returns 'older' and changes
   * nothing when the stored record with the same id has a newer `modified`.
   */
  put(advisory: Advisory, source: string): PutOutcome {
    const s = this.#stmts;
    if (this.#pending === 0) {
      this.#db.exec('PRAGMA synchronous = OFF; BEGIN');
    }
    const modifiedMs = Date.parse(advisory.modified);
    const existing = s.existing.get(advisory.id) as { rid: number; modified_ms: number } | undefined;
    if (existing && existing.modified_ms > modifiedMs) {
      this.#tick();
      return 'older';
    }
    const withdrawnMs = advisory.withdrawn === undefined ? null : Date.parse(advisory.withdrawn);
    const json = JSON.stringify(advisory);
    let rid: number;
    if (existing) {
      rid = existing.rid;
      s.deleteAffected.run(rid);
      s.update.run(advisory.modified, modifiedMs, advisory.withdrawn ?? null, withdrawnMs, source, json, rid);
    } else {
      rid = Number(
        s.insert.run(advisory.id, advisory.modified, modifiedMs, advisory.withdrawn ?? null, withdrawnMs, source, json)
          .lastInsertRowid,
      );
    }
    for (const entry of advisory.affected ?? []) {
      const pkg = entry.package;
      if (!pkg) {
        continue;
      }
      const { base, release } = splitEcosystem(pkg.ecosystem);
      s.insertAffected.run(base, normalizePackageName(base, pkg.name), release, rid);
    }
    this.#tick();
    return 'imported';
  }

  #tick(): void {
    this.#pending++;
    if (this.#pending >= BATCH) {
      this.flush();
    }
  }

  /** Commits the records put so far. */
  flush(): void {
    if (this.#pending > 0) {
      this.#pending = 0;
      this.#db.exec('COMMIT; PRAGMA synchronous = NORMAL');
    }
  }

  /** Records (or replaces) what one import read. Commits pending records first. */
  recordSource(info: SourceInfo): void {
    this.flush();
    this.#stmts.upsertSource.run(
      info.name,
      info.path ?? null,
      info.url ?? null,
      info.importedAt.getTime(),
      info.records,
      info.invalid,
      info.sha256,
    );
  }

  /** Advisories naming (ecosystem, name); see lookupMany. */
  lookup(ecosystem: string, name: string, options: LookupOptions = {}): readonly Advisory[] {
    return this.lookupMany([{ ecosystem, name }], options)[0]!;
  }

  /**
   * Advisories for each key, in the keys' order, each list sorted by id. An ecosystem with a
   * release (`Debian:12`) matches records of that release, of releases that extend it
   * (`Ubuntu:22.04` matches `Ubuntu:22.04:LTS`) and records without a release; an ecosystem
   * without one (`Debian`) matches every release. Each advisory is parsed once per cache and the
   * same object is returned for every key it matches: do not mutate it. Withdrawn advisories are
   * left out unless `includeWithdrawn`.
   */
  lookupMany(keys: readonly LookupKey[], options: LookupOptions = {}): (readonly Advisory[])[] {
    const cache = options.cache ?? new AdvisoryCache();
    const rows = this.#lookupRows(keys, options);
    const s = this.#stmts;
    return rows.map((rids) => {
      const list: Advisory[] = [];
      for (const rid of rids) {
        let advisory = cache.get(rid);
        if (advisory === undefined) {
          const row = s.json.get(rid) as { json: string } | undefined;
          if (row === undefined) {
            continue;
          }
          // Validated by advisorySchema before it was written (put() takes an Advisory only).
          advisory = JSON.parse(row.json) as Advisory;
          cache.set(rid, advisory);
        }
        list.push(advisory);
      }
      return list.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    });
  }

  /** The advisory ids for each key, as lookupMany selects them, without reading the records. */
  lookupIds(keys: readonly LookupKey[], options: Omit<LookupOptions, 'cache'> = {}): string[][] {
    const s = this.#stmts;
    return this.#lookupRows(keys, options).map((rids) =>
      rids.map((rid) => (s.idOf.get(rid) as { id: string }).id).sort(),
    );
  }

  #lookupRows(keys: readonly LookupKey[], options: Omit<LookupOptions, 'cache'>): number[][] {
    this.flush();
    const nowMs = (options.now ?? new Date()).getTime();
    const includeWithdrawn = options.includeWithdrawn ?? false;
    const stmt = this.#stmts.lookup;
    return keys.map((key) => {
      const { base, release } = splitEcosystem(key.ecosystem);
      const found = stmt.all(base, normalizePackageName(base, key.name)) as unknown as [
        string,
        number,
        number | null,
      ][];
      const rids: number[] = [];
      for (const [rowRelease, rid, withdrawnMs] of found) {
        if (release !== '' && rowRelease !== '' && rowRelease !== release && !rowRelease.startsWith(`${release}:`)) {
          continue;
        }
        if (!includeWithdrawn && withdrawnMs !== null && withdrawnMs <= nowMs) {
          continue;
        }
        if (!rids.includes(rid)) {
          rids.push(rid);
        }
      }
      return rids;
    });
  }

  /** One record by id, withdrawn or not. */
  get(id: string): Advisory | undefined {
    this.flush();
    const row = this.#stmts.byId.get(id) as { json: string } | undefined;
    return row === undefined ? undefined : (JSON.parse(row.json) as Advisory);
  }

  status(now: Date = new Date()): StoreStatus {
    this.flush();
    const db = this.#db;
    const totals = db.prepare('SELECT COUNT(*) AS n, COUNT(withdrawn) AS w FROM advisories').get() as {
      n: number;
      w: number;
    };
    const current = new Map<string, number>();
    for (const row of db.prepare('SELECT source, COUNT(*) AS n FROM advisories GROUP BY source').all()) {
      current.set(row.source as string, row.n as number);
    }
    const sources = (db.prepare('SELECT * FROM sources ORDER BY name').all() as unknown as SourceRow[]).map(
      (row): SourceStatus => ({
        name: row.name,
        ...(row.path === null ? {} : { path: row.path }),
        ...(row.url === null ? {} : { url: row.url }),
        importedAt: new Date(row.imported_ms),
        records: row.records,
        invalid: row.invalid,
        sha256: row.sha256,
        current: current.get(row.name) ?? 0,
        ageMs: now.getTime() - row.imported_ms,
      }),
    );
    const ecosystems = db
      .prepare(
        `SELECT ecosystem, COUNT(DISTINCT rid) AS advisories, COUNT(DISTINCT name) AS packages
         FROM affected GROUP BY ecosystem ORDER BY ecosystem`,
      )
      .all() as unknown as EcosystemStatus[];
    const last = sources.reduce<Date | undefined>(
      (acc, source) => (acc === undefined || source.importedAt > acc ? source.importedAt : acc),
      undefined,
    );
    return {
      path: this.path,
      schemaVersion: STORE_SCHEMA_VERSION,
      advisories: totals.n,
      withdrawn: totals.w,
      sources,
      ecosystems: ecosystems.map((e) => ({ ...e })),
      ...(last === undefined ? {} : { lastImport: last }),
    };
  }

  /**
   * Is the database fresh enough to scan with? Its age is that of its stalest source (the time
   * since that source was last imported): 'warn' past `warnDays`, 'fail' past `failDays`, 'fail'
   * when nothing was ever imported.
   */
  checkAge(options: { readonly warnDays: number; readonly failDays: number; readonly now?: Date }): AgeCheck {
    const { warnDays, failDays } = options;
    for (const [name, value] of [
      ['warnDays', warnDays],
      ['failDays', failDays],
    ] as const) {
      if (!Number.isFinite(value) || value < 0) {
        throw new ConfigError('config.invalid', `${name} must be a number of days >= 0, got ${value}`);
      }
    }
    const status = this.status(options.now);
    if (status.sources.length === 0) {
      return { level: 'fail', message: `the vulnerability database ${this.path} is empty: import advisories first` };
    }
    const stalest = status.sources.reduce((a, b) => (b.ageMs > a.ageMs ? b : a));
    const ageDays = stalest.ageMs / DAY_MS;
    const shown = ageDays.toFixed(1);
    const what = `the vulnerability database source "${stalest.name}" was imported ${shown} days ago (${stalest.importedAt.toISOString()})`;
    if (ageDays > failDays) {
      return { level: 'fail', message: `${what}, more than the limit of ${failDays} days: update it`, ageDays };
    }
    if (ageDays > warnDays) {
      return { level: 'warn', message: `${what}, more than ${warnDays} days: consider updating it`, ageDays };
    }
    return { level: 'ok', message: `${what}`, ageDays };
  }
}

interface SourceRow {
  name: string;
  path: string | null;
  url: string | null;
  imported_ms: number;
  records: number;
  invalid: number;
  sha256: string;
}

function migrate(db: DatabaseSync, path: string): void {
  const hasMeta = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").get();
  if (hasMeta) {
    const row = db.prepare("SELECT value FROM meta WHERE key = 'schema'").get() as { value: string } | undefined;
    const version = row === undefined ? 0 : Number(row.value);
    if (version > STORE_SCHEMA_VERSION) {
      throw new InputError(
        'input.unsupported',
        `${path}: advisory database of schema version ${row?.value}, newer than this Palisade's ${STORE_SCHEMA_VERSION}`,
        { location: { file: path } },
      );
    }
    if (version < STORE_SCHEMA_VERSION) {
      db.exec('DROP TABLE IF EXISTS affected; DROP TABLE IF EXISTS advisories; DROP TABLE IF EXISTS sources;');
    }
  }
  db.exec(SCHEMA);
  db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('schema', ?)").run(String(STORE_SCHEMA_VERSION));
}

function prepare(db: DatabaseSync) {
  const lookup = db.prepare(
    `SELECT f.release, f.rid, a.withdrawn_ms FROM affected f JOIN advisories a ON a.rid = f.rid
     WHERE f.ecosystem = ? AND f.name = ?`,
  );
  lookup.setReturnArrays(true);
  return {
    existing: db.prepare('SELECT rid, modified_ms FROM advisories WHERE id = ?'),
    insert: db.prepare(
      'INSERT INTO advisories (id, modified, modified_ms, withdrawn, withdrawn_ms, source, json) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    update: db.prepare(
      'UPDATE advisories SET modified = ?, modified_ms = ?, withdrawn = ?, withdrawn_ms = ?, source = ?, json = ? WHERE rid = ?',
    ),
    deleteAffected: db.prepare('DELETE FROM affected WHERE rid = ?'),
    insertAffected: db.prepare('INSERT OR IGNORE INTO affected (ecosystem, name, release, rid) VALUES (?, ?, ?, ?)'),
    upsertSource: db.prepare(
      'INSERT OR REPLACE INTO sources (name, path, url, imported_ms, records, invalid, sha256) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    lookup,
    json: db.prepare('SELECT json FROM advisories WHERE rid = ?'),
    idOf: db.prepare('SELECT id FROM advisories WHERE rid = ?'),
    byId: db.prepare('SELECT json FROM advisories WHERE id = ?'),
  } satisfies Record<string, StatementSync>;
}
