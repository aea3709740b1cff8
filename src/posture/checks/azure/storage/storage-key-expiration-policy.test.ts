import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { storageKeyExpirationPolicy } from './storage-key-expiration-policy.ts';

const ID =
  '/subscriptions/3f2b8c1e-5d4a-4e6f-9a7b-1c2d3e4f5a6b/resourceGroups/rg-web/providers/Microsoft.Storage/storageAccounts/stweb';
const account = (properties: string) =>
  `{"id": "${ID}", "name": "stweb", "type": "Microsoft.Storage/storageAccounts", "properties": ${properties}}`;
const run = (text: string) => runCheckOn(storageKeyExpirationPolicy, text, undefined, 'a.json');

describe('storage-key-expiration-policy', () => {
  it('fails when the account has no key policy, and renders the fix', () => {
    const [finding] = run(account('{"allowSharedKeyAccess": true}'));
    assert.equal(finding?.status, 'fail');
    assert.deepEqual(finding?.violations, [
      {
        path: 'properties.keyPolicy.keyExpirationPeriodInDays',
        message:
          'keyPolicy.keyExpirationPeriodInDays is not set (the account has no key expiration policy); set it to a positive number of days',
      },
    ]);
    assert.equal(
      finding?.remediation.azureCli,
      'az storage account update --name stweb --resource-group rg-web --key-exp-days 90',
    );
  });

  it('passes with an expiration period, also in the flattened az output', () => {
    assert.equal(run(account('{"keyPolicy": {"keyExpirationPeriodInDays": 90}}'))[0]?.status, 'pass');
    const flattened = `{"id": "${ID}", "name": "stweb", "type": "Microsoft.Storage/storageAccounts", "keyPolicy": {"keyExpirationPeriodInDays": 30}, "allowSharedKeyAccess": null}`;
    assert.equal(run(flattened)[0]?.status, 'pass');
  });

  it('fails on a period that is not a positive number', () => {
    const [finding] = run(account('{"keyPolicy": {"keyExpirationPeriodInDays": 0}}'));
    assert.equal(finding?.status, 'fail');
    assert.equal(
      finding?.violations[0]?.message,
      'keyPolicy.keyExpirationPeriodInDays is 0; it must be a positive number of days',
    );
  });

  it('does not apply when Shared Key authorization is disabled', () => {
    const [finding] = run(account('{"allowSharedKeyAccess": false}'));
    assert.equal(finding?.status, 'not-applicable');
    assert.match(finding?.reason ?? '', /Shared Key authorization is disabled/);
  });

  it('is indeterminate for az resource list rows, which carry no properties', () => {
    assert.equal(run(`[${account('null')}]`)[0]?.status, 'indeterminate');
  });
});
