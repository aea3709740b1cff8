/**
 * Helpers shared by the ARO cluster checks: the cluster's node profiles (master, worker profiles
 * and the worker profiles' live status), reading fields of ARM sub-resources that come either in
 * the REST shape (`{ id, name, properties: { subnet: { id } } }`) or flattened by the Azure CLI
 * (`{ id, name, subnet: { id } }`), and the network and subscription relations the landing-zone
 * checks follow.
 * Sources: ARM REST API reference for Microsoft.RedHatOpenShift/openShiftClusters (API 2025-07-25,
 * https://learn.microsoft.com/rest/api/openshift/open-shift-clusters/get), for virtual networks and
 * peerings (https://learn.microsoft.com/rest/api/virtualnetwork/virtual-networks/get) and for
 * bastion hosts (https://learn.microsoft.com/rest/api/virtualnetwork/bastion-hosts/get).
 */
import { type AzureView, isUnresolved, type Violation } from '#core';
import { sameId } from '#inventory';
import { type CheckContext, type CheckOutcome, indeterminate, outcome } from '../../../../check.ts';
import {
  type AzureResource,
  azureOfType,
  fieldOf,
  lastSegment,
  type Reading,
  read,
  sameText,
} from '../../../../lib/azure.ts';

export { lastSegment, sameId };

export const ARO_CLUSTER = 'Microsoft.RedHatOpenShift/openShiftClusters';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A dotted path ('subnet.id', 'privateLinkServiceConnectionState.status') read from an ARM
 * sub-resource: each segment is looked up on the object itself and, when missing there, under its
 * `properties` (REST shape). Keys compare case-insensitively; null counts as absent; a template
 * expression Palisade cannot evaluate is unknown.
 */
export function field(value: unknown, path: string): Reading {
  let current: unknown = value;
  for (const segment of path.split('.')) {
    if (isUnresolved(current)) {
      break;
    }
    if (!isRecord(current)) {
      return { state: 'absent' };
    }
    let next = fieldOf(current, segment);
    if (next === undefined || next === null) {
      const properties = fieldOf(current, 'properties');
      next = isRecord(properties) ? fieldOf(properties, segment) : undefined;
    }
    if (next === undefined || next === null) {
      return { state: 'absent' };
    }
    current = next;
  }
  if (isUnresolved(current)) {
    return { state: 'unknown', reason: `${path} is ${current.expression}, which ${current.reason}` };
  }
  return { state: 'set', value: current };
}

/** The text of a reading that holds a non-empty string. */
export function text(reading: Reading): string | undefined {
  return reading.state === 'set' && typeof reading.value === 'string' && reading.value !== ''
    ? reading.value
    : undefined;
}

/** One node profile of a cluster: where it is in the ARM object and how messages name it. */
export interface NodeProfile {
  /** 'properties.masterProfile', 'properties.workerProfiles[1]', 'properties.workerProfilesStatus[0]'. */
  readonly path: string;
  /** 'the master profile', 'worker profile "worker"', 'worker profile status "aro-x-worker-eastus1"'. */
  readonly label: string;
}

/**
 * The cluster's node profiles: the master profile, every entry of `workerProfiles` (the profiles
 * the cluster was created with) and of `workerProfilesStatus` (read-only, the MachineSets the
 * cluster runs now, which include any added after creation). An unknown array (a template
 * expression) is returned as a reason instead.
 */
export function nodeProfiles(azure: AzureView): { readonly profiles: NodeProfile[]; readonly unknown: string[] } {
  const profiles: NodeProfile[] = [{ path: 'properties.masterProfile', label: 'the master profile' }];
  const unknown: string[] = [];
  for (const [key, noun] of [
    ['workerProfiles', 'worker profile'],
    ['workerProfilesStatus', 'worker profile status'],
  ] as const) {
    const reading = read(azure, `properties.${key}`);
    if (reading.state === 'unknown') {
      unknown.push(reading.reason);
      continue;
    }
    if (reading.state !== 'set' || !Array.isArray(reading.value)) {
      continue;
    }
    reading.value.forEach((item: unknown, i) => {
      const name = text(field(item, 'name'));
      profiles.push({
        path: `properties.${key}[${i}]`,
        label: name === undefined ? `${noun} #${i}` : `${noun} "${name}"`,
      });
    });
  }
  return { profiles, unknown };
}

/**
 * One property of every node profile: `judge` returns the violation message for a profile whose
 * value (set or absent) does not comply, undefined when it does. Fails with one violation per
 * profile; otherwise indeterminate when a value or a profile list is a template expression.
 */
export function checkNodeProfiles(
  azure: AzureView,
  property: string,
  judge: (label: string, reading: Exclude<Reading, { state: 'unknown' }>) => string | undefined,
): CheckOutcome {
  const { profiles, unknown } = nodeProfiles(azure);
  const violations: Violation[] = [];
  const unknownPaths: Violation[] = unknown.map((reason) => ({ path: 'properties.workerProfiles', message: reason }));
  for (const profile of profiles) {
    const path = `${profile.path}.${property}`;
    const reading = read(azure, path);
    if (reading.state === 'unknown') {
      unknownPaths.push({ path, message: reading.reason });
      continue;
    }
    const message = judge(profile.label, reading);
    if (message !== undefined) {
      violations.push({ path, message, ...(reading.state === 'set' ? { actual: reading.value } : {}) });
    }
  }
  if (violations.length > 0) {
    return outcome(violations);
  }
  if (unknownPaths.length > 0) {
    return indeterminate([...new Set(unknownPaths.map((u) => u.message))].join('; '), unknownPaths);
  }
  return outcome([]);
}

/** The id of the virtual network a subnet id belongs to ('/.../virtualNetworks/v/subnets/s' → '/.../virtualNetworks/v'). */
export function vnetOfSubnet(subnetId: string): string | undefined {
  const match = /^(?<vnet>\/.+\/providers\/microsoft\.network\/virtualnetworks\/[^/]+)\/subnets\/[^/]+$/i.exec(
    subnetId,
  );
  return match?.groups?.vnet;
}

/**
 * Whether two resources may share a subscription: equal subscription ids, or one of them does not
 * say (a template resource has no id; a template is deployed into one subscription).
 */
export function sameSubscription(a: AzureView, b: AzureView): boolean {
  return (
    a.subscriptionId === undefined || b.subscriptionId === undefined || sameText(a.subscriptionId, b.subscriptionId)
  );
}

/** A peering seen from one side: the VNet that holds it and the remote VNet, both lowercased ids. */
export interface Peering {
  readonly local: string;
  readonly remote: string;
}

/**
 * Peering state: a peering carries traffic once it is `Connected` (both sides exist). A template
 * peering has no state yet (read-only), so an absent state counts as connected.
 */
function connects(peering: unknown): boolean {
  const state = field(peering, 'peeringState');
  return state.state !== 'set' || sameText(state.value, 'Connected');
}

/**
 * Every connected VNet peering in the inventory: from `virtualNetworkPeerings` inside
 * `Microsoft.Network/virtualNetworks` resources, and from
 * `Microsoft.Network/virtualNetworks/virtualNetworkPeerings` child resources
 * (`az network vnet peering list`). `known` holds the (lowercased) ids of the VNets whose peerings
 * the input states in full: a VNet resource with properties, or one with peering children.
 */
export function peeringsIn(ctx: CheckContext): { readonly peerings: Peering[]; readonly known: Set<string> } {
  return ctx.memo('aro:vnet-peerings', () => {
    const peerings: Peering[] = [];
    const known = new Set<string>();
    for (const vnet of azureOfType(ctx, 'Microsoft.Network/virtualNetworks')) {
      const id = vnet.azure.id?.toLowerCase();
      if (id === undefined || vnet.azure.propertiesUnknown) {
        continue;
      }
      const list = read(vnet.azure, 'properties.virtualNetworkPeerings');
      if (list.state === 'unknown') {
        continue;
      }
      known.add(id);
      for (const peering of list.state === 'set' && Array.isArray(list.value) ? list.value : []) {
        const remote = text(field(peering, 'remoteVirtualNetwork.id'));
        if (remote !== undefined && connects(peering)) {
          peerings.push({ local: id, remote: remote.toLowerCase() });
        }
      }
    }
    for (const child of azureOfType(ctx, 'Microsoft.Network/virtualNetworks/virtualNetworkPeerings')) {
      const local = child.azure.parent?.id?.toLowerCase();
      if (local === undefined || child.azure.propertiesUnknown) {
        continue;
      }
      known.add(local);
      const remote = text(read(child.azure, 'properties.remoteVirtualNetwork.id'));
      if (remote !== undefined && connects(child.azure.arm.properties)) {
        peerings.push({ local, remote: remote.toLowerCase() });
      }
    }
    return { peerings, known };
  });
}

/** Whether two VNets (lowercased ids) are peered and connected, from either side's record. */
export function arePeered(peerings: readonly Peering[], a: string, b: string): boolean {
  return peerings.some((p) => (p.local === a && p.remote === b) || (p.local === b && p.remote === a));
}

/** The resources of a type in the inventory that may belong to the cluster's subscription. */
export function inClusterSubscription(ctx: CheckContext, cluster: AzureResource, type: string): AzureResource[] {
  return azureOfType(ctx, type).filter((r) => sameSubscription(cluster.azure, r.azure));
}
