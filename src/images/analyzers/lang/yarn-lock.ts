/**
 * yarn.lock, both formats.
 * - Yarn 1 ("yarn lockfile v1"): https://classic.yarnpkg.com/en/docs/yarn-lock. Its own indented
 *   format: a header line lists the descriptors that resolved to one package
 *   (`"@s/a@^1.0.0", "@s/a@^1.1.0":`), followed by 2-space indented fields (`version "1.2.0"`).
 * - Yarn 2+ ("berry"): https://yarnpkg.com/configuration/yarnrc (lockfile section) and
 *   https://yarnpkg.com/protocols. Plain YAML with a `__metadata` entry; each key lists descriptors
 *   (`"a@npm:^1.0.0, a@npm:^1.1.0"`) and the entry gives `version` and `resolution` (`a@npm:1.2.0`).
 *
 * The package name is the resolved one (aliases `alias@npm:real@^1` resolve to `real`). Berry
 * entries whose resolution is `workspace:`, `link:` or `portal:` are the project's own code and are
 * skipped silently; `patch:` resolutions name the patched package (`patch:a@npm%3A1.2.0#...`),
 * which is reported once under its own name and version; other protocols (git, http tarballs,
 * `file:`, `exec:`) have no registry version and are skipped with an info diagnostic. In v1 files,
 * descriptors with `file:`, `link:`, `portal:` or `workspace:` ranges are skipped the same way.
 * The lockfile does not record dev-only dependencies.
 */

import semver from 'semver';
import { isMap, isScalar } from 'yaml';
import type { Collected, Diagnostic, Package } from '#core';
import type { AnalyzeContext, Analyzer, FileInput } from '../../analyzer.ts';
import { decodeText, diag, insideNodeModules, isPackageName, npmPackage, parseLockYaml } from './npm-lock.ts';

const ID = 'lang/yarn-lock';
const LOCAL = /^(?:workspace|link|portal|file):/;

export const yarnLockAnalyzer: Analyzer = {
  id: ID,
  version: 1,
  kind: 'lang',
  ecosystem: 'npm',
  maxFileBytes: 64 * 1024 * 1024,
  matches(path: string): boolean {
    return /(?:^|\/)yarn\.lock$/.test(path) && !insideNodeModules(path);
  },
  async analyze(file: FileInput, _ctx: AnalyzeContext): Promise<Collected<Package[]>> {
    const text = decodeText(await file.read());
    const found: Found[] = [];
    const diagnostics: Diagnostic[] = [];
    if (/^__metadata:/m.test(text)) {
      parseBerry(text, file.path, found, diagnostics);
    } else {
      parseV1(text, file.path, found, diagnostics);
    }
    const seen = new Set<string>();
    const value: Package[] = [];
    for (const f of found) {
      const key = `${f.name}@${f.version}`;
      if (f.patch && found.some((o) => !o.patch && o.name === f.name && o.version === f.version)) {
        continue; // the unpatched entry of the same package is reported
      }
      if (f.patch && seen.has(key)) {
        continue;
      }
      seen.add(key);
      value.push(npmPackage(ID, file, f.name, f.version, f.line));
    }
    return { value, diagnostics };
  },
};

interface Found {
  readonly name: string;
  readonly version: string;
  readonly line: number;
  readonly patch?: boolean;
}

/** Splits `name@range` (name may be `@scope/name`). */
export function splitDescriptor(descriptor: string): { name: string; range: string } | undefined {
  const at = descriptor.indexOf('@', descriptor.startsWith('@') ? 1 : 0);
  if (at <= 0) {
    return undefined;
  }
  return { name: descriptor.slice(0, at), range: descriptor.slice(at + 1) };
}

function unquote(text: string): string {
  const t = text.trim();
  if (t.length >= 2 && t.startsWith('"') && t.endsWith('"')) {
    try {
      return JSON.parse(t) as string;
    } catch {
      return t.slice(1, -1);
    }
  }
  return t;
}

// --- Yarn 1 ----------------------------------------------------------------------------------

function parseV1(text: string, file: string, found: Found[], diagnostics: Diagnostic[]): void {
  const lines = text.split(/\r?\n/);
  let entry: { descriptors: string[]; line: number; version?: string } | undefined;
  const finish = (): void => {
    if (!entry) {
      return;
    }
    const e = entry;
    entry = undefined;
    const parsed = e.descriptors.map(splitDescriptor);
    const first = parsed[0];
    if (!first || parsed.some((p) => p === undefined)) {
      diagnostics.push(diag('warning', 'yarn-lock.invalid-entry', 'cannot read the entry header', file, e.line));
      return;
    }
    if (parsed.every((p) => LOCAL.test(p!.range))) {
      return;
    }
    let name = first.name;
    const alias = /^npm:((?:@[^/@]+\/)?[^/@]+)@/.exec(first.range);
    if (alias) {
      name = alias[1]!;
    }
    if (e.version === undefined) {
      diagnostics.push(diag('warning', 'yarn-lock.no-version', `"${e.descriptors[0]}" has no version`, file, e.line));
      return;
    }
    if (!isPackageName(name) || !semver.valid(e.version)) {
      diagnostics.push(
        diag(
          'warning',
          'yarn-lock.invalid-entry',
          `"${e.descriptors[0]}" has an invalid name or version "${e.version}"`,
          file,
          e.line,
        ),
      );
      return;
    }
    found.push({ name, version: e.version, line: e.line });
  };
  for (let index = 0; index < lines.length; index++) {
    const raw = lines[index]!;
    const lineNo = index + 1;
    if (raw.trim() === '' || raw.trimStart().startsWith('#')) {
      continue;
    }
    if (!/^\s/.test(raw)) {
      finish();
      if (!raw.trimEnd().endsWith(':')) {
        diagnostics.push(diag('warning', 'yarn-lock.syntax', `unexpected line: ${raw.slice(0, 80)}`, file, lineNo));
        continue;
      }
      const header = raw.trimEnd().slice(0, -1);
      const descriptors = header
        .split(/,\s*/)
        .map(unquote)
        .filter((d) => d !== '');
      entry = { descriptors, line: lineNo };
      continue;
    }
    const m = /^ {2}version:? +(.+)$/.exec(raw);
    if (m && entry) {
      entry.version = unquote(m[1]!);
    }
  }
  finish();
}

// --- Yarn 2+ (berry) ---------------------------------------------------------------------------

function parseBerry(text: string, file: string, found: Found[], diagnostics: Diagnostic[]): void {
  const { doc, counter } = parseLockYaml(text, file, diagnostics);
  const contents = doc.contents;
  if (!isMap(contents)) {
    if (doc.errors.length === 0) {
      diagnostics.push(diag('error', 'yarn-lock.invalid', 'the lockfile is not a YAML mapping', file, 1));
    }
    return;
  }
  for (const pair of contents.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
    const line = isScalar(pair.key) && pair.key.range ? counter.linePos(pair.key.range[0]).line : undefined;
    if (key === '__metadata') {
      continue;
    }
    const value = pair.value;
    if (key === undefined || !isMap(value)) {
      diagnostics.push(diag('warning', 'yarn-lock.invalid-entry', 'entry is not a mapping', file, line));
      continue;
    }
    const field = (name: string): string | undefined => {
      const v = value.get(name);
      return typeof v === 'string' || typeof v === 'number' ? String(v) : undefined;
    };
    const resolution = field('resolution');
    const version = field('version');
    const resolved = resolution ? splitDescriptor(resolution) : undefined;
    if (!resolved) {
      diagnostics.push(diag('warning', 'yarn-lock.invalid-entry', `"${key}" has no valid resolution`, file, line));
      continue;
    }
    if (LOCAL.test(resolved.range) && !resolved.range.startsWith('file:')) {
      continue;
    }
    let name = resolved.name;
    let patch = false;
    if (resolved.range.startsWith('patch:')) {
      // patch:<name>@<url-encoded range>#<patch file>[::<params>]
      const inner = splitDescriptor(safeDecode(resolved.range.slice('patch:'.length).split('#')[0]!));
      if (!inner?.range.startsWith('npm:')) {
        diagnostics.push(
          diag('info', 'yarn-lock.not-registry', `"${key}" patches a package not from a registry`, file, line),
        );
        continue;
      }
      name = inner.name;
      patch = true;
    } else if (!resolved.range.startsWith('npm:')) {
      diagnostics.push(
        diag(
          'info',
          'yarn-lock.not-registry',
          `"${key}" resolves to "${resolution}", not a registry package`,
          file,
          line,
        ),
      );
      continue;
    }
    if (version === undefined) {
      diagnostics.push(diag('warning', 'yarn-lock.no-version', `"${key}" has no version`, file, line));
      continue;
    }
    if (!isPackageName(name) || !semver.valid(version)) {
      diagnostics.push(
        diag('warning', 'yarn-lock.invalid-entry', `"${key}" has an invalid name or version "${version}"`, file, line),
      );
      continue;
    }
    found.push({ name, version, line: line ?? 1, ...(patch ? { patch } : {}) });
  }
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
