/**
 * The cluster must run a supported OpenShift minor version and follow a supported update channel.
 * Reads: ClusterVersion (config.openshift.io/v1) status.desired.version and spec.channel; whether
 *   the scan shows an ARO cluster (an aro.openshift.io object, or the openshift-azure-operator
 *   namespace that the ARO operator runs in).
 * Version: the minor of status.desired.version (the release the cluster runs or is updating to)
 *   against OPENSHIFT_LIFECYCLE below. A minor is supported while its maintenance support lasts
 *   (end dates are fixed at GA); on an eus-4.y channel an even minor is supported until the end of
 *   its first Extended Update Support term, except on ARO, which supports stable channels only.
 *   A minor newer than the table's newest is supported (released after the table); one older than
 *   its oldest is not. Checks read no clock: support is judged as of OPENSHIFT_LIFECYCLE.asOf,
 *   and the table is refreshed with each Palisade release.
 * Channel: compliant stable-4.y, or eus-4.y (even y, not on ARO), with y at least the running
 *   minor. Unset: the cluster version operator recommends no update. fast-, candidate- and other
 *   channels carry releases Red Hat and ARO do not support for production.
 * Absent status.desired.version (a manifest, or an export without status): indeterminate.
 * ARO keeps its own calendar (https://learn.microsoft.com/azure/openshift/support-lifecycle; the
 *   ARO-resource version check has its table); ARO end-of-life dates have followed Red Hat's end of
 *   maintenance to within weeks, so this check uses Red Hat's table for both.
 * Source: Red Hat OpenShift Container Platform Life Cycle Policy
 *   (https://access.redhat.com/support/policy/updates/openshift); OpenShift "Understanding update
 *   channels and releases"; Azure Red Hat OpenShift support lifecycle ("supports stable channels only").
 */
import { z } from 'zod';
import { compileParser, InputError, type Resource, type Violation } from '#core';
import { type CheckContext, type CheckOutcome, defineCheck, indeterminate, outcome } from '../../../check.ts';

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

/**
 * Red Hat OpenShift Container Platform 4 life cycle, oldest first. Dates are fixed at each minor's
 * GA. Shared with the ARO-resource version check so that the two can be unified.
 */
export const OPENSHIFT_LIFECYCLE: {
  readonly asOf: string;
  readonly source: string;
  readonly minors: readonly MinorLifecycle[];
} = {
  asOf: '2026-11-23',
  source: 'https://access.redhat.com/support/policy/updates/openshift',
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

const CONFIG_GROUP = 'config.openshift.io';
const ARO_OPERATOR_NAMESPACE = 'openshift-azure-operator';
const CHANNEL = /^(?<prefix>[a-z]+)-(?<major>\d+)\.(?<minor>\d+)$/;
const VERSION = /^(?<major>\d+)\.(?<minor>\d+)(?:\.\d+)?/;

const ClusterVersionSchema = z.looseObject({
  spec: z.looseObject({ channel: z.string().nullish() }).nullish(),
  status: z
    .looseObject({
      desired: z.looseObject({ version: z.string().nullish() }).nullish(),
    })
    .nullish(),
});

function parse<T>(schema: z.ZodType<T>, resource: Resource): T {
  const parsed = compileParser(schema)(resource.object);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new InputError('input.invalid', `${resource.kind} "${resource.name}" is invalid: ${issues}`);
  }
  return parsed.data;
}

interface Minor {
  readonly major: number;
  readonly minor: number;
}

function compareMinor(a: Minor, b: Minor): number {
  return a.major - b.major || a.minor - b.minor;
}

function minorOf(text: string): Minor | undefined {
  const m = VERSION.exec(text)?.groups;
  return m ? { major: Number(m.major), minor: Number(m.minor) } : undefined;
}

const text = (m: Minor) => `${m.major}.${m.minor}`;

/** Whether the scan shows an Azure Red Hat OpenShift cluster. */
export function isAroCluster(ctx: Pick<CheckContext, 'inventory'>): boolean {
  return (
    ctx.inventory.resources.some((r) => r.group === 'aro.openshift.io') ||
    ctx.inventory.namespaces().includes(ARO_OPERATOR_NAMESPACE)
  );
}

export type SupportStatus =
  | { readonly supported: true }
  | { readonly supported: false; readonly reason: string; readonly oldestSupported?: string };

/** Whether a minor is supported as of OPENSHIFT_LIFECYCLE.asOf, on an EUS channel or not. */
export function supportStatus(version: Minor, eus: boolean): SupportStatus {
  const { asOf, minors } = OPENSHIFT_LIFECYCLE;
  const endOf = (m: MinorLifecycle) => (eus && m.eusEnds ? m.eusEnds : m.maintenanceEnds);
  const oldest = minors.find((m) => endOf(m) > asOf)?.minor;
  const entry = minors.find((m) => m.minor === text(version));
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
  if (last && compareMinor(version, minorOf(last.minor) ?? version) > 0) {
    return { supported: true };
  }
  return {
    supported: false,
    reason: `OpenShift ${text(version)} is older than ${first?.minor ?? 'every minor in the table'} and out of support`,
    ...(oldest === undefined ? {} : { oldestSupported: oldest }),
  };
}

function channelViolations(channel: string, running: Minor, aro: boolean): Violation[] {
  const stable = `stable-${text(running)}`;
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
        message: `spec.channel is "${channel}", older than the running ${text(running)}, so it does not contain the cluster's release and recommends no updates; set ${stable}`,
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
    const object = parse(ClusterVersionSchema, resource);
    const version = object.status?.desired?.version ?? '';
    const running = minorOf(version);
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
    const status = supportStatus(running, eus);
    if (!status.supported) {
      const oldest = status.oldestSupported ? `; the oldest supported minor is ${status.oldestSupported}` : '';
      violations.push({
        path: 'status.desired.version',
        message: `${status.reason} (Red Hat OpenShift life cycle as of ${OPENSHIFT_LIFECYCLE.asOf})${oldest}`,
        actual: version,
      });
    }
    violations.push(...channelViolations(channel, running, aro));
    return outcome(violations);
  },
});
