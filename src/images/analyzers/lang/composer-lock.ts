/**
 * composer.lock (Composer's lockfile; JSON).
 * Format: https://getcomposer.org/doc/01-basic-usage.md#commit-your-composer-lock-file-to-version-control
 * and the package schema, https://getcomposer.org/doc/04-schema.md (fields read: `packages` and
 * `packages-dev` arrays of `{ "name": "vendor/name", "version": "...", "license": [...] }`).
 *
 * Versions: tags are often written with a leading `v` (`v5.4.2`). Packagist advisories (and OSV's
 * Packagist ranges) compare the normalised version without it, so a `v` followed by a digit is
 * stripped. Branch versions (`dev-main`, `2.x-dev`) are not releases and are skipped with an info
 * diagnostic. `packages-dev` packages are dev-only.
 */
import type { Collected, Diagnostic, Package } from '#core';
import type { AnalyzeContext, Analyzer, FileInput } from '../../analyzer.ts';
import {
  asArray,
  asObject,
  decodeText,
  diag,
  jsonErrorDiagnostic,
  location,
  parseJsonLocated,
  purl,
} from './npm-lock.ts';

const ID = 'lang/composer-lock';

export const composerLockAnalyzer: Analyzer = {
  id: ID,
  version: 1,
  kind: 'lang',
  ecosystem: 'Packagist',
  maxFileBytes: 64 * 1024 * 1024,
  matches(path: string): boolean {
    return /(?:^|\/)composer\.lock$/.test(path) && !/(?:^|\/)vendor\//.test(path);
  },
  async analyze(file: FileInput, _ctx: AnalyzeContext): Promise<Collected<Package[]>> {
    const doc = parseJsonLocated(decodeText(await file.read()));
    const diagnostics: Diagnostic[] = doc.error ? [jsonErrorDiagnostic(file.path, doc.error)] : [];
    const packages: Package[] = [];
    const root = asObject(doc.value);
    if (!root) {
      if (!doc.error) {
        diagnostics.push(diag('error', 'composer-lock.invalid', 'the lockfile is not a JSON object', file.path, 1));
      }
      return { value: packages, diagnostics };
    }
    for (const section of ['packages', 'packages-dev'] as const) {
      const list = asArray(root[section]);
      list?.forEach((raw, index) => {
        const line = doc.line(list, index);
        const where = `${section}[${index}]`;
        const entry = asObject(raw);
        if (!entry || !doc.complete(entry)) {
          diagnostics.push(
            diag('warning', 'composer-lock.invalid-entry', `${where} is not a complete object`, file.path, line),
          );
          return;
        }
        const { name, version } = entry;
        const parts = typeof name === 'string' ? /^([a-z0-9][\w.-]*)\/([a-z0-9][\w.-]*)$/i.exec(name) : null;
        if (!parts) {
          diagnostics.push(
            diag('warning', 'composer-lock.invalid-name', `${where} has no "vendor/name" name`, file.path, line),
          );
          return;
        }
        if (typeof version !== 'string' || version === '') {
          diagnostics.push(
            diag('warning', 'composer-lock.no-version', `${where} (${name}) has no version`, file.path, line),
          );
          return;
        }
        if (/^dev-|-dev$/.test(version)) {
          diagnostics.push(
            diag(
              'info',
              'composer-lock.branch',
              `${where} (${name}) is the branch "${version}", not a release`,
              file.path,
              line,
            ),
          );
          return;
        }
        const plain = /^v\d/i.test(version) ? version.slice(1) : version;
        const licenses = (asArray(entry.license) ?? (typeof entry.license === 'string' ? [entry.license] : [])).filter(
          (l): l is string => typeof l === 'string' && l !== '',
        );
        packages.push({
          name: (name as string).toLowerCase(),
          version: plain,
          ecosystem: 'Packagist',
          purl: purl('composer', parts[1]!.toLowerCase(), parts[2]!.toLowerCase(), plain),
          kind: 'lang',
          analyzer: ID,
          location: location(file, line),
          ...(licenses.length > 0 ? { licenses } : {}),
          ...(section === 'packages-dev' ? { dev: true } : {}),
        });
      });
    }
    return { value: packages, diagnostics };
  },
};
