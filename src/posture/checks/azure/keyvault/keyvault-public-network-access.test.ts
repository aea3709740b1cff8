import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { keyvaultPublicNetworkAccess } from './keyvault-public-network-access.ts';

const ID =
  '/subscriptions/3f2b8c1e-5d4a-4e6f-9a7b-1c2d3e4f5a6b/resourceGroups/rg-shop/providers/Microsoft.KeyVault/vaults/kv-shop';
const vault = (properties: string) =>
  `{"id": "${ID}", "name": "kv-shop", "type": "Microsoft.KeyVault/vaults", "properties": ${properties}}`;
const run = (text: string) => runCheckOn(keyvaultPublicNetworkAccess, text, undefined, 'a.json');

describe('keyvault-public-network-access', () => {
  it('fails when public access is enabled and there is no firewall, naming both, and renders the fix', () => {
    const [finding] = run(vault('{"publicNetworkAccess": "Enabled", "networkAcls": null}'));
    assert.equal(finding?.status, 'fail');
    assert.deepEqual(finding?.violations, [
      {
        path: 'properties.publicNetworkAccess',
        message:
          'no network restriction is set: publicNetworkAccess is "Enabled"; it must be "Disabled", and networkAcls.defaultAction is not set (the vault has no firewall); set it to "Deny"',
      },
    ]);
    assert.equal(
      finding?.remediation.azureCli,
      'az keyvault update --name kv-shop --resource-group rg-shop --public-network-access Disabled',
    );
  });

  it('fails when both are absent, and when the firewall allows by default', () => {
    assert.equal(run(vault('{}'))[0]?.status, 'fail');
    assert.equal(
      run(vault('{"networkAcls": {"defaultAction": "Allow", "bypass": "AzureServices"}}'))[0]?.status,
      'fail',
    );
  });

  it('passes with public access disabled (any case) or a firewall denying by default', () => {
    assert.equal(run(vault('{"publicNetworkAccess": "disabled"}'))[0]?.status, 'pass');
    assert.equal(
      run(
        vault(
          '{"publicNetworkAccess": "Enabled", "networkAcls": {"defaultAction": "Deny", "ipRules": [{"value": "203.0.113.0/24"}]}}',
        ),
      )[0]?.status,
      'pass',
    );
  });

  it('does not apply to a vault created in recover mode', () => {
    assert.equal(run(vault('{"createMode": "recover"}'))[0]?.status, 'not-applicable');
  });

  it('is indeterminate for az resource list rows, which carry no properties', () => {
    assert.equal(run(`[${vault('null')}]`)[0]?.status, 'indeterminate');
  });
});
