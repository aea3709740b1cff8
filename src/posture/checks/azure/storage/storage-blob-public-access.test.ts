import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { storageBlobPublicAccess } from './storage-blob-public-access.ts';

const SUB = '/subscriptions/3f2b8c1e-5d4a-4e6f-9a7b-1c2d3e4f5a6b';
const account = (group: string, name: string, properties: string) =>
  `{"id": "${SUB}/resourceGroups/${group}/providers/Microsoft.Storage/storageAccounts/${name}", "name": "${name}", "type": "Microsoft.Storage/storageAccounts", "properties": ${properties}}`;
const run = (text: string) => runCheckOn(storageBlobPublicAccess, text, undefined, 'a.json');

describe('storage-blob-public-access', () => {
  it('fails when anonymous access is allowed, naming the property and the fix', () => {
    const [finding] = run(account('rg-web', 'stweb', '{"allowBlobPublicAccess": true}'));
    assert.equal(finding?.status, 'fail');
    assert.deepEqual(finding?.violations, [
      {
        path: 'properties.allowBlobPublicAccess',
        message: 'allowBlobPublicAccess is true; it must be false',
        actual: true,
      },
    ]);
    assert.equal(
      finding?.remediation.azureCli,
      'az storage account update --name stweb --resource-group rg-web --allow-blob-public-access false',
    );
    assert.equal(finding?.remediation.armPatch, '{"properties":{"allowBlobPublicAccess":false}}');
  });

  it('fails when absent: null is equivalent to true on older accounts', () => {
    const [finding] = run(account('rg-web', 'stweb', '{"minimumTlsVersion": "TLS1_2"}'));
    assert.equal(finding?.status, 'fail');
    assert.equal(
      finding?.violations[0]?.message,
      'allowBlobPublicAccess is not set (null is equivalent to true on accounts created before late 2023); set it to false',
    );
  });

  it('passes when false', () => {
    assert.equal(run(account('rg-web', 'stweb', '{"allowBlobPublicAccess": false}'))[0]?.status, 'pass');
  });

  it('skips the accounts ARO manages, as Azure Policy does, also in lowercased Resource Graph ids', () => {
    for (const name of ['cluster7xk2q', 'imageregistry7xk2q']) {
      const [finding] = run(account('aro-7xk2q', name, '{"allowBlobPublicAccess": true}'));
      assert.equal(finding?.status, 'not-applicable', name);
      assert.match(finding?.reason ?? '', /Azure Red Hat OpenShift/);
    }
    const graph = `{"count": 1, "data": [{"id": "${SUB.toLowerCase()}/resourcegroups/aro-7xk2q/providers/microsoft.storage/storageaccounts/cluster7xk2q", "name": "cluster7xk2q", "type": "microsoft.storage/storageaccounts", "properties": {"allowBlobPublicAccess": true}}], "skip_token": null, "total_records": 1}`;
    assert.equal(run(graph)[0]?.status, 'not-applicable');
  });

  it('still checks other accounts in an aro- group and cluster* accounts elsewhere', () => {
    assert.equal(run(account('aro-7xk2q', 'stbackups', '{"allowBlobPublicAccess": true}'))[0]?.status, 'fail');
    assert.equal(run(account('rg-web', 'clusterlogs', '{"allowBlobPublicAccess": true}'))[0]?.status, 'fail');
  });

  it('is indeterminate for az resource list rows, which carry no properties', () => {
    assert.equal(run(`[${account('rg-web', 'stweb', 'null')}]`)[0]?.status, 'indeterminate');
  });
});
