/**
 * SQL server firewall rule admits every public IPv4 address. Reads `properties.startIpAddress`
 * and `properties.endIpAddress` of each `Microsoft.Sql/servers/firewallRules` (the same names in
 * `az sql server firewall-rule list`), and `properties.publicNetworkAccess` of the parent
 * `Microsoft.Sql/servers`.
 * Compliant: the rule's range does not cover all public unicast IPv4 space (1.0.0.0 to
 * 223.255.255.255; the CIS case is 0.0.0.0 to 255.255.255.255, and a range such as
 * 0.0.0.1 to 255.255.255.254 opens the server just as wide), or the server's public network access
 * is "Disabled", which makes IP firewall rules inert.
 * Absent: publicNetworkAccess defaults to "Enabled". A rule without both addresses, or whose server
 * is not in the input, is indeterminate.
 * The special 0.0.0.0 to 0.0.0.0 rule ("Allow Azure services and resources to access this server")
 * is left to sql-firewall-rule-azure-services.
 * Source: https://learn.microsoft.com/rest/api/sql/firewall-rules/get,
 * https://learn.microsoft.com/azure/azure-sql/database/firewall-configure
 */
import { type CheckContext, type CheckOutcome, indeterminate, PASS } from '../../../check.ts';
import {
  type AzureResource,
  azureOfType,
  defineAzureCheck,
  read,
  refersTo,
  sameText,
  show,
} from '../../../lib/azure.ts';

/** A dotted-quad IPv4 address as a number, or undefined. */
export function ipv4(text: string): number | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text.trim());
  if (!match) {
    return undefined;
  }
  let value = 0;
  for (const part of match.slice(1)) {
    const octet = Number(part);
    if (octet > 255) {
      return undefined;
    }
    value = value * 256 + octet;
  }
  return value;
}

/** The SQL server a firewall rule belongs to, when the input holds it. */
export function parentServer(ctx: CheckContext, child: AzureResource): AzureResource | undefined {
  const parent = child.azure.parent;
  if (parent === undefined) {
    return undefined;
  }
  return azureOfType(ctx, 'Microsoft.Sql/servers').find((server) =>
    parent.id !== undefined && server.azure.id !== undefined
      ? refersTo(parent.id, server.azure)
      : sameText(server.azure.name, parent.name),
  );
}

/** The last segment of a child resource name ('srv/AllowAll' → 'AllowAll'). */
export function leafName(name: string): string {
  return name.split('/').pop() ?? name;
}

/**
 * Outcome for a firewall rule: pass unless its range matches `opens` and the server's public network
 * access is not "Disabled"; `what` names what such a rule admits, for the message.
 */
export function firewallRuleOutcome(
  rule: AzureResource,
  ctx: CheckContext,
  opens: (start: number, end: number) => boolean,
  what: string,
): CheckOutcome {
  const name = leafName(rule.azure.name);
  const start = read(rule.azure, 'properties.startIpAddress');
  const end = read(rule.azure, 'properties.endIpAddress');
  if (start.state === 'unknown') {
    return indeterminate(start.reason);
  }
  if (end.state === 'unknown') {
    return indeterminate(end.reason);
  }
  if (start.state === 'absent' || end.state === 'absent') {
    return indeterminate(`firewall rule "${name}" has no startIpAddress or endIpAddress`);
  }
  const from = typeof start.value === 'string' ? ipv4(start.value) : undefined;
  const to = typeof end.value === 'string' ? ipv4(end.value) : undefined;
  if (from === undefined || to === undefined) {
    return indeterminate(
      `firewall rule "${name}" has startIpAddress ${show(start.value)} and endIpAddress ${show(end.value)}, which are not both IPv4 addresses`,
    );
  }
  if (!opens(from, to)) {
    return PASS;
  }
  const range = `${String(start.value)} to ${String(end.value)}`;
  const serverName = rule.azure.parent?.name ?? 'unknown';
  const server = parentServer(ctx, rule);
  if (server === undefined) {
    return indeterminate(
      `firewall rule "${name}" (${range}) admits ${what}, but its server "${serverName}" is not in the input, so whether public network access is disabled (which makes the rule inert) is unknown; export the server with \`az sql server show --resource-group ${rule.azure.resourceGroup ?? '<resource-group>'} --name ${serverName}\``,
    );
  }
  const access = read(server.azure, 'properties.publicNetworkAccess');
  if (access.state === 'unknown') {
    return indeterminate(`firewall rule "${name}" (${range}) admits ${what}; ${access.reason}`);
  }
  if (access.state === 'set' && sameText(access.value, 'Disabled')) {
    return PASS;
  }
  const exposure =
    access.state === 'set'
      ? `public network access is ${show(access.value)}`
      : 'public network access is not set (the API default is "Enabled")';
  return {
    status: 'fail',
    violations: [
      {
        path: 'properties.startIpAddress',
        message: `firewall rule "${name}" (${range}) admits ${what}, and on server "${serverName}" ${exposure}`,
        actual: { startIpAddress: start.value, endIpAddress: end.value },
      },
    ],
  };
}

/** 1.0.0.0 and 223.255.255.255: the ends of public unicast IPv4 space. */
const FIRST_PUBLIC = 0x01000000;
const LAST_PUBLIC = 0xdfffffff;

export const sqlFirewallRuleOpenToInternet = defineAzureCheck({
  meta: {
    id: 'PAL-AZR-0143',
    slug: 'sql-firewall-rule-open-to-internet',
    title: 'SQL server firewall rule allows connections from any IP address',
    description:
      'A server-level firewall rule spanning the whole IPv4 range (0.0.0.0 to 255.255.255.255) lets anyone on the internet reach the login of every database on the server, leaving passwords as the only barrier against brute force and credential stuffing.',
    severity: 'high',
    maturity: 'stable',
    types: ['Microsoft.Sql/servers/firewallRules'],
    scope: 'cluster',
    securityControl: 'restrict-unauthorized-network-access',
    frameworks: [
      { framework: 'cis-azure-2.0', control: '4.1.2' },
      { framework: 'mcsb-v1', control: 'NS-2' },
    ],
    remediation: {
      summary:
        'Delete the firewall rule and allow only the client addresses that need access, or disable public network access and use private endpoints.',
      azureCli:
        'az sql server firewall-rule delete --resource-group {resourceGroup} --server {parentName} --name {name}',
      steps: [
        'Add rules for the specific client addresses first (az sql server firewall-rule create --start-ip-address and --end-ip-address), so that legitimate clients keep access.',
        "With ARM, a DELETE on the rule's resource id (api-version 2021-11-01) removes it.",
      ],
    },
    references: [
      'https://learn.microsoft.com/azure/azure-sql/database/firewall-configure',
      'https://learn.microsoft.com/rest/api/sql/firewall-rules/get',
    ],
  },
  evaluate: (resource, ctx) =>
    firewallRuleOutcome(
      resource,
      ctx,
      (start, end) => start <= FIRST_PUBLIC && end >= LAST_PUBLIC,
      'every public IPv4 address',
    ),
});
