/**
 * Hostile layers built here with tar-stream (and raw headers): path traversal, absolute paths,
 * symlink loops, absurd declared sizes, a gzip bomb, truncated and corrupt streams. Each must give
 * its diagnostic naming the image, layer and file, keep the rest of the image, and write nothing.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import type { Diagnostic } from '#core';
import { makeTar, rawTarHeader, writeLayout } from '#test/helpers/images/layout.ts';
import { readImageFilesystem } from './read.ts';

const work = mkdtempSync(join(tmpdir(), 'palisade-hostile-'));
after(() => rmSync(work, { recursive: true, force: true }));
let counter = 0;
function layoutDir(): string {
  counter++;
  // two levels deep, so "../../x" from the layout would land in `work`, which must stay untouched
  const dir = join(work, `case-${counter}`, 'deep', 'layout');
  mkdirSync(dir, { recursive: true });
  return dir;
}

const base = await makeTar([
  { name: 'etc/', type: 'directory' },
  { name: 'etc/os-release', content: 'ID=debian\nVERSION_ID="12"\n' },
  { name: 'var/lib/dpkg/status', content: 'Package: bash\nStatus: install ok installed\nVersion: 5.2.15-2+b8\n\n' },
]);
const everything = (): boolean => true;

function codes(diagnostics: readonly Diagnostic[]): string[] {
  return diagnostics.map((diagnostic) => diagnostic.code);
}

function assertBaseKept(files: Awaited<ReturnType<typeof readImageFilesystem>>['value']['files']): Promise<void> {
  return files.readFile('var/lib/dpkg/status').then((status) => {
    assert.match(status?.toString() ?? '', /^Package: bash$/m);
  });
}

describe('hostile layers', () => {
  it('skips path traversal, re-roots absolute paths, and writes nothing anywhere', async () => {
    const passwdBefore = statSync('/etc/passwd').mtimeMs;
    const hostile = await makeTar([
      { name: '../../etc/passwd', content: 'root::0:0::/:/bin/sh\n' },
      { name: 'a/../../../escape', content: 'x' },
      { name: '/etc/absolute.conf', content: 'absolute\n' },
      { name: 'ok/../etc/normalised.conf', content: 'inside\n' },
      { name: 'etc/hard', type: 'link', linkname: '../../../etc/shadow' },
    ]);
    const layout = writeLayout(layoutDir(), { layers: [base, hostile] });
    const { value, diagnostics } = await readImageFilesystem(layout, { wanted: everything });
    assert.deepEqual(codes(diagnostics), [
      'image.path-traversal',
      'image.path-traversal',
      'image.absolute-path',
      'image.path-traversal',
    ]);
    const diffId = value.image.layers[1]!.diffId;
    assert.equal(diagnostics[0]!.location.file, `${layout}:test`);
    assert.equal(diagnostics[0]!.location.path, `layer 2 (${diffId}) ../../etc/passwd`);
    assert.match(diagnostics[0]!.message, /layer 2 .*"\.\.\/\.\.\/etc\/passwd" leaves the image root/);
    assert.match(diagnostics[3]!.message, /hard link etc\/hard points to "\.\.\/\.\.\/\.\.\/etc\/shadow"/);
    assert.equal(value.files.stat('etc/passwd'), undefined);
    assert.equal(value.files.stat('escape'), undefined);
    assert.equal((await value.files.readFile('etc/absolute.conf'))?.toString(), 'absolute\n');
    assert.equal((await value.files.readFile('etc/normalised.conf'))?.toString(), 'inside\n');
    await assertBaseKept(value.files);
    assert.equal(statSync('/etc/passwd').mtimeMs, passwdBefore);
    assert.deepEqual(
      readdirSync(work).sort(),
      readdirSync(work)
        .filter((name) => name.startsWith('case-'))
        .sort(),
    );
    assert.deepEqual(readdirSync(join(layout, '..')), ['layout']);
  });

  it('reports wanted symlink loops and never resolves a symlink out of the root', async () => {
    const hostile = await makeTar([
      { name: 'etc/loop1', type: 'symlink', linkname: 'loop2' },
      { name: 'etc/loop2', type: 'symlink', linkname: '/etc/loop1' },
      { name: 'etc/self', type: 'symlink', linkname: 'self' },
      { name: 'etc/up', type: 'symlink', linkname: '../../../../../../etc/os-release' },
      { name: 'etc/dirloop', type: 'symlink', linkname: 'dirloop' },
      { name: 'etc/dirloop/file', content: 'under a looping parent' },
    ]);
    const layout = writeLayout(layoutDir(), { layers: [base, hostile] });
    const { value, diagnostics } = await readImageFilesystem(layout, {
      wanted: (path) => path.startsWith('etc/') || path === 'var/lib/dpkg/status',
    });
    assert.deepEqual(codes(diagnostics).sort(), [
      'image.symlink-loop',
      'image.symlink-loop',
      'image.symlink-loop',
      'image.symlink-loop',
      'image.symlink-parent',
    ]);
    const loop = diagnostics.find((diagnostic) => diagnostic.message.includes('symlink etc/loop1'));
    assert.match(loop?.location.path ?? '', /^layer 2 \(sha256:[0-9a-f]{64}\) etc\/loop1$/);
    assert.equal(value.files.resolve('etc/loop1').kind, 'loop');
    assert.equal(await value.files.readFile('etc/loop1'), undefined);
    // `..` stops at the image root: etc/up is the image's own os-release, not the host's
    assert.equal((await value.files.readFile('etc/up'))?.toString(), 'ID=debian\nVERSION_ID="12"\n');
    await assertBaseKept(value.files);
  });

  it('skips an entry with an absurd declared size and keeps the entries before it', async () => {
    const before = await makeTar([{ name: 'etc/before.conf', content: 'kept\n' }]);
    // the pack's end-of-archive blocks are dropped, then a header declaring 1 TiB and a few bytes of it
    const hostile = Buffer.concat([
      before.subarray(0, 1024),
      rawTarHeader('huge.bin', 2 ** 40),
      Buffer.alloc(4096, 0x41),
    ]);
    const layout = writeLayout(layoutDir(), { layers: [base, hostile] });
    const { value, diagnostics } = await readImageFilesystem(layout, {
      wanted: everything,
      limits: { maxEntryBytes: 1024 * 1024 * 1024 },
    });
    assert.deepEqual(codes(diagnostics), ['image.too-large', 'image.truncated']);
    assert.match(diagnostics[0]!.message, /entry huge\.bin declares 1099511627776 bytes/);
    assert.equal((await value.files.readFile('etc/before.conf'))?.toString(), 'kept\n');
    assert.equal(value.files.stat('huge.bin'), undefined);
    await assertBaseKept(value.files);
  });

  it('stops a gzip bomb of zeros at the ratio limit and keeps the other layers', async () => {
    const zeros = await makeTar([{ name: 'zeros.bin', content: Buffer.alloc(32 * 1024 * 1024) }]);
    const after = await makeTar([{ name: 'etc/after.conf', content: 'later layer\n' }]);
    const layout = writeLayout(layoutDir(), { layers: [base, zeros, after] });
    const { value, diagnostics } = await readImageFilesystem(layout, {
      wanted: everything,
      limits: { maxRatio: 50, ratioGraceBytes: 1024 * 1024 },
    });
    assert.deepEqual(codes(diagnostics), ['image.decompression-bomb']);
    assert.match(diagnostics[0]!.message, /layer 2 .*stopped decompressing .*ratio limit of 50/);
    assert.equal(value.layers[1]?.complete, false);
    assert.ok((value.layers[1]?.uncompressedBytes ?? 0) < 8 * 1024 * 1024);
    assert.equal(value.files.stat('zeros.bin'), undefined);
    assert.equal((await value.files.readFile('etc/after.conf'))?.toString(), 'later layer\n');
    await assertBaseKept(value.files);
  });

  it('stops at the image-wide uncompressed limit', async () => {
    const big = await makeTar([{ name: 'big.bin', content: Buffer.alloc(3 * 1024 * 1024, 1) }]);
    const layout = writeLayout(layoutDir(), { layers: [base, big] });
    const { diagnostics } = await readImageFilesystem(layout, { limits: { maxImageBytes: 2 * 1024 * 1024 } });
    assert.deepEqual(codes(diagnostics), ['image.decompression-bomb']);
    assert.match(diagnostics[0]!.message, /image limit of 2097152 bytes/);
  });

  it('keeps the files before the cut of a gzip stream that ends early (blob matches its digest)', async () => {
    const files = Array.from({ length: 200 }, (_, i) => ({
      name: `data/file-${i}.txt`,
      content: `${i} `.repeat(2000 + i),
    }));
    const layer = await makeTar(files);
    const gz = gzipSync(layer);
    const layout = writeLayout(layoutDir(), {
      layers: [base, layer],
      rawBlobs: [undefined, gz.subarray(0, gz.length / 2)],
    });
    const { value, diagnostics } = await readImageFilesystem(layout, { wanted: everything });
    assert.deepEqual(codes(diagnostics), ['image.truncated']);
    assert.match(diagnostics[0]!.message, /layer 2 .*ends early/);
    const kept = [...value.files.entries()].filter((entry) => entry.path.startsWith('data/file-'));
    assert.ok(kept.length > 5 && kept.length < 200, `${kept.length} files kept`);
    assert.equal((await value.files.readFile('data/file-0.txt'))?.toString(), '0 '.repeat(2000));
    await assertBaseKept(value.files);
  });

  it('reports a corrupt tar header and keeps the entries before it', async () => {
    const layer = await makeTar([
      { name: 'etc/first.conf', content: 'first\n' },
      { name: 'etc/second.conf', content: 'second\n' },
    ]);
    layer[1024 + 148] = 0x37; // second header's checksum field
    const layout = writeLayout(layoutDir(), { layers: [base, layer] });
    const { value, diagnostics } = await readImageFilesystem(layout, { wanted: everything });
    assert.deepEqual(codes(diagnostics), ['image.corrupt-layer']);
    assert.match(diagnostics[0]!.message, /Invalid tar header/);
    assert.equal((await value.files.readFile('etc/first.conf'))?.toString(), 'first\n');
    assert.equal(value.files.stat('etc/second.conf'), undefined);
  });

  it('lists a wanted file above its cap without its content, and only if it survives later layers', async () => {
    const big = await makeTar([
      { name: 'var/lib/big.db', content: Buffer.alloc(2048, 7) },
      { name: 'var/lib/deleted.db', content: Buffer.alloc(2048, 7) },
    ]);
    const remove = await makeTar([{ name: 'var/lib/.wh.deleted.db', content: '' }]);
    const layout = writeLayout(layoutDir(), { layers: [base, big, remove] });
    const { value, diagnostics } = await readImageFilesystem(layout, {
      wanted: (path) => (path.endsWith('.db') ? 1024 : false),
    });
    assert.deepEqual(codes(diagnostics), ['image.file-too-large']);
    assert.match(diagnostics[0]!.message, /layer 2 .*file var\/lib\/big\.db has 2048 bytes, above the 1024-byte limit/);
    assert.equal(value.files.stat('var/lib/big.db')?.omitted, 'too-large:1024');
    assert.equal(await value.files.readFile('var/lib/big.db'), undefined);
  });
});
