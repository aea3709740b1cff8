/**
 * Pod Security Standards, Baseline, "/proc Mount Type": containers must keep the default masked
 * /proc, except (from v1.35) in pods that run in a user namespace.
 * Reads: spec.{initContainers,containers,ephemeralContainers}[*].securityContext.procMount,
 *   spec.hostUsers
 * Allowed: unset or "Default"; from v1.35 any value when spec.hostUsers is false (the pod is then
 *   not-applicable: a user namespace keeps an unmasked /proc from reaching the host).
 * Upstream: check `procMount` (procMount_1_0, procMount1_35baseline), reason "procMount",
 *   detail 'container "a" must not set securityContext.procMount to "Unmasked"'. Overridden in the
 *   restricted level by proc-mount-restricted from v1.35, which keeps the strict rule.
 * Source: https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline and
 *   https://kubernetes.io/docs/concepts/workloads/pods/user-namespaces/
 */
import type { PodView, Violation } from '#core';
import {
  containerPath,
  containersPhrase,
  definePssCheck,
  forEachContainer,
  isUserNamespacePod,
  joinQuote,
  PSS_STANDARD_URL,
  type PssResult,
  sortedUnique,
  USER_NAMESPACE_EXEMPT,
  upstreamSource,
} from '../../../lib/pss.ts';

/** The strict rule: procMount unset or Default. Shared with proc-mount-restricted. */
export function procMount_1_0(pod: PodView): PssResult {
  const names: string[] = [];
  const types: string[] = [];
  const violations: Violation[] = [];
  forEachContainer(pod.spec, (container, field, index) => {
    const procMount = container.securityContext?.procMount;
    if (procMount === undefined || procMount === 'Default') {
      return;
    }
    names.push(container.name);
    types.push(procMount);
    violations.push({
      path: `${containerPath(pod, field, index)}.securityContext.procMount`,
      message: `container "${container.name}" must not set securityContext.procMount to "${procMount}"`,
      container: container.name,
      actual: procMount,
    });
  });
  if (names.length === 0) {
    return undefined;
  }
  return {
    reason: 'procMount',
    detail: `${containersPhrase(names)} must not set securityContext.procMount to ${joinQuote(sortedUnique(types))}`,
    violations,
  };
}

function procMount1_35baseline(pod: PodView): PssResult {
  if (isUserNamespacePod(pod)) {
    return USER_NAMESPACE_EXEMPT;
  }
  return procMount_1_0(pod);
}

export const procMount = definePssCheck({
  level: 'baseline',
  upstreamId: 'procMount',
  revisions: [
    { since: 0, evaluate: procMount_1_0 },
    { since: 35, evaluate: procMount1_35baseline },
  ],
  meta: {
    id: 'PAL-K8S-0008',
    slug: 'proc-mount',
    title: 'Container unmasks /proc',
    description:
      'The default /proc mount masks and makes read-only the kernel interfaces (such as /proc/sys and /proc/kcore) that let a process reconfigure or read the node; an Unmasked /proc exposes them.',
    severity: 'medium',
    maturity: 'stable',
    frameworks: [
      { framework: 'pss-baseline', control: 'proc-mount-type' },
      { framework: 'mitre-attack-containers', control: 'T1611' },
      { framework: 'mcsb-v1', control: 'PV-2' },
    ],
    remediation: {
      summary:
        'Remove securityContext.procMount or set it to Default, or run the pod in a user namespace (hostUsers: false).',
    },
    references: [
      PSS_STANDARD_URL,
      'https://kubernetes.io/docs/concepts/workloads/pods/user-namespaces/',
      upstreamSource('check_procMount_baseline.go'),
    ],
  },
});
