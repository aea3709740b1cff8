/**
 * Every analyzer, OS package databases first. The registry validates itself at load: ids are
 * unique and equal `<os|lang>/<file slug>`, and each analyzer's kind equals its folder.
 */
import type { Analyzer } from '../analyzer.ts';
import { LANG_ANALYZERS } from './lang/index.ts';
import { OS_ANALYZERS } from './os/index.ts';

function validate(list: readonly Analyzer[]): readonly Analyzer[] {
  const seen = new Set<string>();
  for (const analyzer of list) {
    if (seen.has(analyzer.id)) {
      throw new Error(`analyzer id "${analyzer.id}" is registered twice`);
    }
    seen.add(analyzer.id);
    if (!/^(os|lang)\/[a-z0-9]+(-[a-z0-9]+)*$/.test(analyzer.id) || !analyzer.id.startsWith(`${analyzer.kind}/`)) {
      throw new Error(`analyzer id "${analyzer.id}" must be "${analyzer.kind}/<slug>"`);
    }
    if (!(analyzer.maxFileBytes > 0)) {
      throw new Error(`analyzer "${analyzer.id}" needs a positive maxFileBytes`);
    }
  }
  return list;
}

export const ANALYZERS: readonly Analyzer[] = validate([...OS_ANALYZERS, ...LANG_ANALYZERS]);

export { LANG_ANALYZERS, OS_ANALYZERS };
