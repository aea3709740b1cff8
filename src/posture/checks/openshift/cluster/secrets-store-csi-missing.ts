/**
 * The cluster must be able to mount secrets from Azure Key Vault: the Secrets Store CSI driver and
 * its Azure Key Vault provider must be installed.
 * Reads: the ClusterVersion (one per cluster: the finding is about the cluster); the CSIDriver
 *   (storage.k8s.io) "secrets-store.csi.k8s.io"; the names and namespaces of the DaemonSets (apps).
 * Compliant: the driver, shown by the CSIDriver "secrets-store.csi.k8s.io" or a DaemonSet whose name
 *   contains "secrets-store-csi-driver" or starts with "csi-secrets-store" (Helm chart
 *   <release>-secrets-store-csi-driver, the Red Hat operator's secrets-store-csi-driver-node, the
 *   AKS/Arc extension's ...-secrets-store-csi-driver), and the Azure provider, a DaemonSet whose name
 *   contains "secrets-store-provider-azure" (Helm chart <release>-csi-secrets-store-provider-azure,
 *   Arc extension ...-secrets-store-provider-azure).
 *   The DaemonSets are looked for in every namespace (the ARO how-to installs both charts in
 *   k8s-secrets-store-csi).
 * Absent versus not exported: the driver and the provider run as DaemonSets; an export that holds no
 *   DaemonSet of a platform namespace (settings.systemNamespaces) was not taken from every
 *   namespace (every OpenShift cluster runs DaemonSets in openshift-* namespaces), so what it
 *   cannot show is indeterminate, and the finding is indeterminate when the input holds no
 *   Deployment or DaemonSet at all (and no CSIDriver).
 * Violations at metadata.name (the finding is about the cluster, not a field).
 * Source: Azure Key Vault Provider for Secrets Store CSI Driver (charts and Arc extension
 *   Microsoft.AzureKeyVaultSecretsProvider); Kubernetes Secrets Store CSI Driver; Azure Red Hat
 *   OpenShift landing zone security guidance (keep secrets in Key Vault through the CSI driver).
 */
import { matchesAnyGlob, type Resource, type Violation } from '#core';
import { type CheckContext, type CheckOutcome, defineCheck, indeterminate, outcome } from '../../../check.ts';

export const SECRETS_STORE_CSI_DRIVER = 'secrets-store.csi.k8s.io';

/** A DaemonSet of the Secrets Store CSI driver (not of a provider). */
export function isDriverDaemonSet(name: string): boolean {
  return (
    !name.includes('provider') && (name.includes('secrets-store-csi-driver') || name.startsWith('csi-secrets-store'))
  );
}

/** A DaemonSet of the Azure Key Vault provider. */
export function isAzureProviderDaemonSet(name: string): boolean {
  return name.includes('secrets-store-provider-azure');
}

/** Whether the scan holds DaemonSets of the platform namespaces, which every OpenShift cluster runs. */
function daemonSetsExported(ctx: CheckContext, daemonSets: readonly Resource[]): boolean {
  return daemonSets.some(
    (r) => r.namespace !== undefined && matchesAnyGlob(r.namespace, ctx.settings.systemNamespaces),
  );
}

export const secretsStoreCsiMissing = defineCheck<Resource>({
  meta: {
    id: 'PAL-OCP-0209',
    slug: 'secrets-store-csi-missing',
    title: 'Secrets Store CSI driver with the Azure Key Vault provider is not installed',
    description:
      'Without the Secrets Store CSI driver and its Azure Key Vault provider, applications keep credentials in Kubernetes Secrets, stored in etcd and readable by anyone who can read Secrets in the namespace, instead of fetching them from Key Vault with its access policies, rotation and audit log.',
    severity: 'low',
    maturity: 'stable',
    targets: [{ kind: 'ClusterVersion', apiGroup: 'config.openshift.io' }],
    scope: 'cluster',
    admission: false,
    securityControl: 'implement-security-best-practices',
    frameworks: [
      { framework: 'aro-landing-zone', control: 'ARO-DATA-5' },
      { framework: 'cis-openshift-1.5', control: '5.4.2' },
      { framework: 'mcsb-v1', control: 'IM-8' },
      { framework: 'mcsb-v1', control: 'DP-8' },
    ],
    remediation: {
      summary:
        'Install the Secrets Store CSI driver with the Azure Key Vault provider: on an Arc-connected cluster as the Microsoft.AzureKeyVaultSecretsProvider extension, otherwise with the provider Helm chart.',
      steps: [
        'On a cluster connected to Azure Arc, install the extension with the az command, <arc-cluster-name> and <resource-group> being the name and resource group of its Arc resource (Microsoft.Kubernetes/connectedClusters).',
        'Otherwise, logged in with cluster-admin and with Helm 3, run the oc command (from "Use Azure Key Vault Provider for Secrets Store CSI Driver on Azure Red Hat OpenShift"): it creates the project k8s-secrets-store-csi, grants the privileged SCC to the driver and the provider service accounts, adds the two Helm repositories and installs the driver and the Azure provider charts.',
        'Check that both DaemonSets run on every node: oc get daemonsets -n k8s-secrets-store-csi',
        'Mount secrets through a SecretProviderClass that names the Key Vault, and give the workload identity get access to its secrets.',
      ],
      command:
        'oc new-project k8s-secrets-store-csi && oc adm policy add-scc-to-user privileged system:serviceaccount:k8s-secrets-store-csi:secrets-store-csi-driver && oc adm policy add-scc-to-user privileged system:serviceaccount:k8s-secrets-store-csi:csi-secrets-store-provider-azure && helm repo add secrets-store-csi-driver https://kubernetes-sigs.github.io/secrets-store-csi-driver/charts && helm repo add csi-secrets-store-provider-azure https://azure.github.io/secrets-store-csi-driver-provider-azure/charts && helm repo update && helm install -n k8s-secrets-store-csi csi-secrets-store secrets-store-csi-driver/secrets-store-csi-driver --set "linux.providersDir=/var/run/secrets-store-csi-providers" && helm install -n k8s-secrets-store-csi azure-csi-provider csi-secrets-store-provider-azure/csi-secrets-store-provider-azure --set linux.privileged=true --set secrets-store-csi-driver.install=false --set "linux.providersDir=/var/run/secrets-store-csi-providers"',
      azureCli:
        'az k8s-extension create --cluster-name <arc-cluster-name> --resource-group <resource-group> --cluster-type connectedClusters --extension-type Microsoft.AzureKeyVaultSecretsProvider --name akvsecretsprovider',
    },
    references: [
      'https://learn.microsoft.com/azure/openshift/howto-use-key-vault-secrets',
      'https://learn.microsoft.com/azure/azure-arc/kubernetes/tutorial-akv-secrets-provider',
      'https://azure.github.io/secrets-store-csi-driver-provider-azure/docs/',
    ],
  },
  evaluate(_resource, ctx): CheckOutcome {
    const daemonSets = ctx.inventory.ofKind('DaemonSet', 'apps');
    const csiDriver = ctx.inventory
      .ofKind('CSIDriver', 'storage.k8s.io')
      .some((r) => r.name === SECRETS_STORE_CSI_DRIVER);
    const anyWorkloads = daemonSets.length > 0 || ctx.inventory.ofKind('Deployment', 'apps').length > 0;
    if (!anyWorkloads && !csiDriver) {
      return indeterminate(
        'the scan holds no Deployment or DaemonSet, so an installed driver cannot be told from one that was not exported; export them with oc get daemonsets -A -o yaml and oc get csidrivers -o yaml',
      );
    }
    const exported = daemonSetsExported(ctx, daemonSets);
    const violations: Violation[] = [];
    const unknown: string[] = [];
    const driver = csiDriver || daemonSets.some((r) => isDriverDaemonSet(r.name));
    if (!driver) {
      if (exported) {
        violations.push({
          path: 'metadata.name',
          message: `neither the CSIDriver "${SECRETS_STORE_CSI_DRIVER}" nor a Secrets Store CSI driver DaemonSet is in the cluster, so pods cannot mount secrets from Azure Key Vault`,
        });
      } else {
        unknown.push('the Secrets Store CSI driver');
      }
    }
    if (!daemonSets.some((r) => isAzureProviderDaemonSet(r.name))) {
      if (exported) {
        violations.push({
          path: 'metadata.name',
          message:
            'no DaemonSet of the Azure Key Vault provider (*secrets-store-provider-azure*) is in the cluster, so the Secrets Store CSI driver cannot read Azure Key Vault',
        });
      } else {
        unknown.push('the Azure Key Vault provider');
      }
    }
    if (violations.length > 0) {
      return outcome(violations);
    }
    if (unknown.length > 0) {
      return indeterminate(
        `the scan holds no DaemonSet of a platform namespace, so it cannot show ${unknown.join(' or ')}; export them with oc get daemonsets -A -o yaml`,
      );
    }
    return outcome([]);
  },
});
