import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Resource, SourceRef } from '#core';
import { type AzureResult, azureCollectionKey, azureKey, fromExport, isAzureExportObject } from './export.ts';

const SUB = 'c5a1f0d2-7b3e-4c9a-8e21-6f4d2b9a7c10';
const RG_ID = `/subscriptions/${SUB}/resourceGroups/rg-payments`;
const VAULT_ID = `${RG_ID}/providers/Microsoft.KeyVault/vaults/kv-pay-prod`;
const STORAGE_ID = `${RG_ID}/providers/Microsoft.Storage/storageAccounts/stpayhot`;
const SOURCE: SourceRef = { file: 'exports/payments.json', line: 12, document: 3 };

/** The resource of a result that must have one (fails the test otherwise). */
function resourceOf(result: AzureResult): Resource {
  assert.deepEqual(result.diagnostics, []);
  assert.ok(result.resource, 'expected a resource');
  return result.resource;
}

/** `az keyvault show` (and the ARM REST GET): envelope plus nested `properties`. */
const restVault = (): Record<string, unknown> => ({
  id: VAULT_ID,
  location: 'westeurope',
  name: 'kv-pay-prod',
  properties: {
    enablePurgeProtection: true,
    enableRbacAuthorization: true,
    enableSoftDelete: true,
    networkAcls: { bypass: 'AzureServices', defaultAction: 'Deny', ipRules: [], virtualNetworkRules: [] },
    provisioningState: 'Succeeded',
    publicNetworkAccess: 'Disabled',
    sku: { family: 'A', name: 'standard' },
    softDeleteRetentionInDays: 90,
    tenantId: '2d7c9e41-5b8a-4f03-9c6e-a1b2c3d4e5f6',
    vaultUri: 'https://kv-pay-prod.vault.azure.net/',
  },
  resourceGroup: 'rg-payments',
  systemData: { createdAt: '2025-06-03T14:21:09.902114+00:00', createdByType: 'User' },
  tags: { env: 'prod' },
  type: 'Microsoft.KeyVault/vaults',
});

/** `az storage account show`: the SDK flattens `properties` and renames two of them. */
const flattenedStorage = (): Record<string, unknown> => ({
  accessTier: 'Hot',
  allowBlobPublicAccess: false,
  enableHttpsTrafficOnly: false,
  id: STORAGE_ID,
  identity: null,
  kind: 'StorageV2',
  location: 'westeurope',
  minimumTlsVersion: 'TLS1_2',
  name: 'stpayhot',
  networkRuleSet: { bypass: 'AzureServices', defaultAction: 'Deny', ipRules: [], virtualNetworkRules: [] },
  provisioningState: 'Succeeded',
  resourceGroup: 'rg-payments',
  sku: { name: 'Standard_ZRS', tier: 'Standard' },
  tags: {},
  type: 'Microsoft.Storage/storageAccounts',
});

/** An `az graph query` row: lowercased type and id, plus tenantId, subscriptionId and resourceGroup. */
const graphRow = (): Record<string, unknown> => ({
  id: `/subscriptions/${SUB}/resourcegroups/rg-payments/providers/microsoft.keyvault/vaults/kv-pay-prod`,
  name: 'kv-pay-prod',
  type: 'microsoft.keyvault/vaults',
  tenantId: '2d7c9e41-5b8a-4f03-9c6e-a1b2c3d4e5f6',
  kind: '',
  location: 'westeurope',
  resourceGroup: 'rg-payments',
  subscriptionId: SUB,
  managedBy: '',
  sku: null,
  plan: null,
  properties: { enableSoftDelete: true, enablePurgeProtection: false },
  tags: {},
  identity: null,
  zones: null,
  extendedLocation: null,
});

describe('isAzureExportObject', () => {
  it('accepts the ARM REST shape, the flattened az shape and a Resource Graph row', () => {
    assert.equal(isAzureExportObject(restVault()), true);
    assert.equal(isAzureExportObject(flattenedStorage()), true);
    assert.equal(isAzureExportObject(graphRow()), true);
  });

  it('accepts an object with a type and a name but no id', () => {
    assert.equal(isAzureExportObject({ name: 'kv-pay-prod', type: 'Microsoft.KeyVault/vaults', properties: {} }), true);
  });

  it('rejects a Kubernetes Secret, whose `type` is Opaque or kubernetes.io/tls', () => {
    const secret = (type: string) => ({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'db-credentials', namespace: 'payments' },
      type,
      data: { password: 'c2VjcmV0' },
    });
    assert.equal(isAzureExportObject(secret('Opaque')), false);
    assert.equal(isAzureExportObject(secret('kubernetes.io/tls')), false);
  });

  it('rejects a Kubernetes object with apiVersion and kind, even with an Azure-looking type and a name', () => {
    assert.equal(
      isAzureExportObject({
        apiVersion: 'widgets.contoso.example/v1',
        kind: 'Widget',
        name: 'w1',
        type: 'Contoso.Widgets/gadgets',
      }),
      false,
    );
  });

  it('rejects objects without a resource type and values that are not objects', () => {
    assert.equal(isAzureExportObject({ id: VAULT_ID, name: 'kv-pay-prod' }), false);
    assert.equal(isAzureExportObject({ id: VAULT_ID, name: 'kv-pay-prod', type: 'vaults' }), false);
    // A bare type is Azure (the loader then reports the missing name), unless it looks like Kubernetes.
    assert.equal(isAzureExportObject({ type: 'Microsoft.KeyVault/vaults' }), true);
    assert.equal(isAzureExportObject({ type: 'kubernetes.io/tls', metadata: { name: 'x' } }), false);
    assert.equal(isAzureExportObject({ apiVersion: 'v1', type: 'kubernetes.io/tls' }), false);
    assert.equal(isAzureExportObject([restVault()]), false);
    assert.equal(isAzureExportObject(null), false);
    assert.equal(isAzureExportObject('Microsoft.KeyVault/vaults'), false);
  });
});

describe('azureCollectionKey', () => {
  it("is 'data' for az graph query output", () => {
    assert.equal(azureCollectionKey({ count: 1, data: [graphRow()], skip_token: null, total_records: 1 }), 'data');
    assert.equal(azureCollectionKey({ count: 0, data: [] }), 'data');
    assert.equal(
      azureCollectionKey({ totalRecords: 1, count: 1, data: [graphRow()], facets: [], resultTruncated: 'false' }),
      'data',
    );
  });

  it("is 'value' for ARM list responses", () => {
    assert.equal(
      azureCollectionKey({
        value: [restVault()],
        nextLink: 'https://management.azure.com/subscriptions/x?$skiptoken=1',
      }),
      'value',
    );
    assert.equal(azureCollectionKey({ value: [] }), 'value');
    assert.equal(
      azureCollectionKey({ value: [restVault()], '@odata.nextLink': 'https://example.invalid/next' }),
      'value',
    );
  });

  it('is undefined for anything else', () => {
    // A ConfigMap's `data` is an object; a List holds `items`; other keys mean another shape.
    assert.equal(azureCollectionKey({ apiVersion: 'v1', kind: 'ConfigMap', data: { a: 'b' } }), undefined);
    assert.equal(azureCollectionKey({ apiVersion: 'v1', kind: 'List', items: [] }), undefined);
    assert.equal(azureCollectionKey({ count: 1, data: [graphRow()], kind: 'List' }), undefined);
    assert.equal(azureCollectionKey({ value: [restVault()], count: 1 }), undefined);
    assert.equal(azureCollectionKey({ value: 'x' }), undefined);
    assert.equal(azureCollectionKey({ data: 'x', count: 1 }), undefined);
    assert.equal(azureCollectionKey([graphRow()]), undefined);
    assert.equal(azureCollectionKey(null), undefined);
    assert.equal(azureCollectionKey(restVault()), undefined);
  });
});

describe('fromExport', () => {
  it('keeps the properties and envelope of the ARM REST shape', () => {
    const input = restVault();
    const resource = resourceOf(fromExport(input, SOURCE));
    const azure = resource.azure;
    assert.ok(azure);
    assert.deepEqual(azure.arm.properties, input.properties);
    assert.deepEqual(azure.arm.tags, { env: 'prod' });
    assert.equal(azure.arm.location, 'westeurope');
    assert.equal(azure.arm.type, 'Microsoft.KeyVault/vaults');
    assert.equal(azure.id, VAULT_ID);
    assert.equal(azure.name, 'kv-pay-prod');
    assert.equal(azure.location, 'westeurope');
    assert.equal(azure.subscriptionId, SUB);
    assert.equal(azure.resourceGroup, 'rg-payments');
    assert.equal(azure.origin, 'export');
    assert.equal(azure.propertiesUnknown, undefined);
    assert.equal(azure.parent, undefined);
    assert.equal(azure.scope, undefined);
  });

  it('fills in the Resource fields: kind is the canonical type, group its provider, key the lowercased id', () => {
    const resource = resourceOf(fromExport(graphRow(), SOURCE));
    assert.equal(resource.kind, 'Microsoft.KeyVault/vaults');
    assert.equal(resource.group, 'Microsoft.KeyVault');
    assert.equal(resource.apiVersion, '');
    assert.equal(resource.name, 'kv-pay-prod');
    assert.equal(resource.namespace, undefined);
    assert.equal(resource.key, `azure:${VAULT_ID.toLowerCase()}`);
    assert.deepEqual(resource.object, {
      apiVersion: '',
      kind: 'Microsoft.KeyVault/vaults',
      metadata: { name: 'kv-pay-prod' },
    });
    assert.deepEqual(resource.source, SOURCE);
  });

  it('gives the same key to one resource exported by Resource Graph and by az', () => {
    const fromGraph = resourceOf(fromExport(graphRow(), SOURCE));
    const fromCli = resourceOf(fromExport(restVault(), { file: 'kv.json', line: 1 }));
    assert.equal(fromGraph.key, fromCli.key);
  });

  it('moves flattened az output under properties, undoing the SDK renames of the storage account', () => {
    const azure = resourceOf(fromExport(flattenedStorage(), SOURCE)).azure;
    assert.ok(azure);
    assert.deepEqual(azure.arm.properties, {
      accessTier: 'Hot',
      allowBlobPublicAccess: false,
      supportsHttpsTrafficOnly: false,
      minimumTlsVersion: 'TLS1_2',
      networkAcls: { bypass: 'AzureServices', defaultAction: 'Deny', ipRules: [], virtualNetworkRules: [] },
      provisioningState: 'Succeeded',
    });
    // The envelope stays at the top level, the CLI's own keys included.
    assert.equal(azure.arm.kind, 'StorageV2');
    assert.deepEqual(azure.arm.sku, { name: 'Standard_ZRS', tier: 'Standard' });
    assert.equal(azure.arm.resourceGroup, 'rg-payments');
    assert.equal(azure.arm.identity, null);
    for (const moved of ['enableHttpsTrafficOnly', 'networkRuleSet', 'minimumTlsVersion']) {
      assert.equal(moved in azure.arm, false, moved);
    }
    assert.equal(azure.propertiesUnknown, undefined);
  });

  it('applies the storage renames to a lowercased type too, and to no other type', () => {
    const lower = resourceOf(fromExport({ ...flattenedStorage(), type: 'microsoft.storage/storageaccounts' }, SOURCE));
    assert.equal(lower.azure?.arm.properties.supportsHttpsTrafficOnly, false);
    const other = resourceOf(
      fromExport(
        {
          id: `${RG_ID}/providers/Microsoft.Web/sites/pay-api`,
          name: 'pay-api',
          type: 'Microsoft.Web/sites',
          enableHttpsTrafficOnly: true,
          httpsOnly: true,
        },
        SOURCE,
      ),
    );
    assert.deepEqual(other.azure?.arm.properties, { enableHttpsTrafficOnly: true, httpsOnly: true });
  });

  it('reads a Resource Graph row: canonical type, subscription and group from the id', () => {
    const row = graphRow();
    delete row.subscriptionId;
    delete row.resourceGroup;
    const resource = resourceOf(fromExport(row, SOURCE));
    const azure = resource.azure;
    assert.ok(azure);
    assert.equal(azure.type, 'Microsoft.KeyVault/vaults');
    // The REST shape is kept as the input wrote it (not copied); the view has the canonical type.
    assert.equal(azure.arm.type, 'microsoft.keyvault/vaults');
    assert.equal(azure.id, row.id);
    assert.equal(azure.subscriptionId, SUB);
    assert.equal(azure.resourceGroup, 'rg-payments');
    assert.deepEqual(azure.arm.properties, { enableSoftDelete: true, enablePurgeProtection: false });
  });

  it('prefers the subscription and group in the id to the ones in the row', () => {
    const azure = resourceOf(
      fromExport({ ...graphRow(), resourceGroup: 'rg-other', subscriptionId: 'other' }, SOURCE),
    ).azure;
    assert.equal(azure?.subscriptionId, SUB);
    assert.equal(azure?.resourceGroup, 'rg-payments');
  });

  it('takes subscription and group from the row when there is no id, and keys by them', () => {
    const resource = resourceOf(
      fromExport(
        {
          name: 'kv-pay-prod',
          type: 'microsoft.keyvault/vaults',
          subscriptionId: SUB,
          resourceGroup: 'RG-Payments',
          properties: {},
        },
        SOURCE,
      ),
    );
    assert.equal(resource.azure?.id, undefined);
    assert.equal(resource.azure?.subscriptionId, SUB);
    assert.equal(resource.azure?.resourceGroup, 'RG-Payments');
    assert.equal(resource.key, `azure:${SUB}/rg-payments/microsoft.keyvault/vaults/kv-pay-prod`);
    assert.equal(
      azureKey({
        type: 'Microsoft.KeyVault/vaults',
        name: 'KV-PAY-PROD',
        subscriptionId: SUB,
        resourceGroup: 'rg-payments',
      }),
      resource.key,
    );
  });

  it('marks an az resource list row with `properties: null` as having no properties', () => {
    const azure = resourceOf(
      fromExport(
        {
          extendedLocation: null,
          id: VAULT_ID,
          identity: null,
          kind: null,
          location: 'westeurope',
          managedBy: null,
          name: 'kv-pay-prod',
          plan: null,
          properties: null,
          resourceGroup: 'rg-payments',
          sku: null,
          tags: {},
          type: 'Microsoft.KeyVault/vaults',
        },
        SOURCE,
      ),
    ).azure;
    assert.equal(azure?.propertiesUnknown, true);
    // properties is always an object, never the null the row carries.
    assert.deepEqual(azure?.arm.properties, {});
  });

  it('marks a full az resource list row (with changedTime, createdTime, provisioningState) as having no properties', () => {
    // `az resource list` prints GenericResourceExpanded: these three fields are envelope, not properties.
    const azure = resourceOf(
      fromExport(
        {
          changedTime: '2026-01-19T10:02:44.183719+00:00',
          createdTime: '2025-06-03T14:21:09.902114+00:00',
          extendedLocation: null,
          id: STORAGE_ID,
          identity: null,
          kind: 'StorageV2',
          location: 'westeurope',
          managedBy: null,
          name: 'stpayhot',
          plan: null,
          properties: null,
          provisioningState: 'Succeeded',
          resourceGroup: 'rg-payments',
          sku: { name: 'Standard_ZRS', tier: 'Standard' },
          tags: {},
          type: 'Microsoft.Storage/storageAccounts',
        },
        SOURCE,
      ),
    ).azure;
    assert.equal(azure?.propertiesUnknown, true);
  });

  it('treats flattened output with nothing but envelope keys as having no properties', () => {
    const azure = resourceOf(
      fromExport(
        { id: VAULT_ID, name: 'kv-pay-prod', type: 'Microsoft.KeyVault/vaults', location: 'westeurope' },
        SOURCE,
      ),
    ).azure;
    assert.equal(azure?.propertiesUnknown, true);
  });

  it('sets the parent of a child resource: canonical type, name and id', () => {
    const id = `/subscriptions/${SUB}/resourcegroups/rg-payments/providers/microsoft.sql/servers/sql-pay/databases/ledger`;
    const azure = resourceOf(
      fromExport(
        { id, name: 'ledger', type: 'microsoft.sql/servers/databases', properties: { status: 'Online' } },
        SOURCE,
      ),
    ).azure;
    assert.equal(azure?.type, 'Microsoft.Sql/servers/databases');
    assert.equal(azure?.name, 'ledger');
    assert.deepEqual(azure?.parent, {
      type: 'Microsoft.Sql/servers',
      name: 'sql-pay',
      id: `/subscriptions/${SUB}/resourcegroups/rg-payments/providers/microsoft.sql/servers/sql-pay`,
    });
  });

  it('names a child resource without a name by its id segments, and gives a grandchild its full parent name', () => {
    const id = `${RG_ID}/providers/Microsoft.Sql/servers/sql-pay/databases/ledger/transparentDataEncryption/current`;
    const azure = resourceOf(
      fromExport({ id, type: 'Microsoft.Sql/servers/databases/transparentDataEncryption', properties: {} }, SOURCE),
    ).azure;
    assert.equal(azure?.name, 'sql-pay/ledger/current');
    assert.deepEqual(azure?.parent, {
      type: 'Microsoft.Sql/servers/databases',
      name: 'sql-pay/ledger',
      id: `${RG_ID}/providers/Microsoft.Sql/servers/sql-pay/databases/ledger`,
    });
  });

  it('sets the scope of an extension resource (flattened az monitor diagnostic-settings output)', () => {
    const id = `${VAULT_ID}/providers/microsoft.insights/diagnosticSettings/send-to-law`;
    const resource = resourceOf(
      fromExport(
        {
          id,
          logs: [{ categoryGroup: 'audit', enabled: true }],
          metrics: [],
          name: 'send-to-law',
          resourceGroup: 'rg-payments',
          type: 'Microsoft.Insights/diagnosticSettings',
          workspaceId: `${RG_ID}/providers/Microsoft.OperationalInsights/workspaces/law-pay`,
        },
        SOURCE,
      ),
    );
    assert.equal(resource.kind, 'Microsoft.Insights/diagnosticSettings');
    assert.equal(resource.azure?.scope, VAULT_ID);
    assert.equal(resource.azure?.parent, undefined);
    assert.deepEqual(resource.azure?.arm.properties, {
      logs: [{ categoryGroup: 'audit', enabled: true }],
      metrics: [],
      workspaceId: `${RG_ID}/providers/Microsoft.OperationalInsights/workspaces/law-pay`,
    });
  });

  it('skips a resource whose id is not an ARM id, with an error naming the type at its file and line', () => {
    const result = fromExport({ id: 'kv-pay-prod', name: 'kv-pay-prod', type: 'microsoft.keyvault/vaults' }, SOURCE);
    assert.equal(result.resource, undefined);
    assert.deepEqual(result.diagnostics, [
      {
        level: 'error',
        code: 'azure.invalid-id',
        message: 'Microsoft.KeyVault/vaults resource has an id that is not an ARM resource id; it was skipped',
        location: { file: 'exports/payments.json', line: 12 },
      },
    ]);
  });

  it('leaves the line out of the diagnostic location when the source has none', () => {
    const result = fromExport(
      { id: `${RG_ID}/providers/Microsoft.KeyVault`, type: 'Microsoft.KeyVault/vaults' },
      {
        file: '<stdin>',
      },
    );
    assert.deepEqual(
      result.diagnostics.map((d) => [d.code, d.location]),
      [['azure.invalid-id', { file: '<stdin>' }]],
    );
  });

  it('skips a resource with no name and no id', () => {
    for (const value of [
      { type: 'Microsoft.KeyVault/vaults', properties: {} },
      { type: 'Microsoft.KeyVault/vaults', name: '', id: '' },
    ]) {
      const result = fromExport(value, SOURCE);
      assert.equal(result.resource, undefined);
      assert.deepEqual(result.diagnostics, [
        {
          level: 'error',
          code: 'azure.no-name',
          message: 'Microsoft.KeyVault/vaults resource has no name and no id; it was skipped',
          location: { file: 'exports/payments.json', line: 12 },
        },
      ]);
    }
  });

  it('names a resource without a name by its id', () => {
    const resource = resourceOf(
      fromExport({ id: VAULT_ID, type: 'Microsoft.KeyVault/vaults', properties: {} }, SOURCE),
    );
    assert.equal(resource.name, 'kv-pay-prod');
    assert.equal(resource.azure?.arm.name, 'kv-pay-prod');
  });

  it('keeps unknown types as written and groups them by their namespace', () => {
    const resource = resourceOf(
      fromExport(
        { id: `${RG_ID}/providers/Microsoft.Cdn/profiles/cdn-pay`, name: 'cdn-pay', type: 'microsoft.cdn/profiles' },
        SOURCE,
      ),
    );
    assert.equal(resource.kind, 'microsoft.cdn/profiles');
    assert.equal(resource.group, 'microsoft.cdn');
  });
});
