/**
 * Pod Security Standards, Baseline, "Host Namespaces": the pod must not share the node's network,
 * process ID or IPC namespace.
 * Reads: spec.hostNetwork, spec.hostPID, spec.hostIPC
 * Allowed: false or unset.
 * Upstream: check `hostNamespaces` (hostNamespaces_1_0, v1.0+), reason "host namespaces",
 * detail "hostNetwork=true, hostPID=true, hostIPC=true" (in that order).
 * Source: https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
 */
import type { PodView, Violation } from '#core';
import { definePssCheck, PSS_STANDARD_URL, type PssResult, upstreamSource } from '../../../lib/pss.ts';

const HOST_NAMESPACES = ['hostNetwork', 'hostPID', 'hostIPC'] as const;

function hostNamespaces_1_0(pod: PodView): PssResult {
  const { spec } = pod;
  if (spec.hostNetwork !== true && spec.hostPID !== true && spec.hostIPC !== true) {
    return undefined;
  }
  const set: string[] = [];
  const violations: Violation[] = [];
  for (const field of HOST_NAMESPACES) {
    if (spec[field] !== true) {
      continue;
    }
    set.push(`${field}=true`);
    violations.push({ path: `${pod.specPath}.${field}`, message: `pod must not set ${field}=true`, actual: true });
  }
  if (set.length === 0) {
    return undefined;
  }
  return { reason: 'host namespaces', detail: set.join(', '), violations };
}

export const hostNamespaces = definePssCheck({
  level: 'baseline',
  upstreamId: 'hostNamespaces',
  revisions: [{ since: 0, evaluate: hostNamespaces_1_0 }],
  meta: {
    id: 'PAL-K8S-0001',
    slug: 'host-namespaces',
    title: 'Pod shares a host namespace',
    description:
      'A pod in the host network, PID or IPC namespace sees the node’s traffic, processes and shared memory, and can reach services bound to localhost on the node.',
    severity: 'high',
    maturity: 'stable',
    frameworks: [
      { framework: 'pss-baseline', control: 'host-namespaces' },
      { framework: 'cis-kubernetes-1.9', control: '5.2.3' },
      { framework: 'cis-kubernetes-1.9', control: '5.2.4' },
      { framework: 'cis-kubernetes-1.9', control: '5.2.5' },
      { framework: 'cis-openshift-1.5', control: '5.2.2' },
      { framework: 'cis-openshift-1.5', control: '5.2.3' },
      { framework: 'cis-openshift-1.5', control: '5.2.4' },
      { framework: 'mitre-attack-containers', control: 'T1611' },
      { framework: 'mitre-attack-containers', control: 'T1040' },
      { framework: 'mcsb-v1', control: 'PV-2' },
      { framework: 'mcsb-v1', control: 'NS-1' },
    ],
    remediation: {
      summary: 'Remove hostNetwork, hostPID and hostIPC from the pod spec, or set them to false.',
      kubernetesPatch:
        'spec:\n  template:\n    spec:\n      hostNetwork: false\n      hostPID: false\n      hostIPC: false\n',
    },
    references: [PSS_STANDARD_URL, upstreamSource('check_hostNamespaces.go')],
  },
});
