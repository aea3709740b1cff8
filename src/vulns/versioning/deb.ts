/**
 * Debian package versions, as dpkg compares them (Debian and Ubuntu).
 *
 * Spec: Debian Policy §5.6.12 "Version", https://www.debian.org/doc/debian-policy/ch-controlfields.html#version
 * Format `[epoch:]upstream_version[-debian_revision]`: the epoch is everything before the first
 * `:` (a non-negative decimal integer, 0 when absent), the revision everything after the last
 * `-` (empty when absent, which compares equal to `0`). Each part is compared with dpkg's
 * algorithm: alternate runs of non-digits (compared character by character, letters before
 * non-letters, `~` before everything including the end of the string) and runs of digits
 * (compared numerically).
 *
 * Validity follows dpkg's parser (errors and warnings alike) and the Policy: the upstream part
 * is non-empty, starts with a digit and uses only alphanumerics and `.+-~:`, the revision only
 * alphanumerics and `.+~`; no whitespace.
 */
import {
  compareDigits,
  defineScheme,
  fail,
  isAlphaCode,
  isDigitCode,
  type Order,
  ok,
  type Parsed,
  sign,
} from './common.ts';

interface DebVersion {
  readonly epoch: string;
  readonly upstream: string;
  readonly revision: string;
}

const EPOCH_MAX = 2147483647; // dpkg rejects epochs above INT_MAX
const UPSTREAM_CHARS = /^[0-9A-Za-z.+~:-]*$/;
const REVISION_CHARS = /^[0-9A-Za-z.+~]*$/;

function parse(version: string): Parsed<DebVersion> {
  let rest = version;
  let epoch = '0';
  const colon = rest.indexOf(':');
  if (colon >= 0) {
    epoch = rest.slice(0, colon);
    if (epoch === '') {
      return fail('epoch is empty');
    }
    if (!/^[0-9]+$/.test(epoch)) {
      return fail('epoch is not a number');
    }
    if (compareDigits(epoch, String(EPOCH_MAX)) > 0) {
      return fail('epoch is too big');
    }
    rest = rest.slice(colon + 1);
    if (rest === '') {
      return fail('nothing after the epoch colon');
    }
  }
  const hyphen = rest.lastIndexOf('-');
  const upstream = hyphen >= 0 ? rest.slice(0, hyphen) : rest;
  const revision = hyphen >= 0 ? rest.slice(hyphen + 1) : '';
  if (hyphen >= 0 && revision === '') {
    return fail('revision is empty');
  }
  if (upstream === '') {
    return fail('upstream version is empty');
  }
  if (!isDigitCode(upstream.charCodeAt(0))) {
    return fail('upstream version does not start with a digit');
  }
  if (!UPSTREAM_CHARS.test(upstream)) {
    return fail('invalid character in upstream version');
  }
  if (!REVISION_CHARS.test(revision)) {
    return fail('invalid character in revision');
  }
  return ok({ epoch, upstream, revision });
}

/** dpkg's weight of a character in a non-digit run; 0 stands for the end of the string (and digits). */
function order(s: string, i: number): number {
  if (i >= s.length) {
    return 0;
  }
  const c = s.charCodeAt(i);
  if (isDigitCode(c)) {
    return 0;
  }
  if (isAlphaCode(c)) {
    return c;
  }
  if (c === 126 /* ~ */) {
    return -1;
  }
  return c + 256;
}

/** dpkg's verrevcmp on one part (upstream or revision). */
export function debPartCompare(a: string, b: string): Order {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while ((i < a.length && !isDigitCode(a.charCodeAt(i))) || (j < b.length && !isDigitCode(b.charCodeAt(j)))) {
      const ac = order(a, i);
      const bc = order(b, j);
      if (ac !== bc) {
        return sign(ac - bc);
      }
      i++;
      j++;
    }
    const si = i;
    while (i < a.length && isDigitCode(a.charCodeAt(i))) {
      i++;
    }
    const sj = j;
    while (j < b.length && isDigitCode(b.charCodeAt(j))) {
      j++;
    }
    const r = compareDigits(a.slice(si, i) || '0', b.slice(sj, j) || '0');
    if (r !== 0) {
      return r;
    }
  }
  return 0;
}

function compare(a: DebVersion, b: DebVersion): Order {
  return (
    compareDigits(a.epoch, b.epoch) || debPartCompare(a.upstream, b.upstream) || debPartCompare(a.revision, b.revision)
  );
}

export const debScheme = defineScheme<DebVersion>({
  id: 'deb',
  specUrl: 'https://www.debian.org/doc/debian-policy/ch-controlfields.html#version',
  parse,
  compare,
});
