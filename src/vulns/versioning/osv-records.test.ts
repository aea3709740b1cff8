/**
 * Cross-check against real OSV advisories in ../shared/data/osv-records (skipped when absent):
 * every `affected[].versions` entry and every ECOSYSTEM/SEMVER range event version must be valid
 * in its ecosystem's scheme, and in an ECOSYSTEM range each `introduced` must be lower than the
 * `fixed` (or `last_affected`) that follows it. `introduced: "0"` means "from the beginning" in
 * OSV, not a version, and is left to the matcher.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { schemeFor } from './index.ts';

const ROOT = fileURLToPath(new URL('../../../../shared/data/osv-records/', import.meta.url));
const PRESENT = existsSync(ROOT);
const SKIP = PRESENT ? false : `real OSV records not found at ${ROOT} (../shared/data is absent in a plain clone)`;

interface Affected {
  readonly file: string;
  readonly ecosystem: string;
  readonly versions: readonly string[];
  readonly ranges: readonly { readonly type: string; readonly events: readonly Record<string, string>[] }[];
}

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

const asRecord = (v: unknown): Record<string, unknown> | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const strings = (v: unknown): string[] => asArray(v).filter((x): x is string => typeof x === 'string');

/** Affected entries of every record whose ecosystem has a scheme. Files that do not parse are skipped. */
function loadAffected(): Affected[] {
  const out: Affected[] = [];
  for (const file of files(ROOT)) {
    if (!/\.(json|ya?ml)$/.test(file) || (file.includes('ghsa-to-osv') && !file.endsWith('.osv.json'))) {
      continue;
    }
    let doc: unknown;
    try {
      const text = readFileSync(file, 'utf8');
      doc = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
    } catch {
      continue;
    }
    for (const entry of asArray(asRecord(doc)?.affected)) {
      const affected = asRecord(entry);
      const ecosystem = asRecord(affected?.package)?.ecosystem;
      if (typeof ecosystem !== 'string' || !schemeFor(ecosystem)) {
        continue;
      }
      const ranges = asArray(affected?.ranges).map((r) => ({
        type: String(asRecord(r)?.type ?? ''),
        events: asArray(asRecord(r)?.events).map((e) =>
          Object.fromEntries(
            Object.entries(asRecord(e) ?? {}).filter((kv): kv is [string, string] => typeof kv[1] === 'string'),
          ),
        ),
      }));
      out.push({ file: file.slice(ROOT.length), ecosystem, versions: strings(affected?.versions), ranges });
    }
  }
  return out;
}

describe('real OSV advisories', { skip: SKIP }, () => {
  const affected = PRESENT ? loadAffected() : [];

  it('finds advisories for the main ecosystems', () => {
    const ecosystems = new Set(affected.map((a) => schemeFor(a.ecosystem)?.id));
    for (const id of ['deb', 'rpm', 'apk', 'npm', 'pep440', 'maven', 'go', 'composer']) {
      assert.ok(ecosystems.has(id), `some advisory uses the ${id} scheme`);
    }
  });

  it('every listed and range version is valid in its ecosystem', () => {
    const invalid: string[] = [];
    let checked = 0;
    for (const a of affected) {
      const scheme = schemeFor(a.ecosystem);
      const candidates = [
        ...a.versions,
        ...a.ranges
          .filter((r) => r.type === 'ECOSYSTEM' || r.type === 'SEMVER')
          .flatMap((r) => r.events.flatMap((e) => Object.entries(e)))
          .filter(([kind, v]) => !(kind === 'introduced' && v === '0'))
          .map(([, v]) => v),
      ];
      for (const v of candidates) {
        checked++;
        if (!scheme?.isValid(v)) {
          invalid.push(`${a.file} (${a.ecosystem}): ${JSON.stringify(v)}`);
        }
      }
    }
    assert.ok(checked > 3000, `checked ${checked} versions`);
    assert.deepEqual(invalid.sort(), [...KNOWN_INVALID].sort());
  });

  it('in ECOSYSTEM ranges, introduced is lower than the fixed or last_affected that follows', () => {
    const wrong: string[] = [];
    let pairs = 0;
    for (const a of affected) {
      const scheme = schemeFor(a.ecosystem);
      for (const range of a.ranges.filter((r) => r.type === 'ECOSYSTEM')) {
        let introduced: string | undefined;
        for (const event of range.events) {
          if (event.introduced !== undefined) {
            introduced = event.introduced;
            continue;
          }
          const end = event.fixed ?? event.last_affected;
          if (introduced === undefined || introduced === '0' || end === undefined || !scheme) {
            continue;
          }
          pairs++;
          const order = scheme.compare(introduced, end);
          if (order > 0 || (order === 0 && event.fixed !== undefined)) {
            wrong.push(
              `${a.file} (${a.ecosystem}): introduced ${introduced} vs ${event.fixed ? 'fixed' : 'last_affected'} ${end}`,
            );
          }
          introduced = undefined;
        }
      }
    }
    assert.ok(pairs > 50, `checked ${pairs} introduced/fixed pairs`);
    assert.deepEqual(wrong, []);
  });
});

/**
 * Versions in the real data that the package managers themselves reject: legacy PyPI versions
 * from before PEP 440 (pip's `packaging.version.Version` refuses them too) and a deliberately
 * broken linter test record. Matching reports such versions as indeterminate.
 */
const KNOWN_INVALID: string[] = [
  'osv-schema/osv-linter-testdata/GHSA-9v2f-6vcg-3hgv.json (PyPI): "4.36.-1"',
  'pypa/vulns/ipython/PYSEC-2015-24.yaml (PyPI): "0.7.1.fix1"',
  'pypa/vulns/ipython/PYSEC-2015-24.yaml (PyPI): "0.7.4.svn.r2010"',
  'pypa/vulns/joblib/PYSEC-2022-288.yaml (PyPI): "0.3.2d"',
  'pypa/vulns/joblib/PYSEC-2022-288.yaml (PyPI): "0.3.2d.dev"',
  'pypa/vulns/joblib/PYSEC-2022-288.yaml (PyPI): "0.3.2e.dev"',
  'pypa/vulns/joblib/PYSEC-2022-288.yaml (PyPI): "0.3.2f"',
  'pypa/vulns/joblib/PYSEC-2022-288.yaml (PyPI): "0.3.2f.dev"',
  'pypa/vulns/joblib/PYSEC-2022-288.yaml (PyPI): "0.3.2g.dev"',
  'pypa/vulns/joblib/PYSEC-2022-288.yaml (PyPI): "0.7.0d"',
];
