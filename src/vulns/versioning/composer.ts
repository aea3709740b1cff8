/**
 * PHP package versions (Packagist), as Composer compares them.
 *
 * Spec: https://getcomposer.org/doc/articles/versions.md and composer/semver's documented
 * behaviour: a version is first normalised (VersionParser::normalize), then normalised versions
 * are ordered with PHP's version_compare (https://www.php.net/manual/en/function.version-compare.php).
 * Normalisation: optional `v` prefix, one to four numbers padded to four (`1.2` → `1.2.0.0`),
 * or a date version (`2010.01.02`); a stability suffix expanded (`a`/`alpha` → alpha, `b`/`beta`
 * → beta, `RC`, `p`/`pl`/`patch` → patch, `stable` dropped) with its number; `-dev` kept;
 * build metadata (`+...`), aliases (`1.0 as 2.0`) and stability flags (`@beta`) stripped;
 * numeric branches (`1.0.x-dev` → `1.0.9999999.9999999-dev`). Order: dev < alpha < beta < RC
 * < (release) < patch. Named branches (`dev-main`) cannot be ordered and are invalid here.
 */
import { defineScheme, fail, isDigitCode, type Order, ok, type Parsed, sign } from './common.ts';

const MODIFIER = '[._-]?(?:(stable|beta|b|RC|alpha|a|patch|pl|p)((?:[.-]?\\d+)*)?)?([.-]?dev)?';
const CLASSICAL = new RegExp(`^v?(\\d{1,5})(\\.\\d+)?(\\.\\d+)?(\\.\\d+)?${MODIFIER}$`, 'i');
const DATE = new RegExp(`^v?(\\d{4}(?:[.:-]?\\d{2}){1,6}(?:[.:-]?\\d{1,3}){0,2})${MODIFIER}$`, 'i');
const BRANCH = /^v?(\d+)(\.(?:\d+|[xX*]))?(\.(?:\d+|[xX*]))?(\.(?:\d+|[xX*]))?$/i;

function expandStability(stability: string): string {
  switch (stability.toLowerCase()) {
    case 'a':
      return 'alpha';
    case 'b':
      return 'beta';
    case 'p':
    case 'pl':
      return 'patch';
    case 'rc':
      return 'RC';
    default:
      return stability.toLowerCase();
  }
}

function withModifiers(version: string, m: RegExpExecArray, index: number): string {
  let out = version;
  const stability = m[index];
  if (stability) {
    if (stability === 'stable') {
      return out;
    }
    const number = m[index + 1] ?? '';
    out += `-${expandStability(stability)}${number.replace(/^[.-]+/, '')}`;
  }
  if (m[index + 2]) {
    out += '-dev';
  }
  return out;
}

function normalizeBranch(name: string): string | undefined {
  const m = BRANCH.exec(name.trim());
  if (!m) {
    return undefined;
  }
  let version = '';
  for (let i = 1; i < 5; i++) {
    version += m[i] ? m[i]?.replace(/[*X]/g, 'x') : '.x';
  }
  return `${version.replaceAll('x', '9999999')}-dev`;
}

/** VersionParser::normalize; undefined when Composer would throw or yields a named branch. */
export function normalizeComposerVersion(input: string): string | undefined {
  let version = input.trim();
  const alias = /^([^,\s]+) +as +([^,\s]+)$/.exec(version);
  if (alias?.[1]) {
    version = alias[1];
  }
  const flag = /@(?:stable|RC|beta|alpha|dev)$/i.exec(version);
  if (flag) {
    version = version.slice(0, version.length - flag[0].length);
  }
  if (['master', 'trunk', 'default'].includes(version) || version.toLowerCase().startsWith('dev-')) {
    return undefined; // a named branch: Composer does not order these
  }
  const build = /^([^,\s+]+)\+[^\s]+$/.exec(version);
  if (build?.[1]) {
    version = build[1];
  }
  const classical = CLASSICAL.exec(version);
  if (classical) {
    const base = `${classical[1]}${classical[2] || '.0'}${classical[3] || '.0'}${classical[4] || '.0'}`;
    return withModifiers(base, classical, 5);
  }
  const date = DATE.exec(version);
  if (date?.[1]) {
    return withModifiers(date[1].replace(/\D/g, '.'), date, 2);
  }
  const dev = /^(.*?)[.-]?dev$/i.exec(version);
  if (dev) {
    const normalized = normalizeBranch(dev[1] ?? '');
    if (normalized !== undefined) {
      return normalized;
    }
  }
  return undefined;
}

// PHP's version_compare ------------------------------------------------------------------------

/** php_canonicalize_version: `-_+` and other non-alphanumerics become `.`, and a `.` goes between letters and digits. */
function canonicalize(version: string): string {
  let out = version[0] ?? '';
  for (let i = 1; i < version.length; i++) {
    const c = version[i] ?? '';
    const prev = version[i - 1] ?? '';
    const last = out[out.length - 1];
    const dig = (x: string): boolean => x >= '0' && x <= '9';
    const ndig = (x: string): boolean => !dig(x) && x !== '.';
    if (c === '-' || c === '_' || c === '+') {
      if (last !== '.') {
        out += '.';
      }
    } else if ((ndig(prev) && dig(c)) || (dig(prev) && ndig(c))) {
      if (last !== '.') {
        out += '.';
      }
      out += c;
    } else if (!/[0-9A-Za-z]/.test(c)) {
      if (last !== '.') {
        out += '.';
      }
    } else {
      out += c;
    }
  }
  return out;
}

const SPECIAL_FORMS: readonly (readonly [string, number])[] = [
  ['dev', 0],
  ['alpha', 1],
  ['a', 1],
  ['beta', 2],
  ['b', 2],
  ['RC', 3],
  ['rc', 3],
  ['#', 4],
  ['pl', 5],
  ['p', 5],
];

function specialForm(form: string): number {
  for (const [name, order] of SPECIAL_FORMS) {
    if (form.startsWith(name)) {
      return order;
    }
  }
  return -1;
}

const LONG_MAX = 9223372036854775807n;

/** strtol: leading digits, saturating at LONG_MAX. */
function strtol(s: string): bigint {
  const digits = /^[0-9]*/.exec(s)?.[0] ?? '';
  const value = digits === '' ? 0n : BigInt(digits);
  return value > LONG_MAX ? LONG_MAX : value;
}

const isDigitStart = (s: string): boolean => isDigitCode(s.charCodeAt(0));

/** PHP's version_compare on two strings (ext/standard/versioning.c, walked with indices). */
export function phpVersionCompare(v1: string, v2: string): Order {
  if (v1 === '' || v2 === '') {
    return v1 === v2 ? 0 : v1 !== '' ? 1 : -1;
  }
  const s1 = v1.startsWith('#') ? v1 : canonicalize(v1);
  const s2 = v2.startsWith('#') ? v2 : canonicalize(v2);
  let p1 = 0;
  let p2 = 0;
  // Position of the dot ending the current element, null once an element was the last one.
  let n1: number | null = 0;
  let n2: number | null = 0;
  let compare: Order = 0;
  while (p1 < s1.length && p2 < s2.length && n1 !== null && n2 !== null) {
    const d1 = s1.indexOf('.', p1);
    const d2 = s2.indexOf('.', p2);
    n1 = d1 < 0 ? null : d1;
    n2 = d2 < 0 ? null : d2;
    const e1 = s1.slice(p1, n1 ?? s1.length);
    const e2 = s2.slice(p2, n2 ?? s2.length);
    if (isDigitStart(e1) && isDigitStart(e2)) {
      const l1 = strtol(e1);
      const l2 = strtol(e2);
      compare = l1 < l2 ? -1 : l1 > l2 ? 1 : 0;
    } else if (!isDigitStart(e1) && !isDigitStart(e2)) {
      compare = sign(specialForm(e1) - specialForm(e2));
    } else if (isDigitStart(e1)) {
      compare = sign(specialForm('#N#') - specialForm(e2));
    } else {
      compare = sign(specialForm(e1) - specialForm('#N#'));
    }
    if (compare !== 0) {
      return compare;
    }
    if (n1 !== null) {
      p1 = n1 + 1;
    }
    if (n2 !== null) {
      p2 = n2 + 1;
    }
  }
  // One version has elements left: a number makes it newer, a word is weighed against a number.
  if (n1 !== null) {
    return isDigitStart(s1.slice(p1)) ? 1 : phpVersionCompare(s1.slice(p1), '#N#');
  }
  if (n2 !== null) {
    return isDigitStart(s2.slice(p2)) ? -1 : phpVersionCompare('#N#', s2.slice(p2));
  }
  return 0;
}

function parse(version: string): Parsed<string> {
  const normalized = normalizeComposerVersion(version);
  return normalized === undefined
    ? fail('not a Composer version (named branches such as dev-main cannot be ordered)')
    : ok(normalized);
}

export const composerScheme = defineScheme<string>({
  id: 'composer',
  specUrl: 'https://getcomposer.org/doc/articles/versions.md',
  parse,
  compare: phpVersionCompare,
});
