import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { cosmosPublicNetworkAccess } from './cosmos-public-network-access.ts';

const ID =
  '/subscriptions/7c1d2e3f-8a9b-4c0d-9e1f-2a3b4c5d6e7f/resourceGroups/rg-catalog/providers/Microsoft.DocumentDB/databaseAccounts/cosmos1';
const account = (properties: string) =>
  `{"id": "${ID}", "name": "cosmos1", "type": "Microsoft.DocumentDB/databaseAccounts", "kind": "GlobalDocumentDB", "properties": ${properties}}`;
const run = (text: string) => runCheckOn(cosmosPublicNetworkAccess, text, undefined, 'a.json');

describe('cosmos-public-network-access', () => {
  it('fails when Enabled, naming the value and the fix', () => {
    const [finding] = run(account('{"publicNetworkAccess": "Enabled"}'));
    assert.equal(finding?.status, 'fail');
    assert.deepEqual(finding?.violations, [
      {
        path: 'properties.publicNetworkAccess',
        message: 'publicNetworkAccess is "Enabled"; it must be "Disabled"',
        actual: 'Enabled',
      },
    ]);
    assert.equal(
      finding?.remediation.azureCli,
      'az cosmosdb update --name cosmos1 --resource-group rg-catalog --public-network-access DISABLED',
    );
    assert.equal(finding?.remediation.armPatch, '{"properties":{"publicNetworkAccess":"Disabled"}}');
  });

  it('passes when Disabled', () => {
    assert.equal(run(account('{"publicNetworkAccess": "Disabled"}'))[0]?.status, 'pass');
  });

  it('fails when absent: the API default is Enabled', () => {
    const [finding] = run(account('{"disableLocalAuth": true}'));
    assert.equal(finding?.status, 'fail');
    assert.equal(
      finding?.violations[0]?.message,
      'publicNetworkAccess is not set (the API default is "Enabled"); set it to "Disabled"',
    );
  });

  it('reads the flattened az cosmosdb show output', () => {
    const text = `{"id": "${ID}", "name": "cosmos1", "type": "Microsoft.DocumentDB/databaseAccounts", "resourceGroup": "rg-catalog", "kind": "GlobalDocumentDB", "publicNetworkAccess": "Disabled", "ipRules": []}`;
    assert.equal(run(text)[0]?.status, 'pass');
  });

  it('is indeterminate for az resource list rows, which carry no properties', () => {
    const [finding] = run(
      `[{"id": "${ID}", "name": "cosmos1", "type": "Microsoft.DocumentDB/databaseAccounts", "properties": null}]`,
    );
    assert.equal(finding?.status, 'indeterminate');
    assert.match(finding?.reason ?? '', /az resource list/);
  });
});
