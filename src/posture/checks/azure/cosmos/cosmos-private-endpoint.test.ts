import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { cosmosPrivateEndpoint } from './cosmos-private-endpoint.ts';

const ID =
  '/subscriptions/7c1d2e3f-8a9b-4c0d-9e1f-2a3b4c5d6e7f/resourceGroups/rg-catalog/providers/Microsoft.DocumentDB/databaseAccounts/cosmos1';
const account = (properties: string) =>
  `{"id": "${ID}", "name": "cosmos1", "type": "Microsoft.DocumentDB/databaseAccounts", "properties": ${properties}}`;
/** A connection as ARM and Resource Graph return it. */
const armConnection = (status: string) =>
  `{"id": "${ID}/privateEndpointConnections/pe-${status}", "properties": {"groupId": "Sql", "privateLinkServiceConnectionState": {"status": "${status}", "actionsRequired": "None"}}}`;
const run = (text: string) => runCheckOn(cosmosPrivateEndpoint, text, undefined, 'a.json');

describe('cosmos-private-endpoint', () => {
  it('fails without connections, with the private endpoint command', () => {
    const [finding] = run(account('{"privateEndpointConnections": []}'));
    assert.equal(finding?.status, 'fail');
    assert.deepEqual(finding?.violations, [
      { path: 'properties.privateEndpointConnections', message: 'the account has no private endpoint connection' },
    ]);
    assert.equal(
      finding?.remediation.azureCli,
      `az network private-endpoint create --resource-group rg-catalog --name cosmos1-pe --vnet-name <vnet-name> --subnet <subnet-name> --private-connection-resource-id ${ID} --group-id Sql --connection-name cosmos1-pe`,
    );
  });

  it('fails when absent (az cosmosdb show prints null): no connection', () => {
    const text = `{"id": "${ID}", "name": "cosmos1", "type": "Microsoft.DocumentDB/databaseAccounts", "resourceGroup": "rg-catalog", "privateEndpointConnections": null, "publicNetworkAccess": "Enabled"}`;
    assert.equal(run(text)[0]?.status, 'fail');
  });

  it('fails when no connection is approved, listing the statuses', () => {
    const [one] = run(account(`{"privateEndpointConnections": [${armConnection('Pending')}]}`));
    assert.equal(
      one?.violations[0]?.message,
      'the account\'s private endpoint connection is not approved (status "Pending")',
    );
    const [two] = run(
      account(`{"privateEndpointConnections": [${armConnection('Pending')}, ${armConnection('Rejected')}]}`),
    );
    assert.equal(
      two?.violations[0]?.message,
      'none of the account\'s 2 private endpoint connections is approved (statuses "Pending", "Rejected")',
    );
  });

  it('passes with an approved connection, in the ARM or the flattened az shape', () => {
    assert.equal(
      run(account(`{"privateEndpointConnections": [${armConnection('Rejected')}, ${armConnection('Approved')}]}`))[0]
        ?.status,
      'pass',
    );
    const flattened = `{"id": "${ID}", "name": "cosmos1", "type": "Microsoft.DocumentDB/databaseAccounts", "resourceGroup": "rg-catalog", "publicNetworkAccess": "Disabled",
      "privateEndpointConnections": [{"id": "${ID}/privateEndpointConnections/pe1", "name": "pe1", "groupId": "Sql", "privateLinkServiceConnectionState": {"actionsRequired": "None", "status": "Approved"}, "provisioningState": "Succeeded"}]}`;
    assert.equal(run(flattened)[0]?.status, 'pass');
  });

  it('is indeterminate for az resource list rows, which carry no properties', () => {
    const [finding] = run(
      `[{"id": "${ID}", "name": "cosmos1", "type": "Microsoft.DocumentDB/databaseAccounts", "properties": null}]`,
    );
    assert.equal(finding?.status, 'indeterminate');
    assert.match(finding?.reason ?? '', /az resource list/);
  });
});
