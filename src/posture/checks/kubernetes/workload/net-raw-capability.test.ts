import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Violation } from '#core';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { netRawCapability } from './net-raw-capability.ts';

function podWithSecurityContext(securityContext: string): string {
  return `
apiVersion: v1
kind: Pod
metadata: { name: p, namespace: ns }
spec:
  containers:
    - name: app
      image: app:1
      securityContext: ${securityContext}
`;
}

describe('net-raw-capability', () => {
  const table: readonly (readonly [string, 'pass' | 'fail'])[] = [
    ['{ capabilities: { drop: [ALL] } }', 'pass'],
    ['{ capabilities: { drop: [all] } }', 'pass'],
    ['{ capabilities: { drop: [NET_RAW] } }', 'pass'],
    ['{ capabilities: { drop: [CAP_NET_RAW] } }', 'pass'],
    ['{ capabilities: { drop: [cap_net_raw] } }', 'pass'],
    ['{ capabilities: { drop: [ALL], add: [NET_BIND_SERVICE] } }', 'pass'],
    ['{ capabilities: { drop: [ALL], add: [NET_RAW] } }', 'fail'],
    ['{ capabilities: { drop: [ALL], add: [cap_net_raw] } }', 'fail'],
    ['{ capabilities: { drop: [ALL], add: [ALL] } }', 'fail'],
    ['{ capabilities: { drop: [NET_ADMIN] } }', 'fail'],
    ['{ capabilities: {} }', 'fail'],
    ['{ runAsNonRoot: true }', 'fail'],
    ['{ privileged: true, capabilities: { drop: [ALL] } }', 'fail'],
  ];
  for (const [securityContext, status] of table) {
    it(`${securityContext} → ${status}`, () => {
      assert.equal(runCheckOn(netRawCapability, podWithSecurityContext(securityContext))[0]?.status, status);
    });
  }

  it('reports exact paths for init, regular and ephemeral containers', () => {
    const [finding] = runCheckOn(
      netRawCapability,
      `
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      initContainers:
        - name: init
          image: init:1
          securityContext: { capabilities: { drop: [CHOWN] } }
      containers:
        - name: web
          image: web:1
          securityContext: { capabilities: { drop: [ALL], add: [NET_BIND_SERVICE, CAP_NET_RAW] } }
        - name: sidecar
          image: proxy:1
          securityContext: { capabilities: { add: [all] } }
        - name: priv
          image: priv:1
          securityContext: { privileged: true }
        - name: ok
          image: ok:1
          securityContext: { capabilities: { drop: [ALL] } }
`,
    );
    const expected: Violation[] = [
      {
        path: 'spec.template.spec.initContainers[0].securityContext.capabilities.drop',
        message: 'container "init" does not drop NET_RAW (drop ALL or NET_RAW)',
        container: 'init',
        actual: ['CHOWN'],
      },
      {
        path: 'spec.template.spec.containers[0].securityContext.capabilities.add[1]',
        message: 'container "web" adds capability CAP_NET_RAW',
        container: 'web',
        actual: 'CAP_NET_RAW',
      },
      {
        path: 'spec.template.spec.containers[1].securityContext.capabilities.add[0]',
        message: 'container "sidecar" adds capability all, which includes NET_RAW',
        container: 'sidecar',
        actual: 'all',
      },
      {
        path: 'spec.template.spec.containers[2].securityContext.privileged',
        message: 'container "priv" is privileged, which grants NET_RAW whatever it drops',
        container: 'priv',
        actual: true,
      },
    ];
    assert.deepEqual(finding?.violations, expected);
  });

  it('checks ephemeral containers and skips Windows pods', () => {
    const [linux] = runCheckOn(
      netRawCapability,
      `
apiVersion: v1
kind: Pod
metadata: { name: p, namespace: ns }
spec:
  containers:
    - { name: app, image: app:1, securityContext: { capabilities: { drop: [ALL] } } }
  ephemeralContainers:
    - { name: debug, image: netshoot:1 }
`,
    );
    assert.deepEqual(linux?.violations, [
      {
        path: 'spec.ephemeralContainers[0].securityContext.capabilities.drop',
        message: 'container "debug" does not drop NET_RAW (drop ALL or NET_RAW)',
        container: 'debug',
      },
    ]);
    const [windows] = runCheckOn(
      netRawCapability,
      `
apiVersion: v1
kind: Pod
metadata: { name: p, namespace: ns }
spec:
  os: { name: windows }
  containers:
    - { name: app, image: app:1 }
`,
    );
    assert.equal(windows?.status, 'not-applicable');
  });
});
