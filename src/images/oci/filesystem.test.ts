/**
 * Layer application rules on the virtual filesystem, and the root filesystem directory source.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { LayeredFs, type LayerOp } from './filesystem.ts';
import { readImageFilesystem } from './read.ts';

function file(path: string, text: string): LayerOp {
  return {
    kind: 'entry',
    path,
    type: 'file',
    size: text.length,
    mode: 0o644,
    content: Buffer.from(text),
    wanted: true,
  };
}
const dir = (path: string): LayerOp => ({ kind: 'entry', path, type: 'dir', size: 0, mode: 0o755, wanted: false });
const link = (path: string, target: string): LayerOp => ({
  kind: 'entry',
  path,
  type: 'symlink',
  size: 0,
  mode: 0o777,
  linkTarget: target,
  wanted: true,
});

async function text(fs: LayeredFs, path: string): Promise<string | undefined> {
  return (await fs.readFile(path))?.toString();
}

describe('LayeredFs', () => {
  it('applies whiteouts to lower layers only, whatever their order in the layer', async () => {
    const fs = new LayeredFs(40);
    fs.applyLayer(0, 'sha256:l0', [
      dir('etc'),
      file('etc/a', 'old a'),
      file('etc/b', 'b'),
      dir('usr/share/doc/x'),
      file('usr/share/doc/x/c', 'c'),
    ]);
    // the replacement comes before its whiteout in tar order: it must survive
    fs.applyLayer(1, 'sha256:l1', [
      file('etc/a', 'new a'),
      { kind: 'whiteout', path: 'etc/a' },
      { kind: 'whiteout', path: 'usr/share/doc' },
    ]);
    assert.equal(await text(fs, 'etc/a'), 'new a');
    assert.equal(fs.stat('etc/a')?.layer, 'sha256:l1');
    assert.equal(fs.stat('etc/b')?.layer, 'sha256:l0');
    assert.equal(fs.stat('usr/share/doc'), undefined);
    assert.equal(fs.stat('usr/share/doc/x/c'), undefined);
    assert.equal(fs.stat('usr/share')?.type, 'dir');
  });

  it('empties an opaque directory of lower children but keeps the layer own children', () => {
    const fs = new LayeredFs(40);
    fs.applyLayer(0, 'sha256:l0', [file('etc/ssl/a', 'a'), file('etc/ssl/sub/b', 'b'), file('etc/keep', 'k')]);
    fs.applyLayer(1, 'sha256:l1', [file('etc/ssl/new', 'n'), { kind: 'opaque', dir: 'etc/ssl' }]);
    assert.deepEqual(
      [...fs.entries()].map((entry) => entry.path),
      ['etc', 'etc/keep', 'etc/ssl', 'etc/ssl/new'],
    );
  });

  it('replaces a directory by a file (subtree gone) and merges a directory over a directory', () => {
    const fs = new LayeredFs(40);
    fs.applyLayer(0, 'sha256:l0', [file('opt/app/bin/tool', 't'), file('srv/x', 'x')]);
    fs.applyLayer(1, 'sha256:l1', [file('opt/app', 'now a file'), dir('srv'), file('srv/y', 'y')]);
    assert.equal(fs.stat('opt/app')?.type, 'file');
    assert.equal(fs.stat('opt/app/bin/tool'), undefined);
    assert.deepEqual(
      [...fs.entries()].filter((entry) => entry.path.startsWith('srv/')).map((entry) => entry.path),
      ['srv/x', 'srv/y'],
    );
  });

  it('places entries under symlinked directories at the target and resolves symlinks inside the root', async () => {
    const fs = new LayeredFs(40);
    fs.applyLayer(0, 'sha256:l0', [
      link('lib', 'usr/lib'),
      file('lib/libz.so.1', 'z'),
      link('etc/os-release', '../usr/lib/os-release'),
      file('usr/lib/os-release', 'ID=debian\n'),
      link('etc/abs', '/usr/lib/os-release'),
      link('etc/out', '../../../../usr/lib/os-release'),
    ]);
    assert.equal(fs.stat('lib')?.type, 'symlink');
    assert.equal(fs.stat('usr/lib/libz.so.1')?.type, 'file');
    assert.equal(await text(fs, 'lib/libz.so.1'), 'z');
    for (const path of ['etc/os-release', 'etc/abs', 'etc/out']) {
      assert.deepEqual(fs.resolve(path).kind === 'found' && fs.resolve(path), {
        kind: 'found',
        path: 'usr/lib/os-release',
        entry: fs.stat('usr/lib/os-release'),
      });
    }
  });

  it('resolves hard links to their target content and reports loops', async () => {
    const fs = new LayeredFs(8);
    fs.applyLayer(0, 'sha256:l0', [
      file('usr/bin/perl5.36', 'perl'),
      {
        kind: 'entry',
        path: 'usr/bin/perl',
        type: 'hardlink',
        size: 0,
        mode: 0o755,
        linkTarget: 'usr/bin/perl5.36',
        wanted: true,
      },
      link('a', 'b'),
      link('b', 'a'),
    ]);
    assert.equal(await text(fs, 'usr/bin/perl'), 'perl');
    assert.equal(fs.stat('usr/bin/perl')?.hardlink, true);
    assert.equal(fs.stat('usr/bin/perl')?.size, 4);
    assert.equal(fs.resolve('a').kind, 'loop');
    assert.equal(fs.resolve('a/x').kind, 'loop');
    assert.equal(await fs.readFile('a'), undefined);
  });
});

describe('root filesystem directory', () => {
  const root = mkdtempSync(join(tmpdir(), 'palisade-rootfs-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'usr/lib'), { recursive: true });
  mkdirSync(join(root, 'etc'));
  mkdirSync(join(root, 'var/lib/dpkg'), { recursive: true });
  writeFileSync(join(root, 'usr/lib/os-release'), 'ID=debian\n');
  writeFileSync(join(root, 'var/lib/dpkg/status'), 'Package: bash\n');
  writeFileSync(join(root, 'var/lib/dpkg/huge'), Buffer.alloc(4096));
  symlinkSync('../usr/lib/os-release', join(root, 'etc/os-release'));
  symlinkSync('/etc/passwd', join(root, 'etc/abs-passwd'));
  symlinkSync('../../../../../../../etc/hostname', join(root, 'etc/up-hostname'));
  symlinkSync('loop-b', join(root, 'etc/loop-a'));
  symlinkSync('loop-a', join(root, 'etc/loop-b'));

  it('lists the directory, reads wanted files lazily and keeps symlinks inside the root', async () => {
    const { value, diagnostics } = await readImageFilesystem(root, {
      wanted: (path) => (path === 'var/lib/dpkg/huge' ? 1024 : path.startsWith('etc/') || path.startsWith('var/')),
    });
    assert.equal(value.image.format, 'rootfs');
    assert.deepEqual(diagnostics.map((diagnostic) => diagnostic.code).sort(), [
      'image.file-too-large',
      'image.symlink-loop',
      'image.symlink-loop',
    ]);
    assert.equal((await value.files.readFile('etc/os-release'))?.toString(), 'ID=debian\n');
    assert.equal((await value.files.readFile('var/lib/dpkg/status'))?.toString(), 'Package: bash\n');
    // absolute and escaping targets resolve inside the root, where these files do not exist
    assert.equal(await value.files.readFile('etc/abs-passwd'), undefined);
    assert.equal(await value.files.readFile('etc/up-hostname'), undefined);
    assert.equal(await value.files.readFile('var/lib/dpkg/huge'), undefined);
    assert.equal(value.files.stat('etc/os-release')?.layer, undefined);
  });
});
