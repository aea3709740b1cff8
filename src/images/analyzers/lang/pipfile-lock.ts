/**
 * Pipfile.lock (Pipenv's lockfile; JSON).
 * Format: https://pipenv.pypa.io/en/latest/pipfile.html and https://github.com/pypa/pipfile
 * (fields read: the `default` and `develop` objects, name → `{ "version": "==1.2.3", ... }`).
 *
 * `develop` packages are dev-only; a package in both sections is reported once, from `default`.
 * Entries without a version (VCS or path dependencies: `git`, `path`, `file`, `editable`) have no
 * version to match and are skipped with an info diagnostic.
 */
import type { Collected, Diagnostic, Package } from '#core';
import type { AnalyzeContext, Analyzer, FileInput } from '../../analyzer.ts';
import { asObject, decodeText, diag, jsonErrorDiagnostic, parseJsonLocated } from './npm-lock.ts';
import { isPypiName, normalizePypiName, pypiPackage } from './python-dist.ts';

const ID = 'lang/pipfile-lock';

export const pipfileLockAnalyzer: Analyzer = {
  id: ID,
  version: 1,
  kind: 'lang',
  ecosystem: 'PyPI',
  maxFileBytes: 64 * 1024 * 1024,
  matches(path: string): boolean {
    return /(?:^|\/)Pipfile\.lock$/.test(path);
  },
  async analyze(file: FileInput, _ctx: AnalyzeContext): Promise<Collected<Package[]>> {
    const doc = parseJsonLocated(decodeText(await file.read()));
    const diagnostics: Diagnostic[] = doc.error ? [jsonErrorDiagnostic(file.path, doc.error)] : [];
    const packages: Package[] = [];
    const root = asObject(doc.value);
    if (!root) {
      if (!doc.error) {
        diagnostics.push(diag('error', 'pipfile-lock.invalid', 'the lockfile is not a JSON object', file.path, 1));
      }
      return { value: packages, diagnostics };
    }
    const seen = new Set<string>();
    for (const section of ['default', 'develop'] as const) {
      const deps = asObject(root[section]);
      for (const [name, raw] of Object.entries(deps ?? {})) {
        const line = doc.line(deps!, name);
        const entry = asObject(raw);
        if (!entry || !doc.complete(entry)) {
          diagnostics.push(
            diag(
              'warning',
              'pipfile-lock.invalid-entry',
              `${section}: "${name}" is not a complete object`,
              file.path,
              line,
            ),
          );
          continue;
        }
        if (!isPypiName(name)) {
          diagnostics.push(
            diag('warning', 'pipfile-lock.invalid-name', `${section}: invalid name "${name}"`, file.path, line),
          );
          continue;
        }
        const version = entry.version;
        if (version === undefined) {
          diagnostics.push(
            diag(
              'info',
              'pipfile-lock.no-version',
              `${section}: "${name}" has no version to match (VCS or path dependency)`,
              file.path,
              line,
            ),
          );
          continue;
        }
        const pin = typeof version === 'string' ? /^===?\s*(\S+)$/.exec(version.trim()) : null;
        if (!pin) {
          diagnostics.push(
            diag(
              'warning',
              'pipfile-lock.invalid-version',
              `${section}: "${name}" has version ${JSON.stringify(version)}, not "==x"`,
              file.path,
              line,
            ),
          );
          continue;
        }
        const key = normalizePypiName(name);
        if (seen.has(key)) {
          continue;
        }
        seen.add(key);
        packages.push(pypiPackage(ID, file, name, pin[1]!, line, section === 'develop'));
      }
    }
    return { value: packages, diagnostics };
  },
};
