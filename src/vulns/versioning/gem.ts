/**
 * RubyGems versions, as Gem::Version compares them.
 *
 * Spec: https://guides.rubygems.org/patterns/#semantic-versioning and the Gem::Version
 * documentation (https://docs.ruby-lang.org/en/master/Gem/Version.html). A version is digits
 * followed by `.`-separated alphanumeric parts, optionally `-`-separated parts (each `-` reads as
 * `.pre.`); surrounding whitespace is ignored. It splits into segments at dots and at every
 * letter/digit boundary (`1.0.a10` → 1, 0, "a", 10). Any letter makes it a pre-release, older
 * than the release. Trailing zero segments of the numeric head, and of the rest, are dropped
 * (`1.0` = `1`), then segments compare pairwise, missing ones as 0: numbers numerically, strings
 * byte-wise, and a string is older than a number.
 */
import { compareDigits, compareStrings, defineScheme, fail, type Order, ok, type Parsed } from './common.ts';

type Segment = { readonly num: string } | { readonly str: string };

const PATTERN = /^[0-9]+(?:\.[0-9a-zA-Z]+)*(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

function isZero(s: Segment): boolean {
  return 'num' in s && /^0+$/.test(s.num);
}

function dropTrailingZeros(segments: Segment[]): Segment[] {
  let end = segments.length;
  while (end > 0 && isZero(segments[end - 1] as Segment)) {
    end--;
  }
  return segments.slice(0, end);
}

function parse(version: string): Parsed<readonly Segment[]> {
  const text = version.trim();
  if (!PATTERN.test(text)) {
    return fail('not a RubyGems version (digits, then "."- or "-"-separated alphanumeric parts)');
  }
  const segments: Segment[] = (text.replaceAll('-', '.pre.').match(/[0-9]+|[a-z]+/gi) ?? []).map((s) =>
    /^[0-9]/.test(s) ? { num: s } : { str: s },
  );
  // canonical_segments: the numeric head and the rest each lose their trailing zeros.
  const firstString = segments.findIndex((s) => 'str' in s);
  const head = firstString < 0 ? segments : segments.slice(0, firstString);
  const tail = firstString < 0 ? [] : segments.slice(firstString);
  return ok([...dropTrailingZeros(head), ...dropTrailingZeros(tail)]);
}

const ZERO: Segment = { num: '0' };

function compare(a: readonly Segment[], b: readonly Segment[]): Order {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i] ?? ZERO;
    const y = b[i] ?? ZERO;
    if ('num' in x && 'num' in y) {
      const r = compareDigits(x.num, y.num);
      if (r !== 0) {
        return r;
      }
    } else if ('str' in x && 'str' in y) {
      const r = compareStrings(x.str, y.str);
      if (r !== 0) {
        return r;
      }
    } else {
      return 'str' in x ? -1 : 1;
    }
  }
  return 0;
}

export const gemScheme = defineScheme<readonly Segment[]>({
  id: 'gem',
  specUrl: 'https://docs.ruby-lang.org/en/master/Gem/Version.html',
  parse,
  compare,
});
