import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { runAsUser } from './run-as-user.ts';

const pod = (podUser: number, appUser: number, extra = ''): string => `apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop}
spec:
  ${extra}
  securityContext: {runAsNonRoot: true, runAsUser: ${podUser}}
  initContainers:
  - {name: setup, image: setup:1}
  containers:
  - {name: app, image: app:1, securityContext: {runAsUser: ${appUser}}}
`;

describe('run-as-user', () => {
  it('a pod-level 0 fails even when the container overrides it', () => {
    const [finding] = runCheckOn(runAsUser, pod(0, 1000));
    assert.equal(
      finding?.message,
      'Pod "shop/web" violates PodSecurity "restricted:v1.37": runAsUser=0 (pod must not set runAsUser=0)',
    );
    assert.deepEqual(finding?.violations, [
      { path: 'spec.securityContext.runAsUser', message: 'pod must not set runAsUser=0', actual: 0 },
    ]);
  });

  it('names the pod and the containers', () => {
    const [finding] = runCheckOn(runAsUser, pod(0, 0));
    assert.equal(
      finding?.message,
      'Pod "shop/web" violates PodSecurity "restricted:v1.37": runAsUser=0 (pod and container "app" must not set runAsUser=0)',
    );
    assert.deepEqual(finding?.violations.at(-1), {
      path: 'spec.containers[0].securityContext.runAsUser',
      message: 'container "app" must not set runAsUser=0',
      container: 'app',
      actual: 0,
    });
  });

  const versions = [
    { minor: 22, extra: '', status: 'not-applicable' },
    { minor: 23, extra: '', status: 'fail' },
    { minor: 34, extra: 'hostUsers: false', status: 'fail' },
    { minor: 35, extra: 'hostUsers: false', status: 'not-applicable' },
    { minor: 35, extra: 'hostUsers: true', status: 'fail' },
  ] as const;
  for (const { minor, extra, status } of versions) {
    it(`v1.${minor} ${extra || 'host user namespace'}: ${status}`, () => {
      assert.equal(runCheckOn(runAsUser, pod(0, 0, extra), { pssVersion: { major: 1, minor } })[0]?.status, status);
    });
  }

  it('passes non-zero UIDs', () => {
    assert.equal(runCheckOn(runAsUser, pod(1000, 1001))[0]?.status, 'pass');
  });
});
