import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { acrPrivateLink } from './acr-private-link.ts';

const ID =
  '/subscriptions/7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f/resourceGroups/rg-shop/providers/Microsoft.ContainerRegistry/registries/crshopprod';
const PE =
  '/subscriptions/7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f/resourceGroups/rg-network/providers/Microsoft.Network/privateEndpoints/pe-crshopprod';
const registry = (connections: string, sku = 'Premium') =>
  `{"id": "${ID}", "name": "crshopprod", "type": "Microsoft.ContainerRegistry/registries", "sku": {"name": "${sku}"}, "properties": {"publicNetworkAccess": "Disabled", "privateEndpointConnections": ${connections}}}`;
const nested = (status: string) =>
  `{"id": "${ID}/privateEndpointConnections/pe-crshopprod", "name": "pe-crshopprod", "type": "Microsoft.ContainerRegistry/registries/privateEndpointConnections", "properties": {"privateEndpoint": {"id": "${PE}"}, "privateLinkServiceConnectionState": {"status": "${status}", "description": "", "actionsRequired": "None"}, "provisioningState": "Succeeded"}}`;
const flat = (status: string) =>
  `{"id": "${ID}/privateEndpointConnections/pe-crshopprod", "name": "pe-crshopprod", "resourceGroup": "rg-shop", "type": "Microsoft.ContainerRegistry/registries/privateEndpointConnections", "privateEndpoint": {"id": "${PE}"}, "privateLinkServiceConnectionState": {"status": "${status}", "description": "", "actionsRequired": "None"}, "provisioningState": "Succeeded"}`;

describe('acr-private-link', () => {
  it('fails without any connection, noting the Premium SKU, and renders the fix', () => {
    const [finding] = runCheckOn(acrPrivateLink, registry('[]', 'Standard'), undefined, 'a.json');
    assert.equal(finding?.status, 'fail');
    assert.deepEqual(finding?.violations, [
      {
        path: 'properties.privateEndpointConnections',
        message:
          'the registry has no private endpoint connection (the registry is on the Standard SKU; private endpoints need Premium)',
      },
    ]);
    assert.equal(
      finding?.remediation.azureCli,
      `az network private-endpoint create --name pe-crshopprod --resource-group rg-shop --subnet <subnet-resource-id> --private-connection-resource-id ${ID} --group-id registry --connection-name pe-crshopprod`,
    );
  });

  it('fails when no connection is approved', () => {
    const [finding] = runCheckOn(
      acrPrivateLink,
      registry(`[${nested('Pending')}, ${flat('Rejected')}]`),
      undefined,
      'a.json',
    );
    assert.equal(finding?.violations[0]?.message, 'no private endpoint connection is approved ("Pending", "Rejected")');
  });

  it('fails when privateEndpointConnections is absent', () => {
    const text = `{"id": "${ID}", "name": "crshopprod", "type": "Microsoft.ContainerRegistry/registries", "sku": {"name": "Premium"}, "properties": {"publicNetworkAccess": "Enabled"}}`;
    assert.equal(runCheckOn(acrPrivateLink, text, undefined, 'a.json')[0]?.status, 'fail');
  });

  it('passes an approved connection: ARM shape, flattened az acr show shape, or a child resource', () => {
    assert.equal(
      runCheckOn(acrPrivateLink, registry(`[${nested('Approved')}]`), undefined, 'a.json')[0]?.status,
      'pass',
    );
    assert.equal(runCheckOn(acrPrivateLink, registry(`[${flat('Approved')}]`), undefined, 'a.json')[0]?.status, 'pass');
    const findings = runCheckOn(acrPrivateLink, `[${registry('[]')}, ${flat('Approved')}]`, undefined, 'a.json');
    assert.deepEqual(
      findings.map((f) => f.status),
      ['pass'],
    );
  });

  it('is indeterminate for az resource list rows, which carry no properties', () => {
    const text = `[{"id": "${ID}", "type": "Microsoft.ContainerRegistry/registries", "name": "crshopprod", "properties": null}]`;
    const [finding] = runCheckOn(acrPrivateLink, text, undefined, 'a.json');
    assert.equal(finding?.status, 'indeterminate');
    assert.match(finding?.reason ?? '', /az resource list/);
  });
});
