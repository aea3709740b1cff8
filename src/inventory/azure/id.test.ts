import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parentId, parseArmId, sameId } from './id.ts';

const SUB = 'c5a1f0d2-7b3e-4c9a-8e21-6f4d2b9a7c10';
const RG = `/subscriptions/${SUB}/resourceGroups/rg-payments`;
const VAULT = `${RG}/providers/Microsoft.KeyVault/vaults/kv-pay-prod`;

describe('parseArmId', () => {
  it('parses a resource group id', () => {
    assert.deepEqual(parseArmId(RG), {
      subscriptionId: SUB,
      resourceGroup: 'rg-payments',
      type: 'Microsoft.Resources/resourceGroups',
      names: ['rg-payments'],
    });
  });

  it('parses a subscription id', () => {
    assert.deepEqual(parseArmId(`/subscriptions/${SUB}`), {
      subscriptionId: SUB,
      type: 'Microsoft.Resources/subscriptions',
      names: [SUB],
    });
  });

  it('parses a top-level resource, keeping the type as written', () => {
    assert.deepEqual(parseArmId(VAULT), {
      subscriptionId: SUB,
      resourceGroup: 'rg-payments',
      type: 'Microsoft.KeyVault/vaults',
      names: ['kv-pay-prod'],
    });
  });

  it('parses a subscription-level resource (no resource group)', () => {
    assert.deepEqual(parseArmId(`/subscriptions/${SUB}/providers/Microsoft.Security/pricings/VirtualMachines`), {
      subscriptionId: SUB,
      type: 'Microsoft.Security/pricings',
      names: ['VirtualMachines'],
    });
  });

  it('parses a child resource into its type path and name segments', () => {
    assert.deepEqual(parseArmId(`${RG}/providers/Microsoft.Sql/servers/sql-pay/databases/ledger`), {
      subscriptionId: SUB,
      resourceGroup: 'rg-payments',
      type: 'Microsoft.Sql/servers/databases',
      names: ['sql-pay', 'ledger'],
    });
    assert.deepEqual(
      parseArmId(`${RG}/providers/Microsoft.Sql/servers/sql-pay/databases/ledger/transparentDataEncryption/current`),
      {
        subscriptionId: SUB,
        resourceGroup: 'rg-payments',
        type: 'Microsoft.Sql/servers/databases/transparentDataEncryption',
        names: ['sql-pay', 'ledger', 'current'],
      },
    );
  });

  it('parses an extension resource: the last provider names it, the id before is its scope', () => {
    const id = `${VAULT}/providers/Microsoft.Insights/diagnosticSettings/send-to-law`;
    assert.deepEqual(parseArmId(id), {
      subscriptionId: SUB,
      resourceGroup: 'rg-payments',
      type: 'Microsoft.Insights/diagnosticSettings',
      names: ['send-to-law'],
      scope: VAULT,
    });
  });

  it('gives a scope only to extension resources, not to resources directly under a group', () => {
    const parts = parseArmId(
      `${RG}/providers/Microsoft.Authorization/roleAssignments/4f8e1c2a-6b3d-4e5f-a7b8-c9d0e1f2a3b4`,
    );
    assert.equal(parts?.type, 'Microsoft.Authorization/roleAssignments');
    assert.equal(parts !== undefined && 'scope' in parts, false);
  });

  it('reads the keys case-insensitively, as Resource Graph prints them', () => {
    const id = `/subscriptions/${SUB}/resourcegroups/rg-payments/providers/microsoft.keyvault/vaults/kv-pay-prod`;
    assert.deepEqual(parseArmId(id), {
      subscriptionId: SUB,
      resourceGroup: 'rg-payments',
      type: 'microsoft.keyvault/vaults',
      names: ['kv-pay-prod'],
    });
    assert.deepEqual(parseArmId(`/SUBSCRIPTIONS/${SUB}/RESOURCEGROUPS/rg-payments/PROVIDERS/Microsoft.Web/sites/app`), {
      subscriptionId: SUB,
      resourceGroup: 'rg-payments',
      type: 'Microsoft.Web/sites',
      names: ['app'],
    });
  });

  it('rejects text that does not start with a slash', () => {
    assert.equal(parseArmId(`subscriptions/${SUB}/resourceGroups/rg-payments`), undefined);
    assert.equal(parseArmId('kv-pay-prod'), undefined);
    assert.equal(parseArmId(''), undefined);
  });

  it('rejects ids with empty segments (doubled or trailing slashes)', () => {
    assert.equal(parseArmId('/'), undefined);
    assert.equal(parseArmId(`${VAULT}/`), undefined);
    assert.equal(parseArmId(`/subscriptions/${SUB}//resourceGroups/rg-payments`), undefined);
    assert.equal(parseArmId(`${RG}/providers//vaults/kv`), undefined);
  });

  it('rejects provider paths with an odd number of segments or no type', () => {
    assert.equal(parseArmId(`${RG}/providers/Microsoft.KeyVault`), undefined);
    assert.equal(parseArmId(`${RG}/providers/Microsoft.KeyVault/vaults`), undefined);
    assert.equal(parseArmId(`${VAULT}/secrets`), undefined);
    assert.equal(parseArmId(`${VAULT}/providers/Microsoft.Insights/diagnosticSettings`), undefined);
  });

  it('rejects ids with neither subscription, group nor provider', () => {
    assert.equal(parseArmId('/subscriptions'), undefined);
    assert.equal(parseArmId('/tenants/x'), undefined);
  });

  it('rejects ids whose scope part has an odd number of segments', () => {
    assert.equal(parseArmId(`/subscriptions/${SUB}/resourceGroups`), undefined);
    assert.equal(parseArmId(`${RG}/extra`), undefined);
  });

  it('parses the child of a resource named "providers" (a valid vault name)', () => {
    assert.deepEqual(parseArmId(`${RG}/providers/Microsoft.KeyVault/vaults/providers/secrets/db-password`), {
      subscriptionId: SUB,
      resourceGroup: 'rg-payments',
      type: 'Microsoft.KeyVault/vaults/secrets',
      names: ['providers', 'db-password'],
    });
  });

  it('gives no scope to a resource in a group named "providers"', () => {
    const parts = parseArmId(`/subscriptions/${SUB}/resourceGroups/providers/providers/Microsoft.KeyVault/vaults/kv1`);
    assert.equal(parts?.resourceGroup, 'providers');
    assert.equal(parts?.type, 'Microsoft.KeyVault/vaults');
    assert.equal(parts?.scope, undefined);
  });
});

describe('parentId', () => {
  it('drops the last type/name pair of a child resource id', () => {
    assert.equal(
      parentId(`${RG}/providers/Microsoft.Sql/servers/sql-pay/databases/ledger`),
      `${RG}/providers/Microsoft.Sql/servers/sql-pay`,
    );
    assert.equal(
      parentId(`${RG}/providers/Microsoft.Sql/servers/sql-pay/databases/ledger/transparentDataEncryption/current`),
      `${RG}/providers/Microsoft.Sql/servers/sql-pay/databases/ledger`,
    );
  });

  it('keeps the casing of the id it was given', () => {
    const id = `/subscriptions/${SUB}/resourcegroups/rg-payments/providers/microsoft.web/sites/app/config/web`;
    assert.equal(parentId(id), `/subscriptions/${SUB}/resourcegroups/rg-payments/providers/microsoft.web/sites/app`);
  });

  it('is undefined for top-level resources, extension resources, groups and non-ids', () => {
    assert.equal(parentId(VAULT), undefined);
    assert.equal(parentId(`${VAULT}/providers/Microsoft.Insights/diagnosticSettings/send-to-law`), undefined);
    assert.equal(parentId(RG), undefined);
    assert.equal(parentId(`/subscriptions/${SUB}`), undefined);
    assert.equal(parentId('servers/sql-pay/databases/ledger'), undefined);
  });
});

describe('sameId', () => {
  it('compares ids case-insensitively', () => {
    assert.equal(sameId(VAULT, VAULT.toLowerCase()), true);
    assert.equal(sameId(VAULT.toUpperCase(), VAULT), true);
  });

  it('tells different ids apart, a trailing slash included', () => {
    assert.equal(sameId(VAULT, `${RG}/providers/Microsoft.KeyVault/vaults/kv-pay-dev`), false);
    assert.equal(sameId(VAULT, `${VAULT}/`), false);
  });

  it('is false when either id is unknown, even both', () => {
    assert.equal(sameId(undefined, VAULT), false);
    assert.equal(sameId(VAULT, undefined), false);
    assert.equal(sameId(undefined, undefined), false);
  });
});
