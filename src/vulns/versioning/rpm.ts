/**
 * RPM package versions, as rpm compares them (Red Hat, Rocky Linux, AlmaLinux, CentOS, Fedora,
 * Amazon Linux, Azure Linux, CBL-Mariner, SUSE, openSUSE).
 *
 * Spec: rpm's version comparison, https://rpm-software-management.github.io/rpm/manual/dependencies.html#versioning
 * and the description of rpmvercmp in https://fedoraproject.org/wiki/Archive:Tools/RPM/VersionComparison
 * An EVR string is `[epoch:]version[-release]`: the epoch is the leading digits before `:` (0
 * when absent, as rpm does for installed headers), the release is everything after the last `-`
 * (absent sorts lowest, like an empty release). Epochs compare numerically, then version and
 * release with rpmvercmp: strings are split into alphabetic and numeric segments, other characters
 * only separate; numeric segments compare numerically and beat alphabetic ones; `~` sorts before
 * anything, even the end of the string (pre-releases, `1.0~rc1 < 1.0`); `^` sorts after the end
 * of the string but before anything else (post-release snapshots, `1.0 < 1.0^git1 < 1.0.1`).
 * When all segments are equal the string with characters left over is newer.
 *
 * Validity: the version and release use only characters rpmbuild accepts in those tags
 * (alphanumerics and `._+~^`), are non-empty when present; the epoch is decimal digits.
 */
import {
  compareDigits,
  compareStrings,
  defineScheme,
  fail,
  isAlphaCode,
  isDigitCode,
  type Order,
  ok,
  type Parsed,
} from './common.ts';

interface Evr {
  readonly epoch: string;
  readonly version: string;
  readonly release: string;
}

const PART_CHARS = /^[0-9A-Za-z._+~^]+$/;

function parse(evr: string): Parsed<Evr> {
  let rest = evr;
  let epoch = '0';
  const colon = rest.indexOf(':');
  if (colon >= 0) {
    epoch = rest.slice(0, colon);
    if (!/^[0-9]*$/.test(epoch)) {
      return fail('epoch is not a number');
    }
    if (epoch === '') {
      epoch = '0';
    }
    rest = rest.slice(colon + 1);
  }
  const hyphen = rest.lastIndexOf('-');
  const version = hyphen >= 0 ? rest.slice(0, hyphen) : rest;
  const release = hyphen >= 0 ? rest.slice(hyphen + 1) : '';
  if (version === '') {
    return fail('version is empty');
  }
  if (!PART_CHARS.test(version)) {
    return fail('invalid character in version');
  }
  if (hyphen >= 0 && !PART_CHARS.test(release)) {
    return fail(release === '' ? 'release is empty' : 'invalid character in release');
  }
  return ok({ epoch, version, release });
}

const TILDE = 126;
const CARET = 94;

function isAlnum(c: number): boolean {
  return isDigitCode(c) || isAlphaCode(c);
}

/** rpmvercmp: compares one version or release field. */
export function rpmvercmp(a: string, b: string): Order {
  if (a === b) {
    return 0;
  }
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while (i < a.length && !isAlnum(a.charCodeAt(i)) && a.charCodeAt(i) !== TILDE && a.charCodeAt(i) !== CARET) {
      i++;
    }
    while (j < b.length && !isAlnum(b.charCodeAt(j)) && b.charCodeAt(j) !== TILDE && b.charCodeAt(j) !== CARET) {
      j++;
    }
    const ca = i < a.length ? a.charCodeAt(i) : 0;
    const cb = j < b.length ? b.charCodeAt(j) : 0;
    // `~` sorts before everything, the end of the string included.
    if (ca === TILDE || cb === TILDE) {
      if (ca !== TILDE) {
        return 1;
      }
      if (cb !== TILDE) {
        return -1;
      }
      i++;
      j++;
      continue;
    }
    // `^` sorts after the end of the string, before everything else.
    if (ca === CARET || cb === CARET) {
      if (ca === 0) {
        return -1;
      }
      if (cb === 0) {
        return 1;
      }
      if (ca !== CARET) {
        return 1;
      }
      if (cb !== CARET) {
        return -1;
      }
      i++;
      j++;
      continue;
    }
    if (ca === 0 || cb === 0) {
      break;
    }
    const numeric = isDigitCode(ca);
    const same = numeric ? isDigitCode : isAlphaCode;
    const si = i;
    while (i < a.length && same(a.charCodeAt(i))) {
      i++;
    }
    const sj = j;
    while (j < b.length && same(b.charCodeAt(j))) {
      j++;
    }
    // Segments of different types: the numeric one is newer.
    if (sj === j) {
      return numeric ? 1 : -1;
    }
    const sa = a.slice(si, i);
    const sb = b.slice(sj, j);
    const r = numeric ? compareDigits(sa, sb) : compareStrings(sa, sb);
    if (r !== 0) {
      return r;
    }
  }
  const endA = i >= a.length;
  const endB = j >= b.length;
  if (endA && endB) {
    return 0;
  }
  return endA ? -1 : 1;
}

function compare(a: Evr, b: Evr): Order {
  return compareDigits(a.epoch, b.epoch) || rpmvercmp(a.version, b.version) || rpmvercmp(a.release, b.release);
}

export const rpmScheme = defineScheme<Evr>({
  id: 'rpm',
  specUrl: 'https://rpm-software-management.github.io/rpm/manual/dependencies.html#versioning',
  parse,
  compare,
});
