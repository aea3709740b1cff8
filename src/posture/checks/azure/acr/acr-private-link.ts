/**
 * Container registry has no approved private endpoint connection. Reads
 * `properties.privateEndpointConnections[*].properties.privateLinkServiceConnectionState.status`
 * on `Microsoft.ContainerRegistry/registries` (flattened without `properties` by `az acr show`)
 * and `Microsoft.ContainerRegistry/registries/privateEndpointConnections` child resources
 * (`az acr private-endpoint-connection list`).
 * Compliant: at least one connection with status "Approved". Absent: a registry without
 * connections fails. Private endpoints need the Premium SKU.
 * Azure Policy e8eef0a8-67cf-4eb4-9386-14b0e78733d4 "Container registries should use private link".
 * Source: https://learn.microsoft.com/rest/api/containerregistry/registries/get (PrivateEndpointConnection),
 * https://learn.microsoft.com/azure/container-registry/container-registry-private-link
 */
import { indeterminate, PASS } from '../../../check.ts';
import { defineAzureCheck, sameText } from '../../../lib/azure.ts';
import { connectionStates, premiumNote, REGISTRY_TYPE, showStates } from './lib/registry.ts';

export const acrPrivateLink = defineAzureCheck({
  meta: {
    id: 'PAL-AZR-0244',
    slug: 'acr-private-link',
    title: 'Container registry has no approved private endpoint',
    description:
      'Without a private endpoint, clusters and build agents pull and push images over the registry public endpoint; a private endpoint keeps that traffic on the virtual network and lets public access be turned off.',
    severity: 'medium',
    maturity: 'stable',
    types: [REGISTRY_TYPE],
    scope: 'cluster',
    securityControl: 'restrict-unauthorized-network-access',
    frameworks: [
      { framework: 'mcsb-v1', control: 'NS-2' },
      { framework: 'aro-landing-zone', control: 'ARO-REG-1' },
    ],
    remediation: {
      summary:
        'Create a private endpoint for the registry (group id "registry") in the virtual network of its clients, with a privatelink.azurecr.io DNS zone; the registry must be on the Premium SKU (`az acr update --sku Premium`).',
      azureCli:
        'az network private-endpoint create --name pe-{name} --resource-group {resourceGroup} --subnet <subnet-resource-id> --private-connection-resource-id {id} --group-id registry --connection-name pe-{name}',
      steps: [
        "Replace <subnet-resource-id> with the resource id of the clients' subnet for private endpoints (az network vnet subnet show --resource-group <vnet-resource-group> --vnet-name <vnet-name> --name <subnet-name> --query id).",
        'The private endpoint is a separate resource (Microsoft.Network/privateEndpoints), not a property of the registry, so no ARM patch of the registry applies.',
        'Resolve the registry to the endpoint: az network private-dns zone create --resource-group <resource-group> --name privatelink.azurecr.io; az network private-dns link vnet create --resource-group <resource-group> --zone-name privatelink.azurecr.io --name <link-name> --virtual-network <vnet-id> --registration-enabled false; az network private-endpoint dns-zone-group create --resource-group <resource-group> --endpoint-name pe-<registry-name> --name default --private-dns-zone privatelink.azurecr.io --zone-name registry.',
      ],
    },
    references: [
      'https://learn.microsoft.com/azure/container-registry/container-registry-private-link',
      'https://learn.microsoft.com/rest/api/containerregistry/registries/get',
    ],
  },
  evaluate: (registry, ctx) => {
    const { states, unknown } = connectionStates(ctx, registry);
    if (states.some((s) => sameText(s, 'Approved'))) {
      return PASS;
    }
    if (unknown.length > 0) {
      return indeterminate(unknown.join('; '));
    }
    const found =
      states.length === 0
        ? 'the registry has no private endpoint connection'
        : `no private endpoint connection is approved (${showStates(states)})`;
    return {
      status: 'fail',
      violations: [
        {
          path: 'properties.privateEndpointConnections',
          message: `${found}${premiumNote(registry, 'private endpoints need Premium')}`,
        },
      ],
    };
  },
});
