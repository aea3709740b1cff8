/**
 * ARO cluster API server reachable from the internet. Reads `properties.apiserverProfile.visibility`
 * (`apiserverProfile.visibility` in `az aro show`, moved under `properties` by the inventory).
 * Compliant: "Private" (the API server gets an internal load balancer IP in the cluster's VNet).
 * Absent: the API default is "Public" (`az aro create --apiserver-visibility` defaults to Public), so
 * an absent property fails.
 * Set at creation only: the resource provider rejects a change of visibility on update (the field is
 * not mutable in Azure/ARO-RP pkg/api/<version>/openshiftcluster.go), so the fix is a new cluster.
 * No built-in Azure Policy targets Microsoft.RedHatOpenShift/openShiftClusters.
 * Sources: https://learn.microsoft.com/azure/templates/microsoft.redhatopenshift/openshiftclusters
 *   (API 2025-07-25: APIServerProfile.visibility, enum Private | Public);
 *   https://learn.microsoft.com/azure/openshift/howto-create-private-cluster-4x;
 *   https://learn.microsoft.com/azure/cloud-adoption-framework/scenarios/app-platform/azure-red-hat-openshift/security
 */
import { checkProperty, defineAzureCheck, textRule } from '../../../lib/azure.ts';
import { ARO_CLUSTER } from './lib/aro.ts';

export const aroApiServerPublic = defineAzureCheck({
  meta: {
    id: 'PAL-ARO-0001',
    slug: 'aro-api-server-public',
    title: 'ARO cluster API server is reachable from the internet',
    description:
      'With public visibility the OpenShift API server listens on a public IP, so anyone on the internet can reach the control plane and try stolen tokens, kubeconfigs or API vulnerabilities against it. A private API server is reachable only from the virtual network and networks connected to it.',
    severity: 'high',
    maturity: 'stable',
    types: [ARO_CLUSTER],
    securityControl: 'restrict-unauthorized-network-access',
    frameworks: [
      { framework: 'aro-landing-zone', control: 'ARO-NET-1' },
      { framework: 'mcsb-v1', control: 'NS-2' },
    ],
    remediation: {
      summary:
        'API server visibility is set when the cluster is created and cannot be changed: redeploy the cluster with --apiserver-visibility Private, move the workloads, then delete the public cluster.',
      azureCli:
        'az aro create --resource-group {resourceGroup} --name <new-cluster-name> --master-subnet <master-subnet-id> --worker-subnet <worker-subnet-id> --apiserver-visibility Private --ingress-visibility Private --pull-secret @pull-secret.txt',
      steps: [
        'Replace <new-cluster-name> with the name of the replacement cluster, <master-subnet-id> and <worker-subnet-id> with the resource ids of two new, empty subnets for it (az network vnet subnet show --resource-group <vnet-resource-group> --vnet-name <vnet-name> --name <subnet-name> --query id), and pull-secret.txt with the Red Hat pull secret downloaded from console.redhat.com.',
        'Create a replacement cluster with --apiserver-visibility Private in subnets of the same (or a peered) virtual network.',
        'Reach the private API server from the virtual network (Azure Bastion and a jumpbox, VPN or ExpressRoute) and move the workloads.',
        'Delete the public cluster with az aro delete once nothing runs on it.',
      ],
    },
    references: [
      'https://learn.microsoft.com/azure/openshift/howto-create-private-cluster-4x',
      'https://learn.microsoft.com/azure/templates/microsoft.redhatopenshift/openshiftclusters',
      'https://learn.microsoft.com/azure/cloud-adoption-framework/scenarios/app-platform/azure-red-hat-openshift/security',
    ],
  },
  evaluate: (resource) =>
    checkProperty(
      resource.azure,
      textRule('properties.apiserverProfile.visibility', 'Private', {
        compliant: false,
        meaning: 'the API default is Public',
      }),
    ),
});
