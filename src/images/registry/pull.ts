/**
 * Pull an image into an OCI image layout directory
 * (https://github.com/opencontainers/image-spec/blob/main/image-layout.md): `oci-layout`,
 * `index.json` with one entry (the platform's manifest, annotated with
 * `org.opencontainers.image.ref.name`), and `blobs/<alg>/<hex>` holding the manifest, its config,
 * its layers and, for a multi-arch image, the image index that was resolved.
 *
 * Cache layout under `cacheDir`:
 *   blobs/<alg>/<hex>                  content-addressed store shared by all pulls (the layer cache);
 *                                      a blob is only ever renamed in after its digest is verified
 *   layouts/<alg>-<hex>/               one immutable OCI layout per manifest digest, its blobs
 *                                      hard-linked from the store (copied when links fail)
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, link, mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Diagnostic, InputError, UsageError } from '#core';
import { type ClientOptions, RegistryClient, type RepositoryTarget } from './client.ts';
import { type Descriptor, formatPlatform, type ImageIndex, type ImageManifest, type Platform } from './manifest.ts';
import { parseReference, type RegistryReference } from './reference.ts';

export interface PlatformSpec {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string;
}

export const DEFAULT_PLATFORM = 'linux/amd64';

/** 'linux/arm64/v8' → { os, architecture, variant }. */
export function parsePlatform(text: string): PlatformSpec {
  const parts = text.trim().split('/');
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => !/^[A-Za-z0-9._-]+$/.test(p))) {
    throw new UsageError(`invalid platform "${text}": expected os/arch[/variant], e.g. linux/amd64 or linux/arm64/v8`);
  }
  const [os = '', architecture = '', variant] = parts.map((p) => p.toLowerCase());
  return variant === undefined ? { os, architecture } : { os, architecture, variant };
}

/** Variants implied when absent, as the OCI platform matchers treat them. */
function normalizedVariant(architecture: string, variant: string | undefined): string | undefined {
  if (variant) return variant;
  if (architecture === 'arm64') return 'v8';
  return undefined;
}

/** Whether an index entry serves the wanted platform. */
export function platformMatches(wanted: PlatformSpec, platform: Platform | undefined): boolean {
  if (!platform) return false;
  if (platform.os.toLowerCase() !== wanted.os || platform.architecture.toLowerCase() !== wanted.architecture)
    return false;
  if (wanted.variant === undefined) return true;
  return (
    normalizedVariant(wanted.architecture, wanted.variant) ===
    normalizedVariant(platform.architecture, platform.variant?.toLowerCase())
  );
}

/** Pick the manifest for `wanted` from an index; InputError listing what the index offers otherwise. */
export function selectPlatform(index: ImageIndex, wanted: PlatformSpec, what: string): Descriptor {
  const images = index.manifests.filter(
    (d) => d.annotations?.['vnd.docker.reference.type'] === undefined && d.platform?.os !== 'unknown',
  );
  const matching = images.filter((d) => platformMatches(wanted, d.platform));
  // Without a requested variant: an entry without one, else the first listed (no arm v7→v6 fallback).
  const chosen = matching.find((d) => !d.platform?.variant) ?? matching[0];
  if (chosen) return chosen;
  const available = [...new Set(images.map((d) => formatPlatform(d.platform)))];
  throw new InputError(
    'input.not-found',
    `${what} has no image for ${formatPlatform(wanted)}; available platforms: ${available.join(', ') || '(none)'}`,
  );
}

export interface PullOptions extends ClientOptions {
  /** os/arch[/variant]; default linux/amd64. */
  readonly platform?: string;
  readonly cacheDir: string;
  /** Reuse a client (token cache) across pulls. */
  readonly client?: RegistryClient;
}

export interface PullResult {
  /** OCI image layout directory holding exactly this image. */
  readonly layoutDir: string;
  readonly reference: RegistryReference;
  /** Value of org.opencontainers.image.ref.name in the layout's index.json. */
  readonly refName: string;
  readonly manifestDigest: string;
  readonly manifestMediaType: string;
  /** Digest of the image index the manifest was selected from (multi-arch images). */
  readonly indexDigest?: string;
  readonly platform?: Platform;
  readonly config: Descriptor;
  readonly layers: readonly Descriptor[];
  /** Blob bytes downloaded by this pull; blobs already in the cache count in `reusedBlobs`. */
  readonly downloadedBytes: number;
  readonly reusedBlobs: number;
  readonly diagnostics: readonly Diagnostic[];
}

export function blobPath(root: string, digest: string): string {
  const colon = digest.indexOf(':');
  return join(root, 'blobs', digest.slice(0, colon), digest.slice(colon + 1));
}

/** sha256/sha512 of a file, streamed. */
async function fileDigest(path: string, algorithm: string): Promise<string> {
  const hash = createHash(algorithm);
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return `${algorithm}:${hash.digest('hex')}`;
}

/** True when the store holds the blob with the right size and digest; a bad copy is removed. */
export async function hasVerifiedBlob(root: string, descriptor: Pick<Descriptor, 'digest' | 'size'>): Promise<boolean> {
  const path = blobPath(root, descriptor.digest);
  try {
    const info = await stat(path);
    if (
      info.size === descriptor.size &&
      (await fileDigest(path, descriptor.digest.split(':')[0] ?? 'sha256')) === descriptor.digest
    ) {
      return true;
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
  await rm(path, { force: true });
  return false;
}

async function storeBytes(root: string, digest: string, bytes: Uint8Array): Promise<void> {
  const path = blobPath(root, digest);
  await mkdir(join(path, '..'), { recursive: true });
  const temp = `${path}.partial-${process.pid}-${Math.random().toString(36).slice(2)}`;
  await writeFile(temp, bytes);
  await rename(temp, path);
}

async function linkOrCopy(from: string, to: string): Promise<void> {
  await mkdir(join(to, '..'), { recursive: true });
  try {
    await link(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return;
    await copyFile(from, to);
  }
}

/**
 * Write an OCI layout holding the given blobs (all in the store) with one index.json entry.
 * Built in a temporary directory and renamed into place, so a layout is complete or absent.
 */
export async function writeLayout(cacheDir: string, entry: Descriptor, blobs: readonly string[]): Promise<string> {
  const layoutsDir = join(cacheDir, 'layouts');
  const colon = entry.digest.indexOf(':');
  const final = join(layoutsDir, `${entry.digest.slice(0, colon)}-${entry.digest.slice(colon + 1)}`);
  try {
    await stat(join(final, 'index.json'));
    return final;
  } catch {
    // build it
  }
  await mkdir(layoutsDir, { recursive: true });
  const temp = await mkdtemp(join(layoutsDir, '.tmp-'));
  try {
    await writeFile(join(temp, 'oci-layout'), `${JSON.stringify({ imageLayoutVersion: '1.0.0' })}\n`);
    for (const digest of new Set(blobs)) await linkOrCopy(blobPath(cacheDir, digest), blobPath(temp, digest));
    const index = { schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [entry] };
    await writeFile(join(temp, 'index.json'), `${JSON.stringify(index, null, 2)}\n`);
    try {
      await rename(temp, final);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error;
      await rm(temp, { recursive: true, force: true }); // another pull finished first
    }
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
  return final;
}

/** Pull `ref` (text or parsed) into `cacheDir` and return the layout to read it from. */
export async function pullImage(ref: string | RegistryReference, options: PullOptions): Promise<PullResult> {
  const reference = typeof ref === 'string' ? parseReference(ref) : ref;
  const platformText = options.platform ?? DEFAULT_PLATFORM;
  const wanted = parsePlatform(platformText);
  const client = options.client ?? new RegistryClient(options);
  const diagnostics: Diagnostic[] = [];
  const cacheDir = options.cacheDir;
  const what = reference.normalized;

  const top = await client.getManifest(reference, reference.reference);
  await storeBytes(cacheDir, top.digest, top.bytes);
  let manifestFetched = top;
  let indexDigest: string | undefined;
  let selected: Descriptor | undefined;
  if (top.parsed.kind === 'index') {
    indexDigest = top.digest;
    selected = selectPlatform(top.parsed.index, wanted, what);
    manifestFetched = await client.getManifest(reference, selected.digest);
    if (manifestFetched.parsed.kind !== 'manifest') {
      throw new InputError(
        'input.unsupported',
        `${what}: ${formatPlatform(wanted)} entry ${selected.digest} is a nested index`,
      );
    }
    if (manifestFetched.bytes.length !== selected.size) {
      throw new InputError(
        'input.invalid',
        `${what}: manifest ${selected.digest} has ${manifestFetched.bytes.length} bytes, the index declares ${selected.size}`,
      );
    }
    await storeBytes(cacheDir, manifestFetched.digest, manifestFetched.bytes);
  }
  if (manifestFetched.parsed.kind !== 'manifest') throw new Error('unreachable: manifest expected');
  const manifest: ImageManifest = manifestFetched.parsed.manifest;

  let downloadedBytes = 0;
  let reusedBlobs = 0;
  const target: RepositoryTarget = reference;
  for (const descriptor of [manifest.config, ...manifest.layers]) {
    if (descriptor.urls?.length && descriptor.mediaType.includes('nondistributable')) {
      diagnostics.push({
        level: 'warning',
        code: 'registry.foreign-layer',
        message: `${what}: layer ${descriptor.digest} is non-distributable (served from ${descriptor.urls[0]}); trying the registry anyway`,
        location: { file: what, path: descriptor.digest },
      });
    }
    if (await hasVerifiedBlob(cacheDir, descriptor)) {
      reusedBlobs++;
      continue;
    }
    downloadedBytes += await client.downloadBlob(target, descriptor, blobPath(cacheDir, descriptor.digest));
  }

  let platform: Platform | undefined = selected?.platform;
  if (!selected) {
    platform = await configPlatform(blobPath(cacheDir, manifest.config.digest));
    if (platform && options.platform !== undefined && !platformMatches(wanted, platform)) {
      diagnostics.push({
        level: 'warning',
        code: 'registry.platform-mismatch',
        message: `${what} is a single-platform image for ${formatPlatform(platform)}, not the requested ${formatPlatform(wanted)}`,
        location: { file: what },
      });
    }
  }
  const refName = reference.normalized;
  const entry: Descriptor = {
    mediaType: manifestFetched.mediaType,
    digest: manifestFetched.digest,
    size: manifestFetched.bytes.length,
    ...(platform ? { platform: pickPlatform(platform) } : {}),
    annotations: { 'org.opencontainers.image.ref.name': refName },
  };
  const blobs = [
    ...(indexDigest ? [indexDigest] : []),
    manifestFetched.digest,
    manifest.config.digest,
    ...manifest.layers.map((l) => l.digest),
  ];
  const layoutDir = await writeLayout(cacheDir, entry, blobs);
  diagnostics.push(...client.diagnostics);
  return {
    layoutDir,
    reference,
    refName,
    manifestDigest: manifestFetched.digest,
    manifestMediaType: manifestFetched.mediaType,
    ...(indexDigest ? { indexDigest } : {}),
    ...(platform ? { platform } : {}),
    config: manifest.config,
    layers: manifest.layers,
    downloadedBytes,
    reusedBlobs,
    diagnostics,
  };
}

function pickPlatform(p: Platform): Platform {
  return { architecture: p.architecture, os: p.os, ...(p.variant ? { variant: p.variant } : {}) };
}

/** os/architecture/variant from an image config; undefined when it is not an image config. */
async function configPlatform(path: string): Promise<Platform | undefined> {
  try {
    const raw = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
    if (typeof raw.os === 'string' && typeof raw.architecture === 'string') {
      return {
        os: raw.os,
        architecture: raw.architecture,
        ...(typeof raw.variant === 'string' ? { variant: raw.variant } : {}),
      };
    }
  } catch {
    // artifacts have non-JSON or empty configs
  }
  return undefined;
}
