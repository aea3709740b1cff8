/**
 * defineRegistry validates a list of pluggable units once, at load, and freezes it.
 * A registry that does not validate is a programming error: it throws with every problem listed.
 */
export interface RegistryItem {
  readonly id: string;
  readonly slug: string;
  readonly aliases?: readonly string[];
}

export interface Registry<T extends { readonly meta: RegistryItem }> {
  readonly items: readonly T[];
  /** Look up by id, slug or alias. */
  get(idOrSlug: string): T | undefined;
}

export interface RegistryRules<T> {
  readonly name: string;
  readonly idPattern: RegExp;
  /** Extra per-item validation; return problems as sentences. */
  readonly validate?: (item: T) => readonly string[];
}

export function defineRegistry<T extends { readonly meta: RegistryItem }>(
  items: readonly T[],
  rules: RegistryRules<T>,
): Registry<T> {
  const problems: string[] = [];
  const byKey = new Map<string, T>();
  for (const item of items) {
    const { id, slug, aliases = [] } = item.meta;
    if (!rules.idPattern.test(id)) {
      problems.push(`${rules.name}: id "${id}" does not match ${rules.idPattern}`);
    }
    if (!/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(slug)) {
      problems.push(`${rules.name}: slug "${slug}" of ${id} is not kebab-case`);
    }
    for (const key of [id, slug, ...aliases]) {
      const other = byKey.get(key);
      if (other && other !== item) {
        problems.push(`${rules.name}: "${key}" is used by both ${other.meta.id} and ${id}`);
      }
      byKey.set(key, item);
    }
    for (const problem of rules.validate?.(item) ?? []) {
      problems.push(`${rules.name}: ${id}: ${problem}`);
    }
  }
  if (problems.length > 0) {
    throw new Error(`invalid ${rules.name} registry:\n  ${problems.join('\n  ')}`);
  }
  const sorted = Object.freeze([...items].sort((a, b) => (a.meta.id < b.meta.id ? -1 : a.meta.id > b.meta.id ? 1 : 0)));
  return {
    items: sorted,
    get: (key) => byKey.get(key),
  };
}
