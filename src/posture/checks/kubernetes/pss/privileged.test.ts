import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { privileged } from './privileged.ts';

const POD = `apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop}
spec:
  initContainers:
  - {name: setup, image: setup:1, securityContext: {privileged: true}}
  containers:
  - {name: app, image: app:1, securityContext: {privileged: false}}
  - {name: sidecar, image: side:1}
  ephemeralContainers:
  - {name: debugger, image: debug:1, securityContext: {privileged: true}}
`;

describe('privileged', () => {
  it('names every privileged container, init and ephemeral included', () => {
    const [finding] = runCheckOn(privileged, POD);
    assert.equal(finding?.status, 'fail');
    assert.equal(
      finding?.message,
      'Pod "shop/web" violates PodSecurity "baseline:v1.37": privileged (containers "setup", "debugger" must not set securityContext.privileged=true)',
    );
    assert.deepEqual(finding?.violations, [
      {
        path: 'spec.initContainers[0].securityContext.privileged',
        message: 'container "setup" must not set securityContext.privileged=true',
        container: 'setup',
        actual: true,
      },
      {
        path: 'spec.ephemeralContainers[0].securityContext.privileged',
        message: 'container "debugger" must not set securityContext.privileged=true',
        container: 'debugger',
        actual: true,
      },
    ]);
  });

  it('passes when privileged is false or unset', () => {
    const [finding] = runCheckOn(privileged, POD.replaceAll('privileged: true', 'privileged: false'));
    assert.equal(finding?.status, 'pass');
  });

  it('applies from v1.0', () => {
    const [finding] = runCheckOn(privileged, POD, { pssVersion: { major: 1, minor: 0 } });
    assert.equal(finding?.status, 'fail');
  });
});
