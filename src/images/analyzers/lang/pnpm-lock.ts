/**
 * pnpm-lock.yaml, lockfile versions 5.x, 6.x and 9.x.
 * Specification: pnpm's lockfile format, https://github.com/pnpm/spec/tree/master/lockfile
 * (5.x: 5.2.md, 6.0.md, 9.0.md) and https://pnpm.io/git#lockfiles.
 *
 * Package keys of the `packages` section:
 * - 5.x: `/name/1.0.0`, `/@scope/name/1.0.0`, peers appended as `_peer@1.0.0+other@2.0.0`;
 * - 6.x: `/name@1.0.0`, peers appended in parentheses `(peer@1.0.0)`;
 * - 9.x: `name@1.0.0` (peers only in `snapshots`, which do not repeat packages).
 * Entries with `name`/`version` fields (tarballs, git) use them. Versions that are not semver
 * (git commits, tarball URLs, `file:`/`link:` specs) are skipped with an info diagnostic.
 *
 * Dev-only packages: 5.x and 6.x mark them `dev: true` (`dev: false` is production-only, no flag
 * means both). 9.x has no flag: a package is dev-only when the `snapshots` graph reaches it from the
 * importers' `devDependencies` and not from their `dependencies` or `optionalDependencies`.
 */

import semver from 'semver';
import { isMap, isScalar } from 'yaml';
import type { Collected, Diagnostic, Package } from '#core';
import type { AnalyzeContext, Analyzer, FileInput } from '../../analyzer.ts';
import { decodeText, diag, insideNodeModules, isPackageName, npmPackage, parseLockYaml } from './npm-lock.ts';

const ID = 'lang/pnpm-lock';

export const pnpmLockAnalyzer: Analyzer = {
  id: ID,
  version: 1,
  kind: 'lang',
  ecosystem: 'npm',
  maxFileBytes: 64 * 1024 * 1024,
  matches(path: string): boolean {
    return /(?:^|\/)pnpm-lock\.yaml$/.test(path) && !insideNodeModules(path);
  },
  async analyze(file: FileInput, _ctx: AnalyzeContext): Promise<Collected<Package[]>> {
    const text = decodeText(await file.read());
    const diagnostics: Diagnostic[] = [];
    const packages: Package[] = [];
    const { doc, counter } = parseLockYaml(text, file.path, diagnostics);
    let data: unknown;
    try {
      data = doc.toJS({ maxAliasCount: 1000 });
    } catch (e) {
      diagnostics.push(diag('error', 'yaml.invalid', `cannot read the document: ${String(e)}`, file.path, 1));
      return { value: packages, diagnostics };
    }
    const root = record(data);
    const packagesNode = isMap(doc.contents) ? doc.contents.get('packages', true) : undefined;
    const entries = record(root?.packages);
    if (!root || !entries || !isMap(packagesNode)) {
      if (doc.errors.length === 0) {
        diagnostics.push(diag('warning', 'pnpm-lock.empty', 'the lockfile has no "packages" mapping', file.path, 1));
      }
      return { value: packages, diagnostics };
    }
    const lines = new Map<string, number>();
    for (const pair of packagesNode.items) {
      if (isScalar(pair.key) && pair.key.range) {
        lines.set(String(pair.key.value), counter.linePos(pair.key.range[0]).line);
      }
    }
    const major = Number.parseInt(String(root.lockfileVersion ?? ''), 10);
    const devOnly = major >= 9 ? devOnlyFromSnapshots(root) : undefined;

    for (const [key, raw] of Object.entries(entries)) {
      const line = lines.get(key);
      const entry = record(raw) ?? {};
      const parsed = parseKey(key);
      const name = typeof entry.name === 'string' ? entry.name : parsed?.name;
      const version =
        typeof entry.version === 'string' || typeof entry.version === 'number'
          ? String(entry.version)
          : parsed?.version;
      if (name === undefined || version === undefined) {
        diagnostics.push(
          diag('warning', 'pnpm-lock.invalid-key', `cannot read a name and version from "${key}"`, file.path, line),
        );
        continue;
      }
      if (!isPackageName(name)) {
        diagnostics.push(
          diag('warning', 'pnpm-lock.invalid-name', `"${key}" has an invalid package name`, file.path, line),
        );
        continue;
      }
      if (!semver.valid(version)) {
        diagnostics.push(
          diag(
            'info',
            'pnpm-lock.not-registry',
            `"${key}" has version "${version}", not a registry version`,
            file.path,
            line,
          ),
        );
        continue;
      }
      const dev = devOnly ? devOnly.has(`${name}@${version}`) : entry.dev === true;
      packages.push(npmPackage(ID, file, name, version, line, dev));
    }
    return { value: packages, diagnostics };
  },
};

type Obj = Record<string, unknown>;

function record(value: unknown): Obj | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Obj) : undefined;
}

/** Name and version of a `packages` key of any lockfile version, peer suffixes removed. */
export function parseKey(key: string): { name: string; version: string } | undefined {
  let k = key.startsWith('/') ? key.slice(1) : key;
  const paren = k.indexOf('(');
  if (paren >= 0) {
    k = k.slice(0, paren);
  }
  const at = k.indexOf('@', k.startsWith('@') ? 1 : 0);
  const slashAfterName = k.indexOf('/', k.startsWith('@') ? k.indexOf('/') + 1 : 0);
  if (at > 0 && (slashAfterName < 0 || at < slashAfterName)) {
    // 6.x and 9.x: name@version (early 6.0 files still used `_` peer suffixes, never valid in semver)
    const version = k.slice(at + 1).split('_')[0]!;
    return version === '' ? undefined : { name: k.slice(0, at), version };
  }
  if (!key.startsWith('/') || slashAfterName <= 0) {
    return undefined;
  }
  // 5.x: /name/version[_peers]
  const name = k.slice(0, slashAfterName);
  let version = k.slice(slashAfterName + 1);
  const underscore = version.indexOf('_');
  if (underscore >= 0) {
    version = version.slice(0, underscore);
  }
  return version === '' ? undefined : { name, version };
}

/**
 * 9.x: `name@version` of the packages reachable from importers' devDependencies only. Snapshot
 * keys and dependency references keep peer suffixes; an aliased reference is `real@version`.
 */
function devOnlyFromSnapshots(root: Obj): Set<string> {
  const snapshots = record(root.snapshots) ?? {};
  const importers = record(root.importers) ?? {};
  const ref = (name: string, value: unknown): string | undefined => {
    const v = typeof value === 'string' ? value : record(value)?.version;
    if (typeof v !== 'string' || /^(?:link|file):/.test(v)) {
      return undefined;
    }
    const head = v.split('(')[0]!;
    return head.indexOf('@', 1) > 0 && !/^\d/.test(head) ? v : `${name}@${v}`;
  };
  const walk = (starts: string[]): Set<string> => {
    const seen = new Set<string>();
    const queue = [...starts];
    while (queue.length > 0) {
      const id = queue.pop()!;
      if (seen.has(id)) {
        continue;
      }
      seen.add(id);
      const snap = record(snapshots[id]);
      for (const group of ['dependencies', 'optionalDependencies']) {
        for (const [name, value] of Object.entries(record(snap?.[group]) ?? {})) {
          const next = ref(name, value);
          if (next !== undefined) {
            queue.push(next);
          }
        }
      }
    }
    const plain = new Set<string>();
    for (const id of seen) {
      const parsed = parseKey(id);
      if (parsed) {
        plain.add(`${parsed.name}@${parsed.version}`);
      }
    }
    return plain;
  };
  const roots = (groups: string[]): string[] => {
    const out: string[] = [];
    for (const importer of Object.values(importers)) {
      for (const group of groups) {
        for (const [name, value] of Object.entries(record(record(importer)?.[group]) ?? {})) {
          const id = ref(name, value);
          if (id !== undefined) {
            out.push(id);
          }
        }
      }
    }
    return out;
  };
  const prod = walk(roots(['dependencies', 'optionalDependencies']));
  const dev = walk(roots(['devDependencies']));
  return new Set([...dev].filter((id) => !prod.has(id)));
}
