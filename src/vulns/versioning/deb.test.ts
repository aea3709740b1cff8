/**
 * deb against the real thing: every package version installed on this machine is valid, and
 * `dpkg --compare-versions` (the reference implementation) agrees with the scheme on pairs built
 * from installed versions and from edge-case variants of them. Skipped when dpkg is absent.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { debScheme } from './deb.ts';

// dpkg-query's format `${Version}\n`, spelled so that it is not mistaken for a template literal.
const FORMAT = '\u0024{Version}\n';
const query = spawnSync('dpkg-query', ['-W', '-f', FORMAT], { encoding: 'utf8' });
const HAVE_DPKG = query.status === 0 && spawnSync('dpkg', ['--version']).status === 0;
const SKIP = HAVE_DPKG ? false : 'dpkg is not installed on this machine';
const INSTALLED = HAVE_DPKG ? [...new Set(query.stdout.split('\n').filter(Boolean))].sort() : [];

function dpkgCompare(a: string, b: string): -1 | 0 | 1 {
  if (spawnSync('dpkg', ['--compare-versions', a, 'lt', b]).status === 0) {
    return -1;
  }
  return spawnSync('dpkg', ['--compare-versions', a, 'eq', b]).status === 0 ? 0 : 1;
}

/** Picks n items spread over a sorted list, deterministic. */
function spread<T>(items: readonly T[], n: number): T[] {
  if (items.length <= n) {
    return [...items];
  }
  return Array.from({ length: n }, (_, i) => items[Math.floor((i * items.length) / n)] as T);
}

describe('deb scheme against dpkg', { skip: SKIP }, () => {
  it('accepts every installed package version', () => {
    assert.ok(INSTALLED.length > 10, `found ${INSTALLED.length} installed versions`);
    assert.deepEqual(
      INSTALLED.filter((v) => !debScheme.isValid(v)),
      [],
    );
  });

  it('agrees with dpkg --compare-versions on pairs of installed versions and variants', () => {
    const base = spread(INSTALLED, 14);
    // Variants that hit the tricky rules: tilde, epoch, missing or extra revision parts.
    const variants = base.flatMap((v) => [v, `${v}~1`, `1:${v}`, `${v}+b1`, `${v}.0`]);
    const versions = [...new Set(variants)].filter((v) => debScheme.isValid(v));
    let pairs = 0;
    const wrong: string[] = [];
    for (let i = 0; i < versions.length; i++) {
      for (let j = i; j < versions.length; j += 3) {
        const a = versions[i] as string;
        const b = versions[j] as string;
        pairs++;
        const want = dpkgCompare(a, b);
        const got = debScheme.compare(a, b);
        if (got !== want) {
          wrong.push(`${a} vs ${b}: dpkg ${want}, ours ${got}`);
        }
      }
    }
    assert.ok(pairs >= 300, `compared ${pairs} pairs`);
    assert.deepEqual(wrong, []);
  });

  it('agrees with dpkg --validate-version on malformed versions', () => {
    for (const v of ['1.0', '1:1.0-1', ':1.0', '1.0-', 'a1.0', '1.0_1', '1:', '1.0-1-2', '1.0 1', '99999999999:1']) {
      const dpkgValid = spawnSync('dpkg', ['--validate-version', v]).status === 0;
      assert.equal(debScheme.isValid(v), dpkgValid, JSON.stringify(v));
    }
  });
});
