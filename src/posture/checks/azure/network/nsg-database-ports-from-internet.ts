/**
 * Network security group allows database ports from the Internet. Reads the NSG's custom rules,
 * `properties.securityRules[*]` and separate `Microsoft.Network/networkSecurityGroups/securityRules`
 * children: `access`, `direction`, `protocol`, `sourceAddressPrefix(es)`, `destinationPortRange(s)`.
 * Compliant: no Allow Inbound rule with protocol Tcp or `*`, a source of `*`, `Internet`, `Any`,
 * `0.0.0.0` or a `/0` prefix, and destination ports containing a default database port: 1433 (SQL
 * Server), 1521 (Oracle), 3306 (MySQL, MariaDB), 5432 (PostgreSQL), 5984 (CouchDB), 6379 (Redis),
 * 9042 (Cassandra), 9200 (Elasticsearch, OpenSearch) or 27017 (MongoDB). A `*` rule matches too,
 * and is also reported by nsg-all-ports-from-internet.
 * Absent: an NSG without `securityRules` has only the default rules, which deny inbound traffic
 * from the Internet (DenyAllInBound), so it complies.
 * No built-in Azure Policy definition audits this for NSGs.
 * No ARM patch: a network security group's PATCH only updates tags; rules are changed with PUT or az.
 * Source: https://learn.microsoft.com/rest/api/virtualnetwork/security-rules/get
 */
import { defineAzureCheck } from '../../../lib/azure.ts';
import { checkNsg, type Exposure, includesPort } from './lib/security-rules.ts';

/** Default ports of database engines, with the engines that listen on them. */
const DATABASE_PORTS: readonly (readonly [number, string])[] = [
  [1433, 'SQL Server'],
  [1521, 'Oracle'],
  [3306, 'MySQL'],
  [5432, 'PostgreSQL'],
  [5984, 'CouchDB'],
  [6379, 'Redis'],
  [9042, 'Cassandra'],
  [9200, 'Elasticsearch'],
  [27017, 'MongoDB'],
];

function databasePorts(exposure: Exposure): string {
  const open = DATABASE_PORTS.filter(([port]) => includesPort(exposure.ranges, port));
  return ` (${open.map(([port, engine]) => `${port} ${engine}`).join(', ')})`;
}

export const nsgDatabasePortsFromInternet = defineAzureCheck({
  meta: {
    id: 'PAL-AZR-0205',
    slug: 'nsg-database-ports-from-internet',
    title: 'Network security group allows database ports from the Internet',
    description:
      'Database engines exposed to any address are found within minutes by Internet-wide scans and attacked with credential stuffing, default accounts and engine exploits; ransomed and wiped databases usually start this way. Keep databases on private addresses reached by the application tier only.',
    severity: 'high',
    maturity: 'stable',
    types: ['Microsoft.Network/networkSecurityGroups'],
    scope: 'cluster',
    securityControl: 'restrict-unauthorized-network-access',
    frameworks: [
      { framework: 'mcsb-v1', control: 'NS-1' },
      { framework: 'mcsb-v1', control: 'NS-2' },
    ],
    remediation: {
      summary:
        'Restrict the rule named in the finding to the application subnets or trusted addresses that need the database, or delete it.',
      azureCli:
        'az network nsg rule update --resource-group {resourceGroup} --nsg-name {name} --name <rule-name> --source-address-prefixes <application-subnet-cidr>',
      steps: [
        'Replace <rule-name> with the rule the finding names (one command per rule) and <application-subnet-cidr> with the address ranges of the application subnets (or the VirtualNetwork service tag) that query the database.',
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
  evaluate: (nsg, ctx) =>
    checkNsg(
      ctx,
      nsg,
      { protocols: ['Tcp'], ports: (ranges) => DATABASE_PORTS.some(([port]) => includesPort(ranges, port)) },
      databasePorts,
    ),
});
