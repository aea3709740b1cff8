/**
 * Cargo.lock (TOML, https://toml.io/en/v1.0.0).
 * Format: https://doc.rust-lang.org/cargo/guide/cargo-toml-vs-cargo-lock.html and Cargo's
 * `EncodableResolve` (no formal specification; the fields read are `[[package]]` `name`, `version`
 * and `source`). Version 1 files keep checksums apart in `[metadata]`
 * (`"checksum name version (source)" = "..."`); versions 2 to 4 inline them as `checksum`. Neither
 * is needed to name a package.
 *
 * Packages without a `source` are the workspace's own crates (the root crate, path dependencies):
 * they are not published versions, so they are skipped silently. Packages from git or other
 * registries are kept (their `source` says where from). Cargo.lock does not record dev-only crates.
 */

import semver from 'semver';
import type { Collected, Package } from '#core';
import type { AnalyzeContext, Analyzer, FileInput } from '../../analyzer.ts';
import { decodeText, diag, location, purl } from './npm-lock.ts';
import { readTomlPackages } from './poetry-lock.ts';

const ID = 'lang/cargo-lock';

export const cargoLockAnalyzer: Analyzer = {
  id: ID,
  version: 1,
  kind: 'lang',
  ecosystem: 'crates.io',
  maxFileBytes: 64 * 1024 * 1024,
  matches(path: string): boolean {
    return /(?:^|\/)Cargo\.lock$/.test(path);
  },
  async analyze(file: FileInput, _ctx: AnalyzeContext): Promise<Collected<Package[]>> {
    const { records, diagnostics } = readTomlPackages(decodeText(await file.read()), file.path);
    const packages: Package[] = [];
    for (const { table, line } of records) {
      const { name, version, source } = table;
      if (source === undefined) {
        continue; // a local crate
      }
      if (typeof name !== 'string' || !/^[A-Za-z0-9_-]+$/.test(name)) {
        diagnostics.push(diag('warning', 'cargo-lock.invalid-name', 'package without a valid name', file.path, line));
        continue;
      }
      if (typeof version !== 'string' || !semver.valid(version)) {
        diagnostics.push(
          diag('warning', 'cargo-lock.no-version', `package "${name}" has no valid version`, file.path, line),
        );
        continue;
      }
      packages.push({
        name,
        version,
        ecosystem: 'crates.io',
        purl: purl('cargo', undefined, name, version),
        kind: 'lang',
        analyzer: ID,
        location: location(file, line),
      });
    }
    return { value: packages, diagnostics };
  },
};
