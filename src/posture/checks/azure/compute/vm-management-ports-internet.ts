/**
 * Virtual machine exposes SSH or RDP to the Internet through a public IP. Reads the VM's
 * `properties.networkProfile.networkInterfaces[*].id`; on each `Microsoft.Network/networkInterfaces`
 * resource, `ipConfigurations[*].publicIPAddress.id`, `ipConfigurations[*].subnet.id` and
 * `networkSecurityGroup.id`; the subnet's `networkSecurityGroup.id` (from the
 * `Microsoft.Network/virtualNetworks/subnets` resource or the virtual network's inline `subnets`);
 * the rules of those NSGs; and, for a NIC with no NSG at all, the public IP's `sku.name`.
 * Compliant: no IP configuration with a public IP lets TCP 22 or TCP/UDP 3389 in from the Internet.
 * Inbound traffic must be allowed by the subnet's NSG and by the NIC's NSG when both exist, so a
 * port is open when every NSG present has an Allow rule for it from `*`, `Internet`, `Any`,
 * `0.0.0.0` or a `/0` prefix (rule matching as in lib/security-rules.ts; priorities are not
 * compared, as in Azure Policy). With no NSG at all, a Basic public IP is open to everything and a
 * Standard one is closed to inbound traffic ("secure by default").
 * Absent: no public IP on an IP configuration means it is not reachable from the Internet; no
 * `sku` on a public IP is the API default, Basic. Load balancer inbound NAT rules are not read.
 * A NIC, subnet (virtual network), NSG or public IP the answer depends on that is missing from the
 * input makes the check indeterminate, naming the az command that exports it.
 * Azure Policy 22730e10-96f6-4aac-ad84-9383d35b5917 "Management ports should be closed on your
 * virtual machines" (a Defender for Cloud assessment).
 * No ARM patch: the fix is on an NSG rule or a NIC, not on the VM.
 * Sources: https://learn.microsoft.com/azure/virtual-network/network-security-group-how-it-works,
 * https://learn.microsoft.com/azure/virtual-network/ip-services/public-ip-addresses#sku
 */
import type { Violation } from '#core';
import type { CheckContext, CheckOutcome } from '../../../check.ts';
import { indeterminate, PASS } from '../../../check.ts';
import { type AzureResource, defineAzureCheck, read, readArray, sameText } from '../../../lib/azure.ts';
import {
  fieldOf,
  findById,
  type IdRef,
  idOf,
  isRecord,
  lastSegment,
  parentOfId,
  propertiesOf,
  sameId,
} from '../network/lib/arm.ts';
import { describeExposure, type ExposureQuery, exposuresOf, includesPort } from '../network/lib/security-rules.ts';

const NIC = 'Microsoft.Network/networkInterfaces';
const NSG = 'Microsoft.Network/networkSecurityGroups';
const PUBLIC_IP = 'Microsoft.Network/publicIPAddresses';
const SUBNET = 'Microsoft.Network/virtualNetworks/subnets';
const VNET = 'Microsoft.Network/virtualNetworks';

const MANAGEMENT_PORTS: readonly { readonly label: string; readonly query: ExposureQuery }[] = [
  { label: 'port 22 (SSH)', query: { protocols: ['Tcp'], ports: (ranges) => includesPort(ranges, 22) } },
  { label: 'port 3389 (RDP)', query: { protocols: ['Tcp', 'Udp'], ports: (ranges) => includesPort(ranges, 3389) } },
];

interface Findings {
  readonly violations: Violation[];
  readonly unknown: string[];
}

/** The NSG on a subnet: from the subnet resource, else from its virtual network's inline subnets. */
function subnetNsg(ctx: CheckContext, subnetId: string): IdRef {
  const subnet = findById(ctx, SUBNET, subnetId);
  if (subnet !== undefined) {
    const nsg = read(subnet.azure, 'properties.networkSecurityGroup');
    return nsg.state === 'unknown' ? nsg : idOf(nsg.state === 'set' ? nsg.value : undefined, 'networkSecurityGroup');
  }
  const vnetId = parentOfId(subnetId, 'subnets');
  const vnet = vnetId === undefined ? undefined : findById(ctx, VNET, vnetId);
  if (vnet !== undefined) {
    const subnets = readArray(vnet.azure, 'properties.subnets');
    if (subnets.state === 'unknown') {
      return subnets;
    }
    const item = (subnets.items ?? []).find((s) => {
      if (!isRecord(s)) {
        return false;
      }
      const name = fieldOf(s, 'name');
      return (
        sameId(fieldOf(s, 'id'), subnetId) ||
        (typeof name === 'string' && name.toLowerCase() === lastSegment(subnetId).toLowerCase())
      );
    });
    if (isRecord(item)) {
      return idOf(fieldOf(propertiesOf(item), 'networkSecurityGroup'), 'networkSecurityGroup');
    }
  }
  return {
    state: 'unknown',
    reason: `subnet "${lastSegment(subnetId)}" is not in the input; export its virtual network with \`az network vnet show --ids ${vnetId ?? subnetId}\``,
  };
}

/** Whether an NSG lets the query in from the Internet: true with the rules, false, or why unknown. */
function nsgAllows(
  ctx: CheckContext,
  nsgId: string,
  query: ExposureQuery,
): { readonly allows: true; readonly rules: string[] } | { readonly allows: false } | { readonly unknown: string } {
  const nsg = findById(ctx, NSG, nsgId);
  const name = lastSegment(nsgId);
  if (nsg === undefined) {
    return {
      unknown: `network security group "${name}" is not in the input; export it with \`az network nsg show --ids ${nsgId}\``,
    };
  }
  const { matches, unknown } = exposuresOf(ctx, nsg, query);
  if (matches.length > 0) {
    return {
      allows: true,
      rules: matches.map((m) => `network security group "${name}" ${describeExposure(m)}`),
    };
  }
  return unknown.length > 0
    ? { unknown: `network security group "${name}": ${unknown.join('; ')}` }
    : { allows: false };
}

function publicIpOpenWithoutNsg(ctx: CheckContext, pipId: string): boolean | { readonly unknown: string } {
  const pip = findById(ctx, PUBLIC_IP, pipId);
  if (pip === undefined) {
    return {
      unknown: `public IP "${lastSegment(pipId)}" is not in the input; export it with \`az network public-ip show --ids ${pipId}\``,
    };
  }
  const sku = read(pip.azure, 'sku.name');
  if (sku.state === 'unknown') {
    return { unknown: sku.reason };
  }
  return sku.state === 'absent' || sameText(sku.value, 'Basic');
}

function checkNic(ctx: CheckContext, nicId: string, path: string, out: Findings): void {
  const nicName = lastSegment(nicId);
  const nic = findById(ctx, NIC, nicId);
  if (nic === undefined) {
    out.unknown.push(
      `network interface "${nicName}" is not in the input; export it with \`az network nic show --ids ${nicId}\``,
    );
    return;
  }
  const configs = readArray(nic.azure, 'properties.ipConfigurations');
  if (configs.state === 'unknown') {
    out.unknown.push(`network interface "${nicName}": ${configs.reason}`);
    return;
  }
  const nicNsg = read(nic.azure, 'properties.networkSecurityGroup');
  const nicNsgRef: IdRef =
    nicNsg.state === 'unknown'
      ? nicNsg
      : idOf(nicNsg.state === 'set' ? nicNsg.value : undefined, 'networkSecurityGroup');
  for (const item of configs.items ?? []) {
    if (!isRecord(item)) {
      continue;
    }
    const config = propertiesOf(item);
    const pip = idOf(fieldOf(config, 'publicIPAddress'), 'publicIPAddress');
    if (pip.state === 'absent') {
      continue;
    }
    if (pip.state === 'unknown') {
      out.unknown.push(`network interface "${nicName}": ${pip.reason}`);
      continue;
    }
    const subnet = idOf(fieldOf(config, 'subnet'), 'subnet');
    const subnetNsgRef: IdRef =
      subnet.state === 'set' ? subnetNsg(ctx, subnet.id) : subnet.state === 'unknown' ? subnet : { state: 'absent' };
    const refs = [nicNsgRef, subnetNsgRef];
    const missing = refs.find((r) => r.state === 'unknown');
    if (missing !== undefined && missing.state === 'unknown') {
      out.unknown.push(`network interface "${nicName}": ${missing.reason}`);
      continue;
    }
    const nsgIds = refs.flatMap((r) => (r.state === 'set' ? [r.id] : []));
    const exposed = `network interface "${nicName}" has public IP "${lastSegment(pip.id)}"`;
    if (nsgIds.length === 0) {
      const open = publicIpOpenWithoutNsg(ctx, pip.id);
      if (typeof open === 'object') {
        out.unknown.push(open.unknown);
      } else if (open) {
        out.violations.push({
          path,
          message: `${exposed}, a Basic public IP with no network security group on the interface or its subnet, so ports 22 (SSH) and 3389 (RDP) are open to the Internet`,
        });
      }
      continue;
    }
    for (const { label, query } of MANAGEMENT_PORTS) {
      const verdicts = nsgIds.map((id) => nsgAllows(ctx, id, query));
      if (verdicts.some((v) => 'allows' in v && !v.allows)) {
        continue;
      }
      const unknown = verdicts.flatMap((v) => ('unknown' in v ? [v.unknown] : []));
      if (unknown.length > 0) {
        out.unknown.push(...unknown);
        continue;
      }
      const rules = verdicts.flatMap((v) => ('allows' in v && v.allows ? v.rules : []));
      out.violations.push({ path, message: `${exposed} and ${label} is open to the Internet: ${rules.join('; ')}` });
    }
  }
}

function evaluate(vm: AzureResource, ctx: CheckContext): CheckOutcome {
  const nics = readArray(vm.azure, 'properties.networkProfile.networkInterfaces');
  if (nics.state === 'unknown') {
    return indeterminate(nics.reason);
  }
  if ((nics.items ?? []).length === 0) {
    return indeterminate(
      "the input does not list the VM's network interfaces (networkProfile.networkInterfaces); export the VM with `az vm show` and its interfaces with `az network nic list --resource-group <resource-group>`",
    );
  }
  const out: Findings = { violations: [], unknown: [] };
  (nics.items ?? []).forEach((item, i) => {
    const path = `properties.networkProfile.networkInterfaces[${i}]`;
    const ref = idOf(item, path);
    if (ref.state === 'set') {
      checkNic(ctx, ref.id, path, out);
    } else if (ref.state === 'unknown') {
      out.unknown.push(ref.reason);
    }
  });
  if (out.violations.length > 0) {
    return { status: 'fail', violations: out.violations };
  }
  return out.unknown.length > 0 ? indeterminate([...new Set(out.unknown)].join('; ')) : PASS;
}

export const vmManagementPortsInternet = defineAzureCheck({
  meta: {
    id: 'PAL-AZR-0187',
    slug: 'vm-management-ports-internet',
    title: 'Virtual machine exposes SSH or RDP to the Internet through a public IP',
    description:
      'A public IP with SSH or RDP allowed from any address puts the VM under constant brute-force and exploit attempts; a single weak password or unpatched service gives an attacker a foothold in the virtual network. Administer VMs through Azure Bastion or just-in-time access instead.',
    severity: 'high',
    maturity: 'stable',
    types: ['Microsoft.Compute/virtualMachines'],
    scope: 'cluster',
    securityControl: 'secure-management-ports',
    frameworks: [{ framework: 'mcsb-v1', control: 'NS-1' }],
    remediation: {
      summary:
        'Close ports 22 and 3389 to the Internet: restrict or delete the NSG rules named in the finding (or remove the public IP), and connect through Azure Bastion or just-in-time VM access.',
      azureCli:
        'az network nsg rule update --resource-group <nsg-resource-group> --nsg-name <nsg-name> --name <rule-name> --source-address-prefixes <trusted-cidr>',
      steps: [
        "Replace <nsg-name> and <nsg-resource-group> with the network security group of the VM's network interface or subnet that the finding names, <rule-name> with the rule that allows 22 or 3389 from the Internet, and <trusted-cidr> with the administrators' address range.",
        'The rules belong to the NSG (child resources networkSecurityGroups/securityRules), not to the VM, so no PATCH of the VM applies; delete a rule that is not needed: az network nsg rule delete --resource-group <nsg-resource-group> --nsg-name <nsg-name> --name <rule-name>.',
        'Or remove the public IP from the network interface: az network nic ip-config update --resource-group <resource-group> --nic-name <nic-name> --name <ip-config-name> --remove PublicIpAddress, and connect through Azure Bastion or just-in-time VM access.',
      ],
    },
    references: [
      'https://learn.microsoft.com/azure/virtual-network/network-security-group-how-it-works',
      'https://learn.microsoft.com/azure/defender-for-cloud/just-in-time-access-usage',
      'https://learn.microsoft.com/azure/bastion/bastion-overview',
    ],
  },
  evaluate,
});
