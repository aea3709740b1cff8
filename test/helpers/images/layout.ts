/**
 * Test helpers for the image reader: build the real Debian test image (build-test-image.sh, cached
 * under os.tmpdir() by the script's hash), write OCI image layouts from layer tars by hand (OCI
 * image-layout spec: oci-layout, index.json, blobs/sha256/<hex>), and make tar archives, including
 * hostile ones whose headers tar-stream would refuse to write (absurd sizes).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync, zstdCompressSync } from 'node:zlib';
import tar from 'tar-stream';

const SCRIPT = join(import.meta.dirname, 'build-test-image.sh');

function hasCommand(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

export interface TestImage {
  readonly dir: string;
  readonly oci: string;
  readonly ociArchive: string;
  readonly dockerArchive: string;
}

/** Builds (once per script version) the test image; returns a skip reason when the tools are missing. */
export function testImage(): TestImage | string {
  for (const tool of ['umoci', 'skopeo', 'dpkg-query']) {
    if (!hasCommand(tool)) {
      return `${tool} is not installed (apt-get install umoci skopeo): the real-image tests need it`;
    }
  }
  const hash = createHash('sha256').update(readFileSync(SCRIPT)).digest('hex').slice(0, 16);
  const dir = join(tmpdir(), `palisade-test-image-${hash}`);
  const image = {
    dir,
    oci: join(dir, 'oci'),
    ociArchive: join(dir, 'image-oci.tar'),
    dockerArchive: join(dir, 'image-docker.tar'),
  };
  if (existsSync(join(dir, 'done'))) {
    return image;
  }
  const work = `${dir}.tmp-${process.pid}`;
  rmSync(work, { recursive: true, force: true });
  try {
    execFileSync('bash', [SCRIPT, work], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    rmSync(work, { recursive: true, force: true });
    return `build-test-image.sh failed: ${(error as Error).message}`;
  }
  writeFileSync(join(work, 'done'), '');
  try {
    renameSync(work, dir);
  } catch {
    rmSync(work, { recursive: true, force: true }); // another test process won the race
  }
  return image;
}

export function sha256(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

export interface TarEntrySpec {
  readonly name: string;
  readonly type?: 'file' | 'directory' | 'symlink' | 'link';
  readonly content?: string | Buffer;
  readonly linkname?: string;
  readonly mode?: number;
}

/** A tar archive from entries, written by tar-stream. */
export async function makeTar(entries: readonly TarEntrySpec[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    pack.on('data', (chunk: unknown) => chunks.push(chunk as Buffer));
    pack.on('end', () => resolve());
    pack.on('error', reject);
  });
  for (const entry of entries) {
    const type = entry.type ?? 'file';
    const content = entry.content === undefined ? undefined : Buffer.from(entry.content);
    const header = {
      name: entry.name,
      type,
      mode: entry.mode ?? (type === 'directory' ? 0o755 : 0o644),
      mtime: new Date(0),
      ...(entry.linkname !== undefined ? { linkname: entry.linkname } : {}),
      ...(type === 'file' ? { size: content?.length ?? 0 } : {}),
    };
    if (type === 'file') {
      pack.entry(header, content ?? Buffer.alloc(0));
    } else {
      pack.entry(header);
    }
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

/** A raw ustar header block declaring `size` (base-256 when it does not fit in octal). */
export function rawTarHeader(name: string, size: number, typeflag = '0'): Buffer {
  const header = Buffer.alloc(512);
  header.write(name, 0, 100, 'utf8');
  header.write('0000644\0', 100, 'ascii');
  header.write('0000000\0', 108, 'ascii');
  header.write('0000000\0', 116, 'ascii');
  if (size < 8 ** 11) {
    header.write(`${size.toString(8).padStart(11, '0')}\0`, 124, 'ascii');
  } else {
    header[124] = 0x80;
    let value = BigInt(size);
    for (let i = 135; i > 124; i--) {
      header[i] = Number(value & 0xffn);
      value >>= 8n;
    }
  }
  header.write('00000000000\0', 136, 'ascii');
  header.write(typeflag, 156, 'ascii');
  header.write('ustar\u000000', 257, 'binary');
  header.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of header) {
    sum += byte;
  }
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return header;
}

export type LayerCompression = 'gzip' | 'zstd' | 'none';

export function compress(data: Buffer, compression: LayerCompression): Buffer {
  return compression === 'gzip' ? gzipSync(data) : compression === 'zstd' ? zstdCompressSync(data) : data;
}

const LAYER_MEDIA: Record<LayerCompression, string> = {
  gzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  zstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  none: 'application/vnd.oci.image.layer.v1.tar',
};

function writeBlob(layout: string, data: Buffer | string): { digest: string; size: number } {
  const digest = sha256(data);
  const dir = join(layout, 'blobs', 'sha256');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, digest.slice('sha256:'.length)), data);
  return { digest, size: Buffer.byteLength(data) };
}

export interface ImageSpec {
  /** Uncompressed layer tars, base first. */
  readonly layers: readonly Buffer[];
  readonly compression?: LayerCompression;
  readonly os?: string;
  readonly architecture?: string;
  readonly variant?: string;
  /** Use this stored blob instead of compressing the tar (a gzip bomb, a corrupt stream). */
  readonly rawBlobs?: readonly (Buffer | undefined)[];
}

/** Writes an image's blobs (layers, config, manifest) into a layout; returns the manifest descriptor. */
export function writeImage(layout: string, spec: ImageSpec): { mediaType: string; digest: string; size: number } {
  const compression = spec.compression ?? 'gzip';
  const layers = spec.layers.map((tarBytes, index) => {
    const blob = writeBlob(layout, spec.rawBlobs?.[index] ?? compress(tarBytes, compression));
    return { mediaType: LAYER_MEDIA[compression], ...blob };
  });
  const config = JSON.stringify({
    architecture: spec.architecture ?? 'amd64',
    os: spec.os ?? 'linux',
    ...(spec.variant ? { variant: spec.variant } : {}),
    config: { Env: ['PATH=/usr/bin:/bin'] },
    rootfs: { type: 'layers', diff_ids: spec.layers.map((tarBytes) => sha256(tarBytes)) },
    history: spec.layers.map(() => ({ created: '1970-01-01T00:00:00Z', created_by: 'layout.ts' })),
  });
  const configBlob = writeBlob(layout, config);
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...configBlob },
    layers,
  });
  return { mediaType: 'application/vnd.oci.image.manifest.v1+json', ...writeBlob(layout, manifest) };
}

/** A whole OCI layout holding one image. */
export function writeLayout(layout: string, spec: ImageSpec, refName = 'test'): string {
  mkdirSync(layout, { recursive: true });
  writeFileSync(join(layout, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  const manifest = writeImage(layout, spec);
  writeFileSync(
    join(layout, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [{ ...manifest, annotations: { 'org.opencontainers.image.ref.name': refName } }],
    }),
  );
  return layout;
}

/** Writes a JSON blob and returns its descriptor fields. */
export function writeJsonBlob(layout: string, value: unknown): { digest: string; size: number } {
  return writeBlob(layout, JSON.stringify(value));
}
