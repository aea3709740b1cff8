/**
 * Helpers shared by the version schemes of this folder: parse-once comparison with a typed error,
 * and numeric comparison of digit strings of any length (no precision loss on long numbers).
 */
import { InvalidVersionError, type VersionScheme } from './scheme.ts';

export type Order = -1 | 0 | 1;

/** Longest version string any scheme accepts: real ones stay far below; longer input is hostile. */
export const MAX_VERSION_LENGTH = 1024;

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

export function ok<T>(value: T): Parsed<T> {
  return { ok: true, value };
}

export function fail<T>(reason: string): Parsed<T> {
  return { ok: false, reason };
}

export function sign(n: number): Order {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}

/** Plain code-unit string order (C strcmp / Java compareTo on ASCII). */
export function compareStrings(a: string, b: string): Order {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Numeric order of two strings of ASCII digits, leading zeros ignored, any length. */
export function compareDigits(a: string, b: string): Order {
  let i = 0;
  while (i < a.length - 1 && a.charCodeAt(i) === 48) {
    i++;
  }
  let j = 0;
  while (j < b.length - 1 && b.charCodeAt(j) === 48) {
    j++;
  }
  const x = a.slice(i);
  const y = b.slice(j);
  if (x.length !== y.length) {
    return x.length < y.length ? -1 : 1;
  }
  return compareStrings(x, y);
}

export function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57;
}

export function isAlphaCode(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/**
 * Builds a VersionScheme from a parser and a comparison on parsed values. The parser is only
 * called with strings of at most MAX_VERSION_LENGTH characters.
 */
export function defineScheme<T>(def: {
  readonly id: string;
  readonly specUrl: string;
  readonly parse: (version: string) => Parsed<T>;
  readonly compare: (a: T, b: T) => Order;
}): VersionScheme {
  const parse = (version: unknown): Parsed<T> => {
    if (typeof version !== 'string') {
      return fail('not a string');
    }
    if (version.length === 0) {
      return fail('empty version');
    }
    if (version.length > MAX_VERSION_LENGTH) {
      return fail(`longer than ${MAX_VERSION_LENGTH} characters`);
    }
    return def.parse(version);
  };
  const parseOrThrow = (version: string): T => {
    const parsed = parse(version);
    if (!parsed.ok) {
      throw new InvalidVersionError(def.id, String(version).slice(0, 200), parsed.reason);
    }
    return parsed.value;
  };
  return {
    id: def.id,
    specUrl: def.specUrl,
    isValid: (version: string): boolean => parse(version).ok,
    compare: (a: string, b: string): Order => def.compare(parseOrThrow(a), parseOrThrow(b)),
  };
}
