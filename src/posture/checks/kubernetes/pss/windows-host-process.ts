/**
 * Pod Security Standards, Baseline, "HostProcess": Windows pods must not run HostProcess
 * containers, which run directly on the node with host privileges.
 * Reads: spec.securityContext.windowsOptions.hostProcess,
 *   spec.{initContainers,containers,ephemeralContainers}[*].securityContext.windowsOptions.hostProcess
 * Allowed: false or unset.
 * Upstream: check `windowsHostProcess` (windowsHostProcess_1_0, v1.0+), reason "hostProcess",
 *   detail 'pod and containers "a" must not set securityContext.windowsOptions.hostProcess=true'.
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
  upstreamSource,
} from '../../../lib/pss.ts';

function windowsHostProcess_1_0(pod: PodView): PssResult {
  const names: string[] = [];
  const violations: Violation[] = [];
  const setters: string[] = [];
  if (pod.spec.securityContext?.windowsOptions?.hostProcess === true) {
    setters.push('pod');
    violations.push({
      path: `${pod.specPath}.securityContext.windowsOptions.hostProcess`,
      message: 'pod must not set securityContext.windowsOptions.hostProcess=true',
      actual: true,
    });
  }
  forEachContainer(pod.spec, (container, field, index) => {
    if (container.securityContext?.windowsOptions?.hostProcess !== true) {
      return;
    }
    names.push(container.name);
    violations.push({
      path: `${containerPath(pod, field, index)}.securityContext.windowsOptions.hostProcess`,
      message: `container "${container.name}" must not set securityContext.windowsOptions.hostProcess=true`,
      container: container.name,
      actual: true,
    });
  });
  if (names.length > 0) {
    setters.push(containersPhrase(names));
  }
  if (setters.length === 0) {
    return undefined;
  }
  return {
    reason: 'hostProcess',
    detail: `${setters.join(' and ')} must not set securityContext.windowsOptions.hostProcess=true`,
    violations,
  };
}

export const windowsHostProcess = definePssCheck({
  level: 'baseline',
  upstreamId: 'windowsHostProcess',
  revisions: [{ since: 0, evaluate: windowsHostProcess_1_0 }],
  meta: {
    id: 'PAL-K8S-0011',
    slug: 'windows-host-process',
    title: 'Windows pod runs a HostProcess container',
    description:
      'A Windows HostProcess container runs as a process on the node, with access to the host network, filesystem and, as SYSTEM, to everything else on the node.',
    severity: 'critical',
    maturity: 'stable',
    frameworks: [
      { framework: 'pss-baseline', control: 'host-process' },
      { framework: 'cis-kubernetes-1.9', control: '5.2.11' },
      { framework: 'mitre-attack-containers', control: 'T1611' },
      { framework: 'mcsb-v1', control: 'PA-7' },
      { framework: 'mcsb-v1', control: 'PV-2' },
    ],
    remediation: {
      summary: 'Remove windowsOptions.hostProcess from the pod and container security contexts, or set it to false.',
    },
    references: [
      PSS_STANDARD_URL,
      'https://kubernetes.io/docs/tasks/configure-pod-container/create-hostprocess-pod/',
      upstreamSource('check_windowsHostProcess.go'),
    ],
  },
});
