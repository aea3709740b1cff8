/**
 * The Azure Red Hat OpenShift landing zone security guidance as a catalogue: one control per
 * recommendation of the Cloud Adoption Framework's ARO security design area and the ARO landing
 * zone accelerator's secure baseline.
 * Sources: https://learn.microsoft.com/azure/cloud-adoption-framework/scenarios/app-platform/azure-red-hat-openshift/security
 *   https://github.com/Azure/ARO-Landing-Zone-Accelerator (Scenarios/Secure-Baseline)
 * Controls that need a person (processes, reviews) are manual; `palisade scan --framework
 * aro-landing-zone` lists them as such.
 */
import type { Framework } from '#core';

const NET = 'Network isolation';
const IAM = 'Identity and access';
const DATA = 'Data protection';
const OPS = 'Operations and lifecycle';
const REG = 'Registry and images';
const MON = 'Threat protection and monitoring';

export const aroLandingZone: Framework = {
  id: 'aro-landing-zone',
  title: 'Azure Red Hat OpenShift landing zone security guidance',
  version: '2025',
  source:
    'https://learn.microsoft.com/azure/cloud-adoption-framework/scenarios/app-platform/azure-red-hat-openshift/security',
  controls: [
    { id: 'ARO-NET-1', section: NET, title: 'Deploy the API server with private visibility', automated: true },
    { id: 'ARO-NET-2', section: NET, title: 'Deploy the default ingress with private visibility', automated: true },
    {
      id: 'ARO-NET-3',
      section: NET,
      title: 'Route egress through a firewall or network virtual appliance (user-defined routing)',
      automated: true,
    },
    {
      id: 'ARO-NET-4',
      section: NET,
      title: 'Reach private clusters through Azure Bastion and a jumpbox',
      automated: true,
    },
    { id: 'ARO-NET-5', section: NET, title: 'Restrict pod egress with egress firewall rules', automated: true },
    {
      id: 'ARO-NET-6',
      section: NET,
      title: 'Segment workloads with network policies and a hub-and-spoke topology',
      automated: false,
    },
    { id: 'ARO-IAM-1', section: IAM, title: 'Configure an identity provider (Microsoft Entra ID)', automated: true },
    {
      id: 'ARO-IAM-2',
      section: IAM,
      title: 'Remove the kubeadmin user once an identity provider works',
      automated: true,
    },
    {
      id: 'ARO-IAM-3',
      section: IAM,
      title: 'Grant cluster-admin to groups only, and keep the bindings few',
      automated: true,
    },
    {
      id: 'ARO-IAM-4',
      section: IAM,
      title: 'Prefer managed or workload identities to a service principal secret for the cluster',
      automated: true,
    },
    { id: 'ARO-IAM-5', section: IAM, title: 'Review role assignments and access regularly', automated: false },
    { id: 'ARO-DATA-1', section: DATA, title: 'Encrypt etcd (aescbc or aesgcm)', automated: true },
    { id: 'ARO-DATA-2', section: DATA, title: 'Enable encryption at host on master and worker nodes', automated: true },
    {
      id: 'ARO-DATA-3',
      section: DATA,
      title: 'Encrypt node disks with customer-managed keys where required',
      automated: true,
    },
    {
      id: 'ARO-DATA-4',
      section: DATA,
      title: 'Use FIPS-validated cryptographic modules where mandated',
      automated: true,
    },
    {
      id: 'ARO-DATA-5',
      section: DATA,
      title: 'Keep secrets in Azure Key Vault through the Secrets Store CSI driver',
      automated: true,
    },
    { id: 'ARO-OPS-1', section: OPS, title: 'Stay within the supported OpenShift minor versions', automated: true },
    { id: 'ARO-OPS-2', section: OPS, title: 'Follow a stable update channel and plan upgrades', automated: true },
    {
      id: 'ARO-REG-1',
      section: REG,
      title: 'Use a private Azure Container Registry reached over Private Link',
      automated: true,
    },
    {
      id: 'ARO-REG-2',
      section: REG,
      title: 'Allow images only from approved registries (image.config.openshift.io)',
      automated: true,
    },
    { id: 'ARO-REG-3', section: REG, title: 'Scan images for vulnerabilities before deployment', automated: false },
    {
      id: 'ARO-MON-1',
      section: MON,
      title: 'Connect the cluster to Azure Arc with the Defender sensor',
      automated: true,
    },
    {
      id: 'ARO-MON-2',
      section: MON,
      title: 'Enable the Defender for Containers plan on the subscription',
      automated: true,
    },
    {
      id: 'ARO-MON-3',
      section: MON,
      title: 'Forward audit and platform logs to a central workspace',
      automated: false,
    },
  ],
};
