/**
 * ARO cluster running an OpenShift minor version outside the supported window. Reads
 * `properties.clusterProfile.version` (`clusterProfile.version` in `az aro show`), "4.y.z".
 * Compliant: minor version ≥ N − 1, where N is the newest minor version in the ARO release calendar
 * that ARO offers for new installs (the landing-zone guidance: stay on N or N − 1; a newer minor reached
 * by update, available in the fast channel before ARO installs it, is supported too, so anything
 * newer than N passes).
 * Absent: the resource provider installs its default version, the latest it offers (N), so an
 * absent version complies (a template that does not pin `clusterProfile.version`).
 * Not updatable through ARM: `clusterProfile.version` is not mutable in Azure/ARO-RP
 * pkg/api/v20250725/openshiftcluster.go; the cluster is updated from inside (ClusterVersion), and
 * the in-cluster view (`status.desired.version`, update channel) is checked on the OpenShift side.
 *
 * The calendar is ARO_LIFECYCLE in lib/openshift-versions.ts (shared with the in-cluster
 * ClusterVersion check, which keeps Red Hat's calendar beside it): the "Azure Red Hat OpenShift
 * release calendar" table of https://learn.microsoft.com/azure/openshift/support-lifecycle, page
 * last updated 2025-11-14 (read 2026-04-17, the calendar's asOf). 4.20 has no install date
 * ("Coming soon"), so N = 4.19 and the oldest compliant minor is 4.18. A minor at or above N − 1
 * that is past its end of life on the stable channel fails too (none as of the calendar's date).
 * Palisade reads no clock and no network: settings.openshiftSupport in the config overrides the
 * calendar: asOf judges it as of another date (N counts the minors installable by then),
 * oldestSupportedMinor replaces the window ("this minor and newer are supported").
 * No built-in Azure Policy targets Microsoft.RedHatOpenShift/openShiftClusters.
 */
import { type CheckOutcome, indeterminate, outcome, PASS } from '../../../check.ts';
import { defineAzureCheck, read, show } from '../../../lib/azure.ts';
import {
  ARO_LIFECYCLE,
  ARO_RELEASES,
  decideSupport,
  formatMinor,
  type Minor,
  parseMinor,
} from '../../../lib/openshift-versions.ts';
import { ARO_CLUSTER } from './lib/aro.ts';

function lifecycleNote(m: Minor): string {
  const release = ARO_RELEASES.find((r) => r.minor === formatMinor(m));
  if (release === undefined) {
    return `; ${formatMinor(m)} is older than the release calendar, long out of support`;
  }
  const eus =
    release.eusEndOfLife === undefined ? '' : `, ${release.eusEndOfLife} on the eus-${formatMinor(m)} channel`;
  return `; the release calendar gives ${formatMinor(m)} an end of life of ${release.endOfLife}${eus}`;
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
      azureCli:
        'az aro get-admin-kubeconfig --name {name} --resource-group {resourceGroup} --file {name}.kubeconfig && oc --kubeconfig {name}.kubeconfig adm upgrade channel stable-<next-minor> && oc --kubeconfig {name}.kubeconfig adm upgrade --to-latest=true',
      steps: [
        'The version is changed by the cluster version operator inside the cluster, not through ARM: clusterProfile.version cannot be patched, so the az command fetches an admin kubeconfig and runs oc with it (from a host that reaches the API server; for a private cluster, inside the virtual network).',
        'List the versions ARO supports in the region: az aro get-versions --location <region>.',
        'Replace <next-minor> with the minor version after the running one (4.17 on 4.16, for example), after checking in the Red Hat OpenShift update graph that it is reachable; wait until oc adm upgrade lists the update of the new channel, then update, repeating until the cluster is on a supported minor version.',
        'Delete the admin kubeconfig file afterwards: it holds cluster-admin credentials.',
      ],
    },
    references: [
      'https://learn.microsoft.com/azure/openshift/support-lifecycle',
      'https://learn.microsoft.com/azure/openshift/howto-upgrade',
      'https://learn.microsoft.com/azure/templates/microsoft.redhatopenshift/openshiftclusters',
    ],
  },
  evaluate(resource, ctx): CheckOutcome {
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
    const { status, basis } = decideSupport(version, ARO_LIFECYCLE, ctx.settings.openshiftSupport);
    if (status.supported) {
      return PASS;
    }
    return outcome([
      {
        path,
        message: `clusterProfile.version is ${show(reading.value)}: ${status.reason} (${basis})${lifecycleNote(version)}`,
        actual: reading.value,
      },
    ]);
  },
});
