import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { Package } from '#core';
import type { FileInput } from '../../analyzer.ts';
import { composerLockAnalyzer } from './composer-lock.ts';

const FIXTURES = new URL('../../../../test/fixtures/images/analyzers/lang/composer-lock/', import.meta.url);

function input(path: string, content: string | Buffer): FileInput {
  const buffer = typeof content === 'string' ? Buffer.from(content) : content;
  return { path, size: buffer.length, read: async () => buffer };
}
const analyzeFixture = (scenario: string) =>
  composerLockAnalyzer.analyze(
    input(`${scenario}/composer.lock`, readFileSync(new URL(`${scenario}/composer.lock`, FIXTURES))),
    {},
  );
const ids = (packages: readonly Package[]) =>
  packages.map((p) => `${p.name}@${p.version}:${p.location.line}${p.dev ? ' dev' : ''}`);

describe('lang/composer-lock', () => {
  it('matches composer.lock outside vendor/', () => {
    assert.equal(composerLockAnalyzer.matches('var/www/composer.lock'), true);
    assert.equal(composerLockAnalyzer.matches('composer.lock'), true);
    assert.equal(composerLockAnalyzer.matches('var/www/vendor/acme/x/composer.lock'), false);
    assert.equal(composerLockAnalyzer.matches('var/www/composer.json'), false);
  });

  it('reads a single package with its license', async () => {
    const { value, diagnostics } = await analyzeFixture('single');
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(value, [
      {
        name: 'monolog/monolog',
        version: '3.5.0',
        ecosystem: 'Packagist',
        purl: 'pkg:composer/monolog/monolog@3.5.0',
        kind: 'lang',
        analyzer: 'lang/composer-lock',
        location: { path: 'single/composer.lock', line: 7 },
        licenses: ['MIT'],
      },
    ]);
  });

  it('strips a leading v, lowercases names, marks packages-dev; info for branches', async () => {
    const { value, diagnostics } = await analyzeFixture('multiple');
    assert.deepEqual(ids(value), [
      'symfony/http-foundation@6.4.4:3',
      'laminas/laminas-diactoros@3.3.1:8',
      'phpunit/phpunit@10.5.11:30 dev',
    ]);
    assert.equal(value[0]?.purl, 'pkg:composer/symfony/http-foundation@6.4.4');
    assert.deepEqual(
      diagnostics.map((d) => [d.level, d.code, d.location.line]),
      [
        ['info', 'composer-lock.branch', 13],
        ['info', 'composer-lock.branch', 17],
        ['warning', 'composer-lock.invalid-name', 21],
        ['warning', 'composer-lock.no-version', 25],
      ],
    );
  });

  it('keeps the complete packages of a truncated lockfile', async () => {
    const { value, diagnostics } = await analyzeFixture('truncated');
    assert.deepEqual(ids(value), ['symfony/http-foundation@6.4.4:3']);
    assert.deepEqual(
      diagnostics.map((d) => [d.code, d.location.line]),
      [
        ['json.syntax', 12],
        ['composer-lock.invalid-entry', 8],
      ],
    );
  });

  it('never throws on hostile input', async () => {
    for (const text of ['', '{}', '{"packages": {}}', '{"packages": [1, null, {"name": 3}]}', '[[[[[[[[[[']) {
      const result = await composerLockAnalyzer.analyze(input('composer.lock', text), {});
      assert.deepEqual(result.value, []);
    }
  });
});
