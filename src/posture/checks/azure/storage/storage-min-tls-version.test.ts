import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { storageMinTlsVersion } from './storage-min-tls-version.ts';

const ID =
  '/subscriptions/3f2b8c1e-5d4a-4e6f-9a7b-1c2d3e4f5a6b/resourceGroups/rg-shop/providers/Microsoft.Storage/storageAccounts/st1';
const account = (properties: string) =>
  `{"id": "${ID}", "name": "st1", "type": "Microsoft.Storage/storageAccounts", "properties": ${properties}}`;
const run = (text: string) => runCheckOn(storageMinTlsVersion, text, undefined, 'a.json');

describe('storage-min-tls-version', () => {
  it('fails on TLS1_0 and TLS1_1, naming the value and rendering the fix', () => {
    const [finding] = run(account('{"minimumTlsVersion": "TLS1_0"}'));
    assert.equal(finding?.status, 'fail');
    assert.deepEqual(finding?.violations, [
      {
        path: 'properties.minimumTlsVersion',
        message: 'minimumTlsVersion is "TLS1_0"; it must be "TLS1_2"',
        actual: 'TLS1_0',
      },
    ]);
    assert.equal(
      finding?.remediation.azureCli,
      'az storage account update --name st1 --resource-group rg-shop --min-tls-version TLS1_2',
    );
    assert.equal(run(account('{"minimumTlsVersion": "TLS1_1"}'))[0]?.status, 'fail');
  });

  it('fails when absent: the API interprets a missing value as TLS 1.0', () => {
    const [finding] = run(account('{"supportsHttpsTrafficOnly": true}'));
    assert.equal(finding?.status, 'fail');
    assert.deepEqual(finding?.violations, [
      {
        path: 'properties.minimumTlsVersion',
        message: 'minimumTlsVersion is not set (the API interprets a missing value as TLS1_0); set it to "TLS1_2"',
      },
    ]);
  });

  it('passes on TLS1_2 and TLS1_3, whatever the case', () => {
    for (const version of ['TLS1_2', 'TLS1_3', 'tls1_2']) {
      assert.equal(run(account(`{"minimumTlsVersion": "${version}"}`))[0]?.status, 'pass', version);
    }
  });

  it('reads the flattened az storage account show output', () => {
    const text = `{"id": "${ID}", "name": "st1", "type": "Microsoft.Storage/storageAccounts", "resourceGroup": "rg-shop", "minimumTlsVersion": "TLS1_1", "enableHttpsTrafficOnly": true}`;
    assert.equal(run(text)[0]?.status, 'fail');
  });

  it('is indeterminate for az resource list rows, which carry no properties', () => {
    const [finding] = run(`[${account('null')}]`);
    assert.equal(finding?.status, 'indeterminate');
    assert.match(finding?.reason ?? '', /az resource list/);
  });
});
