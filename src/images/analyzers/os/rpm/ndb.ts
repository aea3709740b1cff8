/**
 * Reader for rpm's NDB `Packages.db` (SUSE Linux Enterprise 15 SP3+, openSUSE), rpm's own format
 * (rpm-software-management/rpm lib/backend/ndb/rpmpkg.c, documented in its comments). All integers
 * are 32-bit in the writer's byte order (little-endian on every SUSE architecture we meet; the
 * header magic tells).
 *
 * - The file starts with `slotnpages` slot pages of 4096 bytes. The first 32 bytes are the header:
 *   magic 'RpmP', version (0), generation, slotnpages, nextpkgidx, 3 reserved words.
 * - The rest of the slot pages is an array of 16-byte slots: magic 'Slot', pkgidx (0 = free),
 *   blkoff, blkcnt. Blob positions and sizes are counted in 16-byte blocks.
 * - A blob at blkoff×16: header magic 'BlbS', pkgidx, generation, bloblen; then bloblen bytes of
 *   header blob; its last 12 bytes (ending at (blkoff+blkcnt)×16) are the tail: checksum, bloblen,
 *   magic 'BlbE'.
 */
import type { RawBlob, RawReadResult } from './storage.ts';

const SLOT_PAGE = 4096;
const BLOCK = 16;
const HEADER_MAGIC = 'RpmP';
const SLOT_MAGIC = 'Slot';
const BLOB_MAGIC = 'BlbS';
const TAIL_MAGIC = 'BlbE';

export function isNdb(buf: Buffer): boolean {
  return buf.length >= 4 && buf.toString('latin1', 0, 4) === HEADER_MAGIC;
}

export function readNdb(buf: Buffer): RawReadResult {
  const blobs: RawBlob[] = [];
  const problems: { where: string; message: string }[] = [];
  if (buf.length < 32 || !isNdb(buf)) {
    return { blobs, problems: [{ where: 'header', message: 'not an rpm NDB database (bad magic)' }] };
  }
  // Magic bytes 'RpmP' read as a little-endian word equal 0x506d7052.
  const le = buf.readUInt32LE(0) === 0x506d7052;
  const u32 = (at: number) => (le ? buf.readUInt32LE(at) : buf.readUInt32BE(at));
  const version = u32(4);
  const slotPages = u32(12);
  if (version !== 0) {
    return { blobs, problems: [{ where: 'header', message: `unsupported NDB version ${version}` }] };
  }
  if (slotPages < 1 || slotPages > 2048) {
    return { blobs, problems: [{ where: 'header', message: `implausible slot page count ${slotPages}` }] };
  }
  let slotEnd = slotPages * SLOT_PAGE;
  if (slotEnd > buf.length) {
    problems.push({
      where: 'header',
      message: `file is truncated: ${slotPages} slot pages need ${slotEnd} bytes, the file holds ${buf.length}`,
    });
    slotEnd = buf.length - (buf.length % BLOCK);
  }
  for (let at = 32, slot = 0; at + BLOCK <= slotEnd; at += BLOCK, slot++) {
    const where = `slot ${slot}`;
    if (buf.toString('latin1', at, at + 4) !== SLOT_MAGIC) {
      problems.push({ where, message: 'bad slot magic' });
      continue;
    }
    const pkgIdx = u32(at + 4);
    const blockOffset = u32(at + 8);
    const blockCount = u32(at + 12);
    if (pkgIdx === 0) {
      continue;
    }
    const start = blockOffset * BLOCK;
    const end = (blockOffset + blockCount) * BLOCK;
    const place = `${where} (package ${pkgIdx}, offset ${start})`;
    if (blockOffset * BLOCK < slotEnd || blockCount < 2) {
      problems.push({ where: place, message: `slot points to blocks ${blockOffset}+${blockCount}` });
      continue;
    }
    if (end > buf.length) {
      problems.push({ where: place, message: `blob ends at ${end}, beyond the end of the file (${buf.length} bytes)` });
      continue;
    }
    if (buf.toString('latin1', start, start + 4) !== BLOB_MAGIC || u32(start + 4) !== pkgIdx) {
      problems.push({ where: place, message: 'bad blob header (magic or package index)' });
      continue;
    }
    const length = u32(start + 12);
    if (start + BLOCK + length + 12 > end) {
      problems.push({ where: place, message: `blob length ${length} exceeds its ${blockCount} blocks` });
      continue;
    }
    if (buf.toString('latin1', end - 4, end) !== TAIL_MAGIC || u32(end - 8) !== length) {
      problems.push({ where: place, message: 'bad blob tail (magic or length)' });
      continue;
    }
    blobs.push({ where: place, data: buf.subarray(start + BLOCK, start + BLOCK + length) });
  }
  return { blobs, problems };
}
