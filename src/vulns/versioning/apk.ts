/**
 * Alpine package versions, as apk-tools compares them (Alpine, Wolfi, Chainguard).
 *
 * Spec: apk-tools' version format, https://wiki.alpinelinux.org/wiki/APKBUILD_Reference#pkgver and
 * the apk-tools documentation of `apk version` (https://gitlab.alpinelinux.org/alpine/apk-tools):
 * `digit{.digit}...{letter}{_suffix{number}}...{~hash}{-rN}`.
 * Tokens, in the order they may appear: the initial number, `.number` components, one lower-case
 * letter, `_suffix[number]` (suffix one of alpha, beta, pre, rc — pre-releases — or cvs, svn, git,
 * hg, p — post-releases), `~hexhash`, and `-rN` (package revision). Versions compare token by
 * token: numbers numerically, except that a `.` component with a leading zero on either side
 * compares as a string (`1.01 < 1.1`, Gentoo rule); letters and hashes as strings; suffixes by
 * their rank alpha < beta < pre < rc < (none) < cvs < svn < git < hg < p. When one version runs
 * out of tokens first, the longer one is newer unless its next token is a pre-release suffix.
 */
import { compareDigits, compareStrings, defineScheme, fail, type Order, ok, type Parsed, sign } from './common.ts';

// Token kinds, in the order apk-tools ranks them: a version whose next token has a higher kind is older.
const INITIAL = 0;
const DIGIT = 1;
const LETTER = 2;
const SUFFIX = 3;
const SUFFIX_NO = 4;
const HASH = 5;
const REVISION = 6;
const END = 7;

type Kind = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7;

interface Token {
  readonly kind: Kind;
  /** The raw text: digits, the letter, the suffix name or the hash. */
  readonly text: string;
  /** Suffix rank (pre-releases negative, post-releases positive). */
  readonly rank: number;
}

const SUFFIX_RANK: Readonly<Record<string, number>> = {
  alpha: -4,
  beta: -3,
  pre: -2,
  rc: -1,
  cvs: 1,
  svn: 2,
  git: 3,
  hg: 4,
  p: 5,
};

function tokenize(version: string): Parsed<readonly Token[]> {
  const tokens: Token[] = [];
  let i = 0;
  const digits = (): string => {
    const start = i;
    while (i < version.length && version.charCodeAt(i) >= 48 && version.charCodeAt(i) <= 57) {
      i++;
    }
    return version.slice(start, i);
  };
  const first = digits();
  if (first === '') {
    return fail('does not start with a digit');
  }
  tokens.push({ kind: INITIAL, text: first, rank: 0 });
  let last: Kind = INITIAL;
  while (i < version.length) {
    const c = version[i] ?? '';
    const at = i;
    if (c >= 'a' && c <= 'z') {
      if (last > DIGIT) {
        return fail(`unexpected letter at offset ${at}`);
      }
      i++;
      last = LETTER;
      tokens.push({ kind: LETTER, text: c, rank: 0 });
    } else if (c === '.' || (c >= '0' && c <= '9')) {
      if (c === '.') {
        if (last > DIGIT) {
          return fail(`unexpected "." at offset ${at}`);
        }
        i++;
      }
      let kind: Kind;
      if (last === INITIAL || last === DIGIT) {
        kind = DIGIT;
      } else if (last === SUFFIX) {
        kind = SUFFIX_NO;
      } else {
        return fail(`unexpected number at offset ${at}`);
      }
      const text = digits();
      if (text === '') {
        return fail(`missing number at offset ${i}`);
      }
      last = kind;
      tokens.push({ kind, text, rank: 0 });
    } else if (c === '_') {
      if (last > SUFFIX_NO) {
        return fail(`unexpected "_" at offset ${at}`);
      }
      i++;
      const start = i;
      while (i < version.length && (version[i] ?? '') >= 'a' && (version[i] ?? '') <= 'z') {
        i++;
      }
      const name = version.slice(start, i);
      const rank = SUFFIX_RANK[name];
      if (rank === undefined || !Object.hasOwn(SUFFIX_RANK, name)) {
        return fail(`unknown suffix "_${name}" at offset ${at}`);
      }
      last = SUFFIX;
      tokens.push({ kind: SUFFIX, text: name, rank });
    } else if (c === '~') {
      if (last >= HASH) {
        return fail(`unexpected "~" at offset ${at}`);
      }
      i++;
      const start = i;
      while (i < version.length && /[0-9a-f]/.test(version[i] ?? '')) {
        i++;
      }
      if (i === start) {
        return fail(`empty commit hash at offset ${at}`);
      }
      last = HASH;
      tokens.push({ kind: HASH, text: version.slice(start, i), rank: 0 });
    } else if (c === '-') {
      if (last >= REVISION || version[i + 1] !== 'r') {
        return fail(`unexpected "-" at offset ${at} (only "-rN" may follow the version)`);
      }
      i += 2;
      const text = digits();
      if (text === '') {
        return fail(`revision without a number at offset ${at}`);
      }
      last = REVISION;
      tokens.push({ kind: REVISION, text, rank: 0 });
    } else {
      return fail(`invalid character ${JSON.stringify(c)} at offset ${at}`);
    }
  }
  return ok(tokens);
}

function tokenCompare(a: Token, b: Token): Order {
  switch (a.kind) {
    case DIGIT:
      if (a.text.startsWith('0') || b.text.startsWith('0')) {
        return compareStrings(a.text, b.text);
      }
      return compareDigits(a.text, b.text);
    case INITIAL:
    case SUFFIX_NO:
    case REVISION:
      return compareDigits(a.text, b.text);
    case SUFFIX:
      return sign(a.rank - b.rank);
    default:
      return compareStrings(a.text, b.text);
  }
}

const END_TOKEN: Token = { kind: END, text: '', rank: 0 };

function compare(a: readonly Token[], b: readonly Token[]): Order {
  let n = 0;
  for (;;) {
    const ta = a[n] ?? END_TOKEN;
    const tb = b[n] ?? END_TOKEN;
    if (ta.kind !== tb.kind) {
      // Equal so far; the version that goes on is newer, unless it goes on with a pre-release suffix.
      if (ta.kind === SUFFIX && ta.rank < 0) {
        return -1;
      }
      if (tb.kind === SUFFIX && tb.rank < 0) {
        return 1;
      }
      return ta.kind > tb.kind ? -1 : 1;
    }
    if (ta.kind === END) {
      return 0;
    }
    const r = tokenCompare(ta, tb);
    if (r !== 0) {
      return r;
    }
    n++;
  }
}

export const apkScheme = defineScheme<readonly Token[]>({
  id: 'apk',
  specUrl: 'https://wiki.alpinelinux.org/wiki/APKBUILD_Reference#pkgver',
  parse: tokenize,
  compare,
});
