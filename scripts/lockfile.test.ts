/**
 * `npm ci` refuses a lockfile that lacks an optional dependency of a locked package. The registry
 * mirror on the project's machines carries only the Linux builds of platform packages (Biome's
 * CLI binaries), so `npm install` there writes a lockfile without the other platforms and breaks
 * `npm ci`. The missing entries are added by hand with their os/cpu (npm skips them on other
 * platforms); this test catches a lockfile rewritten without them.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

const lock = JSON.parse(readFileSync(new URL('../package-lock.json', import.meta.url), 'utf8')) as {
  packages: Record<string, { optionalDependencies?: Record<string, string>; os?: string[]; cpu?: string[] }>;
};

describe('package-lock.json', () => {
  it('locks every optional dependency of every locked package (npm ci needs them)', () => {
    const missing: string[] = [];
    for (const [path, entry] of Object.entries(lock.packages)) {
      for (const name of Object.keys(entry.optionalDependencies ?? {})) {
        const nested = `${path ? `${path}/` : ''}node_modules/${name}`;
        if (!lock.packages[nested] && !lock.packages[`node_modules/${name}`]) {
          missing.push(`${name} (optional dependency of ${path || 'the root'})`);
        }
      }
    }
    assert.deepEqual(missing, [], 'run the fix described in docs/architecture.md (Development notes)');
  });
});
