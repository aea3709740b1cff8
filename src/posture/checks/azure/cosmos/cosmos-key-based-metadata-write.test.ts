import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { cosmosKeyBasedMetadataWrite } from './cosmos-key-based-metadata-write.ts';

const ID =
  '/subscriptions/7c1d2e3f-8a9b-4c0d-9e1f-2a3b4c5d6e7f/resourceGroups/rg-catalog/providers/Microsoft.DocumentDB/databaseAccounts/cosmos1';
const account = (properties: string) =>
  `{"id": "${ID}", "name": "cosmos1", "type": "Microsoft.DocumentDB/databaseAccounts", "properties": ${properties}}`;
const run = (text: string) => runCheckOn(cosmosKeyBasedMetadataWrite, text, undefined, 'a.json');

describe('cosmos-key-based-metadata-write', () => {
  it('fails when false, naming the value and the fix', () => {
    const [finding] = run(account('{"disableKeyBasedMetadataWriteAccess": false}'));
    assert.equal(finding?.status, 'fail');
    assert.deepEqual(finding?.violations, [
      {
        path: 'properties.disableKeyBasedMetadataWriteAccess',
        message: 'disableKeyBasedMetadataWriteAccess is false; it must be true',
        actual: false,
      },
    ]);
    assert.equal(
      finding?.remediation.azureCli,
      'az cosmosdb update --name cosmos1 --resource-group rg-catalog --disable-key-based-metadata-write-access true',
    );
  });

  it('passes when true', () => {
    assert.equal(run(account('{"disableKeyBasedMetadataWriteAccess": true}'))[0]?.status, 'pass');
  });

  it('fails when absent: the API default is false', () => {
    const [finding] = run(account('{"publicNetworkAccess": "Disabled"}'));
    assert.equal(finding?.status, 'fail');
    assert.equal(
      finding?.violations[0]?.message,
      'disableKeyBasedMetadataWriteAccess is not set (the API default is false); set it to true',
    );
  });

  it('is indeterminate for az resource list rows, which carry no properties', () => {
    const [finding] = run(
      `[{"id": "${ID}", "name": "cosmos1", "type": "Microsoft.DocumentDB/databaseAccounts", "properties": null}]`,
    );
    assert.equal(finding?.status, 'indeterminate');
    assert.match(finding?.reason ?? '', /az resource list/);
  });
});
