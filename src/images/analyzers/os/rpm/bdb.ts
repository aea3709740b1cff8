/**
 * Reader for rpm's Berkeley DB `Packages` file (RHEL/CentOS 7 and 8, Amazon Linux 2, older SUSE): a
 * Berkeley DB *hash* database whose keys are 4-byte package instance numbers and whose values are
 * header blobs. Only the on-disk page layout is needed, read page by page, without the hash function.
 *
 * Layout (Berkeley DB's on-disk page format, defined in its source header dbinc/db_page.h):
 * - page 0, hash metadata: lsn(8) pgno(4) magic(4)=0x061561 version(4) pagesize(4) encrypt_alg(1)
 *   type(1)=8 metaflags(1) unused(1) free(4) last_pgno(4) ... Integers use the byte order of the
 *   machine that wrote it; the magic tells which.
 * - every page: a 26-byte header lsn(8) pgno(4) prev_pgno(4) next_pgno(4) entries(2) hf_offset(2)
 *   level(1) type(1). Hash pages (type 2 unsorted, 13 sorted) follow it with `entries` 2-byte item
 *   offsets, items alternating key, data. An item starts with its kind: 1 KEYDATA (bytes inline, up to
 *   the next item), 3 OFFPAGE (unused(3) pgno(4) tlen(4): the value is on overflow pages). Duplicate
 *   items (2, 4) are not used by rpm and are reported.
 * - overflow pages (type 7): `hf_offset` is the number of data bytes on the page, after the header;
 *   `next_pgno` chains them (0 ends).
 * The record with key 0 holds rpm's next instance number, not a header; it is skipped.
 */
import type { RawBlob, RawReadResult } from './storage.ts';

const HASH_MAGIC = 0x061561;
const PAGE_HEADER = 26;
const P_HASH_UNSORTED = 2;
const P_OVERFLOW = 7;
const P_HASHMETA = 8;
const P_HASH = 13;
const H_KEYDATA = 1;
const H_DUPLICATE = 2;
const H_OFFPAGE = 3;
const H_OFFDUP = 4;

export function isBdbHash(buf: Buffer): boolean {
  return buf.length >= 16 && (buf.readUInt32LE(12) === HASH_MAGIC || buf.readUInt32BE(12) === HASH_MAGIC);
}

export function readBdbHash(buf: Buffer): RawReadResult {
  const blobs: RawBlob[] = [];
  const problems: { where: string; message: string }[] = [];
  if (buf.length < 72 || !isBdbHash(buf)) {
    return { blobs, problems: [{ where: 'page 0', message: 'not a Berkeley DB hash database (bad magic)' }] };
  }
  const le = buf.readUInt32LE(12) === HASH_MAGIC;
  const u32 = (at: number) => (le ? buf.readUInt32LE(at) : buf.readUInt32BE(at));
  const u16 = (at: number) => (le ? buf.readUInt16LE(at) : buf.readUInt16BE(at));

  const pageSize = u32(20);
  const encrypt = buf[24] ?? 0;
  const type = buf[25] ?? 0;
  const metaFlags = buf[26] ?? 0;
  const lastPage = u32(32);
  if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) {
    return { blobs, problems: [{ where: 'page 0', message: `invalid page size ${pageSize}` }] };
  }
  if (type !== P_HASHMETA) {
    return { blobs, problems: [{ where: 'page 0', message: `metadata page type ${type} is not hash (8)` }] };
  }
  if (encrypt !== 0 || (metaFlags & 1) !== 0) {
    return {
      blobs,
      problems: [{ where: 'page 0', message: 'encrypted or checksummed Berkeley DB pages are not supported' }],
    };
  }
  const pagesInFile = Math.floor(buf.length / pageSize);
  if (lastPage + 1 > pagesInFile) {
    problems.push({
      where: `page ${pagesInFile}`,
      message: `file is truncated: metadata says ${lastPage + 1} pages of ${pageSize} bytes, the file holds ${buf.length} bytes`,
    });
  }

  const readOverflow = (first: number, total: number, where: string): Buffer | undefined => {
    const parts: Buffer[] = [];
    let collected = 0;
    let pgno = first;
    const seen = new Set<number>();
    while (pgno !== 0 && collected < total) {
      if (seen.has(pgno)) {
        problems.push({ where, message: `overflow chain loops at page ${pgno}` });
        return undefined;
      }
      seen.add(pgno);
      const at = pgno * pageSize;
      if (at + pageSize > buf.length) {
        problems.push({ where, message: `overflow page ${pgno} is beyond the end of the file` });
        return undefined;
      }
      if (buf[at + 25] !== P_OVERFLOW) {
        problems.push({ where, message: `page ${pgno} in an overflow chain has type ${buf[at + 25]}` });
        return undefined;
      }
      const length = u16(at + 22);
      if (PAGE_HEADER + length > pageSize) {
        problems.push({ where, message: `overflow page ${pgno} declares ${length} bytes` });
        return undefined;
      }
      parts.push(buf.subarray(at + PAGE_HEADER, at + PAGE_HEADER + length));
      collected += length;
      pgno = u32(at + 16);
    }
    if (collected !== total) {
      problems.push({ where, message: `overflow chain holds ${collected} bytes, the item declares ${total}` });
      return undefined;
    }
    return Buffer.concat(parts);
  };

  const pages = Math.min(lastPage + 1, pagesInFile);
  for (let pgno = 1; pgno < pages; pgno++) {
    const at = pgno * pageSize;
    const pageType = buf[at + 25];
    if (pageType !== P_HASH && pageType !== P_HASH_UNSORTED) {
      continue;
    }
    const entries = u16(at + 20);
    if (PAGE_HEADER + entries * 2 > pageSize) {
      problems.push({ where: `page ${pgno}`, message: `hash page declares ${entries} items` });
      continue;
    }
    const offsets: number[] = [];
    for (let i = 0; i < entries; i++) {
      offsets.push(u16(at + PAGE_HEADER + i * 2));
    }
    // An item ends where the next item (by position on the page) starts, or at the page end.
    const sorted = [...offsets].sort((a, b) => a - b);
    const itemEnd = (offset: number) => sorted.find((o) => o > offset) ?? pageSize;
    for (let i = 0; i + 1 < entries; i += 2) {
      const where = `page ${pgno} item ${i / 2}`;
      const keyOffset = offsets[i] as number;
      const dataOffset = offsets[i + 1] as number;
      if (keyOffset >= pageSize || dataOffset >= pageSize || keyOffset < PAGE_HEADER || dataOffset < PAGE_HEADER) {
        problems.push({ where, message: `item offset outside the page` });
        continue;
      }
      const keyKind = buf[at + keyOffset];
      const key = buf.subarray(at + keyOffset + 1, at + itemEnd(keyOffset));
      if (keyKind === H_KEYDATA && key.length === 4 && key.readUInt32LE(0) === 0) {
        continue; // rpm's "next instance" record
      }
      const dataKind = buf[at + dataOffset];
      if (dataKind === H_KEYDATA) {
        blobs.push({ where, data: buf.subarray(at + dataOffset + 1, at + itemEnd(dataOffset)) });
      } else if (dataKind === H_OFFPAGE) {
        if (dataOffset + 12 > pageSize) {
          problems.push({ where, message: 'off-page item is cut by the page end' });
          continue;
        }
        const first = u32(at + dataOffset + 4);
        const total = u32(at + dataOffset + 8);
        const data = readOverflow(first, total, where);
        if (data) {
          blobs.push({ where, data });
        }
      } else if (dataKind === H_DUPLICATE || dataKind === H_OFFDUP) {
        problems.push({ where, message: 'duplicate data items are not used by rpm' });
      } else {
        problems.push({ where, message: `unknown hash item kind ${dataKind}` });
      }
    }
  }
  return { blobs, problems };
}
