import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { seccompBaseline } from './seccomp-baseline.ts';
import { seccompRestricted } from './seccomp-restricted.ts';

const pod = (podContext: string, appContext: string, extra = ''): string => `apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: shop
  annotations: {seccomp.security.alpha.kubernetes.io/pod: unconfined}
spec:
  ${extra}
  securityContext: ${podContext}
  initContainers:
  - {name: setup, image: setup:1}
  containers:
  - {name: app, image: app:1, securityContext: ${appContext}}
`;

describe('seccomp-restricted', () => {
  it('overrides seccomp-baseline', () => {
    assert.deepEqual(seccompRestricted.meta.overrides, [seccompBaseline.meta.id]);
  });

  it('the pod-level profile covers containers that leave it unset', () => {
    assert.equal(
      runCheckOn(seccompRestricted, pod('{seccompProfile: {type: RuntimeDefault}}', '{}'))[0]?.status,
      'pass',
    );
  });

  it('a container profile overrides the pod one', () => {
    const [finding] = runCheckOn(
      seccompRestricted,
      pod('{seccompProfile: {type: RuntimeDefault}}', '{seccompProfile: {type: Unconfined}}'),
    );
    assert.equal(
      finding?.message,
      'Pod "shop/web" violates PodSecurity "restricted:v1.37": seccompProfile (container "app" must not set securityContext.seccompProfile.type to "Unconfined")',
    );
    assert.deepEqual(finding?.violations, [
      {
        path: 'spec.containers[0].securityContext.seccompProfile.type',
        message: 'container "app" must not set securityContext.seccompProfile.type to "Unconfined"',
        container: 'app',
        actual: 'Unconfined',
      },
    ]);
  });

  it('names containers left without a profile', () => {
    const [finding] = runCheckOn(
      seccompRestricted,
      pod('{}', '{seccompProfile: {type: Localhost, localhostProfile: p.json}}'),
    );
    assert.equal(
      finding?.message,
      'Pod "shop/web" violates PodSecurity "restricted:v1.37": seccompProfile (pod or container "setup" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
    );
    assert.deepEqual(finding?.violations, [
      {
        path: 'spec.initContainers[0].securityContext.seccompProfile.type',
        message:
          'pod or container "setup" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"',
        container: 'setup',
      },
    ]);
  });

  it('before v1.19 applies the baseline annotation rule instead (restricted includes baseline)', () => {
    const [finding] = runCheckOn(seccompRestricted, pod('{}', '{}'), { pssVersion: { major: 1, minor: 18 } });
    assert.equal(
      finding?.message,
      'Pod "shop/web" violates PodSecurity "restricted:v1.18": seccompProfile (forbidden annotation seccomp.security.alpha.kubernetes.io/pod="unconfined")',
    );
  });

  const windows = [
    { minor: 24, status: 'fail' },
    { minor: 25, status: 'not-applicable' },
  ] as const;
  for (const { minor, status } of windows) {
    it(`Windows pod without a profile at v1.${minor}: ${status}`, () => {
      const yaml = pod('{}', '{}', 'os: {name: windows}');
      assert.equal(runCheckOn(seccompRestricted, yaml, { pssVersion: { major: 1, minor } })[0]?.status, status);
    });
  }
});
