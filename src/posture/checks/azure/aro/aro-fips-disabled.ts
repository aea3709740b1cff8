/**
 * ARO cluster without FIPS-validated cryptographic modules, where mandated. Reads
 * `properties.clusterProfile.fipsValidatedModules` (`clusterProfile.fipsValidatedModules` in
 * `az aro show`).
 * Compliant: "Enabled" (RHCOS and the OpenShift components use FIPS 140 validated modules).
 * Absent: the API default is "Disabled" (Azure/ARO-RP pkg/api/defaults.go), so an absent property
 * fails. Severity is low: FIPS is required only where a mandate applies (US federal, FedRAMP and
 * similar); the landing-zone accelerator deploys with Disabled.
 * Set at creation only: FIPS mode is chosen at install time and the field is not mutable in the
 * resource provider (Azure/ARO-RP pkg/api/<version>/openshiftcluster.go).
 * No built-in Azure Policy targets Microsoft.RedHatOpenShift/openShiftClusters.
 * Sources: https://learn.microsoft.com/azure/templates/microsoft.redhatopenshift/openshiftclusters
 *   (API 2025-07-25: ClusterProfile.fipsValidatedModules, enum Enabled | Disabled);
 *   https://learn.microsoft.com/azure/openshift/howto-enable-fips-openshift
 */
import { checkProperty, defineAzureCheck, textRule } from '../../../lib/azure.ts';
import { ARO_CLUSTER } from './lib/aro.ts';

export const aroFipsDisabled = defineAzureCheck({
  meta: {
    id: 'PAL-ARO-0006',
    slug: 'aro-fips-disabled',
    title: 'ARO cluster does not use FIPS-validated cryptographic modules',
    description:
      'Without FIPS mode the nodes and platform components use cryptographic libraries that are not FIPS 140 validated, which fails workloads under US federal or similar mandates. Where such a mandate applies, the cluster must be created with FIPS-validated modules.',
    severity: 'low',
    maturity: 'stable',
    types: [ARO_CLUSTER],
    securityControl: 'implement-security-best-practices',
    frameworks: [{ framework: 'aro-landing-zone', control: 'ARO-DATA-4' }],
    remediation: {
      summary:
        'Where FIPS is mandated: FIPS mode can only be set when the cluster is created, so redeploy the cluster with --fips-validated-modules and move the workloads.',
      azureCli:
        'az aro create --resource-group {resourceGroup} --name <new-cluster-name> --master-subnet <master-subnet-id> --worker-subnet <worker-subnet-id> --fips-validated-modules --pull-secret @pull-secret.txt',
      steps: [
        'clusterProfile.fipsValidatedModules is a create-time property: ARM rejects a change on an existing cluster, so no PATCH applies and the cluster must be replaced.',
        'Replace <new-cluster-name> with the name of the replacement cluster, <master-subnet-id> and <worker-subnet-id> with the resource ids of two new, empty subnets for it (az network vnet subnet show --resource-group <vnet-resource-group> --vnet-name <vnet-name> --name <subnet-name> --query id), and pull-secret.txt with the Red Hat pull secret downloaded from console.redhat.com.',
        'Create the replacement cluster with --fips-validated-modules, check FIPS mode on a node (oc debug node/<node-name> -- chroot /host cat /proc/sys/crypto/fips_enabled prints 1), move the workloads, then delete the old cluster with az aro delete.',
      ],
    },
    references: [
      'https://learn.microsoft.com/azure/openshift/howto-enable-fips-openshift',
      'https://learn.microsoft.com/azure/templates/microsoft.redhatopenshift/openshiftclusters',
    ],
  },
  evaluate: (resource) =>
    checkProperty(
      resource.azure,
      textRule('properties.clusterProfile.fipsValidatedModules', 'Enabled', {
        compliant: false,
        meaning: 'the API default is Disabled',
      }),
    ),
});
