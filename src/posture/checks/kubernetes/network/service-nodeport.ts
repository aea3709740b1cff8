/**
 * Services should not be exposed on a port of every node.
 * Reads: spec.type, spec.ports[*].{name,port,protocol,nodePort}, spec.allocateLoadBalancerNodePorts.
 * Allowed: any type but NodePort (ClusterIP, ExternalName, headless). One violation per port of a
 *   NodePort Service, since each opens a port on every node's addresses.
 * Not applicable: LoadBalancer Services. They allocate node ports too, unless
 *   spec.allocateLoadBalancerNodePorts is false, but those ports exist to serve the load balancer;
 *   their exposure is reported by service-loadbalancer-public.
 * Source: Kubernetes Service API reference (type NodePort, nodePort); Kubernetes "Service" concept
 *   (type NodePort: "each node proxies that port").
 */
import type { Resource, Violation } from '#core';
import { defineCheck, notApplicable, outcome } from '../../../check.ts';
import { parseSpec, ServiceSpec, serviceType } from '../../../lib/network.ts';

export const serviceNodeport = defineCheck<Resource>({
  meta: {
    id: 'PAL-K8S-0305',
    slug: 'service-nodeport',
    title: 'Service is exposed on a port of every node',
    description:
      "A NodePort Service opens the same port on every node's addresses, bypassing the ingress controller and any load balancer in front of the cluster. Anyone who can reach a node can reach the workload.",
    severity: 'low',
    maturity: 'stable',
    targets: [{ kind: 'Service', apiGroup: '' }],
    scope: 'object',
    admission: true,
    frameworks: [
      { framework: 'mitre-attack-containers', control: 'T1190' },
      { framework: 'mitre-attack-containers', control: 'T1046' },
      { framework: 'mcsb-v1', control: 'NS-1' },
    ],
    remediation: {
      summary:
        'Change the Service to type ClusterIP and expose it through an Ingress, Route or internal load balancer.',
      kubernetesPatch: 'spec:\n  type: ClusterIP\n',
    },
    references: [
      'https://kubernetes.io/docs/concepts/services-networking/service/#type-nodeport',
      'https://kubernetes.io/docs/reference/kubernetes-api/service-resources/service-v1/',
    ],
  },
  evaluate(resource) {
    const spec = parseSpec(ServiceSpec, resource.object);
    const type = serviceType(spec);
    if (type === 'LoadBalancer') {
      return notApplicable(
        spec?.allocateLoadBalancerNodePorts === false
          ? 'LoadBalancer Service with spec.allocateLoadBalancerNodePorts: false (no node ports)'
          : 'LoadBalancer Service: its node ports serve the load balancer, whose exposure service-loadbalancer-public reports',
      );
    }
    if (type !== 'NodePort') {
      return outcome([]);
    }
    const ports = spec?.ports ?? [];
    if (ports.length === 0) {
      return outcome([{ path: 'spec.type', message: 'Service is of type NodePort', actual: type }]);
    }
    const violations: Violation[] = [];
    for (const [i, port] of ports.entries()) {
      const label = `${port.name ? `port "${port.name}" ` : 'port '}${port.port ?? '?'}/${port.protocol || 'TCP'}`;
      violations.push(
        port.nodePort
          ? {
              path: `spec.ports[${i}].nodePort`,
              message: `${label} is exposed on every node at node port ${port.nodePort}`,
              actual: port.nodePort,
            }
          : {
              path: `spec.ports[${i}]`,
              message: `${label} is exposed on every node at a node port the cluster allocates`,
            },
      );
    }
    return outcome(violations);
  },
});
