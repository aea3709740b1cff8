import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { isUnresolved, type Unresolved } from '#core';
import { displayValue } from './evaluate.ts';
import { jsonPointerLines } from './lines.ts';
import {
  DEFAULT_CONTEXT,
  expandTemplate,
  isDeploymentTemplate,
  isParametersFile,
  parametersFromFile,
  type TemplateResource,
} from './template.ts';

const fixtures = fileURLToPath(new URL('../../../../test/fixtures/inventory/azure/arm/', import.meta.url));
const SUB = '00000000-0000-0000-0000-000000000000';
const RG_ID = `/subscriptions/${SUB}/resourceGroups/resource-group`;
const SCHEMA = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#';

function text(name: string): string {
  return readFileSync(`${fixtures}${name}`, 'utf8');
}

function json(name: string): unknown {
  return JSON.parse(text(name));
}

function unresolved(value: unknown): Unresolved {
  assert.ok(isUnresolved(value), `expected an Unresolved, got ${JSON.stringify(value)}`);
  return value;
}

function props(resource: TemplateResource | undefined): Record<string, unknown> {
  assert.ok(resource);
  return resource.object.properties as Record<string, unknown>;
}

function byName(resources: readonly TemplateResource[], displayName: string): TemplateResource {
  const found = resources.find((r) => r.displayName === displayName);
  assert.ok(found, `no resource ${displayName} in ${resources.map((r) => r.displayName).join(', ')}`);
  return found;
}

function template(resources: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { $schema: SCHEMA, contentVersion: '1.0.0.0', ...extra, resources };
}

describe('isDeploymentTemplate / isParametersFile', () => {
  it('recognises deployment templates of every scope by $schema and resources', () => {
    assert.equal(isDeploymentTemplate(json('landing-zone.json')), true);
    assert.equal(isDeploymentTemplate(json('bicep-app.json')), true);
    for (const schema of [
      'https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#',
      'https://schema.management.azure.com/schemas/2019-08-01/managementGroupDeploymentTemplate.json#',
      'https://schema.management.azure.com/schemas/2019-08-01/tenantDeploymentTemplate.json#',
      'https://schema.management.azure.com/schemas/2015-01-01/deploymentTemplate.json#',
    ]) {
      assert.equal(isDeploymentTemplate({ $schema: schema, resources: [] }), true, schema);
    }
    assert.equal(isDeploymentTemplate({ $schema: SCHEMA }), false);
    assert.equal(isDeploymentTemplate(json('landing-zone.parameters.json')), false);
    assert.equal(isDeploymentTemplate({ apiVersion: 'v1', kind: 'Pod' }), false);
    assert.equal(isDeploymentTemplate('text'), false);
  });

  it('recognises parameters files', () => {
    assert.equal(isParametersFile(json('landing-zone.parameters.json')), true);
    assert.equal(isParametersFile(json('landing-zone.json')), false);
    assert.equal(isParametersFile(null), false);
  });
});

describe('parametersFromFile', () => {
  it('reads values and turns Key Vault references into Unresolved', () => {
    const { values, diagnostics } = parametersFromFile(json('landing-zone.parameters.json'));
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(Object.keys(values), [
      'prefix',
      'environment',
      'location',
      'nicCount',
      'enableDiagnostics',
      'sqlAdministratorPassword',
      'owner',
    ]);
    assert.equal(values.prefix, 'fabrikam');
    assert.equal(values.nicCount, 3);
    const secret = unresolved(values.sqlAdministratorPassword);
    assert.equal(secret.expression, "parameters('sqlAdministratorPassword')");
    assert.equal(
      secret.reason,
      "Key Vault secret 'sqlAdminPassword' of vault '/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/secrets-rg/providers/Microsoft.KeyVault/vaults/fabrikam-secrets' is read at deployment time",
    );
  });

  it('reports malformed entries', () => {
    assert.deepEqual(parametersFromFile({ parameters: { a: 1, b: {}, c: { value: null } } }), {
      values: { c: null },
      diagnostics: [
        { level: 'error', message: "parameter 'a' must be an object with a value", pointer: ['parameters', 'a'] },
        {
          level: 'warning',
          message: "parameter 'b' has neither a value nor a reference",
          pointer: ['parameters', 'b'],
        },
      ],
    });
    assert.deepEqual(parametersFromFile([]).diagnostics, [
      { level: 'error', message: 'a parameters file must be a JSON object', pointer: [] },
    ]);
  });
});

describe('expandTemplate: landing zone with defaults', () => {
  const { resources, diagnostics } = expandTemplate(json('landing-zone.json'));

  it('expands every deployed resource with full types, names and pointers', () => {
    assert.deepEqual(
      resources.map((r) => [r.type, r.displayName, r.pointer, r.copyIndex]),
      [
        ['Microsoft.KeyVault/vaults', 'contoso-kv-<uniqueString(resourceGroup().id)>', ['resources', 0], undefined],
        ['Microsoft.Storage/storageAccounts', 'contosostdev', ['resources', 1], undefined],
        ['Microsoft.Network/virtualNetworks', 'contoso-vnet', ['resources', 2], undefined],
        ['Microsoft.Sql/servers', 'contoso-sql-dev', ['resources', 3], undefined],
        ['Microsoft.Sql/servers/databases', 'contoso-sql-dev/appdb', ['resources', 3, 'resources', 0], undefined],
        ['Microsoft.Sql/servers/databases', 'contoso-sql-dev/reporting', ['resources', 4], undefined],
        ['Microsoft.Network/networkInterfaces', 'contoso-nic-01', ['resources', 5], 0],
        ['Microsoft.Network/networkInterfaces', 'contoso-nic-02', ['resources', 5], 1],
      ],
    );
    assert.ok(resources.every((r) => r.existing === false && r.condition === undefined));
  });

  it('drops the resource whose condition is false (enableDiagnostics defaults to false)', () => {
    assert.equal(
      resources.some((r) => r.type === 'Microsoft.OperationalInsights/workspaces'),
      false,
    );
  });

  it('reports only the secure parameter without a value', () => {
    assert.deepEqual(diagnostics, [
      {
        level: 'info',
        message: "parameter 'sqlAdministratorPassword' has no value and no default: its uses stay unresolved",
        pointer: ['parameters', 'sqlAdministratorPassword'],
      },
    ]);
  });

  it('evaluates the resource object: variables, if, union, property copy, coalesce', () => {
    const storage = resources[1]!;
    assert.equal(storage.apiVersion, '2023-01-01');
    assert.equal(storage.id, `${RG_ID}/providers/Microsoft.Storage/storageAccounts/contosostdev`);
    assert.deepEqual(
      { ...storage.object, location: undefined },
      {
        type: 'Microsoft.Storage/storageAccounts',
        name: 'contosostdev',
        apiVersion: '2023-01-01',
        location: undefined,
        sku: { name: 'Standard_LRS' },
        kind: 'StorageV2',
        tags: { owner: 'platform-team', costCenter: '1234', environment: 'dev' },
        properties: { minimumTlsVersion: 'TLS1_2', supportsHttpsTrafficOnly: true, allowBlobPublicAccess: false },
      },
    );
    assert.equal(unresolved(storage.object.location).expression, 'resourceGroup().location');
    assert.deepEqual(props(resources[2]), {
      addressSpace: { addressPrefixes: ['10.20.0.0/16'] },
      dhcpOptions: { dnsServers: ['168.63.129.16'] },
      subnets: [
        {
          name: 'workloads',
          properties: { addressPrefix: '10.20.1.0/24', privateEndpointNetworkPolicies: 'Disabled' },
        },
        { name: 'data', properties: { addressPrefix: '10.20.2.0/24', privateEndpointNetworkPolicies: 'Disabled' } },
      ],
    });
    const vault = props(resources[0]);
    assert.equal(vault.tenantId, SUB);
    assert.equal(vault.enablePurgeProtection, null);
    assert.deepEqual(vault.networkAcls, { defaultAction: 'Allow', bypass: 'AzureServices' });
  });

  it('keeps the partly known key vault name and id for display', () => {
    const vault = resources[0]!;
    const name = unresolved(vault.name);
    assert.equal(name.expression, 'contoso-kv-<uniqueString(resourceGroup().id)>');
    assert.equal(name.reason, 'uniqueString() is a hash whose algorithm Microsoft does not document');
    assert.equal(
      displayValue(vault.id),
      `${RG_ID}/providers/Microsoft.KeyVault/vaults/contoso-kv-<uniqueString(resourceGroup().id)>`,
    );
  });

  it('keeps a secure parameter without value Unresolved inside properties', () => {
    const password = unresolved(props(resources[3]).administratorLoginPassword);
    assert.equal(password.expression, "parameters('sqlAdministratorPassword')");
    assert.equal(password.reason, "parameter 'sqlAdministratorPassword' has no value and no default");
  });

  it('computes ids of children, nested or declared at the top level', () => {
    assert.equal(resources[4]!.id, `${RG_ID}/providers/Microsoft.Sql/servers/contoso-sql-dev/databases/appdb`);
    assert.equal(resources[5]!.id, `${RG_ID}/providers/Microsoft.Sql/servers/contoso-sql-dev/databases/reporting`);
    assert.deepEqual(props(resources[4]), { zoneRedundant: false });
    assert.deepEqual(resources[4]!.object.sku, { name: 'S0' });
    assert.equal('dependsOn' in resources[4]!.object, false);
  });

  it('evaluates resourceId() inside copy instances', () => {
    const nic = props(resources[7]);
    assert.deepEqual(nic.ipConfigurations, [
      {
        name: 'ipconfig1',
        properties: {
          privateIPAllocationMethod: 'Dynamic',
          subnet: { id: `${RG_ID}/providers/Microsoft.Network/virtualNetworks/contoso-vnet/subnets/workloads` },
        },
      },
    ]);
  });

  it('gives each resource the line of its declaration', () => {
    const lines = jsonPointerLines(
      text('landing-zone.json'),
      resources.map((r) => r.pointer),
    );
    assert.deepEqual(lines, [67, 84, 100, 127, 139, 152, 162, 162]);
  });
});

describe('expandTemplate: landing zone with its parameters file and a context', () => {
  const { values } = parametersFromFile(json('landing-zone.parameters.json'));
  const context = { subscriptionId: 'aaaa-bbbb', resourceGroupName: 'rg-prod', tenantId: 'tttt' };
  const { resources, diagnostics } = expandTemplate(json('landing-zone.json'), { parameters: values, context });

  it('uses the given values (copy count, condition, if branches)', () => {
    assert.deepEqual(
      resources.map((r) => r.displayName),
      [
        'fabrikam-kv-<uniqueString(resourceGroup().id)>',
        'fabrikamstprod',
        'fabrikam-vnet',
        'fabrikam-sql-prod',
        'fabrikam-sql-prod/appdb',
        'fabrikam-sql-prod/reporting',
        'fabrikam-nic-01',
        'fabrikam-nic-02',
        'fabrikam-nic-03',
        'fabrikam-logs',
      ],
    );
    const storage = byName(resources, 'fabrikamstprod');
    assert.deepEqual(storage.object.sku, { name: 'Standard_GRS' });
    assert.equal(storage.object.location, 'westeurope');
    assert.deepEqual(storage.object.tags, { owner: 'platform-team', costCenter: '1234', environment: 'prod' });
    const vault = props(resources[0]);
    assert.equal(vault.enablePurgeProtection, true);
    assert.equal(vault.tenantId, 'tttt');
    assert.deepEqual(vault.networkAcls, { defaultAction: 'Deny', bypass: 'AzureServices' });
    assert.equal(props(byName(resources, 'fabrikam-sql-prod')).publicNetworkAccess, 'Disabled');
    assert.equal(props(byName(resources, 'fabrikam-logs')).retentionInDays, 365);
  });

  it('computes ids in the given subscription and resource group', () => {
    assert.equal(
      byName(resources, 'fabrikam-nic-03').id,
      '/subscriptions/aaaa-bbbb/resourceGroups/rg-prod/providers/Microsoft.Network/networkInterfaces/fabrikam-nic-03',
    );
  });

  it('keeps the Key Vault secret Unresolved and warns about the undeclared parameter', () => {
    assert.equal(
      unresolved(props(byName(resources, 'fabrikam-sql-prod')).administratorLoginPassword).reason.startsWith(
        "Key Vault secret 'sqlAdminPassword'",
      ),
      true,
    );
    assert.deepEqual(diagnostics, [
      {
        level: 'warning',
        message: "parameter 'owner' is given but the template does not declare it",
        pointer: ['parameters'],
      },
    ]);
  });

  it('gives the conditional resource its line', () => {
    const [line] = jsonPointerLines(text('landing-zone.json'), [byName(resources, 'fabrikam-logs').pointer]);
    assert.equal(line, 187);
  });
});

describe('expandTemplate: Bicep languageVersion 2.0 output', () => {
  const { resources, diagnostics } = expandTemplate(json('bicep-app.json'), { parameters: { appName: 'shop' } });

  it('expands symbolic-name resources, the existing reference and the module, not the deployment itself', () => {
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(
      resources.map((r) => [r.type, r.displayName, r.pointer, r.existing]),
      [
        ['Microsoft.KeyVault/vaults', 'shared-secrets', ['resources', 'vault'], true],
        [
          'Microsoft.Storage/storageAccounts',
          'stshop<uniqueString(resourceGroup().id)>',
          ['resources', 'storage'],
          false,
        ],
        [
          'Microsoft.Storage/storageAccounts/blobServices/containers',
          'stshop<uniqueString(resourceGroup().id)>/default/uploads',
          ['resources', 'containers'],
          false,
        ],
        [
          'Microsoft.Storage/storageAccounts/blobServices/containers',
          'stshop<uniqueString(resourceGroup().id)>/default/exports',
          ['resources', 'containers'],
          false,
        ],
        ['Microsoft.Authorization/locks', 'do-not-delete', ['resources', 'storageLock'], false],
        [
          'Microsoft.Web/serverfarms',
          'shop-site-plan',
          ['resources', 'web', 'properties', 'template', 'resources', 'plan'],
          false,
        ],
        [
          'Microsoft.Web/sites',
          'shop-site',
          ['resources', 'web', 'properties', 'template', 'resources', 'site'],
          false,
        ],
      ],
    );
  });

  it('evaluates lambdas and variable copy loops', () => {
    const storage = byName(resources, 'stshop<uniqueString(resourceGroup().id)>');
    assert.deepEqual(props(storage).networkAcls, {
      defaultAction: 'Deny',
      ipRules: [
        { value: '203.0.113.10', action: 'Allow' },
        { value: '198.51.100.0/24', action: 'Allow' },
      ],
    });
    assert.deepEqual(
      resources.filter((r) => r.type.endsWith('/containers')).map((r) => [r.copyIndex, props(r).publicAccess]),
      [
        [0, 'None'],
        [1, 'None'],
      ],
    );
  });

  it('computes the id of an extension resource from its scope', () => {
    assert.equal(
      displayValue(byName(resources, 'do-not-delete').id),
      `${RG_ID}/providers/Microsoft.Storage/storageAccounts/stshop<uniqueString(resourceGroup().id)>/providers/Microsoft.Authorization/locks/do-not-delete`,
    );
  });

  it('evaluates the module with its own scope: parameters passed from outside, its deployment name', () => {
    const site = byName(resources, 'shop-site');
    assert.equal(site.id, `${RG_ID}/providers/Microsoft.Web/sites/shop-site`);
    const properties = props(site);
    assert.equal(properties.serverFarmId, `${RG_ID}/providers/Microsoft.Web/serverfarms/shop-site-plan`);
    const settings = (properties.siteConfig as { appSettings: { name: string; value: unknown }[] }).appSettings;
    const blob = unresolved(settings[0]!.value);
    assert.equal(blob.expression, "reference('storage').primaryEndpoints.blob");
    assert.equal(blob.reason, 'reference() reads the runtime state of a deployed resource');
    assert.equal(settings[1]!.value, 'shop-web');
    assert.deepEqual(byName(resources, 'shop-site-plan').object.sku, { name: 'P1v3' });
  });

  it('gives symbolic-name and module resources their lines', () => {
    assert.deepEqual(
      jsonPointerLines(
        text('bicep-app.json'),
        resources.map((r) => r.pointer),
      ),
      [57, 63, 81, 81, 94, 151, 164],
    );
  });

  it('without the required parameter, names stay partly known and an info says why', () => {
    const result = expandTemplate(json('bicep-app.json'));
    assert.equal(result.resources[1]!.displayName, "st<parameters('appName')><uniqueString(resourceGroup().id)>");
    assert.equal(result.resources[6]!.displayName, "<parameters('appName')>-site");
    assert.deepEqual(result.diagnostics, [
      {
        level: 'info',
        message: "parameter 'appName' has no value and no default: its uses stay unresolved",
        pointer: ['parameters', 'appName'],
      },
    ]);
  });
});

describe('expandTemplate: values read from deployed resources', () => {
  const { resources, diagnostics } = expandTemplate(json('runtime-values.json'));

  it('keeps reference(), listKeys() and utcNow() Unresolved with their text and reason', () => {
    assert.deepEqual(diagnostics, []);
    const settings = props(resources[0]);
    const connection = unresolved(settings.STORAGE_CONNECTION);
    assert.equal(
      displayValue(connection),
      "DefaultEndpointsProtocol=https;AccountName=runtimedata;AccountKey=<listKeys(variables('storageId'), '2023-01-01').keys[0].value>",
    );
    assert.equal(connection.reason, 'list*() reads keys or secrets of a deployed resource');
    assert.equal(
      unresolved(settings.BLOB_ENDPOINT).expression,
      "reference(variables('storageId'), '2023-01-01').primaryEndpoints.blob",
    );
    assert.equal(
      unresolved(settings.WORKSPACE_KEY).expression,
      "listKeys(parameters('workspaceId'), '2022-10-01').primarySharedKey",
    );
    assert.equal(unresolved(settings.BUILD_ID).reason, 'utcNow() returns the time of the deployment');
    assert.equal(unresolved(settings.REGION).expression, 'resourceGroup().location');
  });

  it('an if() whose condition reads deployed state is Unresolved as a whole', () => {
    const diagnostic = resources[1]!;
    assert.equal(
      diagnostic.id,
      `${RG_ID}/providers/Microsoft.Storage/storageAccounts/runtimedata/providers/Microsoft.Insights/diagnosticSettings/to-central`,
    );
    assert.equal(
      unresolved(props(diagnostic).storageAccountId).expression,
      "if(equals(reference(variables('storageId'), '2023-01-01').accessTier, 'Hot'), variables('storageId'), json('null'))",
    );
  });
});

describe('expandTemplate: malformed templates', () => {
  it('a bad expression is a diagnostic with its pointer; valid parts are still returned', () => {
    const { resources, diagnostics } = expandTemplate(json('malformed-expression.json'));
    assert.deepEqual(diagnostics, [
      {
        level: 'error',
        message: "invalid expression: missing ')' to close the call of 'concat' at offset 32",
        pointer: ['resources', 0, 'name'],
      },
      {
        level: 'error',
        message: 'toUpper() expects 1 argument(s), got 2',
        pointer: ['resources', 0, 'properties', 'minimumTlsVersion'],
      },
      {
        level: 'error',
        message: 'bool(): cannot convert String "yes" to a Boolean',
        pointer: ['resources', 1, 'properties', 'enableSoftDelete'],
      },
    ]);
    assert.equal(resources.length, 2);
    const broken = unresolved(resources[0]!.name);
    assert.equal(broken.expression, "concat(parameters('name'), 'sa'");
    assert.equal(broken.reason, "invalid expression: missing ')' to close the call of 'concat' at offset 32");
    assert.equal(props(resources[0]).supportsHttpsTrafficOnly, true);
    assert.equal(resources[1]!.name, 'broken-kv');
    assert.equal(props(resources[1]).enableRbacAuthorization, true);
  });

  it('resources that are not an array or object', () => {
    assert.deepEqual(expandTemplate(json('malformed-resources.json')), {
      resources: [],
      diagnostics: [
        {
          level: 'error',
          message: 'resources must be an array (or, in languageVersion 2.0, an object of symbolic names)',
          pointer: ['resources'],
        },
      ],
    });
  });

  it('a resource without type and a non-object resource are skipped, the others kept', () => {
    const { resources, diagnostics } = expandTemplate(json('malformed-missing-type.json'));
    assert.deepEqual(diagnostics, [
      { level: 'error', message: 'the resource has no type', pointer: ['resources', 0] },
      { level: 'error', message: 'a resource declaration must be an object, got String', pointer: ['resources', 1] },
    ]);
    assert.deepEqual(
      resources.map((r) => [r.displayName, r.pointer]),
      [['valid-nsg', ['resources', 2]]],
    );
  });

  it('a template that is not an object, and sections of the wrong shape', () => {
    assert.deepEqual(expandTemplate([1, 2]).diagnostics, [
      { level: 'error', message: 'a deployment template must be a JSON object', pointer: [] },
    ]);
    const { diagnostics } = expandTemplate(template([], { parameters: [], variables: 'x', functions: {} }));
    assert.deepEqual(diagnostics, [
      { level: 'error', message: 'the parameters section must be an object', pointer: ['parameters'] },
      { level: 'error', message: 'the variables section must be an object', pointer: ['variables'] },
      { level: 'error', message: 'the functions section must be an array of namespaces', pointer: ['functions'] },
    ]);
  });

  it('a name that does not fit the type segments: a warning and an Unresolved id', () => {
    const { resources, diagnostics } = expandTemplate(
      template([{ type: 'Microsoft.Sql/servers/databases', apiVersion: '2023-05-01-preview', name: 'db-only' }]),
    );
    assert.equal(resources.length, 1);
    assert.equal(
      unresolved(resources[0]!.id).reason,
      "the name does not match the segments of type 'Microsoft.Sql/servers/databases'",
    );
    assert.deepEqual(diagnostics, [
      {
        level: 'warning',
        message: "the name 'db-only' has 1 segment(s) but the type 'Microsoft.Sql/servers/databases' needs 2",
        pointer: ['resources', 0, 'name'],
      },
    ]);
  });

  it('never throws on garbage', () => {
    const garbage: unknown[] = [
      undefined,
      null,
      42,
      'x',
      { resources: {} },
      { resources: [null, [], 1, { type: 5, name: {} }, { type: '', name: 'x' }] },
      { resources: [{ type: 'A/b', name: 'n', copy: 'bad' }] },
      { resources: [{ type: 'A/b', name: 'n', copy: { name: 'c', count: "[json('1.5')]" } }] },
      { resources: [{ type: 'Microsoft.Resources/deployments', name: 'd', properties: { template: 'x' } }] },
      { resources: [{ type: 'A/b', name: 'n', resources: 'children' }] },
      { parameters: { p: 'x' }, resources: [{ type: 'A/b', name: "[parameters('p')]" }] },
    ];
    for (const value of garbage) {
      const result = expandTemplate(value);
      assert.ok(Array.isArray(result.resources));
      assert.ok(Array.isArray(result.diagnostics));
    }
  });
});

describe('expandTemplate: conditions and copy loops', () => {
  it('keeps a resource whose condition cannot be evaluated, marked with it', () => {
    const { resources } = expandTemplate(
      template([
        { condition: "[equals(reference('x').state, 'on')]", type: 'Microsoft.Web/sites', name: 'site' },
        { condition: '[true()]', type: 'Microsoft.Web/sites', name: 'always' },
      ]),
    );
    assert.equal(resources.length, 2);
    assert.equal(unresolved(resources[0]!.condition).expression, "equals(reference('x').state, 'on')");
    assert.equal(resources[1]!.condition, undefined);
  });

  it('conditions do not cascade to child resources', () => {
    const { resources } = expandTemplate(
      template([
        {
          condition: '[false()]',
          type: 'Microsoft.Sql/servers',
          name: 'srv',
          resources: [{ type: 'databases', name: 'db' }],
        },
      ]),
    );
    assert.deepEqual(
      resources.map((r) => [r.type, r.name, r.pointer]),
      [['Microsoft.Sql/servers/databases', 'srv/db', ['resources', 0, 'resources', 0]]],
    );
  });

  it('a condition that is not a Boolean is an error; the resource is kept as uncertain', () => {
    const { resources, diagnostics } = expandTemplate(
      template([{ condition: "[concat('a')]", type: 'A.B/c', name: 'x' }]),
    );
    assert.equal(unresolved(resources[0]!.condition).reason, 'the condition is not a Boolean');
    assert.deepEqual(diagnostics, [
      {
        level: 'error',
        message: 'the condition must be a Boolean, got String',
        pointer: ['resources', 0, 'condition'],
      },
    ]);
  });

  it('a copy loop whose count is unknown gives one uncertain instance and a warning', () => {
    const { resources, diagnostics } = expandTemplate(
      template([
        {
          type: 'Microsoft.Compute/virtualMachines',
          name: "[concat('vm-', copyIndex(1))]",
          copy: { name: 'vms', count: "[length(reference('cfg').machines)]" },
        },
      ]),
    );
    assert.equal(resources.length, 1);
    const vm = resources[0]!;
    assert.equal(vm.displayName, 'vm-<copyIndex(1)>');
    assert.equal(unresolved(vm.name).reason, "the count of copy loop 'vms' is not known offline");
    assert.equal(vm.copyIndex, undefined);
    const condition = unresolved(vm.condition);
    assert.equal(condition.expression, "length(reference('cfg').machines)");
    assert.equal(
      condition.reason,
      "copy loop 'vms' has an unknown count (reference() reads the runtime state of a deployed resource): it may deploy any number of instances",
    );
    assert.deepEqual(diagnostics, [
      {
        level: 'warning',
        message:
          "the count of copy loop 'vms' cannot be evaluated offline: reference() reads the runtime state of a deployed resource",
        pointer: ['resources', 0, 'copy', 'count'],
      },
    ]);
  });

  it('a hostile copy count is an error and the loop is skipped; a zero count deploys nothing', () => {
    const { resources, diagnostics } = expandTemplate(
      template([
        { type: 'A.B/c', name: '[string(copyIndex())]', copy: { name: 'huge', count: 801 } },
        { type: 'A.B/c', name: '[string(copyIndex())]', copy: { name: 'none', count: 0 } },
        { type: 'A.B/c', name: '[string(copyIndex())]', copy: { name: 'negative', count: -1 } },
        { type: 'A.B/c', name: 'kept' },
      ]),
    );
    assert.deepEqual(
      resources.map((r) => r.name),
      ['kept'],
    );
    assert.deepEqual(diagnostics, [
      {
        level: 'error',
        message: "the count of copy loop 'huge' is 801, above ARM's limit of 800: the loop is skipped",
        pointer: ['resources', 0, 'copy', 'count'],
      },
      {
        level: 'error',
        message: "the count of copy loop 'negative' must be a non-negative integer, got -1",
        pointer: ['resources', 2, 'copy', 'count'],
      },
    ]);
  });

  it('children of copied parents see the parent copyIndex()', () => {
    const { resources } = expandTemplate(
      template([
        {
          type: 'Microsoft.Sql/servers',
          name: "[format('srv{0}', copyIndex())]",
          copy: { name: 'servers', count: 2 },
          resources: [{ type: 'databases', name: "[format('db{0}', copyIndex())]" }],
        },
      ]),
    );
    assert.deepEqual(
      resources.map((r) => [r.name, r.copyIndex]),
      [
        ['srv0', 0],
        ['srv0/db0', undefined],
        ['srv1', 1],
        ['srv1/db1', undefined],
      ],
    );
  });
});

describe('expandTemplate: parameter validation', () => {
  const declarations = {
    sku: { type: 'string', allowedValues: ['Standard_LRS', 'Premium_LRS'] },
    zones: { type: 'array', allowedValues: ['1', '2', '3'], defaultValue: ['1'] },
    count: { type: 'int', defaultValue: 1 },
  };

  it('a given value outside allowedValues is an error', () => {
    const { diagnostics } = expandTemplate(template([], { parameters: declarations }), {
      parameters: { sku: 'Standard_GRS', zones: ['1', '4'] },
    });
    assert.deepEqual(diagnostics, [
      {
        level: 'error',
        message: 'parameter \'sku\': "Standard_GRS" is not one of the allowed values ["Standard_LRS","Premium_LRS"]',
        pointer: ['parameters', 'sku'],
      },
      {
        level: 'error',
        message: 'parameter \'zones\': "4" is not one of the allowed values ["1","2","3"]',
        pointer: ['parameters', 'zones'],
      },
    ]);
  });

  it('a given value of the wrong type is a warning', () => {
    const { diagnostics } = expandTemplate(template([], { parameters: declarations }), {
      parameters: { sku: 'Premium_LRS', count: '3' },
    });
    assert.deepEqual(diagnostics, [
      {
        level: 'warning',
        message: "parameter 'count' is declared as int but the given value is String",
        pointer: ['parameters', 'count'],
      },
    ]);
  });
});

describe('expandTemplate: nested deployments', () => {
  const nested = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    template(
      [
        { type: 'Microsoft.Storage/storageAccounts', name: "[variables('outerName')]" },
        { type: 'Microsoft.Resources/deployments', apiVersion: '2022-09-01', name: 'nested', properties, ...extra },
      ],
      { parameters: { env: { type: 'string', defaultValue: 'prod' } }, variables: { outerName: 'outer-sa' } },
    );

  it("the outer scope (the default) evaluates the nested template with the parent's parameters and variables", () => {
    const { resources, diagnostics } = expandTemplate(
      nested({
        mode: 'Incremental',
        template: {
          $schema: SCHEMA,
          contentVersion: '1.0.0.0',
          resources: [
            {
              type: 'Microsoft.Network/publicIPAddresses',
              name: "[concat(variables('outerName'), '-', parameters('env'))]",
            },
          ],
        },
      }),
    );
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(
      resources.map((r) => [r.name, r.pointer]),
      [
        ['outer-sa', ['resources', 0]],
        ['outer-sa-prod', ['resources', 1, 'properties', 'template', 'resources', 0]],
      ],
    );
  });

  it('the inner scope evaluates parameters in the outer scope and the template with its own', () => {
    const { resources, diagnostics } = expandTemplate(
      nested({
        expressionEvaluationOptions: { scope: 'inner' },
        parameters: {
          name: { value: "[concat('inner-', parameters('env'))]" },
          secret: {
            reference: {
              keyVault: { id: '/subscriptions/s/resourceGroups/r/providers/Microsoft.KeyVault/vaults/v' },
              secretName: 'pw',
            },
          },
        },
        template: {
          $schema: SCHEMA,
          contentVersion: '1.0.0.0',
          parameters: { name: { type: 'string' }, secret: { type: 'securestring' } },
          variables: { outerName: 'shadowed' },
          resources: [
            {
              type: 'Microsoft.Sql/servers',
              name: "[parameters('name')]",
              properties: { administratorLoginPassword: "[parameters('secret')]", note: "[variables('outerName')]" },
            },
          ],
        },
      }),
    );
    assert.deepEqual(diagnostics, []);
    const server = resources[1]!;
    assert.equal(server.name, 'inner-prod');
    assert.equal(props(server).note, 'shadowed');
    assert.equal(
      unresolved(props(server).administratorLoginPassword).reason,
      "Key Vault secret 'pw' of vault '/subscriptions/s/resourceGroups/r/providers/Microsoft.KeyVault/vaults/v' is read at deployment time",
    );
  });

  it('a determinate resourceGroup or subscriptionId changes the context of the inner resources', () => {
    const { resources } = expandTemplate(
      nested(
        {
          expressionEvaluationOptions: { scope: 'inner' },
          template: {
            $schema: SCHEMA,
            contentVersion: '1.0.0.0',
            resources: [
              { type: 'Microsoft.Network/virtualNetworks', name: 'hub', location: '[resourceGroup().location]' },
              { type: 'Microsoft.Web/sites', name: '[resourceGroup().name]' },
            ],
          },
        },
        { resourceGroup: 'rg-network', subscriptionId: 'sub-hub' },
      ),
    );
    assert.equal(
      resources[1]!.id,
      '/subscriptions/sub-hub/resourceGroups/rg-network/providers/Microsoft.Network/virtualNetworks/hub',
    );
    assert.equal(
      unresolved(resources[1]!.object.location).reason,
      "the location of resource group 'rg-network' is not known offline",
    );
    assert.equal(resources[2]!.name, 'rg-network');
  });

  it('a linked template cannot be followed: a warning, nothing emitted', () => {
    const { resources, diagnostics } = expandTemplate(
      nested({ templateLink: { uri: 'https://example.com/azuredeploy.json' }, parameters: {} }),
    );
    assert.deepEqual(
      resources.map((r) => r.name),
      ['outer-sa'],
    );
    assert.deepEqual(diagnostics, [
      {
        level: 'warning',
        message:
          "deployment 'nested' links to a template that cannot be followed offline: its resources are not expanded",
        pointer: ['resources', 1, 'properties', 'templateLink'],
      },
    ]);
  });

  it('a deployment whose condition is unknown passes it to its resources', () => {
    const { resources } = expandTemplate(
      nested(
        {
          expressionEvaluationOptions: { scope: 'inner' },
          template: { $schema: SCHEMA, resources: [{ type: 'A.B/c', name: 'inner' }] },
        },
        { condition: "[reference('flag').enabled]" },
      ),
    );
    assert.equal(unresolved(resources[1]!.condition).expression, "reference('flag').enabled");
  });

  it('bounds the nesting of deployments', () => {
    let inner: Record<string, unknown> = { $schema: SCHEMA, resources: [{ type: 'A.B/c', name: 'deepest' }] };
    for (let i = 0; i < 15; i++) {
      inner = {
        $schema: SCHEMA,
        resources: [{ type: 'Microsoft.Resources/deployments', name: `d${i}`, properties: { template: inner } }],
      };
    }
    const { resources, diagnostics } = expandTemplate(inner);
    assert.deepEqual(resources, []);
    assert.deepEqual(
      diagnostics.map((d) => d.message),
      ['nested deployments deeper than 10 levels are not expanded'],
    );
  });
});

describe('expandTemplate: other scopes', () => {
  it('a subscription-level template: resource group ids, and a nested deployment into a resource group', () => {
    const { resources } = expandTemplate(
      {
        $schema: 'https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#',
        contentVersion: '1.0.0.0',
        resources: [
          {
            type: 'Microsoft.Resources/resourceGroups',
            apiVersion: '2022-09-01',
            name: 'rg-app',
            location: 'westeurope',
          },
          { type: 'Microsoft.Authorization/policyAssignments', name: 'require-tags' },
          {
            type: 'Microsoft.Resources/deployments',
            name: 'app',
            resourceGroup: 'rg-app',
            properties: {
              expressionEvaluationOptions: { scope: 'inner' },
              template: {
                $schema: SCHEMA,
                resources: [{ type: 'Microsoft.Web/sites', name: "[format('{0}-web', resourceGroup().name)]" }],
              },
            },
          },
        ],
      },
      { context: { subscriptionId: 'sub-1' } },
    );
    assert.deepEqual(
      resources.map((r) => r.id),
      [
        '/subscriptions/sub-1/resourceGroups/rg-app',
        '/subscriptions/sub-1/providers/Microsoft.Authorization/policyAssignments/require-tags',
        '/subscriptions/sub-1/resourceGroups/rg-app/providers/Microsoft.Web/sites/rg-app-web',
      ],
    );
  });

  it('uses the default context when none is given', () => {
    assert.equal(DEFAULT_CONTEXT.subscriptionId, SUB);
    assert.equal(DEFAULT_CONTEXT.resourceGroupName, 'resource-group');
    assert.equal(DEFAULT_CONTEXT.deploymentName, 'deployment');
    assert.equal(unresolved(DEFAULT_CONTEXT.location).expression, 'resourceGroup().location');
  });
});

describe('expandTemplate: bounded work', () => {
  it('a template multiplying copy loops through nested deployments stops with one error', () => {
    let inner: Record<string, unknown> = {
      $schema: SCHEMA,
      resources: [{ type: 'A.B/c', name: '[string(copyIndex())]', copy: { name: 'leaf', count: 800 } }],
    };
    for (let i = 0; i < 4; i++) {
      inner = {
        $schema: SCHEMA,
        resources: [
          {
            type: 'Microsoft.Resources/deployments',
            name: `[concat('d${i}-', copyIndex())]`,
            copy: { name: `loop${i}`, count: 800 },
            properties: { template: inner },
          },
        ],
      };
    }
    const started = Date.now();
    const { resources, diagnostics } = expandTemplate(inner);
    assert.ok(Date.now() - started < 20_000, 'expansion must stop quickly');
    assert.ok(resources.length <= 20_000);
    assert.equal(diagnostics.filter((d) => d.level === 'error').length, 1);
  });
});
