/**
 * The Kubernetes CEL libraries that admission policies commonly call, added to a cel-js
 * Environment. Semantics follow https://kubernetes.io/docs/reference/using-api/cel/:
 * - strings (cel-go ext, as Kubernetes enables it): cel-js already has lowerAscii, upperAscii,
 *   split, join, trim, substring, indexOf and lastIndexOf; added here: replace (all, or the first
 *   n), charAt and reverse (by code point);
 * - regex: `matches` is standard; added `find` (first match or '') and `findAll` (all, or at most n);
 *   patterns run on JavaScript's engine, which accepts RE2's syntax except a few rarely used forms;
 * - lists: isSorted, sum, min, max (error on an empty list), indexOf, lastIndexOf;
 * - url: url(), isURL() and the URL getters (see url.ts);
 * - quantity: quantity(), isQuantity() and sign, isInteger, asInteger, asApproximateFloat, add,
 *   sub (a quantity or an int), compareTo, isLessThan, isGreaterThan, and == (exact, so
 *   quantity("1") == quantity("1000m")).
 * Not provided: the authorizer, sets, ip/cidr, semver and format libraries, strings.quote and
 * string.format.
 */
import type { Environment } from '@marcbachmann/cel-js';
import { isQuantity, parseExactQuantity, Quantity, quantityFromInteger } from './quantity.ts';
import { isUrl, parseUrl, Url } from './url.ts';

/** CEL equality for values from JSON and CEL literals (int and double compare by value). */
export function celEquals(a: unknown, b: unknown): boolean {
  if (a === b) {
    return true;
  }
  if ((typeof a === 'bigint' || typeof a === 'number') && (typeof b === 'bigint' || typeof b === 'number')) {
    return Number(a) === Number(b) && compareValues(a, b) === 0;
  }
  if (a instanceof Quantity && b instanceof Quantity) {
    return a.nanos === b.nanos;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => celEquals(item, b[i]));
  }
  if (a instanceof Map && b instanceof Map) {
    if (a.size !== b.size) {
      return false;
    }
    for (const [key, value] of a) {
      if (!b.has(key) || !celEquals(value, b.get(key))) {
        return false;
      }
    }
    return true;
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a);
    return (
      keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && celEquals(a[key], b[key]))
    );
  }
  return false;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

/** Orders two CEL values of comparable types; throws for values that have no order. */
export function compareValues(a: unknown, b: unknown): number {
  if ((typeof a === 'bigint' || typeof a === 'number') && (typeof b === 'bigint' || typeof b === 'number')) {
    if (typeof a === 'bigint' && typeof b === 'bigint') {
      return a < b ? -1 : a > b ? 1 : 0;
    }
    const x = Number(a);
    const y = Number(b);
    if (Number.isNaN(x) || Number.isNaN(y)) {
      throw new Error('NaN has no order');
    }
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (typeof a === 'string' && typeof b === 'string') {
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (typeof a === 'boolean' && typeof b === 'boolean') {
    return Number(a) - Number(b);
  }
  if (a instanceof Date && b instanceof Date) {
    return a.getTime() - b.getTime();
  }
  if (a instanceof Quantity && b instanceof Quantity) {
    return Number(a.compareTo(b));
  }
  throw new Error(`no ordering between ${typeName(a)} and ${typeName(b)}`);
}

function typeName(value: unknown): string {
  if (value === null) {
    return 'null';
  }
  if (Array.isArray(value)) {
    return 'list';
  }
  if (typeof value === 'bigint') {
    return 'int';
  }
  if (typeof value === 'number') {
    return 'double';
  }
  return typeof value === 'object' ? 'map' : typeof value;
}

function isSorted(list: readonly unknown[]): boolean {
  for (let i = 1; i < list.length; i++) {
    if (compareValues(list[i - 1], list[i]) > 0) {
      return false;
    }
  }
  return true;
}

function extreme(list: readonly unknown[], sign: 1 | -1, name: string): unknown {
  if (list.length === 0) {
    throw new Error(`${name}(): list must not be empty`);
  }
  let best = list[0];
  for (const item of list.slice(1)) {
    if (compareValues(item, best) * sign > 0) {
      best = item;
    }
  }
  return best;
}

function sum(list: readonly unknown[]): unknown {
  if (list.length === 0) {
    return 0n;
  }
  if (list.every((item) => typeof item === 'bigint')) {
    return (list as bigint[]).reduce((a, b) => a + b, 0n);
  }
  if (list.every((item) => typeof item === 'number')) {
    return (list as number[]).reduce((a, b) => a + b, 0);
  }
  throw new Error('sum(): list elements must all be int or all be double');
}

function indexOf(list: readonly unknown[], value: unknown, last: boolean): bigint {
  if (last) {
    for (let i = list.length - 1; i >= 0; i--) {
      if (celEquals(list[i], value)) {
        return BigInt(i);
      }
    }
    return -1n;
  }
  const index = list.findIndex((item) => celEquals(item, value));
  return BigInt(index);
}

function regex(pattern: string): RegExp {
  try {
    return new RegExp(pattern, 'gu');
  } catch {
    throw new Error(`invalid regular expression: ${pattern}`);
  }
}

function findAll(text: string, pattern: string, limit: bigint): string[] {
  if (limit === 0n) {
    return [];
  }
  const out: string[] = [];
  for (const match of text.matchAll(regex(pattern))) {
    out.push(match[0]);
    if (limit > 0n && BigInt(out.length) >= limit) {
      break;
    }
  }
  return out;
}

function replace(text: string, from: string, to: string, limit: bigint): string {
  if (limit < 0n) {
    return text.split(from).join(to);
  }
  let out = text;
  let position = 0;
  for (let n = 0n; n < limit; n++) {
    const at = out.indexOf(from, position);
    if (at < 0) {
      break;
    }
    out = out.slice(0, at) + to + out.slice(at + from.length);
    position = at + to.length + (from === '' ? 1 : 0);
  }
  return out;
}

function charAt(text: string, index: bigint): string {
  const chars = Array.from(text);
  if (index < 0n || index > BigInt(chars.length)) {
    throw new Error(`index out of range: ${index}`);
  }
  return chars[Number(index)] ?? '';
}

function quantity(text: string): Quantity {
  const parsed = parseExactQuantity(text);
  if (!(parsed instanceof Quantity)) {
    throw new Error(parsed.error);
  }
  return parsed;
}

function url(text: string): Url {
  const parsed = parseUrl(text);
  if (!(parsed instanceof Url)) {
    throw new Error(parsed.error);
  }
  return parsed;
}

/** Registers the functions above on an Environment (before any expression is parsed). */
export function registerKubernetesLibrary(env: Environment): Environment {
  env.registerType('Quantity', Quantity);
  env.registerType('URL', Url);

  // strings
  env.registerFunction('string.replace(string, string): string', (s: string, a: string, b: string) =>
    replace(s, a, b, -1n),
  );
  env.registerFunction('string.replace(string, string, int): string', replace);
  env.registerFunction('string.charAt(int): string', charAt);
  env.registerFunction('string.reverse(): string', (s: string) => Array.from(s).reverse().join(''));

  // regex
  env.registerFunction('string.find(string): string', (s: string, p: string) => findAll(s, p, 1n)[0] ?? '');
  env.registerFunction('string.findAll(string): list<string>', (s: string, p: string) => findAll(s, p, -1n));
  env.registerFunction('string.findAll(string, int): list<string>', findAll);

  // lists
  env.registerFunction('list<A>.isSorted(): bool', isSorted);
  env.registerFunction('list<A>.sum(): A', sum);
  env.registerFunction('list<A>.min(): A', (l: unknown[]) => extreme(l, -1, 'min'));
  env.registerFunction('list<A>.max(): A', (l: unknown[]) => extreme(l, 1, 'max'));
  env.registerFunction('list<A>.indexOf(A): int', (l: unknown[], v: unknown) => indexOf(l, v, false));
  env.registerFunction('list<A>.lastIndexOf(A): int', (l: unknown[], v: unknown) => indexOf(l, v, true));

  // url
  env.registerFunction('url(string): URL', url);
  env.registerFunction('isURL(string): bool', isUrl);
  env.registerFunction('URL.getScheme(): string', (u: Url) => u.getScheme());
  env.registerFunction('URL.getHost(): string', (u: Url) => u.getHost());
  env.registerFunction('URL.getHostname(): string', (u: Url) => u.getHostname());
  env.registerFunction('URL.getPort(): string', (u: Url) => u.getPort());
  env.registerFunction('URL.getEscapedPath(): string', (u: Url) => u.getEscapedPath());
  env.registerFunction('URL.getQuery(): map<string, list<string>>', (u: Url) => u.getQuery());

  // quantity
  env.registerFunction('quantity(string): Quantity', quantity);
  env.registerFunction('isQuantity(string): bool', isQuantity);
  env.registerFunction('Quantity.sign(): int', (q: Quantity) => q.sign());
  env.registerFunction('Quantity.isInteger(): bool', (q: Quantity) => q.isInteger());
  env.registerFunction('Quantity.asInteger(): int', (q: Quantity) => q.asInteger());
  env.registerFunction('Quantity.asApproximateFloat(): double', (q: Quantity) => q.asApproximateFloat());
  env.registerFunction('Quantity.add(Quantity): Quantity', (q: Quantity, o: Quantity) => q.add(o));
  env.registerFunction('Quantity.add(int): Quantity', (q: Quantity, o: bigint) => q.add(quantityFromInteger(o)));
  env.registerFunction('Quantity.sub(Quantity): Quantity', (q: Quantity, o: Quantity) => q.sub(o));
  env.registerFunction('Quantity.sub(int): Quantity', (q: Quantity, o: bigint) => q.sub(quantityFromInteger(o)));
  env.registerFunction('Quantity.compareTo(Quantity): int', (q: Quantity, o: Quantity) => q.compareTo(o));
  env.registerFunction('Quantity.isLessThan(Quantity): bool', (q: Quantity, o: Quantity) => q.nanos < o.nanos);
  env.registerFunction('Quantity.isGreaterThan(Quantity): bool', (q: Quantity, o: Quantity) => q.nanos > o.nanos);
  env.registerOperator('Quantity == Quantity', (a: Quantity, b: Quantity) => a.nanos === b.nanos);
  return env;
}
