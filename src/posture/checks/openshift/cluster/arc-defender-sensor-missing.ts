/**
 * The cluster must be connected to Azure Arc and run the Microsoft Defender for Containers sensor.
 * Reads: the ClusterVersion (one per cluster: the finding is about the cluster); the names and
 *   namespaces of the Deployments and DaemonSets (apps) in the scan.
 * Compliant: at least one Deployment in namespace azure-arc (the Arc agents: clusterconnect-agent,
 *   config-agent, cluster-metadata-operator, ...), and a DaemonSet named microsoft-defender-* in
 *   namespace mdc (the Defender extension on Arc-enabled clusters) or kube-system (the Defender
 *   sensor's name on AKS and in manual installs): microsoft-defender-collector-ds.
 * Absent versus not exported: an export that holds no Deployment (DaemonSet) of a platform
 *   namespace (settings.systemNamespaces, or mdc) cannot show whether the Arc agents (the Defender
 *   sensor) are installed: every OpenShift cluster runs Deployments and DaemonSets in openshift-*
 *   namespaces (openshift-dns/dns-default, openshift-multus/multus, ...), so their absence means
 *   the kind was not exported from every namespace. That part is then indeterminate. The finding
 *   fails on the parts that can be decided, and is indeterminate when only undecidable parts remain.
 * Violations at metadata.name (the finding is about the cluster, not a field).
 * Source: Microsoft Defender for Containers on Arc-enabled Kubernetes (sensor deployed as the
 *   microsoft.azuredefender.kubernetes extension); Azure Arc-enabled Kubernetes agent overview
 *   (agents in namespace azure-arc); Azure Red Hat OpenShift landing zone security guidance.
 */
import { matchesAnyGlob, type Resource, type Violation } from '#core';
import { type CheckContext, type CheckOutcome, defineCheck, indeterminate, outcome } from '../../../check.ts';

export const ARC_NAMESPACE = 'azure-arc';
export const DEFENDER_NAMESPACES: readonly string[] = ['mdc', 'kube-system'];
export const DEFENDER_PREFIX = 'microsoft-defender-';

function platformWorkloads(ctx: CheckContext, kind: 'Deployment' | 'DaemonSet'): readonly Resource[] {
  return ctx.inventory
    .ofKind(kind, 'apps')
    .filter(
      (r) =>
        r.namespace !== undefined &&
        (matchesAnyGlob(r.namespace, ctx.settings.systemNamespaces) || DEFENDER_NAMESPACES.includes(r.namespace)),
    );
}

export const arcDefenderSensorMissing = defineCheck<Resource>({
  meta: {
    id: 'PAL-OCP-0208',
    slug: 'arc-defender-sensor-missing',
    title: 'Cluster is not connected to Azure Arc with the Defender for Containers sensor',
    description:
      'Defender for Containers protects an ARO cluster only through Azure Arc: without the Arc agents and the Defender sensor DaemonSet on every node, there is no runtime threat detection, no alerts on suspicious processes or API activity, and no inventory in Defender for Cloud.',
    severity: 'medium',
    maturity: 'stable',
    targets: [{ kind: 'ClusterVersion', apiGroup: 'config.openshift.io' }],
    scope: 'cluster',
    admission: false,
    securityControl: 'enable-endpoint-protection',
    frameworks: [
      { framework: 'aro-landing-zone', control: 'ARO-MON-1' },
      { framework: 'mcsb-v1', control: 'LT-1' },
      { framework: 'mcsb-v1', control: 'ES-1' },
    ],
    remediation: {
      summary:
        'Connect the cluster to Azure Arc (az connectedk8s connect) and install the Defender for Containers extension (microsoft.azuredefender.kubernetes) on it.',
      steps: [
        'Logged in to the cluster with cluster-admin, let the Arc proxy run (the oc command): OpenShift admits it only under the privileged SCC.',
        'Connect the cluster, with <arc-cluster-name> the name of the Arc resource to create (on ARO, the ARO cluster name) and <resource-group> its resource group: az connectedk8s connect --name <arc-cluster-name> --resource-group <resource-group> --distribution openshift',
        'Install the Defender sensor with the az command, then check that the DaemonSet runs on every node: oc get daemonsets -n mdc',
      ],
      command: 'oc adm policy add-scc-to-user privileged system:serviceaccount:azure-arc:azure-arc-kube-aad-proxy-sa',
      azureCli:
        'az k8s-extension create --name microsoft.azuredefender.kubernetes --cluster-type connectedClusters --cluster-name <arc-cluster-name> --resource-group <resource-group> --extension-type microsoft.azuredefender.kubernetes',
    },
    references: [
      'https://learn.microsoft.com/azure/defender-for-cloud/defender-for-containers-enable',
      'https://learn.microsoft.com/azure/azure-arc/kubernetes/quickstart-connect-cluster',
      'https://learn.microsoft.com/azure/cloud-adoption-framework/scenarios/app-platform/azure-red-hat-openshift/security',
    ],
  },
  evaluate(_resource, ctx): CheckOutcome {
    const deployments = platformWorkloads(ctx, 'Deployment');
    const daemonSets = platformWorkloads(ctx, 'DaemonSet');
    if (deployments.length === 0 && daemonSets.length === 0) {
      return indeterminate(
        'the scan holds no Deployment or DaemonSet of the platform namespaces, so installed agents cannot be told from agents that were not exported; export them with oc get deployments,daemonsets -A -o yaml',
      );
    }
    const violations: Violation[] = [];
    const unknown: string[] = [];
    if (!deployments.some((r) => r.namespace === ARC_NAMESPACE)) {
      if (deployments.length === 0) {
        unknown.push(
          'the Azure Arc agents (the scan holds no Deployment of a platform namespace: oc get deployments -A -o yaml)',
        );
      } else {
        violations.push({
          path: 'metadata.name',
          message: `no Deployment runs in namespace "${ARC_NAMESPACE}", so the cluster is not connected to Azure Arc`,
        });
      }
    }
    const sensor = daemonSets.find(
      (r) => r.name.startsWith(DEFENDER_PREFIX) && DEFENDER_NAMESPACES.includes(r.namespace ?? ''),
    );
    if (!sensor) {
      if (daemonSets.length === 0) {
        unknown.push(
          'the Defender sensor (the scan holds no DaemonSet of a platform namespace: oc get daemonsets -A -o yaml)',
        );
      } else {
        violations.push({
          path: 'metadata.name',
          message: `no DaemonSet named ${DEFENDER_PREFIX}* runs in namespace mdc or kube-system, so the Defender for Containers sensor is not installed`,
        });
      }
    }
    if (violations.length > 0) {
      return outcome(violations);
    }
    if (unknown.length > 0) {
      return indeterminate(`cannot tell whether the cluster runs ${unknown.join(' or ')}`);
    }
    return outcome([]);
  },
});
