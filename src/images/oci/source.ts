/**
 * Opening an image from a local source, into one model whatever the source:
 * - an OCI image layout directory (`oci-layout` + `index.json` + `blobs/<alg>/<hex>`), the core
 *   format (the registry client writes one);
 * - an OCI archive: a tar holding such a layout (`skopeo copy ... oci-archive:`);
 * - a `docker save` archive: a tar with `manifest.json` (`[{ Config, RepoTags, Layers }]`), layers as
 *   plain tars (`<hex>.tar`, `<id>/layer.tar`), gzip, or OCI blobs (`blobs/sha256/...`, Docker 25+).
 *   Archives that hold both an OCI layout and manifest.json are read as OCI.
 * Archives may themselves be gzip or zstd compressed (`docker save | gzip`): they are then
 * decompressed once into a temporary file (bounded by maxImageBytes) so members can be read by range.
 *
 * An index (OCI image index or Docker manifest list, nested up to 4 deep) is resolved to one image
 * manifest by platform (`os/arch[/variant]`, default linux/amd64); attestation manifests
 * (`unknown/unknown`) are ignored. A layout with a single image accepts it whatever its platform
 * unless a platform was asked for explicitly. No match throws InputError listing the platforms.
 * Every JSON blob read (index, manifest, config) is checked against its digest and size.
 */

import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, open, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createZstdDecompress } from 'node:zlib';
import type { z } from 'zod';
import { InputError } from '#core';
import { type BlobSource, directorySource, TooLargeBlobError, tarSource } from './blob-source.ts';
import { detectCompression, splitDigest, streamLayerBlob, verifyLayerBlob } from './layer-stream.ts';
import { DEFAULT_PLATFORM, formatPlatform, platformMatches } from './platform.ts';
import {
  type Descriptor,
  DockerSaveManifest,
  ImageConfig,
  ImageIndex,
  ImageManifest,
  INDEX_MEDIA_TYPES,
  MANIFEST_MEDIA_TYPES,
  OciLayoutFile,
} from './schema.ts';
import {
  DEFAULT_LIMITS,
  type ImageConfigSummary,
  type ImageFormat,
  type ImageHandle,
  type ImageLimits,
  type LayerRef,
  type Platform,
} from './types.ts';

export interface OpenImageOptions {
  /** Platform to select from a multi-arch index; when absent linux/amd64 is preferred and a single image is accepted as is. */
  readonly platform?: Platform;
  /** Tag or reference to pick when the source holds several images (`1`, `demo/app:1`). */
  readonly tag?: string;
  readonly limits?: Partial<ImageLimits>;
  /** Hash layers while streaming (default true; only the floor benchmark turns it off). */
  readonly verify?: boolean;
}

const MAX_JSON_BYTES = 16 * 1024 * 1024;

export type SourceKind = 'oci-layout' | 'archive' | 'rootfs';

/** What a path is, without reading more than its first bytes. Throws InputError when it does not exist. */
export async function detectSource(path: string): Promise<SourceKind> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch (error) {
    throw new InputError('input.not-found', `image source ${path} does not exist`, {
      cause: error,
      location: { file: path },
    });
  }
  if (info.isDirectory()) {
    const layout = await directorySource(path);
    return (await layout.stat('oci-layout')) && (await layout.stat('index.json')) ? 'oci-layout' : 'rootfs';
  }
  if (info.isFile()) {
    return 'archive';
  }
  throw new InputError('input.unsupported', `image source ${path} is neither a directory nor a file`, {
    location: { file: path },
  });
}

function invalid(image: string, what: string, error: unknown): InputError {
  const detail =
    error && typeof error === 'object' && 'issues' in error && Array.isArray(error.issues)
      ? (error.issues as { path: PropertyKey[]; message: string }[])
          .slice(0, 5)
          .map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`)
          .join('; ')
      : error instanceof Error
        ? error.message
        : String(error);
  return new InputError('input.invalid', `image ${image}: ${what} is invalid (${detail})`, {
    cause: error,
    location: { file: image, path: what },
  });
}

async function readJson<T>(source: BlobSource, image: string, name: string, schema: z.ZodType<T>): Promise<T> {
  let bytes: Buffer | undefined;
  try {
    bytes = await source.readAll(name, MAX_JSON_BYTES);
  } catch (error) {
    if (error instanceof TooLargeBlobError) {
      throw new InputError('input.too-large', `image ${image}: ${name} is larger than ${MAX_JSON_BYTES} bytes`, {
        location: { file: image, path: name },
      });
    }
    throw error;
  }
  if (!bytes) {
    throw new InputError('input.invalid', `image ${image}: ${name} is missing`, {
      location: { file: image, path: name },
    });
  }
  return parseJson(bytes, image, name, schema);
}

function parseJson<T>(bytes: Buffer, image: string, name: string, schema: z.ZodType<T>): T {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw invalid(image, name, error);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw invalid(image, name, parsed.error);
  }
  return parsed.data;
}

function blobName(digest: string): string {
  const [algorithm, hex] = digest.split(':') as [string, string];
  return `blobs/${algorithm}/${hex}`;
}

/** Reads a JSON blob by descriptor, checking its size and digest. */
async function readBlobJson<T>(
  source: BlobSource,
  image: string,
  descriptor: Descriptor,
  schema: z.ZodType<T>,
): Promise<T> {
  const name = blobName(descriptor.digest);
  const digest = splitDigest(descriptor.digest);
  if (!digest) {
    throw new InputError(
      'input.unsupported',
      `image ${image}: digest ${descriptor.digest} uses an unsupported algorithm`,
      {
        location: { file: image, path: name },
      },
    );
  }
  let bytes: Buffer | undefined;
  try {
    bytes = await source.readAll(name, Math.min(MAX_JSON_BYTES, descriptor.size));
  } catch (error) {
    if (error instanceof TooLargeBlobError) {
      throw new InputError(
        'input.invalid',
        `image ${image}: blob ${name} is larger than its descriptor's ${descriptor.size} bytes, so it does not match its digest ${descriptor.digest}; refusing the image`,
        { location: { file: image, path: name } },
      );
    }
    throw error;
  }
  if (!bytes) {
    throw new InputError('input.invalid', `image ${image}: blob ${name} is missing`, {
      location: { file: image, path: name },
    });
  }
  checkDigest(image, name, bytes, descriptor.digest);
  if (bytes.length !== descriptor.size) {
    throw new InputError(
      'input.invalid',
      `image ${image}: blob ${name} has ${bytes.length} bytes, its descriptor says ${descriptor.size}`,
      {
        location: { file: image, path: name },
      },
    );
  }
  return parseJson(bytes, image, name, schema);
}

function checkDigest(image: string, name: string, bytes: Buffer, expected: string): void {
  const digest = splitDigest(expected);
  if (!digest) {
    return;
  }
  const actual = createHash(digest.algorithm).update(bytes).digest('hex');
  if (actual !== digest.hex) {
    throw new InputError(
      'input.invalid',
      `image ${image}: blob ${name} does not match its digest ${expected} (got ${digest.algorithm}:${actual}); refusing the image`,
      { location: { file: image, path: name } },
    );
  }
}

function summarise(config: ImageConfig): ImageConfigSummary {
  const inner = config.config ?? {};
  return {
    architecture: config.architecture,
    os: config.os,
    ...(config.variant ? { variant: config.variant } : {}),
    ...(config.created ? { created: config.created } : {}),
    env: inner.Env ?? [],
    ...(inner.User ? { user: inner.User } : {}),
    ...(inner.Entrypoint ? { entrypoint: inner.Entrypoint } : {}),
    ...(inner.Cmd ? { cmd: inner.Cmd } : {}),
    labels: inner.Labels ?? {},
    history: (config.history ?? []).map((entry) => ({
      ...(entry.created ? { created: entry.created } : {}),
      ...(entry.created_by ? { createdBy: entry.created_by } : {}),
      emptyLayer: entry.empty_layer === true,
    })),
    diffIds: config.rootfs.diff_ids,
  };
}

function configPlatform(config: ImageConfig): Platform {
  return { os: config.os, architecture: config.architecture, ...(config.variant ? { variant: config.variant } : {}) };
}

interface Candidate {
  readonly descriptor: Descriptor;
  readonly platform?: Platform;
  readonly refName?: string;
}

const REF_ANNOTATIONS = ['org.opencontainers.image.ref.name', 'io.containerd.image.name'] as const;

function refName(descriptor: Descriptor): string | undefined {
  for (const key of REF_ANNOTATIONS) {
    const value = descriptor.annotations?.[key];
    if (value) {
      return value;
    }
  }
  return undefined;
}

function tagMatches(ref: string | undefined, tag: string): boolean {
  if (!ref) {
    return false;
  }
  return ref === tag || ref.endsWith(`:${tag}`) || ref.split(/[:@]/)[0] === tag;
}

async function collectCandidates(
  source: BlobSource,
  image: string,
  descriptors: readonly Descriptor[],
  inherited: string | undefined,
  depth: number,
  out: Candidate[],
): Promise<void> {
  for (const descriptor of descriptors) {
    const ref = refName(descriptor) ?? inherited;
    if (descriptor.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest') {
      continue;
    }
    if (descriptor.platform?.os === 'unknown' && descriptor.platform.architecture === 'unknown') {
      continue;
    }
    if (INDEX_MEDIA_TYPES.includes(descriptor.mediaType)) {
      if (depth >= 4) {
        throw new InputError('input.unsupported', `image ${image}: image indexes are nested more than 4 deep`, {
          location: { file: image, path: blobName(descriptor.digest) },
        });
      }
      const nested = await readBlobJson(source, image, descriptor, ImageIndex);
      await collectCandidates(source, image, nested.manifests, ref, depth + 1, out);
      continue;
    }
    if (!MANIFEST_MEDIA_TYPES.includes(descriptor.mediaType)) {
      continue; // artifacts, signatures, other content
    }
    const platform = descriptor.platform
      ? {
          os: descriptor.platform.os,
          architecture: descriptor.platform.architecture,
          ...(descriptor.platform.variant ? { variant: descriptor.platform.variant } : {}),
        }
      : undefined;
    out.push({ descriptor, ...(platform ? { platform } : {}), ...(ref ? { refName: ref } : {}) });
  }
}

interface Selected {
  readonly candidate: Candidate;
  readonly manifest: ImageManifest;
  readonly config: ImageConfig;
}

async function selectOciImage(source: BlobSource, image: string, options: OpenImageOptions): Promise<Selected> {
  await readJson(source, image, 'oci-layout', OciLayoutFile);
  const index = await readJson(source, image, 'index.json', ImageIndex);
  let candidates: Candidate[] = [];
  await collectCandidates(source, image, index.manifests, undefined, 0, candidates);
  if (options.tag !== undefined) {
    const tag = options.tag;
    candidates = candidates.filter((candidate) => tagMatches(candidate.refName, tag));
    if (candidates.length === 0) {
      throw new InputError('input.not-found', `image ${image} has no image tagged "${tag}"`, {
        location: { file: image },
      });
    }
  }
  if (candidates.length === 0) {
    throw new InputError('input.invalid', `image ${image}: index.json lists no image manifest`, {
      location: { file: image, path: 'index.json' },
    });
  }
  const load = async (candidate: Candidate): Promise<Selected> => {
    const manifest = await readBlobJson(source, image, candidate.descriptor, ImageManifest);
    const config = await readBlobJson(source, image, manifest.config, ImageConfig);
    return { candidate, manifest, config };
  };
  const wanted = options.platform ?? DEFAULT_PLATFORM;
  if (candidates.length === 1 && options.platform === undefined) {
    return load(candidates[0]!);
  }
  const seen: string[] = [];
  for (const candidate of candidates) {
    // A manifest without a platform in its descriptor: its config says which platform it is.
    const loaded = candidate.platform ? undefined : await load(candidate);
    const platform = candidate.platform ?? configPlatform(loaded!.config);
    seen.push(formatPlatform(platform));
    if (platformMatches(wanted, platform)) {
      const selected = loaded ?? (await load(candidate));
      if (!platformMatches(wanted, configPlatform(selected.config))) {
        throw new InputError(
          'input.invalid',
          `image ${image}: manifest ${candidate.descriptor.digest} is listed as ${formatPlatform(platform)} but its config says ${formatPlatform(configPlatform(selected.config))}`,
          { location: { file: image } },
        );
      }
      return selected;
    }
  }
  throw new InputError(
    'input.not-found',
    `image ${image} has no ${formatPlatform(wanted)} image; available platforms: ${[...new Set(seen)].join(', ')}`,
    { location: { file: image } },
  );
}

function layerRefs(image: string, manifest: ImageManifest, config: ImageConfig): LayerRef[] {
  if (manifest.layers.length !== config.rootfs.diff_ids.length) {
    throw new InputError(
      'input.invalid',
      `image ${image}: the manifest lists ${manifest.layers.length} layers but the config has ${config.rootfs.diff_ids.length} diff IDs`,
      { location: { file: image } },
    );
  }
  return manifest.layers.map((descriptor, index) => ({
    index,
    digest: descriptor.digest,
    diffId: config.rootfs.diff_ids[index]!,
    mediaType: descriptor.mediaType,
    size: descriptor.size,
    blobPath: blobName(descriptor.digest),
  }));
}

const HEX_NAME = /(?:^|\/)(?:blobs\/(?<alg>sha256|sha512)\/)?(?<hex>[a-f0-9]{64}|[a-f0-9]{128})(?:\.json|\.tar)?$/;

/** The digest a docker-save member name encodes, when it encodes one (`blobs/sha256/<hex>`, `<hex>.json`). */
function digestFromName(name: string): string | undefined {
  const match = HEX_NAME.exec(name);
  if (!match?.groups?.hex) {
    return undefined;
  }
  return `${match.groups.alg ?? 'sha256'}:${match.groups.hex}`;
}

async function openDockerArchive(source: BlobSource, path: string, options: OpenImageOptions) {
  const entries = await readJson(source, path, 'manifest.json', DockerSaveManifest);
  let chosen = entries;
  if (options.tag !== undefined) {
    const tag = options.tag;
    chosen = entries.filter((entry) => (entry.RepoTags ?? []).some((repoTag) => tagMatches(repoTag, tag)));
  }
  if (chosen.length !== 1) {
    const tags = entries.flatMap((entry) => entry.RepoTags ?? ['(untagged)']).join(', ');
    throw new InputError(
      chosen.length === 0 ? 'input.not-found' : 'input.invalid',
      chosen.length === 0
        ? `image ${path} has no image tagged "${options.tag}"; it holds: ${tags}`
        : `image ${path} holds ${chosen.length} images (${tags}); choose one by tag`,
      { location: { file: path, path: 'manifest.json' } },
    );
  }
  const entry = chosen[0]!;
  const name = entry.RepoTags?.[0] ?? path;
  const configBytes = await source.readAll(entry.Config, MAX_JSON_BYTES);
  if (!configBytes) {
    throw new InputError('input.invalid', `image ${name}: config ${entry.Config} is missing`, {
      location: { file: path, path: entry.Config },
    });
  }
  const configDigest = digestFromName(entry.Config);
  if (configDigest) {
    checkDigest(name, entry.Config, configBytes, configDigest);
  }
  const config = parseJson(configBytes, name, entry.Config, ImageConfig);
  if (entry.Layers.length !== config.rootfs.diff_ids.length) {
    throw new InputError(
      'input.invalid',
      `image ${name}: manifest.json lists ${entry.Layers.length} layers but the config has ${config.rootfs.diff_ids.length} diff IDs`,
      { location: { file: path, path: 'manifest.json' } },
    );
  }
  const layers: LayerRef[] = [];
  for (const [index, layerPath] of entry.Layers.entries()) {
    const info = await source.stat(layerPath);
    const blobDigest = layerPath.includes('blobs/') ? digestFromName(layerPath) : undefined;
    layers.push({
      index,
      ...(blobDigest ? { digest: blobDigest } : {}),
      diffId: config.rootfs.diff_ids[index]!,
      mediaType: 'application/vnd.docker.image.rootfs.diff.tar',
      size: info?.size ?? 0,
      blobPath: layerPath,
    });
  }
  if (options.platform && !platformMatches(options.platform, configPlatform(config))) {
    throw new InputError(
      'input.not-found',
      `image ${name} has no ${formatPlatform(options.platform)} image; available platforms: ${formatPlatform(configPlatform(config))}`,
      { location: { file: path } },
    );
  }
  return { name, config, configDigest, layers };
}

/** Decompresses a compressed archive into a temporary file, bounded by maxBytes. */
async function decompressArchive(
  path: string,
  compression: 'gzip' | 'zstd',
  maxBytes: number,
): Promise<{ dir: string; file: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'palisade-image-'));
  const file = join(dir, 'archive.tar');
  let total = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      total += chunk.length;
      callback(total > maxBytes ? new Error(`decompressed archive exceeds ${maxBytes} bytes`) : null, chunk);
    },
  });
  try {
    await pipeline(
      createReadStream(path),
      compression === 'gzip' ? createGunzip() : createZstdDecompress(),
      limit,
      createWriteStream(file),
    );
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // A truncated compressed archive still gives the members before the cut.
    if (!/unexpected end|end of file/i.test(message)) {
      await rm(dir, { recursive: true, force: true });
      throw new InputError('input.invalid', `image archive ${path} cannot be decompressed (${message})`, {
        cause: error,
        location: { file: path },
      });
    }
  }
  return { dir, file };
}

/**
 * Opens an OCI layout directory or an OCI / docker-save archive (see the file header).
 * Throws InputError for sources that are not images, invalid JSON documents and digest mismatches.
 * Root filesystem directories are not images: see readImageFilesystem.
 */
export async function openImage(path: string, options: OpenImageOptions = {}): Promise<ImageHandle> {
  const kind = await detectSource(path);
  if (kind === 'rootfs') {
    throw new InputError(
      'input.unsupported',
      `${path} is a directory without an OCI image layout (oci-layout, index.json)`,
      {
        location: { file: path },
      },
    );
  }
  const limits: ImageLimits = { ...DEFAULT_LIMITS, ...options.limits };
  let temp: string | undefined;
  let source: BlobSource;
  let format: ImageFormat;
  if (kind === 'oci-layout') {
    source = await directorySource(path);
    format = 'oci-layout';
  } else {
    const handle = await open(path, 'r');
    const head = Buffer.alloc(4);
    try {
      await handle.read(head, 0, 4, 0);
    } finally {
      await handle.close();
    }
    const compression = detectCompression(head);
    let archive = path;
    if (compression !== 'none') {
      const decompressed = await decompressArchive(path, compression, limits.maxImageBytes);
      temp = decompressed.dir;
      archive = decompressed.file;
    }
    source = await tarSource(archive);
    const names = new Set(source.names() ?? []);
    if (names.has('oci-layout') && names.has('index.json')) {
      format = 'oci-archive';
    } else if (names.has('manifest.json')) {
      format = 'docker-archive';
    } else {
      if (temp) {
        await rm(temp, { recursive: true, force: true });
      }
      const damage = source.diagnostics.map((diagnostic) => diagnostic.message).join('; ');
      throw new InputError(
        damage ? 'input.invalid' : 'input.unsupported',
        `${path} is neither an OCI archive (oci-layout, index.json) nor a docker save archive (manifest.json)${damage ? `: ${damage}` : ''}`,
        { location: { file: path } },
      );
    }
  }
  const close = async (): Promise<void> => {
    if (temp) {
      await rm(temp, { recursive: true, force: true });
    }
  };
  try {
    let name: string;
    let config: ImageConfig;
    let layers: LayerRef[];
    let manifestDigest: string | undefined;
    let configDigest: string | undefined;
    if (format === 'docker-archive') {
      const docker = await openDockerArchive(source, path, options);
      ({ name, config, layers } = docker);
      configDigest = docker.configDigest;
    } else {
      const selected = await selectOciImage(source, path, options);
      const ref = selected.candidate.refName;
      // umoci and skopeo store only the tag ("1"); name the image after the layout then.
      name = ref === undefined ? path : /[:/@]/.test(ref) ? ref : `${path}:${ref}`;
      config = selected.config;
      layers = layerRefs(name, selected.manifest, config);
      manifestDigest = selected.candidate.descriptor.digest;
      configDigest = selected.manifest.config.digest;
    }
    const ctx = { source, image: name, verify: options.verify !== false };
    return {
      info: {
        name,
        source: path,
        format,
        platform: configPlatform(config),
        ...(manifestDigest ? { manifestDigest } : {}),
        ...(configDigest ? { configDigest } : {}),
        config: summarise(config),
        layers,
      },
      archiveDiagnostics: source.diagnostics,
      streamLayer: (layer, sink, budget) => streamLayerBlob(ctx, layer, sink, budget),
      verifyLayer: (layer) => verifyLayerBlob(ctx, layer),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
