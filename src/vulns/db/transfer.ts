/**
 * Moving the advisory database: `update` downloads the OSV project's per-ecosystem exports
 * (`<base>/<ecosystem>/all.zip`, the layout of https://osv-vulnerabilities.storage.googleapis.com)
 * and imports them; `push` and `pull` move the database file as an OCI artifact, so that an
 * air-gapped cluster mirrors it into its own registry (ACR) instead of reaching the internet.
 */
import { createWriteStream } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type Collected, type Diagnostic, ExternalError } from '#core';
import { type ClientOptions, pullArtifact, pushArtifact } from '#images';
import { type ImportResult, importAdvisories } from './import.ts';
import type { AdvisoryStore } from './store.ts';

export const DEFAULT_OSV_BASE_URL = 'https://osv-vulnerabilities.storage.googleapis.com';
/** Ecosystems `db update` fetches when none are named: those Palisade finds packages for. */
export const DEFAULT_UPDATE_ECOSYSTEMS = [
  'Debian',
  'Ubuntu',
  'Alpine',
  'Wolfi',
  'Chainguard',
  'Red Hat',
  'Rocky Linux',
  'AlmaLinux',
  'Azure Linux',
  'SUSE',
  'openSUSE',
  'npm',
  'PyPI',
  'Go',
  'Maven',
  'NuGet',
  'crates.io',
  'RubyGems',
  'Packagist',
] as const;

export const DB_ARTIFACT_TYPE = 'application/vnd.palisade.vulndb.v1';
export const DB_LAYER_MEDIA_TYPE = 'application/vnd.palisade.vulndb.v1.sqlite';
const DB_TITLE = 'vulndb.sqlite';

export interface UpdateOptions {
  readonly baseUrl?: string;
  readonly ecosystems?: readonly string[];
  /** Per-download time limit in ms (default 10 minutes). */
  readonly timeoutMs?: number;
}

async function download(url: string, file: string, timeoutMs: number): Promise<void> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    throw new ExternalError('external.unavailable', `could not download ${url}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (!response.ok || !response.body) {
    throw new ExternalError('external.unavailable', `could not download ${url}: HTTP ${response.status}`);
  }
  await pipeline(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream), createWriteStream(file));
}

/** Download each ecosystem's all.zip and import it. A failed download is a diagnostic; the others still import. */
export async function updateDatabase(
  store: AdvisoryStore,
  options: UpdateOptions = {},
): Promise<Collected<ImportResult[]>> {
  const base = (options.baseUrl ?? DEFAULT_OSV_BASE_URL).replace(/\/+$/, '');
  const diagnostics: Diagnostic[] = [];
  const results: ImportResult[] = [];
  const work = await mkdtemp(join(tmpdir(), 'palisade-osv-'));
  try {
    for (const ecosystem of options.ecosystems ?? DEFAULT_UPDATE_ECOSYSTEMS) {
      const url = `${base}/${encodeURIComponent(ecosystem)}/all.zip`;
      const file = join(work, `${ecosystem.replace(/[^\w.-]+/g, '_')}.zip`);
      try {
        await download(url, file, options.timeoutMs ?? 600_000);
      } catch (error) {
        diagnostics.push({
          level: 'error',
          code: 'vulndb.download-failed',
          message: (error as Error).message,
          location: { file: url },
        });
        continue;
      }
      const imported = await importAdvisories(store, [{ path: file, name: `${ecosystem}/all.zip`, url }]);
      results.push(imported.value);
      diagnostics.push(...imported.diagnostics);
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return { value: results, diagnostics };
}

/** Push the database file (closed or checkpointed by the caller) as an OCI artifact. */
export async function pushDatabase(
  file: string,
  ref: string,
  options: ClientOptions = {},
): Promise<{ manifestDigest: string }> {
  const result = await pushArtifact(ref, {
    ...options,
    artifactType: DB_ARTIFACT_TYPE,
    files: [{ path: file, mediaType: DB_LAYER_MEDIA_TYPE, title: DB_TITLE }],
    annotations: { 'org.opencontainers.image.created': new Date().toISOString() },
  });
  return { manifestDigest: result.manifestDigest };
}

/** Pull a database artifact and put it in place of `file` atomically. */
export async function pullDatabase(
  ref: string,
  file: string,
  options: ClientOptions = {},
): Promise<{ manifestDigest: string; size: number }> {
  await mkdir(dirname(file), { recursive: true });
  const work = await mkdtemp(join(dirname(file), `.${basename(file)}.pull-`));
  try {
    const pulled = await pullArtifact(ref, work, { ...options, artifactType: DB_ARTIFACT_TYPE });
    const db = pulled.files.find((f) => f.title === DB_TITLE);
    if (!db) {
      throw new ExternalError('external.unavailable', `${ref} holds no ${DB_TITLE} layer`);
    }
    const staged = `${file}.pulled`;
    await copyFile(db.path, staged);
    await rm(`${file}-wal`, { force: true });
    await rm(`${file}-shm`, { force: true });
    await rename(staged, file);
    return { manifestDigest: pulled.manifestDigest, size: db.size };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
