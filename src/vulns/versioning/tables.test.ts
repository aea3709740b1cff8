/**
 * Ordering tables, one per scheme, in test/fixtures/vulns/versioning/<id>.txt: each line is one
 * rank (ascending), ` = ` joins versions that compare equal, `#` starts a comment, and the lines
 * after `[invalid]` are versions the scheme must reject. For every scheme: the expected order holds
 * for every pair, the order laws hold over the whole table (antisymmetry, reflexivity,
 * transitivity), sorting a shuffled table gives back the ranks, and invalid versions throw.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { VERSION_SCHEMES } from './index.ts';
import { InvalidVersionError, type VersionScheme } from './scheme.ts';

const FIXTURES = new URL('../../../test/fixtures/vulns/versioning/', import.meta.url);

interface Table {
  /** Versions with their expected rank. */
  readonly entries: readonly { readonly version: string; readonly rank: number }[];
  readonly invalid: readonly string[];
}

function loadTable(id: string): Table {
  const text = readFileSync(new URL(`${id}.txt`, FIXTURES), 'utf8');
  const entries: { version: string; rank: number }[] = [];
  const invalid: string[] = [];
  let inInvalid = false;
  let rank = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') {
      continue;
    }
    if (line.trim() === '[invalid]') {
      inInvalid = true;
      continue;
    }
    if (inInvalid) {
      invalid.push(line);
      continue;
    }
    for (const version of line.split(' = ')) {
      entries.push({ version: version.trim(), rank });
    }
    rank++;
  }
  return { entries, invalid };
}

function expected(a: number, b: number): -1 | 0 | 1 {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Deterministic shuffle (mulberry32), so a failure reproduces. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  const next = (): number => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

function describeScheme(scheme: VersionScheme): void {
  describe(`${scheme.id} ordering table`, () => {
    const table = loadTable(scheme.id);
    const versions = table.entries.map((e) => e.version);

    it('has a real table', () => {
      assert.ok(table.entries.length >= 10, 'at least 10 versions');
      assert.ok(new Set(table.entries.map((e) => e.rank)).size >= 8, 'at least 8 distinct ranks');
      assert.ok(table.invalid.length >= 1, 'at least one invalid version');
    });

    it('accepts every version of the table', () => {
      const rejected = versions.filter((v) => !scheme.isValid(v));
      assert.deepEqual(rejected, []);
    });

    it('orders every pair as the table says', () => {
      const wrong: string[] = [];
      for (const a of table.entries) {
        for (const b of table.entries) {
          const got = scheme.compare(a.version, b.version);
          const want = expected(a.rank, b.rank);
          if (got !== want) {
            wrong.push(`compare(${a.version}, ${b.version}) = ${got}, expected ${want}`);
          }
        }
      }
      assert.deepEqual(wrong, []);
    });

    it('obeys the order laws: reflexive, antisymmetric, transitive', () => {
      const n = versions.length;
      const c: number[][] = versions.map((a) => versions.map((b) => scheme.compare(a, b)));
      const at = (i: number, j: number): number => c[i]?.[j] ?? Number.NaN;
      for (let i = 0; i < n; i++) {
        assert.equal(at(i, i), 0, `compare(${versions[i]}, itself)`);
        for (let j = 0; j < n; j++) {
          assert.equal(at(i, j), -at(j, i) || 0, `antisymmetry of ${versions[i]} and ${versions[j]}`);
          for (let k = 0; k < n; k++) {
            if (at(i, j) <= 0 && at(j, k) <= 0) {
              assert.ok(
                at(i, k) <= 0,
                `${versions[i]} <= ${versions[j]} <= ${versions[k]} but not ${versions[i]} <= ${versions[k]}`,
              );
            }
            if (at(i, j) === 0 && at(j, k) === 0) {
              assert.equal(at(i, k), 0, `equality is transitive: ${versions[i]}, ${versions[j]}, ${versions[k]}`);
            }
          }
        }
      }
    });

    it('sorts a shuffled table back into its ranks', () => {
      for (const seed of [1, 2, 3]) {
        const sorted = shuffled(table.entries, seed).sort((a, b) => scheme.compare(a.version, b.version));
        assert.deepEqual(
          sorted.map((e) => e.rank),
          table.entries.map((e) => e.rank),
        );
      }
    });

    it('rejects invalid versions with InvalidVersionError naming them', () => {
      for (const bad of [...table.invalid, '', ' ', '\u0000', 'x'.repeat(5000)]) {
        assert.equal(scheme.isValid(bad), false, `isValid(${JSON.stringify(bad)})`);
        const good = versions[0] ?? '';
        for (const call of [() => scheme.compare(bad, good), () => scheme.compare(good, bad)]) {
          assert.throws(call, (err: unknown) => {
            assert.ok(err instanceof InvalidVersionError, `${JSON.stringify(bad)} throws InvalidVersionError`);
            assert.equal(err.code, 'input.invalid');
            assert.equal(err.scheme, scheme.id);
            assert.equal(err.version, bad.slice(0, 200));
            return true;
          });
        }
      }
    });
  });
}

for (const scheme of VERSION_SCHEMES) {
  describeScheme(scheme);
}
