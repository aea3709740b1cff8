import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalType, isResourceType, KNOWN_TYPES, providerOf } from './types.ts';

describe('canonicalType', () => {
  it('maps the lowercased types Resource Graph prints to their canonical spelling', () => {
    assert.equal(canonicalType('microsoft.keyvault/vaults'), 'Microsoft.KeyVault/vaults');
    assert.equal(canonicalType('microsoft.storage/storageaccounts'), 'Microsoft.Storage/storageAccounts');
    assert.equal(
      canonicalType('microsoft.redhatopenshift/openshiftclusters'),
      'Microsoft.RedHatOpenShift/openShiftClusters',
    );
    assert.equal(canonicalType('microsoft.sql/servers/databases'), 'Microsoft.Sql/servers/databases');
  });

  it('maps any casing, upper case included', () => {
    assert.equal(canonicalType('MICROSOFT.NETWORK/NETWORKSECURITYGROUPS'), 'Microsoft.Network/networkSecurityGroups');
    assert.equal(canonicalType('Microsoft.Insights/DiagnosticSettings'), 'Microsoft.Insights/diagnosticSettings');
  });

  it('returns every known type unchanged', () => {
    for (const type of KNOWN_TYPES) {
      assert.equal(canonicalType(type), type);
    }
  });

  it('keeps unknown types as they were written', () => {
    assert.equal(canonicalType('contoso.widgets/gadgets'), 'contoso.widgets/gadgets');
    assert.equal(canonicalType('Microsoft.Cdn/profiles'), 'Microsoft.Cdn/profiles');
    assert.equal(canonicalType('microsoft.cdn/profiles'), 'microsoft.cdn/profiles');
  });

  it('does not map a parent type to a child type or back', () => {
    assert.equal(canonicalType('microsoft.keyvault/vaults/secrets'), 'Microsoft.KeyVault/vaults/secrets');
    assert.equal(canonicalType('microsoft.keyvault'), 'microsoft.keyvault');
  });
});

describe('isResourceType', () => {
  it('accepts provider namespace and type, child types and lowercased types', () => {
    for (const type of [
      'Microsoft.KeyVault/vaults',
      'microsoft.keyvault/vaults',
      'Microsoft.Sql/servers/databases',
      'Microsoft.Network/virtualNetworks/subnets',
      'Microsoft.Web/sites/config',
      'Microsoft.Insights/diagnosticSettings',
    ]) {
      assert.equal(isResourceType(type), true, type);
    }
  });

  it('rejects Kubernetes Secret types, namespaces alone and malformed text', () => {
    for (const value of [
      'Opaque',
      'Microsoft.KeyVault',
      'Microsoft.KeyVault/',
      'Microsoft/vaults',
      '/Microsoft.KeyVault/vaults',
      'Microsoft.KeyVault/vaults/',
      'Microsoft.KeyVault//vaults',
      '1Microsoft.KeyVault/vaults',
      'Microsoft.KeyVault/1vaults',
      'Microsoft.KeyVault/key vaults',
      '',
    ]) {
      assert.equal(isResourceType(value), false, JSON.stringify(value));
    }
  });

  it('rejects values that are not strings', () => {
    for (const value of [undefined, null, 42, ['Microsoft.KeyVault/vaults'], { type: 'Microsoft.KeyVault/vaults' }]) {
      assert.equal(isResourceType(value), false);
    }
  });
});

describe('providerOf', () => {
  it('is the text before the first slash', () => {
    assert.equal(providerOf('Microsoft.Sql/servers/databases'), 'Microsoft.Sql');
    assert.equal(providerOf('microsoft.keyvault/vaults'), 'microsoft.keyvault');
  });

  it('is the whole text without a slash', () => {
    assert.equal(providerOf('Microsoft.KeyVault'), 'Microsoft.KeyVault');
  });
});
