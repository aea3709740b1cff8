/**
 * Container registry allows exporting its artifacts. Reads `properties.policies.exportPolicy.status`
 * and `properties.publicNetworkAccess` on `Microsoft.ContainerRegistry/registries`.
 * Compliant: exportPolicy.status "disabled" and publicNetworkAccess "Disabled" (ACR accepts a
 * disabled export policy only with public access disabled). Absent: exportPolicy defaults to
 * "enabled" and publicNetworkAccess to "Enabled", so both fail when absent. Needs the Premium SKU.
 * Azure Policy 524b0254-c285-4903-bee6-bb8126cde579 "Container registries should have exports
 * disabled" (the same logic).
 * Source: https://learn.microsoft.com/rest/api/containerregistry/registries/create (ExportPolicy),
 * https://learn.microsoft.com/azure/container-registry/data-loss-prevention
 */
import { checkProperties, defineAzureCheck, sameText, textRule } from '../../../lib/azure.ts';
import { REGISTRY_TYPE, withPremiumNote } from './lib/registry.ts';

export const acrExportDisabled = defineAzureCheck({
  meta: {
    id: 'PAL-AZR-0246',
    slug: 'acr-export-disabled',
    title: 'Container registry allows exporting its artifacts',
    description:
      'With exports allowed, anyone with import or pipeline rights can copy every image out of the registry with `az acr import` or ACR transfer, bypassing the network rules that protect the data plane.',
    severity: 'low',
    maturity: 'stable',
    types: [REGISTRY_TYPE],
    securityControl: 'restrict-unauthorized-network-access',
    frameworks: [
      { framework: 'mcsb-v1', control: 'NS-2' },
      { framework: 'mcsb-v1', control: 'PV-2' },
    ],
    remediation: {
      summary: 'Disable public network access and exports on the Premium registry.',
      azureCli:
        'az acr update --name {name} --resource-group {resourceGroup} --public-network-enabled false --allow-exports false',
      armPatch: '{"properties":{"publicNetworkAccess":"Disabled","policies":{"exportPolicy":{"status":"disabled"}}}}',
      armApiVersion: '2023-07-01',
    },
    references: [
      'https://learn.microsoft.com/azure/container-registry/data-loss-prevention',
      'https://learn.microsoft.com/rest/api/containerregistry/registries/create',
    ],
  },
  evaluate: (registry) =>
    withPremiumNote(
      registry,
      checkProperties(registry.azure, [
        textRule('properties.policies.exportPolicy.status', 'disabled', {
          compliant: false,
          meaning: 'the API default is "enabled"',
        }),
        {
          path: 'properties.publicNetworkAccess',
          compliant: (value) => sameText(value, 'Disabled'),
          expected: '"Disabled" (exports can be disabled only without public access)',
          absent: { compliant: false, meaning: 'the API default is "Enabled"' },
        },
      ]),
      'the export policy needs Premium',
    ),
});
