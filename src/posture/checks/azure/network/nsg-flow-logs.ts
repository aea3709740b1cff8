/**
 * Network security group traffic is not flow-logged with at least 90 days' retention. Reads the
 * `Microsoft.Network/networkWatchers/flowLogs` resources of the input: `properties.targetResourceId`,
 * `properties.enabled`, `properties.retentionPolicy.enabled` and `properties.retentionPolicy.days`;
 * and the NSG's read-only `properties.subnets[*].id`, `properties.networkInterfaces[*].id` and
 * `properties.flowLogs[*].id`.
 * Compliant: an enabled flow log with `retentionPolicy.enabled` true and `retentionPolicy.days` 0
 * (kept forever) or at least 90 (CIS 6.5's audit) targets the NSG itself, or, since NSG flow logs
 * can no longer be created (June 30, 2025) and retire on September 30, 2027, every subnet and network
 * interface the NSG is attached to is covered by such a virtual network flow log (targeting the
 * virtual network, the subnet or the interface).
 * Absent: `enabled` not set is treated as disabled (the REST API documents no default, and exports
 * always print it); no `retentionPolicy` means retention was never enabled (the API defaults are
 * `enabled` false, `days` 0), which CIS 6.5 fails; `days` absent with retention enabled is 0.
 * A missing flow log is only a failure when the input holds flow logs of the NSG's region (so the
 * region's flow logs were exported); otherwise the check is indeterminate and says which
 * `az network watcher flow-log list --location` to run.
 * Azure Policy c251913d-7d24-4958-af87-478ed3b9ba41 "Flow logs should be configured for every network
 * security group" and 27960feb-a23c-4577-8d36-ef8b5f35e0be "All flow log resources should be in
 * enabled state".
 * No ARM patch: the fix is on a flow log resource, not on the network security group.
 * Sources: https://learn.microsoft.com/rest/api/network-watcher/flow-logs/get,
 * https://learn.microsoft.com/azure/network-watcher/nsg-flow-logs-overview,
 * https://learn.microsoft.com/azure/network-watcher/vnet-flow-logs-overview
 */
import type { CheckContext, CheckOutcome } from '../../../check.ts';
import { indeterminate, PASS } from '../../../check.ts';
import { type AzureResource, azureOfType, defineAzureCheck, read, readArray } from '../../../lib/azure.ts';
import { idOf, lastSegment, parentOfId, sameId, sameLocation } from './lib/arm.ts';

const FLOW_LOG = 'Microsoft.Network/networkWatchers/flowLogs';

type Verdict =
  | { readonly kind: 'ok' }
  | { readonly kind: 'bad'; readonly problems: readonly string[] }
  | { readonly kind: 'unknown'; readonly reason: string };

/** Whether a flow log is enabled and keeps records long enough. */
function judge(log: AzureResource): Verdict {
  const problems: string[] = [];
  const unknown: string[] = [];
  const enabled = read(log.azure, 'properties.enabled');
  if (enabled.state === 'unknown') {
    unknown.push(enabled.reason);
  } else if (enabled.state === 'absent') {
    problems.push('enabled is not set (no default is documented; treated as disabled)');
  } else if (enabled.value !== true) {
    problems.push(`enabled is ${JSON.stringify(enabled.value)}`);
  }
  const retention = read(log.azure, 'properties.retentionPolicy.enabled');
  const days = read(log.azure, 'properties.retentionPolicy.days');
  if (retention.state === 'unknown') {
    unknown.push(retention.reason);
  } else if (retention.state === 'absent') {
    problems.push('retentionPolicy.enabled is not set (the API default is false: no retention policy)');
  } else if (retention.value !== true) {
    problems.push(`retentionPolicy.enabled is ${JSON.stringify(retention.value)}`);
  } else if (days.state === 'unknown') {
    unknown.push(days.reason);
  } else if (days.state === 'set' && !(days.value === 0 || (typeof days.value === 'number' && days.value >= 90))) {
    problems.push(`retentionPolicy.days is ${JSON.stringify(days.value)}; it must be 0 (keep forever) or at least 90`);
  }
  if (problems.length > 0) {
    return { kind: 'bad', problems };
  }
  return unknown.length > 0 ? { kind: 'unknown', reason: unknown.join('; ') } : { kind: 'ok' };
}

interface Association {
  /** 'subnet "snet-web"', 'network interface "nic1"'. */
  readonly label: string;
  /** Targets whose flow log covers it: the subnet and its virtual network, or the interface. */
  readonly targets: readonly string[];
}

function associations(nsg: AzureResource): { readonly list: Association[]; readonly unknown: string[] } {
  const list: Association[] = [];
  const unknown: string[] = [];
  for (const [path, kind] of [
    ['properties.subnets', 'subnet'],
    ['properties.networkInterfaces', 'network interface'],
  ] as const) {
    const reading = readArray(nsg.azure, path);
    if (reading.state === 'unknown') {
      unknown.push(reading.reason);
    }
    for (const item of reading.items ?? []) {
      const ref = idOf(item, path);
      if (ref.state === 'unknown') {
        unknown.push(ref.reason);
      } else if (ref.state === 'set') {
        const vnet = kind === 'subnet' ? parentOfId(ref.id, 'subnets') : undefined;
        list.push({
          label: `${kind} "${lastSegment(ref.id)}"`,
          targets: vnet === undefined ? [ref.id] : [ref.id, vnet],
        });
      }
    }
  }
  return { list, unknown };
}

function describe(log: AzureResource, target: string, problems: readonly string[]): string {
  return `flow log "${lastSegment(log.azure.name)}" on "${lastSegment(target)}": ${problems.join(', and ')}`;
}

function evaluate(nsg: AzureResource, ctx: CheckContext): CheckOutcome {
  const logs: { readonly log: AzureResource; readonly target: string }[] = [];
  const unknown: string[] = [];
  const all = azureOfType(ctx, FLOW_LOG);
  for (const log of all) {
    const target = read(log.azure, 'properties.targetResourceId');
    if (target.state === 'set' && typeof target.value === 'string') {
      logs.push({ log, target: target.value });
    } else if (target.state === 'unknown') {
      unknown.push(`flow log "${lastSegment(log.azure.name)}": ${target.reason}`);
    }
  }
  const direct = logs.filter((l) => sameId(l.target, nsg.azure.id));
  if (direct.some((l) => judge(l.log).kind === 'ok')) {
    return PASS;
  }
  const assoc = associations(nsg);
  const covering = (a: Association) => logs.filter((l) => a.targets.some((t) => sameId(t, l.target)));
  if (assoc.list.length > 0 && assoc.list.every((a) => covering(a).some((l) => judge(l.log).kind === 'ok'))) {
    return PASS;
  }

  const relevant = [...direct, ...assoc.list.flatMap(covering)].filter(
    (l, i, list) => list.findIndex((m) => m.log === l.log) === i,
  );
  const violations = relevant.flatMap(({ log, target }) => {
    const verdict = judge(log);
    if (verdict.kind === 'unknown') {
      unknown.push(`flow log "${lastSegment(log.azure.name)}": ${verdict.reason}`);
    }
    return verdict.kind === 'bad'
      ? [{ path: 'properties.flowLogs', message: describe(log, target, verdict.problems) }]
      : [];
  });
  if (violations.length > 0) {
    return { status: 'fail', violations };
  }

  unknown.push(...assoc.unknown);
  const referenced = readArray(nsg.azure, 'properties.flowLogs');
  for (const item of referenced.items ?? []) {
    const ref = idOf(item, 'properties.flowLogs');
    if (ref.state === 'set' && !all.some((log) => sameId(log.azure.id, ref.id))) {
      unknown.push(
        `the network security group lists flow log "${lastSegment(ref.id)}", which is not in the input; export it with \`az network watcher flow-log show --ids ${ref.id}\``,
      );
    }
  }
  const location = nsg.azure.location;
  const uncovered = assoc.list.filter((a) => !covering(a).some((l) => judge(l.log).kind === 'ok'));
  const scope =
    uncovered.length === 0
      ? 'this network security group'
      : `this network security group or its ${uncovered.map((a) => a.label).join(', ')}`;
  const exportHint = `export the flow logs of its region with \`az network watcher flow-log list --location ${location ?? '<location>'}\``;
  if (unknown.length > 0) {
    return indeterminate(`no flow log in the input is known to cover ${scope}: ${unknown.join('; ')}`);
  }
  if (location === undefined || !all.some((log) => sameLocation(log.azure.location, location))) {
    return indeterminate(`the input has no flow log of the region of ${scope}; ${exportHint}`);
  }
  return {
    status: 'fail',
    violations: [
      {
        path: 'properties.flowLogs',
        message: `no enabled flow log with 90 days' retention covers ${scope} (the input has the flow logs of ${location})`,
      },
    ],
  };
}

export const nsgFlowLogs = defineAzureCheck({
  meta: {
    id: 'PAL-AZR-0206',
    slug: 'nsg-flow-logs',
    title: 'Network security group traffic is not flow-logged for at least 90 days',
    description:
      'Flow logs record which connections the NSG allowed and denied. Without them, or with less than 90 days of them, an intrusion found weeks later cannot be traced through the network: which addresses reached which machines, and what left.',
    severity: 'medium',
    maturity: 'stable',
    types: ['Microsoft.Network/networkSecurityGroups'],
    scope: 'cluster',
    securityControl: 'enable-auditing-and-logging',
    frameworks: [
      { framework: 'mcsb-v1', control: 'LT-4' },
      { framework: 'cis-azure-2.0', control: '6.5' },
    ],
    remediation: {
      summary:
        'Log the traffic with a virtual network flow log on the NSG’s virtual network (new NSG flow logs can no longer be created), enabled, with retention 0 or at least 90 days; raise the retention of an existing flow log with `az network watcher flow-log update --location <location> --name <flow-log> --enabled true --retention 90`.',
      azureCli:
        'az network watcher flow-log create --location <location> --name {name}-flowlog --vnet <vnet-id> --storage-account <storage-account-id> --enabled true --retention 90',
      steps: [
        'A flow log is a separate resource (Microsoft.Network/networkWatchers/flowLogs, in NetworkWatcher_<location> of NetworkWatcherRG), not a property of the NSG, so no ARM patch of the NSG applies.',
        'Replace <location> with the region of the NSG and its virtual network, <vnet-id> with the resource id of the virtual network whose subnets or network interfaces use the NSG (az network vnet show --resource-group <resource-group> --name <vnet-name> --query id), and <storage-account-id> with the resource id of a storage account in the same region.',
        'To raise the retention of an existing flow log, replace <flow-log> in the update command of the summary with its name (az network watcher flow-log list --location <location>).',
      ],
    },
    references: [
      'https://learn.microsoft.com/azure/network-watcher/vnet-flow-logs-overview',
      'https://learn.microsoft.com/azure/network-watcher/nsg-flow-logs-overview',
      'https://learn.microsoft.com/cli/azure/network/watcher/flow-log',
      'https://learn.microsoft.com/rest/api/network-watcher/flow-logs/get',
    ],
  },
  evaluate,
});
