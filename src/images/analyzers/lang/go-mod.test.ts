import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { FileInput } from '../../analyzer.ts';
import { goModAnalyzer } from './go-mod.ts';

const FIXTURES = new URL('../../../../test/fixtures/images/analyzers/lang/go-mod/', import.meta.url);

function input(path: string, content: string | Buffer, layer?: string): FileInput {
  const data = Buffer.isBuffer(content) ? content : Buffer.from(content);
  return { path, size: data.length, ...(layer ? { layer } : {}), read: async () => data };
}

function fixture(name: string): FileInput {
  return input(`src/${name}/go.mod`, readFileSync(new URL(`${name}/go.mod`, FIXTURES)));
}

describe('lang/go-mod', () => {
  it('has the id of its folder and file slug (lang/<slug>)', () => {
    const slug = basename(fileURLToPath(import.meta.url), '.test.ts');
    assert.ok(existsSync(new URL(`${slug}.ts`, import.meta.url)));
    assert.equal(goModAnalyzer.id, `lang/${slug}`);
    assert.equal(goModAnalyzer.kind, 'lang');
    assert.equal(goModAnalyzer.ecosystem, 'Go');
    assert.ok(Number.isInteger(goModAnalyzer.version) && goModAnalyzer.version >= 1);
  });

  it('matches go.mod files only', () => {
    assert.equal(goModAnalyzer.matches('go.mod'), true);
    assert.equal(goModAnalyzer.matches('app/src/go.mod'), true);
    assert.equal(goModAnalyzer.matches('app/go.sum'), false);
    assert.equal(goModAnalyzer.matches('app/go.mod.bak'), false);
    assert.equal(goModAnalyzer.matches('app/notgo.mod'), false);
    assert.equal(goModAnalyzer.matches('vendor/modules.txt'), false);
  });

  it('reads require directives in both forms, applies replacements, ignores exclude and the module itself', async () => {
    const result = await goModAnalyzer.analyze(fixture('service'), {});
    const got = result.value.map((p) => `${p.name}@${p.version}:${p.location.line}`);
    assert.deepEqual(got, [
      'github.com/spf13/cobra@v1.8.0:10',
      'github.com/google/uuid@v1.6.0:13',
      'golang.org/x/net@v0.23.0:14',
      'gopkg.in/yaml.v3@v3.0.1:15',
      // path-wide replacement
      'github.com/palisade-fork/forked@v1.0.1-0.20240101120000-abcdef123456:16',
      // exact-version replacement (the v1.3.0 one does not apply)
      'github.com/example/pinned@v1.4.2:17',
      'github.com/pkg/errors@v0.9.1+incompatible:19',
      'k8s.io/klog/v2@v2.120.1:20',
    ]);
    assert.ok(
      !got.some((p) => p.startsWith('example.com/palisade/fixture-service')),
      'module path is not a dependency',
    );
    assert.deepEqual(
      result.diagnostics.map((d) => [d.level, d.code, d.location.line]),
      [['info', 'go-mod.local-replace', 18]],
    );
    assert.match(result.diagnostics[0]!.message, /github\.com\/example\/local v0\.3\.1 .*\.\.\/local/);
  });

  it('fills every package field: ecosystem, purl with the v prefix, location', async () => {
    const file = input('app/go.mod', 'module m\n\nrequire github.com/foo/bar v1.2.3\n', 'sha256:abc');
    const [pkg] = (await goModAnalyzer.analyze(file, {})).value;
    assert.deepEqual(pkg, {
      name: 'github.com/foo/bar',
      version: 'v1.2.3',
      ecosystem: 'Go',
      purl: 'pkg:golang/github.com/foo/bar@v1.2.3',
      kind: 'lang',
      analyzer: 'lang/go-mod',
      location: { path: 'app/go.mod', line: 3, layer: 'sha256:abc' },
    });
  });

  it('reports each bad line with its line number and keeps the good ones', async () => {
    const result = await goModAnalyzer.analyze(fixture('bad'), {});
    assert.deepEqual(
      result.value.map((p) => `${p.name}@${p.version}`),
      ['github.com/ok/one@v1.0.0', 'github.com/ok/two@v2.0.0+incompatible'],
    );
    assert.deepEqual(
      result.diagnostics.map((d) => [d.code, d.location.file, d.location.line]),
      [
        ['go-mod.syntax', 'src/bad/go.mod', 4], // no version
        ['go-mod.syntax', 'src/bad/go.mod', 5], // version without v
        ['go-mod.syntax', 'src/bad/go.mod', 6], // unterminated string
        ['go-mod.syntax', 'src/bad/go.mod', 7], // replacement without version, not local
        ['go-mod.syntax', 'src/bad/go.mod', 8], // no =>
        ['go-mod.syntax', 'src/bad/go.mod', 11], // extra token
        ['go-mod.syntax', 'src/bad/go.mod', 9], // block never closed
      ],
    );
    assert.ok(result.diagnostics.every((d) => d.level === 'error'));
  });

  it('handles CRLF line ends, raw strings, comments after block parentheses and empty input', async () => {
    const text = 'module m\r\nrequire ( // deps\r\n\t`example.com/raw` v0.0.1\r\n) // end\r\nrequire ()\r\n';
    const result = await goModAnalyzer.analyze(input('go.mod', text), {});
    assert.deepEqual(
      result.value.map((p) => `${p.name}@${p.version}:${p.location.line}`),
      ['example.com/raw@v0.0.1:3'],
    );
    assert.deepEqual(result.diagnostics, []);
    const empty = await goModAnalyzer.analyze(input('go.mod', ''), {});
    assert.deepEqual(empty, { value: [], diagnostics: [] });
  });

  it('does not throw on binary garbage', async () => {
    const garbage = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256));
    const result = await goModAnalyzer.analyze(input('go.mod', garbage), {});
    assert.ok(Array.isArray(result.value));
  });
});
