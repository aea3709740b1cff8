import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { normalizePackageName, parseAdvisory, splitEcosystem } from './osv.ts';

const DATA = '/work/shared/data/osv-records';
const noData = existsSync(DATA) ? false : `real OSV records not found at ${DATA}`;

const base = {
  id: 'OSV-2099-0001',
  modified: '2024-01-10T08:00:00Z',
};
const withRange = (range: unknown) => ({
  ...base,
  affected: [{ package: { ecosystem: 'npm', name: 'left-pad' }, ranges: [range] }],
});

function problems(value: unknown): string[] {
  const result = parseAdvisory(value);
  assert.equal(result.ok, false, 'expected the record to be rejected');
  return result.ok ? [] : result.problems.map((p) => `${p.path}: ${p.message}`);
}

describe('parseAdvisory', () => {
  it('keeps unknown fields and typed events', () => {
    const result = parseAdvisory({
      ...withRange({ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.0.1' }], x_note: 1 }),
      aliases: null,
      x_vendor: { a: 1 },
      database_specific: { severity: 'HIGH' },
    });
    assert.ok(result.ok);
    assert.equal(result.advisory.aliases, undefined);
    assert.deepEqual(result.advisory.x_vendor, { a: 1 });
    assert.deepEqual(result.advisory.database_specific, { severity: 'HIGH' });
    const range = result.advisory.affected?.[0]?.ranges?.[0];
    assert.deepEqual(range?.events, [{ introduced: '0' }, { fixed: '1.0.1' }]);
    assert.equal(range?.x_note, 1);
  });

  it('requires id and an RFC 3339 modified', () => {
    assert.deepEqual(problems({ modified: base.modified }), ['id: required']);
    assert.deepEqual(problems({ id: 'X', modified: '2024-01-10' }), ['modified: not an RFC 3339 timestamp']);
    assert.deepEqual(problems({ id: 'X', modified: '2024-13-45T99:00:00Z' }), ['modified: not a valid date']);
  });

  it('rejects events that are not exactly one of the four kinds', () => {
    assert.deepEqual(problems(withRange({ type: 'SEMVER', events: [{ introduced: '0', fixed: '1' }] })), [
      'affected[0].ranges[0].events[0]: an event has more than one of introduced, fixed',
    ]);
    assert.deepEqual(problems(withRange({ type: 'SEMVER', events: [{ introduced: '0' }, { fixd: '1' }] })), [
      'affected[0].ranges[0].events[1]: an event needs one of introduced, fixed, last_affected or limit',
    ]);
    assert.deepEqual(problems(withRange({ type: 'SEMVER', events: [{ introduced: 0 }] })), [
      'affected[0].ranges[0].events[0].introduced: "introduced" must be a non-empty string',
    ]);
  });

  it('applies the schema rules on ranges', () => {
    assert.deepEqual(problems(withRange({ type: 'SEMVER', events: [{ fixed: '1' }] })), [
      'affected[0].ranges[0].events: a range needs an "introduced" event',
    ]);
    assert.deepEqual(
      problems(withRange({ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '2' }, { last_affected: '1' }] })),
      ['affected[0].ranges[0].events: "fixed" and "last_affected" cannot be in the same range'],
    );
    assert.deepEqual(problems(withRange({ type: 'GIT', events: [{ introduced: '0' }] })), [
      'affected[0].ranges[0].repo: a GIT range needs a "repo"',
    ]);
    assert.equal(problems(withRange({ type: 'semver', events: [{ introduced: '0' }] })).length, 1);
    assert.deepEqual(problems(withRange({ type: 'SEMVER', events: [] })), [
      'affected[0].ranges[0].events: Too small: expected array to have >=1 items',
      'affected[0].ranges[0].events: a range needs an "introduced" event',
    ]);
  });

  it('is lenient on severity types, reference types and ecosystems it does not know', () => {
    const result = parseAdvisory({
      ...base,
      severity: [{ type: 'CVSS_V5', score: 'CVSS:5.0/AV:N' }],
      references: [{ type: 'NEW_KIND', url: 'https://example.com' }],
      affected: [{ package: { ecosystem: 'NewEcosystem:1', name: 'x' }, versions: ['1'] }],
    });
    assert.ok(result.ok);
  });

  it('names the id of a rejected record', () => {
    const result = parseAdvisory({ id: 'GHSA-xxxx', modified: 'soon' });
    assert.ok(!result.ok);
    assert.equal(result.id, 'GHSA-xxxx');
  });
});

describe('splitEcosystem and normalizePackageName', () => {
  it('splits the release suffix at the first colon', () => {
    assert.deepEqual(splitEcosystem('Debian:12'), { base: 'Debian', release: '12' });
    assert.deepEqual(splitEcosystem('Red Hat:rhel_aus:8.6::appstream'), {
      base: 'Red Hat',
      release: 'rhel_aus:8.6::appstream',
    });
    assert.deepEqual(splitEcosystem('crates.io'), { base: 'crates.io', release: '' });
  });

  it('normalises PyPI names per PEP 503 and nothing else', () => {
    assert.equal(normalizePackageName('PyPI', 'Friendly-Bard'), 'friendly-bard');
    assert.equal(normalizePackageName('PyPI', 'FRIENDLY-._BARD'), 'friendly-bard');
    assert.equal(normalizePackageName('PyPI', 'zope.interface'), 'zope-interface');
    assert.equal(normalizePackageName('npm', 'Some_Pkg'), 'Some_Pkg');
    assert.equal(normalizePackageName('Go', 'github.com/BurntSushi/toml'), 'github.com/BurntSushi/toml');
  });
});

describe('real OSV records', () => {
  it('parses every record of the shared data set except the linter fixture without an introduced event', {
    skip: noData,
  }, () => {
    const rejected: string[] = [];
    let accepted = 0;
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) {
          walk(path);
          continue;
        }
        const text = readFileSync(path, 'utf8');
        let value: unknown;
        if (entry.name.endsWith('.yaml')) {
          value = parseYaml(text);
        } else if (entry.name.endsWith('.json')) {
          value = JSON.parse(text);
        } else {
          continue;
        }
        // Only objects that claim to be OSV (an id and a modified time); the data set also holds
        // the JSON Schema, GitHub API inputs and osv.dev intermediate files.
        if (typeof value !== 'object' || value === null || !('id' in value) || !('modified' in value)) {
          continue;
        }
        const result = parseAdvisory(value);
        if (result.ok) {
          accepted++;
        } else {
          rejected.push(relative(DATA, path));
        }
      }
    };
    walk(DATA);
    assert.deepEqual(rejected, ['osv-schema/osv-linter-testdata/nointroduced-CVE-2023-41045.json']);
    assert.ok(accepted >= 450, `only ${accepted} records parsed`);
  });
});
