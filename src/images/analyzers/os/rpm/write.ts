/**
 * Writers for the rpm header blob, the NDB and the Berkeley DB hash formats, from the same format
 * descriptions the readers follow (header.ts, ndb.ts, bdb.ts). Tests use them to build small
 * databases and damaged variants of them; the scanner itself never writes.
 */
import { type RpmHeader, TAG, TYPE_INT32, TYPE_STRING } from './header.ts';

/** The header tags the writer sets: those the reader parses. */
export type HeaderFields = RpmHeader;

/** A header blob with the given tags, strings as STRING and the epoch as INT32, in tag order. */
export function buildHeaderBlob(fields: HeaderFields): Buffer {
  const tags: [number, string | number | undefined][] = [
    [TAG.NAME, fields.name],
    [TAG.VERSION, fields.version],
    [TAG.RELEASE, fields.release],
    [TAG.EPOCH, fields.epoch],
    [TAG.VENDOR, fields.vendor],
    [TAG.LICENSE, fields.license],
    [TAG.ARCH, fields.arch],
    [TAG.SOURCERPM, fields.sourceRpm],
  ];
  const index: Buffer[] = [];
  const data: Buffer[] = [];
  let size = 0;
  for (const [tag, value] of tags) {
    if (value === undefined) {
      continue;
    }
    let bytes: Buffer;
    if (typeof value === 'number') {
      const pad = (4 - (size % 4)) % 4;
      data.push(Buffer.alloc(pad));
      size += pad;
      bytes = Buffer.alloc(4);
      bytes.writeUInt32BE(value);
    } else {
      bytes = Buffer.from(`${value}\0`, 'utf8');
    }
    const entry = Buffer.alloc(16);
    entry.writeInt32BE(tag, 0);
    entry.writeUInt32BE(typeof value === 'number' ? TYPE_INT32 : TYPE_STRING, 4);
    entry.writeInt32BE(size, 8);
    entry.writeUInt32BE(1, 12);
    index.push(entry);
    data.push(bytes);
    size += bytes.length;
  }
  const preamble = Buffer.alloc(8);
  preamble.writeUInt32BE(index.length, 0);
  preamble.writeUInt32BE(size, 4);
  return Buffer.concat([preamble, ...index, ...data]);
}

/** An NDB Packages.db (little-endian) with one slot page and the blobs as packages 1..n. */
export function writeNdb(blobs: readonly Buffer[]): Buffer {
  const slotPage = Buffer.alloc(4096);
  slotPage.write('RpmP', 0, 'latin1');
  slotPage.writeUInt32LE(0, 4); // version
  slotPage.writeUInt32LE(1, 8); // generation
  slotPage.writeUInt32LE(1, 12); // slot pages
  slotPage.writeUInt32LE(blobs.length + 1, 16); // next package index
  const parts: Buffer[] = [slotPage];
  let block = 4096 / 16;
  blobs.forEach((blob, i) => {
    const pkgIdx = i + 1;
    const blocks = Math.ceil((16 + blob.length + 12) / 16);
    const area = Buffer.alloc(blocks * 16);
    area.write('BlbS', 0, 'latin1');
    area.writeUInt32LE(pkgIdx, 4);
    area.writeUInt32LE(1, 8);
    area.writeUInt32LE(blob.length, 12);
    blob.copy(area, 16);
    area.writeUInt32LE(0, area.length - 12); // checksum, not verified by the reader
    area.writeUInt32LE(blob.length, area.length - 8);
    area.write('BlbE', area.length - 4, 'latin1');
    const slot = 32 + i * 16;
    slotPage.write('Slot', slot, 'latin1');
    slotPage.writeUInt32LE(pkgIdx, slot + 4);
    slotPage.writeUInt32LE(block, slot + 8);
    slotPage.writeUInt32LE(blocks, slot + 12);
    parts.push(area);
    block += blocks;
  });
  // The remaining slots are free: magic, package index 0.
  for (let at = 32 + blobs.length * 16; at < 4096; at += 16) {
    slotPage.write('Slot', at, 'latin1');
  }
  return Buffer.concat(parts);
}

/**
 * A little-endian Berkeley DB hash file as rpm writes it: the metadata page, one hash page holding
 * the key-0 record and a key/value pair per blob (inline when it fits in `inlineMax` bytes, else on
 * a chain of overflow pages).
 */
export function writeBdbHash(blobs: readonly Buffer[], pageSize = 4096, inlineMax = 256): Buffer {
  const pages: Buffer[] = [Buffer.alloc(pageSize), Buffer.alloc(pageSize)];
  const header = (page: Buffer, pgno: number, type: number) => {
    page.writeUInt32LE(pgno, 8);
    page[25] = type;
  };
  const meta = pages[0] as Buffer;
  header(meta, 0, 8);
  meta.writeUInt32LE(0x061561, 12);
  meta.writeUInt32LE(9, 16); // hash version
  meta.writeUInt32LE(pageSize, 20);

  const hash = pages[1] as Buffer;
  header(hash, 1, 13);
  const items: Buffer[] = [];
  const key = (n: number) => {
    const item = Buffer.alloc(5);
    item[0] = 1;
    item.writeUInt32LE(n, 1);
    return item;
  };
  // rpm's key-0 record: its value is the next instance number, an item of the same shape as a key.
  items.push(key(0), key(blobs.length + 1));
  blobs.forEach((blob, i) => {
    items.push(key(i + 1));
    if (blob.length <= inlineMax) {
      items.push(Buffer.concat([Buffer.from([1]), blob]));
      return;
    }
    const first = pages.length;
    const room = pageSize - 26;
    for (let at = 0; at < blob.length; at += room) {
      const page = Buffer.alloc(pageSize);
      const pgno = pages.length;
      const chunk = blob.subarray(at, at + room);
      header(page, pgno, 7);
      page.writeUInt32LE(at + room < blob.length ? pgno + 1 : 0, 16);
      page.writeUInt16LE(1, 20);
      page.writeUInt16LE(chunk.length, 22);
      chunk.copy(page, 26);
      pages.push(page);
    }
    const off = Buffer.alloc(12);
    off[0] = 3;
    off.writeUInt32LE(first, 4);
    off.writeUInt32LE(blob.length, 8);
    items.push(off);
  });
  let end = pageSize;
  items.forEach((item, i) => {
    end -= item.length;
    if (26 + items.length * 2 > end) {
      throw new RangeError('too many items for one hash page');
    }
    item.copy(hash, end);
    hash.writeUInt16LE(end, 26 + i * 2);
  });
  hash.writeUInt16LE(items.length, 20);
  hash.writeUInt16LE(end, 22);
  meta.writeUInt32LE(pages.length - 1, 32); // last page
  return Buffer.concat(pages);
}
