/**
 * What the registry meta-test (checks/registry.test.ts) leaves to the group: the index lists the
 * check files in file-name order, ids sit in the group's range, and every check names a secure
 * score control and an az command. Fixture outcomes are checked by the registry test.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { validateCheck } from '../../index.ts';
import { azureAcrChecks } from './index.ts';

const here = fileURLToPath(new URL('.', import.meta.url));

describe('azure/acr index', () => {
  it('lists every check file, in file-name order', () => {
    const files = readdirSync(here)
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'index.ts')
      .map((f) => basename(f, '.ts'))
      .sort();
    assert.deepEqual(
      azureAcrChecks.map((c) => c.meta.slug),
      files,
    );
  });

  it('has unique ids in PAL-AZR-0241..0259, a security control, an az command and valid metadata', () => {
    const ids = azureAcrChecks.map((c) => c.meta.id);
    assert.equal(new Set(ids).size, ids.length);
    for (const check of azureAcrChecks) {
      const n = Number(check.meta.id.slice('PAL-AZR-'.length));
      assert.ok(n >= 241 && n <= 259, check.meta.id);
      assert.deepEqual(validateCheck(check), [], check.meta.id);
      assert.ok(check.meta.securityControl, `${check.meta.id} has no security control`);
      assert.ok(check.meta.remediation.azureCli, `${check.meta.id} has no az command`);
    }
  });
});
