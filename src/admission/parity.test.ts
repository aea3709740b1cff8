/**
 * Parity (issue #5): one check definition, one verdict, wherever it runs. Every workload fixture of
 * every admission-capable posture check goes through `scanManifests` (what `palisade scan` runs)
 * and through `admit()` in enforce mode at a level that selects the check; for every check the
 * level runs, a finding that fails in the scan (unsuppressed) must deny with that check's id, and a
 * check that does not fail must not be named.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Config, Finding } from '#core';
import { workloadKind } from '#inventory';
import { type AnyCheck, checkRegistry, formatPssVersion, scanManifests } from '#posture';
import { loadFixture } from '#test/helpers/fixtures.ts';
import { admit } from './evaluate.ts';
import { levelSelection } from './modes.ts';
import { wrapAsCreate } from './review.ts';

const ROOT = fileURLToPath(new URL('../../test/fixtures/posture/', import.meta.url));
const NOW = new Date('2026-06-01T00:00:00Z');

interface FixtureSet {
  readonly check: AnyCheck;
  readonly outcome: 'pass' | 'fail';
  readonly files: readonly string[];
}

/** test/fixtures/posture/<domain>/<group>/<slug>/{pass,fail}/*.{yaml,yml,json} of admission workload checks. */
function fixtureSets(): FixtureSet[] {
  const sets: FixtureSet[] = [];
  for (const domain of readdirSync(ROOT)) {
    for (const group of readdirSync(join(ROOT, domain))) {
      for (const slug of readdirSync(join(ROOT, domain, group))) {
        const check = checkRegistry.get(slug);
        assert.ok(check, `fixture folder ${domain}/${group}/${slug} names no check`);
        const workload = check.meta.targets.some((t) => 'class' in t && t.class === 'workload');
        if (!check.meta.admission || !workload) {
          continue;
        }
        for (const outcome of ['pass', 'fail'] as const) {
          const dir = join(ROOT, domain, group, slug, outcome);
          const files = readdirSync(dir)
            .filter((f) => /\.(ya?ml|json)$/.test(f))
            .map((f) => join(dir, f));
          sets.push({ check, outcome, files });
        }
      }
    }
  }
  return sets;
}

/** The level that selects a check: the PSS word for Pod Security Standards checks, else its first framework. */
function levelFor(check: AnyCheck): { level: string; framework: string } {
  const framework = check.meta.frameworks[0]?.framework ?? '';
  const level = framework === 'pss-baseline' ? 'baseline' : framework === 'pss-restricted' ? 'restricted' : framework;
  return { level, framework };
}

function sameObject(finding: Finding, kind: string, namespace: string | undefined, name: string): boolean {
  return finding.resource.kind === kind && finding.resource.namespace === namespace && finding.resource.name === name;
}

describe('admission parity with scan', () => {
  const sets = fixtureSets();

  it('finds the fixtures of every admission-capable workload check', () => {
    assert.ok(sets.length >= 2 * 30, `only ${sets.length} fixture sets`);
  });

  for (const { check, outcome, files } of sets) {
    it(`${check.meta.id} ${check.meta.slug}: ${outcome} fixtures get the scan's verdict at admission`, async () => {
      const { level, framework } = levelFor(check);
      const selection = levelSelection(level);
      assert.ok(selection && selection.kind === 'frameworks', `level ${level} selects frameworks`);
      let named = 0;
      let admitted = 0;
      for (const file of files) {
        const fixture = loadFixture(file);
        const { pssVersion, allowedRegistries, dangerousCapabilities } = fixture.settings;
        const version = formatPssVersion(pssVersion);
        const settings = {
          allowedRegistries: [...allowedRegistries],
          dangerousCapabilities: [...dangerousCapabilities],
        };
        const report = await scanManifests([file], {
          frameworks: [framework],
          pssVersion: version,
          settings,
          now: NOW,
        });
        const where = relative(ROOT, file);
        assert.ok(!report.findings.some((f) => f.status === 'error'), `${where}: scan errors`);
        const config: Config = {
          settings,
          admission: { defaults: { enforce: level, 'enforce-version': version } },
        };
        for (const resource of fixture.resources) {
          if (!workloadKind(resource.kind, resource.group)) {
            continue;
          }
          const decision = admit(wrapAsCreate(resource.object as Record<string, unknown>).request, {
            config,
            now: () => NOW,
          });
          const enforce = decision.detail.modes.find((m) => m.mode === 'enforce');
          assert.ok(enforce, `${where}: enforce was evaluated (${decision.detail.skipped ?? decision.detail.error})`);
          assert.ok(enforce.checks.includes(check.meta.id), `${where}: level ${level} selects ${check.meta.id}`);
          const scanFailed = report.findings
            .filter(
              (f) =>
                f.status === 'fail' &&
                !f.suppressed &&
                enforce.checks.includes(f.checkId) &&
                sameObject(f, resource.kind, resource.namespace, resource.name),
            )
            .map((f) => f.checkId)
            .sort();
          const admissionFailed = enforce.failed.map((f) => f.checkId).sort();
          assert.deepEqual(admissionFailed, scanFailed, `${where} ${resource.kind}/${resource.name}: check by check`);
          assert.equal(decision.allowed, scanFailed.length === 0, `${where}: ${decision.status?.message}`);
          for (const id of enforce.checks) {
            const inMessage = decision.status?.message.includes(`${id} `) ?? false;
            assert.equal(
              inMessage,
              scanFailed.includes(id),
              `${where}: ${id} named in the denial iff it fails in the scan`,
            );
          }
          if (scanFailed.includes(check.meta.id)) {
            named++;
          } else {
            admitted++;
          }
        }
      }
      if (outcome === 'fail') {
        assert.ok(named > 0, `no ${outcome} fixture of ${check.meta.slug} was denied for ${check.meta.id}`);
      } else {
        assert.ok(admitted > 0, `no ${outcome} fixture of ${check.meta.slug} was admitted without ${check.meta.id}`);
      }
    });
  }
});
