/**
 * OpenShift minor versions and the two support calendars the supported-version checks judge them
 * by: Red Hat's OpenShift Container Platform life cycle (cluster-version-unsupported, the in-cluster
 * ClusterVersion) and the Azure Red Hat OpenShift release calendar (aro-version-unsupported, the ARM
 * resource's clusterProfile.version). The two differ: ARO installs a minor months after Red Hat
 * ships it, and the landing-zone guidance for ARO is to stay on N or N − 1 of the minors ARO
 * installs, where Red Hat supports each minor until the end of its maintenance (or first Extended
 * Update Support) term. Both are kept, each with the date it was read and its sources.
 *
 * Checks read no clock and no network: support is judged as of a calendar's `asOf` date, which is
 * refreshed with each Palisade release. `settings.openshiftSupport` in the config overrides this for
 * both checks: `asOf` judges the calendars as of another date, `oldestSupportedMinor` replaces the
 * calendars' windows with "this minor and newer are supported, older ones are not".
 */
import { UsageError } from '#core';

/** An OpenShift minor version: 4.18 is { major: 4, minor: 18 }. */
export interface Minor {
  readonly major: number;
  readonly minor: number;
}

/**
 * The minor of a version text: '4.18', '4.18.30', 'v4.18.30', '4.19.0-rc.3',
 * '4.20.0-0.nightly-2025-10-01-123456'. Undefined for anything else ('latest', '4', '4.18.3.1').
 */
export function parseMinor(version: string): Minor | undefined {
  const groups = /^v?(?<major>\d+)\.(?<minor>\d+)(?:\.\d+)?(?:[-+].*)?$/.exec(version.trim())?.groups;
  return groups ? { major: Number(groups.major), minor: Number(groups.minor) } : undefined;
}

/** Negative when a is older than b, zero when equal, positive when newer. */
export function compareMinor(a: Minor, b: Minor): number {
  return a.major - b.major || a.minor - b.minor;
}

/** '4.18'. */
export function formatMinor(m: Minor): string {
  return `${m.major}.${m.minor}`;
}

/** One minor of the Red Hat OpenShift Container Platform life cycle. */
export interface MinorLifecycle {
  /** '4.16' */
  readonly minor: string;
  /** General availability, ISO date. */
  readonly ga: string;
  /** End of maintenance support, ISO date. */
  readonly maintenanceEnds: string;
  /** End of the first Extended Update Support term (even minors, eus channels), ISO date. */
  readonly eusEnds?: string;
}

export interface OpenShiftLifecycle {
  readonly kind: 'red-hat';
  /** The date the calendar was read; support is judged as of it unless the config says otherwise. */
  readonly asOf: string;
  readonly sources: readonly string[];
  /** Oldest first, one entry per minor with no gaps. */
  readonly minors: readonly MinorLifecycle[];
}

/**
 * Red Hat OpenShift Container Platform 4 life cycle, oldest first. Dates are fixed at each minor's
 * GA; a new minor adds a row.
 */
export const OPENSHIFT_LIFECYCLE: OpenShiftLifecycle = {
  kind: 'red-hat',
  asOf: '2026-11-23',
  sources: ['https://access.redhat.com/support/policy/updates/openshift'],
  minors: [
    { minor: '4.12', ga: '2023-01-17', maintenanceEnds: '2024-07-17', eusEnds: '2025-01-17' },
    { minor: '4.13', ga: '2023-05-17', maintenanceEnds: '2024-11-17' },
    { minor: '4.14', ga: '2023-10-31', maintenanceEnds: '2025-05-01', eusEnds: '2025-10-31' },
    { minor: '4.15', ga: '2024-02-27', maintenanceEnds: '2025-08-27' },
    { minor: '4.16', ga: '2024-06-27', maintenanceEnds: '2025-12-27', eusEnds: '2026-06-27' },
    { minor: '4.17', ga: '2024-10-01', maintenanceEnds: '2026-04-01' },
    { minor: '4.18', ga: '2025-02-25', maintenanceEnds: '2026-08-25', eusEnds: '2027-02-25' },
    { minor: '4.19', ga: '2025-06-17', maintenanceEnds: '2026-12-17' },
    { minor: '4.20', ga: '2025-10-21', maintenanceEnds: '2027-04-21', eusEnds: '2027-10-21' },
    { minor: '4.21', ga: '2026-02-03', maintenanceEnds: '2027-08-03' },
  ],
};

/** One row of the Azure Red Hat OpenShift release calendar. */
export interface AroRelease {
  /** '4.19' */
  readonly minor: string;
  /** Azure Red Hat OpenShift install availability (ISO date); absent while "Coming soon". */
  readonly installAvailability?: string;
  /** End of life on the stable channel (ISO date). */
  readonly endOfLife: string;
  /** End of life with Extended Update Support Term 1 (even minors from 4.16), on the eus channel. */
  readonly eusEndOfLife?: string;
}

export interface AroLifecycle {
  readonly kind: 'aro';
  /** The date the calendar was read; support is judged as of it unless the config says otherwise. */
  readonly asOf: string;
  /** The date the source page was last updated, as messages cite it ("the ARO release calendar of …"). */
  readonly published: string;
  readonly sources: readonly string[];
  /** Oldest first. */
  readonly releases: readonly AroRelease[];
}

/**
 * The "Azure Red Hat OpenShift release calendar" table of the support-lifecycle page, last updated
 * 2025-11-14, read 2026-04-17. The page no longer states an N/N − 1 rule: each minor is supported
 * until its end-of-life date (stable channel; eus channel for even minors from 4.16); the
 * landing-zone guidance keeps N/N − 1. 4.20 has no install date ("Coming soon"), so N = 4.19 and
 * the oldest compliant minor is 4.18; 4.17 reached end of life on 2026-04-01. When 4.20 gets an
 * install date, fill in installAvailability (and asOf) and the window moves to 4.19.
 */
export const ARO_LIFECYCLE: AroLifecycle = {
  kind: 'aro',
  asOf: '2026-04-17',
  published: '2025-11-14',
  sources: ['https://learn.microsoft.com/azure/openshift/support-lifecycle'],
  releases: [
    { minor: '4.15', installAvailability: '2024-09-04', endOfLife: '2025-08-27' },
    { minor: '4.16', installAvailability: '2025-03-10', endOfLife: '2025-12-27', eusEndOfLife: '2026-06-27' },
    { minor: '4.17', installAvailability: '2025-06-05', endOfLife: '2026-04-01' },
    { minor: '4.18', installAvailability: '2025-11-06', endOfLife: '2026-08-25', eusEndOfLife: '2027-02-25' },
    { minor: '4.19', installAvailability: '2025-12-16', endOfLife: '2026-12-17' },
    { minor: '4.20', endOfLife: '2027-04-21', eusEndOfLife: '2027-10-21' },
  ],
};

/** The ARO release calendar's rows (ARO_LIFECYCLE.releases). */
export const ARO_RELEASES: readonly AroRelease[] = ARO_LIFECYCLE.releases;

/** The date of the ARO support-lifecycle page the calendar was read from. */
export const ARO_CALENDAR_DATE: string = ARO_LIFECYCLE.published;

/** Either calendar. */
export type SupportCalendar = OpenShiftLifecycle | AroLifecycle;

/**
 * The config override (`settings.openshiftSupport`), validated at the config edge. Set at most one
 * of the two.
 */
export interface OpenShiftSupportSettings {
  /** This minor and newer ones are supported, older ones are not ('4.18'); replaces the calendars. */
  readonly oldestSupportedMinor?: string;
  /** Judge the calendars as of this date (YYYY-MM-DD) instead of the date they were read. */
  readonly asOf?: string;
}

/** How messages name the config key. */
export const OPENSHIFT_SUPPORT_SETTING = 'settings.openshiftSupport';

export type SupportStatus =
  | { readonly supported: true }
  | { readonly supported: false; readonly reason: string; readonly oldestSupported?: string };

/**
 * N (the newest minor ARO installs) and N − 1, the oldest supported minor, from a calendar; with
 * `asOf`, only minors installable on or before that date count.
 */
export function supportedWindow(
  releases: readonly AroRelease[],
  asOf?: string,
): { readonly newest: Minor; readonly oldest: Minor } {
  const installable = releases
    .filter((r) => r.installAvailability !== undefined && (asOf === undefined || r.installAvailability <= asOf))
    .map((r) => parseMinor(r.minor))
    .filter((m): m is Minor => m !== undefined)
    .sort(compareMinor);
  const newest = installable.at(-1);
  if (newest === undefined) {
    throw new Error(
      `the ARO release calendar lists no installable version${asOf === undefined ? '' : ` as of ${asOf}`}`,
    );
  }
  return { newest, oldest: { major: newest.major, minor: newest.minor - 1 } };
}

/**
 * Red Hat's rule: a minor is supported while its maintenance support lasts, or on an eus channel
 * (eus = true) until the end of its first EUS term when it has one. A minor newer than the
 * calendar's newest is supported (released after the calendar); one older than its oldest is not.
 */
export function supportStatus(
  version: Minor,
  eus: boolean,
  calendar: OpenShiftLifecycle = OPENSHIFT_LIFECYCLE,
  asOf: string = calendar.asOf,
): SupportStatus {
  const { minors } = calendar;
  const endOf = (m: MinorLifecycle) => (eus && m.eusEnds ? m.eusEnds : m.maintenanceEnds);
  const oldest = minors.find((m) => endOf(m) > asOf)?.minor;
  const entry = minors.find((m) => m.minor === formatMinor(version));
  if (entry) {
    if (endOf(entry) > asOf) {
      return { supported: true };
    }
    const phase = eus && entry.eusEnds ? 'Extended Update Support' : 'maintenance support';
    return {
      supported: false,
      reason: `OpenShift ${entry.minor} left ${phase} on ${endOf(entry)}`,
      ...(oldest === undefined ? {} : { oldestSupported: oldest }),
    };
  }
  const first = minors[0];
  const last = minors[minors.length - 1];
  if (last && compareMinor(version, parseMinor(last.minor) ?? version) > 0) {
    return { supported: true };
  }
  return {
    supported: false,
    reason: `OpenShift ${formatMinor(version)} is older than ${first?.minor ?? 'every minor in the table'} and out of support`,
    ...(oldest === undefined ? {} : { oldestSupported: oldest }),
  };
}

/** ARO's verdict on a minor, with the window it was judged against. */
export interface AroSupport {
  readonly status: SupportStatus;
  /** N, the newest minor ARO installs as of the date, and N − 1. */
  readonly window: { readonly newest: Minor; readonly oldest: Minor };
  /** Unsupported because the minor is past its end of life (not because it is older than N − 1). */
  readonly pastEndOfLife: boolean;
}

/**
 * ARO's rule: the minor must be N − 1 or newer (N the newest minor ARO installs as of the date)
 * and not past its end of life on the stable channel (ARO supports stable channels; the ARM
 * resource does not show the channel). A minor newer than N, reached by update, is supported.
 */
export function aroSupportStatus(
  version: Minor,
  calendar: AroLifecycle = ARO_LIFECYCLE,
  asOf: string = calendar.asOf,
): AroSupport {
  const window = supportedWindow(calendar.releases, asOf);
  const live = (r: AroRelease) => {
    const m = parseMinor(r.minor);
    return m !== undefined && compareMinor(m, window.oldest) >= 0 && r.endOfLife > asOf;
  };
  const oldestLive = calendar.releases.find(live)?.minor;
  const oldestSupported = oldestLive === undefined ? {} : { oldestSupported: oldestLive };
  const text = formatMinor(version);
  if (compareMinor(version, window.oldest) < 0) {
    const reason = `minor version ${text} is older than ${formatMinor(window.oldest)}, the oldest ARO supports`;
    return { status: { supported: false, reason, ...oldestSupported }, window, pastEndOfLife: false };
  }
  const release = calendar.releases.find((r) => r.minor === text);
  if (release !== undefined && release.endOfLife <= asOf) {
    const reason = `minor version ${text} is past its end of life`;
    return { status: { supported: false, reason, ...oldestSupported }, window, pastEndOfLife: true };
  }
  return { status: { supported: true }, window, pastEndOfLife: false };
}

/** A verdict and where it came from, for messages. */
export interface SupportDecision {
  readonly status: SupportStatus;
  /**
   * The basis of the verdict, for a parenthesis after the reason: 'Red Hat OpenShift life cycle as
   * of 2026-11-23', 'N = 4.19 and N-1 in the ARO release calendar of 2025-11-14',
   * 'settings.openshiftSupport.oldestSupportedMinor in the config'.
   */
  readonly basis: string;
  /** Whether the config decided the window or the date. */
  readonly fromConfig: boolean;
}

/**
 * Whether a minor is supported, by a calendar as of its date, or as the config's override says:
 * `oldestSupportedMinor` wins over the calendar, `asOf` replaces the calendar's date. `eus` (Red
 * Hat calendar only): the cluster follows an eus channel.
 */
export function decideSupport(
  version: Minor,
  calendar: SupportCalendar,
  override: OpenShiftSupportSettings | undefined,
  options: { readonly eus?: boolean } = {},
): SupportDecision {
  if (override?.oldestSupportedMinor !== undefined) {
    const oldest = parseMinor(override.oldestSupportedMinor);
    if (oldest === undefined || formatMinor(oldest) !== override.oldestSupportedMinor.trim()) {
      throw new UsageError(
        `${OPENSHIFT_SUPPORT_SETTING}.oldestSupportedMinor is "${override.oldestSupportedMinor}", not a minor version such as "4.18"`,
      );
    }
    const basis = `${OPENSHIFT_SUPPORT_SETTING}.oldestSupportedMinor in the config`;
    const status: SupportStatus =
      compareMinor(version, oldest) >= 0
        ? { supported: true }
        : {
            supported: false,
            reason: `${calendar.kind === 'aro' ? 'minor version' : 'OpenShift'} ${formatMinor(version)} is older than ${formatMinor(oldest)}, the oldest supported minor`,
          };
    return { status, basis, fromConfig: true };
  }
  const configuredAsOf = override?.asOf;
  if (configuredAsOf !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(configuredAsOf)) {
    throw new UsageError(`${OPENSHIFT_SUPPORT_SETTING}.asOf is "${configuredAsOf}", not a date as YYYY-MM-DD`);
  }
  const fromConfig = configuredAsOf !== undefined;
  const asOf = configuredAsOf ?? calendar.asOf;
  const configured = fromConfig ? ` from ${OPENSHIFT_SUPPORT_SETTING}.asOf in the config` : '';
  if (calendar.kind === 'red-hat') {
    const status = supportStatus(version, options.eus ?? false, calendar, asOf);
    return { status, basis: `Red Hat OpenShift life cycle as of ${asOf}${configured}`, fromConfig };
  }
  const { status, window, pastEndOfLife } = aroSupportStatus(version, calendar, asOf);
  const basis = pastEndOfLife
    ? `ARO release calendar of ${calendar.published}, as of ${asOf}${configured}`
    : `N = ${formatMinor(window.newest)} and N-1 in the ARO release calendar of ${calendar.published}${fromConfig ? `, as of ${asOf}${configured}` : ''}`;
  return { status, basis, fromConfig };
}
