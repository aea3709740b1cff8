import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { windowsHostProcess } from './windows-host-process.ts';

const pod = (podValue: string, appValue: string): string => `apiVersion: v1
kind: Pod
metadata: {name: agent, namespace: ops}
spec:
  os: {name: windows}
  securityContext: {windowsOptions: {hostProcess: ${podValue}}}
  initContainers:
  - {name: setup, image: setup:1, securityContext: {windowsOptions: {hostProcess: ${appValue}}}}
  containers:
  - {name: app, image: app:1, securityContext: {windowsOptions: {hostProcess: ${appValue}}}}
`;

describe('windows-host-process', () => {
  it('reports the pod and the containers', () => {
    const [finding] = runCheckOn(windowsHostProcess, pod('true', 'true'));
    assert.equal(
      finding?.message,
      'Pod "ops/agent" violates PodSecurity "baseline:v1.37": hostProcess (pod and containers "setup", "app" must not set securityContext.windowsOptions.hostProcess=true)',
    );
    assert.deepEqual(
      finding?.violations.map((v) => [v.path, v.container]),
      [
        ['spec.securityContext.windowsOptions.hostProcess', undefined],
        ['spec.initContainers[0].securityContext.windowsOptions.hostProcess', 'setup'],
        ['spec.containers[0].securityContext.windowsOptions.hostProcess', 'app'],
      ],
    );
  });

  it('passes false', () => {
    assert.equal(runCheckOn(windowsHostProcess, pod('false', 'false'))[0]?.status, 'pass');
  });
});
