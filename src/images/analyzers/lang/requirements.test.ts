import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { FileInput } from '../../analyzer.ts';
import { requirementsAnalyzer } from './requirements.ts';

const FIXTURES = new URL('../../../../test/fixtures/images/analyzers/lang/requirements/', import.meta.url);

function input(path: string, content: string | Buffer): FileInput {
  const buffer = typeof content === 'string' ? Buffer.from(content) : content;
  return { path, size: buffer.length, read: async () => buffer };
}
const analyzeFixture = (path: string) =>
  requirementsAnalyzer.analyze(input(path, readFileSync(new URL(path, FIXTURES))), {});

describe('lang/requirements', () => {
  it('matches requirements*.txt', () => {
    assert.equal(requirementsAnalyzer.matches('app/requirements.txt'), true);
    assert.equal(requirementsAnalyzer.matches('requirements-dev.txt'), true);
    assert.equal(requirementsAnalyzer.matches('app/requirements_prod.txt'), true);
    assert.equal(requirementsAnalyzer.matches('app/requirements.in'), false);
    assert.equal(requirementsAnalyzer.matches('app/requirements/base.txt'), false);
    assert.equal(requirementsAnalyzer.matches('app/dev-requirements.txt'), false);
  });

  it('reads a single pinned requirement', async () => {
    const { value, diagnostics } = await analyzeFixture('single/requirements.txt');
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(value, [
      {
        name: 'flask',
        version: '3.0.2',
        ecosystem: 'PyPI',
        purl: 'pkg:pypi/flask@3.0.2',
        kind: 'lang',
        analyzer: 'lang/requirements',
        location: { path: 'single/requirements.txt', line: 1 },
      },
    ]);
  });

  it('reads pins with extras, markers, hashes and continuations; info for unpinned lines and options', async () => {
    const { value, diagnostics } = await analyzeFixture('multiple/requirements-prod.txt');
    assert.deepEqual(
      value.map((p) => [p.name, p.version, p.location.line, p.purl]),
      [
        ['Django', '4.2.11', 7, 'pkg:pypi/django@4.2.11'],
        ['requests', '2.31.0', 8, 'pkg:pypi/requests@2.31.0'],
        ['importlib-metadata', '7.0.1', 9, 'pkg:pypi/importlib-metadata@7.0.1'],
        ['cryptography', '42.0.5', 10, 'pkg:pypi/cryptography@42.0.5'],
        ['legacy-tool', '1.0-custom', 13, 'pkg:pypi/legacy-tool@1.0-custom'],
      ],
    );
    assert.deepEqual(
      diagnostics.map((d) => [d.level, d.code, d.location.line]),
      [
        ['info', 'requirements.include', 3],
        ['info', 'requirements.include', 4],
        ['info', 'requirements.editable', 5],
        ['info', 'requirements.unpinned', 14],
        ['info', 'requirements.unpinned', 15],
        ['info', 'requirements.unpinned', 16],
        ['info', 'requirements.unpinned', 17],
      ],
    );
    assert.match(diagnostics[3]!.message, /cannot be matched/);
  });

  it('reports unreadable lines and invalid versions, keeping the rest', async () => {
    const { value, diagnostics } = await analyzeFixture('malformed/requirements.txt');
    assert.deepEqual(
      value.map((p) => `${p.name}==${p.version}:${p.location.line}`),
      ['good==1.0.0:1', 'also-good==2.0:4'],
    );
    assert.deepEqual(
      diagnostics.map((d) => [d.level, d.code, d.location.file, d.location.line]),
      [
        ['warning', 'requirements.syntax', 'malformed/requirements.txt', 2],
        ['warning', 'requirements.invalid-version', 'malformed/requirements.txt', 3],
      ],
    );
  });

  it('never throws on hostile input', async () => {
    for (const text of ['', '\\', '\\\n\\\n', '==1.0', `${'a'.repeat(100000)}==1`, '\u0000==1']) {
      const result = await requirementsAnalyzer.analyze(input('requirements.txt', text), {});
      assert.ok(Array.isArray(result.value));
    }
  });
});
