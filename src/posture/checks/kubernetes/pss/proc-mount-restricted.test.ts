import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { procMount } from './proc-mount.ts';
import { procMountRestricted } from './proc-mount-restricted.ts';

const POD = `apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop}
spec:
  hostUsers: false
  containers:
  - {name: app, image: app:1, securityContext: {procMount: Unmasked}}
`;

describe('proc-mount-restricted', () => {
  it('overrides the baseline check', () => {
    assert.deepEqual(procMountRestricted.meta.overrides, [procMount.meta.id]);
  });

  for (const minor of [0, 34, 35, 37]) {
    it(`forbids Unmasked even in a user namespace at v1.${minor}`, () => {
      const [finding] = runCheckOn(procMountRestricted, POD, { pssVersion: { major: 1, minor } });
      assert.equal(finding?.status, 'fail');
      assert.equal(
        finding?.message,
        `Pod "shop/web" violates PodSecurity "restricted:v1.${minor}": procMount (container "app" must not set securityContext.procMount to "Unmasked")`,
      );
      assert.deepEqual(
        finding?.violations.map((v) => v.path),
        ['spec.containers[0].securityContext.procMount'],
      );
    });
  }

  it('passes Default', () => {
    assert.equal(runCheckOn(procMountRestricted, POD.replace('Unmasked', 'Default'))[0]?.status, 'pass');
  });
});
