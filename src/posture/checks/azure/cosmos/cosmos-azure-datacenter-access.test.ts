import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { cosmosAzureDatacenterAccess } from './cosmos-azure-datacenter-access.ts';

const ID =
  '/subscriptions/7c1d2e3f-8a9b-4c0d-9e1f-2a3b4c5d6e7f/resourceGroups/rg-catalog/providers/Microsoft.DocumentDB/databaseAccounts/cosmos1';
const account = (properties: string) =>
  `{"id": "${ID}", "name": "cosmos1", "type": "Microsoft.DocumentDB/databaseAccounts", "properties": ${properties}}`;
const run = (text: string) => runCheckOn(cosmosAzureDatacenterAccess, text, undefined, 'a.json');
const RULES = '"ipRules": [{"ipAddressOrRange": "203.0.113.0/24"}, {"ipAddressOrRange": "0.0.0.0"}]';

describe('cosmos-azure-datacenter-access', () => {
  it('fails on the 0.0.0.0 IP rule while public access is enabled, with the fix', () => {
    const [finding] = run(account(`{"publicNetworkAccess": "Enabled", ${RULES}}`));
    assert.equal(finding?.status, 'fail');
    assert.deepEqual(finding?.violations, [
      {
        path: 'properties.ipRules[1].ipAddressOrRange',
        message:
          'the IP rule "0.0.0.0" accepts connections from every Azure datacenter, and publicNetworkAccess is "Enabled"',
        actual: '0.0.0.0',
      },
    ]);
    assert.equal(
      finding?.remediation.azureCli,
      'az cosmosdb update --name cosmos1 --resource-group rg-catalog --ip-range-filter <allowed-ips>',
    );
  });

  it('fails when publicNetworkAccess is absent (the API default is Enabled), and on the legacy ipRangeFilter', () => {
    const [finding] = run(account(`{${RULES}}`));
    assert.equal(finding?.status, 'fail');
    assert.match(
      finding?.violations[0]?.message ?? '',
      /publicNetworkAccess is not set \(the API default is "Enabled"\)$/,
    );
    const [legacy] = run(account('{"ipRangeFilter": "203.0.113.10, 0.0.0.0"}'));
    assert.equal(legacy?.status, 'fail');
    assert.equal(legacy?.violations[0]?.path, 'properties.ipRangeFilter');
  });

  it('passes without the rule, with no IP rules at all, or with public access Disabled', () => {
    assert.equal(run(account('{"ipRules": [{"ipAddressOrRange": "203.0.113.0/24"}]}'))[0]?.status, 'pass');
    assert.equal(run(account('{"publicNetworkAccess": "Enabled"}'))[0]?.status, 'pass');
    assert.equal(run(account(`{"publicNetworkAccess": "Disabled", ${RULES}}`))[0]?.status, 'pass');
  });

  it('is indeterminate for az resource list rows, which carry no properties', () => {
    const [finding] = run(
      `[{"id": "${ID}", "name": "cosmos1", "type": "Microsoft.DocumentDB/databaseAccounts", "properties": null}]`,
    );
    assert.equal(finding?.status, 'indeterminate');
    assert.match(finding?.reason ?? '', /az resource list/);
  });
});
