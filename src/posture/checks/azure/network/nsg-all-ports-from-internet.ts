/**
 * Network security group allows every port from the Internet. Reads the NSG's custom rules,
 * `properties.securityRules[*]` and separate `Microsoft.Network/networkSecurityGroups/securityRules`
 * children: `access`, `direction`, `protocol`, `sourceAddressPrefix(es)`, `destinationPortRange(s)`.
 * Compliant: no Allow Inbound rule with protocol Tcp, Udp or `*`, a source of `*`, `Internet`,
 * `Any`, `0.0.0.0` or a `/0` prefix, whose destination ports cover 1-65535 (`*`, `0-65535`, or
 * ranges that join up to it). A rule of protocol Icmp, Esp or Ah carries no ports and is not read.
 * Absent: an NSG without `securityRules` has only the default rules, which deny inbound traffic
 * from the Internet (DenyAllInBound), so it complies.
 * Related Azure Policy 9daedab3-fb2d-461e-b861-71790eead4f6 "All network ports should be restricted
 * on network security groups associated to your virtual machine" (a Defender for Cloud assessment).
 * No ARM patch: a network security group's PATCH only updates tags; rules are changed with PUT or az.
 * Source: https://learn.microsoft.com/rest/api/virtualnetwork/security-rules/get
 */
import { defineAzureCheck } from '../../../lib/azure.ts';
import { checkNsg, coversAllPorts } from './lib/security-rules.ts';

export const nsgAllPortsFromInternet = defineAzureCheck({
  meta: {
    id: 'PAL-AZR-0203',
    slug: 'nsg-all-ports-from-internet',
    title: 'Network security group allows all ports from the Internet',
    description:
      'A rule that opens every port to any address turns the NSG into no filter at all: every service listening on the machines behind it, including management and database ports, is reachable from the whole Internet.',
    severity: 'critical',
    maturity: 'stable',
    types: ['Microsoft.Network/networkSecurityGroups'],
    scope: 'cluster',
    securityControl: 'restrict-unauthorized-network-access',
    frameworks: [
      { framework: 'mcsb-v1', control: 'NS-1' },
      { framework: 'mcsb-v1', control: 'NS-3' },
    ],
    remediation: {
      summary:
        'Replace the rule named in the finding with rules that allow only the ports the workload serves, from the sources that need them.',
      azureCli:
        'az network nsg rule update --resource-group {resourceGroup} --nsg-name {name} --name <rule-name> --destination-port-ranges <port> --source-address-prefixes <trusted-cidr>',
      steps: [
        'Replace <rule-name> with the rule the finding names, <port> with the ports the workload serves (space-separated, for example 443 8443) and <trusted-cidr> with the sources that need them; add a separate rule for each other port and source.',
        'Delete a rule that is not needed: az network nsg rule delete --resource-group <resource-group> --nsg-name <nsg-name> --name <rule-name>.',
        'Security rules are child resources of the NSG (networkSecurityGroups/securityRules) and a PATCH of the NSG changes only its tags, so no ARM patch applies: with ARM, PUT <nsg-id>/securityRules/<rule-name>?api-version=2024-05-01 with the complete rule, or DELETE it.',
      ],
    },
    references: [
      'https://learn.microsoft.com/azure/virtual-network/network-security-groups-overview',
      'https://learn.microsoft.com/azure/security/fundamentals/network-best-practices',
      'https://learn.microsoft.com/cli/azure/network/nsg/rule',
    ],
  },
  evaluate: (nsg, ctx) => checkNsg(ctx, nsg, { protocols: ['Tcp', 'Udp'], ports: coversAllPorts }),
});
