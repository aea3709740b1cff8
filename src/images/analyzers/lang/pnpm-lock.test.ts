import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { Package } from '#core';
import type { FileInput } from '../../analyzer.ts';
import { parseKey, pnpmLockAnalyzer } from './pnpm-lock.ts';

const FIXTURES = new URL('../../../../test/fixtures/images/analyzers/lang/pnpm-lock/', import.meta.url);

function input(path: string, content: string | Buffer): FileInput {
  const buffer = typeof content === 'string' ? Buffer.from(content) : content;
  return { path, size: buffer.length, read: async () => buffer };
}

const analyzeFixture = (scenario: string) =>
  pnpmLockAnalyzer.analyze(
    input(`${scenario}/pnpm-lock.yaml`, readFileSync(new URL(`${scenario}/pnpm-lock.yaml`, FIXTURES))),
    {},
  );
const ids = (packages: readonly Package[]) =>
  packages.map((p) => `${p.name}@${p.version}:${p.location.line}${p.dev ? ' dev' : ''}`);

describe('lang/pnpm-lock', () => {
  it('matches pnpm-lock.yaml outside node_modules', () => {
    assert.equal(pnpmLockAnalyzer.matches('app/pnpm-lock.yaml'), true);
    assert.equal(pnpmLockAnalyzer.matches('pnpm-lock.yaml'), true);
    assert.equal(pnpmLockAnalyzer.matches('app/node_modules/.pnpm/lock.yaml'), false);
    assert.equal(pnpmLockAnalyzer.matches('app/node_modules/x/pnpm-lock.yaml'), false);
    assert.equal(pnpmLockAnalyzer.matches('app/pnpm-workspace.yaml'), false);
  });

  it('reads a single v9 package', async () => {
    const { value, diagnostics } = await analyzeFixture('single');
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(value, [
      {
        name: 'ms',
        version: '2.1.3',
        ecosystem: 'npm',
        purl: 'pkg:npm/ms@2.1.3',
        kind: 'lang',
        analyzer: 'lang/pnpm-lock',
        location: { path: 'single/pnpm-lock.yaml', line: 17 },
      },
    ]);
  });

  it('reads 5.x keys with _peer suffixes, dev flags and name/version fields of git entries', async () => {
    const { value, diagnostics } = await analyzeFixture('v5');
    assert.deepEqual(ids(value), [
      '@types/react@18.0.28:17 dev',
      'js-tokens@4.0.0:21',
      'react-dom@18.2.0:24',
      'typescript@4.9.5:32 dev',
      'forked@1.0.0:38',
    ]);
    assert.equal(value[0]?.purl, 'pkg:npm/%40types/react@18.0.28');
    assert.deepEqual(
      diagnostics.map((d) => [d.level, d.code, d.location.line]),
      [['info', 'pnpm-lock.not-registry', 44]],
    );
  });

  it('reads 6.x keys with (peer) suffixes and dev flags', async () => {
    const { value, diagnostics } = await analyzeFixture('v6');
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(ids(value), [
      '@types/node@20.11.30:19 dev',
      'loose-envify@1.4.0:25',
      'react-dom@18.2.0:31',
      'undici-types@5.26.5:40 dev',
    ]);
  });

  it('derives 9.x dev-only packages from importers and snapshots (aliases, peers, links)', async () => {
    const { value, diagnostics } = await analyzeFixture('v9');
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(ids(value), [
      '@types/node@20.11.30:33 dev',
      'js-tokens@4.0.0:36',
      'loose-envify@1.4.0:39',
      'react-dom@18.2.0:43',
      'react@18.2.0:48',
      'string-width@4.2.3:52',
      'undici-types@5.26.5:55 dev',
    ]);
  });

  it('reports a YAML syntax error with its line and keeps the other packages', async () => {
    const { value, diagnostics } = await analyzeFixture('malformed');
    assert.ok(value.some((p) => p.name === 'a'));
    const syntax = diagnostics.filter((d) => d.code === 'yaml.syntax');
    assert.ok(syntax.length > 0);
    assert.ok(
      syntax.every((d) => d.location.file === 'malformed/pnpm-lock.yaml' && d.location.line! >= 10),
      JSON.stringify(syntax),
    );
  });

  it('reports keys without a version and non-semver versions', async () => {
    const { value, diagnostics } = await analyzeFixture('no-version');
    assert.deepEqual(ids(value), ['ok@1.0.0:8']);
    assert.deepEqual(
      diagnostics.map((d) => [d.level, d.code, d.location.line]),
      [
        ['warning', 'pnpm-lock.invalid-key', 5],
        ['info', 'pnpm-lock.not-registry', 11],
      ],
    );
  });

  it('never throws on hostile input', async () => {
    const bomb = `lockfileVersion: '6.0'\na: &a [x, x, x, x, x, x, x, x, x]\n${Array.from({ length: 12 }, (_, i) => `b${i}: &b${i} [*${i === 0 ? 'a' : `b${i - 1}`}, *${i === 0 ? 'a' : `b${i - 1}`}, *${i === 0 ? 'a' : `b${i - 1}`}]`).join('\n')}\npackages:\n  /x@1.0.0: {}\n`;
    for (const text of ['', '[]', 'packages: 3', 'packages:\n  /x@1.0.0: [', ':::', bomb]) {
      const result = await pnpmLockAnalyzer.analyze(input('pnpm-lock.yaml', text), {});
      assert.ok(Array.isArray(result.value));
      assert.ok(result.diagnostics.length > 0 || result.value.length > 0, text.slice(0, 30));
    }
  });

  it('parses keys of every lockfile version', () => {
    assert.deepEqual(parseKey('/@s/a/1.0.0_b@2.0.0+c@3.0.0'), { name: '@s/a', version: '1.0.0' });
    assert.deepEqual(parseKey('/a/1.0.0'), { name: 'a', version: '1.0.0' });
    assert.deepEqual(parseKey('/@s/a@1.0.0(b@2.0.0)(c@3.0.0)'), { name: '@s/a', version: '1.0.0' });
    assert.deepEqual(parseKey('a@1.0.0-rc.1'), { name: 'a', version: '1.0.0-rc.1' });
    assert.deepEqual(parseKey('/a@1.0.0_b@2.0.0'), { name: 'a', version: '1.0.0' });
    assert.equal(parseKey('nothing'), undefined);
  });
});
