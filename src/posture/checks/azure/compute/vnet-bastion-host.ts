/**
 * Virtual network with virtual machines has no Azure Bastion host. CIS 7.1 asks that a Bastion host
 * exist; this check asks it where it matters: for each virtual network the input shows virtual
 * machines in, a Bastion host must sit in it or in a peered virtual network (Bastion reaches VMs
 * across regional and global peering). Reads:
 *   - the VMs in the network: `Microsoft.Compute/virtualMachines` `networkProfile.networkInterfaces[*].id`
 *     and `Microsoft.Network/networkInterfaces` `virtualMachine.id`, placed in the network by the
 *     interface's `ipConfigurations[*].subnet.id` or by the network's `subnets[*].ipConfigurations[*].id`;
 *   - `Microsoft.Network/bastionHosts`: `ipConfigurations[*].subnet.id` (the AzureBastionSubnet), or
 *     `virtualNetwork.id` for the Developer SKU, which serves its own network only;
 *   - peerings: the network's `virtualNetworkPeerings[*].remoteVirtualNetwork.id` (inline or
 *     `Microsoft.Network/virtualNetworks/virtualNetworkPeerings` children), and the Bastion network's
 *     peerings back to it; a peering whose `peeringState` is set and not Connected does not count.
 * Compliant: such a Bastion host exists. Not applicable: the input shows no VM in the network.
 * Absent: a missing Bastion host is only a failure when the input holds Bastion hosts (so they
 * were exported); with none at all the check is indeterminate and says to run `az network bastion list`.
 * Another check covers Bastion access to ARO clusters (aro-landing-zone ARO-NET-4).
 * No built-in Azure Policy definition audits this. No ARM patch: the fix is a new resource.
 * Sources: https://learn.microsoft.com/azure/bastion/bastion-overview,
 * https://learn.microsoft.com/azure/bastion/vnet-peering,
 * https://learn.microsoft.com/rest/api/virtualnetwork/bastion-hosts/get
 */
import type { CheckContext, CheckOutcome } from '../../../check.ts';
import { indeterminate, notApplicable, PASS } from '../../../check.ts';
import {
  type AzureResource,
  azureOfType,
  childrenOf,
  defineAzureCheck,
  read,
  readArray,
  sameText,
} from '../../../lib/azure.ts';
import {
  fieldOf,
  findById,
  idOf,
  isRecord,
  itemsOf,
  lastSegment,
  parentOfId,
  propertiesOf,
} from '../network/lib/arm.ts';

const VM = 'Microsoft.Compute/virtualMachines';
const NIC = 'Microsoft.Network/networkInterfaces';
const VNET = 'Microsoft.Network/virtualNetworks';
const SUBNET = 'Microsoft.Network/virtualNetworks/subnets';
const PEERING = 'Microsoft.Network/virtualNetworks/virtualNetworkPeerings';
const BASTION = 'Microsoft.Network/bastionHosts';

/** Lowercased NIC id → name of the VM it belongs to, from the VMs and from the NICs. */
function vmInterfaces(ctx: CheckContext): Map<string, string> {
  return ctx.memo('vnet-bastion-host:vm-interfaces', () => computeVmInterfaces(ctx));
}

function computeVmInterfaces(ctx: CheckContext): Map<string, string> {
  const out = new Map<string, string>();
  for (const vm of azureOfType(ctx, VM)) {
    for (const item of readArray(vm.azure, 'properties.networkProfile.networkInterfaces').items ?? []) {
      const ref = idOf(item, 'networkInterfaces');
      if (ref.state === 'set') {
        out.set(ref.id.toLowerCase(), lastSegment(vm.azure.name));
      }
    }
  }
  for (const nic of azureOfType(ctx, NIC)) {
    const vm = read(nic.azure, 'properties.virtualMachine');
    const ref = idOf(vm.state === 'set' ? vm.value : undefined, 'virtualMachine');
    if (ref.state === 'set' && nic.azure.id !== undefined) {
      out.set(nic.azure.id.toLowerCase(), lastSegment(ref.id));
    }
  }
  return out;
}

/** The ids of the IP configurations the network's subnets list (inline and child subnets). */
function subnetIpConfigurations(ctx: CheckContext, vnet: AzureResource): string[] {
  const lists: unknown[] = [];
  for (const item of readArray(vnet.azure, 'properties.subnets').items ?? []) {
    if (isRecord(item)) {
      lists.push(fieldOf(propertiesOf(item), 'ipConfigurations'));
    }
  }
  for (const subnet of childrenOf(ctx, vnet, SUBNET)) {
    lists.push(fieldOf(subnet.azure.arm.properties, 'ipConfigurations'));
  }
  return lists.flatMap((list) =>
    (itemsOf(list) ?? []).flatMap((item) => {
      const ref = idOf(item, 'ipConfigurations');
      return ref.state === 'set' ? [ref.id.toLowerCase()] : [];
    }),
  );
}

/** Lowercased VNet id → names of the VMs whose interfaces sit in one of its subnets (once per scan). */
function vmsByNetwork(ctx: CheckContext): Map<string, Set<string>> {
  return ctx.memo('vnet-bastion-host:vms-by-network', () => {
    const out = new Map<string, Set<string>>();
    for (const [nicId, vmName] of vmInterfaces(ctx)) {
      const nic = findById(ctx, NIC, nicId);
      for (const item of nic === undefined ? [] : (readArray(nic.azure, 'properties.ipConfigurations').items ?? [])) {
        const subnet = isRecord(item) ? idOf(fieldOf(propertiesOf(item), 'subnet'), 'subnet') : undefined;
        const at = subnet?.state === 'set' ? subnet.id.toLowerCase().indexOf('/subnets/') : -1;
        if (subnet?.state === 'set' && at > 0) {
          const vnetId = subnet.id.toLowerCase().slice(0, at);
          let names = out.get(vnetId);
          if (!names) {
            names = new Set();
            out.set(vnetId, names);
          }
          names.add(vmName);
        }
      }
    }
    return out;
  });
}

/** Names of the VMs with an interface in the network. */
function vmsIn(ctx: CheckContext, vnet: AzureResource, vnetId: string): string[] {
  const interfaces = vmInterfaces(ctx);
  const names = new Set<string>(vmsByNetwork(ctx).get(vnetId.toLowerCase()) ?? []);
  for (const config of subnetIpConfigurations(ctx, vnet)) {
    // '<nic id>/ipconfigurations/<name>'
    const at = config.indexOf('/ipconfigurations/');
    const vmName = at > 0 ? interfaces.get(config.slice(0, at)) : undefined;
    if (vmName !== undefined) {
      names.add(vmName);
    }
  }
  return [...names].sort();
}

/** Lowercased ids of the networks peered with a network (inline peerings and peering children). */
function peersOf(ctx: CheckContext, vnet: AzureResource): Set<string> {
  const peerings: Readonly<Record<string, unknown>>[] = [];
  for (const item of readArray(vnet.azure, 'properties.virtualNetworkPeerings').items ?? []) {
    if (isRecord(item)) {
      peerings.push(propertiesOf(item));
    }
  }
  for (const child of childrenOf(ctx, vnet, PEERING)) {
    peerings.push(child.azure.arm.properties);
  }
  const out = new Set<string>();
  for (const peering of peerings) {
    const state = fieldOf(peering, 'peeringState');
    const remote = idOf(fieldOf(peering, 'remoteVirtualNetwork'), 'remoteVirtualNetwork');
    if (remote.state === 'set' && (typeof state !== 'string' || sameText(state, 'Connected'))) {
      out.add(remote.id.toLowerCase());
    }
  }
  return out;
}

/** The networks a Bastion host sits in, or why they cannot be read. */
function bastionNetworks(bastion: AzureResource): { readonly ids: string[] } | { readonly unknown: string } {
  const name = lastSegment(bastion.azure.name);
  const configs = readArray(bastion.azure, 'properties.ipConfigurations');
  if (configs.state === 'unknown') {
    return { unknown: `Azure Bastion host "${name}": ${configs.reason}` };
  }
  const ids: string[] = [];
  for (const item of configs.items ?? []) {
    const subnet = isRecord(item) ? idOf(fieldOf(propertiesOf(item), 'subnet'), 'subnet') : undefined;
    const vnet = subnet?.state === 'set' ? parentOfId(subnet.id, 'subnets') : undefined;
    if (vnet !== undefined) {
      ids.push(vnet);
    } else if (subnet?.state === 'unknown') {
      return { unknown: `Azure Bastion host "${name}": ${subnet.reason}` };
    }
  }
  const developer = read(bastion.azure, 'properties.virtualNetwork');
  const ref = idOf(developer.state === 'set' ? developer.value : undefined, 'virtualNetwork');
  if (ref.state === 'set') {
    ids.push(ref.id);
  }
  return ids.length > 0
    ? { ids }
    : { unknown: `Azure Bastion host "${name}" names no subnet or virtual network the input can read` };
}

function evaluate(vnet: AzureResource, ctx: CheckContext): CheckOutcome {
  const vnetId = vnet.azure.id;
  if (vnetId === undefined) {
    return indeterminate('the virtual network has no id to match its virtual machines and Bastion hosts with');
  }
  const vms = vmsIn(ctx, vnet, vnetId);
  if (vms.length === 0) {
    const subnets = readArray(vnet.azure, 'properties.subnets');
    return subnets.state === 'unknown'
      ? indeterminate(subnets.reason)
      : notApplicable('the input shows no virtual machine in this virtual network');
  }
  const vmList = `${vms.length === 1 ? 'virtual machine' : 'virtual machines'} ${vms.map((n) => `"${n}"`).join(', ')} ${vms.length === 1 ? 'uses' : 'use'}`;
  const bastions = azureOfType(ctx, BASTION);
  if (bastions.length === 0) {
    return indeterminate(
      `${vmList} this virtual network, but the input has no Azure Bastion host; export them with \`az network bastion list\` (the check fails when Bastion hosts are exported and none serves this network)`,
    );
  }
  const peers = peersOf(ctx, vnet);
  const unknown: string[] = [];
  const seen: string[] = [];
  for (const bastion of bastions) {
    const networks = bastionNetworks(bastion);
    if ('unknown' in networks) {
      unknown.push(networks.unknown);
      continue;
    }
    const sku = read(bastion.azure, 'sku.name');
    const peeringAllowed = !(sku.state === 'set' && sameText(sku.value, 'Developer'));
    for (const id of networks.ids) {
      const own = id.toLowerCase() === vnetId.toLowerCase();
      const hub = findById(ctx, VNET, id);
      const peered = peers.has(id.toLowerCase()) || (hub !== undefined && peersOf(ctx, hub).has(vnetId.toLowerCase()));
      if (own || (peeringAllowed && peered)) {
        return PASS;
      }
      seen.push(`"${lastSegment(bastion.azure.name)}" in "${lastSegment(id)}"`);
    }
  }
  if (unknown.length > 0) {
    return indeterminate(unknown.join('; '));
  }
  return {
    status: 'fail',
    violations: [
      {
        path: 'properties.subnets',
        message: `${vmList} this virtual network, but no Azure Bastion host is deployed in it or in a peered virtual network (Bastion hosts in the input: ${seen.join(', ')})`,
      },
    ],
  };
}

export const vnetBastionHost = defineAzureCheck({
  meta: {
    id: 'PAL-AZR-0189',
    slug: 'vnet-bastion-host',
    title: 'Virtual network with virtual machines has no Azure Bastion host',
    description:
      'Without Azure Bastion in the network or a peered hub, administrators reach VMs through public IPs with SSH or RDP open, or through self-managed jump boxes. Bastion gives browser and native-client access over TLS with Entra ID sign-in, and no public IP or management port on the VMs.',
    severity: 'medium',
    maturity: 'stable',
    types: ['Microsoft.Network/virtualNetworks'],
    scope: 'cluster',
    securityControl: 'secure-management-ports',
    frameworks: [{ framework: 'cis-azure-2.0', control: '7.1' }],
    remediation: {
      summary:
        'Deploy Azure Bastion in the network (it needs a subnet named AzureBastionSubnet of /26 or larger and a Standard public IP), or peer the network with a hub network that has one.',
      azureCli:
        'az network bastion create --name {name}-bastion --resource-group {resourceGroup} --vnet-name {name} --public-ip-address <standard-public-ip-name> --sku Standard',
      steps: [
        'The bastion host is a separate resource (Microsoft.Network/bastionHosts), not a property of the network, so no PATCH of the network applies.',
        'Add the subnet: az network vnet subnet create --resource-group <resource-group> --vnet-name <vnet-name> --name AzureBastionSubnet --address-prefixes <prefix>/26.',
        "Create <standard-public-ip-name>, a Standard public IP in the network's region: az network public-ip create --resource-group <resource-group> --name <standard-public-ip-name> --sku Standard --location <region>.",
        'Run the az command (add --location <region> when the resource group is in another region than the network).',
      ],
    },
    references: [
      'https://learn.microsoft.com/azure/bastion/bastion-overview',
      'https://learn.microsoft.com/azure/bastion/vnet-peering',
      'https://learn.microsoft.com/azure/bastion/create-host-cli',
    ],
  },
  evaluate,
});
