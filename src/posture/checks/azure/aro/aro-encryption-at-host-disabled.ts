/**
 * ARO cluster nodes without encryption at host. Reads `properties.masterProfile.encryptionAtHost`,
 * every `properties.workerProfiles[*].encryptionAtHost` and, when present, every
 * `properties.workerProfilesStatus[*].encryptionAtHost` (read-only: the MachineSets the cluster runs
 * now, including any added after creation); `az aro show` prints these profiles at the top level.
 * Compliant: "Enabled" on every profile (temporary disks and the OS and data disk caches are
 * encrypted on the VM host, and data flows encrypted to the storage service).
 * Absent: the API default is "Disabled" (Azure/ARO-RP pkg/api/defaults.go sets Disabled for clusters
 * that do not say), so an absent property fails.
 * Set at creation only ("It can't be changed post cluster creation", Azure/ARO-RP
 * pkg/api/defaults.go): the fix for the master profile is a new cluster; new worker MachineSets
 * can set securityProfile.encryptionAtHost.
 * No built-in Azure Policy targets Microsoft.RedHatOpenShift/openShiftClusters.
 * Sources: https://learn.microsoft.com/azure/templates/microsoft.redhatopenshift/openshiftclusters
 *   (API 2025-07-25: MasterProfile.encryptionAtHost, WorkerProfile.encryptionAtHost, enum Enabled |
 *   Disabled); https://learn.microsoft.com/azure/openshift/howto-byok
 */
import { defineAzureCheck, sameText, show } from '../../../lib/azure.ts';
import { ARO_CLUSTER, checkNodeProfiles } from './lib/aro.ts';

export const aroEncryptionAtHostDisabled = defineAzureCheck({
  meta: {
    id: 'PAL-ARO-0004',
    slug: 'aro-encryption-at-host-disabled',
    title: 'ARO cluster nodes do not use encryption at host',
    description:
      'Without encryption at host, the temporary disks and the OS and data disk caches of the control plane and worker VMs are stored unencrypted on the Azure host, and data does not flow encrypted to the storage service. Encryption at host encrypts them end to end with platform- or customer-managed keys.',
    severity: 'medium',
    maturity: 'stable',
    types: [ARO_CLUSTER],
    securityControl: 'enable-encryption-at-rest',
    frameworks: [
      { framework: 'aro-landing-zone', control: 'ARO-DATA-2' },
      { framework: 'mcsb-v1', control: 'DP-4' },
    ],
    remediation: {
      summary:
        'Encryption at host is set when the cluster is created and cannot be changed: register the EncryptionAtHost feature and redeploy the cluster with encryption at host on master and worker nodes.',
      azureCli:
        'az aro create --resource-group {resourceGroup} --name <new-cluster-name> --master-subnet <master-subnet-id> --worker-subnet <worker-subnet-id> --master-encryption-at-host --worker-encryption-at-host --pull-secret @pull-secret.txt',
      steps: [
        'Replace <new-cluster-name> with the name of the replacement cluster, <master-subnet-id> and <worker-subnet-id> with the resource ids of two new, empty subnets for it (az network vnet subnet show --resource-group <vnet-resource-group> --vnet-name <vnet-name> --name <subnet-name> --query id), and pull-secret.txt with the Red Hat pull secret downloaded from console.redhat.com.',
        'Register the feature once per subscription: az feature register --namespace Microsoft.Compute --name EncryptionAtHost, then az provider register --namespace Microsoft.Compute.',
        'Create the replacement cluster with --master-encryption-at-host and --worker-encryption-at-host, move the workloads, then delete the old cluster.',
        'Worker nodes only: new MachineSets with providerSpec.value.securityProfile.encryptionAtHost: true replace the worker MachineSets without a new cluster.',
      ],
    },
    references: [
      'https://learn.microsoft.com/azure/openshift/howto-byok',
      'https://learn.microsoft.com/azure/virtual-machines/disk-encryption#encryption-at-host---end-to-end-encryption-for-your-vm-data',
      'https://learn.microsoft.com/azure/templates/microsoft.redhatopenshift/openshiftclusters',
    ],
  },
  evaluate: (resource) =>
    checkNodeProfiles(resource.azure, 'encryptionAtHost', (label, reading) => {
      if (reading.state === 'absent') {
        return `${label} has no encryptionAtHost (the API default is Disabled); it must be "Enabled"`;
      }
      return sameText(reading.value, 'Enabled')
        ? undefined
        : `${label} has encryptionAtHost ${show(reading.value)}; it must be "Enabled"`;
    }),
});
