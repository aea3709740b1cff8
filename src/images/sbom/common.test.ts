import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Package } from '#core';
import { assignIds, canonicalSpdxExpression } from './common.ts';

describe('canonicalSpdxExpression (SPDX 2.3 annex D)', () => {
  const valid: readonly (readonly [string, string])[] = [
    ['MIT', 'MIT'],
    ['mit', 'MIT'],
    ['apache-2.0', 'Apache-2.0'],
    ['GPL-2.0-or-later', 'GPL-2.0-or-later'],
    ['GPL-2.0+', 'GPL-2.0+'],
    ['MIT OR Apache-2.0', 'MIT OR Apache-2.0'],
    ['(MIT OR Apache-2.0) AND BSD-3-Clause', '(MIT OR Apache-2.0) AND BSD-3-Clause'],
    ['( MIT  OR  Apache-2.0 )', '(MIT OR Apache-2.0)'],
    ['GPL-2.0-only WITH Classpath-exception-2.0', 'GPL-2.0-only WITH Classpath-exception-2.0'],
    ['LicenseRef-Proprietary', 'LicenseRef-Proprietary'],
    ['DocumentRef-spdx-tool-1.2:LicenseRef-MIT-Style-2', 'DocumentRef-spdx-tool-1.2:LicenseRef-MIT-Style-2'],
  ];
  for (const [input, expected] of valid) {
    it(`"${input}" → "${expected}"`, () => {
      assert.equal(canonicalSpdxExpression(input), expected);
    });
  }
  const invalid = [
    '',
    'BSD License',
    'GPL',
    'public-domain',
    'MIT OR',
    'OR MIT',
    '(MIT',
    'MIT)',
    'MIT and Apache-2.0',
    'MIT WITH',
    'MIT AND AND Apache-2.0',
    'Apache 2.0',
    'MIT/X11',
    'LicenseRef-with space',
  ];
  for (const input of invalid) {
    it(`"${input}" is not a valid expression`, () => {
      assert.equal(canonicalSpdxExpression(input), undefined);
    });
  }
  it('refuses hostile lengths instead of recursing through them', () => {
    assert.equal(canonicalSpdxExpression(Array.from({ length: 500 }, () => 'MIT').join(' AND ')), undefined);
  });
});

describe('assignIds', () => {
  const pkg = (purl: string, path: string): Package => ({
    name: 'x',
    version: '1',
    ecosystem: 'npm',
    purl,
    kind: 'lang',
    analyzer: 'lang/npm-lock',
    location: { path },
  });

  it('uses the purl alone when it is unique', () => {
    const ids = [...assignIds([pkg('pkg:npm/a@1', 'p/package-lock.json')]).values()].map((e) => e.id);
    assert.deepEqual(ids, ['pkg:npm/a@1']);
  });

  it('suffixes a location hash when one purl is found in several places, independent of order', () => {
    const a = pkg('pkg:npm/a@1', 'one/package-lock.json');
    const b = pkg('pkg:npm/a@1', 'two/package-lock.json');
    const forward = [...assignIds([a, b]).values()].map((e) => e.id).sort();
    const backward = [...assignIds([b, a]).values()].map((e) => e.id).sort();
    assert.deepEqual(forward, backward);
    assert.equal(forward.length, 2);
    for (const id of forward) {
      assert.match(id, /^pkg:npm\/a@1#[0-9a-f]{12}$/);
    }
  });

  it('collapses the same package at the same place into one', () => {
    const a = pkg('pkg:npm/a@1', 'one/package-lock.json');
    assert.equal(assignIds([a, { ...a }]).size, 1);
  });
});
