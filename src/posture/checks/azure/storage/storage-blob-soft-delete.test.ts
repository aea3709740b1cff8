import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { storageBlobSoftDelete } from './storage-blob-soft-delete.ts';

const RG = '/subscriptions/3f2b8c1e-5d4a-4e6f-9a7b-1c2d3e4f5a6b/resourceGroups/rg-batch';
const ACCOUNT_ID = `${RG}/providers/Microsoft.Storage/storageAccounts/stbatch`;
const account = (extra = '') =>
  `{"id": "${ACCOUNT_ID}", "name": "stbatch", "type": "Microsoft.Storage/storageAccounts", "kind": "StorageV2"${extra}, "properties": {"minimumTlsVersion": "TLS1_2"}}`;
const blobService = (properties: string, accountId = ACCOUNT_ID) =>
  `{"id": "${accountId}/blobServices/default", "name": "default", "type": "Microsoft.Storage/storageAccounts/blobServices", "properties": ${properties}}`;
const run = (...docs: string[]) => runCheckOn(storageBlobSoftDelete, `[${docs.join(',')}]`, undefined, 'a.json');

describe('storage-blob-soft-delete', () => {
  it('fails on the account when its blob service has soft delete off, naming the blob service', () => {
    const [finding] = run(account(), blobService('{"deleteRetentionPolicy": {"enabled": false}}'));
    assert.equal(finding?.status, 'fail');
    assert.equal(finding?.resource.kind, 'Microsoft.Storage/storageAccounts');
    assert.deepEqual(finding?.violations, [
      {
        path: 'blobServices/default.properties.deleteRetentionPolicy.enabled',
        message: 'blob service "default": deleteRetentionPolicy.enabled is false; it must be true',
        actual: false,
      },
    ]);
    assert.equal(
      finding?.remediation.azureCli,
      'az storage account blob-service-properties update --account-name stbatch --resource-group rg-batch --enable-delete-retention true --delete-retention-days 7',
    );
  });

  it('fails when the policy is absent: blob soft delete is off unless enabled', () => {
    const [finding] = run(account(), blobService('{"cors": {"corsRules": []}}'));
    assert.equal(finding?.status, 'fail');
    assert.equal(
      finding?.violations[0]?.message,
      'blob service "default": deleteRetentionPolicy.enabled is not set (blob soft delete is off unless enabled); set it to true',
    );
  });

  it('fails when soft-deleted versions and snapshots may be purged (allowPermanentDelete)', () => {
    const [finding] = run(
      account(),
      blobService('{"deleteRetentionPolicy": {"enabled": true, "days": 7, "allowPermanentDelete": true}}'),
    );
    assert.equal(finding?.status, 'fail');
    assert.deepEqual(
      finding?.violations.map((v) => v.path),
      ['blobServices/default.properties.deleteRetentionPolicy.allowPermanentDelete'],
    );
  });

  it('passes when enabled, in the ARM shape and in the flattened az blob-service-properties show output', () => {
    assert.equal(
      run(account(), blobService('{"deleteRetentionPolicy": {"enabled": true, "days": 7}}'))[0]?.status,
      'pass',
    );
    const flattened = `{"id": "${ACCOUNT_ID}/blobServices/default", "name": "default", "type": "Microsoft.Storage/storageAccounts/blobServices", "resourceGroup": "rg-batch", "deleteRetentionPolicy": {"allowPermanentDelete": false, "days": 14, "enabled": true}, "isVersioningEnabled": null}`;
    assert.equal(run(account(), flattened)[0]?.status, 'pass');
  });

  it('is indeterminate when the input has no blob service for the account, saying how to export it', () => {
    const other = blobService(
      '{"deleteRetentionPolicy": {"enabled": true}}',
      `${RG}/providers/Microsoft.Storage/storageAccounts/stother`,
    );
    for (const findings of [run(account()), run(account(), other)]) {
      const finding = findings.find((f) => f.resource.name === 'stbatch');
      assert.equal(finding?.status, 'indeterminate');
      assert.match(
        finding?.reason ?? '',
        /`az storage account blob-service-properties show --account-name stbatch --resource-group rg-batch`/,
      );
    }
  });

  it('is indeterminate when the blob service has no properties (az resource list)', () => {
    const [finding] = run(account(), blobService('null'));
    assert.equal(finding?.status, 'indeterminate');
    assert.match(finding?.reason ?? '', /no properties for the account's blob service/);
  });

  it('does not apply to FileStorage accounts', () => {
    const [finding] = run(account().replace('"StorageV2"', '"FileStorage"'));
    assert.equal(finding?.status, 'not-applicable');
  });
});
