/**
 * Container registry allows anonymous (unauthenticated) pull. Reads
 * `properties.anonymousPullEnabled` on `Microsoft.ContainerRegistry/registries`.
 * Compliant: false. Absent: the API default is false, so an absent property complies.
 * Azure Policy 9f2dea28-e834-476c-99c5-3507b4728395 "Container registries should have anonymous
 * authentication disabled".
 * Source: https://learn.microsoft.com/rest/api/containerregistry/registries/create (RegistryProperties.anonymousPullEnabled),
 * https://learn.microsoft.com/azure/container-registry/anonymous-pull-access
 */
import { boolRule, checkProperty, defineAzureCheck } from '../../../lib/azure.ts';
import { REGISTRY_TYPE } from './lib/registry.ts';

export const acrAnonymousPull = defineAzureCheck({
  meta: {
    id: 'PAL-AZR-0243',
    slug: 'acr-anonymous-pull',
    title: 'Container registry allows anonymous pull',
    description:
      'With anonymous pull, anyone who can reach the registry endpoint can list and download every image without credentials, exposing code, configuration and secrets baked into images.',
    severity: 'high',
    maturity: 'stable',
    types: [REGISTRY_TYPE],
    securityControl: 'manage-access-and-permissions',
    frameworks: [
      { framework: 'mcsb-v1', control: 'IM-1' },
      { framework: 'mcsb-v1', control: 'NS-2' },
    ],
    remediation: {
      summary: 'Disable anonymous pull access on the registry.',
      azureCli: 'az acr update --name {name} --resource-group {resourceGroup} --anonymous-pull-enabled false',
      armPatch: '{"properties":{"anonymousPullEnabled":false}}',
      armApiVersion: '2023-11-01-preview',
    },
    references: [
      'https://learn.microsoft.com/azure/container-registry/anonymous-pull-access',
      'https://learn.microsoft.com/rest/api/containerregistry/registries/create',
    ],
  },
  evaluate: (registry) =>
    checkProperty(
      registry.azure,
      boolRule('properties.anonymousPullEnabled', false, { compliant: true, meaning: 'the API default is false' }),
    ),
});
