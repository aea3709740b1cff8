/**
 * Loads OSV records into the advisory store from:
 * - an OSV export zip (`<ecosystem>/all.zip`: one `<ID>.json` per entry), read with yauzl one
 *   entry at a time through a small block cache, so a 500 MB archive is never in memory at once; a zip whose end records are
 *   missing (a truncated download) is read entry by entry from its local headers instead, and
 *   every complete entry before the damage still imports;
 * - a directory, walked recursively in sorted order for `*.json`, `*.yaml` and `*.yml` files
 *   (symbolic links are not followed);
 * - a single JSON or YAML file holding one record, a JSON array of records, or YAML documents.
 *
 * Every record that cannot be used gives one diagnostic naming the file (`archive.zip!entry.json`
 * inside a zip), the record's id and index where known, and the reason; the rest still imports.
 */
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, fstatSync, openSync, readSync } from 'node:fs';
import { type FileHandle, open, readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, extname, join, relative, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { crc32, inflateRawSync } from 'node:zlib';
import { parseAllDocuments } from 'yaml';
import yauzl from 'yauzl';
import type { Collected, Diagnostic, SourceLocation } from '#core';
import { parseAdvisory } from './osv.ts';
import type { AdvisoryStore, SourceInfo } from './store.ts';

export interface ImportInput {
  readonly path: string;
  /** Source name recorded in the store (default: the input's file or directory name). */
  readonly name?: string;
  /** Where the input was downloaded from, for `db status`. */
  readonly url?: string;
}

export interface ImportOptions {
  /** Largest single record file or zip entry, uncompressed (default 32 MiB). */
  readonly maxRecordBytes?: number;
  /** Largest single JSON/YAML input file, e.g. a JSON array of records (default 512 MiB). */
  readonly maxFileBytes?: number;
  /** Import time recorded for the sources (default: now). */
  readonly now?: Date;
}

export interface ImportResult {
  /** Records written (new, newer or equal `modified`). */
  readonly imported: number;
  /** Valid records not written because the stored record with the same id is newer. */
  readonly skipped: number;
  /** Records rejected (each has a diagnostic). */
  readonly invalid: number;
  readonly sources: readonly SourceInfo[];
}

const MiB = 1024 * 1024;
const RECORD_EXTENSIONS = new Set(['.json', '.yaml', '.yml']);

interface Counts {
  records: number;
  imported: number;
  skipped: number;
  invalid: number;
}

class Importer {
  readonly store: AdvisoryStore;
  readonly source: string;
  readonly diagnostics: Diagnostic[];
  readonly counts: Counts = { records: 0, imported: 0, skipped: 0, invalid: 0 };

  constructor(store: AdvisoryStore, source: string, diagnostics: Diagnostic[]) {
    this.store = store;
    this.source = source;
    this.diagnostics = diagnostics;
  }

  report(code: string, message: string, location: SourceLocation, level: Diagnostic['level'] = 'error'): void {
    this.diagnostics.push({ level, code, message, location });
  }

  /** Decodes one file's bytes (YAML by extension, or when it does not look like JSON) and stores each record. */
  content(file: string, bytes: Buffer): void {
    const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
    const ext = extname(file).toLowerCase();
    const yaml = ext === '.yaml' || ext === '.yml' || (ext !== '.json' && !/^\s*[[{]/.test(text));
    if (!yaml) {
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (error) {
        const message = (error as Error).message;
        const place = /line (\d+) column (\d+)/.exec(message);
        this.counts.invalid++;
        this.report('osv.syntax', `not valid JSON: ${message}`, {
          file,
          ...(place ? { line: Number(place[1]), column: Number(place[2]) } : {}),
        });
        return;
      }
      this.value(file, value, '');
      return;
    }
    const documents = parseAllDocuments(text, { prettyErrors: true });
    const list = Array.isArray(documents) ? documents : [documents];
    list.forEach((doc, index) => {
      const where = list.length > 1 ? `document ${index + 1}` : '';
      if (doc.errors.length > 0) {
        const first = doc.errors[0]!;
        this.counts.invalid++;
        this.report(
          'osv.syntax',
          `not valid YAML${where ? ` (${where})` : ''}: ${first.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`,
          {
            file,
            ...(first.linePos ? { line: first.linePos[0].line, column: first.linePos[0].col } : {}),
          },
        );
        return;
      }
      const value: unknown = doc.toJS({ maxAliasCount: 100 });
      if (value === null && list.length > 1) {
        return; // an empty document between separators
      }
      this.value(file, value, where);
    });
  }

  /** One decoded value: a record, or an array of records. */
  value(file: string, value: unknown, where: string): void {
    if (Array.isArray(value)) {
      value.forEach((item, index) => {
        this.record(file, item, where, `[${index}]`);
      });
      return;
    }
    this.record(file, value, where, '');
  }

  /** One record; `where` names the YAML document, `index` the array element (`[3]`). */
  record(file: string, value: unknown, where: string, index: string): void {
    const result = parseAdvisory(value);
    if (!result.ok) {
      this.counts.invalid++;
      const first = result.problems[0];
      const shown = result.problems
        .slice(0, 3)
        .map((p) => (p.path ? `${p.path}: ${p.message}` : p.message))
        .join('; ');
      const more = result.problems.length > 3 ? ` (and ${result.problems.length - 3} more)` : '';
      const what = [where, index && `record ${index}`, result.id].filter(Boolean).join(' ');
      const path = first?.path ? (index ? `${index}.${first.path}` : first.path) : index;
      this.report('osv.invalid', `${what ? `${what}: ` : ''}not a valid OSV record: ${shown}${more}`, {
        file,
        ...(path ? { path } : {}),
      });
      return;
    }
    this.counts.records++;
    if (this.store.put(result.advisory, this.source) === 'imported') {
      this.counts.imported++;
    } else {
      this.counts.skipped++;
    }
  }
}

/**
 * Imports every input into the store, one source per input. Inputs that cannot be read at all
 * (missing, unreadable, not a zip/JSON/YAML) give a diagnostic and are not recorded as sources.
 */
export async function importAdvisories(
  store: AdvisoryStore,
  inputs: readonly (string | ImportInput)[],
  options: ImportOptions = {},
): Promise<Collected<ImportResult>> {
  const diagnostics: Diagnostic[] = [];
  const sources: SourceInfo[] = [];
  const totals = { imported: 0, skipped: 0, invalid: 0 };
  const maxRecord = options.maxRecordBytes ?? 32 * MiB;
  const maxFile = options.maxFileBytes ?? 512 * MiB;
  for (const input of inputs) {
    const spec: ImportInput = typeof input === 'string' ? { path: input } : input;
    const path = resolve(spec.path);
    // OSV exports are all called all.zip: name them after their folder (`PyPI/all.zip`).
    const name = spec.name ?? (basename(path) === 'all.zip' ? `${basename(dirname(path))}/all.zip` : basename(path));
    const importer = new Importer(store, name, diagnostics);
    let sha256: string | undefined;
    try {
      const info = await stat(path);
      if (info.isDirectory()) {
        sha256 = await importDirectory(importer, path, maxRecord);
      } else if (info.isFile()) {
        if (await isZip(path)) {
          sha256 = await importZip(importer, path, maxRecord);
        } else if (info.size > maxFile) {
          importer.report('input.too-large', `${info.size} bytes, more than the limit of ${maxFile}`, { file: path });
        } else {
          const bytes = await readFile(path);
          sha256 = createHash('sha256').update(bytes).digest('hex');
          importer.content(path, bytes);
        }
      } else {
        importer.report('input.unsupported', 'neither a file nor a directory', { file: path });
      }
    } catch (error) {
      const err = error as NodeJS.ErrnoException;
      importer.report(
        err.code === 'ENOENT' ? 'input.not-found' : 'input.unreadable',
        err.code === 'ENOENT' ? 'no such file or directory' : `cannot read: ${err.message}`,
        { file: path },
      );
    }
    store.flush();
    totals.imported += importer.counts.imported;
    totals.skipped += importer.counts.skipped;
    totals.invalid += importer.counts.invalid;
    if (sha256 !== undefined) {
      const source: SourceInfo = {
        name,
        path,
        ...(spec.url === undefined ? {} : { url: spec.url }),
        importedAt: options.now ?? new Date(),
        records: importer.counts.records,
        invalid: importer.counts.invalid,
        sha256,
      };
      store.recordSource(source);
      sources.push(source);
    }
  }
  return { value: { ...totals, sources }, diagnostics };
}

async function isZip(path: string): Promise<boolean> {
  if (extname(path).toLowerCase() === '.zip') {
    return true;
  }
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(4);
    const { bytesRead } = await handle.read(head, 0, 4, 0);
    return bytesRead === 4 && head.readUInt32LE(0) === 0x04034b50;
  } finally {
    await handle.close();
  }
}

/** Imports the record files under `root`; returns the sha256 of (relative path, content) of each, in order. */
async function importDirectory(importer: Importer, root: string, maxRecord: number): Promise<string> {
  const hash = createHash('sha256');
  const walk = async (dir: string): Promise<void> => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      importer.report('input.unreadable', `cannot read directory: ${(error as Error).message}`, { file: dir });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        await walk(path);
      } else if (entry.isFile() && RECORD_EXTENSIONS.has(extname(entry.name).toLowerCase())) {
        try {
          const size = (await stat(path)).size;
          if (size > maxRecord) {
            importer.report('input.too-large', `${size} bytes, more than the limit of ${maxRecord}`, { file: path });
            continue;
          }
          const bytes = await readFile(path);
          hash.update(`${relative(root, path)}\0${bytes.length}\0`).update(bytes);
          importer.content(path, bytes);
        } catch (error) {
          importer.report('input.unreadable', `cannot read: ${(error as Error).message}`, { file: path });
        }
      }
    }
  };
  await walk(root);
  return hash.digest('hex');
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) {
    hash.update(chunk as Buffer);
  }
  return hash.digest('hex');
}

function isRecordEntry(name: string): boolean {
  return !name.endsWith('/') && RECORD_EXTENSIONS.has(extname(name).toLowerCase());
}

/**
 * yauzl's view of the zip file, reading through a small cache of 1 MiB blocks with synchronous
 * reads. yauzl's own file reader issues one asynchronous read per header and per entry, about
 * 150 µs an entry here; the cache keeps the central directory block and the data block in memory,
 * so a 200,000-entry export is read in a few large reads. Memory stays at a few blocks.
 */
class BlockReader extends yauzl.RandomAccessReader {
  static readonly BLOCK = 1024 * 1024;
  static readonly BLOCKS = 4;
  readonly #fd: number;
  readonly #size: number;
  readonly #blocks = new Map<number, Buffer>();
  #closed = false;

  constructor(fd: number, size: number) {
    super();
    this.#fd = fd;
    this.#size = size;
  }

  #block(index: number): Buffer {
    let block = this.#blocks.get(index);
    if (block === undefined) {
      const start = index * BlockReader.BLOCK;
      const length = Math.min(BlockReader.BLOCK, this.#size - start);
      block = Buffer.allocUnsafe(Math.max(length, 0));
      let done = 0;
      while (done < length) {
        const n = readSync(this.#fd, block, done, length - done, start + done);
        if (n === 0) {
          throw new Error(`unexpected end of file at byte ${start + done}`);
        }
        done += n;
      }
      if (this.#blocks.size >= BlockReader.BLOCKS) {
        this.#blocks.delete(this.#blocks.keys().next().value!);
      }
    } else {
      this.#blocks.delete(index); // re-insert: most recently used last
    }
    this.#blocks.set(index, block);
    return block;
  }

  /** `length` bytes at `position`; throws past the end of the file. */
  bytes(position: number, length: number): Buffer {
    if (position < 0 || position + length > this.#size) {
      throw new Error(`read of ${length} bytes at ${position} runs past the end of the ${this.#size}-byte file`);
    }
    const B = BlockReader.BLOCK;
    const first = Math.floor(position / B);
    if (Math.floor((position + length - 1) / B) === first || length === 0) {
      const offset = position - first * B;
      return this.#block(first).subarray(offset, offset + length);
    }
    if (length > 2 * B) {
      const out = Buffer.allocUnsafe(length);
      let done = 0;
      while (done < length) {
        done += readSync(this.#fd, out, done, length - done, position + done);
      }
      return out;
    }
    const out = Buffer.allocUnsafe(length);
    for (let done = 0; done < length; ) {
      const at = position + done;
      const index = Math.floor(at / B);
      const block = this.#block(index);
      done += block.copy(out, done, at - index * B);
    }
    return out;
  }

  override read(
    buffer: Buffer,
    offset: number,
    length: number,
    position: number,
    callback: (err: Error | null) => void,
  ): void {
    let error: Error | null = null;
    try {
      this.bytes(position, length).copy(buffer, offset);
    } catch (e) {
      error = e as Error;
    }
    // Asynchronous as yauzl expects, without growing the stack from one entry to the next.
    queueMicrotask(() => callback(error));
  }

  override _readStreamForRange(start: number, end: number): Readable {
    return Readable.from([Buffer.from(this.bytes(start, end - start))]);
  }

  /** Closes the file once; later calls do nothing. */
  dispose(): void {
    if (!this.#closed) {
      this.#closed = true;
      this.#blocks.clear();
      closeSync(this.#fd);
    }
  }

  override close(callback: (err: Error | null) => void): void {
    this.dispose();
    queueMicrotask(() => callback(null));
  }
}

/** Imports each record entry of a zip; returns the archive's sha256. */
async function importZip(importer: Importer, path: string, maxRecord: number): Promise<string> {
  const sha256 = await sha256File(path);
  const fd = openSync(path, 'r');
  const reader = new BlockReader(fd, fstatSync(fd).size);
  let zip: yauzl.ZipFile;
  try {
    zip = await new Promise<yauzl.ZipFile>((done, fail) => {
      yauzl.fromRandomAccessReader(
        reader,
        fstatSync(fd).size,
        { lazyEntries: true, autoClose: true, decodeStrings: true, validateEntrySizes: true },
        (e, z) => (e ? fail(e) : done(z)),
      );
    });
  } catch (error) {
    reader.dispose();
    importer.report(
      'zip.invalid',
      `cannot read the zip's central directory (${(error as Error).message}); reading its entries from the local headers`,
      { file: path },
      'warning',
    );
    await salvageZip(importer, path, maxRecord);
    return sha256;
  }
  await new Promise<void>((done, abort) => {
    let finished = false;
    const finish = () => {
      if (!finished) {
        finished = true;
        done();
      }
    };
    /** An exception in a yauzl callback (a bug, or the database failing) rejects the import instead of escaping. */
    const guard =
      <A extends unknown[]>(fn: (...args: A) => void) =>
      (...args: A): void => {
        try {
          fn(...args);
        } catch (error) {
          finished = true;
          reader.dispose();
          abort(error);
        }
      };
    zip.on('error', (error: Error) => {
      importer.report('zip.invalid', `stopped reading the zip: ${error.message}`, { file: path });
      reader.dispose();
      finish();
    });
    zip.on('end', finish);
    zip.on(
      'entry',
      guard((entry: yauzl.Entry) => {
        const file = `${path}!${entry.fileName}`;
        const fail = (message: string) => {
          importer.counts.invalid++;
          importer.report('zip.entry', message, { file });
        };
        if (!isRecordEntry(entry.fileName)) {
          zip.readEntry();
          return;
        }
        if (entry.uncompressedSize > maxRecord || entry.compressedSize > maxRecord) {
          importer.report('input.too-large', `${entry.uncompressedSize} bytes, more than the limit of ${maxRecord}`, {
            file,
          });
          zip.readEntry();
          return;
        }
        if (entry.isEncrypted() || (entry.compressionMethod !== 0 && entry.compressionMethod !== 8)) {
          fail(
            entry.isEncrypted()
              ? 'the entry is encrypted'
              : `unsupported compression method ${entry.compressionMethod}`,
          );
          zip.readEntry();
          return;
        }
        zip.readLocalFileHeader(
          entry,
          { minimal: true },
          guard((error: Error | null, header: { fileDataStart: number }) => {
            if (error) {
              fail(`cannot read the entry's local header: ${error.message}`);
              zip.readEntry();
              return;
            }
            let content: Buffer;
            try {
              const raw = reader.bytes(header.fileDataStart, entry.compressedSize);
              content =
                entry.compressionMethod === 8
                  ? inflateRawSync(raw, { maxOutputLength: Math.max(entry.uncompressedSize, 1) })
                  : raw;
            } catch (readError) {
              fail(`cannot read the entry: ${(readError as Error).message}`);
              zip.readEntry();
              return;
            }
            if (content.length !== entry.uncompressedSize || crc32(content) !== entry.crc32) {
              fail('the entry does not match its size or CRC-32');
            } else {
              importer.content(file, content);
            }
            zip.readEntry();
          }),
        );
      }),
    );
    zip.readEntry();
  });
  return sha256;
}

/**
 * Reads a zip without its central directory (APPNOTE 4.3.7, local file headers), entry after
 * entry, checking each CRC-32. Stops with a diagnostic at the first header that is damaged, cut
 * short or uses a data descriptor (whose sizes only the central directory would give).
 */
async function salvageZip(importer: Importer, path: string, maxRecord: number): Promise<void> {
  const handle: FileHandle = await open(path, 'r');
  try {
    const size = (await handle.stat()).size;
    let offset = 0;
    let count = 0;
    const read = async (position: number, length: number): Promise<Buffer | undefined> => {
      if (position + length > size) {
        return undefined;
      }
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await handle.read(buffer, 0, length, position);
      return bytesRead === length ? buffer : undefined;
    };
    const stop = (message: string) =>
      importer.report(
        'zip.truncated',
        `${message} at byte ${offset}, after ${count} entries; the rest of the zip is lost`,
        { file: path },
        'error',
      );
    for (;;) {
      const header = await read(offset, 30);
      if (header === undefined) {
        if (offset < size) {
          stop('the zip ends inside a local header');
        }
        return;
      }
      const signature = header.readUInt32LE(0);
      if (signature === 0x02014b50 || signature === 0x06054b50 || signature === 0x06064b50) {
        stop('the central directory is damaged');
        return;
      }
      if (signature !== 0x04034b50) {
        stop('no local file header');
        return;
      }
      const flags = header.readUInt16LE(6);
      const method = header.readUInt16LE(8);
      const crc = header.readUInt32LE(14);
      let compressedSize = header.readUInt32LE(18);
      let uncompressedSize = header.readUInt32LE(22);
      const nameLength = header.readUInt16LE(26);
      const extraLength = header.readUInt16LE(28);
      const meta = await read(offset + 30, nameLength + extraLength);
      if (meta === undefined) {
        stop('the zip ends inside a local header');
        return;
      }
      const name = meta.subarray(0, nameLength).toString('utf8');
      if (compressedSize === 0xffffffff || uncompressedSize === 0xffffffff) {
        const extra = meta.subarray(nameLength);
        for (let at = 0; at + 4 <= extra.length; ) {
          const id = extra.readUInt16LE(at);
          const length = extra.readUInt16LE(at + 2);
          if (id === 0x0001 && length >= 16 && at + 20 <= extra.length) {
            uncompressedSize = Number(extra.readBigUInt64LE(at + 4));
            compressedSize = Number(extra.readBigUInt64LE(at + 12));
          }
          at += 4 + length;
        }
      }
      if (flags & 0x0008) {
        stop(`entry "${name}" keeps its sizes in a data descriptor`);
        return;
      }
      const dataStart = offset + 30 + nameLength + extraLength;
      const file = `${path}!${name}`;
      if (!isRecordEntry(name)) {
        offset = dataStart + compressedSize;
        continue;
      }
      if (uncompressedSize > maxRecord || compressedSize > maxRecord) {
        importer.report('input.too-large', `${uncompressedSize} bytes, more than the limit of ${maxRecord}`, { file });
        offset = dataStart + compressedSize;
        continue;
      }
      const body = await read(dataStart, compressedSize);
      if (body === undefined) {
        stop(`the zip ends inside entry "${name}"`);
        return;
      }
      offset = dataStart + compressedSize;
      let content: Buffer;
      try {
        if (method === 0) {
          content = body;
        } else if (method === 8) {
          content = inflateRawSync(body, { maxOutputLength: Math.max(uncompressedSize, 1) });
        } else {
          importer.counts.invalid++;
          importer.report('zip.entry', `unsupported compression method ${method}`, { file });
          continue;
        }
      } catch (error) {
        importer.counts.invalid++;
        importer.report('zip.entry', `cannot inflate the entry: ${(error as Error).message}`, { file });
        continue;
      }
      if (content.length !== uncompressedSize || crc32(content) !== crc) {
        importer.counts.invalid++;
        importer.report('zip.entry', 'the entry does not match its size or CRC-32', { file });
        continue;
      }
      count++;
      importer.content(file, content);
    }
  } finally {
    await handle.close();
  }
}
