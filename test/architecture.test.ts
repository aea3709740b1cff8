/**
 * Module boundaries (CONVENTIONS 2.1): `core` imports no other capability; a capability imports
 * another only through its index (`#name`), never a deep path; the CLI holds no domain logic
 * beyond importing the library.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      return sourceFiles(path);
    }
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

function capabilityOf(file: string): string | undefined {
  const rel = relative(SRC, file);
  return rel.includes('/') ? rel.split('/')[0] : undefined;
}

const IMPORT =
  /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"](?<spec>[^'"]+)['"]|import\(\s*['"](?<dyn>[^'"]+)['"]\s*\)/g;

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(IMPORT)].map((m) => m.groups?.spec ?? m.groups?.dyn ?? '').filter(Boolean);
}

describe('architecture', () => {
  const files = sourceFiles(SRC);

  it('finds the source files', () => {
    assert.ok(files.length > 20);
  });

  for (const file of files) {
    const own = capabilityOf(file);
    if (!own) {
      continue;
    }
    it(`${relative(SRC, file)} respects capability boundaries`, () => {
      for (const spec of importsOf(file)) {
        let target: string | undefined;
        let deep = false;
        if (spec.startsWith('#')) {
          const [name, ...rest] = spec.slice(1).split('/');
          target = name;
          deep = rest.length > 0;
        } else if (spec.startsWith('.')) {
          const resolved = resolve(dirname(file), spec);
          target = capabilityOf(resolved);
          deep = target !== own && !resolved.endsWith(`/${target}/index.ts`);
        }
        if (!target || target === own || target === 'test') {
          continue;
        }
        assert.notEqual(own, 'core', `core must not import ${spec}`);
        assert.ok(!deep, `${spec}: import another capability only through its index (#${target})`);
      }
    });
  }
});
