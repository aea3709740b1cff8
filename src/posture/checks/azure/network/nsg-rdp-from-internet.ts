/**
 * Network security group allows RDP (port 3389) from the Internet. Reads the NSG's custom rules,
 * `properties.securityRules[*]` and separate `Microsoft.Network/networkSecurityGroups/securityRules`
 * children: `access`, `direction`, `protocol`, `sourceAddressPrefix(es)`, `destinationPortRange(s)`.
 * Compliant: no Allow Inbound rule with protocol Tcp, Udp (RDP also runs over UDP 3389) or `*`, a
 * source of `*`, `Internet`, `Any`, `0.0.0.0` or a `/0` prefix, and destination ports containing
 * 3389 (see lib/security-rules.ts for the matching and why priorities are not compared).
 * Absent: an NSG without `securityRules` has only the default rules, which deny inbound traffic
 * from the Internet (DenyAllInBound), so it complies.
 * Azure Policy e372f825-a257-4fb8-9175-797a8a8627d6 "RDP access from the Internet should be blocked"
 * (now deprecated; the same logic, without the protocol condition).
 * No ARM patch: a network security group's PATCH only updates tags; rules are changed with PUT or az.
 * Source: https://learn.microsoft.com/rest/api/virtualnetwork/security-rules/get
 */
import { defineAzureCheck } from '../../../lib/azure.ts';
import { checkNsg, includesPort } from './lib/security-rules.ts';

export const nsgRdpFromInternet = defineAzureCheck({
  meta: {
    id: 'PAL-AZR-0202',
    slug: 'nsg-rdp-from-internet',
    title: 'Network security group allows RDP from the Internet',
    description:
      'A rule that opens port 3389 to any address exposes every Windows machine behind the NSG to RDP password spraying and remote-desktop exploits from the whole Internet. Reach machines through Azure Bastion, a VPN or just-in-time access instead.',
    severity: 'high',
    maturity: 'stable',
    types: ['Microsoft.Network/networkSecurityGroups'],
    scope: 'cluster',
    securityControl: 'secure-management-ports',
    frameworks: [
      { framework: 'mcsb-v1', control: 'NS-1' },
      { framework: 'cis-azure-2.0', control: '6.1' },
    ],
    remediation: {
      summary:
        'Restrict the rule named in the finding to trusted source addresses, or delete it, and reach the machines through Azure Bastion or just-in-time access.',
      azureCli:
        'az network nsg rule update --resource-group {resourceGroup} --nsg-name {name} --name <rule-name> --source-address-prefixes <trusted-cidr>',
      steps: [
        "Replace <rule-name> with the rule the finding names (one command per rule) and <trusted-cidr> with the administrators' address range; space-separated ranges are allowed.",
        'Delete a rule that is not needed: az network nsg rule delete --resource-group <resource-group> --nsg-name <nsg-name> --name <rule-name>.',
        'Security rules are child resources of the NSG (networkSecurityGroups/securityRules) and a PATCH of the NSG changes only its tags, so no ARM patch applies: with ARM, PUT <nsg-id>/securityRules/<rule-name>?api-version=2024-05-01 with the complete rule, or DELETE it.',
      ],
    },
    references: [
      'https://learn.microsoft.com/azure/virtual-network/network-security-groups-overview',
      'https://learn.microsoft.com/azure/bastion/bastion-overview',
      'https://learn.microsoft.com/cli/azure/network/nsg/rule',
    ],
  },
  evaluate: (nsg, ctx) =>
    checkNsg(ctx, nsg, { protocols: ['Tcp', 'Udp'], ports: (ranges) => includesPort(ranges, 3389) }),
});
