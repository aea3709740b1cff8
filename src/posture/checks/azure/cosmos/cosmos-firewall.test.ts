import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { cosmosFirewall } from './cosmos-firewall.ts';

const ID =
  '/subscriptions/7c1d2e3f-8a9b-4c0d-9e1f-2a3b4c5d6e7f/resourceGroups/rg-catalog/providers/Microsoft.DocumentDB/databaseAccounts/cosmos1';
const account = (properties: string) =>
  `{"id": "${ID}", "name": "cosmos1", "type": "Microsoft.DocumentDB/databaseAccounts", "kind": "GlobalDocumentDB", "properties": ${properties}}`;
const run = (text: string) => runCheckOn(cosmosFirewall, text, undefined, 'a.json');
const OPEN = '"publicNetworkAccess": "Enabled", "isVirtualNetworkFilterEnabled": false, "ipRules": []';

describe('cosmos-firewall', () => {
  it('fails when public, without virtual network filter or IP rules, with the fix', () => {
    const [finding] = run(account(`{${OPEN}}`));
    assert.equal(finding?.status, 'fail');
    assert.deepEqual(finding?.violations, [
      {
        path: 'properties.ipRules',
        message:
          'the account accepts traffic from all networks: publicNetworkAccess is "Enabled", isVirtualNetworkFilterEnabled is not true and there are no ipRules',
      },
    ]);
    assert.equal(
      finding?.remediation.azureCli,
      'az cosmosdb update --name cosmos1 --resource-group rg-catalog --ip-range-filter <allowed-ips>',
    );
  });

  it('fails when every property is absent: the API defaults open the account', () => {
    const [finding] = run(account('{"databaseAccountOfferType": "Standard"}'));
    assert.equal(finding?.status, 'fail');
    assert.match(
      finding?.violations[0]?.message ?? '',
      /publicNetworkAccess is not set \(the API default is "Enabled"\)/,
    );
  });

  it('still fails with an approved private endpoint, which does not close the public endpoint', () => {
    const pe = `"privateEndpointConnections": [{"id": "${ID}/privateEndpointConnections/pe1", "properties": {"privateLinkServiceConnectionState": {"status": "Approved"}}}]`;
    const [finding] = run(account(`{${OPEN}, ${pe}}`));
    assert.equal(finding?.status, 'fail');
    assert.match(
      finding?.violations[0]?.message ?? '',
      /; the approved private endpoint does not close the public endpoint$/,
    );
  });

  it('passes with IP rules, a virtual network filter, a legacy ipRangeFilter, or public access not Enabled', () => {
    for (const properties of [
      '{"publicNetworkAccess": "Enabled", "ipRules": [{"ipAddressOrRange": "203.0.113.0/24"}]}',
      '{"publicNetworkAccess": "Enabled", "isVirtualNetworkFilterEnabled": true, "virtualNetworkRules": []}',
      '{"ipRangeFilter": "203.0.113.10"}',
      '{"publicNetworkAccess": "Disabled"}',
      '{"publicNetworkAccess": "SecuredByPerimeter"}',
    ]) {
      assert.equal(run(account(properties))[0]?.status, 'pass', properties);
    }
  });

  it('is indeterminate for az resource list rows, which carry no properties', () => {
    const [finding] = run(
      `[{"id": "${ID}", "name": "cosmos1", "type": "Microsoft.DocumentDB/databaseAccounts", "properties": null}]`,
    );
    assert.equal(finding?.status, 'indeterminate');
    assert.match(finding?.reason ?? '', /az resource list/);
  });
});
