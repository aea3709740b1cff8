/**
 * Reader for rpm's SQLite database `rpmdb.sqlite` (rpm ≥ 4.16, lib/backend/sqlite.c): the table
 * `Packages(hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)` holds one header blob per
 * installed package; the other tables are indexes rpm rebuilds from it.
 *
 * node:sqlite opens files, so the bytes are written to a private temporary directory (with the
 * `-wal` file when the image has one, so committed-but-not-checkpointed transactions are seen) and
 * removed afterwards. Rows are read one at a time: a database that is corrupt part-way keeps the
 * rows read before the damage, and the damage becomes a problem.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { RawBlob, RawReadResult } from './storage.ts';

const MAGIC = 'SQLite format 3\0';

export function isSqlite(buf: Buffer): boolean {
  return buf.length >= 16 && buf.toString('latin1', 0, 16) === MAGIC;
}

export function readSqlite(buf: Buffer, wal?: Buffer): RawReadResult {
  const blobs: RawBlob[] = [];
  const problems: { where: string; message: string }[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'palisade-rpmdb-'));
  let db: DatabaseSync | undefined;
  try {
    const file = join(dir, 'rpmdb.sqlite');
    writeFileSync(file, buf);
    if (wal) {
      writeFileSync(`${file}-wal`, wal);
    }
    db = new DatabaseSync(file, { readOnly: wal === undefined });
    const rows = db.prepare('SELECT hnum, blob FROM Packages ORDER BY hnum').iterate();
    for (const row of rows) {
      const hnum = row.hnum;
      const blob = row.blob;
      const where = `Packages hnum ${String(hnum)}`;
      if (blob instanceof Uint8Array) {
        blobs.push({ where, data: Buffer.from(blob) });
      } else {
        problems.push({ where, message: `blob column holds ${blob === null ? 'NULL' : typeof blob}, not a BLOB` });
      }
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    problems.push({
      where: blobs.length ? `Packages after ${blobs.at(-1)?.where.replace('Packages ', '')}` : 'Packages',
      message: `SQLite: ${message}`,
    });
  } finally {
    try {
      db?.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return { blobs, problems };
}
