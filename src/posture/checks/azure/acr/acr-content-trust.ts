/**
 * Container registry neither enforces content trust nor quarantines new images. Reads
 * `properties.policies.trustPolicy.status` and `properties.policies.quarantinePolicy.status` on
 * `Microsoft.ContainerRegistry/registries`.
 * Compliant: either status "enabled" (content trust serves signed images to trust-enabled clients;
 * quarantine hides pushed images until a scanner releases them). Absent: both policies default to
 * "disabled", so a registry setting neither fails. Both need the Premium SKU. Docker Content Trust
 * is being retired in favour of Notary Project signatures (notation), which Azure Policy cannot see;
 * registries that sign with notation can accept this finding.
 * No built-in Azure Policy definition; MCSB DS-6 (supply chain of workloads).
 * Source: https://learn.microsoft.com/rest/api/containerregistry/registries/create (Policies),
 * https://learn.microsoft.com/azure/container-registry/container-registry-content-trust
 */
import { checkAnyOf, defineAzureCheck, textRule } from '../../../lib/azure.ts';
import { REGISTRY_TYPE, withPremiumNote } from './lib/registry.ts';

export const acrContentTrust = defineAzureCheck({
  meta: {
    id: 'PAL-AZR-0245',
    slug: 'acr-content-trust',
    title: 'Container registry neither enforces content trust nor quarantines images',
    description:
      'Without content trust or quarantine, any image pushed to the registry is served to clusters at once, unsigned and unscanned, so a leaked push credential lets an attacker replace workloads.',
    severity: 'low',
    maturity: 'stable',
    types: [REGISTRY_TYPE],
    securityControl: 'implement-security-best-practices',
    frameworks: [{ framework: 'mcsb-v1', control: 'DS-6' }],
    remediation: {
      summary:
        'Enable content trust (or the quarantine policy, with a scanner that releases images) on the Premium registry, or sign images with Notary Project signatures.',
      azureCli: 'az acr config content-trust update --registry {name} --status enabled',
      armPatch: '{"properties":{"policies":{"trustPolicy":{"type":"Notary","status":"enabled"}}}}',
      armApiVersion: '2023-07-01',
    },
    references: [
      'https://learn.microsoft.com/azure/container-registry/container-registry-content-trust',
      'https://learn.microsoft.com/rest/api/containerregistry/registries/create',
    ],
  },
  evaluate: (registry) =>
    withPremiumNote(
      registry,
      checkAnyOf(
        registry.azure,
        [
          textRule('properties.policies.trustPolicy.status', 'enabled', {
            compliant: false,
            meaning: 'the API default is "disabled"',
          }),
          textRule('properties.policies.quarantinePolicy.status', 'enabled', {
            compliant: false,
            meaning: 'the API default is "disabled"',
          }),
        ],
        'pushed images are served unsigned and unscanned',
      ),
      'content trust and quarantine need Premium',
    ),
});
