import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Package } from '#core';
import type { FileInput } from '../../analyzer.ts';
import { nodeModulesAnalyzer } from './node-modules.ts';

const FIXTURES = fileURLToPath(
  new URL('../../../../test/fixtures/images/analyzers/lang/node-modules/', import.meta.url),
);
const REPO = fileURLToPath(new URL('../../../../', import.meta.url));

function input(path: string, content: Buffer): FileInput {
  return { path, size: content.length, read: async () => content };
}

/** Every file under `dir` (symlinks not followed), as '/'-separated paths relative to `base`. */
function walk(dir: string, base: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) {
      walk(full, base, out);
    } else if (entry.isFile()) {
      out.push(relative(base, full).split('\\').join('/'));
    }
  }
  return out;
}

/** Runs the analyzer on every matching file under `root/under`, with paths relative to `root`. */
async function analyzeTree(root: string, under = '') {
  const packages: Package[] = [];
  const diagnostics = [];
  for (const path of walk(join(root, under), root).filter((p) => nodeModulesAnalyzer.matches(p))) {
    const result = await nodeModulesAnalyzer.analyze(input(path, readFileSync(join(root, path))), {});
    packages.push(...result.value);
    diagnostics.push(...result.diagnostics);
  }
  return { packages, diagnostics };
}

describe('lang/node-modules', () => {
  it('matches package.json of installed packages only', () => {
    for (const path of [
      'usr/lib/node_modules/npm/package.json',
      'app/node_modules/lodash/package.json',
      'app/node_modules/@babel/core/package.json',
      'node_modules/a/node_modules/b/package.json',
      'app/node_modules/.pnpm/foo@1.0.0/node_modules/foo/package.json',
    ]) {
      assert.equal(nodeModulesAnalyzer.matches(path), true, path);
    }
    for (const path of [
      'app/package.json',
      'app/node_modules/lodash/test/package.json',
      'app/node_modules/@babel/package.json',
      'app/node_modules/.bin/package.json',
      'app/node_modules/lodash/package.json.bak',
      'app/node_modules/lodash/package-lock.json',
    ]) {
      assert.equal(nodeModulesAnalyzer.matches(path), false, path);
    }
  });

  it('reads a single package with its license and the line of its name', async () => {
    const { packages, diagnostics } = await analyzeTree(join(FIXTURES, 'single'));
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(packages, [
      {
        name: 'lodash',
        version: '4.17.21',
        ecosystem: 'npm',
        purl: 'pkg:npm/lodash@4.17.21',
        kind: 'lang',
        analyzer: 'lang/node-modules',
        location: { path: 'node_modules/lodash/package.json', line: 2 },
        licenses: ['MIT'],
      },
    ]);
  });

  it('reads scoped, nested and legacy-licensed packages; skips manifests without name and version at info level', async () => {
    const { packages, diagnostics } = await analyzeTree(join(FIXTURES, 'multiple'));
    const byName = new Map(packages.map((p) => [p.name, p]));
    assert.deepEqual([...byName.keys()].sort(), ['@scope/pkg', 'inner', 'legacy', 'obj-license']);
    assert.equal(byName.get('@scope/pkg')?.purl, 'pkg:npm/%40scope/pkg@2.0.0-rc.1');
    assert.equal(byName.get('@scope/pkg')?.location.line, 3);
    assert.deepEqual(byName.get('@scope/pkg')?.licenses, ['(MIT OR Apache-2.0)']);
    assert.deepEqual(byName.get('legacy')?.licenses, ['MIT', 'GPL-2.0']);
    assert.deepEqual(byName.get('obj-license')?.licenses, ['ISC']);
    assert.equal(byName.get('inner')?.licenses, undefined);
    assert.deepEqual(
      diagnostics.map((d) => [d.level, d.code, d.location.file]),
      [['info', 'node-modules.no-version', 'node_modules/fixture-only/package.json']],
    );
  });

  it('reports a truncated package.json with its line', async () => {
    const { packages, diagnostics } = await analyzeTree(join(FIXTURES, 'malformed'));
    assert.deepEqual(packages, []);
    assert.deepEqual(
      diagnostics.map((d) => [d.level, d.code, d.location.file, d.location.line]),
      [['error', 'json.syntax', 'node_modules/broken/package.json', 5]],
    );
  });

  it('never throws on hostile input and rejects invalid versions and names', async () => {
    for (const text of [
      '',
      '[]',
      '{"name": "x", "version": "latest"}',
      '{"name": "../x", "version": "1.0.0"}',
      '\u00ff\u00fe',
    ]) {
      const result = await nodeModulesAnalyzer.analyze(input('node_modules/x/package.json', Buffer.from(text)), {});
      assert.deepEqual(result.value, []);
      assert.equal(result.diagnostics.length, 1, text);
    }
  });

  const installed = join(REPO, 'node_modules');
  const skip =
    existsSync(installed) && existsSync(join(REPO, 'package-lock.json')) ? false : 'no node_modules installed';
  it("agrees with this repository's lockfile on the installed tree (dev and non-dev)", { skip }, async () => {
    const { packages } = await analyzeTree(REPO, 'node_modules');
    const found = new Set(
      packages.map((p) => `${p.location.path.replace(/\/package\.json$/, '')} ${p.name}@${p.version}`),
    );
    const lock = JSON.parse(readFileSync(join(REPO, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { name?: string; version?: string; dev?: boolean; link?: boolean }>;
    };
    let dev = 0;
    let prod = 0;
    const expected = new Set<string>();
    for (const [key, entry] of Object.entries(lock.packages)) {
      if (!key.startsWith('node_modules/') || entry.link || !existsSync(join(REPO, key, 'package.json'))) {
        continue; // the root, links, and optional platform packages not installed here
      }
      const name = entry.name ?? key.split('node_modules/').pop()!;
      expected.add(`${key} ${name}@${entry.version}`);
      if (entry.dev) {
        dev++;
      } else {
        prod++;
      }
    }
    assert.ok(dev > 10 && prod > 10, `dev ${dev}, prod ${prod}`);
    assert.deepEqual([...found].sort(), [...expected].sort());
  });
});
