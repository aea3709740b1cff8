import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { Package } from '#core';
import type { FileInput } from '../../analyzer.ts';
import { gemfileLockAnalyzer } from './gemfile-lock.ts';

const FIXTURES = new URL('../../../../test/fixtures/images/analyzers/lang/gemfile-lock/', import.meta.url);

function input(path: string, content: string | Buffer): FileInput {
  const buffer = typeof content === 'string' ? Buffer.from(content) : content;
  return { path, size: buffer.length, read: async () => buffer };
}
const analyzeFixture = (scenario: string) =>
  gemfileLockAnalyzer.analyze(
    input(`${scenario}/Gemfile.lock`, readFileSync(new URL(`${scenario}/Gemfile.lock`, FIXTURES))),
    {},
  );
const ids = (packages: readonly Package[]) => packages.map((p) => `${p.name}@${p.version}:${p.location.line}`);

describe('lang/gemfile-lock', () => {
  it('matches Gemfile.lock and gems.locked', () => {
    assert.equal(gemfileLockAnalyzer.matches('app/Gemfile.lock'), true);
    assert.equal(gemfileLockAnalyzer.matches('app/gems.locked'), true);
    assert.equal(gemfileLockAnalyzer.matches('app/Gemfile'), false);
    assert.equal(gemfileLockAnalyzer.matches('app/gemfile.lock.old'), false);
  });

  it('reads a single gem', async () => {
    const { value, diagnostics } = await analyzeFixture('single');
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(value, [
      {
        name: 'rack',
        version: '3.0.9.1',
        ecosystem: 'RubyGems',
        purl: 'pkg:gem/rack@3.0.9.1',
        kind: 'lang',
        analyzer: 'lang/gemfile-lock',
        location: { path: 'single/Gemfile.lock', line: 4 },
      },
    ]);
  });

  it('reads GEM and GIT specs with platform suffixes; skips PATH gems and requirement lines', async () => {
    const { value, diagnostics } = await analyzeFixture('multiple');
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(ids(value), [
      'forked-gem@0.3.0:6',
      'mini_portile2@2.8.5:18',
      'nokogiri@1.16.2:19',
      'nokogiri@1.16.2:22',
      'nokogiri@1.16.2:24',
      'racc@1.7.3:26',
      'rack@3.0.9.1:27',
      'rails-html-sanitizer@1.6.0:28',
      'google-protobuf@3.25.3:30',
    ]);
    assert.deepEqual(
      value.filter((p) => p.name === 'nokogiri').map((p) => p.purl),
      [
        'pkg:gem/nokogiri@1.16.2',
        'pkg:gem/nokogiri@1.16.2?platform=x86_64-linux',
        'pkg:gem/nokogiri@1.16.2?platform=arm64-darwin',
      ],
    );
    assert.equal(value.at(-1)?.arch, 'x86_64-linux-musl');
  });

  it('reports unreadable spec lines and keeps the rest', async () => {
    const { value, diagnostics } = await analyzeFixture('malformed');
    assert.deepEqual(ids(value), ['good@1.0.0:4', 'also-good@2.0.0.beta1:7']);
    assert.deepEqual(
      diagnostics.map((d) => [d.code, d.location.file, d.location.line]),
      [
        ['gemfile-lock.syntax', 'malformed/Gemfile.lock', 5],
        ['gemfile-lock.invalid-version', 'malformed/Gemfile.lock', 6],
      ],
    );
  });

  it('never throws on hostile input', async () => {
    for (const text of ['', 'GEM\n  specs:\n    x (', 'GEM\n  specs:\n    x (-)\n', '\u0000\n  specs:\n    a (1)\n']) {
      const result = await gemfileLockAnalyzer.analyze(input('Gemfile.lock', text), {});
      assert.deepEqual(result.value, [], text);
    }
  });
});
