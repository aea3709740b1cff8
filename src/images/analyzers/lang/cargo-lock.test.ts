import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { Package } from '#core';
import type { FileInput } from '../../analyzer.ts';
import { cargoLockAnalyzer } from './cargo-lock.ts';

const FIXTURES = new URL('../../../../test/fixtures/images/analyzers/lang/cargo-lock/', import.meta.url);

function input(path: string, content: string | Buffer): FileInput {
  const buffer = typeof content === 'string' ? Buffer.from(content) : content;
  return { path, size: buffer.length, read: async () => buffer };
}
const analyzeFixture = (scenario: string) =>
  cargoLockAnalyzer.analyze(
    input(`${scenario}/Cargo.lock`, readFileSync(new URL(`${scenario}/Cargo.lock`, FIXTURES))),
    {},
  );
const ids = (packages: readonly Package[]) => packages.map((p) => `${p.name}@${p.version}:${p.location.line}`);

describe('lang/cargo-lock', () => {
  it('matches Cargo.lock', () => {
    assert.equal(cargoLockAnalyzer.matches('src/app/Cargo.lock'), true);
    assert.equal(cargoLockAnalyzer.matches('Cargo.lock'), true);
    assert.equal(cargoLockAnalyzer.matches('src/app/Cargo.toml'), false);
    assert.equal(cargoLockAnalyzer.matches('src/app/cargo.lock.orig'), false);
  });

  it('reads a single crate and skips the local root crate silently', async () => {
    const { value, diagnostics } = await analyzeFixture('single');
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(value, [
      {
        name: 'itoa',
        version: '1.0.10',
        ecosystem: 'crates.io',
        purl: 'pkg:cargo/itoa@1.0.10',
        kind: 'lang',
        analyzer: 'lang/cargo-lock',
        location: { path: 'single/Cargo.lock', line: 12 },
      },
    ]);
  });

  it('reads v1 lockfiles with a [metadata] checksum table', async () => {
    const { value, diagnostics } = await analyzeFixture('v1');
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(ids(value), ['libc@0.2.153:9', 'serde@1.0.197:14']);
  });

  it('reads v3/v4 lockfiles with git sources and workspace members', async () => {
    const { value, diagnostics } = await analyzeFixture('v3');
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(ids(value), ['tokio@1.36.0:3', 'my-fork@0.4.0-alpha.1:9', 'regex@1.10.3:18']);
  });

  it('recovers valid crates of a malformed lockfile', async () => {
    const { value, diagnostics } = await analyzeFixture('malformed');
    assert.deepEqual(ids(value), ['good@1.0.0:3']);
    assert.deepEqual(
      diagnostics.map((d) => [d.code, d.location.file, d.location.line]),
      [
        ['toml.syntax', 'malformed/Cargo.lock', 10],
        ['cargo-lock.no-version', 'malformed/Cargo.lock', 13],
      ],
    );
  });

  it('never throws on hostile input', async () => {
    for (const text of [
      '',
      '[[package]]\nsource = "x"',
      'package = 1',
      '[[package]]\nname = "../x"\nversion = "1.0.0"\nsource = "s"',
    ]) {
      const result = await cargoLockAnalyzer.analyze(input('Cargo.lock', text), {});
      assert.deepEqual(result.value, []);
    }
  });
});
