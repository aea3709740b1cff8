/**
 * The built-in threat rule pack: YAML rule files (lists, macros, rules) in this folder, loaded by
 * the CLI before user rule files so users can extend lists and override rules.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Absolute path of the folder holding the built-in rule files. */
export const BUILTIN_RULE_DIR: string = fileURLToPath(new URL('.', import.meta.url));

/** Absolute paths of the built-in rule files (`*.yaml`), sorted by name. */
export function builtinRuleFiles(): string[] {
  return readdirSync(BUILTIN_RULE_DIR, { withFileTypes: true })
    .filter((d) => d.isFile() && d.name.endsWith('.yaml'))
    .map((d) => join(BUILTIN_RULE_DIR, d.name))
    .sort();
}
