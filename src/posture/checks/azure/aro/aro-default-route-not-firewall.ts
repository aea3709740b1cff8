/**
 * ARO cluster with user-defined routing whose master or worker subnet does not send its default
 * route to a firewall. Cross-resource:
 *   - the cluster: `properties.networkProfile.outboundType` (only UserDefinedRouting clusters
 *     route egress along their subnets' route tables), `properties.masterProfile.subnetId`,
 *     `properties.workerProfiles[*].subnetId` and `properties.workerProfilesStatus[*].subnetId`;
 *   - each subnet: a `Microsoft.Network/virtualNetworks/subnets` resource with that id
 *     (`az network vnet subnet show`), or the inline `properties.subnets[*]` of its
 *     `Microsoft.Network/virtualNetworks` (matched by id or name); its `properties.routeTable.id`;
 *   - the `Microsoft.Network/routeTables` resource: inline `properties.routes[*]` (flattened as
 *     `routes[*]` by `az network route-table show`) and `Microsoft.Network/routeTables/routes`
 *     children, each with `addressPrefix` and `nextHopType`.
 * Compliant: every subnet has a route table with a route whose addressPrefix is "0.0.0.0/0" and
 * whose nextHopType is "VirtualAppliance" (Azure Firewall or an NVA), compared case-insensitively.
 * Absent: a subnet without routeTable has only the system routes (0.0.0.0/0 to Internet), so it
 * fails; a route table without a 0.0.0.0/0 route fails the same way.
 * Not applicable: outboundType other than UserDefinedRouting (absent is the API default
 * Loadbalancer); aro-outbound-not-udr (PAL-ARO-0003) reports those clusters.
 * Indeterminate: a subnet, its virtual network or its route table is not in the input, or a value
 * is a template expression (the reason names the `az` command that exports what is missing).
 * Not checked: that the next hop IP address is the firewall's (the firewall may be in another
 * subscription); the check trusts any VirtualAppliance next hop.
 * No built-in Azure Policy checks this for ARO subnets.
 * Sources: https://learn.microsoft.com/azure/openshift/howto-restrict-egress;
 *   https://learn.microsoft.com/azure/cloud-adoption-framework/scenarios/app-platform/azure-red-hat-openshift/network-topology-connectivity;
 *   https://learn.microsoft.com/rest/api/virtualnetwork/route-tables/get (RouteNextHopType:
 *   VirtualNetworkGateway | VnetLocal | Internet | VirtualAppliance | None);
 *   https://learn.microsoft.com/rest/api/virtualnetwork/subnets/get (SubnetPropertiesFormat.routeTable)
 */
import type { Violation } from '#core';
import { type CheckContext, type CheckOutcome, indeterminate, notApplicable, outcome } from '../../../check.ts';
import {
  type AzureResource,
  azureById,
  childrenOf,
  defineAzureCheck,
  type Reading,
  read,
  readArray,
  sameText,
  show,
} from '../../../lib/azure.ts';
import { ARO_CLUSTER, field, lastSegment, nodeProfiles, sameId, text, vnetOfSubnet } from './lib/aro.ts';

const VNET = 'Microsoft.Network/virtualNetworks';
const SUBNET = 'Microsoft.Network/virtualNetworks/subnets';
const ROUTE_TABLE = 'Microsoft.Network/routeTables';
const ROUTE = 'Microsoft.Network/routeTables/routes';
const DEFAULT_PREFIX = '0.0.0.0/0';
const FIREWALL_HOP = 'VirtualAppliance';

/** A subnet the cluster's nodes use: its id as written, the roles using it and the first profile path. */
interface ClusterSubnet {
  readonly id: string;
  readonly roles: Set<'master' | 'worker'>;
  readonly path: string;
}

type Step<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

function unknownStep(reason: string): { readonly ok: false; readonly reason: string } {
  return { ok: false, reason };
}

function label(subnet: ClusterSubnet): string {
  const roles = [...subnet.roles].sort().join(' and ');
  return `${roles} subnet "${lastSegment(subnet.id)}"`;
}

/** The subnet's routeTable.id reading, from a subnet resource or the VNet's inline subnets. */
function routeTableOf(ctx: CheckContext, subnet: ClusterSubnet): Step<Reading> {
  const resource = azureById(ctx, SUBNET).get(subnet.id.toLowerCase());
  if (resource !== undefined) {
    const reading = read(resource.azure, 'properties.routeTable.id');
    return reading.state === 'unknown'
      ? unknownStep(`${label(subnet)}: ${reading.reason}`)
      : { ok: true, value: reading };
  }
  const exportSubnet = `export it with \`az network vnet subnet show --ids ${subnet.id}\``;
  const vnetId = vnetOfSubnet(subnet.id);
  const vnet = vnetId === undefined ? undefined : azureById(ctx, VNET).get(vnetId.toLowerCase());
  if (vnet === undefined) {
    return unknownStep(
      `the input has neither the ${label(subnet)} nor its virtual network, so its route table is unknown; ${exportSubnet}`,
    );
  }
  const inline = readArray(vnet.azure, 'properties.subnets');
  if (inline.state === 'unknown') {
    return unknownStep(`virtual network "${vnet.azure.name}": ${inline.reason}; ${exportSubnet}`);
  }
  const name = lastSegment(subnet.id);
  const item = (inline.items ?? []).find((entry) => {
    const id = text(field(entry, 'id'));
    return id !== undefined ? sameId(id, subnet.id) : sameText(text(field(entry, 'name')), name);
  });
  const child =
    item === undefined
      ? childrenOf(ctx, vnet, SUBNET).find((c) => sameText(lastSegment(c.azure.name), name))
      : undefined;
  if (item === undefined && child === undefined) {
    return unknownStep(
      `the input has virtual network "${vnet.azure.name}" but not its ${label(subnet)}, so its route table is unknown; ${exportSubnet}`,
    );
  }
  const reading = child === undefined ? field(item, 'routeTable.id') : read(child.azure, 'properties.routeTable.id');
  return reading.state === 'unknown'
    ? unknownStep(`${label(subnet)}: ${reading.reason}`)
    : { ok: true, value: reading };
}

/** What the route table does with 0.0.0.0/0: a firewall route, another next hop, no route, or unknown. */
type DefaultRoute =
  | { readonly kind: 'firewall' }
  | { readonly kind: 'elsewhere'; readonly route: string; readonly nextHop: unknown }
  | { readonly kind: 'none' }
  | { readonly kind: 'unknown'; readonly reason: string };

function defaultRouteOf(ctx: CheckContext, table: AzureResource): DefaultRoute {
  const routes: { readonly name: string; readonly prefix: Reading; readonly hop: Reading }[] = [];
  const unknown: string[] = [];
  const inline = readArray(table.azure, 'properties.routes');
  if (inline.state === 'unknown') {
    unknown.push(inline.reason);
  }
  for (const route of inline.items ?? []) {
    routes.push({
      name: text(field(route, 'name')) ?? '(unnamed)',
      prefix: field(route, 'addressPrefix'),
      hop: field(route, 'nextHopType'),
    });
  }
  for (const child of childrenOf(ctx, table, ROUTE)) {
    routes.push({
      name: lastSegment(child.azure.name),
      prefix: read(child.azure, 'properties.addressPrefix'),
      hop: read(child.azure, 'properties.nextHopType'),
    });
  }
  let elsewhere: DefaultRoute | undefined;
  for (const { name, prefix, hop } of routes) {
    if (prefix.state === 'unknown') {
      unknown.push(`route "${name}": ${prefix.reason}`);
      continue;
    }
    if (text(prefix)?.trim() !== DEFAULT_PREFIX) {
      continue;
    }
    if (hop.state === 'unknown') {
      unknown.push(`route "${name}": ${hop.reason}`);
      continue;
    }
    if (hop.state === 'set' && sameText(hop.value, FIREWALL_HOP)) {
      return { kind: 'firewall' };
    }
    elsewhere ??= { kind: 'elsewhere', route: name, nextHop: hop.state === 'set' ? hop.value : undefined };
  }
  if (unknown.length > 0) {
    return { kind: 'unknown', reason: `route table "${table.azure.name}": ${[...new Set(unknown)].join('; ')}` };
  }
  return elsewhere ?? { kind: 'none' };
}

/** The subnets of the master and worker profiles, deduplicated by id; unknown or missing ids as reasons. */
function clusterSubnets(cluster: AzureResource): { readonly subnets: ClusterSubnet[]; readonly unknown: Violation[] } {
  const { profiles, unknown: unknownLists } = nodeProfiles(cluster.azure);
  const unknown: Violation[] = unknownLists.map((reason) => ({ path: 'properties.workerProfiles', message: reason }));
  const subnets = new Map<string, ClusterSubnet>();
  for (const profile of profiles) {
    const path = `${profile.path}.subnetId`;
    const reading = read(cluster.azure, path);
    if (reading.state === 'unknown') {
      unknown.push({ path, message: reading.reason });
      continue;
    }
    const id = text(reading);
    if (id === undefined || vnetOfSubnet(id) === undefined) {
      const what =
        reading.state === 'set' ? `is ${show(reading.value)}, which is not a subnet id` : 'is not in the input';
      unknown.push({
        path,
        message: `the subnet id of ${profile.label} ${what}; export the cluster with \`az aro show --name ${cluster.azure.name} --resource-group ${cluster.azure.resourceGroup ?? '<resource-group>'}\``,
      });
      continue;
    }
    const role = profile.path === 'properties.masterProfile' ? 'master' : 'worker';
    const existing = subnets.get(id.toLowerCase());
    if (existing) {
      existing.roles.add(role);
    } else {
      subnets.set(id.toLowerCase(), { id, roles: new Set([role]), path });
    }
  }
  return { subnets: [...subnets.values()], unknown };
}

const routeTableQuery = (id: string) =>
  `\`az network route-table show --ids ${id}\` (or \`az graph query -q "resources | where type =~ 'microsoft.network/routetables' | where id =~ '${id}'"\`)`;

export const aroDefaultRouteNotFirewall = defineAzureCheck({
  meta: {
    id: 'PAL-ARO-0013',
    slug: 'aro-default-route-not-firewall',
    title: "ARO cluster subnet's default route does not go to the firewall",
    description:
      "With the UserDefinedRouting outbound type the cluster has no public egress of its own: its master and worker subnets' route tables decide where traffic to the internet goes. Without a 0.0.0.0/0 route to the firewall (next hop VirtualAppliance), egress leaves uninspected through Azure's default internet route, or breaks, and the landing zone's egress filtering does not apply.",
    severity: 'medium',
    maturity: 'stable',
    types: [ARO_CLUSTER],
    scope: 'cluster',
    securityControl: 'restrict-unauthorized-network-access',
    frameworks: [
      { framework: 'aro-landing-zone', control: 'ARO-NET-3' },
      { framework: 'mcsb-v1', control: 'NS-3' },
    ],
    remediation: {
      summary:
        "Attach a route table to the cluster's master and worker subnets with a route 0.0.0.0/0, next hop type VirtualAppliance, to the private IP address of the Azure Firewall or network virtual appliance, and allow the ARO required endpoints on the firewall.",
      azureCli:
        'az network route-table route create --resource-group <route-table-resource-group> --route-table-name <route-table> --name default-to-firewall --address-prefix 0.0.0.0/0 --next-hop-type VirtualAppliance --next-hop-ip-address <firewall-private-ip>',
      steps: [
        "Replace <route-table> with the name of the route table on the subnet (the finding names the subnet; az network vnet subnet show --ids <subnet-id> --query routeTable.id) and <route-table-resource-group> with that route table's resource group, usually the virtual network's, not the cluster's. If the subnet has no route table, create one (az network route-table create --resource-group <route-table-resource-group> --name <route-table>) and attach it (az network vnet subnet update --ids <subnet-id> --route-table <route-table-id>), where <subnet-id> is the subnet's resource id and <route-table-id> the new table's.",
        'Replace <firewall-private-ip> with the private IP address of the firewall (az network firewall show --resource-group <firewall-resource-group> --name <firewall-name> --query "ipConfigurations[0].privateIPAddress", with the firewall\'s name and resource group) or of the network virtual appliance.',
        'If the route table already has a 0.0.0.0/0 route to another next hop, change that route instead (a table cannot hold two routes with the same prefix): az network route-table route update --resource-group <route-table-resource-group> --route-table-name <route-table> --name <route-name> --next-hop-type VirtualAppliance --next-hop-ip-address <firewall-private-ip>, where <route-name> is the route the finding names.',
        'Routes are child resources of the route table (Microsoft.Network/routeTables/routes), so no PATCH of the cluster applies. With ARM, PUT https://management.azure.com/subscriptions/<subscription-id>/resourceGroups/<route-table-resource-group>/providers/Microsoft.Network/routeTables/<route-table>/routes/default-to-firewall?api-version=2024-05-01 with the body {"properties":{"addressPrefix":"0.0.0.0/0","nextHopType":"VirtualAppliance","nextHopIpAddress":"<firewall-private-ip>"}}, where <subscription-id> is the route table\'s subscription.',
        'Allow the ARO required egress endpoints on the firewall before changing the route, or the cluster loses access to them.',
      ],
    },
    references: [
      'https://learn.microsoft.com/azure/openshift/howto-restrict-egress',
      'https://learn.microsoft.com/azure/cloud-adoption-framework/scenarios/app-platform/azure-red-hat-openshift/network-topology-connectivity',
      'https://learn.microsoft.com/azure/cloud-adoption-framework/scenarios/app-platform/azure-red-hat-openshift/security',
      'https://learn.microsoft.com/rest/api/virtualnetwork/route-tables/get',
      'https://learn.microsoft.com/rest/api/virtualnetwork/routes/create-or-update',
    ],
  },
  evaluate(resource, ctx): CheckOutcome {
    const outbound = read(resource.azure, 'properties.networkProfile.outboundType');
    if (outbound.state === 'unknown') {
      return indeterminate(outbound.reason, [
        { path: 'properties.networkProfile.outboundType', message: outbound.reason },
      ]);
    }
    if (outbound.state === 'absent' || !sameText(outbound.value, 'UserDefinedRouting')) {
      const value = outbound.state === 'set' ? show(outbound.value) : 'not set (the API default is Loadbalancer)';
      return notApplicable(
        `networkProfile.outboundType is ${value}, so egress does not follow the subnets' route tables; aro-outbound-not-udr reports that`,
      );
    }
    const { subnets, unknown } = clusterSubnets(resource);
    const violations: Violation[] = [];
    for (const subnet of subnets) {
      const tableRef = routeTableOf(ctx, subnet);
      if (!tableRef.ok) {
        unknown.push({ path: subnet.path, message: tableRef.reason });
        continue;
      }
      const tableId = text(tableRef.value);
      if (tableId === undefined) {
        violations.push({
          path: subnet.path,
          message: `${label(subnet)} has no route table, so its egress takes the system route 0.0.0.0/0 to Internet instead of the firewall; attach a route table with a route 0.0.0.0/0 to a VirtualAppliance`,
        });
        continue;
      }
      const table = azureById(ctx, ROUTE_TABLE).get(tableId.toLowerCase());
      if (table === undefined) {
        unknown.push({
          path: subnet.path,
          message: `the input does not have route table "${lastSegment(tableId)}" of the ${label(subnet)}, so its routes are unknown; export it with ${routeTableQuery(tableId)}`,
        });
        continue;
      }
      const route = defaultRouteOf(ctx, table);
      if (route.kind === 'unknown') {
        unknown.push({ path: subnet.path, message: `${route.reason}; export it with ${routeTableQuery(tableId)}` });
      } else if (route.kind === 'none') {
        violations.push({
          path: subnet.path,
          message: `${label(subnet)} uses route table "${table.azure.name}", which has no route for 0.0.0.0/0, so egress takes the system route to Internet instead of the firewall; add a route 0.0.0.0/0 with next hop type VirtualAppliance`,
        });
      } else if (route.kind === 'elsewhere') {
        const hop = route.nextHop === undefined ? 'no next hop type' : `next hop type ${show(route.nextHop)}`;
        violations.push({
          path: subnet.path,
          message: `${label(subnet)} uses route table "${table.azure.name}", whose route "${route.route}" sends 0.0.0.0/0 to ${hop}, not to the firewall; set its next hop type to VirtualAppliance`,
          ...(route.nextHop === undefined ? {} : { actual: route.nextHop }),
        });
      }
    }
    if (violations.length > 0) {
      return outcome(violations);
    }
    if (unknown.length > 0) {
      return indeterminate([...new Set(unknown.map((u) => u.message))].join('; '), unknown);
    }
    return outcome([]);
  },
});
