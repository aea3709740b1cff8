import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { allowPrivilegeEscalation } from './allow-privilege-escalation.ts';

const pod = (os: string): string => `apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop}
spec:
  ${os}
  initContainers:
  - {name: setup, image: setup:1, securityContext: {allowPrivilegeEscalation: false}}
  containers:
  - {name: app, image: app:1, securityContext: {allowPrivilegeEscalation: true}}
  ephemeralContainers:
  - {name: debugger, image: debug:1}
`;

describe('allow-privilege-escalation', () => {
  it('requires false on every container (unset counts as true)', () => {
    const [finding] = runCheckOn(allowPrivilegeEscalation, pod(''));
    assert.equal(
      finding?.message,
      'Pod "shop/web" violates PodSecurity "restricted:v1.37": allowPrivilegeEscalation != false (containers "app", "debugger" must set securityContext.allowPrivilegeEscalation=false)',
    );
    assert.deepEqual(finding?.violations, [
      {
        path: 'spec.containers[0].securityContext.allowPrivilegeEscalation',
        message: 'container "app" must set securityContext.allowPrivilegeEscalation=false',
        container: 'app',
        actual: true,
      },
      {
        path: 'spec.ephemeralContainers[0].securityContext.allowPrivilegeEscalation',
        message: 'container "debugger" must set securityContext.allowPrivilegeEscalation=false',
        container: 'debugger',
      },
    ]);
  });

  const versions = [
    { minor: 7, os: '', status: 'not-applicable' },
    { minor: 8, os: '', status: 'fail' },
    { minor: 24, os: 'os: {name: windows}', status: 'fail' },
    { minor: 25, os: 'os: {name: windows}', status: 'not-applicable' },
    { minor: 25, os: 'os: {name: linux}', status: 'fail' },
  ] as const;
  for (const { minor, os, status } of versions) {
    it(`v1.${minor} ${os || 'no os'}: ${status}`, () => {
      assert.equal(
        runCheckOn(allowPrivilegeEscalation, pod(os), { pssVersion: { major: 1, minor } })[0]?.status,
        status,
      );
    });
  }
});
