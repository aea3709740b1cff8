/**
 * The three rpmdb storage formats, told apart by their first bytes rather than the file name
 * (an image may keep any of them under either `var/lib/rpm/` or `usr/lib/sysimage/rpm/`):
 * - SQLite (rpm ≥ 4.16: RHEL 9, Fedora ≥ 33, Azure Linux): "SQLite format 3\0" → sqlite.ts
 * - NDB (SUSE since 15 SP3, `Packages.db`): "RpmP" → ndb.ts
 * - Berkeley DB hash (`Packages`, RHEL ≤ 8): magic 0x061561 at offset 12 → bdb.ts
 * Each reader returns the raw header blobs it found and a problem for each part it could not read.
 */
import { isBdbHash, readBdbHash } from './bdb.ts';
import { isNdb, readNdb } from './ndb.ts';
import { isSqlite, readSqlite } from './sqlite.ts';

export interface RawBlob {
  /** Where the blob was found, for diagnostics: 'page 3 item 1', 'slot 7', 'hnum 42'. */
  readonly where: string;
  readonly data: Buffer;
}

export interface RawReadResult {
  readonly blobs: readonly RawBlob[];
  readonly problems: readonly { readonly where: string; readonly message: string }[];
}

export type RpmdbFormat = 'sqlite' | 'ndb' | 'bdb';

export function rpmdbFormat(buf: Buffer): RpmdbFormat | undefined {
  if (isSqlite(buf)) {
    return 'sqlite';
  }
  if (isNdb(buf)) {
    return 'ndb';
  }
  if (isBdbHash(buf)) {
    return 'bdb';
  }
  return undefined;
}

/** Reads every header blob of an rpmdb file. `wal` is the SQLite write-ahead log beside it, if any. */
export function readRpmdb(format: RpmdbFormat, buf: Buffer, wal?: Buffer): RawReadResult {
  switch (format) {
    case 'sqlite':
      return readSqlite(buf, wal);
    case 'ndb':
      return readNdb(buf);
    case 'bdb':
      return readBdbHash(buf);
  }
}
