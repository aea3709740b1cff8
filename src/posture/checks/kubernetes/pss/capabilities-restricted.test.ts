import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { capabilitiesBaseline } from './capabilities-baseline.ts';
import { capabilitiesRestricted } from './capabilities-restricted.ts';

const pod = (setupCaps: string, appCaps: string, extra = ''): string => `apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop}
spec:
  ${extra}
  initContainers:
  - {name: setup, image: setup:1, securityContext: {capabilities: ${setupCaps}}}
  containers:
  - {name: app, image: app:1, securityContext: {capabilities: ${appCaps}}}
  - {name: sidecar, image: side:1}
`;

describe('capabilities-restricted', () => {
  it('overrides capabilities-baseline', () => {
    assert.deepEqual(capabilitiesRestricted.meta.overrides, [capabilitiesBaseline.meta.id]);
  });

  it('requires drop ALL (exact spelling) and allows only NET_BIND_SERVICE to be added', () => {
    const [finding] = runCheckOn(
      capabilitiesRestricted,
      pod(
        '{drop: [all], add: [NET_BIND_SERVICE]}',
        '{drop: [ALL], add: [NET_BIND_SERVICE, CHOWN, CAP_NET_BIND_SERVICE]}',
      ),
    );
    assert.equal(
      finding?.message,
      'Pod "shop/web" violates PodSecurity "restricted:v1.37": unrestricted capabilities (containers "setup", "sidecar" must set securityContext.capabilities.drop=["ALL"]; container "app" must not include "CAP_NET_BIND_SERVICE", "CHOWN" in securityContext.capabilities.add)',
    );
    assert.deepEqual(
      finding?.violations.map((v) => [v.path, v.message]),
      [
        [
          'spec.initContainers[0].securityContext.capabilities.drop',
          'container "setup" must set securityContext.capabilities.drop=["ALL"]',
        ],
        [
          'spec.containers[0].securityContext.capabilities.add[1]',
          'container "app" must not include "CHOWN" in securityContext.capabilities.add',
        ],
        [
          'spec.containers[0].securityContext.capabilities.add[2]',
          'container "app" must not include "CAP_NET_BIND_SERVICE" in securityContext.capabilities.add',
        ],
        [
          'spec.containers[1].securityContext.capabilities.drop',
          'container "sidecar" must set securityContext.capabilities.drop=["ALL"]',
        ],
      ],
    );
  });

  const versions = [
    { minor: 21, caps: '{add: [CHOWN]}', status: 'pass' },
    { minor: 21, caps: '{add: [NET_RAW]}', status: 'fail' },
    { minor: 22, caps: '{add: [CHOWN]}', status: 'fail' },
  ] as const;
  for (const { minor, caps, status } of versions) {
    it(`v1.${minor} ${caps} without drop: ${status} (before v1.22 the baseline rule applies)`, () => {
      assert.equal(
        runCheckOn(capabilitiesRestricted, pod(caps, caps), { pssVersion: { major: 1, minor } })[0]?.status,
        status,
      );
    });
  }

  const windows = [
    { minor: 24, status: 'fail' },
    { minor: 25, status: 'not-applicable' },
  ] as const;
  for (const { minor, status } of windows) {
    it(`Windows pod without capabilities at v1.${minor}: ${status}`, () => {
      const yaml = pod('{}', '{}', 'os: {name: windows}');
      assert.equal(runCheckOn(capabilitiesRestricted, yaml, { pssVersion: { major: 1, minor } })[0]?.status, status);
    });
  }
});
