import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { aroNotArcProtected } from './aro-not-arc-protected.ts';

const SUB = '7c9e4a2b-1f3d-4e8a-b6c5-2d9f0e1a3b4c';
const MGMT_SUB = '2e6d8f0a-4b1c-4d3e-8f5a-6b7c8d9e0f12';
const RG = `/subscriptions/${SUB}/resourceGroups/rg-aro-prod/providers`;

const aro = (name = 'aro-prod-weu') => ({
  id: `${RG}/Microsoft.RedHatOpenShift/openShiftClusters/${name}`,
  name,
  type: 'Microsoft.RedHatOpenShift/openShiftClusters',
  location: 'westeurope',
  properties: { provisioningState: 'Succeeded', clusterProfile: { version: '4.19.18' } },
});
const connectedId = (name: string, sub = SUB) =>
  `/subscriptions/${sub}/resourceGroups/rg-aro-prod/providers/Microsoft.Kubernetes/connectedClusters/${name}`;
/** An ARM GET of an Arc connected cluster. */
const connected = (name = 'aro-prod-weu', extra: Record<string, unknown> = {}, sub = SUB) => ({
  id: connectedId(name, sub),
  name,
  type: 'Microsoft.Kubernetes/connectedClusters',
  location: 'westeurope',
  identity: { type: 'SystemAssigned' },
  properties: {
    provisioningState: 'Succeeded',
    connectivityStatus: 'Connected',
    distribution: 'openshift',
    infrastructure: 'azure',
    kubernetesVersion: '1.32.9',
    agentVersion: '1.31.3',
    ...extra,
  },
});
/** `az k8s-extension list --cluster-type connectedClusters` output (flattened). */
const extension = (
  cluster: string,
  name: string,
  extensionType: string,
  provisioningState = 'Succeeded',
  sub = SUB,
) => ({
  id: `${connectedId(cluster, sub)}/providers/Microsoft.KubernetesConfiguration/extensions/${name}`,
  name,
  type: 'Microsoft.KubernetesConfiguration/extensions',
  resourceGroup: 'rg-aro-prod',
  extensionType,
  autoUpgradeMinorVersion: true,
  releaseTrain: 'Stable',
  provisioningState,
  statuses: [],
});
const defender = (cluster = 'aro-prod-weu', state = 'Succeeded', sub = SUB) =>
  extension(cluster, 'microsoft.azuredefender.kubernetes', 'microsoft.azuredefender.kubernetes', state, sub);
const policy = (cluster = 'aro-prod-weu', state = 'Succeeded', sub = SUB) =>
  extension(cluster, 'azurepolicy', 'Microsoft.PolicyInsights', state, sub);

const run = (...resources: unknown[]) =>
  runCheckOn(aroNotArcProtected, JSON.stringify(resources), undefined, 'a.json').filter(
    (f) => f.resource.kind === 'Microsoft.RedHatOpenShift/openShiftClusters',
  );

describe('aro-not-arc-protected', () => {
  it('passes when the connected cluster of the same name has both extensions Succeeded', () => {
    assert.equal(run(aro(), connected(), defender(), policy())[0]?.status, 'pass');
  });

  it('fails a missing Azure Policy extension, with the connect and install commands for the cluster', () => {
    const [finding] = run(aro(), connected(), defender());
    assert.equal(finding?.status, 'fail');
    assert.deepEqual(finding?.violations, [
      {
        path: 'name',
        message:
          'connected cluster "aro-prod-weu" has no microsoft.policyinsights extension (Azure Policy (Gatekeeper))',
      },
    ]);
    assert.equal(
      finding?.remediation.azureCli,
      'az connectedk8s connect --name aro-prod-weu --resource-group rg-aro-prod --distribution openshift --infrastructure azure && az k8s-extension create --name microsoft.azuredefender.kubernetes --extension-type microsoft.azuredefender.kubernetes --cluster-type connectedClusters --cluster-name aro-prod-weu --resource-group rg-aro-prod && az k8s-extension create --name azurepolicy --extension-type Microsoft.PolicyInsights --cluster-type connectedClusters --cluster-name aro-prod-weu --resource-group rg-aro-prod',
    );
    assert.equal(
      finding?.remediation.command,
      'oc adm policy add-scc-to-user privileged system:serviceaccount:azure-arc:azure-arc-kube-aad-proxy-sa',
    );
  });

  it('fails an extension that did not provision, and agents that do not report', () => {
    const [failed] = run(aro(), connected(), defender('aro-prod-weu', 'Failed'), policy());
    assert.deepEqual(failed?.violations, [
      {
        path: 'name',
        message:
          'extension "microsoft.azuredefender.kubernetes" (microsoft.azuredefender.kubernetes) has provisioningState "Failed", not "Succeeded"',
      },
    ]);
    const [offline] = run(aro(), connected('aro-prod-weu', { connectivityStatus: 'Offline' }), defender(), policy());
    assert.deepEqual(offline?.violations, [
      {
        path: 'name',
        message: 'connected cluster "aro-prod-weu" has connectivityStatus "Offline", so its agents do not report',
      },
    ]);
    const [expired] = run(aro(), connected('aro-prod-weu', { connectivityStatus: 'Expired' }));
    assert.equal(expired?.status, 'fail');
  });

  it('fails when connected clusters of the subscription are in the input but none stands for this cluster', () => {
    const [finding] = run(aro(), aro('aro-dev-weu'), connected('aks-edge-01', { distribution: 'aks_edge_k8s' }));
    assert.equal(finding?.status, 'fail');
    assert.deepEqual(finding?.violations, [
      {
        path: 'name',
        message:
          'no Azure Arc connected cluster in the input stands for this cluster (none is named "aro-prod-weu", and no single OpenShift connected cluster is in its resource group "rg-aro-prod")',
      },
    ]);
  });

  it('matches the only OpenShift connected cluster of the resource group when the names differ', () => {
    const statuses = run(aro(), connected('arc-aro-prod'), defender('arc-aro-prod'), policy('arc-aro-prod'));
    assert.equal(statuses[0]?.status, 'pass');
    // Two ARO clusters in the resource group: the rule cannot tell which one it stands for.
    const two = run(
      aro(),
      aro('aro-dev-weu'),
      connected('arc-aro-prod'),
      defender('arc-aro-prod'),
      policy('arc-aro-prod'),
    );
    assert.deepEqual(
      two.map((f) => f.status),
      ['fail', 'fail'],
    );
  });

  it('matches a connected cluster of the same name in another (management) subscription', () => {
    const findings = run(
      aro(),
      connected('aro-prod-weu', {}, MGMT_SUB),
      defender('aro-prod-weu', 'Succeeded', MGMT_SUB),
      policy('aro-prod-weu', 'Succeeded', MGMT_SUB),
    );
    assert.equal(findings[0]?.status, 'pass');
  });

  it('is indeterminate when the input has no connected cluster of the subscription, naming the export command', () => {
    for (const others of [[], [connected('other-cluster', {}, MGMT_SUB)]]) {
      const [finding] = run(aro(), ...others);
      assert.equal(finding?.status, 'indeterminate');
      assert.equal(
        finding?.reason,
        `the input has no Microsoft.Kubernetes/connectedClusters of the cluster's subscription ${SUB}, so whether the cluster is Arc-connected is unknown; export them with \`az connectedk8s list --subscription ${SUB}\` (or \`az graph query -q "resources | where type =~ 'microsoft.kubernetes/connectedclusters'"\`)`,
      );
    }
  });

  it('is indeterminate when the extensions of the matched connected cluster are not in the input', () => {
    const [finding] = run(aro(), connected());
    assert.equal(finding?.status, 'indeterminate');
    assert.equal(
      finding?.reason,
      'the input has no Microsoft.KubernetesConfiguration/extensions of connected cluster "aro-prod-weu"; export them with `az k8s-extension list --cluster-type connectedClusters --cluster-name aro-prod-weu --resource-group rg-aro-prod` (an empty list means neither extension is installed)',
    );
  });

  it('is indeterminate when the connected cluster or its extensions come without properties', () => {
    const bare = {
      id: `${connectedId('aro-prod-weu')}/providers/Microsoft.KubernetesConfiguration/extensions/azurepolicy`,
      name: 'azurepolicy',
      type: 'Microsoft.KubernetesConfiguration/extensions',
      properties: null,
    };
    const [finding] = run(aro(), connected(), defender(), bare);
    assert.equal(finding?.status, 'indeterminate');
    assert.match(finding?.reason ?? '', /^extension "azurepolicy": the input has no properties/);
  });

  it('reads az graph query rows (lowercased types and ids)', () => {
    const lower = <T extends { id: string; type: string }>(r: T): T => ({
      ...r,
      id: r.id.toLowerCase(),
      type: r.type.toLowerCase(),
    });
    const graphExtension = (e: ReturnType<typeof defender>) => {
      const { id, name, type, resourceGroup, ...properties } = e;
      return lower({ id, name, type, resourceGroup, subscriptionId: SUB, properties });
    };
    const text = JSON.stringify({
      count: 4,
      data: [lower(aro()), lower(connected()), graphExtension(defender()), graphExtension(policy())],
      skip_token: null,
      total_records: 4,
    });
    const [finding] = runCheckOn(aroNotArcProtected, text, undefined, 'a.json');
    assert.equal(finding?.status, 'pass');
  });
});
