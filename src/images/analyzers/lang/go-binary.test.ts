import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { FileInput } from '../../analyzer.ts';
import { decodeBuildInfo, goBinaryAnalyzer, goVersionToModuleVersion } from './go-binary.ts';
import { readElf } from './lib/elf.ts';

function input(path: string, data: Buffer): FileInput {
  return { path, size: data.length, read: async () => data };
}

// --- Build information, written per the format described in go-binary.ts -------------------------

const SENTINEL_START = Buffer.from('3077af0c9274080241e1c107e6d618e6', 'hex');
const SENTINEL_END = Buffer.from('f932433186182072008242104116d8f2', 'hex');

function uvarint(n: number): Buffer {
  const bytes: number[] = [];
  while (n >= 0x80) {
    bytes.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  bytes.push(n);
  return Buffer.from(bytes);
}

function lengthPrefixed(data: Buffer): Buffer {
  return Buffer.concat([uvarint(data.length), data]);
}

function buildInfoBlob(goVersion: string, modInfo: string, options: { flags?: number; ptrSize?: number } = {}): Buffer {
  const header = Buffer.alloc(32);
  header.write('\xff Go buildinf:', 0, 'latin1');
  header[14] = options.ptrSize ?? 8;
  header[15] = options.flags ?? 0x2;
  const mod = modInfo === '' ? Buffer.alloc(0) : Buffer.concat([SENTINEL_START, Buffer.from(modInfo), SENTINEL_END]);
  return Buffer.concat([header, lengthPrefixed(Buffer.from(goVersion)), lengthPrefixed(mod)]);
}

/** A minimal ELF file (System V gABI) with sections: null, the named data sections, .shstrtab. */
function elfFile(
  sections: { name: string; data: Buffer }[],
  options: { is64?: boolean; le?: boolean; tableFirst?: boolean } = {},
): Buffer {
  const is64 = options.is64 ?? true;
  const le = options.le ?? true;
  const ehsize = is64 ? 64 : 52;
  const shentsize = is64 ? 64 : 40;
  const names = ['', ...sections.map((s) => s.name), '.shstrtab'];
  const nameOffsets: number[] = [];
  let strtab = Buffer.alloc(0);
  for (const name of names) {
    nameOffsets.push(strtab.length);
    strtab = Buffer.concat([strtab, Buffer.from(`${name}\0`, 'latin1')]);
  }
  const all = [...sections.map((s) => s.data), strtab];
  const offsets: number[] = [];
  const tableSize = names.length * shentsize;
  // The section header table goes last, as linkers write it, or (tableFirst) right after the ELF
  // header with the name table next, so that cutting the file's end only cuts the data sections.
  let pos = options.tableFirst ? ehsize + tableSize : ehsize;
  const bodies: Buffer[] = [];
  const order = all.map((_, i) => i);
  if (options.tableFirst) {
    order.unshift(order.pop()!);
  }
  for (const i of order) {
    const data = all[i]!;
    const pad = (16 - (pos % 16)) % 16;
    bodies.push(Buffer.alloc(pad), data);
    pos += pad;
    offsets[i] = pos;
    pos += data.length;
  }
  const shoff = options.tableFirst ? ehsize : pos;
  const shnum = names.length;
  const header = Buffer.alloc(ehsize);
  header.set([0x7f, 0x45, 0x4c, 0x46, is64 ? 2 : 1, le ? 1 : 2, 1]);
  const w16 = (b: Buffer, v: number, o: number) => (le ? b.writeUInt16LE(v, o) : b.writeUInt16BE(v, o));
  const w32 = (b: Buffer, v: number, o: number) => (le ? b.writeUInt32LE(v, o) : b.writeUInt32BE(v, o));
  const w64 = (b: Buffer, v: number, o: number) =>
    le ? b.writeBigUInt64LE(BigInt(v), o) : b.writeBigUInt64BE(BigInt(v), o);
  w16(header, 2, 16); // ET_EXEC
  w16(header, is64 ? 62 : 3, 18); // x86-64 / i386
  w32(header, 1, 20);
  if (is64) {
    w64(header, shoff, 0x28);
    w16(header, ehsize, 0x34);
    w16(header, shentsize, 0x3a);
    w16(header, shnum, 0x3c);
    w16(header, shnum - 1, 0x3e);
  } else {
    w32(header, shoff, 0x20);
    w16(header, ehsize, 0x28);
    w16(header, shentsize, 0x2e);
    w16(header, shnum, 0x30);
    w16(header, shnum - 1, 0x32);
  }
  const table = Buffer.alloc(shnum * shentsize);
  for (let i = 1; i < shnum; i++) {
    const o = i * shentsize;
    const type = i === shnum - 1 ? 3 : 1; // SHT_STRTAB / SHT_PROGBITS
    w32(table, nameOffsets[i]!, o);
    w32(table, type, o + 4);
    if (is64) {
      w64(table, offsets[i - 1]!, o + 24);
      w64(table, all[i - 1]!.length, o + 32);
    } else {
      w32(table, offsets[i - 1]!, o + 16);
      w32(table, all[i - 1]!.length, o + 20);
    }
  }
  return options.tableFirst ? Buffer.concat([header, table, ...bodies]) : Buffer.concat([header, ...bodies, table]);
}

const MOD_INFO = [
  'path\texample.com/palisade/cmd/server',
  'mod\texample.com/palisade\t(devel)\t',
  'dep\tgithub.com/spf13/cobra\tv1.8.0\th1:7aJaZx1B85qltLMc546zn58BxxfZdR/W22ej9CFoEf0=',
  'dep\tgolang.org/x/net\tv0.17.0\th1:pVaXccu2ozPjCXewfr1S7xoGECwTdtd5/oNeG8yjiwI=',
  'dep\tgithub.com/example/forked\tv1.0.0',
  '=>\tgithub.com/palisade-fork/forked\tv1.0.1\th1:abc=',
  'dep\tgithub.com/example/local\tv0.3.1',
  '=>\t../local\t\t',
  'dep\texample.com/palisade/api\t(devel)\t',
  'build\t-buildmode=exe',
  'build\t-compiler=gc',
  'build\tCGO_ENABLED=0',
  'build\tGOOS=linux',
  '',
].join('\n');

describe('lang/go-binary', () => {
  it('has the id of its folder and file slug (lang/<slug>)', () => {
    const slug = basename(fileURLToPath(import.meta.url), '.test.ts');
    assert.ok(existsSync(new URL(`${slug}.ts`, import.meta.url)));
    assert.equal(goBinaryAnalyzer.id, `lang/${slug}`);
    assert.equal(goBinaryAnalyzer.kind, 'lang');
    assert.equal(goBinaryAnalyzer.ecosystem, 'Go');
    assert.ok(Number.isInteger(goBinaryAnalyzer.version) && goBinaryAnalyzer.version >= 1);
  });

  it('matches files in executable directories and at the image root, not data files', () => {
    for (const path of [
      'usr/local/bin/kubectl',
      'usr/bin/fzf',
      'bin/app',
      'usr/sbin/daemon',
      'manager',
      'opt/tool/run',
      'ko-app/server',
      'root/go/bin/dlv',
      'usr/libexec/helper',
      'usr/bin/python3.11',
    ]) {
      assert.equal(goBinaryAnalyzer.matches(path), true, path);
    }
    for (const path of [
      'usr/bin/script.sh',
      'etc/passwd',
      'usr/share/doc/fzf/README',
      'usr/bin/',
      'usr/local/bin/config.yaml',
      'usr/lib/x86_64-linux-gnu/libc.so.6',
      'home/u/notes',
      'bin/lib.jar',
    ]) {
      assert.equal(goBinaryAnalyzer.matches(path), false, path);
    }
  });

  it('reads stdlib, the main module when versioned and every dependency with replacements applied', async () => {
    const elf = elfFile([
      { name: '.text', data: Buffer.alloc(64, 0x90) },
      { name: '.go.buildinfo', data: buildInfoBlob('go1.21.5', MOD_INFO) },
    ]);
    const result = await goBinaryAnalyzer.analyze(input('usr/local/bin/server', elf), {});
    assert.deepEqual(
      result.value.map((p) => p.purl),
      [
        'pkg:golang/stdlib@v1.21.5',
        'pkg:golang/github.com/spf13/cobra@v1.8.0',
        'pkg:golang/golang.org/x/net@v0.17.0',
        'pkg:golang/github.com/palisade-fork/forked@v1.0.1',
      ],
    );
    assert.deepEqual(result.value[2], {
      name: 'golang.org/x/net',
      version: 'v0.17.0',
      ecosystem: 'Go',
      purl: 'pkg:golang/golang.org/x/net@v0.17.0',
      kind: 'lang',
      analyzer: 'lang/go-binary',
      location: { path: 'usr/local/bin/server' },
    });
    assert.deepEqual(
      result.diagnostics.map((d) => [d.level, d.code]),
      [
        ['info', 'go-binary.devel-main-module'],
        ['info', 'go-binary.local-replace'],
        ['info', 'go-binary.devel-dependency'],
      ],
    );
    assert.ok(result.diagnostics.every((d) => d.location.file === 'usr/local/bin/server'));
  });

  it('reports a main module installed at a version (go install pkg@version), 32-bit big-endian too', async () => {
    const info = 'path\tgithub.com/tool/cmd/tool\nmod\tgithub.com/tool\tv2.3.4+incompatible\th1:x=\n';
    const elf = elfFile(
      [{ name: '.go.buildinfo', data: buildInfoBlob('go1.22.0 X:boringcrypto', info, { ptrSize: 4 }) }],
      {
        is64: false,
        le: false,
      },
    );
    const parsed = readElf(elf);
    assert.ok(typeof parsed !== 'string' && !parsed.is64 && !parsed.littleEndian);
    const result = await goBinaryAnalyzer.analyze(input('bin/tool', elf), {});
    assert.deepEqual(
      result.value.map((p) => `${p.name}@${p.version}`),
      ['stdlib@v1.22.0', 'github.com/tool@v2.3.4+incompatible'],
    );
    assert.deepEqual(result.diagnostics, []);
  });

  it('reads only stdlib from a GOPATH build (no module lines)', async () => {
    const elf = elfFile([
      { name: '.go.buildinfo', data: buildInfoBlob('go1.19.8', 'path\tgithub.com/x/y\nbuild\t-compiler=gc\n') },
    ]);
    const result = await goBinaryAnalyzer.analyze(input('usr/bin/y', elf), {});
    assert.deepEqual(
      result.value.map((p) => p.purl),
      ['pkg:golang/stdlib@v1.19.8'],
    );
  });

  it('converts toolchain versions to module versions', () => {
    assert.equal(goVersionToModuleVersion('go1.21.5'), 'v1.21.5');
    assert.equal(goVersionToModuleVersion('go1.21'), 'v1.21.0');
    assert.equal(goVersionToModuleVersion('go1.21rc2'), 'v1.21.0-rc.2');
    assert.equal(goVersionToModuleVersion('go1.18beta1'), 'v1.18.0-beta.1');
    assert.equal(goVersionToModuleVersion('go1.22.0 X:boringcrypto'), 'v1.22.0');
    assert.equal(goVersionToModuleVersion('devel go1.23-abcdef Tue Jan 1'), undefined);
    assert.equal(goVersionToModuleVersion('go1.25-20250209-RC00 cl/1'), undefined);
  });

  it('reports a development toolchain without stdlib, and pre-1.18 pointer-format binaries as unsupported', async () => {
    const devel = elfFile([
      { name: '.go.buildinfo', data: buildInfoBlob('devel go1.23-abc', 'path\tx\nmod\tx\tv1.0.0\t\n') },
    ]);
    const d = await goBinaryAnalyzer.analyze(input('bin/x', devel), {});
    assert.deepEqual(
      d.value.map((p) => p.purl),
      ['pkg:golang/x@v1.0.0'],
    );
    assert.deepEqual(
      d.diagnostics.map((x) => x.code),
      ['go-binary.devel-toolchain'],
    );

    const old = Buffer.alloc(64);
    old.write('\xff Go buildinf:', 0, 'latin1');
    old[14] = 8;
    old[15] = 0; // pointers, little-endian
    const result = await goBinaryAnalyzer.analyze(
      input('bin/old', elfFile([{ name: '.go.buildinfo', data: old }])),
      {},
    );
    assert.deepEqual(result.value, []);
    assert.deepEqual(
      result.diagnostics.map((x) => [x.level, x.code, x.location.file]),
      [['warning', 'go-binary.unsupported', 'bin/old']],
    );
    assert.match(result.diagnostics[0]!.message, /Go 1\.17 or older/);
  });

  it('reports a section cut by the end of the file, and a string that runs past its section', async () => {
    const blob = buildInfoBlob('go1.21.5', MOD_INFO);
    const short = elfFile([{ name: '.go.buildinfo', data: blob.subarray(0, 60) }]);
    const result = await goBinaryAnalyzer.analyze(input('bin/short', short), {});
    assert.deepEqual(result.value, []);
    assert.equal(result.diagnostics.length, 1);
    assert.equal(result.diagnostics[0]!.code, 'go-binary.invalid');
    assert.match(result.diagnostics[0]!.message, /module information \(\d+ bytes at \d+\) runs past the end/);

    // A file cut in the middle of the section (the section header table comes first here).
    const whole = elfFile([{ name: '.go.buildinfo', data: blob }], { tableFirst: true });
    const parsed = readElf(whole);
    assert.ok(typeof parsed !== 'string');
    const section = parsed.sections.find((x) => x.name === '.go.buildinfo')!;
    assert.equal((await goBinaryAnalyzer.analyze(input('bin/whole', whole), {})).value.length, 4);
    const cut = await goBinaryAnalyzer.analyze(input('bin/cut', whole.subarray(0, section.offset + 100)), {});
    assert.deepEqual(cut.value, []);
    assert.deepEqual(
      cut.diagnostics.map((d) => [d.level, d.code, d.location.file]),
      [['error', 'go-binary.invalid', 'bin/cut']],
    );
    assert.match(cut.diagnostics[0]!.message, /the section is cut by the end of the file/);
    assert.match(
      cut.diagnostics[0]!.message,
      /module information \(514 bytes at 43\) runs past the end of the data \(100 bytes\)/,
    );

    const header = await goBinaryAnalyzer.analyze(
      input('bin/h', elfFile([{ name: '.go.buildinfo', data: blob.subarray(0, 20) }])),
      {},
    );
    assert.match(header.diagnostics[0]!.message, /header truncated \(20 of 32 bytes\)/);
  });

  it('rejects damaged module lines one by one and keeps the good ones', async () => {
    const info =
      'mod\tm\t(devel)\t\ndep\tonly-a-path\ndep\tgood.example/a\tv1.0.0\t\n=>\torphan\n=>\tx\tv1.0.0\t\ndep\tgood.example/b\tv2.0.0\t\n';
    const elf = elfFile([{ name: '.go.buildinfo', data: buildInfoBlob('go1.21.5', info) }]);
    const result = await goBinaryAnalyzer.analyze(input('bin/m', elf), {});
    assert.deepEqual(
      result.value.map((p) => `${p.name}@${p.version}`),
      ['stdlib@v1.21.5', 'good.example/a@v1.0.0', 'good.example/b@v2.0.0'],
    );
    assert.deepEqual(
      result.diagnostics.map((d) => d.code),
      [
        'go-binary.invalid-module-line', // dep without version
        'go-binary.invalid-module-line', // => without version
        'go-binary.invalid-module-line', // => after a replacement, nothing to replace
        'go-binary.devel-main-module',
      ],
    );
  });

  it('returns nothing, silently, for non-Go ELF files, scripts and garbage', async () => {
    const cElf = elfFile([
      { name: '.text', data: Buffer.alloc(32) },
      { name: '.data', data: Buffer.from('\xff Go buildinf:', 'latin1') },
    ]);
    for (const data of [
      cElf,
      Buffer.from('#!/bin/sh\necho hi\n'),
      Buffer.alloc(0),
      Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1]),
      Buffer.from('MZ'),
    ]) {
      const result = await goBinaryAnalyzer.analyze(input('usr/bin/x', data), {});
      assert.deepEqual(result, { value: [], diagnostics: [] });
    }
  });

  it('does not trust a hostile section header table, and falls back to searching the data', async () => {
    const hostile = elfFile([{ name: '.go.buildinfo', data: buildInfoBlob('go1.21.5', '') }]);
    hostile.writeUInt16LE(0xfff0, 0x3c); // e_shnum far past the end of the file
    assert.match(readElf(hostile) as string, /runs past the end of the file/);
    const result = await goBinaryAnalyzer.analyze(input('usr/bin/h', hostile), {});
    assert.deepEqual(
      result.value.map((p) => p.purl),
      ['pkg:golang/stdlib@v1.21.5'],
    );
  });

  it('finds aligned build information in other executables (PE), skipping an unaligned magic constant', async () => {
    const blob = buildInfoBlob('go1.20.3', 'mod\tm\t(devel)\t\ndep\tgolang.org/x/sys\tv0.8.0\t\n');
    const pe = Buffer.alloc(256);
    pe.write('MZ', 0, 'latin1');
    pe.write('\xff Go buildinf:', 37, 'latin1'); // a string constant, not aligned
    pe[37 + 14] = 8;
    const data = Buffer.concat([pe, blob, Buffer.alloc(64)]);
    const result = await goBinaryAnalyzer.analyze(input('app/server.exe', data), {});
    assert.deepEqual(
      result.value.map((p) => p.purl),
      ['pkg:golang/stdlib@v1.20.3', 'pkg:golang/golang.org/x/sys@v0.8.0'],
    );
  });

  it('decodes the header flags and varints directly', () => {
    const long = `path\tp\n${'dep\texample.com/m\tv1.0.0\t\n'.repeat(300)}`;
    const info = decodeBuildInfo(buildInfoBlob('go1.21.5', long));
    assert.ok(typeof info !== 'string');
    assert.equal(info.goVersion, 'go1.21.5');
    assert.equal(info.modInfo, long); // a two-byte length prefix and the sentinels removed
    assert.equal(
      decodeBuildInfo(Buffer.from('not build info at all, 32 bytes or more')),
      'section does not start with the build information magic',
    );
    const badVarint = Buffer.concat([buildInfoBlob('', '').subarray(0, 32), Buffer.alloc(11, 0xff)]);
    assert.equal(decodeBuildInfo(badVarint), 'Go version length: varint longer than 10 bytes');
  });

  describe('real Go binaries from Debian packages', () => {
    const cache = join(tmpdir(), 'palisade-test-debs');
    const deb = existsSync(cache) ? readdirSync(cache).find((f) => /^fzf_.*\.deb$/.test(f)) : undefined;
    const hasDpkg = (() => {
      try {
        execFileSync('dpkg-deb', ['--version'], { stdio: 'ignore' });
        return true;
      } catch {
        return false;
      }
    })();
    const skip = !deb
      ? `no fzf .deb in ${cache}; to run: mkdir -p ${cache} && cd ${cache} && apt-get download fzf`
      : !hasDpkg
        ? 'dpkg-deb is not installed'
        : false;

    it('reads the Go toolchain version Debian says fzf was built with (Built-Using)', { skip }, async () => {
      const debPath = join(cache, deb!);
      const dir = join(cache, 'x', deb!.replace(/\.deb$/, ''));
      if (!existsSync(join(dir, 'usr/bin/fzf'))) {
        mkdirSync(dir, { recursive: true });
        execFileSync('dpkg-deb', ['-x', debPath, dir]);
      }
      const builtUsing = execFileSync('dpkg-deb', ['-f', debPath, 'Built-Using'], { encoding: 'utf8' });
      // golang-1.19 (= 1.19.8-2): the upstream part of the toolchain package's version.
      const golang = /golang-1\.\d+ \(= (\d+\.\d+(?:\.\d+)?)(?:-[^)]*)?\)/.exec(builtUsing);
      assert.ok(golang, `no golang toolchain in Built-Using: ${builtUsing}`);

      const data = readFileSync(join(dir, 'usr/bin/fzf'));
      const result = await goBinaryAnalyzer.analyze(input('usr/bin/fzf', data), {});
      const stdlib = result.value.find((p) => p.name === 'stdlib');
      assert.equal(stdlib?.version, `v${golang[1]}`);
      // Debian builds in GOPATH mode (dh-golang), so the binary lists no modules: the Go
      // libraries named in Built-Using cannot be seen in it, and none are invented.
      assert.deepEqual(
        result.value.map((p) => p.name),
        ['stdlib'],
      );
      assert.deepEqual(result.diagnostics, []);
    });
  });
});
