/**
 * Reading zip archives held in memory (jar, war, ear), for the jar analyzer, through yauzl.
 *
 * Format: PKWARE APPNOTE.TXT (https://pkware.cachefly.net/webdocs/casestudies/APPNOTE.TXT).
 * Every read is bounded: the caller passes the most bytes it accepts for one entry, checked
 * against the entry's declared size before inflating; yauzl then fails an entry whose data
 * inflates past its declared size (validateEntrySizes), so a lying header cannot grow a read.
 * Nothing here throws: failures come back as `{ error }`.
 */
import type { Entry, ZipFile } from 'yauzl';
import yauzl from 'yauzl';

export interface ZipListing {
  readonly zip: ZipFile;
  readonly entries: readonly Entry[];
  /** Set when the central directory could not be read to its end: `entries` is what came before. */
  readonly error?: string;
}

/** Most entries read from one archive's central directory (a real jar has a few thousand). */
export const MAX_ENTRIES = 200_000;

/** Opens an archive and reads its central directory. */
export async function listZip(data: Buffer): Promise<ZipListing | { readonly error: string }> {
  let zip: ZipFile;
  try {
    zip = await yauzl.fromBufferPromise(data, { lazyEntries: true, autoClose: false });
  } catch (error) {
    return { error: messageOf(error) };
  }
  return new Promise((resolve) => {
    const entries: Entry[] = [];
    const done = (error?: string): void => {
      zip.removeAllListeners('entry');
      zip.removeAllListeners('end');
      zip.removeAllListeners('error');
      // Later errors (after we stopped reading) must not become unhandled 'error' events.
      zip.on('error', () => {});
      resolve(error === undefined ? { zip, entries } : { zip, entries, error });
    };
    zip.on('entry', (entry: Entry) => {
      entries.push(entry);
      if (entries.length >= MAX_ENTRIES) {
        done(`more than ${MAX_ENTRIES} entries; the rest is not read`);
        return;
      }
      zip.readEntry();
    });
    zip.on('end', () => done());
    zip.on('error', (error: unknown) => done(messageOf(error)));
    zip.readEntry();
  });
}

/** Reads one entry's data, refusing entries declared larger than `limit` bytes. */
export async function readZipEntry(
  zip: ZipFile,
  entry: Entry,
  limit: number,
): Promise<Buffer | { readonly error: string }> {
  if (entry.uncompressedSize > limit) {
    return { error: `declared size ${entry.uncompressedSize} bytes is over the limit of ${limit}` };
  }
  try {
    const stream = await zip.openReadStreamPromise(entry);
    const chunks: Buffer[] = [];
    let total = 0;
    for await (const chunk of stream) {
      const buf = chunk as Buffer;
      total += buf.length;
      if (total > limit) {
        stream.destroy();
        return { error: `data is larger than the limit of ${limit} bytes` };
      }
      chunks.push(buf);
    }
    return Buffer.concat(chunks, total);
  } catch (error) {
    return { error: messageOf(error) };
  }
}

export function closeZip(zip: ZipFile): void {
  try {
    zip.close();
  } catch {
    // Already closed.
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
