/**
 * Glob patterns for names: '*' matches any run of characters (including none), '?' one character.
 * Everything else is literal. Compiled once per pattern.
 */
const cache = new Map<string, RegExp>();

export function globToRegExp(pattern: string): RegExp {
  let re = cache.get(pattern);
  if (!re) {
    const body = pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.');
    re = new RegExp(`^${body}$`);
    cache.set(pattern, re);
  }
  return re;
}

export function matchesGlob(value: string, pattern: string): boolean {
  return globToRegExp(pattern).test(value);
}

export function matchesAnyGlob(value: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => matchesGlob(value, p));
}
