import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { runAsNonRoot } from './run-as-non-root.ts';

/** 'unset' leaves the field out. */
const field = (value: string): string => (value === 'unset' ? '{}' : `{runAsNonRoot: ${value}}`);
const pod = (podValue: string, setupValue: string, appValue: string, extra = ''): string => `apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop}
spec:
  ${extra}
  securityContext: ${field(podValue)}
  initContainers:
  - {name: setup, image: setup:1, securityContext: ${field(setupValue)}}
  containers:
  - {name: app, image: app:1, securityContext: ${field(appValue)}}
`;

describe('run-as-non-root', () => {
  const cases = [
    { name: 'pod true covers containers that leave it unset', yaml: pod('true', 'unset', 'unset'), status: 'pass' },
    { name: 'every container true, pod unset', yaml: pod('unset', 'true', 'true'), status: 'pass' },
  ] as const;
  for (const c of cases) {
    it(c.name, () => {
      assert.equal(runCheckOn(runAsNonRoot, c.yaml)[0]?.status, c.status);
    });
  }

  it('an explicit false on a container fails even under a pod-level true', () => {
    const [finding] = runCheckOn(runAsNonRoot, pod('true', 'false', 'true'));
    assert.equal(
      finding?.message,
      'Pod "shop/web" violates PodSecurity "restricted:v1.37": runAsNonRoot != true (container "setup" must not set securityContext.runAsNonRoot=false)',
    );
    assert.deepEqual(finding?.violations, [
      {
        path: 'spec.initContainers[0].securityContext.runAsNonRoot',
        message: 'container "setup" must not set securityContext.runAsNonRoot=false',
        container: 'setup',
        actual: false,
      },
    ]);
  });

  it('a pod-level false fails even when every container says true', () => {
    const [finding] = runCheckOn(runAsNonRoot, pod('false', 'true', 'true'));
    assert.equal(
      finding?.message,
      'Pod "shop/web" violates PodSecurity "restricted:v1.37": runAsNonRoot != true (pod must not set securityContext.runAsNonRoot=false)',
    );
  });

  it('names containers that leave it unset without a pod-level true', () => {
    const [finding] = runCheckOn(runAsNonRoot, pod('unset', 'true', 'unset'));
    assert.equal(
      finding?.message,
      'Pod "shop/web" violates PodSecurity "restricted:v1.37": runAsNonRoot != true (pod or container "app" must set securityContext.runAsNonRoot=true)',
    );
    assert.deepEqual(finding?.violations, [
      {
        path: 'spec.containers[0].securityContext.runAsNonRoot',
        message: 'pod or container "app" must set securityContext.runAsNonRoot=true',
        container: 'app',
      },
    ]);
  });

  const userNamespace = [
    { minor: 34, status: 'fail' },
    { minor: 35, status: 'not-applicable' },
  ] as const;
  for (const { minor, status } of userNamespace) {
    it(`user-namespace pod at v1.${minor}: ${status}`, () => {
      const yaml = pod('false', 'false', 'false', 'hostUsers: false');
      assert.equal(runCheckOn(runAsNonRoot, yaml, { pssVersion: { major: 1, minor } })[0]?.status, status);
    });
  }
});
