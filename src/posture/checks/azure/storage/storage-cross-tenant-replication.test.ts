import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { storageCrossTenantReplication } from './storage-cross-tenant-replication.ts';

const ID =
  '/subscriptions/3f2b8c1e-5d4a-4e6f-9a7b-1c2d3e4f5a6b/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/stdata';
const account = (properties: string) =>
  `{"id": "${ID}", "name": "stdata", "type": "Microsoft.Storage/storageAccounts", "properties": ${properties}}`;
const run = (text: string) => runCheckOn(storageCrossTenantReplication, text, undefined, 'a.json');

describe('storage-cross-tenant-replication', () => {
  it('fails when allowed, and renders the fix', () => {
    const [finding] = run(account('{"allowCrossTenantReplication": true}'));
    assert.equal(finding?.status, 'fail');
    assert.deepEqual(finding?.violations, [
      {
        path: 'properties.allowCrossTenantReplication',
        message: 'allowCrossTenantReplication is true; it must be false',
        actual: true,
      },
    ]);
    assert.equal(
      finding?.remediation.azureCli,
      'az storage account update --name stdata --resource-group rg-data --allow-cross-tenant-replication false',
    );
  });

  it('fails when absent: older accounts interpret null as true', () => {
    assert.equal(
      run(account('{}'))[0]?.violations[0]?.message,
      'allowCrossTenantReplication is not set (null is interpreted as true on accounts created before late 2023); set it to false',
    );
  });

  it('passes when false', () => {
    assert.equal(run(account('{"allowCrossTenantReplication": false}'))[0]?.status, 'pass');
  });

  it('is indeterminate for az resource list rows, which carry no properties', () => {
    assert.equal(run(`[${account('null')}]`)[0]?.status, 'indeterminate');
  });
});
