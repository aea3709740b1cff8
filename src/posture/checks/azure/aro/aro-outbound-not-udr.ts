/**
 * ARO cluster egress not routed through a firewall or network virtual appliance. Reads
 * `properties.networkProfile.outboundType` (`networkProfile.outboundType` in `az aro show`).
 * Compliant: "UserDefinedRouting" (the cluster gets no public outbound IP; egress follows the route
 * tables on the master and worker subnets, typically 0.0.0.0/0 to an Azure Firewall or NVA).
 * Absent: the API default is "Loadbalancer" (egress through the public load balancer's outbound
 * rules, straight to the internet), so an absent property fails.
 * Not checked here: the route tables themselves (a route 0.0.0.0/0 with next hop VirtualAppliance on
 * both subnets), which the cluster resource does not carry.
 * Set at creation only: outboundType is not mutable in the resource provider (Azure/ARO-RP
 * pkg/api/<version>/openshiftcluster.go; only loadBalancerProfile.managedOutboundIps is), and
 * UserDefinedRouting requires a private API server and private ingress.
 * No built-in Azure Policy targets Microsoft.RedHatOpenShift/openShiftClusters.
 * Sources: https://learn.microsoft.com/azure/templates/microsoft.redhatopenshift/openshiftclusters
 *   (API 2025-07-25: NetworkProfile.outboundType, enum Loadbalancer | UserDefinedRouting);
 *   https://learn.microsoft.com/azure/openshift/howto-create-private-cluster-4x;
 *   https://learn.microsoft.com/azure/openshift/howto-restrict-egress
 */
import { checkProperty, defineAzureCheck, textRule } from '../../../lib/azure.ts';
import { ARO_CLUSTER } from './lib/aro.ts';

export const aroOutboundNotUdr = defineAzureCheck({
  meta: {
    id: 'PAL-ARO-0003',
    slug: 'aro-outbound-not-udr',
    title: 'ARO cluster egress does not go through a firewall or network virtual appliance',
    description:
      "With the Loadbalancer outbound type every pod and node reaches the internet through the cluster's public load balancer, so nothing inspects, logs or limits egress and a compromised workload can exfiltrate data or reach command-and-control servers. UserDefinedRouting sends egress along the subnets' route tables to a firewall that allows only the destinations the cluster needs.",
    severity: 'medium',
    maturity: 'stable',
    types: [ARO_CLUSTER],
    securityControl: 'restrict-unauthorized-network-access',
    frameworks: [
      { framework: 'aro-landing-zone', control: 'ARO-NET-3' },
      { framework: 'mcsb-v1', control: 'NS-3' },
    ],
    remediation: {
      summary:
        'The outbound type is set when the cluster is created and cannot be changed: redeploy the cluster as a private cluster with --outbound-type UserDefinedRouting, with route tables on its subnets that send 0.0.0.0/0 to an Azure Firewall or network virtual appliance.',
      azureCli:
        'az aro create --resource-group {resourceGroup} --name <new-cluster-name> --master-subnet <master-subnet-id> --worker-subnet <worker-subnet-id> --apiserver-visibility Private --ingress-visibility Private --outbound-type UserDefinedRouting --pull-secret @pull-secret.txt',
      steps: [
        'Replace <new-cluster-name> with the name of the replacement cluster, <master-subnet-id> and <worker-subnet-id> with the resource ids of two new, empty subnets for it (az network vnet subnet show --resource-group <vnet-resource-group> --vnet-name <vnet-name> --name <subnet-name> --query id), and pull-secret.txt with the Red Hat pull secret downloaded from console.redhat.com.',
        "Attach a route table with a route 0.0.0.0/0, next hop type VirtualAppliance, to the firewall's private IP on the new master and worker subnets.",
        'Allow the ARO required egress endpoints on the firewall.',
        'Create the replacement cluster with --outbound-type UserDefinedRouting (it requires private API server and ingress), move the workloads, then delete the old cluster.',
      ],
    },
    references: [
      'https://learn.microsoft.com/azure/openshift/howto-create-private-cluster-4x',
      'https://learn.microsoft.com/azure/openshift/howto-restrict-egress',
      'https://learn.microsoft.com/azure/templates/microsoft.redhatopenshift/openshiftclusters',
    ],
  },
  evaluate: (resource) =>
    checkProperty(
      resource.azure,
      textRule('properties.networkProfile.outboundType', 'UserDefinedRouting', {
        compliant: false,
        meaning: 'the API default is Loadbalancer',
      }),
    ),
});
