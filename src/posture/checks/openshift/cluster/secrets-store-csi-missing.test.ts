import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Finding } from '#core';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { isAzureProviderDaemonSet, isDriverDaemonSet, secretsStoreCsiMissing } from './secrets-store-csi-missing.ts';

const CLUSTER_VERSION = `
apiVersion: config.openshift.io/v1
kind: ClusterVersion
metadata: { name: version }
spec: { channel: stable-4.20 }
status: { desired: { version: 4.20.8 } }
`;

const daemonSet = (namespace: string, name: string) => `---
apiVersion: apps/v1
kind: DaemonSet
metadata: { name: ${name}, namespace: ${namespace} }
spec:
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { app: ${name} } }
    spec:
      containers: [ { name: main, image: "registry.example.com/${name}:1.0" } ]
`;

const CSI_DRIVER = `---
apiVersion: storage.k8s.io/v1
kind: CSIDriver
metadata: { name: secrets-store.csi.k8s.io }
spec: { attachRequired: false, podInfoOnMount: true, volumeLifecycleModes: [Ephemeral] }
`;

const DNS = daemonSet('openshift-dns', 'dns-default');
const NS = 'k8s-secrets-store-csi';
const DRIVER_MISSING = {
  path: 'metadata.name',
  message:
    'neither the CSIDriver "secrets-store.csi.k8s.io" nor a Secrets Store CSI driver DaemonSet is in the cluster, so pods cannot mount secrets from Azure Key Vault',
};
const PROVIDER_MISSING = {
  path: 'metadata.name',
  message:
    'no DaemonSet of the Azure Key Vault provider (*secrets-store-provider-azure*) is in the cluster, so the Secrets Store CSI driver cannot read Azure Key Vault',
};

function only(text: string, file?: string): Finding {
  const [finding, ...rest] = runCheckOn(secretsStoreCsiMissing, text, undefined, file).filter(
    (f) => f.resource.kind === 'ClusterVersion',
  );
  assert.ok(finding);
  assert.equal(rest.length, 0);
  return finding;
}

describe('secrets-store-csi-missing', () => {
  it('passes with the Helm charts of the ARO how-to in a user namespace', () => {
    const yaml =
      CLUSTER_VERSION +
      DNS +
      daemonSet(NS, 'csi-secrets-store-secrets-store-csi-driver') +
      daemonSet(NS, 'azure-csi-provider-csi-secrets-store-provider-azure');
    assert.equal(only(yaml).status, 'pass');
  });

  it('passes with the CSIDriver object and the provider DaemonSet', () => {
    const yaml =
      CLUSTER_VERSION + CSI_DRIVER + daemonSet('openshift-cluster-csi-drivers', 'csi-secrets-store-provider-azure');
    assert.equal(only(yaml).status, 'pass');
  });

  it('fails on both parts when the platform DaemonSets are exported and neither is installed', () => {
    const finding = only(CLUSTER_VERSION + DNS);
    assert.equal(finding.status, 'fail');
    assert.deepEqual(finding.violations, [DRIVER_MISSING, PROVIDER_MISSING]);
    assert.equal(
      finding.remediation.azureCli,
      'az k8s-extension create --cluster-name <arc-cluster-name> --resource-group <resource-group> --cluster-type connectedClusters --extension-type Microsoft.AzureKeyVaultSecretsProvider --name akvsecretsprovider',
    );
  });

  it('fails when the driver runs without the Azure provider', () => {
    const yaml =
      CLUSTER_VERSION + CSI_DRIVER + daemonSet('openshift-cluster-csi-drivers', 'secrets-store-csi-driver-node');
    assert.deepEqual(only(yaml).violations, [PROVIDER_MISSING]);
  });

  it('is indeterminate on what the scan cannot show: a CSIDriver without platform DaemonSets', () => {
    const finding = only(CLUSTER_VERSION + CSI_DRIVER);
    assert.equal(finding.status, 'indeterminate');
    assert.equal(
      finding.reason,
      'the scan holds no DaemonSet of a platform namespace, so it cannot show the Azure Key Vault provider; export them with oc get daemonsets -A -o yaml',
    );
  });

  it('is indeterminate when the input has no Deployment or DaemonSet at all', () => {
    const finding = only(CLUSTER_VERSION);
    assert.equal(finding.status, 'indeterminate');
    assert.equal(
      finding.reason,
      'the scan holds no Deployment or DaemonSet, so an installed driver cannot be told from one that was not exported; export them with oc get daemonsets -A -o yaml and oc get csidrivers -o yaml',
    );
  });

  it('recognises the DaemonSet names of the charts, the Red Hat operator and the extensions', () => {
    for (const name of [
      'csi-secrets-store-secrets-store-csi-driver',
      'secrets-store-csi-driver-node',
      'aks-secrets-store-csi-driver',
      'csi-secrets-store',
    ]) {
      assert.ok(isDriverDaemonSet(name), name);
    }
    assert.ok(!isDriverDaemonSet('csi-secrets-store-provider-azure'));
    for (const name of ['csi-secrets-store-provider-azure', 'aks-secrets-store-provider-azure']) {
      assert.ok(isAzureProviderDaemonSet(name), name);
    }
    assert.ok(!isAzureProviderDaemonSet('csi-secrets-store-provider-gcp'));
  });

  it('reads oc get -o json List output', () => {
    const json = JSON.stringify({
      apiVersion: 'v1',
      kind: 'List',
      metadata: { resourceVersion: '' },
      items: [
        { apiVersion: 'config.openshift.io/v1', kind: 'ClusterVersion', metadata: { name: 'version' }, spec: {} },
        {
          apiVersion: 'apps/v1',
          kind: 'DaemonSet',
          metadata: { name: 'node-ca', namespace: 'openshift-image-registry' },
          spec: {
            selector: { matchLabels: { app: 'node-ca' } },
            template: {
              metadata: { labels: { app: 'node-ca' } },
              spec: { containers: [{ name: 'node-ca', image: 'quay.io/node-ca:1' }] },
            },
          },
        },
      ],
    });
    assert.deepEqual(only(json, 'a.json').violations, [DRIVER_MISSING, PROVIDER_MISSING]);
  });
});
