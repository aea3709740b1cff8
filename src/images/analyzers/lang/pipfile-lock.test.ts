import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { Package } from '#core';
import type { FileInput } from '../../analyzer.ts';
import { pipfileLockAnalyzer } from './pipfile-lock.ts';

const FIXTURES = new URL('../../../../test/fixtures/images/analyzers/lang/pipfile-lock/', import.meta.url);

function input(path: string, content: string | Buffer): FileInput {
  const buffer = typeof content === 'string' ? Buffer.from(content) : content;
  return { path, size: buffer.length, read: async () => buffer };
}
const analyzeFixture = (scenario: string) =>
  pipfileLockAnalyzer.analyze(
    input(`${scenario}/Pipfile.lock`, readFileSync(new URL(`${scenario}/Pipfile.lock`, FIXTURES))),
    {},
  );
const ids = (packages: readonly Package[]) =>
  packages.map((p) => `${p.name}@${p.version}:${p.location.line}${p.dev ? ' dev' : ''}`);

describe('lang/pipfile-lock', () => {
  it('matches Pipfile.lock', () => {
    assert.equal(pipfileLockAnalyzer.matches('app/Pipfile.lock'), true);
    assert.equal(pipfileLockAnalyzer.matches('Pipfile.lock'), true);
    assert.equal(pipfileLockAnalyzer.matches('app/Pipfile'), false);
    assert.equal(pipfileLockAnalyzer.matches('app/pipfile.lock.json'), false);
  });

  it('reads a single package', async () => {
    const { value, diagnostics } = await analyzeFixture('single');
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(value, [
      {
        name: 'urllib3',
        version: '2.2.1',
        ecosystem: 'PyPI',
        purl: 'pkg:pypi/urllib3@2.2.1',
        kind: 'lang',
        analyzer: 'lang/pipfile-lock',
        location: { path: 'single/Pipfile.lock', line: 19 },
      },
    ]);
  });

  it('reads default and develop, once per package; info for VCS entries, warning for unpinned ones', async () => {
    const { value, diagnostics } = await analyzeFixture('multiple');
    assert.deepEqual(ids(value), ['Jinja2@3.1.3:6', 'markupsafe@2.1.5:10', 'pytest@8.1.1:23 dev']);
    assert.equal(value[0]?.purl, 'pkg:pypi/jinja2@3.1.3');
    assert.deepEqual(
      diagnostics.map((d) => [d.level, d.code, d.location.line]),
      [
        ['info', 'pipfile-lock.no-version', 13],
        ['warning', 'pipfile-lock.invalid-version', 18],
      ],
    );
  });

  it('keeps the complete entries of a truncated lockfile', async () => {
    const { value, diagnostics } = await analyzeFixture('truncated');
    assert.deepEqual(ids(value), ['Jinja2@3.1.3:6', 'markupsafe@2.1.5:10']);
    assert.deepEqual(
      diagnostics.map((d) => [d.code, d.location.line]),
      [
        ['json.syntax', 15],
        ['pipfile-lock.invalid-entry', 13],
      ],
    );
  });

  it('never throws on hostile input', async () => {
    for (const text of [
      '',
      '[]',
      '{"default": []}',
      '{"default": {"a": {"version": 1}}}',
      '{"default": {"../x": {"version": "==1"}}}',
    ]) {
      const result = await pipfileLockAnalyzer.analyze(input('Pipfile.lock', text), {});
      assert.deepEqual(result.value, []);
      assert.ok(result.diagnostics.length > 0 || text === '{"default": []}', text);
    }
  });
});
