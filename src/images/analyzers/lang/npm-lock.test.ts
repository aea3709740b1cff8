import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { Package } from '#core';
import type { FileInput } from '../../analyzer.ts';
import { asArray, asObject, npmLockAnalyzer, npmPurl, parseJsonLocated, purl } from './npm-lock.ts';

const FIXTURES = new URL('../../../../test/fixtures/images/analyzers/lang/npm-lock/', import.meta.url);
const REAL_LOCK = new URL('../../../../package-lock.json', import.meta.url);

function input(path: string, content: string | Buffer): FileInput {
  const buffer = typeof content === 'string' ? Buffer.from(content) : content;
  return { path, size: buffer.length, read: async () => buffer };
}

async function analyzeFixture(scenario: string) {
  const content = readFileSync(new URL(`${scenario}/package-lock.json`, FIXTURES));
  return npmLockAnalyzer.analyze(input(`app/${scenario}/package-lock.json`, content), {});
}

const ids = (packages: readonly Package[]) => packages.map((p) => `${p.name}@${p.version}${p.dev ? ' dev' : ''}`);

describe('lang/npm-lock', () => {
  it('matches lockfiles and shrinkwraps outside node_modules only', () => {
    assert.equal(npmLockAnalyzer.matches('srv/app/package-lock.json'), true);
    assert.equal(npmLockAnalyzer.matches('package-lock.json'), true);
    assert.equal(npmLockAnalyzer.matches('app/npm-shrinkwrap.json'), true);
    assert.equal(npmLockAnalyzer.matches('app/node_modules/foo/package-lock.json'), false);
    assert.equal(npmLockAnalyzer.matches('app/node_modules/.package-lock.json'), false);
    assert.equal(npmLockAnalyzer.matches('app/package.json'), false);
    assert.equal(npmLockAnalyzer.matches('app/my-package-lock.json'), false);
  });

  it('reads a single package with its line, purl and location', async () => {
    const { value, diagnostics } = await analyzeFixture('single');
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(value, [
      {
        name: 'left-pad',
        version: '1.3.0',
        ecosystem: 'npm',
        purl: 'pkg:npm/left-pad@1.3.0',
        kind: 'lang',
        analyzer: 'lang/npm-lock',
        location: { path: 'app/single/package-lock.json', line: 14 },
      },
    ]);
  });

  it('reads v3: scoped, nested, aliased, dev, devOptional; skips root, links and workspace projects', async () => {
    const { value, diagnostics } = await analyzeFixture('multiple-v3');
    assert.deepEqual(ids(value), [
      '@babel/code-frame@7.24.2',
      'debug@4.3.4',
      'ms@2.1.2',
      'ms@2.1.3 dev',
      'string-width@4.2.3',
      'typescript@5.4.5 dev',
      'fsevents@2.3.3 dev',
      'esbuild-linux@0.20.2',
      'semver@7.6.0',
      'from-git@1.2.0',
    ]);
    assert.deepEqual(diagnostics, []);
    const scoped = value[0]!;
    assert.equal(scoped.purl, 'pkg:npm/%40babel/code-frame@7.24.2');
    assert.equal(scoped.location.line, 20);
    const nested = value.find((p) => p.version === '2.1.2')!;
    const lines = readFileSync(new URL('multiple-v3/package-lock.json', FIXTURES), 'utf8').split('\n');
    assert.match(lines[nested.location.line! - 1]!, /"node_modules\/debug\/node_modules\/ms": \{/);
  });

  it('reads v1 nested dependencies, aliases and dev flags; skips non-registry versions with info', async () => {
    const { value, diagnostics } = await analyzeFixture('v1');
    assert.deepEqual(ids(value), [
      '@types/node@14.18.63 dev',
      'express@4.17.1',
      'debug@2.6.9',
      'ms@2.0.0',
      'ms@2.1.3',
      'strip-ansi@6.0.1',
    ]);
    assert.deepEqual(
      value.map((p) => p.location.line),
      [7, 12, 18, 24, 31, 34],
    );
    assert.deepEqual(
      diagnostics.map((d) => [d.level, d.code, d.location.line]),
      [
        ['info', 'npm-lock.not-registry', 40],
        ['info', 'npm-lock.not-registry', 43],
      ],
    );
  });

  it('prefers the packages map of a v2 lockfile over its legacy dependencies', async () => {
    const { value, diagnostics } = await analyzeFixture('v2');
    assert.deepEqual(ids(value), ['lodash@4.17.21', 'mocha@10.4.0 dev']);
    assert.deepEqual(
      value.map((p) => p.location.line),
      [17, 20],
    );
    assert.deepEqual(diagnostics, []);
  });

  it('reports entries without a version or with an invalid name, keeping the rest', async () => {
    const { value, diagnostics } = await analyzeFixture('no-version');
    assert.deepEqual(ids(value), ['ok@1.0.0']);
    assert.deepEqual(
      diagnostics.map((d) => [d.code, d.location.file, d.location.line]),
      [
        ['npm-lock.no-version', 'app/no-version/package-lock.json', 7],
        ['npm-lock.invalid-entry', 'app/no-version/package-lock.json', 13],
        ['npm-lock.invalid-name', 'app/no-version/package-lock.json', 14],
      ],
    );
  });

  it('keeps the complete records of a truncated lockfile and reports the cut', async () => {
    const { value, diagnostics } = await analyzeFixture('truncated');
    assert.deepEqual(ids(value), ['@babel/code-frame@7.24.2']);
    assert.equal(diagnostics[0]?.code, 'json.syntax');
    assert.equal(diagnostics[0]?.level, 'error');
    assert.match(diagnostics[0]!.message, /truncated/);
    assert.equal(diagnostics[0]?.location.line, 28);
    assert.deepEqual(
      diagnostics.slice(1).map((d) => [d.code, d.location.line]),
      [['npm-lock.truncated-entry', 25]],
    );
  });

  it('keeps the records read before a syntax error and names its line', async () => {
    const { value, diagnostics } = await analyzeFixture('malformed');
    assert.deepEqual(ids(value), ['a@1.0.0', 'b@2.0.0']);
    assert.deepEqual(
      diagnostics.map((d) => [d.code, d.location.line, d.location.column]),
      [['json.syntax', 10, 5]],
    );
  });

  it('never throws on hostile input', async () => {
    const cases = [
      '',
      'null',
      '[]',
      '"x"',
      '{"packages": 3}',
      '{'.repeat(5000),
      '\u0000\u0001',
      '{"packages": {"node_modules/x": {"version": 1}}}',
    ];
    for (const text of cases) {
      const result = await npmLockAnalyzer.analyze(input('package-lock.json', text), {});
      assert.deepEqual(result.value, [], text.slice(0, 20));
      assert.ok(result.diagnostics.length > 0, `a diagnostic for ${JSON.stringify(text.slice(0, 20))}`);
    }
  });

  it('builds npm purls per the purl spec, also for legacy upper-case names', () => {
    assert.equal(npmPurl('@scope/name', '1.0.0'), 'pkg:npm/%40scope/name@1.0.0');
    assert.equal(npmPurl('left-pad', '1.3.0-beta.1'), 'pkg:npm/left-pad@1.3.0-beta.1');
    assert.equal(npmPurl('JSONStream', '1.3.5'), 'pkg:npm/jsonstream@1.3.5');
    assert.equal(purl('generic', undefined, 'a b', '1'), 'pkg:generic/a%20b@1');
    // packageurl-js rejects this type; the hand-encoded fallback keeps the analyzers from throwing.
    assert.equal(
      purl('no such type', 'n/s', 'a b', '1:2', { b: 'x y', a: '1' }),
      'pkg:no such type/n/s/a%20b@1:2?a=1&b=x%20y',
    );
  });

  it('parses JSON like JSON.parse and locates keys and elements', () => {
    const text = '{\n  "a": [1, {"b": "\\u0041\\n"}],\n  "c": {"d": null, "e": -1.5e3, "f": true}\n}';
    const doc = parseJsonLocated(text);
    assert.equal(doc.error, undefined);
    assert.deepEqual(JSON.parse(JSON.stringify(doc.value)), JSON.parse(text));
    const root = asObject(doc.value)!;
    const list = asArray(root.a)!;
    assert.equal(doc.line(root, 'a'), 2);
    assert.equal(doc.line(root, 'c'), 3);
    assert.equal(doc.line(list, 1), 2);
    assert.equal(doc.complete(root), true);
    assert.equal(parseJsonLocated('{"__proto__": {"x": 1}}').value?.constructor, undefined);
    assert.match(parseJsonLocated('{"a": 1} x').error!.message, /after the JSON value/);
    assert.match(parseJsonLocated('{"a": 01}').error!.message, /expected ","/);
  });

  const realSkip = existsSync(REAL_LOCK) ? false : 'this repository has no package-lock.json';
  it("agrees with an independent walk of this repository's own package-lock.json", { skip: realSkip }, async () => {
    const text = readFileSync(REAL_LOCK, 'utf8');
    const lock = JSON.parse(text) as {
      packages: Record<string, { name?: string; version?: string; dev?: boolean; link?: boolean }>;
    };
    const expected: string[] = [];
    for (const [key, entry] of Object.entries(lock.packages)) {
      if (!key.includes('node_modules/') || entry.link) {
        continue;
      }
      const name = entry.name ?? key.split('node_modules/').pop()!;
      expected.push(`${name}@${entry.version}${entry.dev ? ' dev' : ''}`);
    }
    const { value, diagnostics } = await npmLockAnalyzer.analyze(input('package-lock.json', text), {});
    assert.deepEqual(diagnostics, []);
    assert.ok(value.length >= 50, `only ${value.length} packages`);
    assert.deepEqual(ids(value).sort(), expected.sort());
    const lines = text.split('\n');
    for (const p of value) {
      const keyLine = lines[p.location.line! - 1]!;
      assert.match(keyLine, /^ {4}"[^"]*node_modules\/[^"]+": \{/, `${p.name} at line ${p.location.line}`);
      assert.ok(keyLine.includes(`node_modules/${p.name}"`) || keyLine.includes('node_modules/'), p.name);
      assert.ok(p.purl.startsWith('pkg:npm/') && p.purl.endsWith(`@${p.version}`), p.purl);
    }
  });
});

describe('language analyzers, part 1 (meta-check)', async () => {
  const { readdirSync, statSync } = await import('node:fs');
  const { PackageURL } = await import('packageurl-js');
  const modules: Record<string, Record<string, unknown>> = {
    'npm-lock': await import('./npm-lock.ts'),
    'node-modules': await import('./node-modules.ts'),
    'yarn-lock': await import('./yarn-lock.ts'),
    'pnpm-lock': await import('./pnpm-lock.ts'),
    'python-dist': await import('./python-dist.ts'),
    requirements: await import('./requirements.ts'),
    'poetry-lock': await import('./poetry-lock.ts'),
    'pipfile-lock': await import('./pipfile-lock.ts'),
    'uv-lock': await import('./uv-lock.ts'),
    'gemfile-lock': await import('./gemfile-lock.ts'),
    'composer-lock': await import('./composer-lock.ts'),
    'cargo-lock': await import('./cargo-lock.ts'),
  };
  const analyzerOf = (slug: string) => {
    const found = Object.values(modules[slug]!).filter(
      (v): v is typeof npmLockAnalyzer => typeof v === 'object' && v !== null && 'analyze' in v && 'matches' in v,
    );
    assert.equal(found.length, 1, `${slug}.ts exports one analyzer`);
    return found[0]!;
  };
  const fixtureRoot = new URL('../../../../test/fixtures/images/analyzers/lang/', import.meta.url);
  const filesUnder = (dir: URL, prefix = ''): string[] =>
    readdirSync(dir).flatMap((name) => {
      const url = new URL(name, dir);
      return statSync(url).isDirectory()
        ? filesUnder(new URL(`${name}/`, dir), `${prefix}${name}/`)
        : [`${prefix}${name}`];
    });

  for (const slug of Object.keys(modules)) {
    it(`${slug}: id, kind, header and fixtures`, async () => {
      const analyzer = analyzerOf(slug);
      assert.equal(analyzer.id, `lang/${slug}`);
      assert.equal(analyzer.kind, 'lang');
      assert.ok(analyzer.version >= 1 && analyzer.maxFileBytes > 0);
      const source = readFileSync(new URL(`${slug}.ts`, import.meta.url), 'utf8');
      assert.match(source, /^\/\*\*[\s\S]*?https:\/\/[\s\S]*?\*\//, 'header comment linking the specification');
      assert.ok(existsSync(new URL(`${slug}.test.ts`, import.meta.url)), 'a test file');
      const fixtures = filesUnder(new URL(`${slug}/`, fixtureRoot)).filter((p) => analyzer.matches(p));
      assert.ok(fixtures.length >= 3, `${fixtures.length} fixtures`);
      for (const path of fixtures) {
        const content = readFileSync(new URL(`${slug}/${path}`, fixtureRoot));
        const { value, diagnostics } = await analyzer.analyze(input(path, content), {});
        for (const p of value) {
          assert.equal(p.analyzer, analyzer.id);
          assert.equal(p.ecosystem, analyzer.ecosystem);
          assert.equal(p.location.path, path);
          assert.ok(p.version !== '' && p.name !== '');
          const parsed = PackageURL.fromString(p.purl);
          assert.equal(parsed.version, p.version, p.purl);
        }
        for (const d of diagnostics) {
          assert.equal(d.location.file, path);
        }
      }
    });
  }
});
