import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { hostProbesLifecycle } from './host-probes-lifecycle.ts';

const POD = `apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop}
spec:
  initContainers:
  - name: setup
    image: setup:1
    restartPolicy: Always
    readinessProbe: {tcpSocket: {host: 8.8.8.8, port: 53}}
  containers:
  - name: app
    image: app:1
    livenessProbe: {httpGet: {host: "::1", port: 8080}}
    startupProbe: {httpGet: {host: "", port: 8080}}
    lifecycle:
      preStop: {httpGet: {host: 10.0.0.1, port: 80}, tcpSocket: {host: 8.8.8.8, port: 80}}
`;

describe('host-probes-lifecycle', () => {
  it('is not applicable before v1.34', () => {
    const [finding] = runCheckOn(hostProbesLifecycle, POD, { pssVersion: { major: 1, minor: 33 } });
    assert.equal(finding?.status, 'not-applicable');
    assert.equal(finding?.reason, 'check introduced in v1.34');
  });

  it('from v1.34 forbids any host, sorting containers and hosts', () => {
    const [finding] = runCheckOn(hostProbesLifecycle, POD, { pssVersion: { major: 1, minor: 34 } });
    assert.equal(finding?.status, 'fail');
    assert.equal(
      finding?.message,
      'Pod "shop/web" violates PodSecurity "baseline:v1.34": probe or lifecycle host (containers "app", "setup" use probe or lifecycle hosts "10.0.0.1", "8.8.8.8", "::1")',
    );
    assert.deepEqual(
      finding?.violations.map((v) => [v.path, v.message]),
      [
        [
          'spec.initContainers[0].readinessProbe.tcpSocket.host',
          'container "setup" must not set readinessProbe.tcpSocket.host ("8.8.8.8")',
        ],
        [
          'spec.containers[0].livenessProbe.httpGet.host',
          'container "app" must not set livenessProbe.httpGet.host ("::1")',
        ],
        [
          'spec.containers[0].lifecycle.preStop.httpGet.host',
          'container "app" must not set lifecycle.preStop.httpGet.host ("10.0.0.1")',
        ],
        [
          'spec.containers[0].lifecycle.preStop.tcpSocket.host',
          'container "app" must not set lifecycle.preStop.tcpSocket.host ("8.8.8.8")',
        ],
      ],
    );
  });

  it('passes probes without a host', () => {
    const yaml = POD.replace('host: 8.8.8.8, ', '')
      .replace('host: "::1", ', '')
      .replace('host: 10.0.0.1, ', '')
      .replace('host: 8.8.8.8, ', '');
    assert.equal(runCheckOn(hostProbesLifecycle, yaml)[0]?.status, 'pass');
  });
});
