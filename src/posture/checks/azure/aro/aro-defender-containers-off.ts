/**
 * Defender for Containers not enabled on the ARO cluster's subscription. Cross-resource: the
 * `Microsoft.Security/pricings` resource named "Containers" of the cluster's subscription
 * (`/subscriptions/{id}/providers/Microsoft.Security/pricings/Containers`), `properties.pricingTier`
 * (`pricingTier` in `az security pricing show`).
 * Compliant: "Standard" (the plan is on: registry vulnerability assessment, and, with the Arc
 * sensor, runtime and audit-log threat detection for the ARO cluster).
 * Absent: the pricing tier defaults to "Free" (plan off), so an absent tier fails.
 * Indeterminate: no Containers pricing of the cluster's subscription in the input (the reason names
 * `az security pricing show -n Containers`), or an unknown value.
 * Azure Policy 1c988dd6-ade4-430f-a608-2a3e5b0a6d38 "Microsoft Defender for Containers should be
 * enabled" checks the same pricing per subscription; this check reports it on each ARO cluster.
 * Sources: https://learn.microsoft.com/azure/templates/microsoft.security/pricings (pricingTier,
 *   enum Free | Standard); https://learn.microsoft.com/azure/defender-for-cloud/defender-for-containers-enable;
 *   https://learn.microsoft.com/azure/defender-for-cloud/support-matrix-defender-for-containers
 */
import { type CheckOutcome, indeterminate, outcome, PASS } from '../../../check.ts';
import { defineAzureCheck, read, sameText, show } from '../../../lib/azure.ts';
import { ARO_CLUSTER, inClusterSubscription } from './lib/aro.ts';

const PRICING = 'Microsoft.Security/pricings';

export const aroDefenderContainersOff = defineAzureCheck({
  meta: {
    id: 'PAL-ARO-0011',
    slug: 'aro-defender-containers-off',
    title: "Defender for Containers is not enabled on the ARO cluster's subscription",
    description:
      'Without the Defender for Containers plan the subscription gets no vulnerability assessment of registry images and no threat detection for the cluster, so attacks on the control plane and workloads raise no alert. ARO is protected through Azure Arc, and the plan must be on for the Arc Defender sensor to report.',
    severity: 'high',
    maturity: 'stable',
    types: [ARO_CLUSTER],
    scope: 'cluster',
    securityControl: 'enable-enhanced-security-features',
    frameworks: [
      { framework: 'aro-landing-zone', control: 'ARO-MON-2' },
      { framework: 'mcsb-v1', control: 'LT-1' },
    ],
    remediation: {
      summary: "Enable the Defender for Containers plan (Standard tier) on the cluster's subscription.",
      azureCli: 'az security pricing create --name Containers --tier standard --subscription {subscriptionId}',
      steps: [
        'The plan is a separate subscription-level resource (Microsoft.Security/pricings/Containers), not a property of the cluster, so no PATCH of the cluster applies.',
        'With ARM: az rest --method put --url "https://management.azure.com/subscriptions/<subscription-id>/providers/Microsoft.Security/pricings/Containers?api-version=2024-01-01" --body \'{"properties":{"pricingTier":"Standard"}}\', <subscription-id> being the cluster\'s subscription.',
        'On ARO the sensor runs through Azure Arc: connect the cluster to Arc and install the Defender extension (see PAL-ARO-0012).',
      ],
    },
    references: [
      'https://learn.microsoft.com/azure/defender-for-cloud/defender-for-containers-enable',
      'https://learn.microsoft.com/azure/defender-for-cloud/support-matrix-defender-for-containers',
      'https://learn.microsoft.com/cli/azure/security/pricing',
    ],
  },
  evaluate(resource, ctx): CheckOutcome {
    const pricings = inClusterSubscription(ctx, resource, PRICING).filter(
      // Subscription-level plans only (a resource-level pricing has a scope).
      (p) => sameText(p.azure.name, 'Containers') && p.azure.scope === undefined,
    );
    if (pricings.length === 0) {
      const sub = resource.azure.subscriptionId ?? '<subscription-id>';
      return indeterminate(
        `the input has no Microsoft.Security/pricings "Containers" for the cluster's subscription ${sub}; export it with \`az security pricing show -n Containers --subscription ${sub}\``,
      );
    }
    const readings = pricings.map((p) => read(p.azure, 'properties.pricingTier'));
    if (readings.some((r) => r.state === 'set' && sameText(r.value, 'Standard'))) {
      return PASS;
    }
    const unknown = readings.flatMap((r) => (r.state === 'unknown' ? [r.reason] : []));
    if (unknown.length > 0) {
      return indeterminate(unknown.join('; '));
    }
    const tier = readings.find((r) => r.state === 'set');
    const actual = tier?.state === 'set' ? tier.value : undefined;
    return outcome([
      {
        path: 'id',
        message:
          actual === undefined
            ? 'the Defender for Containers plan of the cluster\'s subscription has no pricingTier (the default is Free); it must be "Standard"'
            : `the Defender for Containers plan of the cluster's subscription has pricingTier ${show(actual)}; it must be "Standard"`,
        ...(actual === undefined ? {} : { actual }),
      },
    ]);
  },
});
