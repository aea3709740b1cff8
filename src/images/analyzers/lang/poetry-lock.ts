/**
 * poetry.lock (Poetry's lockfile; TOML, https://toml.io/en/v1.0.0).
 * Format: https://python-poetry.org/docs/basic-usage/#installing-with-poetrylock (no formal
 * specification; the fields read are `[[package]]` `name`, `version`, `category` (lock 1.x:
 * "main" or "dev"), `groups` (lock 2.1: the dependency groups needing it) and `[package.source]`).
 *
 * Dev-only: `category = "dev"`, or `groups` without "main". Lock 2.0 files record neither, so
 * their packages carry no dev flag. Packages whose source is a local directory (`type =
 * "directory"`, path dependencies and the project's own packages) or installed in develop mode
 * are the user's code and skipped silently.
 *
 * This file also exports the record-by-record TOML reader the other TOML analyzers use.
 */

import { parse, TomlError } from 'smol-toml';
import type { Collected, Diagnostic, Package } from '#core';
import type { AnalyzeContext, Analyzer, FileInput } from '../../analyzer.ts';
import { decodeText, diag } from './npm-lock.ts';
import { isPypiName, pypiPackage } from './python-dist.ts';

const ID = 'lang/poetry-lock';

export const poetryLockAnalyzer: Analyzer = {
  id: ID,
  version: 1,
  kind: 'lang',
  ecosystem: 'PyPI',
  maxFileBytes: 64 * 1024 * 1024,
  matches(path: string): boolean {
    return /(?:^|\/)poetry\.lock$/.test(path);
  },
  async analyze(file: FileInput, _ctx: AnalyzeContext): Promise<Collected<Package[]>> {
    const { records, diagnostics } = readTomlPackages(decodeText(await file.read()), file.path);
    const packages: Package[] = [];
    for (const { table, line } of records) {
      const { name, version } = table;
      const source = tomlTable(table.source);
      if (source?.type === 'directory' || table.develop === true) {
        continue;
      }
      if (typeof name !== 'string' || !isPypiName(name)) {
        diagnostics.push(diag('warning', 'poetry-lock.invalid-name', 'package without a valid name', file.path, line));
        continue;
      }
      if (typeof version !== 'string' || version === '') {
        diagnostics.push(
          diag('warning', 'poetry-lock.no-version', `package "${name}" has no version`, file.path, line),
        );
        continue;
      }
      const groups = Array.isArray(table.groups) ? table.groups : undefined;
      const dev = table.category === 'dev' || (groups !== undefined && groups.length > 0 && !groups.includes('main'));
      packages.push(pypiPackage(ID, file, name, version, line, dev));
    }
    return { value: packages, diagnostics };
  },
};

export type TomlTable = Record<string, unknown>;

export function tomlTable(value: unknown): TomlTable | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as TomlTable) : undefined;
}

export interface TomlRecord {
  readonly table: TomlTable;
  /** Line of the record's `[[package]]` header. */
  readonly line: number | undefined;
}

const PACKAGE_HEADER = /^\s*\[\[\s*package\s*\]\]\s*(?:#.*)?$/;
const TABLE_HEADER = /^\s*\[\[?\s*([A-Za-z0-9_."' -]+?)\s*\]\]?\s*(?:#.*)?$/;

/**
 * Reads a lockfile made of `[[package]]` records (Cargo.lock, poetry.lock, uv.lock). When the
 * document is valid TOML, records are located at their `[[package]]` header. When it is not,
 * the document is cut at each top-level header (a `[[package]]` record keeps its `[package.x]`
 * sub-tables) and each part is parsed alone: a bad record becomes one diagnostic with its line
 * and the other records are kept.
 */
export function readTomlPackages(
  text: string,
  file: string,
): { root: TomlTable; records: TomlRecord[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const lines = text.split(/\r?\n/);
  try {
    const root = parse(text) as TomlTable;
    const list = Array.isArray(root.package) ? (root.package as unknown[]) : [];
    const headerLines: number[] = [];
    lines.forEach((l, i) => {
      if (PACKAGE_HEADER.test(l)) {
        headerLines.push(i + 1);
      }
    });
    const records: TomlRecord[] = [];
    list.forEach((item, i) => {
      const table = tomlTable(item);
      const line = headerLines.length === list.length ? headerLines[i] : undefined;
      if (table) {
        records.push({ table, line });
      } else {
        diagnostics.push(diag('warning', 'toml.invalid-record', `package ${i + 1} is not a table`, file, line));
      }
    });
    return { root, records, diagnostics };
  } catch (e) {
    if (!(e instanceof TomlError)) {
      diagnostics.push(diag('error', 'toml.syntax', `cannot read the document: ${String(e)}`, file, undefined));
      return { root: {}, records: [], diagnostics };
    }
    return recoverRecords(lines, file, e, diagnostics);
  }
}

function recoverRecords(
  lines: string[],
  file: string,
  whole: TomlError,
  diagnostics: Diagnostic[],
): { root: TomlTable; records: TomlRecord[]; diagnostics: Diagnostic[] } {
  const starts = [0];
  lines.forEach((l, i) => {
    const header = TABLE_HEADER.exec(l);
    if (i > 0 && header && (PACKAGE_HEADER.test(l) || !header[1]!.startsWith('package.'))) {
      starts.push(i);
    }
  });
  const root: TomlTable = {};
  const records: TomlRecord[] = [];
  let failed = false;
  starts.forEach((start, k) => {
    const end = starts[k + 1] ?? lines.length;
    const isRecord = PACKAGE_HEADER.test(lines[start]!);
    try {
      const part = parse(lines.slice(start, end).join('\n')) as TomlTable;
      if (isRecord) {
        const table = tomlTable((part.package as unknown[] | undefined)?.[0]);
        if (table) {
          records.push({ table, line: start + 1 });
        }
      } else {
        for (const [key, value] of Object.entries(part)) {
          root[key] ??= value;
        }
      }
    } catch (e) {
      failed = true;
      const line = e instanceof TomlError ? start + e.line : start + 1;
      const message = (e instanceof Error ? e.message : String(e)).split('\n')[0]!;
      diagnostics.push({
        level: 'error',
        code: 'toml.syntax',
        message: isRecord ? `package record at line ${start + 1} skipped: ${message}` : message,
        location: { file, line, ...(e instanceof TomlError ? { column: e.column } : {}) },
      });
    }
  });
  if (!failed) {
    diagnostics.push({
      level: 'error',
      code: 'toml.syntax',
      message: whole.message.split('\n')[0]!,
      location: { file, line: whole.line, column: whole.column },
    });
  }
  return { root, records, diagnostics };
}
