/**
 * ARO cluster ingress exposed to the internet. Reads every `properties.ingressProfiles[*].visibility`
 * (and `.name`, to name the profile); `az aro show` prints `ingressProfiles` at the top level and the
 * inventory moves it under `properties`.
 * Compliant: every ingress profile has visibility "Private" (the default router gets an internal
 * load balancer IP; publish applications through Application Gateway or Front Door with a WAF).
 * Absent: a profile without visibility, or no `ingressProfiles` at all, gets the API default
 * "Public" (`az aro create --ingress-visibility` defaults to Public), so it fails.
 * Set at creation only: the ingress visibility is not mutable in the resource provider (Azure/ARO-RP
 * pkg/api/<version>/openshiftcluster.go), so the fix is a new cluster.
 * No built-in Azure Policy targets Microsoft.RedHatOpenShift/openShiftClusters.
 * Sources: https://learn.microsoft.com/azure/templates/microsoft.redhatopenshift/openshiftclusters
 *   (API 2025-07-25: IngressProfile.name, IngressProfile.visibility, enum Private | Public);
 *   https://learn.microsoft.com/azure/openshift/howto-create-private-cluster-4x;
 *   https://learn.microsoft.com/azure/cloud-adoption-framework/scenarios/app-platform/azure-red-hat-openshift/security
 */
import type { Violation } from '#core';
import { type CheckOutcome, indeterminate, outcome } from '../../../check.ts';
import { defineAzureCheck, read, sameText, show } from '../../../lib/azure.ts';
import { ARO_CLUSTER, field, text } from './lib/aro.ts';

export const aroIngressPublic = defineAzureCheck({
  meta: {
    id: 'PAL-ARO-0002',
    slug: 'aro-ingress-public',
    title: 'ARO cluster ingress is exposed to the internet',
    description:
      'With public ingress visibility the default OpenShift router listens on a public IP, so every route, including internal tools and the console, is reachable from the internet unless each one is restricted. Private ingress keeps routes inside the virtual network and lets a WAF-fronted Application Gateway or Front Door publish only what must be public.',
    severity: 'medium',
    maturity: 'stable',
    types: [ARO_CLUSTER],
    securityControl: 'restrict-unauthorized-network-access',
    frameworks: [
      { framework: 'aro-landing-zone', control: 'ARO-NET-2' },
      { framework: 'mcsb-v1', control: 'NS-2' },
    ],
    remediation: {
      summary:
        'Ingress visibility is set when the cluster is created and cannot be changed: redeploy the cluster with --ingress-visibility Private and publish applications through Application Gateway or Front Door with a WAF.',
      azureCli:
        'az aro create --resource-group {resourceGroup} --name <new-cluster-name> --master-subnet <master-subnet-id> --worker-subnet <worker-subnet-id> --apiserver-visibility Private --ingress-visibility Private --pull-secret @pull-secret.txt',
      steps: [
        'Replace <new-cluster-name> with the name of the replacement cluster, <master-subnet-id> and <worker-subnet-id> with the resource ids of two new, empty subnets for it (az network vnet subnet show --resource-group <vnet-resource-group> --vnet-name <vnet-name> --name <subnet-name> --query id), and pull-secret.txt with the Red Hat pull secret downloaded from console.redhat.com.',
        'Create a replacement cluster with --ingress-visibility Private.',
        'Publish the routes that must be public through Azure Application Gateway or Front Door with a web application firewall, and move the workloads.',
        'Delete the cluster with public ingress with az aro delete once nothing runs on it.',
      ],
    },
    references: [
      'https://learn.microsoft.com/azure/openshift/howto-create-private-cluster-4x',
      'https://learn.microsoft.com/azure/templates/microsoft.redhatopenshift/openshiftclusters',
      'https://learn.microsoft.com/azure/cloud-adoption-framework/scenarios/app-platform/azure-red-hat-openshift/security',
    ],
  },
  evaluate(resource): CheckOutcome {
    const profiles = read(resource.azure, 'properties.ingressProfiles');
    if (profiles.state === 'unknown') {
      return indeterminate(profiles.reason, [{ path: 'properties.ingressProfiles', message: profiles.reason }]);
    }
    if (profiles.state === 'absent' || !Array.isArray(profiles.value) || profiles.value.length === 0) {
      return outcome([
        {
          path: 'properties.ingressProfiles',
          message:
            'ingressProfiles is not set (the default ingress is created with the API default visibility Public); set the "default" profile\'s visibility to "Private"',
        },
      ]);
    }
    const violations: Violation[] = [];
    const unknown: Violation[] = [];
    profiles.value.forEach((profile: unknown, i) => {
      const path = `properties.ingressProfiles[${i}].visibility`;
      const name = text(field(profile, 'name'));
      const label = name === undefined ? `ingress profile #${i}` : `ingress profile "${name}"`;
      const visibility = field(profile, 'visibility');
      if (visibility.state === 'unknown') {
        unknown.push({ path, message: visibility.reason });
      } else if (visibility.state === 'absent') {
        violations.push({
          path,
          message: `${label} has no visibility (the API default is Public); set it to "Private"`,
        });
      } else if (!sameText(visibility.value, 'Private')) {
        violations.push({
          path,
          message: `${label} has visibility ${show(visibility.value)}; it must be "Private"`,
          actual: visibility.value,
        });
      }
    });
    if (violations.length > 0) {
      return outcome(violations);
    }
    if (unknown.length > 0) {
      return indeterminate(unknown.map((u) => u.message).join('; '), unknown);
    }
    return outcome([]);
  },
});
