/**
 * .NET dependency manifests (`<app>.deps.json`), written next to every built .NET (Core) app and
 * read by the host to resolve assemblies.
 *
 * Format: https://github.com/dotnet/sdk/blob/main/documentation/specs/runtime-configuration-file.md
 * (section "*.deps.json"):
 *
 *   { "runtimeTarget": { "name": ".NETCoreApp,Version=v8.0" },
 *     "targets": { "<framework>[/<rid>]": { "<name>/<version>": { "dependencies": {...}, "runtime": {...} } } },
 *     "libraries": { "<name>/<version>": { "type": "package" | "project" | "reference" | ...,
 *                                          "serviceable": true, "sha512": "...", "path": "..." } } }
 *
 * `libraries` says what each `<name>/<version>` is: only `type: "package"` entries are NuGet
 * packages (`project` is the app or another project of its solution, `reference` an assembly
 * referenced by path, `runtimepack` the runtime of a self-contained app). A target entry without a
 * library entry is read with its own `type`, when it has one. Packages are located at the line of
 * their `libraries` key.
 */
import type { Collected, Diagnostic, Package } from '#core';
import type { Analyzer, FileInput } from '../../analyzer.ts';
import { type JsonEntry, member, parseJsonWithLines, stringMember } from './lib/dotnet-json.ts';
import { nugetPurl } from './nuget-lock.ts';

const ID = 'lang/dotnet-deps';

export const dotnetDepsAnalyzer: Analyzer = {
  id: ID,
  version: 1,
  kind: 'lang',
  ecosystem: 'NuGet',
  maxFileBytes: 50 * 1024 * 1024,

  matches(path: string): boolean {
    const base = path.slice(path.lastIndexOf('/') + 1);
    return base.length > '.deps.json'.length && base.endsWith('.deps.json');
  },

  async analyze(file: FileInput): Promise<Collected<Package[]>> {
    const diagnostics: Diagnostic[] = [];
    const parsed = parseJsonWithLines((await file.read()).toString('utf8'));
    if (!parsed.ok) {
      diagnostics.push({
        level: 'error',
        code: 'dotnet-deps.syntax',
        message: `deps.json is not valid JSON: ${parsed.message}`,
        location: { file: file.path, line: parsed.line, column: parsed.column },
      });
      return { value: [], diagnostics };
    }
    const root = parsed.value;
    const libraries = member(root, 'libraries');
    const targets = member(root, 'targets');
    if (libraries?.value.kind !== 'object' && targets?.value.kind !== 'object') {
      diagnostics.push({
        level: 'error',
        code: 'dotnet-deps.invalid',
        message: 'deps.json has neither a "libraries" nor a "targets" object',
        location: { file: file.path, line: root.line },
      });
      return { value: [], diagnostics };
    }

    // Each `<name>/<version>` once, with its type: libraries first, then target-only entries.
    const records = new Map<string, { entry: JsonEntry; type: string | undefined }>();
    if (libraries?.value.kind === 'object') {
      for (const entry of libraries.value.entries) {
        if (entry.value.kind !== 'object') {
          diagnostics.push(invalid(file.path, entry.line, `library "${entry.key}" is not an object`));
          continue;
        }
        records.set(entry.key, { entry, type: stringMember(entry.value, 'type') });
      }
    }
    if (targets?.value.kind === 'object') {
      for (const target of targets.value.entries) {
        if (target.value.kind !== 'object') {
          diagnostics.push(invalid(file.path, target.line, `target "${target.key}" is not an object`));
          continue;
        }
        for (const entry of target.value.entries) {
          if (!records.has(entry.key)) {
            records.set(entry.key, { entry, type: stringMember(entry.value, 'type') });
          }
        }
      }
    }

    const packages: Package[] = [];
    for (const { entry, type } of records.values()) {
      if (type !== 'package') {
        if (type === undefined) {
          diagnostics.push({
            level: 'info',
            code: 'dotnet-deps.no-type',
            message: `"${entry.key}" has no library type; not reported as a package`,
            location: { file: file.path, line: entry.line },
          });
        }
        continue;
      }
      const slash = entry.key.lastIndexOf('/');
      const name = slash > 0 ? entry.key.slice(0, slash).trim() : '';
      const version = slash > 0 ? entry.key.slice(slash + 1).trim() : '';
      if (name === '' || version === '') {
        diagnostics.push(invalid(file.path, entry.line, `library "${entry.key}" is not "<name>/<version>"`));
        continue;
      }
      const purl = nugetPurl(name, version);
      if (purl.startsWith('!')) {
        diagnostics.push(invalid(file.path, entry.line, `library "${entry.key}": ${purl.slice(1)}`));
        continue;
      }
      packages.push({
        name,
        version,
        ecosystem: 'NuGet',
        purl,
        kind: 'lang',
        analyzer: ID,
        location: file.layer
          ? { path: file.path, line: entry.line, layer: file.layer }
          : { path: file.path, line: entry.line },
      });
    }
    return { value: packages, diagnostics };
  },
};

function invalid(file: string, line: number, message: string): Diagnostic {
  return { level: 'error', code: 'dotnet-deps.invalid-entry', message, location: { file, line } };
}
