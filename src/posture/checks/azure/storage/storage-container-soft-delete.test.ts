import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { storageContainerSoftDelete } from './storage-container-soft-delete.ts';

const ACCOUNT_ID =
  '/subscriptions/3f2b8c1e-5d4a-4e6f-9a7b-1c2d3e4f5a6b/resourceGroups/rg-batch/providers/Microsoft.Storage/storageAccounts/stbatch';
const account = `{"id": "${ACCOUNT_ID}", "name": "stbatch", "type": "Microsoft.Storage/storageAccounts", "kind": "StorageV2", "properties": {}}`;
const blobService = (properties: string) =>
  `{"id": "${ACCOUNT_ID}/blobServices/default", "name": "default", "type": "Microsoft.Storage/storageAccounts/blobServices", "properties": ${properties}}`;
const run = (...docs: string[]) => runCheckOn(storageContainerSoftDelete, `[${docs.join(',')}]`, undefined, 'a.json');

describe('storage-container-soft-delete', () => {
  it('fails when container soft delete is off, naming the blob service, and renders the fix', () => {
    const [finding] = run(account, blobService('{"containerDeleteRetentionPolicy": {"enabled": false, "days": 7}}'));
    assert.equal(finding?.status, 'fail');
    assert.deepEqual(finding?.violations, [
      {
        path: 'blobServices/default.properties.containerDeleteRetentionPolicy.enabled',
        message: 'blob service "default": containerDeleteRetentionPolicy.enabled is false; it must be true',
        actual: false,
      },
    ]);
    assert.equal(
      finding?.remediation.azureCli,
      'az storage account blob-service-properties update --account-name stbatch --resource-group rg-batch --enable-container-delete-retention true --container-delete-retention-days 7',
    );
  });

  it('fails when absent, even with blob soft delete on', () => {
    const [finding] = run(account, blobService('{"deleteRetentionPolicy": {"enabled": true, "days": 7}}'));
    assert.equal(finding?.status, 'fail');
    assert.equal(
      finding?.violations[0]?.message,
      'blob service "default": containerDeleteRetentionPolicy.enabled is not set (container soft delete is off unless enabled); set it to true',
    );
  });

  it('passes when enabled', () => {
    assert.equal(
      run(account, blobService('{"containerDeleteRetentionPolicy": {"enabled": true, "days": 7}}'))[0]?.status,
      'pass',
    );
  });

  it('is indeterminate without the blob service, or when it has no properties', () => {
    assert.equal(run(account)[0]?.status, 'indeterminate');
    assert.equal(run(account, blobService('null'))[0]?.status, 'indeterminate');
  });
});
