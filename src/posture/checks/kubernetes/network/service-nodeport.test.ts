import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { serviceNodeport } from './service-nodeport.ts';

const service = (spec: string) => `
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec: ${spec}
`;

describe('service-nodeport', () => {
  const cases: readonly {
    readonly name: string;
    readonly spec: string;
    readonly status: string;
    readonly reason?: string;
    readonly violations?: readonly { readonly path: string; readonly message: string }[];
  }[] = [
    {
      name: 'NodePort with a fixed and an allocated port',
      spec: '{type: NodePort, ports: [{port: 443, nodePort: 30443}, {name: grpc, port: 9000, protocol: UDP}]}',
      status: 'fail',
      violations: [
        { path: 'spec.ports[0].nodePort', message: 'port 443/TCP is exposed on every node at node port 30443' },
        {
          path: 'spec.ports[1]',
          message: 'port "grpc" 9000/UDP is exposed on every node at a node port the cluster allocates',
        },
      ],
    },
    {
      name: 'NodePort without ports',
      spec: '{type: NodePort}',
      status: 'fail',
      violations: [{ path: 'spec.type', message: 'Service is of type NodePort' }],
    },
    { name: 'ClusterIP', spec: '{type: ClusterIP, ports: [{port: 80}]}', status: 'pass' },
    { name: 'type unset', spec: '{ports: [{port: 80}]}', status: 'pass' },
    {
      name: 'LoadBalancer',
      spec: '{type: LoadBalancer, ports: [{port: 80, nodePort: 31000}]}',
      status: 'not-applicable',
      reason:
        'LoadBalancer Service: its node ports serve the load balancer, whose exposure service-loadbalancer-public reports',
    },
    {
      name: 'LoadBalancer without node ports',
      spec: '{type: LoadBalancer, allocateLoadBalancerNodePorts: false, ports: [{port: 80}]}',
      status: 'not-applicable',
      reason: 'LoadBalancer Service with spec.allocateLoadBalancerNodePorts: false (no node ports)',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const [finding] = runCheckOn(serviceNodeport, service(c.spec));
      assert.equal(finding?.status, c.status);
      assert.equal(finding?.reason, c.reason);
      assert.deepEqual(
        finding?.violations.map((v) => ({ path: v.path, message: v.message })),
        c.violations ?? [],
      );
    });
  }
});
