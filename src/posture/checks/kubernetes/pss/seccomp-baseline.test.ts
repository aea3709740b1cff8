import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { seccompBaseline } from './seccomp-baseline.ts';

const pod = (annotations: string, podContext: string, appContext: string): string => `apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: shop
  annotations: ${annotations}
spec:
  securityContext: ${podContext}
  initContainers:
  - {name: setup, image: setup:1}
  containers:
  - {name: app, image: app:1, securityContext: ${appContext}}
`;

const ANNOTATED = pod(
  '{seccomp.security.alpha.kubernetes.io/pod: unconfined, container.seccomp.security.alpha.kubernetes.io/app: "", container.seccomp.security.alpha.kubernetes.io/setup: localhost/shop.json, container.seccomp.security.alpha.kubernetes.io/gone: unconfined}',
  '{}',
  '{}',
);
const FIELDS = pod('{}', '{seccompProfile: {type: Unconfined}}', '{seccompProfile: {type: Unconfined}}');

describe('seccomp-baseline', () => {
  it('before v1.19 reads the annotations of the pod and of existing containers only', () => {
    const [finding] = runCheckOn(seccompBaseline, ANNOTATED, { pssVersion: { major: 1, minor: 18 } });
    assert.equal(finding?.status, 'fail');
    assert.equal(
      finding?.message,
      'Pod "shop/web" violates PodSecurity "baseline:v1.18": seccompProfile (forbidden annotations container.seccomp.security.alpha.kubernetes.io/app="", seccomp.security.alpha.kubernetes.io/pod="unconfined")',
    );
    assert.deepEqual(finding?.violations, [
      {
        path: 'metadata.annotations["seccomp.security.alpha.kubernetes.io/pod"]',
        message: 'pod must not set annotation seccomp.security.alpha.kubernetes.io/pod="unconfined"',
        actual: 'unconfined',
      },
      {
        path: 'metadata.annotations["container.seccomp.security.alpha.kubernetes.io/app"]',
        message: 'container "app" must not set annotation container.seccomp.security.alpha.kubernetes.io/app=""',
        container: 'app',
        actual: '',
      },
    ]);
  });

  it('before v1.19 ignores the fields', () => {
    assert.equal(runCheckOn(seccompBaseline, FIELDS, { pssVersion: { major: 1, minor: 18 } })[0]?.status, 'pass');
  });

  it('from v1.19 reads the fields', () => {
    const [finding] = runCheckOn(seccompBaseline, FIELDS, { pssVersion: { major: 1, minor: 19 } });
    assert.equal(
      finding?.message,
      'Pod "shop/web" violates PodSecurity "baseline:v1.19": seccompProfile (pod and container "app" must not set securityContext.seccompProfile.type to "Unconfined")',
    );
    assert.deepEqual(
      finding?.violations.map((v) => v.path),
      ['spec.securityContext.seccompProfile.type', 'spec.containers[0].securityContext.seccompProfile.type'],
    );
  });

  it('from v1.19 ignores the annotations', () => {
    assert.equal(runCheckOn(seccompBaseline, ANNOTATED, { pssVersion: { major: 1, minor: 19 } })[0]?.status, 'pass');
  });
});
