/**
 * Deterministic synthetic Azure estate for the Azure benchmark (bench/azure.ts): an
 * `az graph query` export (Resource Graph rows: lowercased types and ids, `properties`) of N
 * resources across subscriptions and resource groups, with the mix a landing zone has (storage
 * accounts, key vaults, SQL servers and databases, Cosmos DB accounts, VMs and their NICs and
 * disks, NSGs, virtual networks, App Service sites, container registries, public IPs, private
 * endpoints, ARO clusters...), about a third of them misconfigured in some way.
 * Shapes follow the ARM REST API reference for each type.
 */
import { prng } from './generate.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface GeneratedAzure {
  readonly rows: Json[];
  readonly counts: Record<string, number>;
  /** The first ARO cluster's API server host, for linking an OpenShift export to it. */
  readonly aroApiHost: string;
}

const MIX: readonly (readonly [string, number])[] = [
  ['microsoft.storage/storageaccounts', 10],
  ['microsoft.keyvault/vaults', 6],
  ['microsoft.sql/servers', 3],
  ['microsoft.sql/servers/databases', 5],
  ['microsoft.documentdb/databaseaccounts', 3],
  ['microsoft.compute/virtualmachines', 10],
  ['microsoft.network/networkinterfaces', 10],
  ['microsoft.compute/disks', 12],
  ['microsoft.network/networksecuritygroups', 8],
  ['microsoft.network/virtualnetworks', 4],
  ['microsoft.web/sites', 8],
  ['microsoft.containerregistry/registries', 3],
  ['microsoft.network/publicipaddresses', 6],
  ['microsoft.network/privateendpoints', 6],
  ['microsoft.managedidentity/userassignedidentities', 5],
  ['microsoft.operationalinsights/workspaces', 1],
];

const LOCATIONS = ['westeurope', 'northeurope', 'eastus', 'eastus2', 'uksouth'];

export function generateAzure(options: { resources?: number; seed?: number } = {}): GeneratedAzure {
  const total = options.resources ?? 100_000;
  const random = prng(options.seed ?? 0xa2e);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const chance = (p: number): boolean => random() < p;
  const weights = MIX.reduce((sum, [, w]) => sum + w, 0);
  const subscriptions = Array.from(
    { length: 8 },
    (_, i) => `${(0x1000 + i).toString(16)}a1b2c-3d4e-4f5a-8b6c-7d8e9f0a1b${(10 + i).toString().padStart(2, '0')}`,
  );
  const rows: Json[] = [];
  const counts: Record<string, number> = {};
  const rgOf = (i: number): string => `rg-app-${(i % 400).toString().padStart(3, '0')}`;
  const base = (type: string, i: number, name: string): { [key: string]: Json } => {
    const subscriptionId = subscriptions[i % subscriptions.length] as string;
    const resourceGroup = rgOf(i);
    const [namespace, ...types] = type.split('/');
    const names = name.split('/');
    const path = types.map((t, k) => `${t}/${names[k] ?? name}`).join('/');
    return {
      id: `/subscriptions/${subscriptionId}/resourcegroups/${resourceGroup}/providers/${namespace}/${path}`,
      name: names[names.length - 1] ?? name,
      type,
      tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
      kind: '',
      location: pick(LOCATIONS),
      resourceGroup,
      subscriptionId,
      managedBy: '',
      sku: null,
      plan: null,
      tags: { env: pick(['prod', 'dev', 'test']), owner: `team-${i % 37}` },
      identity: null,
      zones: null,
      extendedLocation: null,
    };
  };
  // Two ARO clusters first, so that the OpenShift export can link to the first one.
  const aroApiHost = 'api.q7c2x9m4.westeurope.aroapp.io';
  for (let c = 0; c < 2; c++) {
    const row = base('microsoft.redhatopenshift/openshiftclusters', c, `aro-${c}`);
    row.properties = {
      provisioningState: 'Succeeded',
      clusterProfile: {
        domain: c === 0 ? 'q7c2x9m4' : 'z1y2x3w4',
        version: c === 0 ? '4.16.30' : '4.13.40',
        fipsValidatedModules: 'Disabled',
        resourceGroupId: `/subscriptions/${subscriptions[c]}/resourceGroups/aro-q7c2x9m4`,
      },
      consoleProfile: {
        url: `https://console-openshift-console.apps.${c === 0 ? 'q7c2x9m4' : 'z1y2x3w4'}.westeurope.aroapp.io/`,
      },
      servicePrincipalProfile: { clientId: '2b1c8f7e-0d9a-4c3b-8e6f-5a4b3c2d1e0f' },
      networkProfile: {
        podCidr: '10.128.0.0/14',
        serviceCidr: '172.30.0.0/16',
        outboundType: c === 0 ? 'UserDefinedRouting' : 'Loadbalancer',
        preconfiguredNSG: 'Disabled',
      },
      masterProfile: {
        vmSize: 'Standard_D8s_v3',
        subnetId: `/subscriptions/${subscriptions[c]}/resourceGroups/rg-aro/providers/Microsoft.Network/virtualNetworks/vnet-aro/subnets/master`,
        encryptionAtHost: 'Enabled',
      },
      workerProfiles: [
        {
          name: 'worker',
          vmSize: 'Standard_D4s_v3',
          diskSizeGB: 128,
          count: 3,
          encryptionAtHost: c === 0 ? 'Enabled' : 'Disabled',
          subnetId: `/subscriptions/${subscriptions[c]}/resourceGroups/rg-aro/providers/Microsoft.Network/virtualNetworks/vnet-aro/subnets/worker`,
        },
      ],
      apiserverProfile: {
        visibility: c === 0 ? 'Private' : 'Public',
        url: `https://${c === 0 ? aroApiHost : 'api.z1y2x3w4.westeurope.aroapp.io'}:6443/`,
        ip: '10.0.0.10',
      },
      ingressProfiles: [{ name: 'default', visibility: c === 0 ? 'Private' : 'Public', ip: '10.0.0.20' }],
    };
    rows.push(row);
    counts['microsoft.redhatopenshift/openshiftclusters'] =
      (counts['microsoft.redhatopenshift/openshiftclusters'] ?? 0) + 1;
  }
  for (let i = rows.length; i < total; i++) {
    let roll = random() * weights;
    let type = MIX[0]?.[0] as string;
    for (const [t, w] of MIX) {
      roll -= w;
      if (roll < 0) {
        type = t;
        break;
      }
    }
    counts[type] = (counts[type] ?? 0) + 1;
    const bad = chance(0.35);
    const suffix = i.toString(36);
    let row: { [key: string]: Json };
    switch (type) {
      case 'microsoft.storage/storageaccounts':
        row = base(type, i, `st${suffix}`);
        row.kind = 'StorageV2';
        row.sku = { name: pick(['Standard_LRS', 'Standard_GRS', 'Standard_ZRS']), tier: 'Standard' };
        row.properties = {
          provisioningState: 'Succeeded',
          supportsHttpsTrafficOnly: !(bad && chance(0.3)),
          minimumTlsVersion: bad && chance(0.5) ? 'TLS1_0' : 'TLS1_2',
          allowBlobPublicAccess: bad && chance(0.5),
          allowSharedKeyAccess: bad || chance(0.5),
          publicNetworkAccess: bad ? 'Enabled' : pick(['Enabled', 'Disabled']),
          networkAcls: {
            bypass: 'AzureServices',
            defaultAction: bad ? 'Allow' : 'Deny',
            ipRules: [],
            virtualNetworkRules: [],
          },
          encryption: { keySource: 'Microsoft.Storage', services: { blob: { enabled: true, keyType: 'Account' } } },
          accessTier: 'Hot',
          primaryEndpoints: { blob: `https://st${suffix}.blob.core.windows.net/` },
        };
        break;
      case 'microsoft.keyvault/vaults':
        row = base(type, i, `kv-${suffix}`);
        row.properties = {
          tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
          sku: { family: 'A', name: 'standard' },
          enableSoftDelete: true,
          softDeleteRetentionInDays: 90,
          enablePurgeProtection: bad ? null : true,
          enableRbacAuthorization: !bad,
          publicNetworkAccess: bad ? 'Enabled' : 'Disabled',
          networkAcls: { bypass: 'AzureServices', defaultAction: bad ? 'Allow' : 'Deny', ipRules: [] },
          vaultUri: `https://kv-${suffix}.vault.azure.net/`,
          provisioningState: 'Succeeded',
        };
        break;
      case 'microsoft.sql/servers':
        row = base(type, i, `sql-${suffix}`);
        row.kind = 'v12.0';
        row.properties = {
          administratorLogin: 'sqladmin',
          version: '12.0',
          state: 'Ready',
          fullyQualifiedDomainName: `sql-${suffix}.database.windows.net`,
          minimalTlsVersion: bad ? '1.0' : '1.2',
          publicNetworkAccess: bad ? 'Enabled' : 'Disabled',
          administrators: bad
            ? null
            : {
                administratorType: 'ActiveDirectory',
                principalType: 'Group',
                login: 'sql-admins',
                sid: '4b0c9c0e-1d2a-4f3b-8c5d-6e7f8a9b0c1d',
                tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
                azureADOnlyAuthentication: true,
              },
        };
        break;
      case 'microsoft.sql/servers/databases':
        row = base(type, i, `sql-${(i - 1).toString(36)}/db-${suffix}`);
        row.kind = 'v12.0,user';
        row.sku = { name: 'GP_Gen5', tier: 'GeneralPurpose', family: 'Gen5', capacity: 2 };
        row.properties = {
          collation: 'SQL_Latin1_General_CP1_CI_AS',
          status: 'Online',
          maxSizeBytes: 34359738368,
          zoneRedundant: false,
        };
        break;
      case 'microsoft.documentdb/databaseaccounts':
        row = base(type, i, `cosmos-${suffix}`);
        row.kind = 'GlobalDocumentDB';
        row.properties = {
          provisioningState: 'Succeeded',
          databaseAccountOfferType: 'Standard',
          publicNetworkAccess: bad ? 'Enabled' : 'Disabled',
          isVirtualNetworkFilterEnabled: !bad,
          ipRules: [],
          disableKeyBasedMetadataWriteAccess: !bad,
          disableLocalAuth: !bad,
          minimalTlsVersion: 'Tls12',
          privateEndpointConnections: [],
        };
        break;
      case 'microsoft.compute/virtualmachines':
        row = base(type, i, `vm-${suffix}`);
        row.properties = {
          vmId: `7d1e2f3a-${suffix.padStart(4, '0').slice(-4)}-4b5c-8d9e-0f1a2b3c4d5e`,
          hardwareProfile: { vmSize: pick(['Standard_D2s_v5', 'Standard_D4s_v5', 'Standard_B2ms']) },
          storageProfile: {
            osDisk: {
              osType: 'Linux',
              name: `vm-${suffix}_OsDisk`,
              createOption: 'FromImage',
              caching: 'ReadWrite',
              managedDisk: { storageAccountType: 'Premium_LRS' },
              diskSizeGB: 30,
            },
            dataDisks: [],
            imageReference: { publisher: 'Canonical', offer: 'ubuntu-24_04-lts', sku: 'server', version: 'latest' },
          },
          osProfile: {
            computerName: `vm-${suffix}`,
            adminUsername: 'azureuser',
            linuxConfiguration: { disablePasswordAuthentication: !bad, provisionVMAgent: true },
          },
          securityProfile: bad
            ? null
            : {
                encryptionAtHost: true,
                securityType: 'TrustedLaunch',
                uefiSettings: { secureBootEnabled: true, vTpmEnabled: true },
              },
          diagnosticsProfile: { bootDiagnostics: { enabled: !bad } },
          networkProfile: {
            networkInterfaces: [
              {
                id: `/subscriptions/${subscriptions[i % subscriptions.length]}/resourceGroups/${rgOf(i)}/providers/Microsoft.Network/networkInterfaces/nic-${suffix}`,
              },
            ],
          },
          provisioningState: 'Succeeded',
        };
        break;
      case 'microsoft.network/networksecuritygroups': {
        row = base(type, i, `nsg-${suffix}`);
        const rules: Json[] = [
          {
            name: 'allow-https',
            properties: {
              protocol: 'Tcp',
              sourcePortRange: '*',
              destinationPortRange: '443',
              sourceAddressPrefix: 'Internet',
              destinationAddressPrefix: '*',
              access: 'Allow',
              priority: 100,
              direction: 'Inbound',
              provisioningState: 'Succeeded',
            },
          },
        ];
        if (bad) {
          rules.push({
            name: 'allow-ssh',
            properties: {
              protocol: 'Tcp',
              sourcePortRange: '*',
              destinationPortRange: pick(['22', '3389', '20-30', '*']),
              sourceAddressPrefix: pick(['*', 'Internet', '0.0.0.0/0']),
              destinationAddressPrefix: '*',
              access: 'Allow',
              priority: 110,
              direction: 'Inbound',
              provisioningState: 'Succeeded',
            },
          });
        }
        row.properties = { securityRules: rules, defaultSecurityRules: [], provisioningState: 'Succeeded' };
        break;
      }
      case 'microsoft.web/sites':
        row = base(type, i, `app-${suffix}`);
        row.kind = pick(['app,linux', 'app', 'functionapp,linux']);
        row.identity = bad
          ? null
          : {
              type: 'SystemAssigned',
              principalId: '0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f',
              tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
            };
        row.properties = {
          state: 'Running',
          httpsOnly: !bad,
          clientCertEnabled: false,
          publicNetworkAccess: bad ? 'Enabled' : 'Disabled',
          siteConfig: {
            linuxFxVersion: pick(['NODE|20-lts', 'PYTHON|3.12', 'DOTNETCORE|8.0', 'NODE|14-lts']),
            minTlsVersion: bad ? '1.0' : '1.2',
            ftpsState: bad ? 'AllAllowed' : 'Disabled',
            remoteDebuggingEnabled: false,
            http20Enabled: true,
          },
          defaultHostName: `app-${suffix}.azurewebsites.net`,
        };
        break;
      case 'microsoft.containerregistry/registries':
        row = base(type, i, `acr${suffix}`);
        row.sku = { name: bad ? 'Basic' : 'Premium', tier: bad ? 'Basic' : 'Premium' };
        row.properties = {
          loginServer: `acr${suffix}.azurecr.io`,
          adminUserEnabled: bad,
          publicNetworkAccess: bad ? 'Enabled' : 'Disabled',
          anonymousPullEnabled: false,
          networkRuleSet: { defaultAction: bad ? 'Allow' : 'Deny', ipRules: [] },
          policies: {
            quarantinePolicy: { status: 'disabled' },
            trustPolicy: { type: 'Notary', status: bad ? 'disabled' : 'enabled' },
            exportPolicy: { status: bad ? 'enabled' : 'disabled' },
            retentionPolicy: { days: 7, status: 'disabled' },
          },
          privateEndpointConnections: bad
            ? []
            : [{ id: 'x', properties: { privateLinkServiceConnectionState: { status: 'Approved' } } }],
          provisioningState: 'Succeeded',
        };
        break;
      default:
        row = base(type, i, `${type.split('/').pop()}-${suffix}`);
        row.properties = { provisioningState: 'Succeeded' };
    }
    rows.push(row);
  }
  return { rows, counts, aroApiHost };
}

/** The `az graph query` output shape, as the Azure CLI prints it (2-space indent). */
export function toGraphQueryJson(rows: readonly Json[]): string {
  return `${JSON.stringify({ count: rows.length, data: rows, skip_token: null, total_records: rows.length }, null, 2)}\n`;
}

/** OpenShift cluster configuration objects (config.openshift.io and friends) for the first ARO cluster. */
export function openshiftConfigObjects(apiHost: string): Record<string, unknown>[] {
  const meta = (name: string, namespace?: string): Record<string, string> =>
    namespace ? { name, namespace } : { name };
  return [
    {
      apiVersion: 'config.openshift.io/v1',
      kind: 'Infrastructure',
      metadata: meta('cluster'),
      spec: { platformSpec: { type: 'Azure' } },
      status: { apiServerURL: `https://${apiHost}:6443`, infrastructureName: 'aro-q7c2x-7x2kq', platform: 'Azure' },
    },
    {
      apiVersion: 'config.openshift.io/v1',
      kind: 'ClusterVersion',
      metadata: meta('version'),
      spec: { channel: 'stable-4.16', clusterID: '5d3c0a5e-8a0b-4d7e-9c1f-2b3a4c5d6e7f' },
      status: { desired: { version: '4.16.30' } },
    },
    {
      apiVersion: 'config.openshift.io/v1',
      kind: 'APIServer',
      metadata: meta('cluster'),
      spec: { audit: { profile: 'Default' }, encryption: { type: 'aescbc' } },
    },
    {
      apiVersion: 'config.openshift.io/v1',
      kind: 'OAuth',
      metadata: meta('cluster'),
      spec: {
        identityProviders: [
          {
            name: 'AAD',
            type: 'OpenID',
            mappingMethod: 'claim',
            openID: {
              issuer: 'https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0',
              clientID: 'x',
              clientSecret: { name: 'openid-client-secret' },
              claims: { preferredUsername: ['upn'], name: ['name'], email: ['email'] },
            },
          },
        ],
      },
    },
    {
      apiVersion: 'config.openshift.io/v1',
      kind: 'Image',
      metadata: meta('cluster'),
      spec: { registrySources: { allowedRegistries: ['myacr.azurecr.io', 'registry.redhat.io', 'quay.io'] } },
    },
    { apiVersion: 'v1', kind: 'Secret', metadata: meta('kubeadmin', 'kube-system'), type: 'Opaque' },
  ];
}
