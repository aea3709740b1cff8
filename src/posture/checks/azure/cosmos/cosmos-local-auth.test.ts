import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { cosmosLocalAuth } from './cosmos-local-auth.ts';

const ID =
  '/subscriptions/7c1d2e3f-8a9b-4c0d-9e1f-2a3b4c5d6e7f/resourceGroups/rg-catalog/providers/Microsoft.DocumentDB/databaseAccounts/cosmos1';
const account = (properties: string, kind = 'GlobalDocumentDB') =>
  `{"id": "${ID}", "name": "cosmos1", "type": "Microsoft.DocumentDB/databaseAccounts", "kind": "${kind}", "properties": ${properties}}`;
const run = (text: string) => runCheckOn(cosmosLocalAuth, text, undefined, 'a.json');

describe('cosmos-local-auth', () => {
  it('fails when false on a NoSQL account, naming the value and the fix', () => {
    const [finding] = run(account('{"capabilities": [{"name": "EnableServerless"}], "disableLocalAuth": false}'));
    assert.equal(finding?.status, 'fail');
    assert.deepEqual(finding?.violations, [
      { path: 'properties.disableLocalAuth', message: 'disableLocalAuth is false; it must be true', actual: false },
    ]);
    assert.equal(
      finding?.remediation.azureCli,
      'az cosmosdb update --name cosmos1 --resource-group rg-catalog --disable-local-auth true',
    );
  });

  it('passes when true', () => {
    assert.equal(run(account('{"capabilities": [], "disableLocalAuth": true}'))[0]?.status, 'pass');
  });

  it('fails when absent: the API default is false', () => {
    const [finding] = run(account('{"capabilities": []}'));
    assert.equal(finding?.status, 'fail');
    assert.equal(
      finding?.violations[0]?.message,
      'disableLocalAuth is not set (the API default is false, so the account keys work); set it to true',
    );
  });

  it('does not apply to the MongoDB, Cassandra, Table and Gremlin APIs', () => {
    for (const capability of ['EnableMongo', 'EnableCassandra', 'EnableTable', 'enablegremlin']) {
      const [finding] = run(account(`{"capabilities": [{"name": "EnableServerless"}, {"name": "${capability}"}]}`));
      assert.equal(finding?.status, 'not-applicable', capability);
    }
    const [mongo32] = run(account('{"capabilities": []}', 'MongoDB'));
    assert.equal(mongo32?.status, 'not-applicable');
    assert.equal(mongo32?.reason, 'the account uses the MongoDB API (kind "MongoDB"), which Azure Policy exempts');
  });

  it('is indeterminate for az resource list rows, which carry no properties', () => {
    const [finding] = run(
      `[{"id": "${ID}", "name": "cosmos1", "type": "Microsoft.DocumentDB/databaseAccounts", "kind": "GlobalDocumentDB", "properties": null}]`,
    );
    assert.equal(finding?.status, 'indeterminate');
    assert.match(finding?.reason ?? '', /az resource list/);
  });
});
