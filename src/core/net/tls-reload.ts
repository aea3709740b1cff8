/**
 * Serving certificates that rotate under a running HTTPS server: read a certificate, its private
 * key and optionally a CA bundle from files, check that they make a TLS context, and re-read them
 * when the files change (a Kubernetes Secret mount swaps its `..data` symlink; cert-manager and the
 * OpenShift service CA rewrite the files), installing a new pair only when it is good. A bad pair
 * (the key written before its certificate, a truncated file, a CA file without certificates)
 * keeps the previous one until the next change. Used by the audit webhook (`detect serve`) and the
 * admission webhook (`admission serve`).
 *
 * Errors are NamedFileError: the message starts with the file and says what is wrong with it.
 */
import { X509Certificate } from 'node:crypto';
import { type FSWatcher, watch } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createSecureContext } from 'node:tls';

export interface TlsFiles {
  /** PEM certificate (chain) the server presents. */
  readonly certFile: string;
  /** PEM private key of that certificate. */
  readonly keyFile: string;
  /** PEM CA bundle (client certificates are verified against it, for mutual TLS). */
  readonly caFile?: string;
}

/** The bytes of the files, ready for `createServer`/`setSecureContext`. */
export interface TlsMaterial {
  readonly cert: Buffer;
  readonly key: Buffer;
  readonly ca?: Buffer;
}

/** A problem with one input file: the message names the file. */
export class NamedFileError extends Error {
  readonly file: string;
  constructor(file: string, message: string) {
    super(`${file}: ${message}`);
    this.name = 'NamedFileError';
    this.file = file;
  }
}

const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** Reads a file, or throws NamedFileError naming it and what it was for. */
export async function readNamedFile(file: string, what: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (err) {
    throw new NamedFileError(file, `cannot read the ${what}: ${messageOf(err)}`);
  }
}

function settled<T>(result: PromiseSettledResult<T>): T {
  if (result.status === 'rejected') throw result.reason;
  return result.value;
}

/**
 * Reads the files together, but reports the first failure in the order certificate, key, CA, not
 * whichever read happened to fail first.
 */
export async function readTlsMaterial(files: TlsFiles): Promise<TlsMaterial> {
  const { caFile } = files;
  const [cert, key, ca] = await Promise.allSettled([
    readNamedFile(files.certFile, 'TLS certificate'),
    readNamedFile(files.keyFile, 'TLS private key'),
    caFile === undefined ? undefined : readNamedFile(caFile, 'client CA file'),
  ]);
  const certBytes = settled(cert);
  const keyBytes = settled(key);
  const caBytes = settled(ca);
  return { cert: certBytes, key: keyBytes, ...(caBytes ? { ca: caBytes } : {}) };
}

/** createSecureContext() accepts any bytes as `ca`: check that the bundle holds certificates. */
export function checkCaBundle(file: string, pem: Buffer): void {
  const text = pem.toString('utf8');
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  const begins = text.match(/-----BEGIN CERTIFICATE-----/g)?.length ?? 0;
  if (begins !== blocks.length) throw new NamedFileError(file, 'the client CA file has an incomplete PEM certificate');
  if (blocks.length === 0) throw new NamedFileError(file, 'the client CA file has no PEM certificate');
  blocks.forEach((block, i) => {
    try {
      new X509Certificate(block);
    } catch (err) {
      throw new NamedFileError(file, `certificate ${i + 1} of the client CA file does not parse: ${messageOf(err)}`);
    }
  });
}

/** Throws NamedFileError (naming the file) unless the material makes a TLS context. */
export function checkTlsMaterial(files: TlsFiles, material: TlsMaterial): void {
  if (files.caFile !== undefined && material.ca !== undefined) checkCaBundle(files.caFile, material.ca);
  try {
    createSecureContext(material); // validates the pair (key mismatch, bad PEM) before it is installed
  } catch (err) {
    const message = `the TLS certificate does not load with the key ${files.keyFile}: ${messageOf(err)}`;
    throw new NamedFileError(files.certFile, message);
  }
}

/** Reads and checks the files (NamedFileError when they do not make a context). */
export async function loadTlsMaterial(files: TlsFiles): Promise<TlsMaterial> {
  const material = await readTlsMaterial(files);
  checkTlsMaterial(files, material);
  return material;
}

function sameBytes(a: Buffer | undefined, b: Buffer | undefined): boolean {
  return a === undefined || b === undefined ? a === b : a.equals(b);
}

export interface TlsReloaderOptions extends TlsFiles {
  /**
   * Installs new, checked material (typically `server.setSecureContext(next)`: the whole context,
   * `ca` included, or clients would be verified against the default roots). Throwing refuses it:
   * the previous material stays and `onError` is told.
   */
  install(next: TlsMaterial, previous: TlsMaterial): void;
  /** A reload that failed (unreadable file, bad pair, refused by `install`): the previous material stays. */
  onError(error: unknown): void;
}

export interface TlsReloader {
  /** The material installed last. */
  readonly current: TlsMaterial;
  /** When `current` was installed. */
  readonly loadedAt: Date;
  /** Installed reloads so far (the initial load not counted). */
  readonly reloads: number;
  /** Failed reloads so far. */
  readonly errors: number;
  /** Re-reads the files; true when new material was installed (false when unchanged or bad). */
  reload(): Promise<boolean>;
}

/**
 * Loads the files once (throws NamedFileError when they are bad: nothing to serve with), then
 * `reload()` installs changed material through `install` when it is good.
 */
export async function createTlsReloader(options: TlsReloaderOptions): Promise<TlsReloader> {
  let current = await loadTlsMaterial(options);
  let loadedAt = new Date();
  let reloads = 0;
  let errors = 0;
  const fail = (err: unknown): false => {
    errors++;
    options.onError(err);
    return false;
  };
  return {
    get current() {
      return current;
    },
    get loadedAt() {
      return loadedAt;
    },
    get reloads() {
      return reloads;
    },
    get errors() {
      return errors;
    },
    async reload(): Promise<boolean> {
      let next: TlsMaterial;
      try {
        next = await readTlsMaterial(options);
      } catch (err) {
        return fail(err);
      }
      if (sameBytes(next.cert, current.cert) && sameBytes(next.key, current.key) && sameBytes(next.ca, current.ca)) {
        return false;
      }
      try {
        checkTlsMaterial(options, next);
        options.install(next, current);
      } catch (err) {
        return fail(err);
      }
      current = next;
      loadedAt = new Date();
      reloads++;
      return true;
    },
  };
}

export interface FileWatchOptions {
  /** Files whose changes call `onChange` (their folders are watched). */
  readonly files: readonly string[];
  /** Wait after a change before calling `onChange`, so a burst of writes is one call (default 100 ms). */
  readonly delayMs?: number;
  /** Also call `onChange` this often, in case a change was not seen (default 60 s; 0 = never). */
  readonly intervalMs?: number;
  onChange(): void;
  /** A folder that cannot be watched (its files are re-read on the interval only). */
  onWatchError?(dir: string, error: unknown): void;
}

export interface FileWatch {
  close(): void;
}

/**
 * Calls `onChange` (debounced) when a file of the list may have changed, and on an interval.
 * Watches the folders, not the files: an atomic replace (rename, or the `..data` symlink swap of a
 * mounted Secret or ConfigMap) ends a watch on the file itself. Timers do not keep the process alive.
 */
export function watchFiles(options: FileWatchOptions): FileWatch {
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const schedule = (): void => {
    if (closed) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      options.onChange();
    }, options.delayMs ?? 100);
    timer.unref();
  };
  const watchers: FSWatcher[] = [];
  for (const dir of new Set(options.files.map((f) => dirname(f)))) {
    try {
      const w = watch(dir, { persistent: false }, schedule);
      w.on('error', () => {});
      watchers.push(w);
    } catch (err) {
      options.onWatchError?.(dir, err);
    }
  }
  const intervalMs = options.intervalMs ?? 60_000;
  const interval = intervalMs > 0 ? setInterval(() => options.onChange(), intervalMs) : undefined;
  interval?.unref();
  return {
    close(): void {
      closed = true;
      for (const w of watchers) w.close();
      if (timer) clearTimeout(timer);
      if (interval) clearInterval(interval);
    },
  };
}
