/**
 * Pod Security Standards, Baseline, "Host Probes / Lifecycle Hooks" (v1.34+): probes and lifecycle
 * handlers must not name a host, which would make the kubelet connect to an arbitrary address
 * from the node.
 * Reads: spec.{initContainers,containers,ephemeralContainers}[*].{livenessProbe,readinessProbe,
 *   startupProbe}.{httpGet,tcpSocket}.host and ….lifecycle.{postStart,preStop}.{httpGet,tcpSocket}.host
 * Allowed: unset or "" (any other value, localhost included, is forbidden).
 * Upstream: check `hostProbesAndHostLifecycle` (hostProbesAndHostLifecycleV1Dot34, v1.34+), reason
 *   "probe or lifecycle host", detail 'container "a" uses probe or lifecycle host "10.0.0.1"'
 *   (containers and hosts sorted). Not applicable before v1.34.
 * Source: https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
 */
import type { Handler, PodView, Violation } from '#core';
import {
  containerPath,
  containersPhrase,
  definePssCheck,
  forEachContainer,
  joinQuote,
  PSS_STANDARD_URL,
  type PssResult,
  plural,
  sortedUnique,
  upstreamSource,
} from '../../../lib/pss.ts';

const PROBES = ['livenessProbe', 'readinessProbe', 'startupProbe'] as const;
const HOOKS = ['postStart', 'preStop'] as const;
const ACTIONS = ['httpGet', 'tcpSocket'] as const;

function hostProbesAndHostLifecycleV1Dot34(pod: PodView): PssResult {
  const names: string[] = [];
  const hosts: string[] = [];
  const violations: Violation[] = [];
  forEachContainer(pod.spec, (container, field, index) => {
    let bad = false;
    const inspect = (handler: Handler | undefined, where: string): void => {
      if (!handler) {
        return;
      }
      for (const action of ACTIONS) {
        const host = handler[action]?.host;
        if (!host) {
          continue;
        }
        bad = true;
        hosts.push(host);
        violations.push({
          path: `${containerPath(pod, field, index)}.${where}.${action}.host`,
          message: `container "${container.name}" must not set ${where}.${action}.host ("${host}")`,
          container: container.name,
          actual: host,
        });
      }
    };
    for (const probe of PROBES) {
      inspect(container[probe], probe);
    }
    const lifecycle = container.lifecycle;
    if (lifecycle) {
      for (const hook of HOOKS) {
        inspect(lifecycle[hook], `lifecycle.${hook}`);
      }
    }
    if (bad) {
      names.push(container.name);
    }
  });
  if (names.length === 0) {
    return undefined;
  }
  const containers = sortedUnique(names);
  const distinct = sortedUnique(hosts);
  return {
    reason: 'probe or lifecycle host',
    detail: `${containersPhrase(containers)} ${plural('uses', 'use', containers.length)} ${plural('probe or lifecycle host', 'probe or lifecycle hosts', distinct.length)} ${joinQuote(distinct)}`,
    violations,
  };
}

export const hostProbesLifecycle = definePssCheck({
  level: 'baseline',
  upstreamId: 'hostProbesAndHostLifecycle',
  revisions: [{ since: 34, evaluate: hostProbesAndHostLifecycleV1Dot34 }],
  meta: {
    id: 'PAL-K8S-0012',
    slug: 'host-probes-lifecycle',
    title: 'Probe or lifecycle hook targets a host',
    description:
      'The kubelet performs httpGet and tcpSocket probes and hooks from the node; a host field turns them into requests from the node to any address, such as node-local services or cloud metadata endpoints.',
    severity: 'medium',
    maturity: 'stable',
    frameworks: [
      { framework: 'pss-baseline', control: 'host-probes' },
      { framework: 'mitre-attack-containers', control: 'T1046' },
      { framework: 'mitre-attack-containers', control: 'T1552.007' },
      { framework: 'mcsb-v1', control: 'PV-2' },
    ],
    remediation: {
      summary:
        'Remove the host field from httpGet and tcpSocket probes and lifecycle handlers so that they target the pod IP.',
    },
    references: [
      PSS_STANDARD_URL,
      'https://www.kubernetes.dev/resources/keps/4940/',
      upstreamSource('check_hostProbesAndhostLifecycle.go'),
    ],
  },
});
