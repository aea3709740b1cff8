/**
 * ARO landing zone without a private Azure Container Registry. Cross-resource: the
 * `Microsoft.ContainerRegistry/registries` in the cluster's subscription:
 *   - `properties.publicNetworkAccess` (absent: the API default is Enabled);
 *   - `properties.privateEndpointConnections[*].properties.privateLinkServiceConnectionState.status`
 *     (flattened as `privateEndpointConnections[*].privateLinkServiceConnectionState.status` by
 *     `az acr show`), or `Microsoft.ContainerRegistry/registries/privateEndpointConnections`
 *     children (`az acr private-endpoint-connection list`).
 * Compliant: at least one registry with publicNetworkAccess "Disabled" and at least one private
 * endpoint connection whose status is "Approved" (Private Link needs the Premium SKU).
 * Indeterminate: no registry of the cluster's subscription in the input (the reason names the export
 * command), or an unknown value on a registry that could otherwise comply.
 * Which registry the cluster pulls from is not visible in ARM; an allowed-registries policy in the
 * cluster (image.config.openshift.io) is checked on the OpenShift side (ARO-REG-2).
 * Azure Policy 0fdf0491-d080-4575-b627-ad0e843cba0f "Public network access should be disabled for
 * Container registries" and e8eef0a8-67cf-4eb4-9386-14b0e78733d4 "Container registries should use
 * private link" check the two halves per registry.
 * Sources: https://learn.microsoft.com/azure/container-registry/container-registry-private-link;
 *   https://learn.microsoft.com/azure/templates/microsoft.containerregistry/registries;
 *   https://learn.microsoft.com/azure/cloud-adoption-framework/scenarios/app-platform/azure-red-hat-openshift/security
 */
import type { Violation } from '#core';
import { type CheckContext, type CheckOutcome, indeterminate, outcome, PASS } from '../../../check.ts';
import {
  type AzureResource,
  childrenOf,
  defineAzureCheck,
  read,
  readArray,
  sameText,
  show,
} from '../../../lib/azure.ts';
import { ARO_CLUSTER, field, inClusterSubscription } from './lib/aro.ts';

const REGISTRY = 'Microsoft.ContainerRegistry/registries';
const CONNECTION = 'Microsoft.ContainerRegistry/registries/privateEndpointConnections';

type Verdict =
  | { readonly kind: 'ok' }
  | { readonly kind: 'bad'; readonly problems: readonly string[] }
  | { readonly kind: 'unknown'; readonly reason: string };

function judge(registry: AzureResource, ctx: CheckContext): Verdict {
  const name = registry.azure.name;
  const problems: string[] = [];
  // Unknown values that may hide compliance; a problem that does not depend on them stands.
  const unknown: string[] = [];
  const access = read(registry.azure, 'properties.publicNetworkAccess');
  if (access.state === 'unknown') {
    unknown.push(access.reason);
  } else if (access.state === 'absent') {
    problems.push('publicNetworkAccess is not set (the API default is Enabled)');
  } else if (!sameText(access.value, 'Disabled')) {
    problems.push(`publicNetworkAccess is ${show(access.value)}`);
  }
  const linkUnknown: string[] = [];
  const embedded = readArray(registry.azure, 'properties.privateEndpointConnections');
  const statuses: unknown[] = [];
  if (embedded.state === 'unknown') {
    linkUnknown.push(embedded.reason);
  }
  for (const connection of embedded.items ?? []) {
    const status = field(connection, 'privateLinkServiceConnectionState.status');
    if (status.state === 'unknown') {
      linkUnknown.push(status.reason);
    } else if (status.state === 'set') {
      statuses.push(status.value);
    }
  }
  for (const child of childrenOf(ctx, registry, CONNECTION)) {
    const status = read(child.azure, 'properties.privateLinkServiceConnectionState.status');
    if (status.state === 'unknown') {
      linkUnknown.push(status.reason);
    } else if (status.state === 'set') {
      statuses.push(status.value);
    }
  }
  if (!statuses.some((s) => sameText(s, 'Approved'))) {
    if (linkUnknown.length > 0) {
      unknown.push(...linkUnknown);
    } else {
      problems.push(
        statuses.length === 0
          ? 'it has no private endpoint connection'
          : `none of its private endpoint connections is Approved (${statuses.map(show).join(', ')})`,
      );
    }
  }
  if (problems.length > 0) {
    return { kind: 'bad', problems };
  }
  if (unknown.length > 0) {
    return { kind: 'unknown', reason: `registry "${name}": ${[...new Set(unknown)].join('; ')}` };
  }
  return { kind: 'ok' };
}

export const aroNoPrivateRegistry = defineAzureCheck({
  meta: {
    id: 'PAL-ARO-0010',
    slug: 'aro-no-private-registry',
    title: 'ARO landing zone has no private Azure Container Registry',
    description:
      'Without a registry reachable only over Private Link, the cluster pulls images over the internet from a registry anyone can reach, so stolen credentials or a tampered image reach production from anywhere. A dedicated registry with public access disabled and a private endpoint in the landing zone keeps the image supply chain inside the network.',
    severity: 'medium',
    maturity: 'stable',
    types: [ARO_CLUSTER],
    scope: 'cluster',
    securityControl: 'restrict-unauthorized-network-access',
    frameworks: [
      { framework: 'aro-landing-zone', control: 'ARO-REG-1' },
      { framework: 'mcsb-v1', control: 'NS-2' },
    ],
    remediation: {
      summary:
        "Use a Premium Azure Container Registry in the landing zone with a private endpoint in the cluster's (or the hub) virtual network and public network access disabled, and pull images only from it.",
      azureCli:
        'az network private-endpoint create --name <registry-name>-pe --resource-group {resourceGroup} --vnet-name <vnet-name> --subnet <private-endpoint-subnet> --private-connection-resource-id <registry-id> --group-id registry --connection-name <registry-name>-plink && az acr update --name <registry-name> --public-network-enabled false',
      steps: [
        "Replace <registry-name> and <registry-id> with the name and resource id of the Premium registry (az acr show --name <registry-name> --query id; create one with az acr create --sku Premium if the landing zone has none), <vnet-name> with the cluster's (or the hub) virtual network in the cluster's resource group, and <private-endpoint-subnet> with a subnet of it for private endpoints.",
        'The private endpoint is a separate resource (Microsoft.Network/privateEndpoints), not a property of the cluster, so no PATCH of the cluster applies.',
        "Link a privatelink.azurecr.io private DNS zone to the cluster's virtual network so that the registry name resolves to the private endpoint.",
        'Allow trusted Azure services (az acr update --allow-trusted-services true) if Defender for Containers or ACR Tasks must still reach the registry.',
      ],
    },
    references: [
      'https://learn.microsoft.com/azure/container-registry/container-registry-private-link',
      'https://learn.microsoft.com/azure/container-registry/container-registry-access-selected-networks',
      'https://learn.microsoft.com/azure/cloud-adoption-framework/scenarios/app-platform/azure-red-hat-openshift/security',
    ],
  },
  evaluate(resource, ctx): CheckOutcome {
    const registries = inClusterSubscription(ctx, resource, REGISTRY);
    if (registries.length === 0) {
      const sub = resource.azure.subscriptionId ?? '<subscription-id>';
      return indeterminate(
        `the input has no Microsoft.ContainerRegistry/registries in the cluster's subscription ${sub}; export them with \`az acr list --subscription ${sub}\` (or \`az graph query -q "resources | where type =~ 'microsoft.containerregistry/registries'"\`)`,
      );
    }
    const verdicts = registries.map((registry) => ({ registry, verdict: judge(registry, ctx) }));
    if (verdicts.some(({ verdict }) => verdict.kind === 'ok')) {
      return PASS;
    }
    const unknown = verdicts.flatMap(({ verdict }) => (verdict.kind === 'unknown' ? [verdict.reason] : []));
    if (unknown.length > 0) {
      return indeterminate(unknown.join('; '));
    }
    const details = verdicts
      .map(({ registry, verdict }) =>
        verdict.kind === 'bad' ? `"${registry.azure.name}": ${verdict.problems.join(' and ')}` : '',
      )
      .join('; ');
    const violation: Violation = {
      path: 'id',
      message: `no container registry in the cluster's subscription has public network access disabled and an approved private endpoint (${details})`,
    };
    return outcome([violation]);
  },
});
