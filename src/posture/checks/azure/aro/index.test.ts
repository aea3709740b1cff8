/**
 * The folder's own meta-test: the index lists the check files sorted by file name, ids sit in the
 * group's range PAL-ARO-0001..0049 and validate, every check counts towards a secure score control
 * and maps to an ARO landing-zone control, and the landing-zone controls about the ARO resource are
 * covered. The registry test (checks/registry.test.ts) runs the fixtures.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { validateCheck } from '../../index.ts';
import { azureAroChecks } from './index.ts';

const here = fileURLToPath(new URL('.', import.meta.url));

describe('azure/aro index', () => {
  it('lists every check file, sorted by file name', () => {
    const files = readdirSync(here)
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'index.ts')
      .map((f) => basename(f, '.ts'))
      .sort();
    assert.deepEqual(
      azureAroChecks.map((c) => c.meta.slug),
      files,
    );
  });

  it('has unique ids in PAL-ARO-0001..0049 and valid metadata', () => {
    const ids = azureAroChecks.map((c) => c.meta.id);
    assert.equal(new Set(ids).size, ids.length);
    for (const check of azureAroChecks) {
      const n = Number(check.meta.id.slice('PAL-ARO-'.length));
      assert.ok(n >= 1 && n <= 49, check.meta.id);
      assert.deepEqual(validateCheck(check), [], check.meta.id);
      assert.ok(check.meta.securityControl, `${check.meta.id} has no security control`);
      assert.ok(
        check.meta.frameworks.some((f) => f.framework === 'aro-landing-zone'),
        `${check.meta.id} maps to no aro-landing-zone control`,
      );
      assert.ok(check.meta.remediation.azureCli ?? check.meta.remediation.command, `${check.meta.id} has no command`);
    }
  });

  it('covers the landing-zone controls about the ARO resource and its landing zone', () => {
    const covered = new Set(azureAroChecks.flatMap((c) => c.meta.frameworks.map((f) => `${f.framework} ${f.control}`)));
    for (const control of [
      'ARO-NET-1',
      'ARO-NET-2',
      'ARO-NET-3',
      'ARO-NET-4',
      'ARO-IAM-4',
      'ARO-DATA-2',
      'ARO-DATA-3',
      'ARO-DATA-4',
      'ARO-OPS-1',
      'ARO-REG-1',
      'ARO-MON-1',
      'ARO-MON-2',
    ]) {
      assert.ok(covered.has(`aro-landing-zone ${control}`), control);
    }
  });
});
