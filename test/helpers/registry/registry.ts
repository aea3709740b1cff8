/**
 * Test helpers for the registry client: start/stop a real registry (registry-test.sh), build small
 * OCI image layouts (tar-stream + gzip, written from the image-spec), and push them with skopeo.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { accessSync, constants, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';

const run = promisify(execFile);
const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'registry-test.sh');

/** Why the registry tests cannot run here, or undefined when the tools are installed. */
export function toolsMissing(): string | undefined {
  for (const tool of ['docker-registry', 'skopeo', 'openssl', 'curl']) {
    const found = (process.env.PATH ?? '').split(':').some((dir) => {
      try {
        accessSync(join(dir, tool), constants.X_OK);
        return true;
      } catch {
        return false;
      }
    });
    if (!found) return `${tool} is not installed (apt-get install docker-registry skopeo openssl curl)`;
  }
  return undefined;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface RunningRegistry {
  /** '127.0.0.1:<port>' */
  readonly host: string;
  readonly dir: string;
  readonly storageDir: string;
  stop(): Promise<void>;
}

export interface RegistryStartOptions {
  readonly dir: string;
  readonly auth?: 'none' | 'htpasswd' | 'token';
  readonly user?: string;
  readonly password?: string;
  readonly tokenRealm?: string;
  readonly tokenCert?: string;
}

export async function startRegistry(options: RegistryStartOptions): Promise<RunningRegistry> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    REG_DIR: options.dir,
    REG_PORT: String(port),
    REG_AUTH: options.auth ?? 'none',
    ...(options.user ? { REG_USER: options.user } : {}),
    ...(options.password ? { REG_PASS: options.password } : {}),
    ...(options.tokenRealm ? { REG_TOKEN_REALM: options.tokenRealm } : {}),
    ...(options.tokenCert ? { REG_TOKEN_CRT: options.tokenCert } : {}),
  };
  await run('bash', [SCRIPT, 'start'], { env });
  return {
    host: `127.0.0.1:${port}`,
    dir: options.dir,
    storageDir: join(options.dir, 'storage'),
    stop: async () => {
      await run('bash', [SCRIPT, 'stop'], { env });
    },
  };
}

/** skopeo copy between transports; `destCreds`/`srcCreds` as user:pass. */
export async function skopeoCopy(
  source: string,
  dest: string,
  options: { destCreds?: string; srcCreds?: string; all?: boolean } = {},
): Promise<void> {
  const args = ['copy', '--quiet', '--src-tls-verify=false', '--dest-tls-verify=false'];
  if (options.all) args.push('--all');
  if (options.destCreds) args.push('--dest-creds', options.destCreds);
  if (options.srcCreds) args.push('--src-creds', options.srcCreds);
  args.push(source, dest);
  await run('skopeo', args, { env: { ...process.env, HOME: process.env.HOME ?? '/tmp' } });
}

// ---------------------------------------------------------------------------------------------
// OCI image layouts written by hand (image-spec: image-layout.md, manifest.md, config.md)

export interface LayerSpec {
  readonly files: Readonly<Record<string, string>>;
}

export interface BuiltImage {
  readonly manifestDigest: string;
  readonly manifestSize: number;
  readonly manifest: Buffer;
  readonly configDigest: string;
  readonly layerDigests: readonly string[];
  readonly platform: { os: string; architecture: string; variant?: string };
}

function sha256(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

async function tarOf(files: Readonly<Record<string, string>>): Promise<Buffer> {
  const p = pack();
  const chunks: Buffer[] = [];
  p.on('data', (c: unknown) => {
    chunks.push(c as Buffer);
  });
  const done = new Promise<void>((resolve, reject) => {
    p.on('end', resolve);
    p.on('error', reject);
  });
  for (const [name, content] of Object.entries(files)) {
    p.entry({ name, mode: 0o644, mtime: new Date(0), uid: 0, gid: 0 }, content);
  }
  p.finalize();
  await done;
  return Buffer.concat(chunks);
}

function writeBlob(layoutDir: string, bytes: Uint8Array): string {
  const digest = sha256(bytes);
  const path = join(layoutDir, 'blobs', 'sha256', digest.slice(7));
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, bytes);
  return digest;
}

/** Write one image's blobs into `layoutDir` (created as an OCI layout if needed). */
export async function writeImage(
  layoutDir: string,
  platform: { os: string; architecture: string; variant?: string },
  layers: readonly LayerSpec[],
): Promise<BuiltImage> {
  mkdirSync(join(layoutDir, 'blobs', 'sha256'), { recursive: true });
  writeFileSync(join(layoutDir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  const diffIds: string[] = [];
  const layerDescs: { mediaType: string; digest: string; size: number }[] = [];
  for (const layer of layers) {
    const tar = await tarOf(layer.files);
    diffIds.push(sha256(tar));
    const gz = gzipSync(tar);
    layerDescs.push({
      mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
      digest: writeBlob(layoutDir, gz),
      size: gz.length,
    });
  }
  const config = Buffer.from(
    JSON.stringify({
      architecture: platform.architecture,
      os: platform.os,
      ...(platform.variant ? { variant: platform.variant } : {}),
      config: { Env: ['PATH=/usr/bin:/bin'] },
      rootfs: { type: 'layers', diff_ids: diffIds },
    }),
  );
  const configDigest = writeBlob(layoutDir, config);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length },
      layers: layerDescs,
    }),
  );
  const manifestDigest = writeBlob(layoutDir, manifest);
  return {
    manifestDigest,
    manifestSize: manifest.length,
    manifest,
    configDigest,
    layerDigests: layerDescs.map((l) => l.digest),
    platform,
  };
}

/** index.json naming `refName` → the descriptor given. */
export function writeLayoutIndex(
  layoutDir: string,
  entries: readonly { refName: string; mediaType: string; digest: string; size: number }[],
): void {
  writeFileSync(
    join(layoutDir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: entries.map((e) => ({
        mediaType: e.mediaType,
        digest: e.digest,
        size: e.size,
        annotations: { 'org.opencontainers.image.ref.name': e.refName },
      })),
    }),
  );
}

/** A multi-arch image index over the given images, stored as a blob; returns its descriptor. */
export function writeImageIndex(
  layoutDir: string,
  images: readonly BuiltImage[],
): { digest: string; size: number; bytes: Buffer } {
  const bytes = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: images.map((i) => ({
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        digest: i.manifestDigest,
        size: i.manifestSize,
        platform: i.platform,
      })),
    }),
  );
  return { digest: writeBlob(layoutDir, bytes), size: bytes.length, bytes };
}
