import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { procMount } from './proc-mount.ts';

const pod = (hostUsers: string): string => `apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop}
spec:
  ${hostUsers}
  initContainers:
  - {name: setup, image: setup:1, securityContext: {procMount: Default}}
  containers:
  - {name: app, image: app:1, securityContext: {procMount: Unmasked}}
`;

describe('proc-mount', () => {
  it('forbids Unmasked', () => {
    const [finding] = runCheckOn(procMount, pod('hostUsers: true'));
    assert.equal(finding?.status, 'fail');
    assert.equal(
      finding?.message,
      'Pod "shop/web" violates PodSecurity "baseline:v1.37": procMount (container "app" must not set securityContext.procMount to "Unmasked")',
    );
    assert.deepEqual(finding?.violations, [
      {
        path: 'spec.containers[0].securityContext.procMount',
        message: 'container "app" must not set securityContext.procMount to "Unmasked"',
        container: 'app',
        actual: 'Unmasked',
      },
    ]);
  });

  const userNamespace = [
    { minor: 34, status: 'fail' },
    { minor: 35, status: 'not-applicable' },
  ] as const;
  for (const { minor, status } of userNamespace) {
    it(`user-namespace pod at v1.${minor}: ${status}`, () => {
      const [finding] = runCheckOn(procMount, pod('hostUsers: false'), { pssVersion: { major: 1, minor } });
      assert.equal(finding?.status, status);
      if (status === 'not-applicable') {
        assert.equal(finding?.reason, 'pod runs in a user namespace (spec.hostUsers=false), relaxed from v1.35');
      }
    });
  }
});
