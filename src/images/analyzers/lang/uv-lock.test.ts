import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { Package } from '#core';
import type { FileInput } from '../../analyzer.ts';
import { uvLockAnalyzer } from './uv-lock.ts';

const FIXTURES = new URL('../../../../test/fixtures/images/analyzers/lang/uv-lock/', import.meta.url);

function input(path: string, content: string | Buffer): FileInput {
  const buffer = typeof content === 'string' ? Buffer.from(content) : content;
  return { path, size: buffer.length, read: async () => buffer };
}
const analyzeFixture = (scenario: string) =>
  uvLockAnalyzer.analyze(input(`${scenario}/uv.lock`, readFileSync(new URL(`${scenario}/uv.lock`, FIXTURES))), {});
const ids = (packages: readonly Package[]) =>
  packages.map((p) => `${p.name}@${p.version}:${p.location.line}${p.dev ? ' dev' : ''}`);

describe('lang/uv-lock', () => {
  it('matches uv.lock', () => {
    assert.equal(uvLockAnalyzer.matches('app/uv.lock'), true);
    assert.equal(uvLockAnalyzer.matches('uv.lock'), true);
    assert.equal(uvLockAnalyzer.matches('app/uv.lock.bak'), false);
    assert.equal(uvLockAnalyzer.matches('app/uv.toml'), false);
  });

  it('reads a single package and skips the virtual root project', async () => {
    const { value, diagnostics } = await analyzeFixture('single');
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(value, [
      {
        name: 'idna',
        version: '3.7',
        ecosystem: 'PyPI',
        purl: 'pkg:pypi/idna@3.7',
        kind: 'lang',
        analyzer: 'lang/uv-lock',
        location: { path: 'single/uv.lock', line: 5 },
      },
    ]);
  });

  it('reads forks of one package, skips editable and directory sources, derives dev-only packages', async () => {
    const { value, diagnostics } = await analyzeFixture('multiple');
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(ids(value), [
      'anyio@4.3.0:8',
      'idna@3.7:17',
      'iniconfig@2.0.0:22 dev',
      'numpy@1.26.4:48',
      'numpy@2.0.0:54',
      'pytest@8.1.1:60 dev',
      'rich@13.7.1:68',
      'sniffio@1.3.1:78',
    ]);
  });

  it('recovers valid records of a malformed lockfile', async () => {
    const { value, diagnostics } = await analyzeFixture('malformed');
    assert.deepEqual(ids(value), ['ok@1.0.0:3']);
    // smol-toml finds the unclosed inline table on the line after it; the message names the record.
    assert.match(diagnostics[0]!.message, /package record at line 8 skipped/);
    assert.deepEqual(
      diagnostics.map((d) => [d.code, d.location.file, d.location.line]),
      [
        ['toml.syntax', 'malformed/uv.lock', 12],
        ['uv-lock.no-version', 'malformed/uv.lock', 13],
      ],
    );
  });

  it('never throws on hostile input', async () => {
    for (const text of [
      '',
      'package = "x"',
      '[[package]]\nsource = 1',
      '[[package]]\nname = "a"\nversion = "1"\ndependencies = [1, "x", { name = 2 }]\n[package.dev-dependencies]\ndev = 3',
    ]) {
      const result = await uvLockAnalyzer.analyze(input('uv.lock', text), {});
      assert.ok(Array.isArray(result.value));
    }
  });
});
