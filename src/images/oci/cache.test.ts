/**
 * The layer cache, with images written here from tar-stream layers: a rescan decompresses no layer,
 * an image sharing the base layer decompresses only its own, the final view (entries, contents,
 * layers, diagnostics) equals an uncached read, a tampered blob is refused even when its layer is
 * cached, and layers with diagnostics or damaged records are never trusted.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { InputError } from '#core';
import { makeTar, writeLayout } from '#test/helpers/images/layout.ts';
import { CACHE_FORMAT, defaultLayerCacheDir, LayerCache } from './cache.ts';
import { openImageFilesystem, type ReadImageOptions, readImageFilesystem } from './read.ts';

const work = mkdtempSync(join(tmpdir(), 'palisade-layer-cache-'));
after(() => rmSync(work, { recursive: true, force: true }));
let counter = 0;
const fresh = (name: string): string => join(work, `${name}-${++counter}`);

const base = await makeTar([
  { name: 'etc/', type: 'directory' },
  { name: 'etc/os-release', content: 'ID=alpine\nVERSION_ID=3.20.3\n' },
  { name: 'lib/apk/db/installed', content: 'P:musl\nV:1.2.5-r0\n\n' },
  { name: 'usr/bin/tool', content: 'binary bytes\n' },
  { name: 'usr/bin/old', content: 'to be removed\n' },
  { name: 'opt/app/', type: 'directory' },
  { name: 'opt/app/a.txt', content: 'a\n' },
  { name: 'bin', type: 'symlink', linkname: 'usr/bin' },
]);
const topA = await makeTar([
  { name: 'usr/bin/.wh.old', content: '' },
  { name: 'opt/app/.wh..wh..opq', content: '' },
  { name: 'opt/app/b.txt', content: 'b\n' },
  { name: 'lib/apk/db/installed', content: 'P:musl\nV:1.2.5-r0\n\nP:curl\nV:8.9.1-r0\n\n' },
]);
const topB = await makeTar([{ name: 'etc/motd', content: 'welcome\n' }]);

const WANTED = new Set(['etc/os-release', 'lib/apk/db/installed', 'usr/bin/tool', 'etc/motd', 'bin/tool']);
const wanted = (path: string): boolean => WANTED.has(path);

function options(cache: LayerCache | undefined, extra: Partial<ReadImageOptions> = {}): ReadImageOptions {
  return {
    wanted,
    history: (path) => path === 'lib/apk/db/installed',
    ...(cache ? { cache: { store: cache, scope: 'test' } } : {}),
    ...extra,
  };
}

/** Everything a read gives, in a comparable form. */
async function snapshot(source: string, cache?: LayerCache, extra: Partial<ReadImageOptions> = {}) {
  const opened = await openImageFilesystem(source, options(cache, extra));
  const image = opened.value;
  try {
    await image.fetch(WANTED);
    const contents: Record<string, string> = {};
    for (const path of WANTED) {
      contents[path] = (await image.files.readFile(path))?.toString('utf8') ?? '(none)';
    }
    const written = await image.commit();
    return {
      entries: [...image.files.entries()],
      contents,
      layers: image.layers,
      diagnostics: [...opened.diagnostics, ...written],
      stats: { ...image.stats, cachedLayers: [...image.stats.cachedLayers] },
      installed: image.versions('lib/apk/db/installed').map((v) => [v.layerIndex, v.content?.toString('utf8')]),
    };
  } finally {
    await image.close();
  }
}

function flipByte(file: string, offset: number): void {
  const fd = openSync(file, 'r+');
  const byte = readFileSync(file).subarray(offset, offset + 1);
  writeSync(fd, Buffer.from([(byte[0] ?? 0) ^ 0xff]), 0, 1, offset);
}

describe('layer cache', () => {
  it('defaults to $XDG_CACHE_HOME/palisade/layers, else ~/.cache/palisade/layers', () => {
    assert.equal(defaultLayerCacheDir({ XDG_CACHE_HOME: '/var/cache/me' }), '/var/cache/me/palisade/layers');
    assert.match(defaultLayerCacheDir({}), /\/\.cache\/palisade\/layers$/);
  });

  it('a rescan decompresses no layer and gives exactly the uncached view', async () => {
    const layout = writeLayout(fresh('image'), { layers: [base, topA] });
    const cache = new LayerCache(fresh('cache'));
    const uncached = await snapshot(layout);
    const first = await snapshot(layout, cache);
    const second = await snapshot(layout, cache);
    assert.deepEqual(first.stats, { decompressions: 2, cachedLayers: [], written: 2 });
    assert.deepEqual(second.stats, { decompressions: 0, cachedLayers: [0, 1], written: 0 });
    for (const run of [first, second]) {
      assert.deepEqual(run.entries, uncached.entries);
      assert.deepEqual(run.contents, uncached.contents);
      assert.deepEqual(run.layers, uncached.layers);
      assert.deepEqual(run.diagnostics, uncached.diagnostics);
      assert.deepEqual(run.installed, uncached.installed);
    }
    // the whiteout and the opaque directory of layer 2 were applied to the cached layer 1
    const paths = second.entries.map((entry) => entry.path);
    assert.ok(!paths.includes('usr/bin/old'));
    assert.ok(!paths.includes('opt/app/a.txt'));
    assert.ok(paths.includes('opt/app/b.txt'));
    assert.equal(second.contents['bin/tool'], 'binary bytes\n');
    assert.equal(second.entries.find((entry) => entry.path === 'usr/bin/tool')?.readable, true);
    // each layer's version of the apk database, from the cache
    assert.deepEqual(second.installed, [
      [0, 'P:musl\nV:1.2.5-r0\n\n'],
      [1, 'P:musl\nV:1.2.5-r0\n\nP:curl\nV:8.9.1-r0\n\n'],
    ]);
    assert.equal(readdirSync(cache.dir).filter((name) => name.endsWith('.json')).length, 2);
  });

  it('an image sharing the base layer decompresses only its new layer', async () => {
    const cache = new LayerCache(fresh('cache'));
    const imageA = writeLayout(fresh('image-a'), { layers: [base, topA] });
    const imageB = writeLayout(fresh('image-b'), { layers: [base, topB] });
    await snapshot(imageA, cache);
    const b = await snapshot(imageB, cache);
    assert.deepEqual(b.stats, { decompressions: 1, cachedLayers: [0], written: 1 });
    const uncached = await snapshot(imageB);
    assert.deepEqual(b.entries, uncached.entries);
    assert.deepEqual(b.contents, uncached.contents);
    assert.deepEqual(b.layers, uncached.layers);
    assert.equal(b.contents['etc/motd'], 'welcome\n');
    assert.ok(
      b.entries.some((entry) => entry.path === 'usr/bin/old'),
      'no whiteout in image B',
    );
  });

  it('fetches kept files that a record does not persist from their layer, only when asked', async () => {
    const layout = writeLayout(fresh('image'), { layers: [base, topB] });
    const cache = new LayerCache(fresh('cache'));
    const persist = (path: string): boolean => path !== 'usr/bin/tool';
    await snapshot(layout, cache, { persist });
    const opened = await openImageFilesystem(layout, options(cache, { persist }));
    try {
      assert.deepEqual(opened.value.stats.cachedLayers, [0, 1]);
      assert.equal(opened.value.stats.decompressions, 0);
      assert.equal((await opened.value.files.readFile('etc/os-release'))?.toString(), 'ID=alpine\nVERSION_ID=3.20.3\n');
      assert.equal(opened.value.stats.decompressions, 0, 'persisted contents come from the record');
      assert.equal((await opened.value.files.readFile('usr/bin/tool'))?.toString(), 'binary bytes\n');
      assert.equal(opened.value.stats.decompressions, 1, 'the base layer was read again for usr/bin/tool');
      assert.equal(await opened.value.files.readFile('opt/app/a.txt'), undefined, 'not wanted: never fetched');
    } finally {
      await opened.value.close();
    }
    // readImageFilesystem fetches every wanted file before it closes the image
    const read = await readImageFilesystem(layout, options(cache, { persist }));
    assert.equal((await read.value.files.readFile('usr/bin/tool'))?.toString(), 'binary bytes\n');
  });

  it('refuses a tampered blob even when its layer is cached (the blob is hashed again)', async () => {
    const layout = writeLayout(fresh('image'), { layers: [base, topA] });
    const cache = new LayerCache(fresh('cache'));
    const first = await snapshot(layout, cache);
    const layer = first.layers[0]!;
    const blob = join(layout, 'blobs', 'sha256', layer.digest!.slice('sha256:'.length));
    flipByte(blob, Math.floor(readFileSync(blob).length / 2));
    await assert.rejects(openImageFilesystem(layout, options(cache)), (error: unknown) => {
      assert.ok(error instanceof InputError);
      assert.match(error.message, /layer 1 \(sha256:[0-9a-f]{64}\) blob .* does not match its digest/);
      return true;
    });
  });

  it('does not cache a layer that gave a diagnostic, nor trust a damaged or foreign record', async () => {
    const odd = await makeTar([{ name: '/etc/absolute.conf', content: 'x\n' }]);
    const layout = writeLayout(fresh('image'), { layers: [base, odd] });
    const cache = new LayerCache(fresh('cache'));
    const first = await snapshot(layout, cache);
    assert.deepEqual(
      first.diagnostics.map((d) => d.code),
      ['image.absolute-path'],
    );
    const second = await snapshot(layout, cache);
    assert.deepEqual(second.stats.cachedLayers, [0], 'layer 2 (with its warning) is read every time');
    assert.deepEqual(second.diagnostics, first.diagnostics);

    const records = readdirSync(cache.dir).filter((name) => name.endsWith('.json'));
    assert.equal(records.length, 1);
    const file = join(cache.dir, records[0]!);
    const record = JSON.parse(readFileSync(file, 'utf8'));
    assert.equal(record.format, CACHE_FORMAT);
    for (const damage of [
      '{"format":',
      JSON.stringify({ ...record, format: CACHE_FORMAT + 1 }),
      JSON.stringify({ ...record, ops: [['etc', 'q', 0, 0, null, 0, null]] }),
      JSON.stringify({ ...record, key: 'another' }),
    ]) {
      writeFileSync(file, damage);
      const again = await snapshot(layout, cache);
      assert.deepEqual(again.stats.cachedLayers, [], `record ${damage.slice(0, 40)} was trusted`);
      assert.deepEqual(again.entries, first.entries);
    }
  });

  it('keeps the layers of an image read with other scopes or limits apart', async () => {
    const layout = writeLayout(fresh('image'), { layers: [base] });
    const cache = new LayerCache(fresh('cache'));
    await snapshot(layout, cache);
    const otherScope = await openImageFilesystem(layout, { wanted, cache: { store: cache, scope: 'other' } });
    await otherScope.value.close();
    assert.deepEqual(otherScope.value.stats.cachedLayers, []);
    const otherLimits = await openImageFilesystem(layout, {
      ...options(cache),
      limits: { maxFileBytes: 4 },
    });
    await otherLimits.value.close();
    assert.deepEqual(otherLimits.value.stats.cachedLayers, []);
  });
});
