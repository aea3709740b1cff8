/**
 * Private ARO cluster without an Azure Bastion host to reach it. Cross-resource:
 *   - the cluster: `properties.apiserverProfile.visibility` (only private clusters need one) and
 *     `properties.masterProfile.subnetId`, whose virtual network is the cluster's;
 *   - `Microsoft.Network/bastionHosts`: `properties.ipConfigurations[*].properties.subnet.id` (the
 *     AzureBastionSubnet, hence the bastion's VNet; flattened as `ipConfigurations[*].subnet.id` by
 *     `az network bastion show`), or, for the Developer SKU, which has no subnet,
 *     `properties.virtualNetwork.id`;
 *   - `Microsoft.Network/virtualNetworks` `properties.virtualNetworkPeerings[*].properties.remoteVirtualNetwork.id`
 *     and `.peeringState`, or `Microsoft.Network/virtualNetworks/virtualNetworkPeerings` children.
 * Compliant: a bastion host in the cluster's VNet, or (not the Developer SKU, which does not
 * support peering) in a VNet with a Connected peering to it (hub and spoke). A peering record from
 * either side counts.
 * Not applicable: clusters whose API server is public (absent visibility is the API default Public).
 * Indeterminate: no bastion host in the input, or no peering data for the VNets involved (the
 * reason names the `az` command that exports it), or an unknown value.
 * Related: CIS Azure 7.1 "Ensure an Azure Bastion Host Exists" asks for a bastion anywhere in the
 * subscription; this check asks for one that can reach the cluster.
 * Sources: https://learn.microsoft.com/azure/bastion/vnet-peering;
 *   https://learn.microsoft.com/azure/bastion/configuration-settings (SKUs, Developer SKU);
 *   https://learn.microsoft.com/azure/cloud-adoption-framework/scenarios/app-platform/azure-red-hat-openshift/security
 */
import type { Violation } from '#core';
import { type CheckOutcome, indeterminate, notApplicable, outcome, PASS } from '../../../check.ts';
import {
  type AzureResource,
  azureOfType,
  defineAzureCheck,
  read,
  readArray,
  sameText,
  show,
} from '../../../lib/azure.ts';
import { ARO_CLUSTER, arePeered, field, lastSegment, peeringsIn, text, vnetOfSubnet } from './lib/aro.ts';

const BASTION = 'Microsoft.Network/bastionHosts';

type BastionNetwork =
  | { readonly state: 'known'; readonly vnets: readonly string[]; readonly peeringSupported: boolean }
  | { readonly state: 'unknown'; readonly reason: string };

/** The VNets (ids as written) a bastion host sits in, from its IP configurations or its Developer-SKU VNet. */
function bastionNetwork(bastion: AzureResource): BastionNetwork {
  const configs = readArray(bastion.azure, 'properties.ipConfigurations');
  if (configs.state === 'unknown') {
    return { state: 'unknown', reason: `bastion host "${bastion.azure.name}": ${configs.reason}` };
  }
  const vnets = new Map<string, string>();
  for (const config of configs.items ?? []) {
    const subnet = field(config, 'subnet.id');
    if (subnet.state === 'unknown') {
      return { state: 'unknown', reason: `bastion host "${bastion.azure.name}": ${subnet.reason}` };
    }
    const vnet = vnetOfSubnet(text(subnet) ?? '');
    if (vnet !== undefined) {
      vnets.set(vnet.toLowerCase(), vnet);
    }
  }
  const own = read(bastion.azure, 'properties.virtualNetwork.id');
  if (own.state === 'unknown') {
    return { state: 'unknown', reason: `bastion host "${bastion.azure.name}": ${own.reason}` };
  }
  const ownId = text(own);
  if (ownId !== undefined) {
    vnets.set(ownId.toLowerCase(), ownId);
  }
  return { state: 'known', vnets: [...vnets.values()], peeringSupported: !isDeveloper(bastion) };
}

function isDeveloper(bastion: AzureResource): boolean {
  const sku = read(bastion.azure, 'sku.name');
  return sku.state === 'set' && sameText(sku.value, 'Developer');
}

const EXPORT_BASTIONS =
  '`az network bastion list` (or `az graph query -q "resources | where type =~ \'microsoft.network/bastionhosts\'"`)';

export const aroPrivateNoBastion = defineAzureCheck({
  meta: {
    id: 'PAL-ARO-0009',
    slug: 'aro-private-no-bastion',
    title: 'Private ARO cluster has no Azure Bastion host to reach it',
    description:
      "A private cluster's API server and console are reachable only from its virtual network and networks peered with it. Without an Azure Bastion host there, operators tend to open a jumpbox with a public IP or SSH port, which puts a management entry point on the internet.",
    severity: 'low',
    maturity: 'stable',
    types: [ARO_CLUSTER],
    scope: 'cluster',
    securityControl: 'secure-management-ports',
    frameworks: [{ framework: 'aro-landing-zone', control: 'ARO-NET-4' }],
    remediation: {
      summary:
        "Deploy an Azure Bastion host (Basic SKU or higher) in the hub virtual network peered with the cluster's virtual network, or in the cluster's own virtual network, and reach the cluster through a jumpbox without a public IP.",
      azureCli:
        'az network bastion create --name <bastion-name> --resource-group <hub-resource-group> --vnet-name <hub-vnet-name> --public-ip-address <public-ip-name> --location <region> --sku Standard',
      steps: [
        "The bastion host is a separate resource (Microsoft.Network/bastionHosts), not a property of the cluster, so no PATCH of the cluster applies. Replace <bastion-name> with a name for it, <hub-vnet-name> and <hub-resource-group> with the hub (or the cluster's) virtual network and its resource group, and <region> with that network's region.",
        'Add a subnet named AzureBastionSubnet (/26 or larger) to the hub or cluster virtual network: az network vnet subnet create --name AzureBastionSubnet --vnet-name <vnet-name> --resource-group <vnet-resource-group> --address-prefixes <prefix>/26.',
        'Create a Standard public IP for the bastion: az network public-ip create --name <public-ip-name> --resource-group <hub-resource-group> --sku Standard --location <region>.',
        'Create the bastion host, and peer the hub and the cluster virtual networks if the bastion is in the hub.',
      ],
    },
    references: [
      'https://learn.microsoft.com/azure/bastion/vnet-peering',
      'https://learn.microsoft.com/azure/bastion/configuration-settings',
      'https://learn.microsoft.com/azure/cloud-adoption-framework/scenarios/app-platform/azure-red-hat-openshift/security',
    ],
  },
  evaluate(resource, ctx): CheckOutcome {
    const visibility = read(resource.azure, 'properties.apiserverProfile.visibility');
    if (visibility.state === 'unknown') {
      return indeterminate(visibility.reason);
    }
    if (visibility.state === 'absent' || !sameText(visibility.value, 'Private')) {
      return notApplicable('the API server is public, so the cluster does not need a bastion host to be reached');
    }
    const subnetPath = 'properties.masterProfile.subnetId';
    const subnet = read(resource.azure, subnetPath);
    if (subnet.state === 'unknown') {
      return indeterminate(subnet.reason, [{ path: subnetPath, message: subnet.reason }]);
    }
    const clusterVnetId = vnetOfSubnet(text(subnet) ?? '');
    if (clusterVnetId === undefined) {
      const what =
        subnet.state === 'set'
          ? `masterProfile.subnetId is ${show(subnet.value)}, which is not a subnet id`
          : 'the input has no masterProfile.subnetId for this cluster';
      const reason = `${what}, so the cluster's virtual network is unknown; export the cluster with \`az aro show --name ${resource.azure.name} --resource-group ${resource.azure.resourceGroup ?? '<resource-group>'}\``;
      return indeterminate(reason, [{ path: subnetPath, message: reason }]);
    }
    const clusterVnet = clusterVnetId.toLowerCase();
    const bastions = azureOfType(ctx, BASTION);
    if (bastions.length === 0) {
      return indeterminate(
        `the input has no Microsoft.Network/bastionHosts, so whether one can reach the cluster's virtual network "${lastSegment(clusterVnetId)}" is unknown; export them with ${EXPORT_BASTIONS}`,
      );
    }
    const { peerings, known } = peeringsIn(ctx);
    const networks = bastions.map((bastion) => ({ bastion, network: bastionNetwork(bastion) }));
    for (const { network } of networks) {
      if (network.state !== 'known') {
        continue;
      }
      const vnets = network.vnets.map((vnet) => vnet.toLowerCase());
      if (vnets.includes(clusterVnet)) {
        return PASS;
      }
      if (network.peeringSupported && vnets.some((vnet) => arePeered(peerings, vnet, clusterVnet))) {
        return PASS;
      }
    }
    const unknown = networks.flatMap(({ network }) => (network.state === 'unknown' ? [network.reason] : []));
    if (unknown.length > 0) {
      return indeterminate(unknown.join('; '));
    }
    const bastionVnets = networks.flatMap(({ network }) => (network.state === 'known' ? network.vnets : []));
    const peeringsKnown = known.has(clusterVnet) || bastionVnets.every((vnet) => known.has(vnet.toLowerCase()));
    if (!peeringsKnown) {
      return indeterminate(
        `no bastion host is in the cluster's virtual network "${lastSegment(clusterVnetId)}", and the input has no peering data for it; export it with \`az network vnet show --ids ${clusterVnetId}\` (or \`az network vnet peering list --vnet-name ${lastSegment(clusterVnetId)} --resource-group <vnet-resource-group>\`)`,
      );
    }
    const seen = networks
      .map(({ bastion, network }) => {
        const where =
          network.state === 'known' && network.vnets.length > 0 ? network.vnets.map(lastSegment).join(', ') : 'no VNet';
        const developer =
          network.state === 'known' && !network.peeringSupported
            ? ' (Developer SKU, which does not reach peered virtual networks)'
            : '';
        return `"${bastion.azure.name}" in ${where}${developer}`;
      })
      .join('; ');
    const violation: Violation = {
      path: subnetPath,
      message: `no Azure Bastion host is in the cluster's virtual network "${lastSegment(clusterVnetId)}" or in a virtual network peered with it (bastion hosts in the input: ${seen})`,
    };
    return outcome([violation]);
  },
});
