/**
 * NuGet lock files (`packages.lock.json`), written by `dotnet restore` with
 * `RestorePackagesWithLockFile`.
 *
 * Format: https://learn.microsoft.com/en-us/nuget/consume-packages/package-references-in-project-files#locking-dependencies
 * and the file the NuGet client writes (NuGet.ProjectModel `PackagesLockFileFormat`):
 *
 *   { "version": 1 | 2,
 *     "dependencies": {
 *       "<target framework>[/<runtime id>]": {
 *         "<package id>": { "type": "Direct" | "Transitive" | "CentralTransitive" | "Project",
 *                           "requested": "[1.0.0, )", "resolved": "1.0.0", "contentHash": "...",
 *                           "dependencies": { ... } } } } }
 *
 * Every entry but `Project` (another project of the same solution) is a NuGet package at its
 * `resolved` version. The same package appears once per target framework: it is reported once per
 * distinct version, at its first line.
 */
import { PackageURL } from 'packageurl-js';
import type { Collected, Diagnostic, Package } from '#core';
import type { Analyzer, FileInput } from '../../analyzer.ts';
import { type JsonNode, member, parseJsonWithLines, stringMember } from './lib/dotnet-json.ts';

const ID = 'lang/nuget-lock';
const PACKAGE_TYPES = new Set(['Direct', 'Transitive', 'CentralTransitive']);

export const nugetLockAnalyzer: Analyzer = {
  id: ID,
  version: 1,
  kind: 'lang',
  ecosystem: 'NuGet',
  maxFileBytes: 50 * 1024 * 1024,

  matches(path: string): boolean {
    return path === 'packages.lock.json' || path.endsWith('/packages.lock.json');
  },

  async analyze(file: FileInput): Promise<Collected<Package[]>> {
    const diagnostics: Diagnostic[] = [];
    const parsed = parseJsonWithLines((await file.read()).toString('utf8'));
    if (!parsed.ok) {
      diagnostics.push({
        level: 'error',
        code: 'nuget-lock.syntax',
        message: `packages.lock.json is not valid JSON: ${parsed.message}`,
        location: { file: file.path, line: parsed.line, column: parsed.column },
      });
      return { value: [], diagnostics };
    }
    const frameworks = member(parsed.value, 'dependencies');
    if (frameworks?.value.kind !== 'object') {
      diagnostics.push({
        level: 'error',
        code: 'nuget-lock.invalid',
        message: 'packages.lock.json has no "dependencies" object',
        location: { file: file.path, line: frameworks?.line ?? parsed.value.line },
      });
      return { value: [], diagnostics };
    }

    const packages: Package[] = [];
    const seen = new Set<string>();
    for (const framework of frameworks.value.entries) {
      if (framework.value.kind !== 'object') {
        diagnostics.push(invalid(file.path, framework.line, `target framework "${framework.key}" is not an object`));
        continue;
      }
      for (const entry of framework.value.entries) {
        const pkg = entryToPackage(file, framework.key, entry.key, entry.line, entry.value, diagnostics);
        if (pkg) {
          const key = `${pkg.name.toLowerCase()}@${pkg.version}`;
          if (!seen.has(key)) {
            seen.add(key);
            packages.push(pkg);
          }
        }
      }
    }
    return { value: packages, diagnostics };
  },
};

function entryToPackage(
  file: FileInput,
  framework: string,
  name: string,
  line: number,
  node: JsonNode,
  diagnostics: Diagnostic[],
): Package | undefined {
  const where = `"${name}" (${framework})`;
  if (node.kind !== 'object') {
    diagnostics.push(invalid(file.path, line, `${where} is not an object`));
    return undefined;
  }
  const type = stringMember(node, 'type');
  if (type === 'Project') {
    return undefined;
  }
  if (type !== undefined && !PACKAGE_TYPES.has(type)) {
    diagnostics.push({
      level: 'warning',
      code: 'nuget-lock.unknown-type',
      message: `${where} has unknown type "${type}"; read as a package`,
      location: { file: file.path, line },
    });
  }
  const version = stringMember(node, 'resolved');
  if (name.trim() === '' || !version || version.trim() === '') {
    diagnostics.push(invalid(file.path, line, `${where} has no ${name.trim() === '' ? 'name' : '"resolved" version'}`));
    return undefined;
  }
  const purl = nugetPurl(name, version);
  if (purl.startsWith('!')) {
    diagnostics.push(invalid(file.path, line, `${where}: ${purl.slice(1)}`));
    return undefined;
  }
  return {
    name,
    version,
    ecosystem: 'NuGet',
    purl,
    kind: 'lang',
    analyzer: ID,
    location: file.layer ? { path: file.path, line, layer: file.layer } : { path: file.path, line },
  };
}

/** `pkg:nuget/<name>@<version>`, or `!` and the reason it cannot be written. */
export function nugetPurl(name: string, version: string): string {
  try {
    return new PackageURL('nuget', undefined, name, version, undefined, undefined).toString();
  } catch (error) {
    return `!cannot be written as a purl: ${error instanceof Error ? error.message : String(error)}`;
  }
}

function invalid(file: string, line: number, message: string): Diagnostic {
  return { level: 'error', code: 'nuget-lock.invalid-entry', message, location: { file, line } };
}
