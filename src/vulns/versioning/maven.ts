/**
 * Maven artifact versions, as Maven 3.9 compares them (ComparableVersion).
 *
 * Spec: "Version Order Specification" in the POM reference,
 * https://maven.apache.org/pom.html#version-order-specification
 * The (lower-cased) version is split into items at `.`, at `-` and at every digit/letter
 * transition; a `-` (and a transition, and a `.` before a trailing qualifier) opens a nested list,
 * so `1.0-rc-1` is [1, [rc, [1]]]. Empty items count as 0. Trailing "null" items (0, "", ga, final,
 * release) are trimmed from the end of each list. Items compare as: numbers numerically; known
 * qualifiers alpha (a) < beta (b) < milestone (m) < rc = cr < snapshot < "" = ga = final = release
 * < sp, unknown qualifiers after them in alphabetical order; and across kinds, for the same
 * position: qualifier < list < number (so `1.0.rc1 < 1.0-rc2 < 1.0.1` … `1-1 < 1.1`). A missing item
 * compares like 0 / "" (so `1.0 = 1`, `1-rc < 1 < 1-sp`). The letters a, b, m mean alpha, beta,
 * milestone only when directly followed by a digit. Digits are ASCII digits.
 */
import { compareDigits, compareStrings, defineScheme, fail, type Order, ok, type Parsed, sign } from './common.ts';

type Item =
  | { readonly kind: 'int'; readonly digits: string }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'list'; readonly items: Item[] };

const QUALIFIERS = ['alpha', 'beta', 'milestone', 'rc', 'snapshot', '', 'sp'];
const ALIASES: Readonly<Record<string, string>> = { ga: '', final: '', release: '', cr: 'rc' };
const RELEASE_INDEX = String(QUALIFIERS.indexOf(''));

function stringItem(raw: string, followedByDigit: boolean): Item {
  let value = raw;
  if (followedByDigit && value.length === 1) {
    value = value === 'a' ? 'alpha' : value === 'b' ? 'beta' : value === 'm' ? 'milestone' : value;
  }
  value = Object.hasOwn(ALIASES, value) ? (ALIASES[value] ?? value) : value;
  return { kind: 'string', value };
}

function intItem(digits: string): Item {
  return { kind: 'int', digits: digits.replace(/^0+(?=.)/, '') };
}

function parseItem(isDigit: boolean, text: string): Item {
  return isDigit ? intItem(text) : stringItem(text, false);
}

/** Comparable form of a qualifier: its rank among the known ones, else after them alphabetically. */
function comparableQualifier(q: string): string {
  const i = QUALIFIERS.indexOf(q);
  return i < 0 ? `${QUALIFIERS.length}-${q}` : String(i);
}

function isNull(item: Item): boolean {
  switch (item.kind) {
    case 'int':
      return item.digits === '0';
    case 'string':
      return comparableQualifier(item.value) === RELEASE_INDEX;
    default:
      return item.items.length === 0;
  }
}

function normalize(list: Item[]): void {
  for (let i = list.length - 1; i >= 0; i--) {
    const last = list[i] as Item;
    if (isNull(last)) {
      list.splice(i, 1);
    } else if (last.kind !== 'list') {
      break;
    }
  }
}

function isDigitChar(c: string): boolean {
  return c >= '0' && c <= '9';
}

function parseVersion(version: string): Item[] {
  const text = version.toLowerCase();
  const root: Item[] = [];
  let list = root;
  const stack: Item[][] = [root];
  const nest = (): void => {
    const sub: Item[] = [];
    list.push({ kind: 'list', items: sub });
    list = sub;
    stack.push(sub);
  };
  let isDigit = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] ?? '';
    if (c === '.' || c === '-') {
      list.push(i === start ? intItem('0') : parseItem(isDigit, text.slice(start, i)));
      start = i + 1;
      if (c === '-') {
        nest();
      }
    } else if (isDigitChar(c)) {
      if (!isDigit && i > start) {
        // 1.0.0.X1 < 1.0.0-X2: a qualifier after a dot is treated like one after a hyphen.
        if (list.length > 0) {
          nest();
        }
        list.push(stringItem(text.slice(start, i), true));
        start = i;
        nest();
      }
      isDigit = true;
    } else {
      if (isDigit && i > start) {
        list.push(parseItem(true, text.slice(start, i)));
        start = i;
        nest();
      }
      isDigit = false;
    }
  }
  if (text.length > start) {
    if (!isDigit && list.length > 0) {
      nest();
    }
    list.push(parseItem(isDigit, text.slice(start)));
  }
  while (stack.length > 0) {
    normalize(stack.pop() as Item[]);
  }
  return root;
}

/** item.compareTo(other), other undefined standing for a missing item. */
function compareItem(item: Item, other: Item | undefined): Order {
  switch (item.kind) {
    case 'int':
      if (other === undefined) {
        return item.digits === '0' ? 0 : 1;
      }
      return other.kind === 'int' ? compareDigits(item.digits, other.digits) : 1;
    case 'string':
      if (other === undefined) {
        return compareStrings(comparableQualifier(item.value), RELEASE_INDEX);
      }
      if (other.kind === 'string') {
        return compareStrings(comparableQualifier(item.value), comparableQualifier(other.value));
      }
      return -1;
    default:
      if (other === undefined) {
        for (const sub of item.items) {
          const r = compareItem(sub, undefined);
          if (r !== 0) {
            return r;
          }
        }
        return 0;
      }
      if (other.kind === 'int') {
        return -1;
      }
      if (other.kind === 'string') {
        return 1;
      }
      return compareLists(item.items, other.items);
  }
}

function compareLists(a: readonly Item[], b: readonly Item[]): Order {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const l = a[i];
    const r = b[i];
    const result = l === undefined ? (r === undefined ? 0 : sign(-compareItem(r, undefined))) : compareItem(l, r);
    if (result !== 0) {
      return result;
    }
  }
  return 0;
}

function parse(version: string): Parsed<Item[]> {
  if (/[\s\p{Cc}]/u.test(version)) {
    return fail('contains whitespace or control characters');
  }
  return ok(parseVersion(version));
}

export const mavenScheme = defineScheme<Item[]>({
  id: 'maven',
  specUrl: 'https://maven.apache.org/pom.html#version-order-specification',
  parse,
  compare: compareLists,
});
