/**
 * Pod Security Standards, Baseline, "Host Ports": containers must not bind ports on the node.
 * Reads: spec.{initContainers,containers,ephemeralContainers}[*].ports[*].hostPort
 * Allowed: unset or 0 (there is no allow-list in the standard's implementation).
 * Upstream: check `hostPorts` (hostPorts_1_0, v1.0+), reason "hostPort",
 * detail 'container "a" uses hostPort 8080' (ports sorted as strings, as upstream's set does).
 * Source: https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
 */
import type { PodView, Violation } from '#core';
import {
  containerPath,
  containersPhrase,
  definePssCheck,
  forEachContainer,
  PSS_STANDARD_URL,
  type PssResult,
  plural,
  sortedUnique,
  upstreamSource,
} from '../../../lib/pss.ts';

function hostPorts_1_0(pod: PodView): PssResult {
  const names: string[] = [];
  const ports: string[] = [];
  const violations: Violation[] = [];
  forEachContainer(pod.spec, (container, field, index) => {
    const list = container.ports;
    if (!list) {
      return;
    }
    let bad = false;
    for (let i = 0; i < list.length; i++) {
      const hostPort = list[i]?.hostPort;
      if (hostPort === undefined || hostPort === 0) {
        continue;
      }
      bad = true;
      ports.push(String(hostPort));
      violations.push({
        path: `${containerPath(pod, field, index)}.ports[${i}].hostPort`,
        message: `container "${container.name}" uses hostPort ${hostPort}`,
        container: container.name,
        actual: hostPort,
      });
    }
    if (bad) {
      names.push(container.name);
    }
  });
  if (names.length === 0) {
    return undefined;
  }
  const distinct = sortedUnique(ports);
  return {
    reason: 'hostPort',
    detail: `${containersPhrase(names)} ${plural('uses', 'use', names.length)} ${plural('hostPort', 'hostPorts', distinct.length)} ${distinct.join(', ')}`,
    violations,
  };
}

export const hostPorts = definePssCheck({
  level: 'baseline',
  upstreamId: 'hostPorts',
  revisions: [{ since: 0, evaluate: hostPorts_1_0 }],
  meta: {
    id: 'PAL-K8S-0005',
    slug: 'host-ports',
    title: 'Container binds a host port',
    description:
      'A host port publishes the container on the node’s network interfaces, outside Services and often outside NetworkPolicy, and pins the pod to nodes where the port is free.',
    severity: 'medium',
    maturity: 'stable',
    frameworks: [
      { framework: 'pss-baseline', control: 'host-ports' },
      { framework: 'cis-kubernetes-1.9', control: '5.2.13' },
      { framework: 'mitre-attack-containers', control: 'T1133' },
      { framework: 'mcsb-v1', control: 'NS-1' },
      { framework: 'mcsb-v1', control: 'PV-2' },
    ],
    remediation: {
      summary: 'Remove hostPort from every container port and expose the pod through a Service.',
    },
    references: [PSS_STANDARD_URL, upstreamSource('check_hostPorts.go')],
  },
});
