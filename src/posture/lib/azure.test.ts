import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type AzureView, type Resource, Unresolved } from '#core';
import { azureResource, buildInventory, fromExport } from '#inventory';
import type { CheckContext } from '../check.ts';
import { createContext } from '../evaluate.ts';
import { DEFAULT_SETTINGS } from '../settings.ts';
import {
  type AzureResource,
  boolRule,
  checkAnyOf,
  checkProperties,
  checkProperty,
  childrenOf,
  extensionsOf,
  isAzure,
  type PropertyRule,
  read,
  readArray,
  textRule,
} from './azure.ts';

const STORAGE = 'Microsoft.Storage/storageAccounts';

/** A normalised ARM object, as a template would give it (no id). */
function view(
  properties: Record<string, unknown>,
  envelope: Record<string, unknown> = {},
  extra: Partial<AzureView> = {},
): AzureView {
  return {
    type: STORAGE,
    name: 'stpayhot',
    arm: { type: STORAGE, name: 'stpayhot', ...envelope, properties },
    origin: 'template',
    ...extra,
  };
}

const httpsOnly: PropertyRule = {
  path: 'properties.supportsHttpsTrafficOnly',
  compliant: (value) => value === true,
  expected: 'true',
  absent: { compliant: true, meaning: 'the API default since 2019-04-01 is true' },
};

const minTls: PropertyRule = {
  path: 'properties.minimumTlsVersion',
  compliant: (value) => value === 'TLS1_2',
  expected: '"TLS1_2"',
  absent: { compliant: false, meaning: 'the API interprets a missing value as TLS1_0' },
};

const defaultDeny: PropertyRule = {
  path: 'properties.networkAcls.defaultAction',
  compliant: (value) => value === 'Deny',
  expected: '"Deny"',
  absent: { compliant: false, meaning: 'the default action is Allow' },
};

const publicAccessDisabled: PropertyRule = {
  path: 'properties.publicNetworkAccess',
  compliant: (value) => value === 'Disabled',
  expected: '"Disabled"',
  absent: { compliant: false, meaning: 'public network access is enabled' },
};

const unresolvedTls = new Unresolved("[parameters('minTls')]", "parameter 'minTls' has no value and no default");
const TLS_REASON =
  "properties.minimumTlsVersion is [parameters('minTls')], which parameter 'minTls' has no value and no default";

describe('read', () => {
  const azure = view(
    {
      supportsHttpsTrafficOnly: false,
      minimumTlsVersion: 'TLS1_2',
      accessTier: '',
      keyPolicy: { keyExpirationPeriodInDays: 0 },
      networkAcls: {
        defaultAction: 'Deny',
        ipRules: [
          { value: '203.0.113.0/24', action: 'Allow' },
          { value: '198.51.100.7', action: 'Allow' },
        ],
      },
      matrix: [
        [1, 2],
        [3, 4],
      ],
      customDomain: null,
      encryption: { keyVaultProperties: null },
      Flag: 'upper',
      flag: 'lower',
    },
    { sku: { name: 'Standard_ZRS' }, location: 'westeurope' },
  );

  it('reads nested properties and envelope fields', () => {
    assert.deepEqual(read(azure, 'properties.networkAcls.defaultAction'), { state: 'set', value: 'Deny' });
    assert.deepEqual(read(azure, 'sku.name'), { state: 'set', value: 'Standard_ZRS' });
    assert.deepEqual(read(azure, 'location'), { state: 'set', value: 'westeurope' });
    assert.deepEqual(read(azure, 'properties.keyPolicy'), { state: 'set', value: { keyExpirationPeriodInDays: 0 } });
  });

  it('reports false, 0 and the empty string as set', () => {
    assert.deepEqual(read(azure, 'properties.supportsHttpsTrafficOnly'), { state: 'set', value: false });
    assert.deepEqual(read(azure, 'properties.keyPolicy.keyExpirationPeriodInDays'), { state: 'set', value: 0 });
    assert.deepEqual(read(azure, 'properties.accessTier'), { state: 'set', value: '' });
  });

  it('reads array elements by index, several indexes in a row included', () => {
    assert.deepEqual(read(azure, 'properties.networkAcls.ipRules[1].value'), { state: 'set', value: '198.51.100.7' });
    assert.deepEqual(read(azure, 'properties.matrix[1][0]'), { state: 'set', value: 3 });
  });

  it('is absent for missing fields, indexes past the end, indexes into objects and paths through scalars', () => {
    for (const path of [
      'properties.allowSharedKeyAccess',
      'properties.networkAcls.ipRules[2].value',
      'properties.networkAcls[0]',
      'properties.minimumTlsVersion.major',
      'identity.type',
      'properties.matrix[0][5]',
    ]) {
      assert.deepEqual(read(azure, path), { state: 'absent' }, path);
    }
  });

  it('takes JSON null for absent, at the end of the path and on the way', () => {
    assert.deepEqual(read(azure, 'properties.customDomain'), { state: 'absent' });
    assert.deepEqual(read(azure, 'properties.customDomain.name'), { state: 'absent' });
    assert.deepEqual(read(azure, 'properties.encryption.keyVaultProperties.keyName'), { state: 'absent' });
  });

  it('falls back to a case-insensitive match, preferring the exact one', () => {
    assert.deepEqual(read(azure, 'properties.SupportsHttpsTrafficOnly'), { state: 'set', value: false });
    assert.deepEqual(read(azure, 'PROPERTIES.networkacls.DefaultAction'), { state: 'set', value: 'Deny' });
    assert.deepEqual(read(azure, 'properties.flag'), { state: 'set', value: 'lower' });
    assert.deepEqual(read(azure, 'properties.Flag'), { state: 'set', value: 'upper' });
  });

  it('is unknown, naming the expression, when the value is unresolved', () => {
    assert.deepEqual(read(view({ minimumTlsVersion: unresolvedTls }), 'properties.minimumTlsVersion'), {
      state: 'unknown',
      reason: TLS_REASON,
    });
  });

  it('is unknown when an object on the path is unresolved', () => {
    const acls = new Unresolved("[reference('stpayhot').networkAcls]", 'reference() reads a deployed resource');
    assert.deepEqual(read(view({ networkAcls: acls }), 'properties.networkAcls.defaultAction'), {
      state: 'unknown',
      reason:
        "properties.networkAcls.defaultAction is [reference('stpayhot').networkAcls], which reference() reads a deployed resource",
    });
  });

  it('is unknown when an array or one of its elements is unresolved', () => {
    const rules = new Unresolved("[variables('rules')]", 'the variable uses copy()');
    const reading = read(view({ networkAcls: { ipRules: rules } }), 'properties.networkAcls.ipRules[0].value');
    assert.equal(reading.state, 'unknown');
    assert.match(
      reading.state === 'unknown' ? reading.reason : '',
      /\[variables\('rules'\)\], which the variable uses copy\(\)$/,
    );
    const element = new Unresolved(
      "[parameters('officeRange')]",
      "parameter 'officeRange' has no value and no default",
    );
    const second = read(
      view({ networkAcls: { ipRules: [{ value: '203.0.113.0/24' }, element] } }),
      'properties.networkAcls.ipRules[1].value',
    );
    assert.equal(second.state, 'unknown');
    assert.match(second.state === 'unknown' ? second.reason : '', /\[parameters\('officeRange'\)\]/);
    // The resolved element next to it still reads.
    assert.deepEqual(
      read(
        view({ networkAcls: { ipRules: [{ value: '203.0.113.0/24' }, element] } }),
        'properties.networkAcls.ipRules[0].value',
      ),
      { state: 'set', value: '203.0.113.0/24' },
    );
  });

  it('is unknown when an envelope field is unresolved', () => {
    const sku = new Unresolved("[parameters('sku')]", "parameter 'sku' has no value and no default");
    assert.deepEqual(read(view({}, { sku }), 'sku.name'), {
      state: 'unknown',
      reason: "sku.name is [parameters('sku')], which parameter 'sku' has no value and no default",
    });
  });

  it('is unknown for every property of a resource exported without properties, but reads its envelope', () => {
    const azure = view(
      {},
      { sku: { name: 'Standard_LRS' }, location: 'westeurope', kind: 'StorageV2' },
      {
        propertiesUnknown: true,
        origin: 'export',
      },
    );
    for (const path of ['properties', 'properties.supportsHttpsTrafficOnly', 'properties.networkAcls.defaultAction']) {
      const reading = read(azure, path);
      assert.equal(reading.state, 'unknown', path);
      assert.match(reading.state === 'unknown' ? reading.reason : '', /az resource list/);
    }
    assert.deepEqual(read(azure, 'sku.name'), { state: 'set', value: 'Standard_LRS' });
    assert.deepEqual(read(azure, 'location'), { state: 'set', value: 'westeurope' });
    assert.deepEqual(read(azure, 'kind'), { state: 'set', value: 'StorageV2' });
    assert.deepEqual(read(azure, 'identity'), { state: 'absent' });
  });
});

describe('readArray', () => {
  it('gives the items of an array, absent for other values, unknown when unknown', () => {
    const azure = view({ ipRules: [{ value: '203.0.113.0/24' }], minimumTlsVersion: 'TLS1_2', rules: unresolvedTls });
    assert.deepEqual(readArray(azure, 'properties.ipRules').items, [{ value: '203.0.113.0/24' }]);
    assert.deepEqual(readArray(azure, 'properties.minimumTlsVersion'), { state: 'absent' });
    assert.deepEqual(readArray(azure, 'properties.missing'), { state: 'absent' });
    assert.equal(readArray(azure, 'properties.rules').state, 'unknown');
  });
});

describe('checkProperty', () => {
  it('passes a compliant value, and an absent one whose API default complies', () => {
    assert.deepEqual(checkProperty(view({ supportsHttpsTrafficOnly: true }), httpsOnly), { status: 'pass' });
    assert.deepEqual(checkProperty(view({}), httpsOnly), { status: 'pass' });
    assert.deepEqual(checkProperty(view({ supportsHttpsTrafficOnly: null }), httpsOnly), { status: 'pass' });
  });

  it('fails a non-compliant value with its path, a message and the actual value', () => {
    assert.deepEqual(checkProperty(view({ supportsHttpsTrafficOnly: false }), httpsOnly), {
      status: 'fail',
      violations: [
        {
          path: 'properties.supportsHttpsTrafficOnly',
          message: 'supportsHttpsTrafficOnly is false; it must be true',
          actual: false,
        },
      ],
    });
    assert.deepEqual(checkProperty(view({ minimumTlsVersion: 'TLS1_0' }), minTls), {
      status: 'fail',
      violations: [
        {
          path: 'properties.minimumTlsVersion',
          message: 'minimumTlsVersion is "TLS1_0"; it must be "TLS1_2"',
          actual: 'TLS1_0',
        },
      ],
    });
  });

  it('fails an absent value whose API default does not comply, saying what the default means', () => {
    assert.deepEqual(checkProperty(view({}), minTls), {
      status: 'fail',
      violations: [
        {
          path: 'properties.minimumTlsVersion',
          message: 'minimumTlsVersion is not set (the API interprets a missing value as TLS1_0); set it to "TLS1_2"',
        },
      ],
    });
  });

  it('shows objects as JSON and keeps the full path of envelope fields in messages', () => {
    const skuRule: PropertyRule = {
      path: 'sku.tier',
      compliant: (value) => value === 'Premium',
      expected: '"Premium"',
      absent: { compliant: false, meaning: 'Standard' },
    };
    assert.deepEqual(checkProperty(view({}, { sku: { tier: { name: 'x' } } }), skuRule), {
      status: 'fail',
      violations: [
        { path: 'sku.tier', message: 'sku.tier is {"name":"x"}; it must be "Premium"', actual: { name: 'x' } },
      ],
    });
  });

  it('is indeterminate, with the reason and the path, for an unresolved value', () => {
    assert.deepEqual(checkProperty(view({ minimumTlsVersion: unresolvedTls }), minTls), {
      status: 'indeterminate',
      reason: TLS_REASON,
      violations: [{ path: 'properties.minimumTlsVersion', message: TLS_REASON }],
    });
  });

  it('is indeterminate for an export without properties, even when absence would comply', () => {
    const outcome = checkProperty(view({}, {}, { propertiesUnknown: true, origin: 'export' }), httpsOnly);
    assert.equal(outcome.status, 'indeterminate');
    assert.match(outcome.status === 'indeterminate' ? outcome.reason : '', /az resource list/);
    assert.deepEqual(outcome.status === 'indeterminate' ? outcome.violations?.map((v) => v.path) : [], [
      'properties.supportsHttpsTrafficOnly',
    ]);
  });
});

describe('checkProperties', () => {
  it('passes when every rule holds', () => {
    assert.deepEqual(
      checkProperties(view({ supportsHttpsTrafficOnly: true, minimumTlsVersion: 'TLS1_2' }), [httpsOnly, minTls]),
      { status: 'pass' },
    );
  });

  it('fails with one violation per broken rule, in rule order', () => {
    assert.deepEqual(checkProperties(view({ supportsHttpsTrafficOnly: false }), [httpsOnly, minTls]), {
      status: 'fail',
      violations: [
        {
          path: 'properties.supportsHttpsTrafficOnly',
          message: 'supportsHttpsTrafficOnly is false; it must be true',
          actual: false,
        },
        {
          path: 'properties.minimumTlsVersion',
          message: 'minimumTlsVersion is not set (the API interprets a missing value as TLS1_0); set it to "TLS1_2"',
        },
      ],
    });
  });

  it('fails on a broken rule even when another is unknown', () => {
    const outcome = checkProperties(view({ supportsHttpsTrafficOnly: false, minimumTlsVersion: unresolvedTls }), [
      httpsOnly,
      minTls,
    ]);
    assert.equal(outcome.status, 'fail');
    assert.deepEqual(outcome.status === 'fail' ? outcome.violations.map((v) => v.path) : [], [
      'properties.supportsHttpsTrafficOnly',
    ]);
  });

  it('is indeterminate when no rule is broken and some are unknown, listing every reason and path', () => {
    const acls = new Unresolved("[reference('vnet').acls]", 'reference() reads a deployed resource');
    const outcome = checkProperties(
      view({ supportsHttpsTrafficOnly: true, minimumTlsVersion: unresolvedTls, networkAcls: acls }),
      [httpsOnly, minTls, defaultDeny],
    );
    const aclsReason =
      "properties.networkAcls.defaultAction is [reference('vnet').acls], which reference() reads a deployed resource";
    assert.deepEqual(outcome, {
      status: 'indeterminate',
      reason: `${TLS_REASON}; ${aclsReason}`,
      violations: [
        { path: 'properties.minimumTlsVersion', message: TLS_REASON },
        { path: 'properties.networkAcls.defaultAction', message: aclsReason },
      ],
    });
  });

  it('passes with no rules', () => {
    assert.deepEqual(checkProperties(view({}), []), { status: 'pass' });
  });
});

describe('checkAnyOf', () => {
  const summary = 'the account accepts traffic from all networks';

  it('passes when one rule holds, whatever the others say', () => {
    assert.deepEqual(
      checkAnyOf(view({ networkAcls: { defaultAction: 'Deny' } }), [defaultDeny, publicAccessDisabled], summary),
      {
        status: 'pass',
      },
    );
    assert.deepEqual(
      checkAnyOf(
        view({ networkAcls: unresolvedTls, publicNetworkAccess: 'Disabled' }),
        [defaultDeny, publicAccessDisabled],
        summary,
      ),
      { status: 'pass' },
    );
  });

  it('fails with one violation at the first broken path, joining the messages under the summary', () => {
    assert.deepEqual(
      checkAnyOf(
        view({ networkAcls: { defaultAction: 'Allow' }, publicNetworkAccess: 'Enabled' }),
        [defaultDeny, publicAccessDisabled],
        summary,
      ),
      {
        status: 'fail',
        violations: [
          {
            path: 'properties.networkAcls.defaultAction',
            message:
              'the account accepts traffic from all networks: networkAcls.defaultAction is "Allow"; it must be "Deny", and publicNetworkAccess is "Enabled"; it must be "Disabled"',
          },
        ],
      },
    );
  });

  it('says what the API defaults mean when the properties are absent', () => {
    assert.deepEqual(checkAnyOf(view({}), [defaultDeny, publicAccessDisabled], summary), {
      status: 'fail',
      violations: [
        {
          path: 'properties.networkAcls.defaultAction',
          message:
            'the account accepts traffic from all networks: networkAcls.defaultAction is not set (the default action is Allow); set it to "Deny", and publicNetworkAccess is not set (public network access is enabled); set it to "Disabled"',
        },
      ],
    });
  });

  it('is indeterminate when no rule holds and one is unknown, giving only the unknown reasons', () => {
    const access = new Unresolved(
      "[parameters('publicAccess')]",
      "parameter 'publicAccess' has no value and no default",
    );
    assert.deepEqual(
      checkAnyOf(
        view({ networkAcls: { defaultAction: 'Allow' }, publicNetworkAccess: access }),
        [defaultDeny, publicAccessDisabled],
        summary,
      ),
      {
        status: 'indeterminate',
        reason:
          "properties.publicNetworkAccess is [parameters('publicAccess')], which parameter 'publicAccess' has no value and no default",
        violations: [
          {
            path: 'properties.publicNetworkAccess',
            message:
              "properties.publicNetworkAccess is [parameters('publicAccess')], which parameter 'publicAccess' has no value and no default",
          },
        ],
      },
    );
  });

  it('is indeterminate for an export without properties', () => {
    const outcome = checkAnyOf(
      view({}, {}, { propertiesUnknown: true, origin: 'export' }),
      [defaultDeny, publicAccessDisabled],
      summary,
    );
    assert.equal(outcome.status, 'indeterminate');
    assert.match(outcome.status === 'indeterminate' ? outcome.reason : '', /az resource list/);
  });

  it('states the missing-properties reason once, however many rules read properties', () => {
    const azure = view({}, {}, { propertiesUnknown: true, origin: 'export' });
    for (const outcome of [
      checkAnyOf(azure, [defaultDeny, publicAccessDisabled], summary),
      checkProperties(azure, [httpsOnly, minTls]),
    ]) {
      const reason = outcome.status === 'indeterminate' ? outcome.reason : '';
      assert.equal(reason.split('the input has no properties').length - 1, 1, reason);
    }
  });
});

// ---------- childrenOf / extensionsOf ----------

const SUB = 'c5a1f0d2-7b3e-4c9a-8e21-6f4d2b9a7c10';
const RG = `/subscriptions/${SUB}/resourceGroups/rg-payments`;

function exported(value: Record<string, unknown>): AzureResource {
  const resource = fromExport(value, { file: 'export.json', line: 1 }).resource;
  assert.ok(resource && isAzure(resource), `not an Azure resource: ${JSON.stringify(value)}`);
  return resource;
}

function templated(azure: Omit<AzureView, 'arm' | 'origin'>): AzureResource {
  const resource = azureResource(
    { ...azure, arm: { type: azure.type, name: azure.name, properties: {} }, origin: 'template' },
    { file: 'main.json', line: 10 },
  );
  assert.ok(isAzure(resource));
  return resource;
}

function contextOf(resources: readonly Resource[]): CheckContext {
  return createContext(buildInventory(resources), DEFAULT_SETTINGS);
}

describe('childrenOf', () => {
  const server = exported({
    id: `${RG}/providers/Microsoft.Sql/servers/sql-pay`,
    name: 'sql-pay',
    type: 'Microsoft.Sql/servers',
    properties: {},
  });
  const ledger = exported({
    id: `/subscriptions/${SUB}/resourcegroups/rg-payments/providers/microsoft.sql/servers/sql-pay/databases/ledger`,
    name: 'ledger',
    type: 'microsoft.sql/servers/databases',
    properties: {},
  });
  const audit = exported({
    id: `${RG}/providers/Microsoft.Sql/servers/sql-pay/databases/audit`,
    name: 'audit',
    type: 'Microsoft.Sql/servers/databases',
    properties: {},
  });
  const otherServersDb = exported({
    id: `${RG}/providers/Microsoft.Sql/servers/sql-other/databases/ledger`,
    name: 'ledger',
    type: 'Microsoft.Sql/servers/databases',
    properties: {},
  });
  // Same server name in another resource group: the ids differ, so it is not a child.
  const sameNameElsewhere = exported({
    id: `/subscriptions/${SUB}/resourceGroups/rg-dev/providers/Microsoft.Sql/servers/sql-pay/databases/scratch`,
    name: 'scratch',
    type: 'Microsoft.Sql/servers/databases',
    properties: {},
  });
  const firewall = exported({
    id: `${RG}/providers/Microsoft.Sql/servers/sql-pay/firewallRules/AllowAllWindowsAzureIps`,
    name: 'AllowAllWindowsAzureIps',
    type: 'Microsoft.Sql/servers/firewallRules',
    properties: { startIpAddress: '0.0.0.0', endIpAddress: '0.0.0.0' },
  });

  it('finds the children of the given type by parent id, whatever its case', () => {
    const ctx = contextOf([server, ledger, audit, otherServersDb, sameNameElsewhere, firewall]);
    assert.deepEqual(
      childrenOf(ctx, server, 'Microsoft.Sql/servers/databases').map((r) => r.azure.id),
      [ledger.azure.id, audit.azure.id],
    );
    assert.deepEqual(
      childrenOf(ctx, server, 'Microsoft.Sql/servers/firewallRules').map((r) => r.name),
      ['AllowAllWindowsAzureIps'],
    );
    assert.deepEqual(childrenOf(ctx, server, 'Microsoft.Sql/servers/auditingSettings'), []);
  });

  it('matches template resources without ids by the parent name, case-insensitively', () => {
    const tServer = templated({ type: 'Microsoft.Sql/servers', name: 'sql-pay' });
    const tDb = templated({
      type: 'Microsoft.Sql/servers/databases',
      name: 'SQL-PAY/ledger',
      parent: { type: 'Microsoft.Sql/servers', name: 'SQL-PAY' },
    });
    const tOther = templated({
      type: 'Microsoft.Sql/servers/databases',
      name: 'sql-other/ledger',
      parent: { type: 'Microsoft.Sql/servers', name: 'sql-other' },
    });
    const ctx = contextOf([tServer, tDb, tOther]);
    assert.deepEqual(
      childrenOf(ctx, tServer, 'Microsoft.Sql/servers/databases').map((r) => r.name),
      ['SQL-PAY/ledger'],
    );
  });

  it('matches by name when only one side has an id', () => {
    const tDb = templated({
      type: 'Microsoft.Sql/servers/databases',
      name: 'sql-pay/ledger',
      parent: { type: 'Microsoft.Sql/servers', name: 'sql-pay' },
    });
    assert.deepEqual(
      childrenOf(contextOf([server, tDb]), server, 'Microsoft.Sql/servers/databases').map((r) => r.name),
      ['sql-pay/ledger'],
    );
  });

  it('ignores children whose parent is of another type or that have no parent', () => {
    const wrongParentType = templated({
      type: 'Microsoft.Sql/servers/databases',
      name: 'sql-pay/ledger',
      parent: { type: 'Microsoft.Sql/managedInstances', name: 'sql-pay' },
    });
    const orphan = templated({ type: 'Microsoft.Sql/servers/databases', name: 'ledger' });
    const tServer = templated({ type: 'Microsoft.Sql/servers', name: 'sql-pay' });
    assert.deepEqual(
      childrenOf(contextOf([tServer, wrongParentType, orphan]), tServer, 'Microsoft.Sql/servers/databases'),
      [],
    );
  });
});

describe('extensionsOf', () => {
  const vaultId = `${RG}/providers/Microsoft.KeyVault/vaults/kv-pay-prod`;
  const vault = exported({ id: vaultId, name: 'kv-pay-prod', type: 'Microsoft.KeyVault/vaults', properties: {} });
  const diag = (scope: string, name: string) =>
    exported({
      id: `${scope}/providers/microsoft.insights/diagnosticSettings/${name}`,
      name,
      type: 'Microsoft.Insights/diagnosticSettings',
      properties: { logs: [{ categoryGroup: 'audit', enabled: true }] },
    });

  it('finds the extension resources scoped to the resource, ids compared case-insensitively', () => {
    const own = diag(vaultId.toLowerCase(), 'send-to-law');
    const other = diag(`${RG}/providers/Microsoft.KeyVault/vaults/kv-pay-logs`, 'send-to-law');
    const onGroup = diag(RG, 'group-level');
    const ctx = contextOf([vault, own, other, onGroup]);
    assert.deepEqual(
      extensionsOf(ctx, vault, 'Microsoft.Insights/diagnosticSettings').map((r) => r.azure.id),
      [own.azure.id],
    );
    assert.deepEqual(extensionsOf(ctx, vault, 'Microsoft.Authorization/roleAssignments'), []);
  });

  it('finds none for a resource without an id', () => {
    const tVault = templated({ type: 'Microsoft.KeyVault/vaults', name: 'kv-pay-prod' });
    const ctx = contextOf([tVault, diag(vaultId, 'send-to-law')]);
    assert.deepEqual(extensionsOf(ctx, tVault, 'Microsoft.Insights/diagnosticSettings'), []);
  });
});

describe('textRule and boolRule', () => {
  const absentEnabled = { compliant: false, meaning: 'the API default is "Enabled"' };

  it('textRule builds the rule a check would write by hand, expected value quoted', () => {
    const rule = textRule('properties.publicNetworkAccess', 'Disabled', absentEnabled);
    assert.equal(rule.path, 'properties.publicNetworkAccess');
    assert.equal(rule.expected, '"Disabled"');
    assert.equal(rule.absent, absentEnabled);
  });

  it('textRule compares case-insensitively and only strings', () => {
    const rule = textRule('properties.publicNetworkAccess', 'Disabled', absentEnabled);
    assert.equal(rule.compliant('Disabled'), true);
    assert.equal(rule.compliant('disabled'), true);
    assert.equal(rule.compliant('DISABLED'), true);
    assert.equal(rule.compliant('Enabled'), false);
    assert.equal(rule.compliant('Disabled '), false);
    assert.equal(rule.compliant(false), false);
    assert.equal(rule.compliant(undefined), false);
    assert.equal(rule.compliant(['Disabled']), false);
  });

  it('textRule accepts any of a list of values, rendered "A" or "B"', () => {
    const rule = textRule('properties.siteConfig.ftpsState', ['Disabled', 'FtpsOnly'], {
      compliant: false,
      meaning: 'the API default is "AllAllowed"',
    });
    assert.equal(rule.expected, '"Disabled" or "FtpsOnly"');
    assert.equal(rule.compliant('ftpsonly'), true);
    assert.equal(rule.compliant('DISABLED'), true);
    assert.equal(rule.compliant('AllAllowed'), false);
    assert.equal(textRule('properties.x', ['Only'], absentEnabled).expected, '"Only"');
  });

  it('textRule gives the same messages and statuses as checkProperty with a hand-written rule', () => {
    const rule = textRule('properties.publicNetworkAccess', 'Disabled', {
      compliant: false,
      meaning: 'public network access is enabled',
    });
    assert.deepEqual(checkProperty(view({ publicNetworkAccess: 'disabled' }), rule), { status: 'pass' });
    for (const properties of [{ publicNetworkAccess: 'Enabled' }, {}, { publicNetworkAccess: unresolvedTls }]) {
      assert.deepEqual(checkProperty(view(properties), rule), checkProperty(view(properties), publicAccessDisabled));
    }
    assert.deepEqual(checkProperty(view({ publicNetworkAccess: 'Enabled' }), rule), {
      status: 'fail',
      violations: [
        {
          path: 'properties.publicNetworkAccess',
          message: 'publicNetworkAccess is "Enabled"; it must be "Disabled"',
          actual: 'Enabled',
        },
      ],
    });
  });

  it('boolRule demands exactly the boolean, rendered true or false', () => {
    const on = boolRule('properties.supportsHttpsTrafficOnly', true, httpsOnly.absent);
    assert.equal(on.path, 'properties.supportsHttpsTrafficOnly');
    assert.equal(on.expected, 'true');
    assert.equal(on.absent, httpsOnly.absent);
    assert.equal(on.compliant(true), true);
    assert.equal(on.compliant(false), false);
    assert.equal(on.compliant('true'), false);
    assert.equal(on.compliant(1), false);

    const off = boolRule('properties.allowSharedKeyAccess', false, {
      compliant: false,
      meaning: 'the API default null is equivalent to true',
    });
    assert.equal(off.expected, 'false');
    assert.equal(off.compliant(false), true);
    assert.equal(off.compliant(true), false);
    assert.equal(off.compliant('false'), false);
    assert.equal(off.compliant(0), false);
  });

  it('boolRule gives the same messages and statuses as checkProperty with a hand-written rule', () => {
    const rule = boolRule('properties.supportsHttpsTrafficOnly', true, {
      compliant: true,
      meaning: 'the API default since 2019-04-01 is true',
    });
    for (const value of [true, false, 'true', null, undefined]) {
      const v = view(value === undefined ? {} : { supportsHttpsTrafficOnly: value });
      assert.deepEqual(checkProperty(v, rule), checkProperty(v, httpsOnly));
    }
    assert.deepEqual(
      checkProperty(
        view({ allowSharedKeyAccess: true }),
        boolRule('properties.allowSharedKeyAccess', false, { compliant: true, meaning: 'x' }),
      ),
      {
        status: 'fail',
        violations: [
          {
            path: 'properties.allowSharedKeyAccess',
            message: 'allowSharedKeyAccess is true; it must be false',
            actual: true,
          },
        ],
      },
    );
    assert.deepEqual(
      checkProperty(
        view({}),
        boolRule('properties.allowSharedKeyAccess', false, { compliant: false, meaning: 'null means true' }),
      ),
      {
        status: 'fail',
        violations: [
          {
            path: 'properties.allowSharedKeyAccess',
            message: 'allowSharedKeyAccess is not set (null means true); set it to false',
          },
        ],
      },
    );
  });
});
