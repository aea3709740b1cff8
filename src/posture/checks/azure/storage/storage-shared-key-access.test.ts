import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { storageSharedKeyAccess } from './storage-shared-key-access.ts';

const ID =
  '/subscriptions/3f2b8c1e-5d4a-4e6f-9a7b-1c2d3e4f5a6b/resourceGroups/rg-batch/providers/Microsoft.Storage/storageAccounts/stbatch';
const account = (properties: string) =>
  `{"id": "${ID}", "name": "stbatch", "type": "Microsoft.Storage/storageAccounts", "properties": ${properties}}`;
const run = (text: string) => runCheckOn(storageSharedKeyAccess, text, undefined, 'a.json');

describe('storage-shared-key-access', () => {
  it('fails when Shared Key is allowed, and renders the fix', () => {
    const [finding] = run(account('{"allowSharedKeyAccess": true}'));
    assert.equal(finding?.status, 'fail');
    assert.deepEqual(finding?.violations, [
      {
        path: 'properties.allowSharedKeyAccess',
        message: 'allowSharedKeyAccess is true; it must be false',
        actual: true,
      },
    ]);
    assert.equal(
      finding?.remediation.azureCli,
      'az storage account update --name stbatch --resource-group rg-batch --allow-shared-key-access false',
    );
  });

  it('fails when absent or null (az storage account show prints null): the default is equivalent to true', () => {
    const expected = [
      {
        path: 'properties.allowSharedKeyAccess',
        message: 'allowSharedKeyAccess is not set (the API default null is equivalent to true); set it to false',
      },
    ];
    assert.deepEqual(run(account('{}'))[0]?.violations, expected);
    const flattened = `{"id": "${ID}", "name": "stbatch", "type": "Microsoft.Storage/storageAccounts", "allowSharedKeyAccess": null, "kind": "StorageV2"}`;
    assert.deepEqual(run(flattened)[0]?.violations, expected);
  });

  it('passes when false', () => {
    assert.equal(run(account('{"allowSharedKeyAccess": false}'))[0]?.status, 'pass');
  });

  it('is indeterminate for az resource list rows, which carry no properties', () => {
    assert.equal(run(`[${account('null')}]`)[0]?.status, 'indeterminate');
  });
});
