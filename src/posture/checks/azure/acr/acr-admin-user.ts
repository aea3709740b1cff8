/**
 * Container registry has the admin user enabled. Reads `properties.adminUserEnabled` on
 * `Microsoft.ContainerRegistry/registries`.
 * Compliant: false. Absent: the API default is false, so an absent property complies.
 * Azure Policy dc921057-6b28-4fbe-9b83-f7bec05db6c2 "Container registries should have local admin
 * account disabled".
 * Source: https://learn.microsoft.com/rest/api/containerregistry/registries/create (RegistryProperties.adminUserEnabled)
 */
import { boolRule, checkProperty, defineAzureCheck } from '../../../lib/azure.ts';
import { REGISTRY_TYPE } from './lib/registry.ts';

export const acrAdminUser = defineAzureCheck({
  meta: {
    id: 'PAL-AZR-0241',
    slug: 'acr-admin-user',
    title: 'Container registry has the admin user enabled',
    description:
      'The admin user is a single shared account with push and pull rights on every repository, authenticated by two long-lived passwords that are not tied to a person and rarely rotated; Entra ID identities with scoped roles should be used instead.',
    severity: 'high',
    maturity: 'stable',
    types: [REGISTRY_TYPE],
    securityControl: 'manage-access-and-permissions',
    frameworks: [
      { framework: 'mcsb-v1', control: 'IM-1' },
      { framework: 'mcsb-v1', control: 'PA-7' },
    ],
    remediation: {
      summary: 'Disable the admin user and give clients Entra ID identities with AcrPull or AcrPush roles.',
      azureCli: 'az acr update --name {name} --resource-group {resourceGroup} --admin-enabled false',
      armPatch: '{"properties":{"adminUserEnabled":false}}',
      armApiVersion: '2023-07-01',
    },
    references: [
      'https://learn.microsoft.com/azure/container-registry/container-registry-authentication#admin-account',
      'https://learn.microsoft.com/rest/api/containerregistry/registries/create',
    ],
  },
  evaluate: (registry) =>
    checkProperty(
      registry.azure,
      boolRule('properties.adminUserEnabled', false, { compliant: true, meaning: 'the API default is false' }),
    ),
});
