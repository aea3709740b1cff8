/**
 * ARO cluster node disks not encrypted with customer-managed keys, where required. Reads
 * `properties.masterProfile.diskEncryptionSetId`, every `properties.workerProfiles[*].diskEncryptionSetId`
 * and, when present, every `properties.workerProfilesStatus[*].diskEncryptionSetId`.
 * Compliant: the resource id of a Microsoft.Compute/diskEncryptionSets resource on every profile
 * (OS disks, and the default storage class's data disks, are encrypted with the key in Key Vault).
 * Absent: no disk encryption set, so the disks are encrypted with platform-managed keys only; an
 * absent property fails. Severity is low: the landing-zone guidance asks for customer-managed keys
 * "where required" (regulation, key custody), and platform-managed encryption is always on.
 * Set at creation only (not mutable in Azure/ARO-RP pkg/api/<version>/openshiftcluster.go).
 * No built-in Azure Policy targets Microsoft.RedHatOpenShift/openShiftClusters.
 * Sources: https://learn.microsoft.com/azure/templates/microsoft.redhatopenshift/openshiftclusters
 *   (API 2025-07-25: MasterProfile.diskEncryptionSetId, WorkerProfile.diskEncryptionSetId);
 *   https://learn.microsoft.com/azure/openshift/howto-byok
 */
import { defineAzureCheck, show } from '../../../lib/azure.ts';
import { ARO_CLUSTER, checkNodeProfiles } from './lib/aro.ts';

const DES_ID =
  /^\/subscriptions\/[^/]+\/resourcegroups\/[^/]+\/providers\/microsoft\.compute\/diskencryptionsets\/[^/]+$/i;

export const aroDiskEncryptionSetMissing = defineAzureCheck({
  meta: {
    id: 'PAL-ARO-0005',
    slug: 'aro-disk-encryption-set-missing',
    title: 'ARO cluster node disks are not encrypted with a customer-managed key',
    description:
      'Without a disk encryption set the OS and data disks of the cluster nodes are encrypted only with keys Microsoft manages, so the organisation cannot rotate, revoke or audit the key. Where regulation or policy requires key custody, the cluster must use a disk encryption set backed by a key in Azure Key Vault.',
    severity: 'low',
    maturity: 'stable',
    types: [ARO_CLUSTER],
    securityControl: 'enable-encryption-at-rest',
    frameworks: [
      { framework: 'aro-landing-zone', control: 'ARO-DATA-3' },
      { framework: 'mcsb-v1', control: 'DP-5' },
    ],
    remediation: {
      summary:
        'Where customer-managed keys are required: the disk encryption set is chosen when the cluster is created and cannot be added later, so create a disk encryption set with a Key Vault key and redeploy the cluster with --disk-encryption-set.',
      azureCli:
        'az aro create --resource-group {resourceGroup} --name <new-cluster-name> --master-subnet <master-subnet-id> --worker-subnet <worker-subnet-id> --disk-encryption-set <disk-encryption-set-id> --master-encryption-at-host --worker-encryption-at-host --pull-secret @pull-secret.txt',
      steps: [
        'Replace <new-cluster-name> with the name of the replacement cluster, <master-subnet-id> and <worker-subnet-id> with the resource ids of two new, empty subnets for it (az network vnet subnet show --resource-group <vnet-resource-group> --vnet-name <vnet-name> --name <subnet-name> --query id), and pull-secret.txt with the Red Hat pull secret downloaded from console.redhat.com.',
        "Create a Key Vault key (in a vault with purge protection) and a disk encryption set for it (az disk-encryption-set create), grant the set's identity access to the key, and use the set's resource id as <disk-encryption-set-id>.",
        'Create the replacement cluster with --disk-encryption-set, move the workloads, then delete the old cluster.',
      ],
    },
    references: [
      'https://learn.microsoft.com/azure/openshift/howto-byok',
      'https://learn.microsoft.com/azure/virtual-machines/disk-encryption',
      'https://learn.microsoft.com/azure/templates/microsoft.redhatopenshift/openshiftclusters',
    ],
  },
  evaluate: (resource) =>
    checkNodeProfiles(resource.azure, 'diskEncryptionSetId', (label, reading) => {
      if (reading.state === 'absent' || reading.value === '') {
        return `${label} has no diskEncryptionSetId, so its disks use platform-managed keys only; set it to a disk encryption set with a customer-managed key`;
      }
      return typeof reading.value === 'string' && DES_ID.test(reading.value)
        ? undefined
        : `${label} has diskEncryptionSetId ${show(reading.value)}, which is not a Microsoft.Compute/diskEncryptionSets resource id`;
    }),
});
