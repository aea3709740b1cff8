/**
 * Network security group allows UDP from the Internet. Reads the NSG's custom rules,
 * `properties.securityRules[*]` and separate `Microsoft.Network/networkSecurityGroups/securityRules`
 * children: `access`, `direction`, `protocol`, `sourceAddressPrefix(es)`, `destinationPortRange(s)`.
 * Compliant: no Allow Inbound rule with protocol Udp or `*` (a `*` rule allows UDP too) and a
 * source of `*`, `Internet`, `Any`, `0.0.0.0` or a `/0` prefix, whatever its ports, as CIS 6.3
 * audits it.
 * Absent: an NSG without `securityRules` has only the default rules, which deny inbound traffic
 * from the Internet (DenyAllInBound), so it complies.
 * No built-in Azure Policy definition audits this.
 * No ARM patch: a network security group's PATCH only updates tags; rules are changed with PUT or az.
 * Source: https://learn.microsoft.com/rest/api/virtualnetwork/security-rules/get
 */
import { defineAzureCheck } from '../../../lib/azure.ts';
import { checkNsg } from './lib/security-rules.ts';

export const nsgUdpFromInternet = defineAzureCheck({
  meta: {
    id: 'PAL-AZR-0204',
    slug: 'nsg-udp-from-internet',
    title: 'Network security group allows UDP from the Internet',
    description:
      'UDP services reachable from any address (DNS, NTP, SSDP, CLDAP, memcached and others) are abused as amplifiers in reflection DDoS attacks and are rarely meant to be public. Open UDP only to the sources that need it.',
    severity: 'medium',
    maturity: 'stable',
    types: ['Microsoft.Network/networkSecurityGroups'],
    scope: 'cluster',
    securityControl: 'restrict-unauthorized-network-access',
    frameworks: [
      { framework: 'mcsb-v1', control: 'NS-1' },
      { framework: 'cis-azure-2.0', control: '6.3' },
    ],
    remediation: {
      summary:
        'Restrict the rule named in the finding to trusted source addresses (or to Tcp only, when UDP is not needed), or delete it.',
      azureCli:
        'az network nsg rule update --resource-group {resourceGroup} --nsg-name {name} --name <rule-name> --source-address-prefixes <trusted-cidr>',
      steps: [
        'Replace <rule-name> with the rule the finding names (one command per rule) and <trusted-cidr> with the source range that needs the UDP service; when the service needs no UDP, add --protocol Tcp instead.',
        'Delete a rule that is not needed: az network nsg rule delete --resource-group <resource-group> --nsg-name <nsg-name> --name <rule-name>.',
        'Security rules are child resources of the NSG (networkSecurityGroups/securityRules) and a PATCH of the NSG changes only its tags, so no ARM patch applies: with ARM, PUT <nsg-id>/securityRules/<rule-name>?api-version=2024-05-01 with the complete rule, or DELETE it.',
      ],
    },
    references: [
      'https://learn.microsoft.com/azure/virtual-network/network-security-groups-overview',
      'https://learn.microsoft.com/azure/ddos-protection/ddos-protection-overview',
      'https://learn.microsoft.com/cli/azure/network/nsg/rule',
    ],
  },
  evaluate: (nsg, ctx) => checkNsg(ctx, nsg, { protocols: ['Udp'], ports: (ranges) => ranges.length > 0 }),
});
