/**
 * Where an image's files (oci-layout, index.json, blobs/..., manifest.json, layer tars) are read
 * from: a directory (OCI image layout) or an uncompressed tar archive (OCI archive, `docker save`).
 *
 * A tar archive is indexed once by reading only its 512-byte headers (POSIX ustar, pax `path`/
 * `linkpath`/`size` records, GNU long names; https://pubs.opengroup.org/onlinepubs/9799919799/utilities/pax.html),
 * so each member can later be streamed by byte range without extracting anything. Symlinked
 * members (docker save's `<id>/layer.tar -> ../<sha>.tar`) are followed inside the archive.
 * A truncated archive keeps every member that starts before the end: the cut member reports
 * `available < size`, and the indexing problem is in `diagnostics`.
 */
import { createReadStream } from 'node:fs';
import { type FileHandle, open, realpath, stat } from 'node:fs/promises';
import { join, posix, sep } from 'node:path';
import { Readable } from 'node:stream';
import type { Diagnostic } from '#core';
import { normaliseEntryName } from './member-name.ts';

export interface BlobStat {
  /** Declared size (the tar header's size for archive members). */
  readonly size: number;
  /** Bytes actually present (less than size when the archive is truncated). */
  readonly available: number;
}

export interface BlobSource {
  /** The path of the directory or archive, for messages. */
  readonly label: string;
  /** Problems found while indexing an archive (truncation, bad header). */
  readonly diagnostics: readonly Diagnostic[];
  stat(name: string): Promise<BlobStat | undefined>;
  /** Streams the present bytes of a member, from `start`. */
  open(name: string, start?: number): Promise<Readable>;
  /** Reads a whole member, refusing members above maxBytes (returns undefined when absent). */
  readAll(name: string, maxBytes: number): Promise<Buffer | undefined>;
  /** The first bytes of a member (for magic-number detection). */
  head(name: string, length: number): Promise<Buffer>;
  /** Member names (archives) or undefined (directories: not listed). */
  names(): readonly string[] | undefined;
}

/** Normalises a member name: no leading `./` or `/`, no `.` segments; '' for the root, undefined when it leaves the root. */
export function normaliseMemberName(name: string): string | undefined {
  const normal = normaliseEntryName(name);
  return normal.kind === 'traversal' ? undefined : normal.kind === 'root' ? '' : normal.path;
}

/** Read size for streamed blobs: fewer, larger reads than the 64 KiB default (layers are tens of MiB). */
const READ_CHUNK_BYTES = 1024 * 1024;

export class TooLargeBlobError extends Error {}

async function readStream(stream: Readable, maxBytes: number, label: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > maxBytes) {
      stream.destroy();
      throw new TooLargeBlobError(`${label} is larger than ${maxBytes} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** An OCI image layout (or any) directory. Names cannot leave the directory. */
export async function directorySource(root: string): Promise<BlobSource> {
  const realRoot = await realpath(root);
  async function locate(name: string): Promise<string | undefined> {
    const normal = normaliseMemberName(name);
    if (normal === undefined || normal === '') {
      return undefined;
    }
    try {
      const real = await realpath(join(realRoot, ...normal.split('/')));
      return real.startsWith(realRoot + sep) ? real : undefined;
    } catch {
      return undefined;
    }
  }
  const source: BlobSource = {
    label: root,
    diagnostics: [],
    names: () => undefined,
    async stat(name) {
      const file = await locate(name);
      if (!file) {
        return undefined;
      }
      const info = await stat(file);
      return info.isFile() ? { size: info.size, available: info.size } : undefined;
    },
    async open(name, start = 0) {
      const file = await locate(name);
      if (!file) {
        throw new Error(`${name} not found in ${root}`);
      }
      return createReadStream(file, { start, highWaterMark: READ_CHUNK_BYTES });
    },
    async readAll(name, maxBytes) {
      const file = await locate(name);
      if (!file) {
        return undefined;
      }
      return readStream(createReadStream(file), maxBytes, `${root}/${name}`);
    },
    async head(name, length) {
      const file = await locate(name);
      if (!file) {
        return Buffer.alloc(0);
      }
      const handle = await open(file, 'r');
      try {
        const buffer = Buffer.alloc(length);
        const { bytesRead } = await handle.read(buffer, 0, length, 0);
        return buffer.subarray(0, bytesRead);
      } finally {
        await handle.close();
      }
    },
  };
  return source;
}

interface Member {
  readonly name: string;
  readonly type: 'file' | 'symlink' | 'hardlink' | 'other';
  readonly offset: number;
  readonly size: number;
  readonly available: number;
  readonly linkname: string;
}

const BLOCK = 512;

function cString(buffer: Buffer, start: number, length: number): string {
  const slice = buffer.subarray(start, start + length);
  const end = slice.indexOf(0);
  return slice.subarray(0, end === -1 ? slice.length : end).toString('utf8');
}

/** Octal (NUL/space padded) or base-256 (high bit set) numeric header field. */
export function tarNumber(buffer: Buffer, start: number, length: number): number {
  const first = buffer[start] ?? 0;
  if (first & 0x80) {
    let value = first & 0x7f;
    for (let i = start + 1; i < start + length; i++) {
      value = value * 256 + (buffer[i] ?? 0);
    }
    return value;
  }
  const text = cString(buffer, start, length).trim();
  return text === '' ? 0 : Number.parseInt(text, 8);
}

function checksumOk(header: Buffer): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) {
    sum += i >= 148 && i < 156 ? 32 : (header[i] ?? 0);
  }
  return sum === tarNumber(header, 148, 8);
}

function parsePax(data: Buffer): Map<string, string> {
  const records = new Map<string, string>();
  let pos = 0;
  while (pos < data.length) {
    const space = data.indexOf(0x20, pos);
    if (space === -1) {
      break;
    }
    const length = Number.parseInt(data.subarray(pos, space).toString('ascii'), 10);
    if (!Number.isFinite(length) || length <= 0) {
      break;
    }
    const record = data.subarray(space + 1, pos + length - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq > 0) {
      records.set(record.slice(0, eq), record.slice(eq + 1));
    }
    pos += length;
  }
  return records;
}

/** Indexes an uncompressed tar archive (reads headers only). */
export async function tarSource(archive: string): Promise<BlobSource> {
  const handle = await open(archive, 'r');
  const members = new Map<string, Member>();
  const diagnostics: Diagnostic[] = [];
  try {
    const fileSize = (await handle.stat()).size;
    await indexTar(handle, fileSize, archive, members, diagnostics);
  } finally {
    await handle.close();
  }
  return archiveSource(archive, members, diagnostics);
}

async function indexTar(
  handle: FileHandle,
  fileSize: number,
  archive: string,
  members: Map<string, Member>,
  diagnostics: Diagnostic[],
): Promise<void> {
  const header = Buffer.alloc(BLOCK);
  let offset = 0;
  let longName: string | undefined;
  let longLink: string | undefined;
  let pax = new Map<string, string>();
  let zeroBlocks = 0;
  const problem = (message: string): void => {
    diagnostics.push({ level: 'error', code: 'image.truncated', message, location: { file: archive } });
  };
  while (offset + BLOCK <= fileSize) {
    const { bytesRead } = await handle.read(header, 0, BLOCK, offset);
    if (bytesRead < BLOCK) {
      break;
    }
    if (header.every((byte) => byte === 0)) {
      zeroBlocks++;
      offset += BLOCK;
      if (zeroBlocks === 2) {
        return;
      }
      continue;
    }
    zeroBlocks = 0;
    if (!checksumOk(header)) {
      diagnostics.push({
        level: 'error',
        code: 'image.corrupt-layer',
        message: `archive ${archive} has an invalid tar header at byte ${offset}; members after it are not read`,
        location: { file: archive, path: `byte ${offset}` },
      });
      return;
    }
    const typeflag = String.fromCharCode(header[156] ?? 0);
    let size = tarNumber(header, 124, 12);
    let name = cString(header, 0, 100);
    if (header.subarray(257, 262).toString('latin1') === 'ustar' && header[345] !== 0) {
      name = `${cString(header, 345, 155)}/${name}`;
    }
    let linkname = cString(header, 157, 100);
    const dataOffset = offset + BLOCK;
    if (pax.has('size')) {
      size = Number(pax.get('size'));
    }
    const available = Math.max(0, Math.min(size, fileSize - dataOffset));
    const next = dataOffset + Math.ceil(size / BLOCK) * BLOCK;
    if (typeflag === 'x' || typeflag === 'g' || typeflag === 'L' || typeflag === 'K') {
      if (size > 1024 * 1024 || available < size) {
        problem(`archive ${archive} is truncated or has an oversized extended header at byte ${offset}`);
        return;
      }
      const data = Buffer.alloc(size);
      await handle.read(data, 0, size, dataOffset);
      if (typeflag === 'x') {
        pax = parsePax(data);
      } else if (typeflag === 'L') {
        longName = cString(data, 0, size);
      } else if (typeflag === 'K') {
        longLink = cString(data, 0, size);
      }
      offset = next;
      continue;
    }
    name = pax.get('path') ?? longName ?? name;
    linkname = pax.get('linkpath') ?? longLink ?? linkname;
    pax = new Map();
    longName = undefined;
    longLink = undefined;
    const normal = normaliseMemberName(name);
    const type =
      typeflag === '0' || typeflag === '\0' || typeflag === '7'
        ? 'file'
        : typeflag === '2'
          ? 'symlink'
          : typeflag === '1'
            ? 'hardlink'
            : 'other';
    if (normal !== undefined && normal !== '') {
      members.set(normal, { name: normal, type, offset: dataOffset, size, available, linkname });
    }
    if (available < size) {
      problem(`archive ${archive} is truncated: member ${normal ?? name} has ${available} of ${size} bytes`);
      return;
    }
    offset = next;
  }
  if (offset < fileSize || zeroBlocks < 2) {
    problem(`archive ${archive} ends without an end-of-archive marker (truncated?)`);
  }
}

function archiveSource(archive: string, members: Map<string, Member>, diagnostics: Diagnostic[]): BlobSource {
  function resolve(name: string): Member | undefined {
    let current = normaliseMemberName(name);
    for (let hops = 0; hops < 40 && current !== undefined; hops++) {
      const member = members.get(current);
      if (!member) {
        return undefined;
      }
      if (member.type === 'file') {
        return member;
      }
      if (member.type === 'symlink') {
        const base = member.linkname.startsWith('/') ? '' : posix.dirname(current);
        current = normaliseMemberName(`${base}/${member.linkname}`);
        continue;
      }
      if (member.type === 'hardlink') {
        current = normaliseMemberName(member.linkname);
        continue;
      }
      return undefined;
    }
    return undefined;
  }
  function rangeStream(member: Member, start: number): Readable {
    if (member.available <= start) {
      return Readable.from([]);
    }
    return createReadStream(archive, {
      start: member.offset + start,
      end: member.offset + member.available - 1,
      highWaterMark: READ_CHUNK_BYTES,
    });
  }
  return {
    label: archive,
    diagnostics,
    names: () => [...members.keys()],
    async stat(name) {
      const member = resolve(name);
      return member ? { size: member.size, available: member.available } : undefined;
    },
    async open(name, start = 0) {
      const member = resolve(name);
      if (!member) {
        throw new Error(`${name} not found in ${archive}`);
      }
      return rangeStream(member, start);
    },
    async readAll(name, maxBytes) {
      const member = resolve(name);
      if (!member) {
        return undefined;
      }
      return readStream(rangeStream(member, 0), maxBytes, `${archive}:${name}`);
    },
    async head(name, length) {
      const member = resolve(name);
      if (!member) {
        return Buffer.alloc(0);
      }
      const handle = await open(archive, 'r');
      try {
        const buffer = Buffer.alloc(Math.min(length, member.available));
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, member.offset);
        return buffer.subarray(0, bytesRead);
      } finally {
        await handle.close();
      }
    },
  };
}
