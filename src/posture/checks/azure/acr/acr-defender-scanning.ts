/**
 * Container registry's subscription has no Defender for Containers plan, so its images are not
 * scanned for vulnerabilities. Reads the subscription's `Microsoft.Security/pricings` named
 * `Containers` (or the legacy `ContainerRegistry` plan) and its `properties.pricingTier`, matched to
 * the registry by subscription id.
 * Compliant: pricingTier "Standard" on Containers or on the legacy ContainerRegistry plan. Absent:
 * a pricing without pricingTier is the "Free" tier (fails); a subscription whose Containers pricing
 * is not in the input is indeterminate (export it with `az security pricing show -n Containers`).
 * Azure Policy 1c988dd6-ade4-430f-a608-2a3e5b0a6d38 "Microsoft Defender for Containers should be enabled".
 * Source: https://learn.microsoft.com/rest/api/defenderforcloud/pricings/get,
 * https://learn.microsoft.com/azure/defender-for-cloud/agentless-vulnerability-assessment-azure
 */
import { type CheckOutcome, indeterminate, PASS } from '../../../check.ts';
import { type AzureResource, azureOfType, defineAzureCheck, read, sameText, show } from '../../../lib/azure.ts';
import { REGISTRY_TYPE } from './lib/registry.ts';

const PRICING_TYPE = 'Microsoft.Security/pricings';
const PLANS = ['Containers', 'ContainerRegistry'] as const;

function pricingsOf(registry: AzureResource, all: readonly AzureResource[], plan: string): AzureResource[] {
  const subscription = registry.azure.subscriptionId?.toLowerCase();
  return all.filter(
    (p) =>
      p.azure.subscriptionId?.toLowerCase() === subscription &&
      p.azure.scope === undefined &&
      sameText(p.azure.name.split('/').pop(), plan),
  );
}

export const acrDefenderScanning = defineAzureCheck({
  meta: {
    id: 'PAL-AZR-0247',
    slug: 'acr-defender-scanning',
    title: 'Container registry images are not scanned by Defender for Containers',
    description:
      'Without the Defender for Containers plan on the subscription, images pushed to and pulled from the registry get no vulnerability assessment, and vulnerable base images reach the clusters unnoticed.',
    severity: 'medium',
    maturity: 'stable',
    types: [REGISTRY_TYPE],
    scope: 'cluster',
    securityControl: 'enable-enhanced-security-features',
    frameworks: [
      { framework: 'mcsb-v1', control: 'LT-1' },
      { framework: 'mcsb-v1', control: 'PV-5' },
      { framework: 'aro-landing-zone', control: 'ARO-MON-2' },
      { framework: 'aro-landing-zone', control: 'ARO-REG-3' },
    ],
    remediation: {
      summary: "Enable the Defender for Containers plan (Standard tier) on the registry's subscription.",
      azureCli: 'az security pricing create --name Containers --tier standard --subscription {subscriptionId}',
      steps: [
        'The plan is a separate subscription-level resource (Microsoft.Security/pricings/Containers), not a property of the registry, so no ARM patch of the registry applies.',
        'With ARM: az rest --method put --url "https://management.azure.com/subscriptions/<subscription-id>/providers/Microsoft.Security/pricings/Containers?api-version=2024-01-01" --body \'{"properties":{"pricingTier":"Standard","extensions":[{"name":"ContainerRegistriesVulnerabilityAssessments","isEnabled":"True"}]}}\', <subscription-id> being the registry\'s subscription.',
      ],
    },
    references: [
      'https://learn.microsoft.com/azure/defender-for-cloud/defender-for-containers-introduction',
      'https://learn.microsoft.com/azure/defender-for-cloud/agentless-vulnerability-assessment-azure',
      'https://learn.microsoft.com/rest/api/defenderforcloud/pricings/get',
    ],
  },
  evaluate: (registry, ctx): CheckOutcome => {
    const subscription = registry.azure.subscriptionId;
    if (subscription === undefined) {
      return indeterminate(
        "the registry's subscription is unknown (the input gives it no ARM id), so its Defender plan cannot be matched",
      );
    }
    const all = azureOfType(ctx, PRICING_TYPE);
    const unknown: string[] = [];
    const notStandard: { plan: string; tier: string }[] = [];
    let containersFound = false;
    for (const plan of PLANS) {
      for (const pricing of pricingsOf(registry, all, plan)) {
        containersFound ||= plan === 'Containers';
        const tier = read(pricing.azure, 'properties.pricingTier');
        if (tier.state === 'unknown') {
          unknown.push(`the ${plan} pricing of subscription ${subscription}: ${tier.reason}`);
        } else if (tier.state === 'set' && sameText(tier.value, 'Standard')) {
          return PASS;
        } else {
          notStandard.push({
            plan,
            tier: tier.state === 'set' ? `pricingTier ${show(tier.value)}` : 'no pricingTier (the Free tier)',
          });
        }
      }
    }
    if (unknown.length > 0) {
      return indeterminate(unknown.join('; '));
    }
    if (!containersFound) {
      return indeterminate(
        `the Defender for Containers pricing of subscription ${subscription} is not in the input; export it with \`az security pricing show -n Containers --subscription ${subscription}\``,
      );
    }
    return {
      status: 'fail',
      violations: notStandard.map(({ plan, tier }) => ({
        path: `Microsoft.Security/pricings/${plan}.properties.pricingTier`,
        message: `the ${plan} plan of subscription ${subscription} has ${tier}; it must be "Standard"`,
      })),
    };
  },
});
