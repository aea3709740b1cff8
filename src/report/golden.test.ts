/**
 * Golden tests: a real scan of test/fixtures/report/manifests (a Deployment, a Pod exempted by
 * annotation, a CronJob, RBAC objects and a malformed document), rendered in every format with
 * `now` fixed and cwd at the repository root, compared byte for byte with
 * test/fixtures/golden/scan-<format>.<ext>. The checks are still being written, so their texts
 * change: regenerate with `UPDATE_GOLDEN=1 node --test src/report/golden.test.ts` and review the diff.
 * The real output is also validated: JSON against the report schema, SARIF against the official
 * schema and GitHub's constraints.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Log } from 'sarif';
import type { ScanReport } from '#core';
import { scanManifests } from '#posture';
import { githubProblems, REPO_ROOT, reportSchemaErrors, sarifSchemaErrors } from '#test/helpers/validators.ts';
import { FORMATS } from './formats/index.ts';
import { directoryUri } from './paths.ts';

const MANIFESTS = 'test/fixtures/report/manifests';
const NOW = new Date('2026-06-01T00:00:00Z');
/** The version changes with every release; the goldens should not. */
const GOLDEN_VERSION = '0.0.0-golden';
/** The repository's absolute location differs between machines; SARIF's base URI is replaced by this. */
const ROOT_PLACEHOLDER = 'file:///palisade/';
const update = process.env.UPDATE_GOLDEN === '1';

let report: ScanReport;
let previousCwd = '';

function rendered(id: string, status: 'fail' | 'all' = 'fail'): string {
  const format = FORMATS.find((f) => f.id === id)!;
  return format
    .render(report, { status, color: false, cwd: REPO_ROOT })
    .replaceAll(directoryUri(REPO_ROOT), ROOT_PLACEHOLDER);
}

describe('golden report outputs', () => {
  before(async () => {
    // Paths are reported as given: scan with a path relative to the repository root, as a user would.
    previousCwd = process.cwd();
    process.chdir(REPO_ROOT);
    const scanned = await scanManifests([MANIFESTS], { now: NOW });
    report = { ...scanned, tool: { ...scanned.tool, version: GOLDEN_VERSION } };
  });

  after(() => {
    process.chdir(previousCwd);
  });

  for (const format of FORMATS) {
    it(`scan-${format.id}.${format.fileExtension} matches`, () => {
      const path = `${REPO_ROOT}test/fixtures/golden/scan-${format.id}.${format.fileExtension}`;
      const actual = rendered(format.id);
      if (update) {
        writeFileSync(path, actual);
        return;
      }
      assert.equal(
        actual,
        readFileSync(path, 'utf8'),
        `${path} is stale: rerun with UPDATE_GOLDEN=1 and review the diff`,
      );
    });
  }

  it('the real JSON output validates against the report schema', () => {
    for (const status of ['fail', 'all'] as const) {
      assert.deepEqual(reportSchemaErrors(JSON.parse(rendered('json', status))), [], status);
    }
  });

  it('the real SARIF output validates against the official schema and GitHub constraints', () => {
    for (const status of ['fail', 'all'] as const) {
      const log = JSON.parse(rendered('sarif', status)) as Log;
      assert.deepEqual(sarifSchemaErrors(log), [], status);
      assert.deepEqual(githubProblems(log), [], status);
    }
  });

  it('the fixture set keeps exercising failures and an annotation exemption', () => {
    assert.ok(report.summary.findings.fail > report.summary.suppressed, 'some findings fail unsuppressed');
    const exempted = report.findings.filter((f) => f.suppressed?.source === 'annotation');
    assert.ok(
      exempted.some((f) => f.resource.name === 'node-debugger'),
      'debug-pod.yaml names a check in palisade.io/ignore that no longer exists or no longer fails: update the annotation',
    );
  });

  it('the fixture set yields a diagnostic for the malformed document', () => {
    const syntax = report.diagnostics.filter((d) => d.code === 'yaml.syntax');
    assert.deepEqual(
      syntax.map((d) => `${d.location.file}:${d.location.line}`),
      [`${MANIFESTS}/broken.yaml:18`],
    );
  });
});
