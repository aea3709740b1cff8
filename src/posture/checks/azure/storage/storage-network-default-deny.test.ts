import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { storageNetworkDefaultDeny } from './storage-network-default-deny.ts';

const ID =
  '/subscriptions/3f2b8c1e-5d4a-4e6f-9a7b-1c2d3e4f5a6b/resourceGroups/rg-web/providers/Microsoft.Storage/storageAccounts/stweb';
const account = (properties: string) =>
  `{"id": "${ID}", "name": "stweb", "type": "Microsoft.Storage/storageAccounts", "properties": ${properties}}`;
const run = (text: string) => runCheckOn(storageNetworkDefaultDeny, text, undefined, 'a.json');

describe('storage-network-default-deny', () => {
  it('fails when the firewall allows by default and public access is enabled, naming both settings', () => {
    const [finding] = run(account('{"networkAcls": {"defaultAction": "Allow"}, "publicNetworkAccess": "Enabled"}'));
    assert.equal(finding?.status, 'fail');
    assert.deepEqual(finding?.violations, [
      {
        path: 'properties.networkAcls.defaultAction',
        message:
          'no network restriction is set: networkAcls.defaultAction is "Allow"; it must be "Deny", and publicNetworkAccess is "Enabled"; it must be "Disabled"',
      },
    ]);
    assert.equal(
      finding?.remediation.azureCli,
      'az storage account update --name stweb --resource-group rg-web --default-action Deny',
    );
  });

  it('fails when both are absent: the defaults are Allow and enabled', () => {
    const [finding] = run(account('{}'));
    assert.equal(finding?.status, 'fail');
    assert.equal(
      finding?.violations[0]?.message,
      'no network restriction is set: networkAcls.defaultAction is not set (the default action is Allow); set it to "Deny", and publicNetworkAccess is not set (public network access is enabled); set it to "Disabled"',
    );
  });

  it('passes with default action Deny, or with public network access Disabled', () => {
    assert.equal(run(account('{"networkAcls": {"defaultAction": "Deny"}}'))[0]?.status, 'pass');
    assert.equal(
      run(account('{"networkAcls": {"defaultAction": "Allow"}, "publicNetworkAccess": "Disabled"}'))[0]?.status,
      'pass',
    );
  });

  it('reads networkRuleSet from the flattened az storage account show output', () => {
    const text = `{"id": "${ID}", "name": "stweb", "type": "Microsoft.Storage/storageAccounts", "networkRuleSet": {"bypass": "AzureServices", "defaultAction": "Deny"}, "publicNetworkAccess": "Enabled"}`;
    assert.equal(run(text)[0]?.status, 'pass');
  });

  it('is indeterminate for az resource list rows, which carry no properties', () => {
    assert.equal(run(`[${account('null')}]`)[0]?.status, 'indeterminate');
  });
});
