import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { FileInput } from '../../analyzer.ts';
import { dotnetDepsAnalyzer } from './dotnet-deps.ts';

const FIXTURES = new URL('../../../../test/fixtures/images/analyzers/lang/dotnet-deps/', import.meta.url);

function input(path: string, content: string | Buffer): FileInput {
  const data = Buffer.isBuffer(content) ? content : Buffer.from(content);
  return { path, size: data.length, read: async () => data };
}

function fixture(name: string): FileInput {
  return input(`app/${name.split('/').pop()}`, readFileSync(new URL(name, FIXTURES)));
}

describe('lang/dotnet-deps', () => {
  it('has the id of its folder and file slug (lang/<slug>)', () => {
    const slug = basename(fileURLToPath(import.meta.url), '.test.ts');
    assert.ok(existsSync(new URL(`${slug}.ts`, import.meta.url)));
    assert.equal(dotnetDepsAnalyzer.id, `lang/${slug}`);
    assert.equal(dotnetDepsAnalyzer.kind, 'lang');
    assert.equal(dotnetDepsAnalyzer.ecosystem, 'NuGet');
    assert.ok(Number.isInteger(dotnetDepsAnalyzer.version) && dotnetDepsAnalyzer.version >= 1);
  });

  it('matches <app>.deps.json files only', () => {
    assert.equal(dotnetDepsAnalyzer.matches('app/MyApi.deps.json'), true);
    assert.equal(dotnetDepsAnalyzer.matches('MyApi.deps.json'), true);
    assert.equal(dotnetDepsAnalyzer.matches('app/.deps.json'), false);
    assert.equal(dotnetDepsAnalyzer.matches('app/MyApi.runtimeconfig.json'), false);
    assert.equal(dotnetDepsAnalyzer.matches('app/deps.json'), false);
    assert.equal(dotnetDepsAnalyzer.matches('app/MyApi.deps.json.bak'), false);
  });

  it('reports libraries of type package, not projects or references, at their libraries line', async () => {
    const result = await dotnetDepsAnalyzer.analyze(fixture('app/Palisade.Fixture.Api.deps.json'), {});
    assert.deepEqual(
      result.value.map((p) => `${p.name}@${p.version}:${p.location.line}`),
      [
        'Newtonsoft.Json@13.0.1:58',
        'Serilog.AspNetCore@8.0.1:65',
        'System.Text.Encodings.Web@4.7.2:72',
        // only in targets, typed there
        'Only.In.Targets@3.1.0:47',
      ],
    );
    assert.deepEqual(result.value[0], {
      name: 'Newtonsoft.Json',
      version: '13.0.1',
      ecosystem: 'NuGet',
      purl: 'pkg:nuget/Newtonsoft.Json@13.0.1',
      kind: 'lang',
      analyzer: 'lang/dotnet-deps',
      location: { path: 'app/Palisade.Fixture.Api.deps.json', line: 58 },
    });
    assert.deepEqual(result.diagnostics, []);
  });

  it('reports a truncated file with the line where the JSON stops', async () => {
    const result = await dotnetDepsAnalyzer.analyze(fixture('broken/Truncated.deps.json'), {});
    assert.deepEqual(result.value, []);
    assert.equal(result.diagnostics.length, 1);
    const [d] = result.diagnostics;
    assert.equal(d!.code, 'dotnet-deps.syntax');
    assert.equal(d!.level, 'error');
    assert.deepEqual([d!.location.file, d!.location.line], ['app/Truncated.deps.json', 8]);
    assert.match(d!.message, /unexpected end of input/);
  });

  it('reports each bad entry with its line and keeps the good ones', async () => {
    const result = await dotnetDepsAnalyzer.analyze(fixture('broken/BadEntries.deps.json'), {});
    assert.deepEqual(
      result.value.map((p) => `${p.name}@${p.version}`),
      ['Good.Package@1.0.0', 'Other.Good@2.1.0-preview.3'],
    );
    assert.deepEqual(
      result.diagnostics.map((d) => [d.level, d.code, d.location.line]),
      [
        ['error', 'dotnet-deps.invalid-entry', 9], // library not an object
        ['error', 'dotnet-deps.invalid-entry', 3], // target not an object
        ['error', 'dotnet-deps.invalid-entry', 7], // no version
        ['error', 'dotnet-deps.invalid-entry', 8], // empty version
        ['info', 'dotnet-deps.no-type', 10],
      ],
    );
  });

  it('rejects JSON that is not a deps file, and hostile nesting, without throwing', async () => {
    const notDeps = await dotnetDepsAnalyzer.analyze(input('a.deps.json', '[1, 2]'), {});
    assert.deepEqual(
      notDeps.diagnostics.map((d) => [d.code, d.location.line]),
      [['dotnet-deps.invalid', 1]],
    );
    const deep = await dotnetDepsAnalyzer.analyze(input('a.deps.json', '['.repeat(100_000)), {});
    assert.equal(deep.diagnostics[0]?.code, 'dotnet-deps.syntax');
    assert.match(deep.diagnostics[0]!.message, /nesting deeper/);
    const bom = await dotnetDepsAnalyzer.analyze(
      input('a.deps.json', '\ufeff{"libraries": {"X/1.0.0": {"type": "package"}}}'),
      {},
    );
    assert.deepEqual(
      bom.value.map((p) => p.purl),
      ['pkg:nuget/X@1.0.0'],
    );
  });
});
