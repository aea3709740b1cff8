/**
 * Files as an OCI artifact (for `palisade db push|pull`): an OCI image manifest with
 * `artifactType`, the empty config descriptor and one layer per file, each layer titled with
 * `org.opencontainers.image.title`, as image-spec v1.1 describes artifacts
 * (https://github.com/opencontainers/image-spec/blob/main/manifest.md#guidelines-for-artifact-usage).
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { InputError, UsageError } from '#core';
import { type ClientOptions, RegistryClient } from './client.ts';
import { type Descriptor, MEDIA_TYPES } from './manifest.ts';
import { parseReference, type RegistryReference } from './reference.ts';

export const TITLE_ANNOTATION = 'org.opencontainers.image.title';
const EMPTY_CONFIG = Buffer.from('{}');

export interface ArtifactFile {
  readonly path: string;
  /** Layer media type; default application/octet-stream. */
  readonly mediaType?: string;
  /** Name recorded in org.opencontainers.image.title; default the file's base name. */
  readonly title?: string;
  readonly annotations?: Readonly<Record<string, string>>;
}

export interface PushArtifactOptions extends ClientOptions {
  readonly files: readonly ArtifactFile[];
  readonly artifactType: string;
  readonly annotations?: Readonly<Record<string, string>>;
  /** Uploads larger than this go in PATCH chunks of this size. Default 64 MiB. */
  readonly chunkSize?: number;
  readonly client?: RegistryClient;
}

export interface PushResult {
  readonly reference: RegistryReference;
  readonly manifestDigest: string;
  readonly manifestSize: number;
  readonly layers: readonly Descriptor[];
  /** Blobs the registry already had. */
  readonly skippedBlobs: number;
}

const TITLE_RE = /^[A-Za-z0-9._+-][A-Za-z0-9._+ -]{0,254}$/;

function checkTitle(title: string, where: string): string {
  if (!TITLE_RE.test(title) || title === '.' || title === '..') {
    throw new InputError('input.invalid', `${where}: artifact file name "${title}" is not a plain file name`);
  }
  return title;
}

async function describeFile(path: string): Promise<{ digest: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  try {
    for await (const chunk of createReadStream(path)) {
      hash.update(chunk as Buffer);
      size += (chunk as Buffer).length;
    }
  } catch (error) {
    throw new InputError('input.not-found', `cannot read ${path}: ${(error as Error).message}`, {
      location: { file: path },
    });
  }
  return { digest: `sha256:${hash.digest('hex')}`, size };
}

/** Push files as one artifact under `ref` (a tag, or a digest to push by digest). */
export async function pushArtifact(ref: string | RegistryReference, options: PushArtifactOptions): Promise<PushResult> {
  const reference = typeof ref === 'string' ? parseReference(ref) : ref;
  if (options.files.length === 0) throw new UsageError('an artifact needs at least one file');
  if (!/^[\w.+-]+\/[\w.+-]+$/.test(options.artifactType)) {
    throw new UsageError(`artifact type "${options.artifactType}" is not a media type (type/subtype)`);
  }
  const client = options.client ?? new RegistryClient(options);
  const layers: Descriptor[] = [];
  const titles = new Set<string>();
  let skippedBlobs = 0;
  for (const file of options.files) {
    const info = await stat(file.path).catch((error: Error) => {
      throw new InputError('input.not-found', `cannot read ${file.path}: ${error.message}`, {
        location: { file: file.path },
      });
    });
    if (!info.isFile())
      throw new InputError('input.invalid', `${file.path} is not a regular file`, { location: { file: file.path } });
    const title = checkTitle(file.title ?? basename(file.path), file.path);
    if (titles.has(title)) throw new UsageError(`two artifact files are named "${title}"`);
    titles.add(title);
    const { digest, size } = await describeFile(file.path);
    const uploaded = await client.uploadBlob(
      reference,
      { digest, size, path: file.path },
      options.chunkSize === undefined ? {} : { chunkSize: options.chunkSize },
    );
    if (!uploaded) skippedBlobs++;
    layers.push({
      mediaType: file.mediaType ?? 'application/octet-stream',
      digest,
      size,
      annotations: { ...file.annotations, [TITLE_ANNOTATION]: title },
    });
  }
  const configDigest = `sha256:${createHash('sha256').update(EMPTY_CONFIG).digest('hex')}`;
  if (!(await client.uploadBlob(reference, { digest: configDigest, size: EMPTY_CONFIG.length, data: EMPTY_CONFIG }))) {
    skippedBlobs++;
  }
  const manifest = {
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.ociManifest,
    artifactType: options.artifactType,
    config: {
      mediaType: MEDIA_TYPES.ociEmpty,
      digest: configDigest,
      size: EMPTY_CONFIG.length,
      data: EMPTY_CONFIG.toString('base64'),
    },
    layers,
    ...(options.annotations && Object.keys(options.annotations).length > 0
      ? { annotations: { ...options.annotations } }
      : {}),
  };
  const bytes = Buffer.from(JSON.stringify(manifest));
  if (reference.digest && reference.digest !== `sha256:${createHash('sha256').update(bytes).digest('hex')}`) {
    throw new UsageError(`${reference.normalized}: pushing by digest needs the manifest's own digest; use a tag`);
  }
  const manifestDigest = await client.putManifest(reference, reference.reference, bytes, MEDIA_TYPES.ociManifest);
  return { reference, manifestDigest, manifestSize: bytes.length, layers, skippedBlobs };
}

export interface PulledArtifactFile {
  readonly path: string;
  readonly title: string;
  readonly digest: string;
  readonly size: number;
  readonly mediaType: string;
}

export interface PullArtifactResult {
  readonly reference: RegistryReference;
  readonly manifestDigest: string;
  readonly artifactType?: string;
  readonly annotations: Readonly<Record<string, string>>;
  readonly files: readonly PulledArtifactFile[];
}

export interface PullArtifactOptions extends ClientOptions {
  /** Refuse an artifact whose artifactType (or config media type) differs. */
  readonly artifactType?: string;
  readonly client?: RegistryClient;
}

/** Pull an artifact's layers into `outDir`, each under its title (verified, written atomically). */
export async function pullArtifact(
  ref: string | RegistryReference,
  outDir: string,
  options: PullArtifactOptions = {},
): Promise<PullArtifactResult> {
  const reference = typeof ref === 'string' ? parseReference(ref) : ref;
  const client = options.client ?? new RegistryClient(options);
  const fetched = await client.getManifest(reference, reference.reference);
  if (fetched.parsed.kind !== 'manifest') {
    throw new InputError('input.unsupported', `${reference.normalized} is an image index, not an artifact manifest`);
  }
  const manifest = fetched.parsed.manifest;
  const artifactType =
    manifest.artifactType ??
    (manifest.config.mediaType === MEDIA_TYPES.ociEmpty ? undefined : manifest.config.mediaType);
  if (options.artifactType !== undefined && artifactType !== options.artifactType) {
    throw new InputError(
      'input.invalid',
      `${reference.normalized} has artifact type "${artifactType ?? '(none)'}", expected "${options.artifactType}"`,
    );
  }
  await mkdir(outDir, { recursive: true });
  const files: PulledArtifactFile[] = [];
  const titles = new Set<string>();
  for (const layer of manifest.layers) {
    const where = `${reference.normalized} layer ${layer.digest}`;
    const title = checkTitle(layer.annotations?.[TITLE_ANNOTATION] ?? layer.digest.replace(':', '-'), where);
    if (titles.has(title)) throw new InputError('input.invalid', `${where}: two layers are titled "${title}"`);
    titles.add(title);
    const path = join(outDir, title);
    await client.downloadBlob(reference, layer, path);
    files.push({ path, title, digest: layer.digest, size: layer.size, mediaType: layer.mediaType });
  }
  return {
    reference,
    manifestDigest: fetched.digest,
    ...(artifactType === undefined ? {} : { artifactType }),
    annotations: manifest.annotations ?? {},
    files,
  };
}
