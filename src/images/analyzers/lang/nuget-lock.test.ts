import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { FileInput } from '../../analyzer.ts';
import { nugetLockAnalyzer } from './nuget-lock.ts';

const FIXTURES = new URL('../../../../test/fixtures/images/analyzers/lang/nuget-lock/', import.meta.url);

function input(path: string, content: string | Buffer, layer?: string): FileInput {
  const data = Buffer.isBuffer(content) ? content : Buffer.from(content);
  return { path, size: data.length, ...(layer ? { layer } : {}), read: async () => data };
}

describe('lang/nuget-lock', () => {
  it('has the id of its folder and file slug (lang/<slug>)', () => {
    const slug = basename(fileURLToPath(import.meta.url), '.test.ts');
    assert.ok(existsSync(new URL(`${slug}.ts`, import.meta.url)));
    assert.equal(nugetLockAnalyzer.id, `lang/${slug}`);
    assert.equal(nugetLockAnalyzer.kind, 'lang');
    assert.equal(nugetLockAnalyzer.ecosystem, 'NuGet');
    assert.ok(Number.isInteger(nugetLockAnalyzer.version) && nugetLockAnalyzer.version >= 1);
  });

  it('matches packages.lock.json only', () => {
    assert.equal(nugetLockAnalyzer.matches('packages.lock.json'), true);
    assert.equal(nugetLockAnalyzer.matches('src/Api/packages.lock.json'), true);
    assert.equal(nugetLockAnalyzer.matches('src/Api/my-packages.lock.json'), false);
    assert.equal(nugetLockAnalyzer.matches('src/Api/package-lock.json'), false);
    assert.equal(nugetLockAnalyzer.matches('src/Api/packages.lock.json.orig'), false);
  });

  it('reads Direct, Transitive and CentralTransitive entries of every framework, once per version', async () => {
    const data = readFileSync(new URL('app/packages.lock.json', FIXTURES));
    const result = await nugetLockAnalyzer.analyze(input('src/Api/packages.lock.json', data, 'sha256:l1'), {});
    assert.deepEqual(
      result.value.map((p) => `${p.name}@${p.version}:${p.location.line}`),
      [
        'Newtonsoft.Json@13.0.3:5',
        'Microsoft.Extensions.Logging@8.0.0:11',
        'Microsoft.Extensions.DependencyInjection@8.0.0:20',
        'System.Text.Json@8.0.4:25',
        // net8.0/linux-x64 repeats Newtonsoft.Json 13.0.3: not reported twice
        'runtime.linux-x64.Microsoft.DotNet.ILCompiler@8.0.7:45',
        // net48 resolves another version
        'Newtonsoft.Json@12.0.3:52',
      ],
    );
    assert.deepEqual(result.value[0], {
      name: 'Newtonsoft.Json',
      version: '13.0.3',
      ecosystem: 'NuGet',
      purl: 'pkg:nuget/Newtonsoft.Json@13.0.3',
      kind: 'lang',
      analyzer: 'lang/nuget-lock',
      location: { path: 'src/Api/packages.lock.json', line: 5, layer: 'sha256:l1' },
    });
    assert.deepEqual(result.diagnostics, []);
  });

  it('reports entries without a resolved version, non-objects and unknown types, keeping the rest', async () => {
    const data = readFileSync(new URL('broken/packages.lock.json', FIXTURES));
    const result = await nugetLockAnalyzer.analyze(input('packages.lock.json', data), {});
    assert.deepEqual(
      result.value.map((p) => `${p.name}@${p.version}`),
      ['Good.One@1.0.0', 'Odd.Type@2.0.0'],
    );
    assert.deepEqual(
      result.diagnostics.map((d) => [d.level, d.code, d.location.file, d.location.line]),
      [
        ['error', 'nuget-lock.invalid-entry', 'packages.lock.json', 10],
        ['error', 'nuget-lock.invalid-entry', 'packages.lock.json', 13],
        ['warning', 'nuget-lock.unknown-type', 'packages.lock.json', 14],
        ['error', 'nuget-lock.invalid-entry', 'packages.lock.json', 19],
      ],
    );
    assert.match(result.diagnostics[0]!.message, /"No\.Resolved" \(net8\.0\) has no "resolved" version/);
  });

  it('reports malformed JSON with line and column', async () => {
    const data = readFileSync(new URL('broken/syntax.packages.lock.json', FIXTURES));
    const result = await nugetLockAnalyzer.analyze(input('packages.lock.json', data), {});
    assert.deepEqual(result.value, []);
    assert.deepEqual(
      result.diagnostics.map((d) => [d.code, d.location.line, d.location.column]),
      [['nuget-lock.syntax', 6, 31]], // the '"' of "resolved",
    );
    assert.match(result.diagnostics[0]!.message, /expected ',' or '}'/);
  });

  it('reports a lock file without dependencies, and empty input', async () => {
    const noDeps = await nugetLockAnalyzer.analyze(input('packages.lock.json', '{"version": 2}'), {});
    assert.deepEqual(
      noDeps.diagnostics.map((d) => d.code),
      ['nuget-lock.invalid'],
    );
    const empty = await nugetLockAnalyzer.analyze(input('packages.lock.json', ''), {});
    assert.deepEqual(
      empty.diagnostics.map((d) => [d.code, d.location.line]),
      [['nuget-lock.syntax', 1]],
    );
  });
});
