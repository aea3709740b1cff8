import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { sysctls } from './sysctls.ts';

const pod = (...names: string[]): string => `apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop}
spec:
  securityContext:
    sysctls: [${names.map((n) => `{name: ${n}, value: "1"}`).join(', ')}]
  containers: [{name: app, image: app:1}]
`;

describe('sysctls', () => {
  const boundaries = [
    { name: 'net.ipv4.ip_unprivileged_port_start', allowedFrom: 0 },
    { name: 'net.ipv4.ip_local_reserved_ports', allowedFrom: 27 },
    { name: 'net.ipv4.tcp_fin_timeout', allowedFrom: 29 },
    { name: 'net.ipv4.tcp_rmem', allowedFrom: 32 },
    { name: 'net.ipv4.tcp_slow_start_after_idle', allowedFrom: 37 },
  ];
  for (const { name, allowedFrom } of boundaries) {
    it(`${name} is safe from v1.${allowedFrom}`, () => {
      if (allowedFrom > 0) {
        const [before] = runCheckOn(sysctls, pod(name), { pssVersion: { major: 1, minor: allowedFrom - 1 } });
        assert.equal(before?.status, 'fail');
      }
      const [at] = runCheckOn(sysctls, pod(name), { pssVersion: { major: 1, minor: allowedFrom } });
      assert.equal(at?.status, 'pass');
    });
  }

  it('lists forbidden names in spec order, exact spelling only', () => {
    const [finding] = runCheckOn(sysctls, pod('kernel.shm_rmid_forced', 'net/ipv4/tcp_syncookies', 'kernel.msgmax'));
    assert.equal(
      finding?.message,
      'Pod "shop/web" violates PodSecurity "baseline:v1.37": forbidden sysctls (net/ipv4/tcp_syncookies, kernel.msgmax)',
    );
    assert.deepEqual(finding?.violations, [
      {
        path: 'spec.securityContext.sysctls[1].name',
        message: 'pod must not set sysctl net/ipv4/tcp_syncookies',
        actual: 'net/ipv4/tcp_syncookies',
      },
      {
        path: 'spec.securityContext.sysctls[2].name',
        message: 'pod must not set sysctl kernel.msgmax',
        actual: 'kernel.msgmax',
      },
    ]);
  });
});
