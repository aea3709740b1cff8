/**
 * The reader against a real Debian image built by test/helpers/images/build-test-image.sh (umoci +
 * skopeo): the OCI layout, OCI archive and docker-save forms give the same final view; layer 2's
 * whiteouts, opaque directory and rewritten dpkg status are applied; digests are enforced.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, openSync, readFileSync, rmSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import { InputError } from '#core';
import { compress, type LayerCompression, sha256, testImage } from '#test/helpers/images/layout.ts';
import { readImageFilesystem } from './read.ts';

const image = testImage();
const skip = typeof image === 'string' ? image : false;
const work = mkdtempSync(join(tmpdir(), 'palisade-read-test-'));
after(() => rmSync(work, { recursive: true, force: true }));

const WANTED = new Set(['var/lib/dpkg/status', 'etc/os-release', 'etc/motd', 'etc/ssl/palisade.cnf']);
const wanted = (path: string): boolean => WANTED.has(path);

async function view(source: string) {
  const result = await readImageFilesystem(source, { wanted });
  const files = result.value.files;
  const entries = [...files.entries()].map((entry) => [
    entry.path,
    entry.type,
    entry.size,
    entry.mode,
    entry.linkTarget ?? '',
    entry.layer ?? '',
  ]);
  const contents: Record<string, string> = {};
  for (const path of WANTED) {
    contents[path] = (await files.readFile(path))?.toString('utf8') ?? '(none)';
  }
  return { result, entries, contents };
}

/** Copy of the OCI layout with every layer recompressed (zstd, none, gzip again), manifest and index rewritten. */
function recompressLayout(source: string, target: string, compression: LayerCompression): void {
  cpSync(source, target, { recursive: true });
  const index = JSON.parse(readFileSync(join(target, 'index.json'), 'utf8'));
  const blob = (digest: string): string => join(target, 'blobs', 'sha256', digest.slice('sha256:'.length));
  const manifestDescriptor = index.manifests[0];
  const manifest = JSON.parse(readFileSync(blob(manifestDescriptor.digest), 'utf8'));
  for (const layer of manifest.layers) {
    const data = compress(gunzipSync(readFileSync(blob(layer.digest))), compression);
    layer.digest = sha256(data);
    layer.size = data.length;
    layer.mediaType = `application/vnd.oci.image.layer.v1.tar${compression === 'none' ? '' : `+${compression}`}`;
    writeFileSync(blob(layer.digest), data);
  }
  const manifestText = JSON.stringify(manifest);
  manifestDescriptor.digest = sha256(manifestText);
  manifestDescriptor.size = Buffer.byteLength(manifestText);
  writeFileSync(blob(manifestDescriptor.digest), manifestText);
  writeFileSync(join(target, 'index.json'), JSON.stringify(index));
}

function flipByte(file: string, offset: number): void {
  const fd = openSync(file, 'r+');
  const byte = readFileSync(file).subarray(offset, offset + 1);
  writeSync(fd, Buffer.from([(byte[0] ?? 0) ^ 0xff]), 0, 1, offset);
}

describe('readImageFilesystem on a real Debian image', { skip }, () => {
  const img = image as Exclude<typeof image, string>;

  it('gives the same final view for the OCI layout, OCI archive and docker-save forms', async () => {
    const layout = await view(img.oci);
    const archive = await view(img.ociArchive);
    const docker = await view(img.dockerArchive);
    assert.deepEqual(layout.result.diagnostics, []);
    assert.deepEqual(archive.result.diagnostics, []);
    assert.deepEqual(docker.result.diagnostics, []);
    assert.ok(layout.entries.length > 100, `only ${layout.entries.length} entries`);
    assert.deepEqual(archive.entries, layout.entries);
    assert.deepEqual(docker.entries, layout.entries);
    assert.deepEqual(archive.contents, layout.contents);
    assert.deepEqual(docker.contents, layout.contents);
    assert.equal(layout.result.value.image.format, 'oci-layout');
    assert.equal(archive.result.value.image.format, 'oci-archive');
    assert.equal(docker.result.value.image.format, 'docker-archive');
    assert.deepEqual(
      docker.result.value.image.layers.map((layer) => layer.diffId),
      layout.result.value.image.layers.map((layer) => layer.diffId),
    );
    assert.deepEqual(layout.result.value.image.platform, { os: 'linux', architecture: 'amd64' });
    assert.deepEqual(layout.result.value.image.config?.cmd, ['/bin/bash']);
  });

  it('applies layer 2: whiteouts, the opaque directory, the rewritten dpkg status, with the right layer per file', async () => {
    const { result, contents } = await view(img.oci);
    const files = result.value.files;
    const [base, top] = result.value.image.layers;
    assert.ok(base && top);
    assert.equal(files.stat('usr/bin/openssl'), undefined, 'whiteouted file is gone');
    assert.equal(files.stat('var/lib/dpkg/info/openssl.list'), undefined);
    assert.equal(files.stat('usr/lib/x86_64-linux-gnu/libssl.so.3')?.layer, base.diffId);
    // etc/ssl is opaque in layer 2: only its own file is left
    assert.deepEqual(
      [...files.entries()].filter((entry) => entry.path.startsWith('etc/ssl/')).map((entry) => entry.path),
      ['etc/ssl/palisade.cnf'],
    );
    assert.equal(files.stat('etc/ssl/palisade.cnf')?.layer, top.diffId);
    assert.equal(files.stat('etc/motd')?.layer, top.diffId);
    assert.equal(contents['etc/motd'], 'hello\n');
    // the status of layer 2 replaces layer 1's: openssl was removed there
    assert.equal(files.stat('var/lib/dpkg/status')?.layer, top.diffId);
    assert.match(contents['var/lib/dpkg/status']!, /^Package: libssl3$/m);
    assert.doesNotMatch(contents['var/lib/dpkg/status']!, /^Package: openssl$/m);
    // /bin is a symlink to usr/bin (merged /usr): bin/bash of the tar lands in usr/bin
    assert.equal(files.stat('bin')?.type, 'symlink');
    assert.equal(files.stat('usr/bin/bash')?.layer, base.diffId);
    assert.equal(files.resolve('bin/bash').kind, 'found');
    // etc/os-release is a symlink to ../usr/lib/os-release: its content is fetched by the follow-up pass
    assert.equal(files.stat('etc/os-release')?.type, 'symlink');
    assert.match(contents['etc/os-release']!, /^ID=debian$/m);
  });

  it('reads zstd, uncompressed and gzip layers alike, and a gzip-compressed docker-save archive', async () => {
    const reference = await view(img.oci);
    for (const compression of ['zstd', 'none', 'gzip'] as const) {
      const copy = join(work, `layout-${compression}`);
      recompressLayout(img.oci, copy, compression);
      const recompressed = await view(copy);
      assert.deepEqual(recompressed.result.diagnostics, []);
      assert.deepEqual(
        recompressed.result.value.layers.map((layer) => layer.compression),
        [compression, compression],
      );
      assert.deepEqual(recompressed.entries, reference.entries);
      assert.deepEqual(recompressed.contents, reference.contents);
    }
    const gzipped = join(work, 'image-docker.tar.gz');
    writeFileSync(gzipped, gzipSync(readFileSync(img.dockerArchive)));
    const fromGzip = await view(gzipped);
    assert.deepEqual(fromGzip.entries, reference.entries);
  });

  it('refuses a layout whose layer blob has one corrupt byte (InputError naming the layer)', async () => {
    const copy = join(work, 'corrupt-layout');
    cpSync(img.oci, copy, { recursive: true });
    const reference = await view(img.oci);
    const layer = reference.result.value.image.layers[0]!;
    const blob = join(copy, layer.blobPath);
    flipByte(blob, Math.floor(layer.size / 2));
    await assert.rejects(readImageFilesystem(copy, { wanted }), (error: unknown) => {
      assert.ok(error instanceof InputError);
      assert.equal(error.code, 'input.invalid');
      assert.match(error.message, /layer 1 \(sha256:[0-9a-f]{64}\)/);
      assert.match(error.message, /does not match its digest/);
      return true;
    });
  });

  it('refuses a docker-save archive whose plain layer has one corrupt byte', async () => {
    const copy = join(work, 'corrupt-docker.tar');
    cpSync(img.dockerArchive, copy);
    flipByte(copy, 512 + 1_000_000); // inside the first member: the base layer tar
    await assert.rejects(readImageFilesystem(copy, { wanted }), (error: unknown) => {
      assert.ok(error instanceof InputError);
      assert.match(error.message, /does not match its digest/);
      return true;
    });
  });

  it('refuses a changed manifest (index.json points to a digest its blob does not have)', async () => {
    const copy = join(work, 'corrupt-manifest');
    cpSync(img.oci, copy, { recursive: true });
    const index = JSON.parse(readFileSync(join(copy, 'index.json'), 'utf8'));
    const manifestBlob = join(copy, 'blobs', 'sha256', index.manifests[0].digest.slice('sha256:'.length));
    writeFileSync(manifestBlob, readFileSync(manifestBlob, 'utf8').replace('"schemaVersion":2', '"schemaVersion": 2'));
    await assert.rejects(readImageFilesystem(copy), /does not match its digest/);
  });

  it('keeps the files before the cut of a truncated layer blob and still applies the next layer', async () => {
    const copy = join(work, 'truncated-layout');
    cpSync(img.oci, copy, { recursive: true });
    const reference = await view(img.oci);
    const layer = reference.result.value.image.layers[0]!;
    truncateSync(join(copy, layer.blobPath), Math.floor(layer.size * 0.6));
    const cut = await view(copy);
    const codes = cut.result.diagnostics.map((diagnostic) => diagnostic.code);
    assert.deepEqual(codes, ['image.truncated']);
    assert.match(cut.result.diagnostics[0]!.message, /layer 1 .* truncated/);
    assert.ok(cut.entries.length > 10 && cut.entries.length < reference.entries.length);
    assert.equal(cut.contents['etc/motd'], 'hello\n', 'layer 2 is still applied');
    assert.equal(cut.result.value.layers[0]?.complete, false);
  });

  it('refuses a truncated docker-save archive that lost its manifest.json, saying it is truncated', async () => {
    const copy = join(work, 'truncated-docker.tar');
    cpSync(img.dockerArchive, copy);
    truncateSync(copy, 5_000_000);
    await assert.rejects(readImageFilesystem(copy), (error: unknown) => {
      assert.ok(error instanceof InputError);
      assert.match(
        error.message,
        /manifest\.json.*truncated: member [0-9a-f]{64}\.tar has 4999\d{3} of 19599360 bytes/,
      );
      return true;
    });
  });

  it('selects by tag and refuses a platform the image does not have', async () => {
    const byTag = await readImageFilesystem(img.oci, { tag: '1' });
    assert.equal(byTag.value.image.name, `${img.oci}:1`);
    await assert.rejects(readImageFilesystem(img.oci, { tag: 'nope' }), /no image tagged "nope"/);
    await assert.rejects(
      readImageFilesystem(img.dockerArchive, { platform: { os: 'linux', architecture: 'arm64' } }),
      /no linux\/arm64 image; available platforms: linux\/amd64/,
    );
  });
});
