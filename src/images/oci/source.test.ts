/**
 * Selecting one image from a multi-arch index (OCI image index and Docker manifest list, nested
 * index), by platform; hand-built layouts with one image per architecture.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { InputError } from '#core';
import { makeTar, writeImage, writeJsonBlob } from '#test/helpers/images/layout.ts';
import { parsePlatform, platformMatches } from './platform.ts';
import { readImageFilesystem } from './read.ts';
import { openImage } from './source.ts';

const work = mkdtempSync(join(tmpdir(), 'palisade-index-'));
after(() => rmSync(work, { recursive: true, force: true }));

const ARCHES = [
  { architecture: 'amd64' },
  { architecture: 'arm64', variant: 'v8' },
  { architecture: 'arm', variant: 'v7' },
] as const;

async function multiArchLayout(name: string, mediaType: string, nested: boolean): Promise<string> {
  const layout = join(work, name);
  mkdirSync(layout, { recursive: true });
  writeFileSync(join(layout, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  const manifests = [];
  for (const arch of ARCHES) {
    const layer = await makeTar([{ name: 'etc/arch', content: `${arch.architecture}\n` }]);
    const manifest = writeImage(layout, { layers: [layer], ...arch });
    manifests.push({ ...manifest, platform: { os: 'linux', ...arch } });
  }
  // a buildkit attestation manifest must be ignored
  manifests.push({
    ...manifests[0]!,
    platform: { os: 'unknown', architecture: 'unknown' },
    annotations: { 'vnd.docker.reference.type': 'attestation-manifest' },
  });
  const index = { schemaVersion: 2, mediaType, manifests };
  const top = nested
    ? {
        schemaVersion: 2,
        manifests: [
          { mediaType, ...writeJsonBlob(layout, index), annotations: { 'org.opencontainers.image.ref.name': 'multi' } },
        ],
      }
    : index;
  writeFileSync(join(layout, 'index.json'), JSON.stringify(top));
  return layout;
}

describe('multi-arch index', () => {
  for (const [name, mediaType, nested] of [
    ['oci-index', 'application/vnd.oci.image.index.v1+json', false],
    ['docker-list', 'application/vnd.docker.distribution.manifest.list.v2+json', false],
    ['nested-index', 'application/vnd.oci.image.index.v1+json', true],
  ] as const) {
    it(`selects each platform from ${name}`, async () => {
      const layout = await multiArchLayout(name, mediaType, nested);
      for (const [platform, expected] of [
        [undefined, 'amd64'],
        ['linux/amd64', 'amd64'],
        ['linux/arm64', 'arm64'],
        ['linux/arm64/v8', 'arm64'],
        ['linux/arm/v7', 'arm'],
        ['linux/arm', 'arm'],
      ] as const) {
        const { value, diagnostics } = await readImageFilesystem(layout, {
          ...(platform ? { platform: parsePlatform(platform) } : {}),
          wanted: (path) => path === 'etc/arch',
        });
        assert.deepEqual(diagnostics, []);
        assert.equal((await value.files.readFile('etc/arch'))?.toString(), `${expected}\n`, `platform ${platform}`);
        assert.equal(value.image.platform?.architecture, expected);
      }
    });
  }

  it('refuses a platform the index does not have, listing the available ones', async () => {
    const layout = await multiArchLayout('missing', 'application/vnd.oci.image.index.v1+json', false);
    await assert.rejects(openImage(layout, { platform: parsePlatform('linux/s390x') }), (error: unknown) => {
      assert.ok(error instanceof InputError);
      assert.equal(error.code, 'input.not-found');
      assert.match(
        error.message,
        /no linux\/s390x image; available platforms: linux\/amd64, linux\/arm64\/v8, linux\/arm\/v7$/,
      );
      return true;
    });
    await assert.rejects(openImage(layout, { platform: parsePlatform('linux/arm/v6') }), /no linux\/arm\/v6 image/);
  });
});

describe('platform', () => {
  it('parses and matches os/arch[/variant] with the usual aliases', () => {
    assert.deepEqual(parsePlatform('linux/arm64/v8'), { os: 'linux', architecture: 'arm64', variant: 'v8' });
    assert.throws(() => parsePlatform('amd64'), /not os\/arch/);
    assert.throws(() => parsePlatform('linux//v7'), /not os\/arch/);
    assert.equal(platformMatches(parsePlatform('linux/amd64'), { os: 'linux', architecture: 'x86_64' }), true);
    assert.equal(platformMatches(parsePlatform('linux/arm64/v8'), { os: 'linux', architecture: 'aarch64' }), true);
    assert.equal(
      platformMatches(parsePlatform('linux/arm/v7'), { os: 'linux', architecture: 'arm', variant: 'v6' }),
      false,
    );
    assert.equal(platformMatches(parsePlatform('windows/amd64'), { os: 'linux', architecture: 'amd64' }), false);
  });
});

describe('sources that are not images', () => {
  it('refuses a missing path, a random file and an index.json that is not JSON, naming them', async () => {
    await assert.rejects(openImage(join(work, 'nope')), /does not exist/);
    const random = join(work, 'random.bin');
    writeFileSync(random, Buffer.alloc(4096, 0x5a));
    await assert.rejects(
      openImage(random),
      (error: unknown) => error instanceof InputError && /random\.bin/.test(error.message),
    );
    const broken = join(work, 'broken-layout');
    mkdirSync(broken);
    writeFileSync(join(broken, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
    writeFileSync(join(broken, 'index.json'), '{"schemaVersion":2,"manifests":[{"mediaType":');
    await assert.rejects(openImage(broken), /index\.json is invalid/);
    writeFileSync(
      join(broken, 'index.json'),
      '{"schemaVersion":2,"manifests":[{"mediaType":"x","digest":"nope","size":-1}]}',
    );
    await assert.rejects(
      openImage(broken),
      /index\.json is invalid \(manifests\.0\.digest: not a digest; manifests\.0\.size/,
    );
  });
});
