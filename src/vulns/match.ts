/**
 * Does one installed version fall in an OSV `affected` entry? The range walk of the OSV
 * specification (https://ossf.github.io/osv-schema/#evaluation), written once for every
 * ecosystem: version schemes only compare.
 *
 * - `versions` lists are exact matches (compared with the scheme, so `1.0` equals `1.0.0` where
 *   the scheme says so).
 * - SEMVER and ECOSYSTEM ranges: events are sorted by version ('0' first); the version is
 *   affected when the last event at or below it is `introduced`; `fixed` at or below it and
 *   `last_affected` strictly below it end the affected span; `limit` events bound the range from
 *   above (the version must be below at least one limit).
 * - GIT ranges name commits, not versions, and are skipped (recorded in the proof).
 * - Anything that cannot be compared (the installed version or an event version is not valid in
 *   the scheme) makes the answer `indeterminate` with the reason, never a silent 'not affected':
 *   unless another range or the versions list already proves the package affected.
 */
import type { VersionScheme } from './versioning/scheme.ts';

export type OsvEvent =
  | { readonly introduced: string }
  | { readonly fixed: string }
  | { readonly last_affected: string }
  | { readonly limit: string };

export interface OsvRange {
  readonly type: string;
  readonly events: readonly OsvEvent[];
}

/** The part of an OSV `affected[]` entry matching reads. */
export interface OsvAffected {
  readonly package?: { readonly ecosystem: string; readonly name: string; readonly purl?: string };
  readonly ranges?: readonly OsvRange[];
  readonly versions?: readonly string[];
}

/** How a match was decided, so that a user can check it. */
export interface MatchProof {
  /** 'range' (with its index) or 'versions' (the explicit list). */
  readonly by: 'range' | 'versions';
  readonly rangeIndex?: number;
  readonly rangeType?: string;
  /** The range's events as OSV writes them, for the report. */
  readonly events?: readonly OsvEvent[];
  /** The comparisons that decided it: '2.36-9+deb12u3 >= 0 (introduced)', '2.36-9+deb12u3 < 2.36-9+deb12u4 (fixed)'. */
  readonly comparisons: readonly string[];
}

export type MatchResult =
  | {
      readonly kind: 'affected';
      /** Lowest version that fixes it past the installed one, when the advisory names one. */
      readonly fixedIn?: string;
      /** Human form of the span that matched: '>=0, <2.36-9+deb12u4' or 'in versions list'. */
      readonly range: string;
      readonly proof: MatchProof;
    }
  | { readonly kind: 'not-affected' }
  | { readonly kind: 'indeterminate'; readonly reason: string };

type EventKind = 'introduced' | 'fixed' | 'last_affected' | 'limit';

interface Event {
  readonly kind: EventKind;
  readonly version: string;
  readonly order: number;
}

function eventOf(event: OsvEvent, order: number): Event | undefined {
  if ('introduced' in event) {
    return { kind: 'introduced', version: event.introduced, order };
  }
  if ('fixed' in event) {
    return { kind: 'fixed', version: event.fixed, order };
  }
  if ('last_affected' in event) {
    return { kind: 'last_affected', version: event.last_affected, order };
  }
  if ('limit' in event) {
    return { kind: 'limit', version: event.limit, order };
  }
  return undefined;
}

const ZERO = '0';

class Incomparable extends Error {}

/** Compare with the scheme; '0' (OSV's "since the beginning") is below every version. */
function compare(scheme: VersionScheme, a: string, b: string): number {
  if (a === ZERO || b === ZERO) {
    return a === b ? 0 : a === ZERO ? -1 : 1;
  }
  if (!scheme.isValid(a)) {
    throw new Incomparable(`"${a}" is not a valid ${scheme.id} version`);
  }
  if (!scheme.isValid(b)) {
    throw new Incomparable(`"${b}" is not a valid ${scheme.id} version`);
  }
  return scheme.compare(a, b);
}

function describeSpan(introduced: string | undefined, end: Event | undefined): string {
  const parts = [`>=${introduced ?? ZERO}`];
  if (end?.kind === 'fixed') {
    parts.push(`<${end.version}`);
  } else if (end?.kind === 'last_affected') {
    parts.push(`<=${end.version}`);
  }
  return parts.join(', ');
}

function matchRange(version: string, range: OsvRange, rangeIndex: number, scheme: VersionScheme): MatchResult {
  const events: Event[] = [];
  range.events.forEach((raw, order) => {
    const event = eventOf(raw, order);
    if (event) {
      events.push(event);
    }
  });
  const cmp = (a: string, b: string): number => compare(scheme, a, b);
  // Limits bound the range from above.
  const limits = events.filter((e) => e.kind === 'limit');
  const comparisons: string[] = [];
  if (limits.length > 0) {
    const below = limits.find((l) => cmp(version, l.version) < 0);
    if (!below) {
      return { kind: 'not-affected' };
    }
    comparisons.push(`${version} < ${below.version} (limit)`);
  }
  const sorted = events
    .filter((e) => e.kind !== 'limit')
    .sort((a, b) => {
      const byVersion = cmp(a.version, b.version);
      return byVersion !== 0 ? byVersion : a.order - b.order;
    });
  let affected = false;
  let introducedAt: Event | undefined;
  for (const event of sorted) {
    if (event.kind === 'introduced') {
      if (cmp(version, event.version) >= 0) {
        affected = true;
        introducedAt = event;
      }
    } else if (event.kind === 'fixed') {
      if (cmp(version, event.version) >= 0) {
        affected = false;
      }
    } else if (event.kind === 'last_affected') {
      if (cmp(version, event.version) > 0) {
        affected = false;
      }
    }
  }
  if (!affected || !introducedAt) {
    return { kind: 'not-affected' };
  }
  comparisons.push(`${version} >= ${introducedAt.version} (introduced)`);
  // The end of the span the version is in: the first fixed or last_affected after its introduced.
  const after = sorted.slice(sorted.indexOf(introducedAt) + 1);
  const end = after.find((e) => e.kind === 'fixed' || e.kind === 'last_affected');
  if (end?.kind === 'fixed') {
    comparisons.push(`${version} < ${end.version} (fixed)`);
  } else if (end?.kind === 'last_affected') {
    comparisons.push(`${version} <= ${end.version} (last_affected)`);
  }
  // The fix to recommend: the lowest fixed version above the installed one.
  const fix = sorted.find((e) => e.kind === 'fixed' && cmp(e.version, version) > 0);
  return {
    kind: 'affected',
    ...(fix ? { fixedIn: fix.version } : {}),
    range: describeSpan(introducedAt.version, end),
    proof: {
      by: 'range',
      rangeIndex,
      rangeType: range.type,
      events: range.events,
      comparisons,
    },
  };
}

/**
 * Match an installed version against one OSV affected entry with the package's version scheme.
 * An explicit `versions` hit or any affected range wins over indeterminate ranges; when no range
 * says affected and one could not be evaluated, the answer is indeterminate.
 */
export function matchAffected(version: string, affected: OsvAffected, scheme: VersionScheme): MatchResult {
  if (!scheme.isValid(version)) {
    return { kind: 'indeterminate', reason: `installed version "${version}" is not a valid ${scheme.id} version` };
  }
  let indeterminate: string | undefined;
  const ranges = affected.ranges ?? [];
  for (const [index, range] of ranges.entries()) {
    if (range.type !== 'SEMVER' && range.type !== 'ECOSYSTEM') {
      continue; // GIT ranges name commits; the versions list carries what they resolve to
    }
    try {
      const result = matchRange(version, range, index, scheme);
      if (result.kind === 'affected') {
        return result;
      }
    } catch (error) {
      if (!(error instanceof Incomparable)) {
        throw error;
      }
      indeterminate ??= `range ${index + 1}: ${error.message}`;
    }
  }
  for (const listed of affected.versions ?? []) {
    let equal = listed === version;
    if (!equal && scheme.isValid(listed)) {
      equal = scheme.compare(listed, version) === 0;
    }
    if (equal) {
      const fix = firstFixAbove(version, ranges, scheme);
      return {
        kind: 'affected',
        ...(fix ? { fixedIn: fix } : {}),
        range: 'in versions list',
        proof: { by: 'versions', comparisons: [`${version} == ${listed} (versions)`] },
      };
    }
  }
  return indeterminate ? { kind: 'indeterminate', reason: indeterminate } : { kind: 'not-affected' };
}

function firstFixAbove(version: string, ranges: readonly OsvRange[], scheme: VersionScheme): string | undefined {
  let best: string | undefined;
  for (const range of ranges) {
    if (range.type !== 'SEMVER' && range.type !== 'ECOSYSTEM') {
      continue;
    }
    for (const event of range.events) {
      if (!('fixed' in event) || !scheme.isValid(event.fixed)) {
        continue;
      }
      if (scheme.compare(event.fixed, version) > 0 && (best === undefined || scheme.compare(event.fixed, best) < 0)) {
        best = event.fixed;
      }
    }
  }
  return best;
}
