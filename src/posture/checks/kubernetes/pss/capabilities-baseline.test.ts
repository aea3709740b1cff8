import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { capabilitiesBaseline } from './capabilities-baseline.ts';

const pod = (app: string, setup = '[]'): string => `apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop}
spec:
  initContainers:
  - {name: setup, image: setup:1, securityContext: {capabilities: {add: ${setup}}}}
  containers:
  - {name: app, image: app:1, securityContext: {capabilities: {add: ${app}}}}
`;

describe('capabilities-baseline', () => {
  const cases = [
    { name: 'default capabilities', yaml: pod('[CHOWN, NET_BIND_SERVICE, KILL, AUDIT_WRITE]'), status: 'pass' },
    { name: 'no add list', yaml: pod('[]'), status: 'pass' },
  ] as const;
  for (const c of cases) {
    it(c.name, () => {
      assert.equal(runCheckOn(capabilitiesBaseline, c.yaml)[0]?.status, c.status);
    });
  }

  it('forbids non-default, CAP_-prefixed and lowercase names, sorted in the detail', () => {
    const [finding] = runCheckOn(capabilitiesBaseline, pod('[CHOWN, SYS_ADMIN, NET_RAW]', '[CAP_CHOWN, chown]'));
    assert.equal(finding?.status, 'fail');
    assert.equal(
      finding?.message,
      'Pod "shop/web" violates PodSecurity "baseline:v1.37": non-default capabilities (containers "setup", "app" must not include "CAP_CHOWN", "NET_RAW", "SYS_ADMIN", "chown" in securityContext.capabilities.add)',
    );
    assert.deepEqual(
      finding?.violations.map((v) => [v.path, v.message, v.container]),
      [
        [
          'spec.initContainers[0].securityContext.capabilities.add[0]',
          'container "setup" must not include "CAP_CHOWN" in securityContext.capabilities.add',
          'setup',
        ],
        [
          'spec.initContainers[0].securityContext.capabilities.add[1]',
          'container "setup" must not include "chown" in securityContext.capabilities.add',
          'setup',
        ],
        [
          'spec.containers[0].securityContext.capabilities.add[1]',
          'container "app" must not include "SYS_ADMIN" in securityContext.capabilities.add',
          'app',
        ],
        [
          'spec.containers[0].securityContext.capabilities.add[2]',
          'container "app" must not include "NET_RAW" in securityContext.capabilities.add',
          'app',
        ],
      ],
    );
  });
});
