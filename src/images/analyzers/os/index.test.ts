import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { OS_ANALYZERS } from './index.ts';

const folder = fileURLToPath(new URL('./', import.meta.url));

describe('OS_ANALYZERS', () => {
  it('lists exactly the analyzer files of the folder, each with id os/<file>', () => {
    const files = readdirSync(folder, { withFileTypes: true })
      .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && e.name !== 'index.ts')
      .map((e) => `os/${e.name.slice(0, -'.ts'.length)}`)
      .sort();
    assert.deepEqual(OS_ANALYZERS.map((a) => a.id).sort(), files);
  });

  it('has unique ids, kind os and a positive size limit', () => {
    assert.equal(new Set(OS_ANALYZERS.map((a) => a.id)).size, OS_ANALYZERS.length);
    for (const analyzer of OS_ANALYZERS) {
      assert.equal(analyzer.kind, 'os', analyzer.id);
      assert.ok(analyzer.maxFileBytes > 0, analyzer.id);
      assert.ok(Number.isInteger(analyzer.version) && analyzer.version >= 1, analyzer.id);
    }
  });

  it('claims each database path with exactly one analyzer', () => {
    const paths = [
      'var/lib/dpkg/status',
      'var/lib/dpkg/status.d/libc6',
      'lib/apk/db/installed',
      'var/lib/rpm/Packages',
      'usr/lib/sysimage/rpm/rpmdb.sqlite',
    ];
    for (const path of paths) {
      assert.equal(OS_ANALYZERS.filter((a) => a.matches(path)).length, 1, path);
    }
  });
});
