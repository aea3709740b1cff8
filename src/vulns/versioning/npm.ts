/**
 * npm package versions, as npm compares them: node-semver in strict mode (loose = false).
 *
 * Spec: https://semver.org/spec/v2.0.0.html as implemented by https://github.com/npm/node-semver
 * (the `semver` package npm itself uses). Accepted exactly when `semver.valid(v)` accepts it:
 * surrounding whitespace is trimmed and one leading `v` is allowed (`v1.2.3`), `=` is not (that
 * is loose mode). Build metadata is ignored for ordering, as SemVer 2.0 requires.
 */
import semver from 'semver';
import { defineScheme, fail, type Order, ok, type Parsed } from './common.ts';

function parse(version: string): Parsed<semver.SemVer> {
  const parsed = semver.parse(version, { loose: false });
  return parsed ? ok(parsed) : fail('not a semantic version (node-semver, strict)');
}

export const npmScheme = defineScheme<semver.SemVer>({
  id: 'npm',
  specUrl: 'https://semver.org/spec/v2.0.0.html',
  parse,
  compare: (a, b): Order => a.compare(b),
});
