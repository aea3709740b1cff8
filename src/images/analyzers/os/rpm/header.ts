/**
 * RPM header blob, as every rpmdb backend stores it (the header structure of a package file without
 * its 8-byte magic/reserved prefix). Format: https://rpm-software-management.github.io/rpm/manual/format_v4.html
 * ("Header" section) and https://github.com/rpm-software-management/rpm/blob/master/docs/manual/tags.md.
 *
 *   int32 il   number of index entries        (big-endian, as everything in a header)
 *   int32 dl   size of the data store
 *   il × { int32 tag, uint32 type, int32 offset, uint32 count }   16 bytes each
 *   dl bytes of data store
 *
 * Types: 0 NULL, 1 CHAR, 2 INT8, 3 INT16, 4 INT32, 5 INT64, 6 STRING, 7 BIN, 8 STRING_ARRAY,
 * 9 I18NSTRING. Strings are NUL-terminated inside the data store. Every offset and size is checked
 * against the blob; a bad blob throws RpmHeaderError, which callers turn into a diagnostic.
 */

export const TAG = {
  NAME: 1000,
  VERSION: 1001,
  RELEASE: 1002,
  EPOCH: 1003,
  VENDOR: 1011,
  LICENSE: 1014,
  ARCH: 1022,
  SOURCERPM: 1044,
} as const;

export const TYPE_INT32 = 4;
export const TYPE_STRING = 6;
const TYPE_STRING_ARRAY = 8;
const TYPE_I18NSTRING = 9;

/** rpm's own sanity limits (lib/header.c hdrchkTags / hdrchkData). */
const MAX_TAGS = 0xffff;
const MAX_DATA = 256 * 1024 * 1024;

export class RpmHeaderError extends Error {}

export interface RpmHeader {
  readonly name: string;
  readonly version: string;
  readonly release: string;
  /** Absent when the package has no EPOCH tag. */
  readonly epoch?: number;
  readonly arch?: string;
  readonly sourceRpm?: string;
  readonly license?: string;
  readonly vendor?: string;
}

interface Entry {
  readonly type: number;
  readonly offset: number;
  readonly count: number;
}

/** Parses the tags Palisade needs from a header blob. Throws RpmHeaderError naming the problem. */
export function parseHeaderBlob(blob: Uint8Array): RpmHeader {
  const buf = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  if (buf.length < 8) {
    throw new RpmHeaderError(`header blob of ${buf.length} bytes is shorter than its 8-byte preamble`);
  }
  const il = buf.readUInt32BE(0);
  const dl = buf.readUInt32BE(4);
  if (il < 1 || il > MAX_TAGS) {
    throw new RpmHeaderError(`header index count ${il} is out of range`);
  }
  if (dl > MAX_DATA) {
    throw new RpmHeaderError(`header data size ${dl} is out of range`);
  }
  const dataStart = 8 + il * 16;
  if (dataStart + dl > buf.length) {
    throw new RpmHeaderError(
      `header declares ${il} entries and ${dl} data bytes (${dataStart + dl} bytes) but the blob has ${buf.length}`,
    );
  }
  const data = buf.subarray(dataStart, dataStart + dl);
  const entries = new Map<number, Entry>();
  for (let i = 0; i < il; i++) {
    const at = 8 + i * 16;
    const tag = buf.readInt32BE(at);
    const type = buf.readUInt32BE(at + 4);
    const offset = buf.readInt32BE(at + 8);
    const count = buf.readUInt32BE(at + 12);
    if (offset < 0 || offset > dl) {
      throw new RpmHeaderError(`tag ${tag}: data offset ${offset} is outside the ${dl}-byte data store`);
    }
    if (!entries.has(tag)) {
      entries.set(tag, { type, offset, count });
    }
  }

  const string = (tag: number): string | undefined => {
    const entry = entries.get(tag);
    if (!entry) {
      return undefined;
    }
    if (entry.type !== TYPE_STRING && entry.type !== TYPE_STRING_ARRAY && entry.type !== TYPE_I18NSTRING) {
      throw new RpmHeaderError(`tag ${tag} has type ${entry.type}, expected a string`);
    }
    const end = data.indexOf(0, entry.offset);
    if (end < 0) {
      throw new RpmHeaderError(`tag ${tag}: string at offset ${entry.offset} is not NUL-terminated`);
    }
    return data.toString('utf8', entry.offset, end);
  };
  const required = (tag: number, label: string): string => {
    const value = string(tag);
    if (value === undefined || value === '') {
      throw new RpmHeaderError(`header has no ${label} tag (${tag})`);
    }
    return value;
  };

  const name = required(TAG.NAME, 'NAME');
  const version = required(TAG.VERSION, 'VERSION');
  const release = required(TAG.RELEASE, 'RELEASE');
  let epoch: number | undefined;
  const epochEntry = entries.get(TAG.EPOCH);
  if (epochEntry) {
    if (epochEntry.type !== TYPE_INT32 || epochEntry.count < 1 || epochEntry.offset + 4 > dl) {
      throw new RpmHeaderError(`EPOCH tag of type ${epochEntry.type} at offset ${epochEntry.offset} is malformed`);
    }
    epoch = data.readUInt32BE(epochEntry.offset);
  }
  const arch = string(TAG.ARCH);
  const sourceRpm = string(TAG.SOURCERPM);
  const license = string(TAG.LICENSE);
  const vendor = string(TAG.VENDOR);
  return {
    name,
    version,
    release,
    ...(epoch === undefined ? {} : { epoch }),
    ...(arch ? { arch } : {}),
    ...(sourceRpm ? { sourceRpm } : {}),
    ...(license ? { license } : {}),
    ...(vendor ? { vendor } : {}),
  };
}

/** The source package name of a SOURCERPM value: 'util-linux-2.32.1-42.el8_8.src.rpm' → 'util-linux'. */
export function sourceRpmName(sourceRpm: string): string | undefined {
  const match = /^(.+)-[^-]+-[^-]+\.(?:no)?src\.rpm$/.exec(sourceRpm);
  return match?.[1];
}
