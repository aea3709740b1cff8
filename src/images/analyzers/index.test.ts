import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ANALYZERS, LANG_ANALYZERS, OS_ANALYZERS } from './index.ts';

function analyzerFiles(folder: string): string[] {
  const dir = fileURLToPath(new URL(`./${folder}/`, import.meta.url));
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && e.name !== 'index.ts')
    .map((e) => `${folder}/${e.name.slice(0, -3)}`)
    .sort();
}

describe('analyzer registry', () => {
  it('lists exactly the analyzer files of os/ and lang/, each id equal to its folder and file slug', () => {
    assert.deepEqual(OS_ANALYZERS.map((a) => a.id).sort(), analyzerFiles('os'));
    assert.deepEqual(LANG_ANALYZERS.map((a) => a.id).sort(), analyzerFiles('lang'));
    assert.equal(ANALYZERS.length, OS_ANALYZERS.length + LANG_ANALYZERS.length);
  });

  it('has analyzers of the right kind and a positive size limit', () => {
    for (const analyzer of OS_ANALYZERS) {
      assert.equal(analyzer.kind, 'os', analyzer.id);
    }
    for (const analyzer of LANG_ANALYZERS) {
      assert.equal(analyzer.kind, 'lang', analyzer.id);
    }
    for (const analyzer of ANALYZERS) {
      assert.ok(analyzer.maxFileBytes > 0, analyzer.id);
    }
  });

  it('matches each format by its path and not by unrelated paths', () => {
    const expect: Record<string, string> = {
      'var/lib/dpkg/status': 'os/dpkg',
      'lib/apk/db/installed': 'os/apk',
      'var/lib/rpm/rpmdb.sqlite': 'os/rpm',
      'app/package-lock.json': 'lang/npm-lock',
      'app/node_modules/left-pad/package.json': 'lang/node-modules',
      'app/yarn.lock': 'lang/yarn-lock',
      'app/pnpm-lock.yaml': 'lang/pnpm-lock',
      'usr/lib/python3/dist-packages/idna-3.3.dist-info/METADATA': 'lang/python-dist',
      'app/requirements.txt': 'lang/requirements',
      'app/poetry.lock': 'lang/poetry-lock',
      'app/Pipfile.lock': 'lang/pipfile-lock',
      'app/uv.lock': 'lang/uv-lock',
      'src/go.mod': 'lang/go-mod',
      'app/lib/x.jar': 'lang/jar',
      'app/web.deps.json': 'lang/dotnet-deps',
      'app/packages.lock.json': 'lang/nuget-lock',
      'app/Cargo.lock': 'lang/cargo-lock',
      'app/Gemfile.lock': 'lang/gemfile-lock',
      'app/composer.lock': 'lang/composer-lock',
    };
    for (const [path, id] of Object.entries(expect)) {
      const matching = ANALYZERS.filter((a) => a.matches(path)).map((a) => a.id);
      assert.ok(matching.includes(id), `${path} is read by ${id} (matched: ${matching.join(', ') || 'none'})`);
    }
    assert.deepEqual(
      ANALYZERS.filter((a) => a.matches('etc/hostname')).map((a) => a.id),
      [],
    );
  });
});
