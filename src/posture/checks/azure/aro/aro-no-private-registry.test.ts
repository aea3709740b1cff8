import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { aroNoPrivateRegistry } from './aro-no-private-registry.ts';

const SUB = '7c9e4a2b-1f3d-4e8a-b6c5-2d9f0e1a3b4c';
const OTHER_SUB = '2e6d8f0a-4b1c-4d3e-8f5a-6b7c8d9e0f12';
const ID = `/subscriptions/${SUB}/resourceGroups/rg-aro-prod/providers/Microsoft.RedHatOpenShift/openShiftClusters/aro-prod-weu`;
const registryId = (name: string, sub = SUB) =>
  `/subscriptions/${sub}/resourceGroups/rg-aro-shared/providers/Microsoft.ContainerRegistry/registries/${name}`;
const PE = `/subscriptions/${SUB}/resourceGroups/rg-aro-network/providers/Microsoft.Network/privateEndpoints/pe-acr`;

const cluster = {
  id: ID,
  name: 'aro-prod-weu',
  type: 'Microsoft.RedHatOpenShift/openShiftClusters',
  location: 'westeurope',
  properties: { provisioningState: 'Succeeded', apiserverProfile: { visibility: 'Private' } },
};
/** An ARM GET of a registry, with its embedded private endpoint connections. */
const registry = (name: string, properties: Record<string, unknown> | null, sub = SUB) => ({
  id: registryId(name, sub),
  name,
  type: 'Microsoft.ContainerRegistry/registries',
  location: 'westeurope',
  sku: { name: 'Premium', tier: 'Premium' },
  properties,
});
const connection = (status: string) => ({
  id: `${registryId('acraroprod')}/privateEndpointConnections/pe-acr.3f1c9e2a`,
  name: 'pe-acr.3f1c9e2a',
  properties: {
    privateEndpoint: { id: PE },
    privateLinkServiceConnectionState: { status, description: '', actionsRequired: 'None' },
    provisioningState: 'Succeeded',
  },
});
const run = (...resources: unknown[]) =>
  runCheckOn(aroNoPrivateRegistry, JSON.stringify(resources), undefined, 'a.json').filter(
    (f) => f.resource.kind === 'Microsoft.RedHatOpenShift/openShiftClusters',
  );

describe('aro-no-private-registry', () => {
  it('passes with one registry that has public access disabled and an approved private endpoint', () => {
    const findings = run(
      cluster,
      registry('acrpublic', { publicNetworkAccess: 'Enabled', privateEndpointConnections: [] }),
      registry('acraroprod', { publicNetworkAccess: 'Disabled', privateEndpointConnections: [connection('Approved')] }),
    );
    assert.deepEqual(
      findings.map((f) => f.status),
      ['pass'],
    );
  });

  it('fails when no registry of the subscription is private, saying what each one lacks', () => {
    const [finding] = run(
      cluster,
      registry('acrpublic', { publicNetworkAccess: 'Enabled', privateEndpointConnections: [] }),
      registry('acrpending', { publicNetworkAccess: 'Disabled', privateEndpointConnections: [connection('Pending')] }),
      registry('acrdefault', { adminUserEnabled: false }),
    );
    assert.equal(finding?.status, 'fail');
    assert.deepEqual(finding?.violations, [
      {
        path: 'id',
        message:
          'no container registry in the cluster\'s subscription has public network access disabled and an approved private endpoint ("acrpublic": publicNetworkAccess is "Enabled" and it has no private endpoint connection; "acrpending": none of its private endpoint connections is Approved ("Pending"); "acrdefault": publicNetworkAccess is not set (the API default is Enabled) and it has no private endpoint connection)',
      },
    ]);
    assert.equal(
      finding?.remediation.azureCli,
      'az network private-endpoint create --name <registry-name>-pe --resource-group rg-aro-prod --vnet-name <vnet-name> --subnet <private-endpoint-subnet> --private-connection-resource-id <registry-id> --group-id registry --connection-name <registry-name>-plink && az acr update --name <registry-name> --public-network-enabled false',
    );
  });

  it('reads az acr show output and private endpoint connections exported as children', () => {
    const show = {
      id: registryId('acraroprod'),
      name: 'acraroprod',
      type: 'Microsoft.ContainerRegistry/registries',
      resourceGroup: 'rg-aro-shared',
      sku: { name: 'Premium', tier: 'Premium' },
      loginServer: 'acraroprod.azurecr.io',
      publicNetworkAccess: 'Disabled',
      privateEndpointConnections: [],
    };
    const child = {
      id: `${registryId('acraroprod')}/privateEndpointConnections/pe-acr.3f1c9e2a`,
      name: 'pe-acr.3f1c9e2a',
      type: 'Microsoft.ContainerRegistry/registries/privateEndpointConnections',
      resourceGroup: 'rg-aro-shared',
      privateEndpoint: { id: PE },
      privateLinkServiceConnectionState: { status: 'Approved', description: 'Auto-Approved', actionsRequired: 'None' },
      provisioningState: 'Succeeded',
    };
    assert.equal(run(cluster, show)[0]?.status, 'fail');
    assert.equal(run(cluster, show, child)[0]?.status, 'pass');
    const flattened = { ...show, privateEndpointConnections: [{ ...child, type: undefined }] };
    assert.equal(run(cluster, flattened)[0]?.status, 'pass');
  });

  it('is indeterminate when the input has no registry of the subscription, naming the export command', () => {
    const expected = `the input has no Microsoft.ContainerRegistry/registries in the cluster's subscription ${SUB}; export them with \`az acr list --subscription ${SUB}\` (or \`az graph query -q "resources | where type =~ 'microsoft.containerregistry/registries'"\`)`;
    for (const others of [
      [],
      [
        registry(
          'acrhub',
          { publicNetworkAccess: 'Disabled', privateEndpointConnections: [connection('Approved')] },
          OTHER_SUB,
        ),
      ],
    ]) {
      const [finding] = run(cluster, ...others);
      assert.equal(finding?.status, 'indeterminate');
      assert.equal(finding?.reason, expected);
    }
  });

  it('is indeterminate when a registry that could comply comes from az resource list, without properties', () => {
    const [finding] = run(
      cluster,
      registry('acrpublic', { publicNetworkAccess: 'Enabled' }),
      registry('acrunknown', null),
    );
    assert.equal(finding?.status, 'indeterminate');
    assert.match(
      finding?.reason ?? '',
      /^registry "acrunknown": the input has no properties for this resource \(`az resource list` prints none\)/,
    );
    assert.doesNotMatch(finding?.reason ?? '', /; the input has no properties/);
  });

  it('fails a registry open to the internet even when its private endpoints are unknown', () => {
    const template = `{
      "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
      "contentVersion": "1.0.0.0",
      "parameters": { "connections": { "type": "array" } },
      "resources": [
        { "type": "Microsoft.RedHatOpenShift/openShiftClusters", "apiVersion": "2025-07-25", "name": "aro-prod-weu", "location": "westeurope", "properties": {} },
        {
          "type": "Microsoft.ContainerRegistry/registries", "apiVersion": "2023-07-01", "name": "acraroprod", "location": "westeurope",
          "sku": { "name": "Premium" },
          "properties": { "publicNetworkAccess": "Enabled", "privateEndpointConnections": "[parameters('connections')]" }
        }
      ]
    }`;
    const [finding] = runCheckOn(aroNoPrivateRegistry, template, undefined, 'main.json').filter(
      (f) => f.resource.kind === 'Microsoft.RedHatOpenShift/openShiftClusters',
    );
    assert.equal(finding?.status, 'fail');
    assert.match(finding?.violations[0]?.message ?? '', /"acraroprod": publicNetworkAccess is "Enabled"\)$/);
  });
});
