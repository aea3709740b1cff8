/**
 * Container registry accepts connections from any network. Reads
 * `properties.publicNetworkAccess` and `properties.networkRuleSet.defaultAction` on
 * `Microsoft.ContainerRegistry/registries`.
 * Compliant: publicNetworkAccess "Disabled", or networkRuleSet.defaultAction "Deny" (only the
 * firewall's IP rules reach the public endpoint). Absent: publicNetworkAccess defaults to "Enabled"
 * and a missing networkRuleSet allows every network, so a registry setting neither fails. Network
 * rules and disabled public access need the Premium SKU.
 * Azure Policy d0793b48-0edc-4296-a390-4c75d1bdfd71 "Container registries should not allow
 * unrestricted network access" (the same logic).
 * Source: https://learn.microsoft.com/rest/api/containerregistry/registries/create (publicNetworkAccess, NetworkRuleSet)
 */
import { checkAnyOf, defineAzureCheck, textRule } from '../../../lib/azure.ts';
import { REGISTRY_TYPE, withPremiumNote } from './lib/registry.ts';

export const acrPublicNetwork = defineAzureCheck({
  meta: {
    id: 'PAL-AZR-0242',
    slug: 'acr-public-network',
    title: 'Container registry accepts connections from any network',
    description:
      'A registry with public network access and no firewall answers every host on the internet, so stolen credentials or tokens can pull and push images from anywhere; restrict it to private endpoints or to known IP ranges.',
    severity: 'medium',
    maturity: 'stable',
    types: [REGISTRY_TYPE],
    securityControl: 'restrict-unauthorized-network-access',
    frameworks: [
      { framework: 'mcsb-v1', control: 'NS-2' },
      { framework: 'aro-landing-zone', control: 'ARO-REG-1' },
    ],
    remediation: {
      summary:
        'Disable public network access and reach the registry through private endpoints, or set the firewall default action to Deny with IP rules for the clients (Premium SKU).',
      azureCli: 'az acr update --name {name} --resource-group {resourceGroup} --public-network-enabled false',
      armPatch: '{"properties":{"publicNetworkAccess":"Disabled"}}',
      armApiVersion: '2023-07-01',
    },
    references: [
      'https://learn.microsoft.com/azure/container-registry/container-registry-access-selected-networks',
      'https://learn.microsoft.com/azure/container-registry/container-registry-private-link',
      'https://learn.microsoft.com/rest/api/containerregistry/registries/create',
    ],
  },
  evaluate: (registry) =>
    withPremiumNote(
      registry,
      checkAnyOf(
        registry.azure,
        [
          textRule('properties.publicNetworkAccess', 'Disabled', {
            compliant: false,
            meaning: 'the API default is "Enabled"',
          }),
          textRule('properties.networkRuleSet.defaultAction', 'Deny', {
            compliant: false,
            meaning: 'without network rules every network is allowed',
          }),
        ],
        'the registry is reachable from any network',
      ),
      'disabling public access and network rules need Premium',
    ),
});
