/**
 * Paths of the built-in rule pack's files, for detect() and `palisade rules`. Without `dir` this is
 * the pack's own list (src/threats/rules/index.ts). With `dir` (tests, other packs) it is every
 * `*.yaml` / `*.yml` in that directory, sorted by name; a missing directory yields no files.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { builtinRuleFiles } from './rules/index.ts';

export function builtinRulePaths(dir?: string): string[] {
  if (dir === undefined) return builtinRuleFiles();
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw err;
  }
  return names
    .filter((n) => n.endsWith('.yaml') || n.endsWith('.yml'))
    .sort()
    .map((n) => join(dir, n));
}
