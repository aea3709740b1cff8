import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Package } from '#core';
import type { FileInput } from '../../analyzer.ts';
import { normalizePypiName, pypiPurl, pythonDistAnalyzer } from './python-dist.ts';

const FIXTURES = fileURLToPath(
  new URL('../../../../test/fixtures/images/analyzers/lang/python-dist/', import.meta.url),
);
const DEBIAN = '/usr/lib/python3/dist-packages';

function input(path: string, content: string | Buffer): FileInput {
  const buffer = typeof content === 'string' ? Buffer.from(content) : content;
  return { path, size: buffer.length, read: async () => buffer };
}

/** The metadata files of a site-packages folder the analyzer matches, as '/'-separated paths under `dir`. */
function metadataFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    for (const path of [entry, `${entry}/METADATA`, `${entry}/PKG-INFO`]) {
      const full = join(dir, path);
      if (pythonDistAnalyzer.matches(`site-packages/${path}`) && existsSync(full) && statSync(full).isFile()) {
        out.push(path);
      }
    }
  }
  return out;
}

async function analyzeDir(dir: string) {
  const packages: Package[] = [];
  const diagnostics = [];
  for (const path of metadataFiles(dir)) {
    const result = await pythonDistAnalyzer.analyze(input(`site-packages/${path}`, readFileSync(join(dir, path))), {});
    packages.push(...result.value);
    diagnostics.push(...result.diagnostics);
  }
  return { packages, diagnostics };
}

describe('lang/python-dist', () => {
  it('matches core metadata files only', () => {
    for (const path of [
      'usr/lib/python3/dist-packages/requests-2.31.0.dist-info/METADATA',
      'site-packages/foo-1.0.egg-info/PKG-INFO',
      'usr/lib/python3/dist-packages/foo-1.0.egg-info',
      'site-packages/foo-1.0-py3.8.egg/EGG-INFO/PKG-INFO',
    ]) {
      assert.equal(pythonDistAnalyzer.matches(path), true, path);
    }
    for (const path of [
      'site-packages/requests-2.31.0.dist-info/RECORD',
      'site-packages/foo.egg-info/SOURCES.txt',
      'site-packages/METADATA',
      'site-packages/foo.dist-info',
    ]) {
      assert.equal(pythonDistAnalyzer.matches(path), false, path);
    }
  });

  it('reads a single METADATA: headers end at the first blank line', async () => {
    const { packages, diagnostics } = await analyzeDir(join(FIXTURES, 'single/site-packages'));
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(packages, [
      {
        name: 'requests',
        version: '2.31.0',
        ecosystem: 'PyPI',
        purl: 'pkg:pypi/requests@2.31.0',
        kind: 'lang',
        analyzer: 'lang/python-dist',
        location: { path: 'site-packages/requests-2.31.0.dist-info/METADATA', line: 2 },
        licenses: ['Apache 2.0'],
      },
    ]);
  });

  it('reads dist-info, egg-info directories and files; license precedence', async () => {
    const { packages, diagnostics } = await analyzeDir(join(FIXTURES, 'multiple/site-packages'));
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(
      packages.map((p) => [p.name, p.version, p.purl, p.licenses]),
      [
        ['Zope.Interface', '6.2', 'pkg:pypi/zope-interface@6.2', ['ZPL-2.1']],
        ['distutils-thing', '1.2.3', 'pkg:pypi/distutils-thing@1.2.3', undefined],
        ['legacy_pkg', '0.9', 'pkg:pypi/legacy-pkg@0.9', ['BSD License', 'Other/Proprietary License']],
      ],
    );
  });

  it('reports metadata without a version', async () => {
    const { packages, diagnostics } = await analyzeDir(join(FIXTURES, 'no-version/site-packages'));
    assert.deepEqual(packages, []);
    assert.deepEqual(
      diagnostics.map((d) => [d.code, d.location.file, d.location.line]),
      [['python-dist.no-version', 'site-packages/broken-1.0.dist-info/METADATA', 2]],
    );
  });

  it('never throws on hostile input', async () => {
    for (const text of [
      '',
      '\n\n',
      'Name: x\nVersion: not a version!\n',
      'Name: ../etc\nVersion: 1\n',
      '\u0000'.repeat(100),
    ]) {
      const result = await pythonDistAnalyzer.analyze(input('a-1.dist-info/METADATA', text), {});
      assert.ok(result.diagnostics.length > 0, JSON.stringify(text));
    }
  });

  it('normalises names per PEP 503 in purls', () => {
    assert.equal(normalizePypiName('Foo__Bar..baz-_Qux'), 'foo-bar-baz-qux');
    assert.equal(pypiPurl('Django_REST.framework', '3.15.1'), 'pkg:pypi/django-rest-framework@3.15.1');
  });

  const skip = existsSync(DEBIAN) ? false : `${DEBIAN} is absent (no Debian python3 here)`;
  it("agrees with Debian's dist-packages folder names and dpkg", { skip }, async (t) => {
    const { packages } = await analyzeDir(DEBIAN);
    assert.ok(packages.length >= 5, `${packages.length} packages`);
    let compared = 0;
    for (const p of packages) {
      // The folder is `<name>-<version>.dist-info` / `.egg-info` (name escaped, `-` in version as `_`).
      const folder = /^site-packages\/([^/]+?)-([^-/]+?)\.(?:dist|egg)-info/.exec(p.location.path);
      if (!folder) {
        continue; // e.g. `cryptography.egg-info`, without a version in its name
      }
      compared++;
      assert.equal(normalizePypiName(p.name), normalizePypiName(folder[1]!), p.location.path);
      assert.equal(p.version.replace(/-/g, '_'), folder[2]!.replace(/-/g, '_'), p.location.path);
    }
    assert.ok(compared >= 5, `${compared} compared`);
    let dpkg = '';
    try {
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a dpkg-query format, not a template
      const format = '${Package} ${Version}\n';
      dpkg = execFileSync('dpkg-query', ['-W', '-f', format], { encoding: 'utf8' });
    } catch {
      t.diagnostic('dpkg-query unavailable: folder names only');
      return;
    }
    // python3-<name> Debian packages carry the upstream version first: 2.6.0-1 for PyJWT 2.6.0.
    const debian = new Map(dpkg.split('\n').map((l) => l.split(' ') as [string, string]));
    let matched = 0;
    for (const p of packages) {
      const deb = debian.get(`python3-${normalizePypiName(p.name)}`);
      if (deb?.replace(/^\d+:/, '').startsWith(p.version)) {
        matched++;
      }
    }
    t.diagnostic(`${matched} of ${packages.length} distributions match a python3-<name> dpkg version`);
    assert.ok(matched >= 3, `${matched} matched dpkg`);
  });
});
