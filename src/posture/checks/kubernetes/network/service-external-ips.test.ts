import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { serviceExternalIps } from './service-external-ips.ts';

const service = (spec: string) => `
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec: ${spec}
`;

describe('service-external-ips', () => {
  const cases: readonly {
    readonly name: string;
    readonly spec: string;
    readonly status: string;
    readonly violations?: readonly { readonly path: string; readonly message: string; readonly actual?: unknown }[];
  }[] = [
    {
      name: 'external IPs on a ClusterIP Service',
      spec: '{ports: [{port: 443}], externalIPs: [203.0.113.10, "2001:db8::10"]}',
      status: 'fail',
      violations: [
        {
          path: 'spec.externalIPs[0]',
          message: 'Service claims external IP 203.0.113.10: nodes send traffic for that address to its pods',
          actual: '203.0.113.10',
        },
        {
          path: 'spec.externalIPs[1]',
          message: 'Service claims external IP 2001:db8::10: nodes send traffic for that address to its pods',
          actual: '2001:db8::10',
        },
      ],
    },
    { name: 'no external IPs', spec: '{ports: [{port: 443}]}', status: 'pass' },
    { name: 'empty list', spec: '{externalIPs: []}', status: 'pass' },
    { name: 'null list', spec: '{externalIPs: null}', status: 'pass' },
    { name: 'not a list', spec: '{externalIPs: 203.0.113.10}', status: 'error' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const [finding] = runCheckOn(serviceExternalIps, service(c.spec));
      assert.equal(finding?.status, c.status);
      assert.deepEqual(finding?.violations, c.violations ?? []);
    });
  }
});
