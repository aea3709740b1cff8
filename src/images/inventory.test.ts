/**
 * collectPackages on images written here from tar-stream layers (OCI layouts, gzip layers):
 * - per-package layer attribution for apk and rpm (each layer's version of the database);
 * - files owned by OS packages (apk R: lines, dpkg .list files through a merged /usr, rpm file
 *   lists) are not analyzed as language packages; unowned ones are;
 * - the layer cache: a rescan decompresses nothing, an image sharing the base layer decompresses
 *   only its new layer, and packages, layers and diagnostics equal an uncached scan.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Package } from '#core';
import { makeTar, type TarEntrySpec, testImage, writeLayout } from '#test/helpers/images/layout.ts';
import { buildHeaderBlob, writeNdb } from './analyzers/os/rpm/write.ts';
import { collectPackages, rpmFileNames } from './inventory.ts';

const work = mkdtempSync(join(tmpdir(), 'palisade-inventory-'));
after(() => rmSync(work, { recursive: true, force: true }));
let counter = 0;
const fresh = (name: string): string => join(work, `${name}-${++counter}`);

const ALPINE_RELEASE = 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.20.3\n';
const metadata = (name: string, version: string): string =>
  `Metadata-Version: 2.1\nName: ${name}\nVersion: ${version}\n`;

/** An apk `installed` stanza (https://wiki.alpinelinux.org/wiki/Apk_spec) with its file list. */
function apk(name: string, version: string, files: Record<string, string[]>): string {
  const lines = [`P:${name}`, `V:${version}`, 'A:x86_64', `o:${name}`];
  for (const [dir, names] of Object.entries(files)) {
    lines.push(`F:${dir}`, ...names.map((file) => `R:${file}`));
  }
  return `${lines.join('\n')}\n\n`;
}

const MUSL = apk('musl', '1.2.5-r0', { lib: ['ld-musl-x86_64.so.1'] });
const BUSYBOX_28 = apk('busybox', '1.36.1-r28', { bin: ['busybox'] });
const BUSYBOX_29 = apk('busybox', '1.36.1-r29', { bin: ['busybox'] });
const CURL = apk('curl', '8.9.1-r0', { 'usr/bin': ['curl'] });
const SIX = apk('py3-six', '1.16.0-r9', { 'usr/lib/python3.12/site-packages/six-1.16.0.dist-info': ['METADATA'] });

const alpineBase: TarEntrySpec[] = [
  { name: 'etc/os-release', content: ALPINE_RELEASE },
  { name: 'lib/apk/db/installed', content: MUSL + BUSYBOX_28 },
  { name: 'lib/ld-musl-x86_64.so.1', content: 'elf' },
  { name: 'bin/busybox', content: 'elf' },
  {
    name: 'usr/local/lib/python3.12/site-packages/requests-2.31.0.dist-info/METADATA',
    content: metadata('requests', '2.31.0'),
  },
];
const alpineTop: TarEntrySpec[] = [
  // layer 2: `apk add curl py3-six && apk upgrade busybox`
  { name: 'lib/apk/db/installed', content: MUSL + BUSYBOX_29 + CURL + SIX },
  { name: 'bin/busybox', content: 'elf, newer' },
  { name: 'usr/bin/curl', content: 'elf' },
  { name: 'usr/lib/python3.12/site-packages/six-1.16.0.dist-info/METADATA', content: metadata('six', '1.16.0') },
];

async function alpineImage(dir: string, top: TarEntrySpec[] = alpineTop): Promise<string> {
  return writeLayout(dir, { layers: [await makeTar(alpineBase), await makeTar(top)] });
}

function byName(packages: readonly Package[]): Map<string, Package> {
  return new Map(packages.map((pkg) => [`${pkg.kind}:${pkg.name}`, pkg]));
}

describe('collectPackages on layered images', () => {
  it('attributes each apk package to the layer that installed (or upgraded) it', async () => {
    const layout = await alpineImage(fresh('alpine'));
    const { value, diagnostics } = await collectPackages(layout, { cache: false });
    assert.deepEqual(diagnostics, []);
    const [base, top] = value.layers ?? [];
    assert.ok(base && top);
    const found = byName(value.packages);
    assert.equal(found.get('os:musl')?.location.layer, base.diffId, 'musl is in both versions: layer 1');
    assert.equal(found.get('os:busybox')?.version, '1.36.1-r29');
    assert.equal(found.get('os:busybox')?.location.layer, top.diffId, 'upgraded by layer 2');
    assert.equal(found.get('os:curl')?.location.layer, top.diffId);
    assert.equal(found.get('os:py3-six')?.location.layer, top.diffId);
    assert.equal(found.get('os:curl')?.location.path, 'lib/apk/db/installed');
  });

  it('does not analyze language files that an OS package owns, and analyzes the others', async () => {
    const layout = await alpineImage(fresh('alpine'));
    const { value } = await collectPackages(layout, { cache: false });
    const found = byName(value.packages);
    assert.equal(found.get('lang:requests')?.version, '2.31.0', 'pip-installed, owned by no apk package');
    assert.equal(found.get('lang:requests')?.location.layer, value.layers?.[0]?.diffId);
    assert.equal(found.has('lang:six'), false, 'installed by py3-six: its advisories are Alpine advisories');
    // six's METADATA, and bin/busybox and usr/bin/curl (the Go-binary analyzer's candidates)
    assert.equal(value.ownedFilesSkipped, 3);
  });

  it('follows a merged /usr when matching dpkg file lists to files', async () => {
    const layout = writeLayout(fresh('debian'), {
      layers: [
        await makeTar([
          { name: 'usr/lib/', type: 'directory' },
          { name: 'lib', type: 'symlink', linkname: 'usr/lib' },
          { name: 'etc/os-release', content: 'ID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\n' },
          {
            name: 'var/lib/dpkg/status',
            content: 'Package: python3-six\nStatus: install ok installed\nArchitecture: all\nVersion: 1.16.0-4\n\n',
          },
          // dpkg lists the path as the package shipped it: /lib/..., which is usr/lib/... in the view
          {
            name: 'var/lib/dpkg/info/python3-six.list',
            content:
              '/.\n/lib\n/lib/python3/dist-packages/six-1.16.0.dist-info\n/lib/python3/dist-packages/six-1.16.0.dist-info/METADATA\n',
          },
          { name: 'usr/lib/python3/dist-packages/six-1.16.0.dist-info/METADATA', content: metadata('six', '1.16.0') },
          {
            name: 'usr/lib/python3/dist-packages/attrs-23.2.0.dist-info/METADATA',
            content: metadata('attrs', '23.2.0'),
          },
        ]),
      ],
    });
    const { value, diagnostics } = await collectPackages(layout, { cache: false });
    assert.deepEqual(diagnostics, []);
    const found = byName(value.packages);
    assert.equal(found.get('os:python3-six')?.version, '1.16.0-4');
    assert.equal(found.has('lang:six'), false);
    assert.equal(found.get('lang:attrs')?.version, '23.2.0', 'not in any file list');
    assert.equal(value.ownedFilesSkipped, 1);
  });

  it('attributes rpm packages by each layer version of the database', async () => {
    const header = (name: string, version: string) =>
      buildHeaderBlob({ name, version, release: '150600.1.1', arch: 'x86_64', vendor: 'SUSE LLC' });
    const db = 'usr/lib/sysimage/rpm/Packages.db';
    const release = 'NAME="openSUSE Leap"\nID="opensuse-leap"\nVERSION_ID="15.6"\n';
    const layout = writeLayout(fresh('suse'), {
      layers: [
        await makeTar([
          { name: 'usr/lib/os-release', content: release },
          { name: db, content: writeNdb([header('bash', '4.4'), header('glibc', '2.38')]) },
        ]),
        await makeTar([
          { name: db, content: writeNdb([header('bash', '4.4'), header('glibc', '2.38'), header('curl', '8.6.0')]) },
        ]),
        await makeTar([
          { name: db, content: writeNdb([header('bash', '5.2'), header('glibc', '2.38'), header('curl', '8.6.0')]) },
        ]),
      ],
    });
    const { value, diagnostics } = await collectPackages(layout, { cache: false });
    assert.deepEqual(diagnostics, []);
    const layers = (value.layers ?? []).map((layer) => layer.diffId);
    const found = byName(value.packages);
    assert.equal(found.get('os:glibc')?.location.layer, layers[0]);
    assert.equal(found.get('os:curl')?.location.layer, layers[1]);
    assert.equal(found.get('os:bash')?.version, '5.2-150600.1.1');
    assert.equal(found.get('os:bash')?.location.layer, layers[2], 'upgraded in layer 3');
  });
});

describe('collectPackages with the layer cache', () => {
  const comparable = (result: Awaited<ReturnType<typeof collectPackages>>) => ({
    packages: result.value.packages,
    layers: result.value.layers,
    diagnostics: result.diagnostics,
    os: result.value.os,
    filesAnalyzed: result.value.filesAnalyzed,
    ownedFilesSkipped: result.value.ownedFilesSkipped,
  });

  it('rescans without decompressing any layer, with the same result as an uncached scan', async () => {
    const layout = await alpineImage(fresh('alpine'));
    const cache = fresh('cache');
    const uncached = await collectPackages(layout, { cache: false });
    const first = await collectPackages(layout, { cache });
    const second = await collectPackages(layout, { cache });
    assert.deepEqual(uncached.value.layerReads, { decompressions: 2, cachedLayers: [] });
    assert.deepEqual(first.value.layerReads, { decompressions: 2, cachedLayers: [] });
    assert.deepEqual(second.value.layerReads, { decompressions: 0, cachedLayers: [0, 1] });
    assert.deepEqual(comparable(first), comparable(uncached));
    assert.deepEqual(comparable(second), comparable(uncached));
    // requests' METADATA is not stored in the record: its analysis result is
    assert.ok(second.value.packages.some((pkg) => pkg.name === 'requests'));
  });

  it('reads only the new layer of an image that shares the base layer', async () => {
    const cache = fresh('cache');
    await collectPackages(await alpineImage(fresh('alpine')), { cache });
    const other = await alpineImage(fresh('alpine-other'), [
      { name: 'lib/apk/db/installed', content: MUSL + BUSYBOX_28 + CURL },
      { name: 'usr/bin/curl', content: 'elf' },
      { name: 'usr/local/lib/python3.12/site-packages/.wh.requests-2.31.0.dist-info', content: '' },
      { name: 'opt/app/go.mod', content: 'module example.com/app\n\ngo 1.22\n\nrequire golang.org/x/net v0.23.0\n' },
    ]);
    const cached = await collectPackages(other, { cache });
    const uncached = await collectPackages(other, { cache: false });
    assert.deepEqual(cached.value.layerReads, { decompressions: 1, cachedLayers: [0] });
    assert.deepEqual(comparable(cached), comparable(uncached));
    const found = byName(cached.value.packages);
    assert.equal(found.has('lang:requests'), false, 'whited out by the new layer');
    assert.equal(found.get('lang:golang.org/x/net')?.version, 'v0.23.0');
    assert.equal(found.get('os:busybox')?.location.layer, cached.value.layers?.[0]?.diffId);
    assert.equal(found.get('os:curl')?.location.layer, cached.value.layers?.[1]?.diffId);
  });
});

const realImage = testImage();

describe('collectPackages on the real Debian test image (build-test-image.sh)', {
  skip: typeof realImage === 'string' ? realImage : false,
}, () => {
  const img = realImage as Exclude<typeof realImage, string>;

  it('skips the executables dpkg installed, and rescans every form from the layer cache', async () => {
    const cache = fresh('cache');
    for (const source of [img.oci, img.dockerArchive, img.ociArchive]) {
      const uncached = await collectPackages(source, { cache: false });
      assert.ok((uncached.value.ownedFilesSkipped ?? 0) >= 3, `${uncached.value.ownedFilesSkipped} owned files`);
      assert.equal(uncached.value.packages.filter((pkg) => pkg.kind === 'lang').length, 0);
      await collectPackages(source, { cache });
      const rescan = await collectPackages(source, { cache });
      assert.deepEqual(rescan.value.layerReads, { decompressions: 0, cachedLayers: [0, 1] }, source);
      assert.deepEqual(rescan.value.packages, uncached.value.packages);
      assert.deepEqual(rescan.value.layers, uncached.value.layers);
      assert.deepEqual(rescan.diagnostics, uncached.diagnostics);
    }
  });
});

describe('rpmFileNames', () => {
  /** A header blob with DIRINDEXES (int32 array), BASENAMES and DIRNAMES (string arrays). */
  function headerWithFiles(dirs: string[], files: [dir: number, base: string][]): Buffer {
    const ints = Buffer.alloc(files.length * 4);
    files.forEach(([dir], i) => {
      ints.writeInt32BE(dir, i * 4);
    });
    const strings = (values: string[]) => Buffer.concat(values.map((value) => Buffer.from(`${value}\0`)));
    const entries: [tag: number, type: number, data: Buffer, count: number][] = [
      [1116, 4, ints, files.length],
      [1117, 8, strings(files.map(([, base]) => base)), files.length],
      [1118, 8, strings(dirs), dirs.length],
    ];
    const index = Buffer.alloc(8 + entries.length * 16);
    index.writeUInt32BE(entries.length, 0);
    let offset = 0;
    entries.forEach(([tag, type, data, count], i) => {
      index.writeInt32BE(tag, 8 + i * 16);
      index.writeUInt32BE(type, 12 + i * 16);
      index.writeInt32BE(offset, 16 + i * 16);
      index.writeUInt32BE(count, 20 + i * 16);
      offset += data.length;
    });
    index.writeUInt32BE(offset, 4);
    return Buffer.concat([index, ...entries.map(([, , data]) => data)]);
  }

  it('joins directory names and base names', () => {
    const blob = headerWithFiles(
      ['/usr/bin/', '/usr/lib64/'],
      [
        [0, 'curl'],
        [1, 'libcurl.so.4'],
      ],
    );
    assert.deepEqual(rpmFileNames(blob), ['/usr/bin/curl', '/usr/lib64/libcurl.so.4']);
  });

  it('returns what it can read from a truncated or hostile blob, never throws', () => {
    const blob = headerWithFiles(['/usr/bin/'], [[0, 'curl']]);
    assert.deepEqual(rpmFileNames(blob.subarray(0, blob.length - 3)), []);
    assert.deepEqual(rpmFileNames(Buffer.from([0, 0])), []);
    const badIndex = Buffer.from(blob);
    badIndex.writeInt32BE(5, 8 + 8); // DIRINDEXES: points to dirname 5, which does not exist
    assert.deepEqual(rpmFileNames(badIndex), []);
    const huge = Buffer.from(blob);
    huge.writeUInt32BE(0xffffff, 0);
    assert.deepEqual(rpmFileNames(huge), []);
  });
});
