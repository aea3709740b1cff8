/**
 * Azure resource types Palisade knows, in their canonical casing. ARM treats resource types as
 * case-insensitive and Azure Resource Graph prints them lowercased ('microsoft.keyvault/vaults'),
 * so every type read from an input is mapped back to this spelling; types not listed keep the
 * spelling they came with.
 * Source: ARM REST API reference (https://learn.microsoft.com/rest/api/), resource provider docs.
 */
export const KNOWN_TYPES = [
  'Microsoft.RedHatOpenShift/openShiftClusters',
  'Microsoft.Kubernetes/connectedClusters',
  'Microsoft.KubernetesConfiguration/extensions',
  'Microsoft.ContainerService/managedClusters',
  'Microsoft.Compute/virtualMachines',
  'Microsoft.Compute/virtualMachines/extensions',
  'Microsoft.Compute/virtualMachineScaleSets',
  'Microsoft.Compute/disks',
  'Microsoft.Compute/diskEncryptionSets',
  'Microsoft.Network/networkInterfaces',
  'Microsoft.Network/networkSecurityGroups',
  'Microsoft.Network/networkSecurityGroups/securityRules',
  'Microsoft.Network/networkWatchers',
  'Microsoft.Network/networkWatchers/flowLogs',
  'Microsoft.Network/virtualNetworks',
  'Microsoft.Network/virtualNetworks/subnets',
  'Microsoft.Network/virtualNetworks/virtualNetworkPeerings',
  'Microsoft.Network/bastionHosts',
  'Microsoft.Network/publicIPAddresses',
  'Microsoft.Network/routeTables',
  'Microsoft.Network/routeTables/routes',
  'Microsoft.Network/azureFirewalls',
  'Microsoft.Network/privateEndpoints',
  'Microsoft.Network/privateDnsZones',
  'Microsoft.Network/loadBalancers',
  'Microsoft.Network/applicationGateways',
  'Microsoft.Sql/servers',
  'Microsoft.Sql/servers/databases',
  'Microsoft.Sql/servers/databases/transparentDataEncryption',
  'Microsoft.Sql/servers/auditingSettings',
  'Microsoft.Sql/servers/administrators',
  'Microsoft.Sql/servers/azureADOnlyAuthentications',
  'Microsoft.Sql/servers/firewallRules',
  'Microsoft.Sql/servers/privateEndpointConnections',
  'Microsoft.DocumentDB/databaseAccounts',
  'Microsoft.Storage/storageAccounts',
  'Microsoft.Storage/storageAccounts/blobServices',
  'Microsoft.Storage/storageAccounts/fileServices',
  'Microsoft.Web/sites',
  'Microsoft.Web/sites/config',
  'Microsoft.Web/sites/slots',
  'Microsoft.Web/serverfarms',
  'Microsoft.KeyVault/vaults',
  'Microsoft.KeyVault/vaults/secrets',
  'Microsoft.KeyVault/vaults/keys',
  'Microsoft.KeyVault/vaults/accessPolicies',
  'Microsoft.KeyVault/vaults/privateEndpointConnections',
  'Microsoft.ContainerRegistry/registries',
  'Microsoft.ContainerRegistry/registries/privateEndpointConnections',
  'Microsoft.Insights/diagnosticSettings',
  'Microsoft.OperationalInsights/workspaces',
  'Microsoft.ManagedIdentity/userAssignedIdentities',
  'Microsoft.Security/pricings',
  'Microsoft.Resources/resourceGroups',
  'Microsoft.Resources/subscriptions',
  'Microsoft.Resources/deployments',
  'Microsoft.Authorization/roleAssignments',
] as const;

const CANONICAL = new Map<string, string>(KNOWN_TYPES.map((t) => [t.toLowerCase(), t]));

/** The canonical spelling of a resource type ('microsoft.keyvault/vaults' → 'Microsoft.KeyVault/vaults'). */
export function canonicalType(type: string): string {
  // By the spelling seen (an export repeats a handful of them), then case-insensitively.
  let canonical = SEEN.get(type);
  if (canonical === undefined) {
    canonical = CANONICAL.get(type.toLowerCase()) ?? type;
    if (SEEN.size < 10_000) {
      SEEN.set(type, canonical);
    }
  }
  return canonical;
}

const SEEN = new Map<string, string>();

/** 'Microsoft.KeyVault/vaults' and the like: a provider namespace, a slash, and at least one type segment. */
const TYPE_PATTERN = /^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z0-9]+)+(\/[A-Za-z][A-Za-z0-9-]*)+$/;

export function isResourceType(value: unknown): value is string {
  return typeof value === 'string' && TYPE_PATTERN.test(value);
}

/** The provider namespace of a type: 'Microsoft.KeyVault'. */
export function providerOf(type: string): string {
  const slash = type.indexOf('/');
  return slash === -1 ? type : type.slice(0, slash);
}
