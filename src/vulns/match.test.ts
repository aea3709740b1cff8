import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type MatchResult, matchAffected, type OsvAffected, type OsvEvent } from './match.ts';
import { schemeFor } from './versioning/index.ts';

function scheme(ecosystem: string) {
  const found = schemeFor(ecosystem);
  assert.ok(found, ecosystem);
  return found;
}

function kind(result: MatchResult): string {
  return result.kind === 'affected' ? `affected${result.fixedIn ? ` fixed ${result.fixedIn}` : ''}` : result.kind;
}

const npm = scheme('npm');
const deb = scheme('Debian');

describe('matchAffected: the OSV range walk', () => {
  const range = (...events: OsvEvent[]): OsvAffected => ({ ranges: [{ type: 'SEMVER', events }] });

  it('introduced / fixed: affected from introduced up to, not including, fixed', () => {
    const entry = range({ introduced: '1.2.0' }, { fixed: '1.2.5' });
    assert.equal(kind(matchAffected('1.1.9', entry, npm)), 'not-affected');
    assert.equal(kind(matchAffected('1.2.0', entry, npm)), 'affected fixed 1.2.5');
    assert.equal(kind(matchAffected('1.2.4', entry, npm)), 'affected fixed 1.2.5');
    assert.equal(kind(matchAffected('1.2.5', entry, npm)), 'not-affected');
  });

  it('introduced "0" means every version before the fix, in schemes where 0 is not a version', () => {
    const entry = range({ introduced: '0' }, { fixed: '2.0.0' });
    assert.equal(kind(matchAffected('0.0.1', entry, npm)), 'affected fixed 2.0.0');
  });

  it('last_affected includes the named version and nothing after it', () => {
    const entry = range({ introduced: '1.0.0' }, { last_affected: '1.4.0' });
    assert.equal(kind(matchAffected('1.4.0', entry, npm)), 'affected');
    assert.equal(kind(matchAffected('1.4.1', entry, npm)), 'not-affected');
  });

  it('several spans in one range, with events out of order, and the fix of the span the version is in', () => {
    const entry = range({ fixed: '2.3.1' }, { introduced: '2.0.0' }, { introduced: '1.0.0' }, { fixed: '1.9.3' });
    assert.equal(kind(matchAffected('1.5.0', entry, npm)), 'affected fixed 1.9.3');
    assert.equal(kind(matchAffected('1.9.9', entry, npm)), 'not-affected');
    assert.equal(kind(matchAffected('2.1.0', entry, npm)), 'affected fixed 2.3.1');
  });

  it('limit bounds the range from above', () => {
    const entry = range({ introduced: '0' }, { limit: '3.0.0' });
    assert.equal(kind(matchAffected('2.9.9', entry, npm)), 'affected');
    assert.equal(kind(matchAffected('3.0.0', entry, npm)), 'not-affected');
  });

  it('explicit versions lists match exactly, with the scheme deciding equality', () => {
    const entry: OsvAffected = { versions: ['1:2.3-1', '2.4-1'] };
    assert.equal(kind(matchAffected('1:2.3-1', entry, deb)), 'affected');
    assert.equal(kind(matchAffected('2.4-1', entry, deb)), 'affected');
    assert.equal(kind(matchAffected('2.4-2', entry, deb)), 'not-affected');
    assert.equal(kind(matchAffected('0:2.4-1', entry, deb)), 'affected', 'epoch 0 is the same version to dpkg');
  });

  it('skips GIT ranges (they name commits)', () => {
    const entry: OsvAffected = { ranges: [{ type: 'GIT', events: [{ introduced: 'abc' }, { fixed: 'def' }] }] };
    assert.equal(kind(matchAffected('1.0.0', entry, npm)), 'not-affected');
  });

  it('an installed or event version the scheme cannot read is indeterminate, never not-affected', () => {
    const entry = range({ introduced: '0' }, { fixed: '1.0.0' });
    const bad = matchAffected('not-a-version', entry, npm);
    assert.equal(bad.kind, 'indeterminate');
    const badEvent = matchAffected('1.0.0', { ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: 'x y' }] }] }, npm);
    assert.equal(badEvent.kind, 'indeterminate');
    assert.match(badEvent.kind === 'indeterminate' ? badEvent.reason : '', /"x y" is not a valid npm version/);
  });

  it('Debian ordering: ~ sorts before the release, and epochs win', () => {
    const entry: OsvAffected = { ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1.2-1' }] }] };
    assert.equal(kind(matchAffected('1.2~rc1-1', entry, deb)), 'affected fixed 1.2-1');
    assert.equal(kind(matchAffected('1:1.0-1', entry, deb)), 'not-affected');
  });

  it('agrees with dpkg --compare-versions on the boundary of real Debian fixes', {
    skip: existsSync('/usr/bin/dpkg') ? false : 'dpkg is absent',
  }, () => {
    const cases = ['3.0.11-1~deb12u1', '3.0.11-1~deb12u2', '3.0.11-1', '3.0.9-1', '3.0.11-1~deb12u2+b1'];
    const fixed = '3.0.11-1~deb12u2';
    const entry: OsvAffected = { ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed }] }] };
    for (const version of cases) {
      let below = true;
      try {
        execFileSync('dpkg', ['--compare-versions', version, 'lt', fixed]);
      } catch {
        below = false;
      }
      assert.equal(matchAffected(version, entry, deb).kind, below ? 'affected' : 'not-affected', version);
    }
  });
});

const DATA = fileURLToPath(new URL('../../../shared/data/osv-records', import.meta.url));

function jsonFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? jsonFiles(path) : entry.name.endsWith('.json') ? [path] : [];
  });
}

describe('matchAffected on real OSV advisories', { skip: existsSync(DATA) ? false : `${DATA} is absent` }, () => {
  it('each introduced/fixed span of a real record: its introduced version is affected with that fix, its fixed version is not', () => {
    let spans = 0;
    for (const file of jsonFiles(DATA)) {
      let record: {
        affected?: {
          package?: { ecosystem?: string };
          ranges?: { type: string; events: Record<string, string>[] }[];
        }[];
      };
      try {
        record = JSON.parse(readFileSync(file, 'utf8'));
      } catch {
        continue;
      }
      for (const affected of Array.isArray(record.affected) ? record.affected : []) {
        const found = affected.package?.ecosystem ? schemeFor(affected.package.ecosystem) : undefined;
        for (const range of Array.isArray(affected.ranges) ? affected.ranges : []) {
          if (!found || (range.type !== 'ECOSYSTEM' && range.type !== 'SEMVER') || !Array.isArray(range.events)) {
            continue;
          }
          const [first, second] = range.events;
          if (range.events.length !== 2 || !first?.introduced || !second?.fixed || first.introduced === '0') {
            continue;
          }
          if (!found.isValid(first.introduced) || !found.isValid(second.fixed)) {
            continue;
          }
          const single: OsvAffected = {
            ranges: [{ type: range.type, events: [first as { introduced: string }, second as { fixed: string }] }],
          };
          assert.equal(
            kind(matchAffected(first.introduced, single, found)),
            `affected fixed ${second.fixed}`,
            `${file}: ${first.introduced}`,
          );
          assert.equal(kind(matchAffected(second.fixed, single, found)), 'not-affected', `${file}: ${second.fixed}`);
          spans++;
        }
      }
    }
    assert.ok(spans > 50, `checked ${spans} spans`);
  });
});
