/**
 * uv.lock (uv's universal lockfile; TOML, https://toml.io/en/v1.0.0).
 * Format: https://docs.astral.sh/uv/concepts/projects/layout/#the-lockfile and
 * https://docs.astral.sh/uv/concepts/resolution/ (no formal specification; the fields read are
 * `[[package]]` `name`, `version`, `source`, `dependencies`, `optional-dependencies` and
 * `dev-dependencies`).
 *
 * Packages whose source is `editable` or `virtual` are the project and its workspace members, and
 * `directory` sources are local path dependencies: all are the user's code and skipped silently.
 * Dev-only: a package reached from those local packages' `[package.dev-dependencies]` groups and not
 * from their `dependencies` or `optional-dependencies`. A dependency reference names a package, and
 * its version when the lockfile holds several versions of it (resolution forks).
 */
import type { Collected, Package } from '#core';
import type { AnalyzeContext, Analyzer, FileInput } from '../../analyzer.ts';
import { decodeText, diag } from './npm-lock.ts';
import { readTomlPackages, type TomlTable, tomlTable } from './poetry-lock.ts';
import { isPypiName, normalizePypiName, pypiPackage } from './python-dist.ts';

const ID = 'lang/uv-lock';
const LOCAL_SOURCES = ['editable', 'virtual', 'directory'];

export const uvLockAnalyzer: Analyzer = {
  id: ID,
  version: 1,
  kind: 'lang',
  ecosystem: 'PyPI',
  maxFileBytes: 64 * 1024 * 1024,
  matches(path: string): boolean {
    return /(?:^|\/)uv\.lock$/.test(path);
  },
  async analyze(file: FileInput, _ctx: AnalyzeContext): Promise<Collected<Package[]>> {
    const { records, diagnostics } = readTomlPackages(decodeText(await file.read()), file.path);
    const isLocal = (t: TomlTable): boolean => {
      const source = tomlTable(t.source);
      return source !== undefined && LOCAL_SOURCES.some((k) => k in source);
    };
    const devOnly = devOnlyPackages(
      records.map((r) => r.table),
      isLocal,
    );
    const packages: Package[] = [];
    for (const { table, line } of records) {
      if (isLocal(table)) {
        continue;
      }
      const { name, version } = table;
      if (typeof name !== 'string' || !isPypiName(name)) {
        diagnostics.push(diag('warning', 'uv-lock.invalid-name', 'package without a valid name', file.path, line));
        continue;
      }
      if (typeof version !== 'string' || version === '') {
        diagnostics.push(diag('warning', 'uv-lock.no-version', `package "${name}" has no version`, file.path, line));
        continue;
      }
      packages.push(pypiPackage(ID, file, name, version, line, devOnly.has(table)));
    }
    return { value: packages, diagnostics };
  },
};

function devOnlyPackages(tables: TomlTable[], isLocal: (t: TomlTable) => boolean): Set<TomlTable> {
  const byName = new Map<string, TomlTable[]>();
  for (const t of tables) {
    if (typeof t.name === 'string') {
      const key = normalizePypiName(t.name);
      byName.set(key, [...(byName.get(key) ?? []), t]);
    }
  }
  const resolve = (ref: unknown): TomlTable[] => {
    const r = tomlTable(ref);
    if (!r || typeof r.name !== 'string') {
      return [];
    }
    const candidates = byName.get(normalizePypiName(r.name)) ?? [];
    return typeof r.version === 'string' ? candidates.filter((c) => c.version === r.version) : candidates;
  };
  const refsOf = (value: unknown): unknown[] => {
    if (Array.isArray(value)) {
      return value;
    }
    return Object.values(tomlTable(value) ?? {}).flatMap((group) => (Array.isArray(group) ? group : []));
  };
  const walk = (starts: TomlTable[]): Set<TomlTable> => {
    const seen = new Set<TomlTable>();
    const queue = [...starts];
    while (queue.length > 0) {
      const t = queue.pop()!;
      if (seen.has(t)) {
        continue;
      }
      seen.add(t);
      for (const ref of [...refsOf(t.dependencies), ...refsOf(t['optional-dependencies'])]) {
        queue.push(...resolve(ref));
      }
    }
    return seen;
  };
  const locals = tables.filter(isLocal);
  const prod = walk(
    locals.flatMap((t) => [...refsOf(t.dependencies), ...refsOf(t['optional-dependencies'])].flatMap(resolve)),
  );
  const dev = walk(locals.flatMap((t) => refsOf(t['dev-dependencies']).flatMap(resolve)));
  return new Set([...dev].filter((t) => !prod.has(t) && !isLocal(t)));
}
