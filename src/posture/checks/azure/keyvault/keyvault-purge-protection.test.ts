import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { keyvaultPurgeProtection } from './keyvault-purge-protection.ts';

const ID =
  '/subscriptions/3f2b8c1e-5d4a-4e6f-9a7b-1c2d3e4f5a6b/resourceGroups/rg-shop/providers/Microsoft.KeyVault/vaults/kv-shop';
const vault = (properties: string) =>
  `{"id": "${ID}", "name": "kv-shop", "type": "Microsoft.KeyVault/vaults", "resourceGroup": "rg-shop", "properties": ${properties}}`;
const run = (text: string) => runCheckOn(keyvaultPurgeProtection, text, undefined, 'a.json');

describe('keyvault-purge-protection', () => {
  it('fails when null, as az keyvault show prints a vault without it, and renders the fix', () => {
    const [finding] = run(vault('{"enablePurgeProtection": null, "enableSoftDelete": true}'));
    assert.equal(finding?.status, 'fail');
    assert.deepEqual(finding?.violations, [
      {
        path: 'properties.enablePurgeProtection',
        message: 'enablePurgeProtection is not set (purge protection is off unless enabled); set it to true',
      },
    ]);
    assert.equal(
      finding?.remediation.azureCli,
      'az keyvault update --name kv-shop --resource-group rg-shop --enable-purge-protection true',
    );
  });

  it('fails when false', () => {
    assert.deepEqual(run(vault('{"enablePurgeProtection": false}'))[0]?.violations, [
      {
        path: 'properties.enablePurgeProtection',
        message: 'enablePurgeProtection is false; it must be true',
        actual: false,
      },
    ]);
  });

  it('passes when true, also in a Resource Graph row', () => {
    assert.equal(run(vault('{"enablePurgeProtection": true}'))[0]?.status, 'pass');
    const graph = `{"count": 1, "data": [{"id": "${ID.toLowerCase()}", "name": "kv-shop", "type": "microsoft.keyvault/vaults", "properties": {"enablePurgeProtection": true}}], "skip_token": null, "total_records": 1}`;
    const [finding] = runCheckOn(keyvaultPurgeProtection, graph, undefined, 'a.json');
    assert.equal(finding?.status, 'pass');
    assert.equal(finding?.resource.kind, 'Microsoft.KeyVault/vaults');
  });

  it('does not apply to a vault created in recover mode', () => {
    assert.equal(run(vault('{"createMode": "Recover"}'))[0]?.status, 'not-applicable');
  });

  it('is indeterminate for az resource list rows, which carry no properties', () => {
    assert.equal(run(`[${vault('null')}]`)[0]?.status, 'indeterminate');
  });
});
