import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { serviceLoadbalancerPublic } from './service-loadbalancer-public.ts';

const service = (spec: string, annotations = '{}') => `
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop, annotations: ${annotations}}
spec: ${spec}
`;

describe('service-loadbalancer-public', () => {
  const cases: readonly {
    readonly name: string;
    readonly yaml: string;
    readonly status: string;
    readonly violations?: readonly { readonly path: string; readonly message: string; readonly actual?: unknown }[];
  }[] = [
    {
      name: 'internal annotation "true"',
      yaml: service('{type: LoadBalancer}', '{service.beta.kubernetes.io/azure-load-balancer-internal: "true"}'),
      status: 'pass',
    },
    {
      name: 'no annotation',
      yaml: service('{type: LoadBalancer}'),
      status: 'fail',
      violations: [
        {
          path: 'spec.type',
          message:
            'Service of type LoadBalancer has no annotation service.beta.kubernetes.io/azure-load-balancer-internal: "true", so Azure gives it a public IP address',
          actual: 'LoadBalancer',
        },
      ],
    },
    {
      name: 'the value must be exactly "true"',
      yaml: service('{type: LoadBalancer}', '{service.beta.kubernetes.io/azure-load-balancer-internal: "True"}'),
      status: 'fail',
      violations: [
        {
          path: 'metadata.annotations["service.beta.kubernetes.io/azure-load-balancer-internal"]',
          message:
            'annotation service.beta.kubernetes.io/azure-load-balancer-internal is "True", not "true", so Azure gives the Service a public IP address',
          actual: 'True',
        },
      ],
    },
    {
      name: 'legacy source-ranges annotation is mentioned',
      yaml: service(
        '{type: LoadBalancer}',
        '{service.beta.kubernetes.io/load-balancer-source-ranges: "203.0.113.0/24, 198.51.100.7/32"}',
      ),
      status: 'fail',
      violations: [
        {
          path: 'spec.type',
          message:
            'Service of type LoadBalancer has no annotation service.beta.kubernetes.io/azure-load-balancer-internal: "true", so Azure gives it a public IP address; annotation service.beta.kubernetes.io/load-balancer-source-ranges limits clients to 203.0.113.0/24, 198.51.100.7/32, but the address is still public',
          actual: 'LoadBalancer',
        },
      ],
    },
    {
      name: 'open source ranges are not a restriction',
      yaml: service('{type: LoadBalancer, loadBalancerSourceRanges: [0.0.0.0/0]}'),
      status: 'fail',
      violations: [
        {
          path: 'spec.type',
          message:
            'Service of type LoadBalancer has no annotation service.beta.kubernetes.io/azure-load-balancer-internal: "true", so Azure gives it a public IP address',
          actual: 'LoadBalancer',
        },
      ],
    },
    { name: 'ClusterIP', yaml: service('{type: ClusterIP}'), status: 'not-applicable' },
    { name: 'type unset (ClusterIP)', yaml: service('{ports: [{port: 80}]}'), status: 'not-applicable' },
    {
      name: 'malformed spec',
      yaml: service('{type: LoadBalancer, loadBalancerSourceRanges: 10.0.0.0/8}'),
      status: 'error',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const findings = runCheckOn(serviceLoadbalancerPublic, c.yaml);
      assert.equal(findings.length, 1);
      assert.equal(findings[0]?.status, c.status);
      assert.deepEqual(findings[0]?.violations, c.violations ?? []);
    });
  }

  it('explains not-applicable results', () => {
    assert.equal(
      runCheckOn(serviceLoadbalancerPublic, service('{type: NodePort}'))[0]?.reason,
      'the Service is of type NodePort, not LoadBalancer',
    );
  });
});
