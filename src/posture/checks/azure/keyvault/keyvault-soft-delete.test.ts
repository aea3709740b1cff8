import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { keyvaultSoftDelete } from './keyvault-soft-delete.ts';

const ID =
  '/subscriptions/3f2b8c1e-5d4a-4e6f-9a7b-1c2d3e4f5a6b/resourceGroups/rg-legacy/providers/Microsoft.KeyVault/vaults/kv-legacy';
const vault = (properties: string) =>
  `{"id": "${ID}", "name": "kv-legacy", "type": "Microsoft.KeyVault/vaults", "location": "westeurope", "properties": ${properties}}`;
const run = (text: string) => runCheckOn(keyvaultSoftDelete, text, undefined, 'a.json');

describe('keyvault-soft-delete', () => {
  it('fails when soft delete is off, and renders the fix with the vault id', () => {
    const [finding] = run(vault('{"enableSoftDelete": false, "tenantId": "9b1c2d3e-4f5a-6b7c-8d9e-0f1a2b3c4d5e"}'));
    assert.equal(finding?.status, 'fail');
    assert.deepEqual(finding?.violations, [
      { path: 'properties.enableSoftDelete', message: 'enableSoftDelete is false; it must be true', actual: false },
    ]);
    assert.equal(
      finding?.remediation.azureCli,
      `az resource update --ids ${ID} --set properties.enableSoftDelete=true`,
    );
  });

  it('passes when true, and when absent (new vaults get soft delete by default)', () => {
    assert.equal(run(vault('{"enableSoftDelete": true}'))[0]?.status, 'pass');
    assert.equal(
      run(vault('{"enableSoftDelete": null, "tenantId": "9b1c2d3e-4f5a-6b7c-8d9e-0f1a2b3c4d5e"}'))[0]?.status,
      'pass',
    );
  });

  it('does not apply to a vault created in recover mode', () => {
    const [finding] = run(vault('{"createMode": "recover", "enableSoftDelete": false}'));
    assert.equal(finding?.status, 'not-applicable');
    assert.match(finding?.reason ?? '', /createMode is "recover"/);
  });

  it('is indeterminate for az resource list rows, which carry no properties', () => {
    assert.equal(run(`[${vault('null')}]`)[0]?.status, 'indeterminate');
  });
});
