/**
 * ARO cluster authenticating to Azure with a service principal and client secret instead of managed
 * identities. Reads `properties.platformWorkloadIdentityProfile.platformWorkloadIdentities` (a map
 * operator name → { resourceId, clientId, objectId } in API 2024-08-12-preview and 2025-07-25; a
 * list is accepted too) and `properties.servicePrincipalProfile.clientId`; `az aro show` prints
 * both profiles at the top level. The resource provider treats a cluster as a workload identity
 * cluster when it has a platformWorkloadIdentityProfile and no servicePrincipalProfile
 * (Azure/ARO-RP pkg/api/v20250725/openshiftcluster.go, UsesWorkloadIdentity).
 * Compliant: at least one platform workload identity (a managed-identity cluster: the cluster
 * identity and one user-assigned identity per operator, short-lived tokens, no secret to leak or
 * rotate).
 * Fails: no platform workload identity and a service principal client id (the cluster keeps a
 * long-lived client secret in its configuration).
 * Absent (neither profile): the cluster's identity cannot be told from the input → indeterminate.
 * Set at creation only: a service principal cluster cannot be migrated to managed identities
 * (https://learn.microsoft.com/azure/openshift/howto-create-openshift-cluster); until it is
 * redeployed, rotate the secret with `az aro update --refresh-credentials`.
 * No built-in Azure Policy targets Microsoft.RedHatOpenShift/openShiftClusters.
 * Sources: https://learn.microsoft.com/azure/templates/microsoft.redhatopenshift/openshiftclusters
 *   (API 2025-07-25: PlatformWorkloadIdentityProfile, ServicePrincipalProfile).
 */
import { type CheckOutcome, indeterminate, outcome, PASS } from '../../../check.ts';
import { defineAzureCheck, read } from '../../../lib/azure.ts';
import { ARO_CLUSTER, text } from './lib/aro.ts';

const IDENTITIES = 'properties.platformWorkloadIdentityProfile.platformWorkloadIdentities';
const CLIENT_ID = 'properties.servicePrincipalProfile.clientId';

function hasEntries(value: unknown): boolean {
  if (Array.isArray(value)) {
    return value.length > 0;
  }
  return typeof value === 'object' && value !== null && Object.keys(value).length > 0;
}

export const aroServicePrincipalIdentity = defineAzureCheck({
  meta: {
    id: 'PAL-ARO-0008',
    slug: 'aro-service-principal-identity',
    title: 'ARO cluster authenticates to Azure with a service principal secret',
    description:
      "A service principal cluster keeps a long-lived client secret in its configuration; whoever reads it can act on the cluster's Azure resources until the secret is rotated, and an expired secret breaks the cluster. Managed and workload identities give each operator its own short-lived tokens and no secret to leak.",
    severity: 'low',
    maturity: 'stable',
    types: [ARO_CLUSTER],
    securityControl: 'manage-access-and-permissions',
    frameworks: [
      { framework: 'aro-landing-zone', control: 'ARO-IAM-4' },
      { framework: 'mcsb-v1', control: 'IM-3' },
      { framework: 'mcsb-v1', control: 'IM-8' },
    ],
    remediation: {
      summary:
        'A service principal cluster cannot be converted to managed identities: redeploy it with --enable-managed-identity and one platform workload identity per operator; until then rotate the client secret regularly with az aro update --refresh-credentials.',
      azureCli:
        'az aro create --resource-group {resourceGroup} --name <new-cluster-name> --master-subnet <master-subnet-id> --worker-subnet <worker-subnet-id> --enable-managed-identity --assign-cluster-identity aro-cluster --assign-platform-workload-identity cloud-controller-manager cloud-controller-manager --assign-platform-workload-identity ingress ingress --assign-platform-workload-identity machine-api machine-api --assign-platform-workload-identity disk-csi-driver disk-csi-driver --assign-platform-workload-identity file-csi-driver file-csi-driver --assign-platform-workload-identity cloud-network-config cloud-network-config --assign-platform-workload-identity image-registry image-registry --assign-platform-workload-identity aro-operator aro-operator --pull-secret @pull-secret.txt',
      steps: [
        'Replace <new-cluster-name> with the name of the replacement cluster, <master-subnet-id> and <worker-subnet-id> with the resource ids of two new, empty subnets for it (az network vnet subnet show --resource-group <vnet-resource-group> --vnet-name <vnet-name> --name <subnet-name> --query id), and pull-secret.txt with the Red Hat pull secret downloaded from console.redhat.com.',
        'Create the user-assigned identities named in the command (az identity create --resource-group <resource-group> --name aro-cluster, then one per operator: cloud-controller-manager, ingress, machine-api, disk-csi-driver, file-csi-driver, cloud-network-config, image-registry, aro-operator), and grant them the roles ARO lists for the version (az aro get-versions, platform workload identity role sets).',
        'Create the replacement cluster with managed identities, move the workloads, then delete the service principal cluster and the service principal.',
        'Meanwhile rotate the service principal secret: az aro update --resource-group <resource-group> --name <cluster> --refresh-credentials.',
      ],
    },
    references: [
      'https://learn.microsoft.com/azure/openshift/howto-create-openshift-cluster',
      'https://learn.microsoft.com/azure/openshift/howto-service-principal-credential-rotation',
      'https://learn.microsoft.com/azure/templates/microsoft.redhatopenshift/openshiftclusters',
    ],
  },
  evaluate(resource): CheckOutcome {
    const identities = read(resource.azure, IDENTITIES);
    if (identities.state === 'set' && hasEntries(identities.value)) {
      return PASS;
    }
    const clientId = read(resource.azure, CLIENT_ID);
    const unknown = [identities, clientId].flatMap((r, i) =>
      r.state === 'unknown' ? [{ path: i === 0 ? IDENTITIES : CLIENT_ID, message: r.reason }] : [],
    );
    const id = text(clientId);
    if (id !== undefined && identities.state !== 'unknown') {
      return outcome([
        {
          path: CLIENT_ID,
          message: `the cluster authenticates as service principal ${id} with a client secret and has no platform workload identities; redeploy it with managed identities`,
          actual: id,
        },
      ]);
    }
    if (unknown.length > 0) {
      return indeterminate([...new Set(unknown.map((u) => u.message))].join('; '), unknown);
    }
    const reason =
      'the input has neither platformWorkloadIdentityProfile.platformWorkloadIdentities nor servicePrincipalProfile.clientId for this cluster; export it with `az aro show --name <cluster> --resource-group <resource-group>`';
    return indeterminate(reason, [{ path: IDENTITIES, message: reason }]);
  },
});
