/**
 * Against a real registry (distribution 2.8 from Debian, anonymous) on 127.0.0.1: images pushed with
 * skopeo from OCI layouts written by the test, pulled back through the client.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ExternalError, InputError } from '#core';
import {
  type BuiltImage,
  freePort,
  type RunningRegistry,
  skopeoCopy,
  startRegistry,
  toolsMissing,
  writeImage,
  writeImageIndex,
  writeLayoutIndex,
} from '#test/helpers/registry/registry.ts';
import { RegistryClient } from './client.ts';
import { blobPath, pullImage } from './pull.ts';
import { pullArtifact, pushArtifact } from './push.ts';
import { parseReference } from './reference.ts';

const skip = toolsMissing();
const sha256 = (b: Uint8Array) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

describe('registry client against a real registry', { skip }, () => {
  let work: string;
  let registry: RunningRegistry;
  let amd64: BuiltImage;
  let arm64: BuiltImage;
  let multiDigest: string;
  let host: string;

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'palisade-registry-'));
    registry = await startRegistry({ dir: join(work, 'registry') });
    host = registry.host;
    const layout = join(work, 'layout');
    amd64 = await writeImage(layout, { os: 'linux', architecture: 'amd64' }, [
      { files: { 'etc/os-release': 'ID=test\nVERSION_ID=1\n' } },
      { files: { 'etc/motd': 'hello amd64\n' } },
    ]);
    arm64 = await writeImage(layout, { os: 'linux', architecture: 'arm64', variant: 'v8' }, [
      { files: { 'etc/os-release': 'ID=test\nVERSION_ID=1\n' } },
      { files: { 'etc/motd': 'hello arm64\n' } },
    ]);
    const corrupt = await writeImage(layout, { os: 'linux', architecture: 'amd64' }, [
      { files: { 'only-in-corrupt-image': 'x'.repeat(5000) } },
    ]);
    const index = writeImageIndex(layout, [amd64, arm64]);
    multiDigest = index.digest;
    const manifest = 'application/vnd.oci.image.manifest.v1+json';
    writeLayoutIndex(layout, [
      { refName: '1', mediaType: manifest, digest: amd64.manifestDigest, size: amd64.manifestSize },
      { refName: 'corrupt', mediaType: manifest, digest: corrupt.manifestDigest, size: corrupt.manifestSize },
      {
        refName: 'multi',
        mediaType: 'application/vnd.oci.image.index.v1+json',
        digest: index.digest,
        size: index.size,
      },
    ]);
    await skopeoCopy(`oci:${layout}:1`, `docker://${host}/demo/tiny:1`);
    await skopeoCopy(`oci:${layout}:1`, `docker://${host}/demo/tiny:v2s2`);
    await skopeoCopy(`oci:${layout}:multi`, `docker://${host}/demo/multi:1`, { all: true });
    await skopeoCopy(`oci:${layout}:corrupt`, `docker://${host}/demo/corrupt:1`);
    // Corrupt the stored layer of the 'corrupt' image: same length, different bytes.
    const hex = corrupt.layerDigests[0]?.slice(7) ?? '';
    const data = join(registry.storageDir, 'docker/registry/v2/blobs/sha256', hex.slice(0, 2), hex, 'data');
    const bytes = readFileSync(data);
    bytes[bytes.length - 20] = (bytes[bytes.length - 20] ?? 0) ^ 0xff;
    writeFileSync(data, bytes);
  });

  after(async () => {
    await registry?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('pulls an OCI image anonymously into an OCI layout, then reuses the cached blobs', async () => {
    const cacheDir = join(work, 'cache-1');
    const result = await pullImage(`${host}/demo/tiny:1`, { cacheDir });
    assert.equal(result.manifestDigest, amd64.manifestDigest);
    assert.equal(result.manifestMediaType, 'application/vnd.oci.image.manifest.v1+json');
    assert.deepEqual(result.platform, { os: 'linux', architecture: 'amd64' });
    assert.equal(result.indexDigest, undefined);
    assert.equal(result.reusedBlobs, 0);
    assert.ok(result.downloadedBytes > 0);
    assert.deepEqual(JSON.parse(readFileSync(join(result.layoutDir, 'oci-layout'), 'utf8')), {
      imageLayoutVersion: '1.0.0',
    });
    const index = JSON.parse(readFileSync(join(result.layoutDir, 'index.json'), 'utf8'));
    assert.equal(index.schemaVersion, 2);
    assert.equal(index.manifests.length, 1);
    assert.equal(index.manifests[0].digest, amd64.manifestDigest);
    assert.equal(index.manifests[0].size, amd64.manifestSize);
    assert.equal(index.manifests[0].annotations['org.opencontainers.image.ref.name'], `${host}/demo/tiny:1`);
    // Every blob in the layout is there, under its own digest.
    for (const digest of [amd64.manifestDigest, amd64.configDigest, ...amd64.layerDigests]) {
      assert.equal(sha256(readFileSync(blobPath(result.layoutDir, digest))), digest);
    }
    assert.deepEqual(readFileSync(blobPath(result.layoutDir, amd64.manifestDigest)), amd64.manifest);

    const again = await pullImage(`${host}/demo/tiny:1`, { cacheDir });
    assert.equal(again.downloadedBytes, 0);
    assert.equal(again.reusedBlobs, 3);
    assert.equal(again.layoutDir, result.layoutDir);
  });

  it('pulls by digest (the digest wins over the tag) and a Docker v2 schema 2 manifest', async () => {
    const cacheDir = join(work, 'cache-2');
    const byDigest = await pullImage(`${host}/demo/tiny:no-such-tag@${amd64.manifestDigest}`, { cacheDir });
    assert.equal(byDigest.manifestDigest, amd64.manifestDigest);
    const client = new RegistryClient();
    // skopeo converts the image to Docker schema 2 on the way in.
    execFileSync('skopeo', [
      'copy',
      '--quiet',
      '--dest-tls-verify=false',
      '--format',
      'v2s2',
      `oci:${join(work, 'layout')}:1`,
      `docker://${host}/demo/docker:v2s2`,
    ]);
    const docker = await pullImage(`${host}/demo/docker:v2s2`, { cacheDir, client });
    assert.equal(docker.manifestMediaType, 'application/vnd.docker.distribution.manifest.v2+json');
    assert.equal(docker.layers.length, 2);
    assert.ok(docker.layers.every((l) => l.mediaType === 'application/vnd.docker.image.rootfs.diff.tar.gzip'));
    // Same layers and config bytes as the OCI image (only the manifest changes), so all come from the cache.
    assert.equal(docker.reusedBlobs, 3);
    assert.notEqual(docker.manifestDigest, amd64.manifestDigest);
    const head = await client.headManifest(parseReference(`${host}/demo/docker:v2s2`), 'v2s2');
    assert.equal(head?.digest, docker.manifestDigest);
  });

  it('selects each platform of a multi-arch index, linux/amd64 by default', async () => {
    const cacheDir = join(work, 'cache-3');
    const byDefault = await pullImage(`${host}/demo/multi:1`, { cacheDir });
    assert.equal(byDefault.manifestDigest, amd64.manifestDigest);
    assert.equal(byDefault.indexDigest, multiDigest);
    const arm = await pullImage(`${host}/demo/multi:1`, { cacheDir, platform: 'linux/arm64' });
    assert.equal(arm.manifestDigest, arm64.manifestDigest);
    assert.deepEqual(arm.platform, { os: 'linux', architecture: 'arm64', variant: 'v8' });
    assert.ok(existsSync(blobPath(arm.layoutDir, multiDigest)), 'the index is kept in the layout');
    const armV8 = await pullImage(`${host}/demo/multi:1`, { cacheDir, platform: 'linux/arm64/v8' });
    assert.equal(armV8.manifestDigest, arm64.manifestDigest);
    assert.equal(arm.reusedBlobs, 1, 'the shared base layer comes from the cache');
    await assert.rejects(pullImage(`${host}/demo/multi:1`, { cacheDir, platform: 'linux/s390x' }), (error: unknown) => {
      assert.ok(error instanceof InputError);
      assert.equal(error.code, 'input.not-found');
      assert.match(error.message, /no image for linux\/s390x; available platforms: linux\/amd64, linux\/arm64\/v8/);
      return true;
    });
    await assert.rejects(
      pullImage(`${host}/demo/multi:1`, { cacheDir, platform: 'linux' }),
      /invalid platform "linux"/,
    );
  });

  it('refuses a blob whose content does not match its digest, leaving no partial file', async () => {
    const cacheDir = join(work, 'cache-4');
    await assert.rejects(pullImage(`${host}/demo/corrupt:1`, { cacheDir }), (error: unknown) => {
      assert.ok(error instanceof InputError);
      assert.equal(error.code, 'input.invalid');
      assert.match(error.message, /content digest sha256:[0-9a-f]{64} does not match sha256:/);
      assert.match(error.message, /demo\/corrupt/);
      return true;
    });
    const store = join(cacheDir, 'blobs', 'sha256');
    const left = readdirSync(store);
    assert.ok(
      left.every((name) => !name.includes('partial')),
      `partial files left: ${left.join(', ')}`,
    );
    assert.ok(!existsSync(join(cacheDir, 'layouts')) || readdirSync(join(cacheDir, 'layouts')).length === 0);
  });

  it('reports a missing manifest as input.not-found naming the reference', async () => {
    await assert.rejects(pullImage(`${host}/demo/tiny:nope`, { cacheDir: join(work, 'cache-5') }), (error: unknown) => {
      assert.ok(error instanceof InputError);
      assert.equal(error.code, 'input.not-found');
      assert.match(error.message, /demo\/tiny:nope/);
      assert.match(error.message, /MANIFEST_UNKNOWN/);
      return true;
    });
  });

  it('pushes an artifact (monolithic and chunked uploads) and pulls it back byte-identical', async () => {
    const files = join(work, 'artifact-in');
    mkdirSync(files, { recursive: true });
    const db = Buffer.alloc(300_000);
    for (let i = 0; i < db.length; i++) db[i] = (i * 7919) % 251;
    writeFileSync(join(files, 'palisade.db'), db);
    writeFileSync(join(files, 'metadata.json'), '{"schema":1}\n');
    const pushed = await pushArtifact(`${host}/palisade/db:1`, {
      artifactType: 'application/vnd.palisade.db.v1',
      annotations: { 'org.opencontainers.image.created': '2026-01-01T00:00:00Z' },
      files: [
        { path: join(files, 'palisade.db'), mediaType: 'application/vnd.palisade.db.layer.v1.sqlite' },
        { path: join(files, 'metadata.json'), mediaType: 'application/json' },
      ],
      chunkSize: 64 * 1024, // the 300 kB file goes in 5 PATCH chunks; the small one in one PUT
    });
    assert.equal(pushed.layers.length, 2);
    assert.equal(pushed.skippedBlobs, 0);
    const out = join(work, 'artifact-out');
    const pulled = await pullArtifact(`${host}/palisade/db:1`, out, { artifactType: 'application/vnd.palisade.db.v1' });
    assert.equal(pulled.manifestDigest, pushed.manifestDigest);
    assert.equal(pulled.artifactType, 'application/vnd.palisade.db.v1');
    assert.deepEqual(pulled.annotations, { 'org.opencontainers.image.created': '2026-01-01T00:00:00Z' });
    assert.deepEqual(
      pulled.files.map((f) => f.title),
      ['palisade.db', 'metadata.json'],
    );
    assert.deepEqual(readFileSync(join(out, 'palisade.db')), db);
    assert.equal(readFileSync(join(out, 'metadata.json'), 'utf8'), '{"schema":1}\n');
    assert.equal(statSync(join(out, 'palisade.db')).size, 300_000);

    const again = await pushArtifact(`${host}/palisade/db:2`, {
      artifactType: 'application/vnd.palisade.db.v1',
      files: [{ path: join(files, 'palisade.db') }],
    });
    assert.equal(again.skippedBlobs, 2, 'layer and empty config already in the repository');
    await assert.rejects(
      pullArtifact(`${host}/palisade/db:1`, out, { artifactType: 'application/vnd.other' }),
      /expected "application\/vnd.other"/,
    );
  });

  describe('through a proxy that redirects blobs and fails transiently', () => {
    let proxy: Server;
    let proxyHost: string;
    let failures = 0;
    before(async () => {
      proxy = createServer((req, res) => {
        void (async () => {
          const url = req.url ?? '/';
          if (url.includes('/manifests/') && failures > 0) {
            failures--;
            res.writeHead(failures % 2 === 0 ? 503 : 429, { 'retry-after': '0' });
            res.end('busy');
            return;
          }
          if (req.method === 'GET' && url.includes('/blobs/sha256:')) {
            // Like registries that send blob reads to object storage (another origin).
            res.writeHead(307, { location: `http://${host}${url}` });
            res.end();
            return;
          }
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && k !== 'host') headers[k] = v;
          const upstream = await fetch(`http://${host}${url}`, { method: req.method ?? 'GET', headers });
          const out: Record<string, string> = {};
          upstream.headers.forEach((v, k) => {
            if (k !== 'content-length' && k !== 'transfer-encoding') out[k] = v;
          });
          res.writeHead(upstream.status, out);
          res.end(Buffer.from(await upstream.arrayBuffer()));
        })().catch((error: unknown) => {
          res.writeHead(500);
          res.end(String(error));
        });
      });
      await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
      proxyHost = `127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    });
    after(async () => {
      proxy.closeAllConnections();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
    });

    it('follows blob redirects to another origin and retries 429/503', async () => {
      failures = 3;
      const result = await pullImage(`${proxyHost}/demo/tiny:1`, { cacheDir: join(work, 'cache-6'), retryBaseMs: 1 });
      assert.equal(result.manifestDigest, amd64.manifestDigest);
      assert.equal(result.downloadedBytes > 0, true);
      assert.equal(failures, 0);
    });

    it('gives up after the bounded retries with an ExternalError naming host, status and request', async () => {
      failures = 10;
      await assert.rejects(
        pullImage(`${proxyHost}/demo/tiny:1`, { cacheDir: join(work, 'cache-7'), retries: 2, retryBaseMs: 1 }),
        (error: unknown) => {
          assert.ok(error instanceof ExternalError);
          assert.equal(error.code, 'external.unavailable');
          assert.match(
            error.message,
            new RegExp(`GET http://${proxyHost}/v2/demo/tiny/manifests/1 \\(manifest .*demo/tiny:1\\): HTTP (503|429)`),
          );
          return true;
        },
      );
      assert.equal(failures, 7, 'one attempt and two retries');
      failures = 0;
    });
  });

  it('reports an unreachable registry as external.unavailable', async () => {
    const port = await freePort();
    await assert.rejects(
      pullImage(`127.0.0.1:${port}/demo/tiny:1`, { cacheDir: join(work, 'cache-8'), retries: 1, retryBaseMs: 1 }),
      (error: unknown) => {
        assert.ok(error instanceof ExternalError);
        assert.equal(error.code, 'external.unavailable');
        assert.match(error.message, new RegExp(`127\\.0\\.0\\.1:${port}.*failed: fetch failed.*ECONNREFUSED`));
        return true;
      },
    );
  });
});
