import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { storageHttpsOnly } from './storage-https-only.ts';

const account = (properties: string) => `{
  "id": "/subscriptions/3f2b8c1e-5d4a-4e6f-9a7b-1c2d3e4f5a6b/resourceGroups/rg-shop/providers/Microsoft.Storage/storageAccounts/st1",
  "name": "st1",
  "type": "Microsoft.Storage/storageAccounts",
  "properties": ${properties}
}`;

describe('storage-https-only', () => {
  it('fails when supportsHttpsTrafficOnly is false, naming the property and the fix', () => {
    const [finding] = runCheckOn(storageHttpsOnly, account('{"supportsHttpsTrafficOnly": false}'), undefined, 'a.json');
    assert.equal(finding?.status, 'fail');
    assert.deepEqual(finding?.violations, [
      {
        path: 'properties.supportsHttpsTrafficOnly',
        message: 'supportsHttpsTrafficOnly is false; it must be true',
        actual: false,
      },
    ]);
    assert.equal(finding?.resource.kind, 'Microsoft.Storage/storageAccounts');
    assert.equal(
      finding?.resource.id,
      '/subscriptions/3f2b8c1e-5d4a-4e6f-9a7b-1c2d3e4f5a6b/resourceGroups/rg-shop/providers/Microsoft.Storage/storageAccounts/st1',
    );
    assert.equal(
      finding?.remediation.azureCli,
      'az storage account update --name st1 --resource-group rg-shop --https-only true',
    );
  });

  it('passes when true, and when absent (the API default is true)', () => {
    assert.equal(
      runCheckOn(storageHttpsOnly, account('{"supportsHttpsTrafficOnly": true}'), undefined, 'a.json')[0]?.status,
      'pass',
    );
    assert.equal(runCheckOn(storageHttpsOnly, account('{}'), undefined, 'a.json')[0]?.status, 'pass');
  });

  it('reads the flattened az output (enableHttpsTrafficOnly)', () => {
    const text = `{"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st2", "name": "st2", "type": "Microsoft.Storage/storageAccounts", "enableHttpsTrafficOnly": false, "resourceGroup": "rg"}`;
    assert.equal(runCheckOn(storageHttpsOnly, text, undefined, 'a.json')[0]?.status, 'fail');
  });

  it('is indeterminate for az resource list rows, which carry no properties', () => {
    const text = `[{"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st3", "name": "st3", "type": "Microsoft.Storage/storageAccounts", "properties": null, "resourceGroup": "rg"}]`;
    const [finding] = runCheckOn(storageHttpsOnly, text, undefined, 'a.json');
    assert.equal(finding?.status, 'indeterminate');
    assert.match(finding?.reason ?? '', /az resource list/);
  });
});
