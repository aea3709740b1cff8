/**
 * Azure resources from exports, normalised to the shape the ARM REST API returns
 * (envelope + `properties`):
 *   - ARM REST / `az resource show` / `az graph query` rows: `properties` is an object already;
 *     Resource Graph lowercases `type` (and often `id`) and adds `subscriptionId`, `resourceGroup`, `tenantId`;
 *   - `az <service> show|list` (`az aro show`, `az storage account show`, `az network nsg show`, ...):
 *     the Azure SDK flattens `properties` into the top level, and a few SDK models rename a property
 *     (the storage account's `enableHttpsTrafficOnly` is ARM's `supportsHttpsTrafficOnly`, its
 *     `networkRuleSet` is ARM's `networkAcls`), which is undone here;
 *   - `az resource list`: `properties` is null. Such a resource is kept, marked as having no
 *     properties, so that checks report it as indeterminate instead of judging absent values.
 * Sources: ARM REST API reference; Azure Resource Graph table and row shapes
 * (https://learn.microsoft.com/azure/governance/resource-graph/concepts/query-language);
 * Azure CLI output (https://learn.microsoft.com/cli/azure/format-output-azure-cli).
 */
import type { AzureView, Diagnostic, Resource, SourceRef } from '#core';
import { parentId, parseArmId } from './id.ts';
import { canonicalType, isResourceType, providerOf } from './types.ts';

/** Top-level keys of an ARM resource that are not properties. */
const ENVELOPE_KEYS: ReadonlySet<string> = new Set([
  'id',
  'name',
  'type',
  'location',
  'tags',
  'sku',
  'kind',
  'identity',
  'zones',
  'plan',
  'managedBy',
  'etag',
  'systemData',
  'extendedLocation',
  'properties',
  'apiVersion',
  'scope',
  // Added by the Azure CLI and Resource Graph, not part of the ARM object.
  'resourceGroup',
  'subscriptionId',
  'tenantId',
  'managementGroupId',
  // ARM GET returns a VM's extensions (and some other children) as a top-level `resources` array.
  'resources',
]);

/** Fields `az resource list` prints beside `properties: null`; they do not make the properties known. */
const LIST_FIELDS: ReadonlySet<string> = new Set(['changedTime', 'createdTime', 'provisioningState']);

/**
 * SDK model names that differ from the ARM property names, per resource type (lowercased).
 * Only renames that the checks read are listed.
 */
const SDK_RENAMES: ReadonlyMap<string, Readonly<Record<string, string>>> = new Map<string, Record<string, string>>([
  [
    'microsoft.storage/storageaccounts',
    { enableHttpsTrafficOnly: 'supportsHttpsTrafficOnly', networkRuleSet: 'networkAcls' },
  ],
  // `az vm extension list|show` and the `resources` of `az vm show` print the handler type as typePropertiesType.
  ['microsoft.compute/virtualmachines/extensions', { typePropertiesType: 'type' }],
]);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Whether a decoded document is an Azure resource from an export: a `type` in the
 * `Namespace.Provider/type` form with an ARM `id`, or with a `name` and no Kubernetes envelope.
 */
export function isAzureExportObject(value: unknown): value is Record<string, unknown> {
  if (!isRecord(value) || !isResourceType(value.type)) {
    return false;
  }
  if (typeof value.id === 'string' && value.id.startsWith('/')) {
    return true;
  }
  // Without an ARM id: not a Kubernetes object (no apiVersion, no metadata). Rows without a name
  // are still Azure, so that the loader can say what is missing.
  return typeof value.apiVersion !== 'string' && !('metadata' in value);
}

/**
 * `az graph query` output ({ count, data: [...], skip_token, total_records }) and ARM list responses
 * ({ value: [...], nextLink }): the key that holds the rows, when the object is one of them.
 */
export function azureCollectionKey(value: unknown): 'data' | 'value' | undefined {
  if (!isRecord(value)) {
    return undefined;
  }
  const keys = Object.keys(value);
  if (
    Array.isArray(value.data) &&
    keys.every((k) =>
      [
        'data',
        'count',
        'skip_token',
        'total_records',
        'totalRecords',
        'skipToken',
        'resultTruncated',
        'facets',
      ].includes(k),
    )
  ) {
    return 'data';
  }
  if (Array.isArray(value.value) && keys.every((k) => k === 'value' || k === 'nextLink' || k === '@odata.nextLink')) {
    return 'value';
  }
  return undefined;
}

/**
 * Key Vault data-plane items as `az keyvault secret list|show` and `az keyvault key list|show` print
 * them: `{ id|kid: "https://<vault>.vault.azure.net/secrets/<name>[/<version>]", attributes: { expires, ... } }`.
 * Source: Key Vault REST API (https://learn.microsoft.com/rest/api/keyvault/secrets/get-secrets/get-secrets).
 */
const VAULT_ITEM =
  /^https:\/\/([a-z0-9-]+)\.vault\.(?:azure\.net|azure\.cn|usgovcloudapi\.net|microsoftazure\.de)(?::443)?\/(secrets|keys)\/([^/?#]+)/i;

export function isVaultItem(value: unknown): value is Record<string, unknown> {
  if (!isRecord(value) || !isRecord(value.attributes) || 'type' in value) {
    return false;
  }
  const id = typeof value.kid === 'string' ? value.kid : typeof value.id === 'string' ? value.id : undefined;
  return id !== undefined && VAULT_ITEM.test(id);
}

/** A data-plane secret or key as the ARM child resource (`Microsoft.KeyVault/vaults/secrets|keys`) it is. */
export function fromVaultItem(value: Record<string, unknown>, source: SourceRef): AzureResult {
  const id = (typeof value.kid === 'string' ? value.kid : value.id) as string;
  const match = VAULT_ITEM.exec(id) as RegExpExecArray;
  const vault = match[1] as string;
  const kind = (match[2] as string).toLowerCase();
  const item = decodeURIComponent(match[3] as string);
  const attributes = value.attributes as Record<string, unknown>;
  // The data plane prints ISO dates (`expires`); ARM keeps epoch seconds (`exp`).
  const epoch = (iso: unknown): number | undefined => {
    if (typeof iso === 'number') return iso;
    if (typeof iso !== 'string') return undefined;
    const ms = Date.parse(iso);
    return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
  };
  const exp = epoch(attributes.expires ?? attributes.exp);
  const nbf = epoch(attributes.notBefore ?? attributes.nbf);
  const armAttributes: Record<string, unknown> = {
    ...(typeof attributes.enabled === 'boolean' ? { enabled: attributes.enabled } : {}),
    ...(exp === undefined ? {} : { exp }),
    ...(nbf === undefined ? {} : { nbf }),
  };
  const type = kind === 'keys' ? 'Microsoft.KeyVault/vaults/keys' : 'Microsoft.KeyVault/vaults/secrets';
  const view: AzureView = {
    type,
    name: `${vault}/${item}`,
    parent: { type: 'Microsoft.KeyVault/vaults', name: vault },
    arm: {
      type,
      name: `${vault}/${item}`,
      ...(isRecord(value.tags) ? { tags: value.tags } : {}),
      properties: {
        attributes: armAttributes,
        ...(typeof value.contentType === 'string' ? { contentType: value.contentType } : {}),
        ...(typeof value.managed === 'boolean' ? { managed: value.managed } : {}),
      },
    },
    origin: 'export',
  };
  return { resource: azureResource(view, source), diagnostics: [] };
}

export interface AzureResult {
  readonly resource?: Resource;
  readonly diagnostics: readonly Diagnostic[];
}

/** Key of an Azure resource in the inventory: its lowercased id, or type and name. */
export function azureKey(view: Pick<AzureView, 'id' | 'type' | 'name' | 'subscriptionId' | 'resourceGroup'>): string {
  if (view.id !== undefined) {
    return `azure:${view.id.toLowerCase()}`;
  }
  return `azure:${view.subscriptionId ?? ''}/${view.resourceGroup ?? ''}/${view.type}/${view.name}`.toLowerCase();
}

/** The Resource for a normalised ARM object. */
export function azureResource(view: AzureView, source: SourceRef): Resource {
  return {
    apiVersion: view.apiVersion ?? '',
    kind: view.type,
    group: providerOf(view.type),
    name: view.name,
    object: { apiVersion: view.apiVersion ?? '', kind: view.type, metadata: { name: view.name } },
    source,
    azure: view,
    key: azureKey(view),
  };
}

/** Normalise one exported Azure object (see the module comment). */
export function fromExport(value: Record<string, unknown>, source: SourceRef): AzureResult {
  const location = { file: source.file, ...(source.line === undefined ? {} : { line: source.line }) };
  const rawType = value.type as string;
  const type = canonicalType(rawType);
  const id = typeof value.id === 'string' && value.id !== '' ? value.id : undefined;
  const parts = id === undefined ? undefined : parseArmId(id);
  if (id !== undefined && parts === undefined) {
    return {
      diagnostics: [
        {
          level: 'error',
          code: 'azure.invalid-id',
          message: `${type} resource has an id that is not an ARM resource id; it was skipped`,
          location,
        },
      ],
    };
  }
  const name = typeof value.name === 'string' && value.name !== '' ? value.name : parts?.names.join('/');
  if (name === undefined) {
    return {
      diagnostics: [
        {
          level: 'error',
          code: 'azure.no-name',
          message: `${type} resource has no name and no id; it was skipped`,
          location,
        },
      ],
    };
  }
  let properties: Record<string, unknown>;
  let propertiesKnown = true;
  let envelope: Record<string, unknown> = {};
  // The REST shape is kept as it is (not copied: an estate has hundreds of thousands of rows);
  // `arm.type` and `arm.name` then hold what the input wrote (Resource Graph lowercases the type),
  // the view's `type` the canonical spelling.
  const restShape = isRecord(value.properties);
  if (restShape) {
    properties = value.properties as Record<string, unknown>;
    envelope = value;
  } else {
    // Flattened SDK output (az <service> show), or a row without properties (az resource list).
    properties = {};
    const renames = SDK_RENAMES.get(type.toLowerCase());
    for (const [key, v] of Object.entries(value)) {
      if (ENVELOPE_KEYS.has(key)) {
        if (key !== 'properties') {
          envelope[key] = v;
        }
      } else {
        properties[renames?.[key] ?? key] = v;
      }
    }
    propertiesKnown = Object.keys(properties).some((key) => !LIST_FIELDS.has(key));
  }
  const subscriptionId =
    parts?.subscriptionId ?? (typeof value.subscriptionId === 'string' ? value.subscriptionId : undefined);
  const resourceGroup =
    parts?.resourceGroup ?? (typeof value.resourceGroup === 'string' ? value.resourceGroup : undefined);
  const parent = id === undefined || parts === undefined || parts.names.length < 2 ? undefined : parentId(id);
  const parentType =
    parts && parts.names.length > 1 ? canonicalType(type.split('/').slice(0, -1).join('/')) : undefined;
  const view: AzureView = {
    ...(id === undefined ? {} : { id }),
    type,
    name,
    ...(subscriptionId === undefined ? {} : { subscriptionId }),
    ...(resourceGroup === undefined ? {} : { resourceGroup }),
    ...(typeof value.location === 'string' ? { location: value.location } : {}),
    ...(parts?.scope === undefined ? {} : { scope: parts.scope }),
    ...(parent !== undefined && parentType !== undefined && parts
      ? { parent: { type: parentType, name: parts.names.slice(0, -1).join('/'), id: parent } }
      : {}),
    arm: restShape && value.name === name ? (value as AzureView['arm']) : { ...envelope, type, name, properties },
    origin: 'export',
    ...(propertiesKnown ? {} : { propertiesUnknown: true }),
  };
  return { resource: azureResource(view, source), diagnostics: [] };
}
