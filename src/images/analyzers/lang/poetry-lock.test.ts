import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { Package } from '#core';
import type { FileInput } from '../../analyzer.ts';
import { poetryLockAnalyzer, readTomlPackages } from './poetry-lock.ts';

const FIXTURES = new URL('../../../../test/fixtures/images/analyzers/lang/poetry-lock/', import.meta.url);

function input(path: string, content: string | Buffer): FileInput {
  const buffer = typeof content === 'string' ? Buffer.from(content) : content;
  return { path, size: buffer.length, read: async () => buffer };
}
const analyzeFixture = (scenario: string) =>
  poetryLockAnalyzer.analyze(
    input(`${scenario}/poetry.lock`, readFileSync(new URL(`${scenario}/poetry.lock`, FIXTURES))),
    {},
  );
const ids = (packages: readonly Package[]) =>
  packages.map((p) => `${p.name}@${p.version}:${p.location.line}${p.dev ? ' dev' : ''}`);

describe('lang/poetry-lock', () => {
  it('matches poetry.lock', () => {
    assert.equal(poetryLockAnalyzer.matches('app/poetry.lock'), true);
    assert.equal(poetryLockAnalyzer.matches('poetry.lock'), true);
    assert.equal(poetryLockAnalyzer.matches('app/poetry.lock.orig'), false);
    assert.equal(poetryLockAnalyzer.matches('app/pyproject.toml'), false);
  });

  it('reads a single package', async () => {
    const { value, diagnostics } = await analyzeFixture('single');
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(value, [
      {
        name: 'click',
        version: '8.1.7',
        ecosystem: 'PyPI',
        purl: 'pkg:pypi/click@8.1.7',
        kind: 'lang',
        analyzer: 'lang/poetry-lock',
        location: { path: 'single/poetry.lock', line: 3 },
      },
    ]);
  });

  it('reads lock 1.x categories and skips directory sources', async () => {
    const { value, diagnostics } = await analyzeFixture('multiple-v1');
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(ids(value), ['attrs@23.2.0:1', 'pytest@8.1.1:9 dev', 'Pillow@10.2.0:36']);
    assert.equal(value[2]?.purl, 'pkg:pypi/pillow@10.2.0');
  });

  it('reads lock 2.1 groups: dev-only when "main" is absent', async () => {
    const { value } = await analyzeFixture('groups-v2');
    assert.deepEqual(ids(value), ['anyio@4.3.0:3', 'mypy@1.9.0:12 dev']);
  });

  it('recovers the valid records of a malformed lockfile, one diagnostic per bad record', async () => {
    const { value, diagnostics } = await analyzeFixture('malformed');
    assert.deepEqual(ids(value), ['good-one@1.0.0:1', 'good-two@3.0.0:13']);
    assert.deepEqual(
      diagnostics.map((d) => [d.level, d.code, d.location.file, d.location.line]),
      [
        ['error', 'toml.syntax', 'malformed/poetry.lock', 7],
        ['warning', 'poetry-lock.no-version', 'malformed/poetry.lock', 10],
      ],
    );
    assert.match(diagnostics[0]!.message, /package record at line 5 skipped/);
  });

  it('never throws on hostile input', async () => {
    for (const text of [
      '',
      '[[package]]',
      'package = 3',
      'package = [1, 2]',
      '[[package]]\nname = 1\nversion = 2',
      '\u0000',
    ]) {
      const result = await poetryLockAnalyzer.analyze(input('poetry.lock', text), {});
      assert.deepEqual(result.value, []);
    }
  });

  it('locates records only when headers and records agree', () => {
    const inline = readTomlPackages('package = [{ name = "a", version = "1" }]\n', 'x.lock');
    assert.equal(inline.records.length, 1);
    assert.equal(inline.records[0]?.line, undefined);
  });
});
