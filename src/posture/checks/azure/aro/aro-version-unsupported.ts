/**
 * ARO cluster running an OpenShift minor version outside the supported window. Reads
 * `properties.clusterProfile.version` (`clusterProfile.version` in `az aro show`), "4.y.z".
 * Compliant: minor version ≥ N − 1, where N is the newest minor version in ARO_RELEASES below that
 * ARO offers for new installs (the landing-zone guidance: stay on N or N − 1; a newer minor reached
 * by update, available in the fast channel before ARO installs it, is supported too, so anything
 * newer than N passes).
 * Absent: the resource provider installs its default version, the latest it offers (N), so an
 * absent version complies (a template that does not pin `clusterProfile.version`).
 * Not updatable through ARM: `clusterProfile.version` is not mutable in Azure/ARO-RP
 * pkg/api/v20250725/openshiftcluster.go; the cluster is updated from inside (ClusterVersion), and
 * the in-cluster view (`status.desired.version`, update channel) is checked on the OpenShift side.
 *
 * ARO_RELEASES is the single place to update when ARO publishes a new minor version: Palisade reads
 * no clock and no network, and CheckSettings has no field to override the window. Its rows are the
 * "Azure Red Hat OpenShift release calendar" table of
 * https://learn.microsoft.com/azure/openshift/support-lifecycle, page last updated 2025-11-14 (read
 * 2026-04-17). That page no longer states an N/N − 1 rule: each minor version is supported until
 * its end-of-life date (stable channel; eus channel for even minors from 4.16). In the table 4.20
 * has no install date ("Coming soon"), so N = 4.19 and the oldest compliant minor is 4.18 (end of
 * life 2026-08-25, 2027-02-25 on eus-4.18); 4.17 reached end of life on 2026-04-01. When 4.20 gets
 * an install date, fill in installAvailability and the window moves to 4.19.
 * No built-in Azure Policy targets Microsoft.RedHatOpenShift/openShiftClusters.
 */
import { type CheckOutcome, indeterminate, outcome, PASS } from '../../../check.ts';
import { defineAzureCheck, read, show } from '../../../lib/azure.ts';
import { ARO_CLUSTER } from './lib/aro.ts';

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

/** The ARO release calendar (see the header for its source and date). Oldest first. */
export const ARO_RELEASES: readonly AroRelease[] = [
  { minor: '4.15', installAvailability: '2024-09-04', endOfLife: '2025-08-27' },
  { minor: '4.16', installAvailability: '2025-03-10', endOfLife: '2025-12-27', eusEndOfLife: '2026-06-27' },
  { minor: '4.17', installAvailability: '2025-06-05', endOfLife: '2026-04-01' },
  { minor: '4.18', installAvailability: '2025-11-06', endOfLife: '2026-08-25', eusEndOfLife: '2027-02-25' },
  { minor: '4.19', installAvailability: '2025-12-16', endOfLife: '2026-12-17' },
  { minor: '4.20', endOfLife: '2027-04-21', eusEndOfLife: '2027-10-21' },
];

export const ARO_CALENDAR_DATE = '2025-11-14';

interface Minor {
  readonly major: number;
  readonly minor: number;
}

function parseMinor(version: string): Minor | undefined {
  const match = /^v?(?<major>\d+)\.(?<minor>\d+)(?:\.\d+)?(?:[-+].*)?$/.exec(version.trim());
  if (!match?.groups) {
    return undefined;
  }
  return { major: Number(match.groups.major), minor: Number(match.groups.minor) };
}

function compare(a: Minor, b: Minor): number {
  return a.major - b.major || a.minor - b.minor;
}

/** N (the newest minor ARO installs) and N − 1, the oldest supported minor, from a calendar. */
export function supportedWindow(releases: readonly AroRelease[]): { readonly newest: Minor; readonly oldest: Minor } {
  const installable = releases
    .filter((r) => r.installAvailability !== undefined)
    .map((r) => parseMinor(r.minor))
    .filter((m): m is Minor => m !== undefined)
    .sort(compare);
  const newest = installable.at(-1);
  if (newest === undefined) {
    throw new Error('the ARO release calendar lists no installable version');
  }
  return { newest, oldest: { major: newest.major, minor: newest.minor - 1 } };
}

const WINDOW = supportedWindow(ARO_RELEASES);

function text(m: Minor): string {
  return `${m.major}.${m.minor}`;
}

function lifecycleNote(m: Minor): string {
  const release = ARO_RELEASES.find((r) => r.minor === text(m));
  if (release === undefined) {
    return `; ${text(m)} is older than the release calendar, long out of support`;
  }
  const eus = release.eusEndOfLife === undefined ? '' : `, ${release.eusEndOfLife} on the eus-${text(m)} channel`;
  return `; the release calendar gives ${text(m)} an end of life of ${release.endOfLife}${eus}`;
}

export const aroVersionUnsupported = defineAzureCheck({
  meta: {
    id: 'PAL-ARO-0007',
    slug: 'aro-version-unsupported',
    title: 'ARO cluster runs an OpenShift version outside the supported window',
    description:
      'Azure Red Hat OpenShift supports each OpenShift minor version only until its end-of-life date, and the landing-zone guidance is to stay on the latest minor version ARO installs or the one before it. A cluster on an older minor version no longer gets security fixes, is outside the SLA and may have no supported update path left.',
    severity: 'medium',
    maturity: 'stable',
    types: [ARO_CLUSTER],
    securityControl: 'apply-system-updates',
    frameworks: [
      { framework: 'aro-landing-zone', control: 'ARO-OPS-1' },
      { framework: 'mcsb-v1', control: 'PV-6' },
    ],
    remediation: {
      summary:
        'Update the cluster to a supported minor version: switch to the stable (or eus) channel of the next minor version and update one minor version at a time.',
      command: 'oc adm upgrade channel stable-<next-minor> && oc adm upgrade --to-latest=true',
      steps: [
        'List the versions ARO supports in the region: az aro get-versions --location <region>.',
        'Check that the next minor version is reachable from the current one (Red Hat OpenShift update graph), then switch channel and update, repeating until the cluster is on a supported minor version.',
      ],
    },
    references: [
      'https://learn.microsoft.com/azure/openshift/support-lifecycle',
      'https://learn.microsoft.com/azure/openshift/howto-upgrade',
      'https://learn.microsoft.com/azure/templates/microsoft.redhatopenshift/openshiftclusters',
    ],
  },
  evaluate(resource): CheckOutcome {
    const path = 'properties.clusterProfile.version';
    const reading = read(resource.azure, path);
    if (reading.state === 'unknown') {
      return indeterminate(reading.reason, [{ path, message: reading.reason }]);
    }
    if (reading.state === 'absent') {
      return PASS;
    }
    const version = typeof reading.value === 'string' ? parseMinor(reading.value) : undefined;
    if (version === undefined) {
      const reason = `clusterProfile.version is ${show(reading.value)}, which is not an OpenShift version (major.minor.patch)`;
      return indeterminate(reason, [{ path, message: reason }]);
    }
    if (compare(version, WINDOW.oldest) >= 0) {
      return PASS;
    }
    return outcome([
      {
        path,
        message: `clusterProfile.version is ${show(reading.value)}: minor version ${text(version)} is older than ${text(WINDOW.oldest)}, the oldest ARO supports (N = ${text(WINDOW.newest)} and N-1 in the ARO release calendar of ${ARO_CALENDAR_DATE})${lifecycleNote(version)}`,
        actual: reading.value,
      },
    ]);
  },
});
