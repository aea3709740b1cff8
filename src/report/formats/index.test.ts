/**
 * Meta-test for the output format registry (CONVENTIONS 2.13): the index lists exactly the
 * format files in this folder, each format's id is its file name, and each has its own test and a
 * golden output in test/fixtures/golden/.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { OUTPUT_FORMATS, UsageError } from '#core';
import { syntheticReport } from '#test/helpers/synthetic-report.ts';
import { renderReport } from '../index.ts';
import { FORMATS, getFormat } from './index.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const goldenDir = fileURLToPath(new URL('../../../test/fixtures/golden/', import.meta.url));

describe('output format registry', () => {
  it('lists exactly the format files in the folder, sorted by id', () => {
    const files = readdirSync(here)
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'index.ts')
      .map((f) => basename(f, '.ts'))
      .sort();
    assert.deepEqual(
      FORMATS.map((f) => f.id),
      files,
    );
  });

  it('matches the --format choices of the option table', () => {
    assert.deepEqual(
      FORMATS.map((f) => f.id),
      [...OUTPUT_FORMATS].sort(),
    );
  });

  for (const format of FORMATS) {
    it(`${format.id}: has a test file and a golden output`, () => {
      assert.ok(existsSync(`${here}${format.id}.test.ts`), `missing ${format.id}.test.ts`);
      const golden = `${goldenDir}scan-${format.id}.${format.fileExtension}`;
      assert.ok(existsSync(golden), `missing ${golden} (run UPDATE_GOLDEN=1 node --test src/report/golden.test.ts)`);
    });

    it(`${format.id}: renders an empty and a full report, ending with one newline`, () => {
      const full = syntheticReport();
      const empty = { ...full, findings: [], diagnostics: [] };
      for (const report of [full, empty]) {
        for (const status of ['fail', 'all'] as const) {
          const text = format.render(report, { status, color: false, cwd: '/work/repo' });
          assert.ok(text.endsWith('\n') && !text.endsWith('\n\n'), `${format.id} ${status}`);
        }
      }
    });
  }

  it('finds formats by id and names the known ones for an unknown id', () => {
    assert.equal(getFormat('sarif')?.mediaType, 'application/sarif+json');
    assert.equal(getFormat('xml'), undefined);
    const options = { status: 'fail', color: false, cwd: '/work/repo' } as const;
    assert.equal(
      renderReport(syntheticReport(), 'json', options),
      getFormat('json')!.render(syntheticReport(), options),
    );
    assert.throws(
      () => renderReport(syntheticReport(), 'xml', options),
      (error: unknown) => {
        assert.ok(error instanceof UsageError);
        assert.equal(error.message, 'unknown format "xml" (one of: json, sarif, table)');
        return true;
      },
    );
  });
});
