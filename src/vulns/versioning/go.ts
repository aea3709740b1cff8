/**
 * Go module versions, as the go command compares them (golang.org/x/mod/semver).
 *
 * Spec: https://go.dev/ref/mod#versions — a module version is a canonical semantic version with
 * a mandatory `v` prefix (`v1.2.3`, `v1.2.3-pre`, `v0.0.0-20191109021931-daa7c04131f5`). OSV
 * writes Go versions without the `v` (`1.2.3`), so both spellings are accepted and equal.
 * Build metadata such as `+incompatible` is ignored for ordering; pseudo-versions are ordinary
 * pre-releases and order as such. Shorthands like `v1.2` (valid for x/mod/semver but never a
 * module version) are rejected.
 */
import semver from 'semver';
import { defineScheme, fail, type Order, ok, type Parsed } from './common.ts';

function parse(version: string): Parsed<semver.SemVer> {
  const bare = version.startsWith('v') ? version.slice(1) : version;
  if (!/^[0-9]/.test(bare) || /\s$/.test(bare)) {
    return fail('a Go module version is vMAJOR.MINOR.PATCH[-pre][+build], the "v" optional here');
  }
  const parsed = semver.parse(bare, { loose: false });
  return parsed ? ok(parsed) : fail('not a canonical semantic version');
}

export const goScheme = defineScheme<semver.SemVer>({
  id: 'go',
  specUrl: 'https://go.dev/ref/mod#versions',
  parse,
  compare: (a, b): Order => a.compare(b),
});
