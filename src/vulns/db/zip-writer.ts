/**
 * A minimal ZIP writer (PKWARE APPNOTE.TXT 6.3.x, https://pkware.cachefly.net/webdocs/casestudies/APPNOTE.TXT):
 * stored (method 0) or deflated (method 8) entries written one at a time to a file, sizes and
 * CRC-32 in the local headers (no data descriptors), the central directory at the end, and the
 * ZIP64 end records (4.3.14, 4.3.15) when there are more than 65,535 entries, as OSV's
 * per-ecosystem `all.zip` exports have. Offsets and sizes must stay under 4 GiB.
 *
 * Palisade itself only reads zips; this writer builds real archives for the import tests and the
 * benchmark (there is no zip writer among the dependencies).
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { crc32, deflateRawSync } from 'node:zlib';

interface CentralEntry {
  readonly name: Buffer;
  readonly method: number;
  readonly crc: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly offset: number;
}

const LIMIT_32 = 0xffffffff;
/** 2020-01-01 00:00 in MS-DOS time/date fields. */
const DOS_TIME = 0;
const DOS_DATE = ((2020 - 1980) << 9) | (1 << 5) | 1;

export class ZipWriter {
  readonly #fd: number;
  readonly #entries: CentralEntry[] = [];
  #offset = 0;

  constructor(path: string) {
    this.#fd = openSync(path, 'w');
  }

  #write(buffer: Buffer): void {
    let done = 0;
    while (done < buffer.length) {
      done += writeSync(this.#fd, buffer, done, buffer.length - done);
    }
    this.#offset += buffer.length;
  }

  /** Appends one file entry. */
  add(name: string, data: Buffer | string, method: 'store' | 'deflate' = 'deflate'): void {
    const content = typeof data === 'string' ? Buffer.from(data) : data;
    const body = method === 'deflate' ? deflateRawSync(content, { level: 6 }) : content;
    const nameBytes = Buffer.from(name, 'utf8');
    const entry: CentralEntry = {
      name: nameBytes,
      method: method === 'deflate' ? 8 : 0,
      crc: crc32(content),
      compressedSize: body.length,
      size: content.length,
      offset: this.#offset,
    };
    if (entry.offset + 30 + nameBytes.length + body.length >= LIMIT_32) {
      throw new RangeError('ZipWriter: archives of 4 GiB or more are not supported');
    }
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0); // local file header signature
    header.writeUInt16LE(20, 4); // version needed to extract (2.0: deflate)
    header.writeUInt16LE(0x0800, 6); // general purpose flags: bit 11, names are UTF-8
    header.writeUInt16LE(entry.method, 8);
    header.writeUInt16LE(DOS_TIME, 10);
    header.writeUInt16LE(DOS_DATE, 12);
    header.writeUInt32LE(entry.crc, 14);
    header.writeUInt32LE(entry.compressedSize, 18);
    header.writeUInt32LE(entry.size, 22);
    header.writeUInt16LE(nameBytes.length, 26);
    header.writeUInt16LE(0, 28); // extra field length
    this.#write(header);
    this.#write(nameBytes);
    this.#write(body);
    this.#entries.push(entry);
  }

  /** Writes the central directory and end records, and closes the file. */
  close(): void {
    const start = this.#offset;
    for (const entry of this.#entries) {
      const header = Buffer.alloc(46);
      header.writeUInt32LE(0x02014b50, 0); // central file header signature
      header.writeUInt16LE((3 << 8) | 45, 4); // version made by: UNIX, 4.5
      header.writeUInt16LE(20, 6); // version needed to extract
      header.writeUInt16LE(0x0800, 8);
      header.writeUInt16LE(entry.method, 10);
      header.writeUInt16LE(DOS_TIME, 12);
      header.writeUInt16LE(DOS_DATE, 14);
      header.writeUInt32LE(entry.crc, 16);
      header.writeUInt32LE(entry.compressedSize, 20);
      header.writeUInt32LE(entry.size, 24);
      header.writeUInt16LE(entry.name.length, 28);
      header.writeUInt16LE(0, 30); // extra field length
      header.writeUInt16LE(0, 32); // file comment length
      header.writeUInt16LE(0, 34); // disk number start
      header.writeUInt16LE(0, 36); // internal attributes
      header.writeUInt32LE((0o100644 << 16) >>> 0, 38); // external attributes: regular file, 0644
      header.writeUInt32LE(entry.offset, 42);
      this.#write(header);
      this.#write(entry.name);
    }
    const size = this.#offset - start;
    const count = this.#entries.length;
    if (count > 0xffff) {
      const zip64End = this.#offset;
      const record = Buffer.alloc(56);
      record.writeUInt32LE(0x06064b50, 0); // zip64 end of central directory signature
      record.writeBigUInt64LE(44n, 4); // size of the rest of this record
      record.writeUInt16LE((3 << 8) | 45, 12);
      record.writeUInt16LE(45, 14);
      record.writeUInt32LE(0, 16); // this disk
      record.writeUInt32LE(0, 20); // disk with the central directory
      record.writeBigUInt64LE(BigInt(count), 24);
      record.writeBigUInt64LE(BigInt(count), 32);
      record.writeBigUInt64LE(BigInt(size), 40);
      record.writeBigUInt64LE(BigInt(start), 48);
      this.#write(record);
      const locator = Buffer.alloc(20);
      locator.writeUInt32LE(0x07064b50, 0); // zip64 end of central directory locator signature
      locator.writeUInt32LE(0, 4);
      locator.writeBigUInt64LE(BigInt(zip64End), 8);
      locator.writeUInt32LE(1, 16); // total number of disks
      this.#write(locator);
    }
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0); // end of central directory signature
    end.writeUInt16LE(0, 4);
    end.writeUInt16LE(0, 6);
    end.writeUInt16LE(Math.min(count, 0xffff), 8);
    end.writeUInt16LE(Math.min(count, 0xffff), 10);
    end.writeUInt32LE(size, 12);
    end.writeUInt32LE(start, 16);
    end.writeUInt16LE(0, 20); // comment length
    this.#write(end);
    closeSync(this.#fd);
  }
}
