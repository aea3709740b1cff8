import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { routeInsecureEdgeAllow } from './route-insecure-edge-allow.ts';

const route = (tls: string) => `
apiVersion: route.openshift.io/v1
kind: Route
metadata: {name: web, namespace: shop}
spec:
  host: shop.apps.example.com
  to: {kind: Service, name: web}
  tls: ${tls}
`;

describe('route-insecure-edge-allow', () => {
  const cases: readonly {
    readonly name: string;
    readonly tls: string;
    readonly status: string;
    readonly violations?: readonly { readonly path: string; readonly message: string; readonly actual?: unknown }[];
  }[] = [
    {
      name: 'edge with Allow',
      tls: '{termination: edge, insecureEdgeTerminationPolicy: Allow}',
      status: 'fail',
      violations: [
        {
          path: 'spec.tls.insecureEdgeTerminationPolicy',
          message:
            'spec.tls.insecureEdgeTerminationPolicy is "Allow", so "shop.apps.example.com" is also served over plain HTTP',
          actual: 'Allow',
        },
      ],
    },
    {
      name: 'passthrough with Allow is invalid and still reported',
      tls: '{termination: passthrough, insecureEdgeTerminationPolicy: Allow}',
      status: 'fail',
      violations: [
        {
          path: 'spec.tls.insecureEdgeTerminationPolicy',
          message:
            'spec.tls.insecureEdgeTerminationPolicy is "Allow", which is invalid for passthrough termination (the API server rejects the Route)',
          actual: 'Allow',
        },
      ],
    },
    { name: 'edge with Redirect', tls: '{termination: edge, insecureEdgeTerminationPolicy: Redirect}', status: 'pass' },
    {
      name: 'reencrypt with None',
      tls: '{termination: reencrypt, insecureEdgeTerminationPolicy: None}',
      status: 'pass',
    },
    { name: 'policy unset', tls: '{termination: edge}', status: 'pass' },
    { name: 'no tls', tls: 'null', status: 'not-applicable' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const findings = runCheckOn(routeInsecureEdgeAllow, route(c.tls));
      assert.equal(findings.length, 1);
      assert.equal(findings[0]?.status, c.status);
      assert.deepEqual(findings[0]?.violations, c.violations ?? []);
    });
  }
});
