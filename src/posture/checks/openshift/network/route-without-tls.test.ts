import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { routeWithoutTls } from './route-without-tls.ts';

const route = (spec: string) => `
apiVersion: route.openshift.io/v1
kind: Route
metadata: {name: web, namespace: shop}
spec: ${spec}
`;

describe('route-without-tls', () => {
  const cases: readonly {
    readonly name: string;
    readonly spec: string;
    readonly status: string;
    readonly violations?: readonly { readonly path: string; readonly message: string }[];
  }[] = [
    {
      name: 'no tls',
      spec: '{host: shop.apps.example.com, to: {kind: Service, name: web}}',
      status: 'fail',
      violations: [
        { path: 'spec.tls', message: 'Route has no spec.tls, so "shop.apps.example.com" is served over plain HTTP' },
      ],
    },
    {
      name: 'tls: null',
      spec: '{to: {kind: Service, name: web}, tls: null}',
      status: 'fail',
      violations: [{ path: 'spec.tls', message: 'Route has no spec.tls, so its host is served over plain HTTP' }],
    },
    {
      name: 'tls without termination',
      spec: '{to: {kind: Service, name: web}, tls: {insecureEdgeTerminationPolicy: Redirect}}',
      status: 'fail',
      violations: [
        {
          path: 'spec.tls.termination',
          message:
            'spec.tls sets no termination (edge, passthrough or reencrypt), so the Route is invalid and gets no TLS',
        },
      ],
    },
    {
      name: 'unknown termination',
      spec: '{to: {kind: Service, name: web}, tls: {termination: Edge}}',
      status: 'fail',
      violations: [
        {
          path: 'spec.tls.termination',
          message:
            'spec.tls.termination is "Edge", not edge, passthrough or reencrypt, so the Route is invalid and gets no TLS',
        },
      ],
    },
    { name: 'edge', spec: '{to: {kind: Service, name: web}, tls: {termination: edge}}', status: 'pass' },
    { name: 'passthrough', spec: '{to: {kind: Service, name: web}, tls: {termination: passthrough}}', status: 'pass' },
    {
      name: 'reencrypt with Allow (reported by route-insecure-edge-allow)',
      spec: '{to: {kind: Service, name: web}, tls: {termination: reencrypt, insecureEdgeTerminationPolicy: Allow}}',
      status: 'pass',
    },
    { name: 'malformed tls', spec: '{to: {kind: Service, name: web}, tls: edge}', status: 'error' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const findings = runCheckOn(routeWithoutTls, route(c.spec));
      assert.equal(findings.length, 1);
      assert.equal(findings[0]?.status, c.status);
      assert.deepEqual(
        findings[0]?.violations.map((v) => ({ path: v.path, message: v.message })),
        c.violations ?? [],
      );
    });
  }
});
