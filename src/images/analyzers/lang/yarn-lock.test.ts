import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { Package } from '#core';
import type { FileInput } from '../../analyzer.ts';
import { splitDescriptor, yarnLockAnalyzer } from './yarn-lock.ts';

const FIXTURES = new URL('../../../../test/fixtures/images/analyzers/lang/yarn-lock/', import.meta.url);

function input(path: string, content: string | Buffer): FileInput {
  const buffer = typeof content === 'string' ? Buffer.from(content) : content;
  return { path, size: buffer.length, read: async () => buffer };
}

const analyzeFixture = (scenario: string) =>
  yarnLockAnalyzer.analyze(
    input(`${scenario}/yarn.lock`, readFileSync(new URL(`${scenario}/yarn.lock`, FIXTURES))),
    {},
  );
const ids = (packages: readonly Package[]) => packages.map((p) => `${p.name}@${p.version}:${p.location.line}`);

describe('lang/yarn-lock', () => {
  it('matches yarn.lock outside node_modules', () => {
    assert.equal(yarnLockAnalyzer.matches('app/yarn.lock'), true);
    assert.equal(yarnLockAnalyzer.matches('yarn.lock'), true);
    assert.equal(yarnLockAnalyzer.matches('app/node_modules/x/yarn.lock'), false);
    assert.equal(yarnLockAnalyzer.matches('app/yarn.lock.bak'), false);
    assert.equal(yarnLockAnalyzer.matches('app/.yarnrc.yml'), false);
  });

  it('reads a single v1 entry', async () => {
    const { value, diagnostics } = await analyzeFixture('single');
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(value, [
      {
        name: 'lodash',
        version: '4.17.21',
        ecosystem: 'npm',
        purl: 'pkg:npm/lodash@4.17.21',
        kind: 'lang',
        analyzer: 'lang/yarn-lock',
        location: { path: 'single/yarn.lock', line: 5 },
      },
    ]);
  });

  it('reads v1 entries with several descriptors, scopes and aliases; skips file: ranges', async () => {
    const { value, diagnostics } = await analyzeFixture('v1');
    assert.deepEqual(ids(value), [
      '@babel/code-frame@7.24.2:5',
      'debug@2.6.9:12',
      'ms@2.0.0:17',
      'string-width@4.2.3:20',
      'from-git@1.0.0:26',
    ]);
    assert.equal(value[0]?.purl, 'pkg:npm/%40babel/code-frame@7.24.2');
    assert.deepEqual(diagnostics, []);
  });

  it('reads berry: resolutions, aliases, patches once; skips workspace, link and portal; info for git', async () => {
    const { value, diagnostics } = await analyzeFixture('berry');
    assert.deepEqual(ids(value), [
      '@babel/code-frame@7.24.2:8',
      'resolve@1.22.8:26',
      'typescript@5.4.5:38',
      'string-width@4.2.3:44',
    ]);
    assert.deepEqual(
      diagnostics.map((d) => [d.level, d.code, d.location.line]),
      [['info', 'yarn-lock.not-registry', 62]],
    );
  });

  it('keeps complete entries of a truncated file and reports the cut one', async () => {
    const { value, diagnostics } = await analyzeFixture('truncated');
    assert.deepEqual(ids(value), ['@babel/code-frame@7.24.2:5', 'debug@2.6.9:12']);
    assert.deepEqual(
      diagnostics.map((d) => [d.code, d.location.file, d.location.line]),
      [['yarn-lock.no-version', 'truncated/yarn.lock', 17]],
    );
  });

  it('reports entries without a version, stray lines and invalid versions', async () => {
    const { value, diagnostics } = await analyzeFixture('no-version');
    assert.deepEqual(ids(value), ['b@2.0.0:7']);
    assert.deepEqual(
      diagnostics.map((d) => [d.code, d.location.line]),
      [
        ['yarn-lock.no-version', 4],
        ['yarn-lock.syntax', 10],
        ['yarn-lock.invalid-entry', 11],
      ],
    );
  });

  it('reports a berry YAML error with its line and keeps the other entries', async () => {
    const { value, diagnostics } = await analyzeFixture('malformed-berry');
    const names = value.map((p) => p.name);
    assert.ok(names.includes('a') && names.includes('c'), names.join());
    assert.ok(!names.includes('d'));
    const syntax = diagnostics.find((d) => d.code === 'yaml.syntax');
    assert.ok(syntax, JSON.stringify(diagnostics));
    assert.ok(syntax.location.line! >= 9 && syntax.location.line! <= 12, `line ${syntax.location.line}`);
    assert.ok(diagnostics.some((d) => d.code === 'yarn-lock.no-version' && d.location.line === 16));
  });

  it('never throws on hostile input', async () => {
    for (const text of [
      '',
      '\u0000',
      '__metadata:\n  version: 8\n"x": [',
      ':\n:\n',
      '"@":\n  version "1.0.0"\n',
      'a@1:\n  version "1.0.0"\n'.repeat(3),
    ]) {
      const result = await yarnLockAnalyzer.analyze(input('yarn.lock', text), {});
      assert.ok(Array.isArray(result.value));
    }
  });

  it('splits descriptors of scoped and plain packages', () => {
    assert.deepEqual(splitDescriptor('@s/a@npm:^1'), { name: '@s/a', range: 'npm:^1' });
    assert.deepEqual(splitDescriptor('a@^1'), { name: 'a', range: '^1' });
    assert.equal(splitDescriptor('@s/a'), undefined);
  });
});
