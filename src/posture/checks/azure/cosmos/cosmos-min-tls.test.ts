import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { cosmosMinTls } from './cosmos-min-tls.ts';

const ID =
  '/subscriptions/7c1d2e3f-8a9b-4c0d-9e1f-2a3b4c5d6e7f/resourceGroups/rg-catalog/providers/Microsoft.DocumentDB/databaseAccounts/cosmos1';
const account = (properties: string) =>
  `{"id": "${ID}", "name": "cosmos1", "type": "Microsoft.DocumentDB/databaseAccounts", "properties": ${properties}}`;
const run = (text: string) => runCheckOn(cosmosMinTls, text, undefined, 'a.json');

describe('cosmos-min-tls', () => {
  it('fails on TLS 1.0 and 1.1, naming the value and the fix', () => {
    const [finding] = run(account('{"minimalTlsVersion": "Tls11"}'));
    assert.equal(finding?.status, 'fail');
    assert.deepEqual(finding?.violations, [
      {
        path: 'properties.minimalTlsVersion',
        message: 'minimalTlsVersion is "Tls11"; it must be "Tls12"',
        actual: 'Tls11',
      },
    ]);
    assert.equal(
      finding?.remediation.azureCli,
      'az cosmosdb update --name cosmos1 --resource-group rg-catalog --minimal-tls-version Tls12',
    );
    assert.equal(run(account('{"minimalTlsVersion": "Tls"}'))[0]?.status, 'fail');
  });

  it('passes on Tls12 and later', () => {
    assert.equal(run(account('{"minimalTlsVersion": "Tls12"}'))[0]?.status, 'pass');
    assert.equal(run(account('{"minimalTlsVersion": "Tls13"}'))[0]?.status, 'pass');
  });

  it('passes when absent: new accounts default to Tls12 and TLS 1.0/1.1 are retired', () => {
    assert.equal(run(account('{"publicNetworkAccess": "Enabled"}'))[0]?.status, 'pass');
  });

  it('is indeterminate for az resource list rows, which carry no properties', () => {
    const [finding] = run(
      `[{"id": "${ID}", "name": "cosmos1", "type": "Microsoft.DocumentDB/databaseAccounts", "properties": null}]`,
    );
    assert.equal(finding?.status, 'indeterminate');
    assert.match(finding?.reason ?? '', /az resource list/);
  });
});
