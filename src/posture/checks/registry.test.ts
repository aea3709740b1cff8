/**
 * Meta-tests for the check registry (CONVENTIONS 2.13):
 * the registry equals the folders, metadata validates, every check has pass and fail fixtures
 * and every fixture yields its folder's outcome, and every automated framework control has a check.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadFixture, runCheck } from '#test/helpers/fixtures.ts';
import { FRAMEWORKS } from '../frameworks/index.ts';
import { CHECK_GROUPS, CHECKS, validateCheck } from './index.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const fixtureRoot = fileURLToPath(new URL('../../../test/fixtures/posture/', import.meta.url));

describe('check registry', () => {
  for (const [group, checks] of Object.entries(CHECK_GROUPS)) {
    it(`${group}: index lists exactly the check files in the folder`, () => {
      const files = readdirSync(join(here, group))
        .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'index.ts')
        .map((f) => basename(f, '.ts'))
        .sort();
      const slugs = checks.map((c) => c.meta.slug).sort();
      assert.deepEqual(slugs, files);
    });
  }

  it('has unique ids, slugs and aliases', () => {
    const seen = new Set<string>();
    for (const check of CHECKS) {
      for (const key of [check.meta.id, check.meta.slug, ...(check.meta.aliases ?? [])]) {
        assert.ok(!seen.has(key), `duplicate key ${key}`);
        seen.add(key);
      }
    }
  });

  it('every check validates', () => {
    for (const check of CHECKS) {
      assert.deepEqual(validateCheck(check), [], check.meta.id);
    }
  });

  it('only Pod Security Standards checks map to the pss-* frameworks', () => {
    for (const [group, checks] of Object.entries(CHECK_GROUPS)) {
      for (const check of checks) {
        const pss = check.meta.frameworks.some((f) => f.framework.startsWith('pss-'));
        assert.equal(pss, group === 'kubernetes/pss', `${check.meta.id} in ${group}`);
      }
    }
  });

  it('every automated framework control is covered by at least one check', () => {
    for (const framework of FRAMEWORKS) {
      for (const control of framework.controls.filter((c) => c.automated)) {
        const covered = CHECKS.some((check) =>
          check.meta.frameworks.some((ref) => ref.framework === framework.id && ref.control === control.id),
        );
        assert.ok(covered, `${framework.id} ${control.id} "${control.title}" is automated but no check maps to it`);
      }
    }
  });
});

describe('check fixtures', () => {
  for (const [group, checks] of Object.entries(CHECK_GROUPS)) {
    for (const check of checks) {
      const dir = join(fixtureRoot, group, check.meta.slug);
      for (const outcome of ['pass', 'fail'] as const) {
        const folder = join(dir, outcome);
        it(`${check.meta.id} ${check.meta.slug} has ${outcome} fixtures`, () => {
          assert.ok(existsSync(folder), `missing ${folder}`);
          // ARM parameters files are read with their template (main.json ↔ main.parameters.json).
          const files = readdirSync(folder).filter(
            (f) => /\.(ya?ml|json)$/.test(f) && !/\.parameters(\.[^.]+)?\.json$/.test(f),
          );
          assert.ok(files.length > 0, `no fixtures in ${folder}`);
          for (const file of files) {
            const findings = runCheck(check, loadFixture(join(folder, file)));
            const statuses = findings.map((f) => f.status);
            assert.ok(
              !statuses.includes('error'),
              `${outcome}/${file}: check errored: ${findings.map((f) => f.reason).join()}`,
            );
            if (outcome === 'fail') {
              assert.ok(statuses.includes('fail'), `${outcome}/${file}: expected a failing finding, got [${statuses}]`);
            } else {
              assert.ok(statuses.includes('pass'), `${outcome}/${file}: expected a passing finding, got [${statuses}]`);
              assert.ok(
                !statuses.includes('fail'),
                `${outcome}/${file}: expected no failing finding, got ${findings.filter((f) => f.status === 'fail').map((f) => f.message)}`,
              );
            }
          }
        });
      }
    }
  }
});
