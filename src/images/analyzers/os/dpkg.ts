/**
 * dpkg package database (Debian, Ubuntu, and Google distroless).
 *
 * Specifications: the status file is a sequence of deb822 control stanzas
 * (https://manpages.debian.org/bookworm/dpkg-dev/deb822.5.en.html, fields in
 * https://www.debian.org/doc/debian-policy/ch-controlfields.html): `Field: value` lines, a line
 * starting with a space or tab continues the previous field, blank lines separate stanzas.
 * `Status: <want> <flag> <status>` (dpkg-query(1)); `Source: name [(version)]` (policy 5.6.1).
 *
 * - `var/lib/dpkg/status`: one stanza per package known to dpkg. Kept: packages whose status says
 *   their files are on disk and configured: `installed`, or `triggers-awaited`/`triggers-pending`
 *   (installed, with trigger processing outstanding). Removed (`config-files`, `not-installed`) and
 *   half-done (`unpacked`, `half-installed`, `half-configured`) packages are skipped.
 * - `var/lib/dpkg/status.d/<name>`: distroless writes one stanza per file there, without `Status:`,
 *   for installed packages; `<name>.md5sums` files beside them are file lists, not stanzas.
 * - version keeps the epoch (`1:2.38.1-5`), as dpkg compares it. purl (purl-spec deb type):
 *   `pkg:deb/<debian|ubuntu>/<name>@<version>?arch=<arch>&distro=<id>-<release>`, built by
 *   packageurl-js, which leaves `:` unencoded as the purl specification requires ("the colon ':'
 *   shall not be percent-encoded whether used as a separator or otherwise"), and keeps `+` too.
 * - sourceName is always set (the package name when there is no `Source:`, as dpkg-query's
 *   `${source:Package}`); sourceVersion only when `Source:` gives a version that differs.
 */
import type { Collected, Diagnostic, Ecosystem, OsRelease, Package } from '#core';
import type { AnalyzeContext, Analyzer, FileInput } from '../../analyzer.ts';
import { osPurl, purlDistro } from '../../os/distro.ts';

const STATUS = 'var/lib/dpkg/status';
const STATUS_D = 'var/lib/dpkg/status.d/';
const INSTALLED = new Set(['installed', 'triggers-awaited', 'triggers-pending']);

interface Stanza {
  readonly line: number;
  readonly fields: ReadonlyMap<string, string>;
}

/** Splits deb822 text into stanzas (field names lower-cased), reporting lines that are neither. */
export function parseStanzas(text: string, file: string, diagnostics: Diagnostic[]): Stanza[] {
  const stanzas: Stanza[] = [];
  let fields: Map<string, string> | undefined;
  let start = 0;
  let last: string | undefined;
  const lines = text.split('\n');
  lines.forEach((raw, index) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const number = index + 1;
    if (line.trim() === '') {
      if (fields) {
        stanzas.push({ line: start, fields });
      }
      fields = undefined;
      last = undefined;
      return;
    }
    if (line.startsWith(' ') || line.startsWith('\t')) {
      if (fields && last !== undefined) {
        fields.set(last, `${fields.get(last) ?? ''}\n${line.trim()}`);
      } else {
        diagnostics.push(syntax(file, number, 'continuation line outside a field'));
      }
      return;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) {
      diagnostics.push(syntax(file, number, `not a "Field: value" line: ${line.slice(0, 80)}`));
      return;
    }
    if (!fields) {
      fields = new Map();
      start = number;
    }
    last = line.slice(0, colon).trim().toLowerCase();
    fields.set(last, line.slice(colon + 1).trim());
  });
  if (fields) {
    stanzas.push({ line: start, fields });
  }
  return stanzas;
}

function syntax(file: string, line: number, message: string): Diagnostic {
  return { level: 'warning', code: 'dpkg.syntax', message, location: { file, line } };
}

function target(os: OsRelease | undefined): { ecosystem: Ecosystem; namespace: string; distro?: string } {
  if (os && (os.family === 'debian' || os.family === 'ubuntu')) {
    return { ecosystem: os.ecosystem, namespace: os.family, distro: purlDistro(os) };
  }
  return { ecosystem: 'Debian', namespace: 'debian' };
}

export const dpkgAnalyzer: Analyzer = {
  id: 'os/dpkg',
  version: 1,
  kind: 'os',
  maxFileBytes: 64 * 1024 * 1024,
  matches(path: string): boolean {
    if (path === STATUS) {
      return true;
    }
    if (!path.startsWith(STATUS_D)) {
      return false;
    }
    const name = path.slice(STATUS_D.length);
    return name !== '' && !name.includes('/') && !name.startsWith('.') && !name.endsWith('.md5sums');
  },
  async analyze(file: FileInput, ctx: AnalyzeContext): Promise<Collected<Package[]>> {
    const diagnostics: Diagnostic[] = [];
    const text = (await file.read()).toString('utf8');
    const perPackageFile = file.path !== STATUS;
    const { ecosystem, namespace, distro } = target(ctx.os);
    const packages: Package[] = [];
    for (const stanza of parseStanzas(text, file.path, diagnostics)) {
      const f = stanza.fields;
      const status = f.get('status');
      if (status !== undefined) {
        const words = status.split(/\s+/);
        if (words.length !== 3) {
          diagnostics.push({
            level: 'warning',
            code: 'dpkg.invalid-field',
            message: `package ${f.get('package') ?? '?'}: Status "${status}" is not "<want> <flag> <status>"`,
            location: { file: file.path, line: stanza.line },
          });
          continue;
        }
        if (!INSTALLED.has(words[2] as string)) {
          continue;
        }
      } else if (!perPackageFile) {
        diagnostics.push({
          level: 'warning',
          code: 'dpkg.missing-field',
          message: `stanza of package ${f.get('package') ?? '?'} has no Status field`,
          location: { file: file.path, line: stanza.line },
        });
        continue;
      }
      const name = f.get('package');
      const version = f.get('version');
      if (!name || !version) {
        const missing = [name ? undefined : 'Package', version ? undefined : 'Version'].filter(Boolean).join(' and ');
        diagnostics.push({
          level: 'warning',
          code: 'dpkg.missing-field',
          message: `stanza${name ? ` of package ${name}` : ''} has no ${missing}`,
          location: { file: file.path, line: stanza.line },
        });
        continue;
      }
      const arch = f.get('architecture');
      let sourceName = name;
      let sourceVersion: string | undefined;
      const source = f.get('source');
      if (source) {
        const match = /^(\S+)(?:\s+\(([^)]+)\))?$/.exec(source);
        if (match) {
          sourceName = match[1] as string;
          sourceVersion = match[2]?.trim();
        } else {
          diagnostics.push({
            level: 'warning',
            code: 'dpkg.invalid-field',
            message: `package ${name}: Source "${source}" is not "name [(version)]"`,
            location: { file: file.path, line: stanza.line },
          });
        }
      }
      packages.push({
        name,
        version,
        ecosystem,
        purl: osPurl('deb', namespace, name, version, { arch, distro }),
        kind: 'os',
        analyzer: 'os/dpkg',
        location: { path: file.path, line: stanza.line, ...(file.layer ? { layer: file.layer } : {}) },
        sourceName,
        ...(sourceVersion && sourceVersion !== version ? { sourceVersion } : {}),
        ...(arch ? { arch } : {}),
      });
    }
    return { value: packages, diagnostics };
  },
};
