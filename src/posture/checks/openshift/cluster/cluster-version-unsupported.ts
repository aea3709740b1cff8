/**
 * The cluster must run a supported OpenShift minor version and follow a supported update channel.
 * Reads: ClusterVersion (config.openshift.io/v1) status.desired.version and spec.channel; whether
 *   the scan shows an ARO cluster (an aro.openshift.io object, or the openshift-azure-operator
 *   namespace that the ARO operator runs in).
 * Version: the minor of status.desired.version (the release the cluster runs or is updating to)
 *   against OPENSHIFT_LIFECYCLE (lib/openshift-versions.ts). A minor is supported while its
 *   maintenance support lasts (end dates are fixed at GA); on an eus-4.y channel an even minor is
 *   supported until the end of its first Extended Update Support term, except on ARO, which
 *   supports stable channels only. A minor newer than the table's newest is supported (released
 *   after the table); one older than its oldest is not. Checks read no clock: support is judged as
 *   of OPENSHIFT_LIFECYCLE.asOf, and the table is refreshed with each Palisade release.
 *   settings.openshiftSupport in the config overrides both: asOf judges the table as of another
 *   date, oldestSupportedMinor replaces the table ("this minor and newer are supported").
 * Channel: compliant stable-4.y, or eus-4.y (even y, not on ARO), with y at least the running
 *   minor. Unset: the cluster version operator recommends no update. fast-, candidate- and other
 *   channels carry releases Red Hat and ARO do not support for production.
 * Absent status.desired.version (a manifest, or an export without status): indeterminate.
 * ARO keeps its own calendar (https://learn.microsoft.com/azure/openshift/support-lifecycle;
 *   ARO_LIFECYCLE, which the ARO-resource version check uses); ARO end-of-life dates have followed Red Hat's end of
 *   maintenance to within weeks, so this check uses Red Hat's table for both.
 * Source: Red Hat OpenShift Container Platform Life Cycle Policy
 *   (https://access.redhat.com/support/policy/updates/openshift); OpenShift "Understanding update
 *   channels and releases"; Azure Red Hat OpenShift support lifecycle ("supports stable channels only").
 */
import { z } from 'zod';
import type { Resource, Violation } from '#core';
import { type CheckContext, type CheckOutcome, defineCheck, indeterminate, outcome } from '../../../check.ts';
import { parseObject } from '../../../lib/object.ts';
import {
  compareMinor,
  decideSupport,
  formatMinor,
  type Minor,
  OPENSHIFT_LIFECYCLE,
  parseMinor,
} from '../../../lib/openshift-versions.ts';

const CONFIG_GROUP = 'config.openshift.io';
const ARO_OPERATOR_NAMESPACE = 'openshift-azure-operator';
const CHANNEL = /^(?<prefix>[a-z]+)-(?<major>\d+)\.(?<minor>\d+)$/;

const ClusterVersionSchema = z.looseObject({
  spec: z.looseObject({ channel: z.string().nullish() }).nullish(),
  status: z
    .looseObject({
      desired: z.looseObject({ version: z.string().nullish() }).nullish(),
    })
    .nullish(),
});

/** Whether the scan shows an Azure Red Hat OpenShift cluster. */
export function isAroCluster(ctx: Pick<CheckContext, 'inventory'>): boolean {
  return (
    ctx.inventory.resources.some((r) => r.group === 'aro.openshift.io') ||
    ctx.inventory.namespaces().includes(ARO_OPERATOR_NAMESPACE)
  );
}

function channelViolations(channel: string, running: Minor, aro: boolean): Violation[] {
  const stable = `stable-${formatMinor(running)}`;
  if (channel === '') {
    return [
      {
        path: 'spec.channel',
        message: `spec.channel is not set, so the cluster version operator recommends no updates; set ${stable}`,
      },
    ];
  }
  const m = CHANNEL.exec(channel)?.groups;
  const prefix = m?.prefix ?? '';
  const target: Minor | undefined = m ? { major: Number(m.major), minor: Number(m.minor) } : undefined;
  if (!target || (prefix !== 'stable' && prefix !== 'eus')) {
    const why = aro ? 'Azure Red Hat OpenShift supports stable channels only' : 'use a stable or eus channel';
    return [
      {
        path: 'spec.channel',
        message: `spec.channel is "${channel}", a channel not meant for production clusters; ${why} (${stable})`,
        actual: channel,
      },
    ];
  }
  if (prefix === 'eus' && aro) {
    return [
      {
        path: 'spec.channel',
        message: `spec.channel is "${channel}", but Azure Red Hat OpenShift supports stable channels only (${stable})`,
        actual: channel,
      },
    ];
  }
  if (prefix === 'eus' && target.minor % 2 !== 0) {
    return [
      {
        path: 'spec.channel',
        message: `spec.channel is "${channel}", but Extended Update Support channels exist only for even minors, so the cluster gets no update recommendations`,
        actual: channel,
      },
    ];
  }
  if (compareMinor(target, running) < 0) {
    return [
      {
        path: 'spec.channel',
        message: `spec.channel is "${channel}", older than the running ${formatMinor(running)}, so it does not contain the cluster's release and recommends no updates; set ${stable}`,
        actual: channel,
      },
    ];
  }
  return [];
}

export const clusterVersionUnsupported = defineCheck<Resource>({
  meta: {
    id: 'PAL-OCP-0205',
    slug: 'cluster-version-unsupported',
    title: 'Cluster runs an unsupported OpenShift version or update channel',
    description:
      'An OpenShift minor version past its end of support no longer receives security fixes, and a cluster without a supported update channel gets no recommended updates. ARO clusters outside support are not covered by the SLA.',
    severity: 'medium',
    maturity: 'stable',
    targets: [{ kind: 'ClusterVersion', apiGroup: CONFIG_GROUP }],
    scope: 'cluster',
    admission: false,
    securityControl: 'apply-system-updates',
    frameworks: [
      { framework: 'aro-landing-zone', control: 'ARO-OPS-1' },
      { framework: 'aro-landing-zone', control: 'ARO-OPS-2' },
      { framework: 'mcsb-v1', control: 'PV-6' },
    ],
    remediation: {
      summary:
        'Set a stable channel (on ARO) or a stable or eus channel for the running minor, then update to a supported minor version.',
      steps: [
        'Set the channel for the running minor with the command below, <x.y> being the running minor (for example 4.19).',
        'List the recommended updates: oc adm upgrade',
        'Update one minor at a time: set the channel of the next minor (stable-<x.y+1>), then oc adm upgrade --to-latest=true.',
      ],
      command: 'oc adm upgrade channel stable-<x.y>',
      kubernetesPatch: 'spec:\n  channel: stable-<x.y>\n',
    },
    references: [
      'https://access.redhat.com/support/policy/updates/openshift',
      'https://learn.microsoft.com/azure/openshift/support-lifecycle',
      'https://docs.openshift.com/container-platform/latest/updating/understanding_updates/understanding-update-channels-release.html',
    ],
  },
  evaluate(resource, ctx): CheckOutcome {
    const object = parseObject(ClusterVersionSchema, resource);
    const version = object.status?.desired?.version ?? '';
    const running = parseMinor(version);
    if (!running) {
      return indeterminate(
        version === ''
          ? 'status.desired.version is not set, so the running version is unknown; export the live object with oc get clusterversion version -o yaml'
          : `status.desired.version "${version}" is not a version number`,
      );
    }
    const channel = object.spec?.channel ?? '';
    const aro = isAroCluster(ctx);
    const eus = !aro && channel.startsWith('eus-');
    const violations: Violation[] = [];
    const { status, basis } = decideSupport(running, OPENSHIFT_LIFECYCLE, ctx.settings.openshiftSupport, { eus });
    if (!status.supported) {
      const oldest = status.oldestSupported ? `; the oldest supported minor is ${status.oldestSupported}` : '';
      violations.push({
        path: 'status.desired.version',
        message: `${status.reason} (${basis})${oldest}`,
        actual: version,
      });
    }
    violations.push(...channelViolations(channel, running, aro));
    return outcome(violations);
  },
});
