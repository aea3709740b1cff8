/**
 * Pieces both writers share: stable component identities, package property names, licence
 * handling and the purl ↔ OSV ecosystem table.
 */
import { createHash } from 'node:crypto';
import { SPDX } from '@cyclonedx/cyclonedx-library';
import type { Ecosystem, Package } from '#core';

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** What makes two packages the same component: purl and where it was found. */
export function packageKey(pkg: Pick<Package, 'purl' | 'location'>): string {
  return [pkg.purl, pkg.location.path, pkg.location.layer ?? ''].join('\u0000');
}

/**
 * One stable identifier per distinct package: its purl when no other package has the same purl,
 * otherwise the purl plus a short hash of its location. Same packages in, same ids out, whatever
 * the input order. Duplicates (same purl and location) collapse to one entry, the first.
 */
export function assignIds(packages: readonly Package[]): Map<string, { readonly id: string; readonly pkg: Package }> {
  const purlCount = new Map<string, number>();
  const unique = new Map<string, Package>();
  for (const pkg of packages) {
    const key = packageKey(pkg);
    if (!unique.has(key)) {
      unique.set(key, pkg);
      purlCount.set(pkg.purl, (purlCount.get(pkg.purl) ?? 0) + 1);
    }
  }
  const ids = new Map<string, { readonly id: string; readonly pkg: Package }>();
  for (const [key, pkg] of unique) {
    const id = (purlCount.get(pkg.purl) ?? 0) > 1 ? `${pkg.purl}#${sha256Hex(key).slice(0, 12)}` : pkg.purl;
    ids.set(key, { id, pkg });
  }
  return ids;
}

/** Property names Palisade writes on each component (and reads back). */
export const PROPERTY = {
  analyzer: 'palisade:analyzer',
  kind: 'palisade:kind',
  location: 'palisade:location',
  line: 'palisade:line',
  layer: 'palisade:layer',
  sourceName: 'palisade:sourceName',
  sourceVersion: 'palisade:sourceVersion',
  arch: 'palisade:arch',
  dev: 'palisade:dev',
  imageDigest: 'palisade:imageDigest',
  osEcosystem: 'palisade:os:ecosystem',
  osSource: 'palisade:os:source',
} as const;

// ------------------------------------------------------------------------------------------------
// SPDX licence expressions (SPDX 2.3 annex D, https://spdx.github.io/spdx-spec/v2.3/SPDX-license-expressions/)
// ------------------------------------------------------------------------------------------------

const LICENSE_REF = /^(DocumentRef-[A-Za-z0-9.-]+:)?LicenseRef-[A-Za-z0-9.-]+$/;

/**
 * The canonical form of `text` when it is a valid SPDX licence expression whose identifiers are all
 * on the SPDX licence list (matched case-insensitively, written in the list's case) or
 * `LicenseRef-`s; undefined otherwise. Grammar: or-expr := and-expr ('OR' and-expr)*;
 * and-expr := with-expr ('AND' with-expr)*; with-expr := atom ('WITH' exception)?;
 * atom := id['+'] | LicenseRef | '(' or-expr ')'. Operators must be upper case.
 */
export function canonicalSpdxExpression(text: string): string | undefined {
  const tokens = text.replace(/[()]/g, ' $& ').trim().split(/\s+/);
  if (tokens.length === 0 || tokens[0] === '' || tokens.length > 200) {
    return undefined;
  }
  let position = 0;
  const out: string[] = [];
  const peek = (): string | undefined => tokens[position];

  const identifier = (token: string, exception: boolean): string | undefined => {
    if (!exception && LICENSE_REF.test(token)) {
      return token;
    }
    const plus = !exception && token.endsWith('+');
    const bare = plus ? token.slice(0, -1) : token;
    if (!/^[A-Za-z0-9.-]+$/.test(bare)) {
      return undefined;
    }
    const fixed = SPDX.fixupSpdxId(bare);
    return fixed === undefined ? undefined : `${fixed}${plus ? '+' : ''}`;
  };

  const atom = (): boolean => {
    const token = peek();
    if (token === undefined) {
      return false;
    }
    position++;
    if (token === '(') {
      out.push('(');
      if (!orExpr() || peek() !== ')') {
        return false;
      }
      position++;
      out.push(')');
      return true;
    }
    if (token === ')' || token === 'AND' || token === 'OR' || token === 'WITH') {
      return false;
    }
    const id = identifier(token, false);
    if (id === undefined) {
      return false;
    }
    out.push(id);
    return true;
  };
  const withExpr = (): boolean => {
    if (!atom()) {
      return false;
    }
    if (peek() === 'WITH') {
      position++;
      const token = peek();
      const exception = token === undefined ? undefined : identifier(token, true);
      if (exception === undefined) {
        return false;
      }
      position++;
      out.push('WITH', exception);
    }
    return true;
  };
  const andExpr = (): boolean => {
    if (!withExpr()) {
      return false;
    }
    while (peek() === 'AND') {
      position++;
      out.push('AND');
      if (!withExpr()) {
        return false;
      }
    }
    return true;
  };
  function orExpr(): boolean {
    if (!andExpr()) {
      return false;
    }
    while (peek() === 'OR') {
      position++;
      out.push('OR');
      if (!andExpr()) {
        return false;
      }
    }
    return true;
  }

  if (!orExpr() || position !== tokens.length) {
    return undefined;
  }
  return out.join(' ').replace(/\( /g, '(').replace(/ \)/g, ')');
}

/** True for a single licence identifier (no operators, no parentheses). */
export function isSimpleLicense(expression: string): boolean {
  return !/[\s()]/.test(expression);
}

// ------------------------------------------------------------------------------------------------
// purl type (+ namespace) → OSV ecosystem (purl types: https://github.com/package-url/purl-spec/blob/main/PURL-TYPES.rst)
// ------------------------------------------------------------------------------------------------

/** OS purl types: namespace (the distribution) → ecosystem. */
export const OS_PURL_NAMESPACES: Readonly<Record<string, Readonly<Record<string, Ecosystem>>>> = {
  deb: { debian: 'Debian', ubuntu: 'Ubuntu' },
  apk: { alpine: 'Alpine', wolfi: 'Wolfi', chainguard: 'Chainguard' },
  rpm: {
    redhat: 'Red Hat',
    rhel: 'Red Hat',
    centos: 'CentOS',
    rocky: 'Rocky Linux',
    'rocky-linux': 'Rocky Linux',
    rockylinux: 'Rocky Linux',
    almalinux: 'AlmaLinux',
    alma: 'AlmaLinux',
    fedora: 'Fedora',
    amazon: 'Amazon Linux',
    amzn: 'Amazon Linux',
    azurelinux: 'Azure Linux',
    mariner: 'CBL-Mariner',
    'cbl-mariner': 'CBL-Mariner',
    suse: 'SUSE',
    sles: 'SUSE',
    opensuse: 'openSUSE',
    'opensuse-leap': 'openSUSE',
    'opensuse-tumbleweed': 'openSUSE',
  },
};

/** Language purl types → ecosystem. */
export const LANG_PURL_TYPES: Readonly<Record<string, Ecosystem>> = {
  npm: 'npm',
  pypi: 'PyPI',
  golang: 'Go',
  maven: 'Maven',
  nuget: 'NuGet',
  cargo: 'crates.io',
  gem: 'RubyGems',
  composer: 'Packagist',
};

/** OS family (OsRelease.family, os-release ID) → ecosystem. */
export const OS_FAMILIES: Readonly<Record<string, Ecosystem>> = {
  debian: 'Debian',
  ubuntu: 'Ubuntu',
  alpine: 'Alpine',
  wolfi: 'Wolfi',
  chainguard: 'Chainguard',
  rhel: 'Red Hat',
  redhat: 'Red Hat',
  centos: 'CentOS',
  rocky: 'Rocky Linux',
  alma: 'AlmaLinux',
  almalinux: 'AlmaLinux',
  fedora: 'Fedora',
  amzn: 'Amazon Linux',
  azurelinux: 'Azure Linux',
  mariner: 'CBL-Mariner',
  sles: 'SUSE',
  suse: 'SUSE',
  opensuse: 'openSUSE',
  'opensuse-leap': 'openSUSE',
  'opensuse-tumbleweed': 'openSUSE',
};
