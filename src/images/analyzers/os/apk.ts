/**
 * apk installed database `lib/apk/db/installed` (Alpine, Wolfi, Chainguard).
 *
 * Specification: https://wiki.alpinelinux.org/wiki/Apk_spec ("Installed Database"): one
 * `X:value` line per field, a blank line between packages. Fields read: `P` name, `V` version,
 * `A` architecture, `o` origin (the source package: Alpine's advisories and OSV records name it),
 * `L` license. Other fields (`F`/`R` file lists, `Z` checksums, `D` dependencies...) are skipped.
 *
 * purl (purl-spec apk type): `pkg:apk/<alpine|wolfi|chainguard>/<name>@<version>?arch=..&distro=..`.
 */
import type { Collected, Diagnostic, Ecosystem, OsRelease, Package } from '#core';
import type { AnalyzeContext, Analyzer, FileInput } from '../../analyzer.ts';
import { osPurl, purlDistro } from '../../os/distro.ts';

const APK_FAMILIES = new Set(['alpine', 'wolfi', 'chainguard']);

function target(os: OsRelease | undefined): { ecosystem: Ecosystem; namespace: string; distro?: string } {
  if (os && APK_FAMILIES.has(os.family)) {
    return { ecosystem: os.ecosystem, namespace: os.family, distro: purlDistro(os) };
  }
  return { ecosystem: 'Alpine', namespace: 'alpine' };
}

interface ApkRecord {
  readonly line: number;
  readonly fields: Map<string, string>;
}

export const apkAnalyzer: Analyzer = {
  id: 'os/apk',
  version: 1,
  kind: 'os',
  maxFileBytes: 64 * 1024 * 1024,
  matches(path: string): boolean {
    return path === 'lib/apk/db/installed';
  },
  async analyze(file: FileInput, ctx: AnalyzeContext): Promise<Collected<Package[]>> {
    const diagnostics: Diagnostic[] = [];
    const records: ApkRecord[] = [];
    let current: ApkRecord | undefined;
    const lines = (await file.read()).toString('utf8').split('\n');
    lines.forEach((raw, index) => {
      const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      if (line.trim() === '') {
        current = undefined;
        return;
      }
      if (line.length < 2 || line[1] !== ':') {
        diagnostics.push({
          level: 'warning',
          code: 'apk.syntax',
          message: `not an "X:value" line: ${line.slice(0, 80)}`,
          location: { file: file.path, line: index + 1 },
        });
        return;
      }
      if (!current) {
        current = { line: index + 1, fields: new Map() };
        records.push(current);
      }
      const key = line[0] as string;
      // File lists repeat F/R; only the first value of the single-valued fields matters.
      if (!current.fields.has(key)) {
        current.fields.set(key, line.slice(2));
      }
    });

    const { ecosystem, namespace, distro } = target(ctx.os);
    const packages: Package[] = [];
    for (const record of records) {
      const name = record.fields.get('P');
      const version = record.fields.get('V');
      if (!name || !version) {
        const missing = [name ? undefined : 'P (name)', version ? undefined : 'V (version)'].filter(Boolean);
        diagnostics.push({
          level: 'warning',
          code: 'apk.missing-field',
          message: `package${name ? ` ${name}` : ''} has no ${missing.join(' and ')}`,
          location: { file: file.path, line: record.line },
        });
        continue;
      }
      const arch = record.fields.get('A');
      const origin = record.fields.get('o');
      const license = record.fields.get('L');
      packages.push({
        name,
        version,
        ecosystem,
        purl: osPurl('apk', namespace, name, version, { arch, distro }),
        kind: 'os',
        analyzer: 'os/apk',
        location: { path: file.path, line: record.line, ...(file.layer ? { layer: file.layer } : {}) },
        sourceName: origin || name,
        ...(arch ? { arch } : {}),
        ...(license ? { licenses: [license] } : {}),
      });
    }
    return { value: packages, diagnostics };
  },
};
