/**
 * ARO cluster not connected to Azure Arc with the Defender sensor and Azure Policy extensions.
 * ARO is not a native Defender for Containers target: it is protected as an Arc-enabled Kubernetes
 * cluster. Cross-resource:
 *   - the `Microsoft.Kubernetes/connectedClusters` resource for this cluster. Matching (ARM records
 *     no link between the two): a connected cluster whose name equals the ARO cluster's name
 *     (case-insensitive; the remediation connects it under that name), in the cluster's
 *     subscription when there is one there, else in any subscription (Arc resources may live in
 *     a management subscription); failing that, the only connected cluster in the cluster's
 *     resource group whose `properties.distribution` is "openshift", when that resource group
 *     holds one ARO cluster in the input. Tags are not used: no convention exists for them.
 *     `properties.connectivityStatus` "Offline", "Expired" or "AgentNotInstalled" also fails
 *     (the agents do not report);
 *   - `Microsoft.KubernetesConfiguration/extensions` scoped to that connected cluster:
 *     `properties.extensionType` "microsoft.azuredefender.kubernetes" and "microsoft.policyinsights"
 *     (case-insensitive), each with `properties.provisioningState` "Succeeded".
 * Indeterminate: no connected cluster matches and none of the cluster's subscription is in the
 * input, or no extension of the matched connected cluster is in the input (the reason names the `az`
 * commands that export them), or an unknown value.
 * Fails: connected clusters of the cluster's subscription are in the input but none matches, or an
 * extension is missing or not Succeeded, or the matched cluster's agents do not report.
 * The in-cluster view (the azure-arc, mdc and gatekeeper-system namespaces and their deployments)
 * is checked on the OpenShift side by a separate check.
 * Azure Policy 8dfab9c4-fe7b-49ad-85e4-1e9be085358f "[Preview] Azure Arc enabled Kubernetes clusters
 * should have Microsoft Defender for Cloud extension installed" and 6b2122c1-8120-4ff5-801b-17625a355590
 * "Azure Arc enabled Kubernetes clusters should have the Azure Policy extension installed" check the
 * extensions per connected cluster.
 * Sources: https://learn.microsoft.com/azure/azure-arc/kubernetes/quickstart-connect-cluster;
 *   https://learn.microsoft.com/azure/defender-for-cloud/defender-for-containers-enable;
 *   https://learn.microsoft.com/azure/governance/policy/concepts/policy-for-kubernetes;
 *   https://learn.microsoft.com/azure/templates/microsoft.kubernetes/connectedclusters;
 *   https://learn.microsoft.com/azure/templates/microsoft.kubernetesconfiguration/extensions
 */
import { type CheckContext, type CheckOutcome, indeterminate, outcome, PASS } from '../../../check.ts';
import {
  type AzureResource,
  azureOfType,
  defineAzureCheck,
  extensionsOf,
  read,
  sameText,
  show,
} from '../../../lib/azure.ts';
import { ARO_CLUSTER, sameSubscription } from './lib/aro.ts';

const CONNECTED = 'Microsoft.Kubernetes/connectedClusters';
const EXTENSION = 'Microsoft.KubernetesConfiguration/extensions';

/** The extension types the cluster needs, with what they give. */
const REQUIRED = [
  { type: 'microsoft.azuredefender.kubernetes', what: 'the Defender sensor' },
  { type: 'microsoft.policyinsights', what: 'Azure Policy (Gatekeeper)' },
] as const;

const NOT_REPORTING = ['Offline', 'Expired', 'AgentNotInstalled'];

/** The connected clusters that stand for this ARO cluster (see the header for the rule). */
function connectedFor(cluster: AzureResource, ctx: CheckContext): AzureResource[] {
  const all = azureOfType(ctx, CONNECTED);
  const byName = all.filter((c) => sameText(c.azure.name, cluster.azure.name));
  const byNameHere = byName.filter((c) => sameSubscription(cluster.azure, c.azure));
  if (byName.length > 0) {
    return byNameHere.length > 0 ? byNameHere : byName;
  }
  const rg = cluster.azure.resourceGroup;
  if (rg === undefined) {
    return [];
  }
  const inGroup = (r: AzureResource) => sameSubscription(cluster.azure, r.azure) && sameText(r.azure.resourceGroup, rg);
  const arosInGroup = azureOfType(ctx, ARO_CLUSTER).filter(inGroup);
  const openshift = all.filter((c) => {
    const distribution = read(c.azure, 'properties.distribution');
    return inGroup(c) && distribution.state === 'set' && sameText(distribution.value, 'openshift');
  });
  return arosInGroup.length === 1 && openshift.length === 1 ? openshift : [];
}

type Verdict =
  | { readonly kind: 'ok' }
  | { readonly kind: 'bad'; readonly problems: readonly string[] }
  | { readonly kind: 'unknown'; readonly reason: string };

function judge(connected: AzureResource, ctx: CheckContext): Verdict {
  const name = connected.azure.name;
  const problems: string[] = [];
  const unknown: string[] = [];
  const status = read(connected.azure, 'properties.connectivityStatus');
  if (status.state === 'unknown') {
    unknown.push(status.reason);
  } else if (status.state === 'set' && NOT_REPORTING.some((s) => sameText(status.value, s))) {
    problems.push(
      `connected cluster "${name}" has connectivityStatus ${show(status.value)}, so its agents do not report`,
    );
  }
  const extensions = extensionsOf(ctx, connected, EXTENSION);
  if (extensions.length === 0) {
    if (problems.length > 0) {
      return { kind: 'bad', problems };
    }
    const rg = connected.azure.resourceGroup ?? '<resource-group>';
    return {
      kind: 'unknown',
      reason: `${unknown.map((u) => `${u}; `).join('')}the input has no Microsoft.KubernetesConfiguration/extensions of connected cluster "${name}"; export them with \`az k8s-extension list --cluster-type connectedClusters --cluster-name ${name} --resource-group ${rg}\` (an empty list means neither extension is installed)`,
    };
  }
  for (const required of REQUIRED) {
    const matching = extensions.filter((e) => {
      const type = read(e.azure, 'properties.extensionType');
      return type.state === 'set' && sameText(type.value, required.type);
    });
    const unresolved = extensions.filter((e) => read(e.azure, 'properties.extensionType').state === 'unknown');
    if (matching.length === 0) {
      if (unresolved.length > 0) {
        unknown.push(
          ...unresolved.map((e) => {
            const r = read(e.azure, 'properties.extensionType');
            return `extension "${e.azure.name}": ${r.state === 'unknown' ? r.reason : ''}`;
          }),
        );
      } else {
        problems.push(`connected cluster "${name}" has no ${required.type} extension (${required.what})`);
      }
      continue;
    }
    const states = matching.map((e) => ({ extension: e, state: read(e.azure, 'properties.provisioningState') }));
    if (states.some(({ state }) => state.state === 'set' && sameText(state.value, 'Succeeded'))) {
      continue;
    }
    const open = states.filter(({ state }) => state.state === 'unknown');
    if (open.length > 0) {
      unknown.push(
        ...open.map(
          ({ extension, state }) =>
            `extension "${extension.azure.name}": ${state.state === 'unknown' ? state.reason : ''}`,
        ),
      );
      continue;
    }
    problems.push(
      ...states.map(({ extension, state }) =>
        state.state === 'set'
          ? `extension "${extension.azure.name}" (${required.type}) has provisioningState ${show(state.value)}, not "Succeeded"`
          : `extension "${extension.azure.name}" (${required.type}) has no provisioningState`,
      ),
    );
  }
  if (problems.length > 0) {
    return { kind: 'bad', problems };
  }
  if (unknown.length > 0) {
    return { kind: 'unknown', reason: unknown.join('; ') };
  }
  return { kind: 'ok' };
}

export const aroNotArcProtected = defineAzureCheck({
  meta: {
    id: 'PAL-ARO-0012',
    slug: 'aro-not-arc-protected',
    title: 'ARO cluster is not Arc-connected with the Defender sensor and Azure Policy extensions',
    description:
      'Defender for Containers and Azure Policy reach an ARO cluster only through Azure Arc. Without the Arc connection and its Defender sensor and Azure Policy extensions, the cluster sends no audit log or runtime signals for threat detection, and no Gatekeeper policy audits or blocks insecure workloads.',
    severity: 'high',
    maturity: 'stable',
    types: [ARO_CLUSTER],
    scope: 'cluster',
    securityControl: 'enable-enhanced-security-features',
    frameworks: [
      { framework: 'aro-landing-zone', control: 'ARO-MON-1' },
      { framework: 'mcsb-v1', control: 'LT-1' },
      { framework: 'mcsb-v1', control: 'PV-2' },
    ],
    remediation: {
      summary:
        "Connect the cluster to Azure Arc under the ARO cluster's name (logged in to it with oc, after granting the privileged SCC to the Arc proxy service account), then install the microsoft.azuredefender.kubernetes and Microsoft.PolicyInsights extensions.",
      command: 'oc adm policy add-scc-to-user privileged system:serviceaccount:azure-arc:azure-arc-kube-aad-proxy-sa',
      azureCli:
        'az connectedk8s connect --name {name} --resource-group {resourceGroup} --distribution openshift --infrastructure azure && az k8s-extension create --name microsoft.azuredefender.kubernetes --extension-type microsoft.azuredefender.kubernetes --cluster-type connectedClusters --cluster-name {name} --resource-group {resourceGroup} && az k8s-extension create --name azurepolicy --extension-type Microsoft.PolicyInsights --cluster-type connectedClusters --cluster-name {name} --resource-group {resourceGroup}',
      steps: [
        'Log in to the cluster (oc login) so that the current kubeconfig context is the ARO cluster, and run the oc command above.',
        'Run the az commands: connect the cluster to Arc, then install the Defender and Azure Policy extensions.',
        'Check that both extensions report provisioningState Succeeded: az k8s-extension list --cluster-type connectedClusters --cluster-name <cluster> --resource-group <resource-group>.',
      ],
    },
    references: [
      'https://learn.microsoft.com/azure/azure-arc/kubernetes/quickstart-connect-cluster',
      'https://learn.microsoft.com/azure/defender-for-cloud/defender-for-containers-enable',
      'https://learn.microsoft.com/azure/governance/policy/concepts/policy-for-kubernetes',
      'https://learn.microsoft.com/azure/defender-for-cloud/support-matrix-defender-for-containers',
    ],
  },
  evaluate(resource, ctx): CheckOutcome {
    const candidates = connectedFor(resource, ctx);
    if (candidates.length === 0) {
      if (!azureOfType(ctx, CONNECTED).some((c) => sameSubscription(resource.azure, c.azure))) {
        const sub = resource.azure.subscriptionId ?? '<subscription-id>';
        return indeterminate(
          `the input has no Microsoft.Kubernetes/connectedClusters of the cluster's subscription ${sub}, so whether the cluster is Arc-connected is unknown; export them with \`az connectedk8s list --subscription ${sub}\` (or \`az graph query -q "resources | where type =~ 'microsoft.kubernetes/connectedclusters'"\`)`,
        );
      }
      const rg = resource.azure.resourceGroup === undefined ? '' : ` "${resource.azure.resourceGroup}"`;
      return outcome([
        {
          path: 'name',
          message: `no Azure Arc connected cluster in the input stands for this cluster (none is named "${resource.azure.name}", and no single OpenShift connected cluster is in its resource group${rg})`,
        },
      ]);
    }
    const verdicts = candidates.map((c) => judge(c, ctx));
    if (verdicts.some((v) => v.kind === 'ok')) {
      return PASS;
    }
    const unknown = verdicts.flatMap((v) => (v.kind === 'unknown' ? [v.reason] : []));
    if (unknown.length > 0) {
      return indeterminate(unknown.join('; '));
    }
    return outcome(
      verdicts.flatMap((v) => (v.kind === 'bad' ? v.problems : [])).map((message) => ({ path: 'name', message })),
    );
  },
});
