import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Finding } from '#core';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { arcDefenderSensorMissing } from './arc-defender-sensor-missing.ts';

const CLUSTER_VERSION = `
apiVersion: config.openshift.io/v1
kind: ClusterVersion
metadata: { name: version }
spec: { channel: stable-4.20 }
status: { desired: { version: 4.20.8 } }
`;

const workload = (kind: string, namespace: string, name: string) => `---
apiVersion: apps/v1
kind: ${kind}
metadata: { name: ${name}, namespace: ${namespace} }
spec:
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { app: ${name} } }
    spec:
      containers: [ { name: main, image: "mcr.microsoft.com/${name}:1.0" } ]
`;

const ARC = workload('Deployment', 'azure-arc', 'clusterconnect-agent');
const SENSOR_MDC = workload('DaemonSet', 'mdc', 'microsoft-defender-collector-ds');
const DNS = workload('DaemonSet', 'openshift-dns', 'dns-default');
const CONSOLE = workload('Deployment', 'openshift-console', 'console');

const ARC_MISSING = {
  path: 'metadata.name',
  message: 'no Deployment runs in namespace "azure-arc", so the cluster is not connected to Azure Arc',
};
const SENSOR_MISSING = {
  path: 'metadata.name',
  message:
    'no DaemonSet named microsoft-defender-* runs in namespace mdc or kube-system, so the Defender for Containers sensor is not installed',
};

function only(text: string, file?: string): Finding {
  const [finding, ...rest] = runCheckOn(arcDefenderSensorMissing, text, undefined, file).filter(
    (f) => f.resource.kind === 'ClusterVersion',
  );
  assert.ok(finding);
  assert.equal(rest.length, 0);
  return finding;
}

describe('arc-defender-sensor-missing', () => {
  it('passes with Arc agents in azure-arc and the sensor in mdc', () => {
    assert.equal(only(CLUSTER_VERSION + ARC + SENSOR_MDC + DNS).status, 'pass');
  });

  it('passes with the sensor in kube-system', () => {
    const yaml = CLUSTER_VERSION + ARC + workload('DaemonSet', 'kube-system', 'microsoft-defender-publisher-ds');
    assert.equal(only(yaml).status, 'pass');
  });

  it('fails on both parts when the platform workloads are exported and neither agent runs', () => {
    const finding = only(CLUSTER_VERSION + DNS + CONSOLE);
    assert.equal(finding.status, 'fail');
    assert.deepEqual(finding.violations, [ARC_MISSING, SENSOR_MISSING]);
    assert.equal(
      finding.remediation.azureCli,
      'az k8s-extension create --name microsoft.azuredefender.kubernetes --cluster-type connectedClusters --cluster-name <arc-cluster-name> --resource-group <resource-group> --extension-type microsoft.azuredefender.kubernetes',
    );
  });

  it('fails when Arc runs without the sensor', () => {
    const finding = only(CLUSTER_VERSION + ARC + DNS);
    assert.deepEqual(finding.violations, [SENSOR_MISSING]);
  });

  it('a microsoft-defender DaemonSet in another namespace is not the sensor', () => {
    const finding = only(
      CLUSTER_VERSION + ARC + DNS + workload('DaemonSet', 'shop', 'microsoft-defender-collector-ds'),
    );
    assert.deepEqual(finding.violations, [SENSOR_MISSING]);
  });

  it('fails on what it can decide and leaves the rest: Deployments exported, DaemonSets not', () => {
    const finding = only(CLUSTER_VERSION + CONSOLE);
    assert.equal(finding.status, 'fail');
    assert.deepEqual(finding.violations, [ARC_MISSING]);
  });

  it('is indeterminate when only the undecidable part is missing', () => {
    const finding = only(CLUSTER_VERSION + ARC);
    assert.equal(finding.status, 'indeterminate');
    assert.equal(
      finding.reason,
      'cannot tell whether the cluster runs the Defender sensor (the scan holds no DaemonSet of a platform namespace: oc get daemonsets -A -o yaml)',
    );
    const onlySensor = only(CLUSTER_VERSION + SENSOR_MDC);
    assert.equal(onlySensor.status, 'indeterminate');
    assert.equal(
      onlySensor.reason,
      'cannot tell whether the cluster runs the Azure Arc agents (the scan holds no Deployment of a platform namespace: oc get deployments -A -o yaml)',
    );
  });

  it('is indeterminate when the scan holds no Deployment or DaemonSet of the platform namespaces', () => {
    const finding = only(CLUSTER_VERSION + workload('Deployment', 'shop', 'web'));
    assert.equal(finding.status, 'indeterminate');
    assert.equal(
      finding.reason,
      'the scan holds no Deployment or DaemonSet of the platform namespaces, so installed agents cannot be told from agents that were not exported; export them with oc get deployments,daemonsets -A -o yaml',
    );
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
          metadata: { name: 'multus', namespace: 'openshift-multus' },
          spec: {
            selector: { matchLabels: { app: 'multus' } },
            template: {
              metadata: { labels: { app: 'multus' } },
              spec: { containers: [{ name: 'kube-multus', image: 'quay.io/multus:1' }] },
            },
          },
        },
      ],
    });
    const finding = only(json, 'a.json');
    assert.equal(finding.status, 'fail');
    assert.deepEqual(finding.violations, [SENSOR_MISSING]);
  });
});
