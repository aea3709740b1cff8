import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { GENERATED_DOCS, ROOT } from './gen-docs.ts';

describe('generated reference docs', () => {
  for (const [path, render] of Object.entries(GENERATED_DOCS)) {
    it(`${path} is up to date (run \`npm run docs\`)`, () => {
      assert.equal(readFileSync(`${ROOT}${path}`, 'utf8'), render());
    });
  }
});
