import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { selinuxOptions } from './selinux-options.ts';

const pod = (podOptions: string, appOptions: string, setupOptions = '{}'): string => `apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop}
spec:
  securityContext: {seLinuxOptions: ${podOptions}}
  initContainers:
  - {name: setup, image: setup:1, securityContext: {seLinuxOptions: ${setupOptions}}}
  containers:
  - {name: app, image: app:1, securityContext: {seLinuxOptions: ${appOptions}}}
`;

describe('selinux-options', () => {
  it('reports type, user and role for the pod and each container', () => {
    const [finding] = runCheckOn(
      selinuxOptions,
      pod('{type: spc_t, user: system_u}', '{role: system_r}', '{type: container_t}'),
    );
    assert.equal(finding?.status, 'fail');
    assert.equal(
      finding?.message,
      'Pod "shop/web" violates PodSecurity "baseline:v1.37": seLinuxOptions (pod and container "app" set forbidden securityContext.seLinuxOptions: type "spc_t"; user may not be set; role may not be set)',
    );
    assert.deepEqual(finding?.violations, [
      {
        path: 'spec.securityContext.seLinuxOptions.type',
        message: 'pod must not set securityContext.seLinuxOptions.type to "spc_t"',
        actual: 'spc_t',
      },
      {
        path: 'spec.securityContext.seLinuxOptions.user',
        message: 'pod must not set securityContext.seLinuxOptions.user',
        actual: 'system_u',
      },
      {
        path: 'spec.containers[0].securityContext.seLinuxOptions.role',
        message: 'container "app" must not set securityContext.seLinuxOptions.role',
        container: 'app',
        actual: 'system_r',
      },
    ]);
  });

  const versioned = [
    { minor: 30, status: 'fail' },
    { minor: 31, status: 'pass' },
  ] as const;
  for (const { minor, status } of versioned) {
    it(`container_engine_t at v1.${minor}: ${status}`, () => {
      const [finding] = runCheckOn(selinuxOptions, pod('{}', '{type: container_engine_t}'), {
        pssVersion: { major: 1, minor },
      });
      assert.equal(finding?.status, status);
    });
  }

  it('allows the container types and a level', () => {
    const yaml = pod('{type: container_t, level: "s0:c1,c2"}', '{type: container_kvm_t}', '{type: container_init_t}');
    assert.equal(runCheckOn(selinuxOptions, yaml, { pssVersion: { major: 1, minor: 0 } })[0]?.status, 'pass');
  });
});
