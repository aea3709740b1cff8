/**
 * Installed npm packages: `node_modules/<name>/package.json` and `node_modules/@scope/<name>/package.json`,
 * at any depth (nested node_modules, pnpm's `node_modules/.pnpm/<id>/node_modules/<name>`).
 * Specification: https://docs.npmjs.com/cli/v10/configuring-npm/package-json (name, version, license).
 *
 * package.json files outside node_modules are projects, not installed packages, and do not match.
 * A package.json under node_modules without a name or version (test fixtures shipped inside a
 * package) is reported at info level and skipped. Licenses: `license` as a string (SPDX expression)
 * or the deprecated `{ "type": ... }` object, and the deprecated `licenses` array.
 */

import semver from 'semver';
import type { Collected, Diagnostic, Package } from '#core';
import type { AnalyzeContext, Analyzer, FileInput } from '../../analyzer.ts';
import {
  asArray,
  asObject,
  decodeText,
  diag,
  isPackageName,
  type JsonValue,
  jsonErrorDiagnostic,
  npmPackage,
  parseJsonLocated,
} from './npm-lock.ts';

const ID = 'lang/node-modules';

export const nodeModulesAnalyzer: Analyzer = {
  id: ID,
  version: 1,
  kind: 'lang',
  ecosystem: 'npm',
  maxFileBytes: 4 * 1024 * 1024,
  matches(path: string): boolean {
    return /(?:^|\/)node_modules\/(?:@[^/]+\/)?[^/@.][^/]*\/package\.json$/.test(path);
  },
  async analyze(file: FileInput, _ctx: AnalyzeContext): Promise<Collected<Package[]>> {
    const doc = parseJsonLocated(decodeText(await file.read()));
    const diagnostics: Diagnostic[] = [];
    if (doc.error) {
      return { value: [], diagnostics: [jsonErrorDiagnostic(file.path, doc.error)] };
    }
    const manifest = asObject(doc.value);
    if (!manifest) {
      return { value: [], diagnostics: [diag('info', 'node-modules.not-object', 'not a JSON object', file.path, 1)] };
    }
    const { name, version } = manifest;
    if (typeof name !== 'string' || typeof version !== 'string' || name === '' || version === '') {
      diagnostics.push(
        diag('info', 'node-modules.no-version', 'package.json without a name and version: not a package', file.path, 1),
      );
      return { value: [], diagnostics };
    }
    const line = doc.line(manifest, 'name');
    if (!isPackageName(name)) {
      diagnostics.push(diag('warning', 'node-modules.invalid-name', `invalid package name "${name}"`, file.path, line));
      return { value: [], diagnostics };
    }
    if (!semver.valid(version)) {
      diagnostics.push(
        diag('warning', 'node-modules.invalid-version', `"${version}" is not a semver version`, file.path, line),
      );
      return { value: [], diagnostics };
    }
    const licenses = readLicenses(manifest.license, manifest.licenses);
    const found = npmPackage(ID, file, name, version, line);
    const pkg: Package = licenses.length > 0 ? { ...found, licenses } : found;
    return { value: [pkg], diagnostics };
  },
};

function readLicenses(license: JsonValue | undefined, legacy: JsonValue | undefined): string[] {
  const out: string[] = [];
  const push = (value: JsonValue | undefined): void => {
    const text = typeof value === 'string' ? value : asObject(value)?.type;
    if (typeof text === 'string' && text.trim() !== '' && !out.includes(text.trim())) {
      out.push(text.trim());
    }
  };
  push(license);
  for (const item of asArray(legacy) ?? []) {
    push(item);
  }
  return out;
}
