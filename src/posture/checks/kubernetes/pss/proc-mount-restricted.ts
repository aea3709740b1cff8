/**
 * Pod Security Standards, Restricted, "/proc Mount Type": containers must keep the default masked
 * /proc, even in pods that run in a user namespace.
 * Reads: spec.{initContainers,containers,ephemeralContainers}[*].securityContext.procMount
 * Allowed: unset or "Default".
 * Upstream: check `procMount_restricted` (v1.35+, runs procMount_1_0), which overrides the baseline
 *   `procMount` check so that the v1.35 user-namespace relaxation does not apply to restricted
 *   namespaces. Before v1.35 the restricted level runs the baseline check, whose rule is the same;
 *   Palisade evaluates it here (this check overrides proc-mount whenever both are selected).
 * Source: https://kubernetes.io/docs/concepts/workloads/pods/user-namespaces/#integration-with-pod-security-admission-checks
 */
import { definePssCheck, PSS_STANDARD_URL, upstreamSource } from '../../../lib/pss.ts';
import { procMount, procMount_1_0 } from './proc-mount.ts';

export const procMountRestricted = definePssCheck({
  level: 'restricted',
  upstreamId: 'procMount_restricted',
  revisions: [{ since: 35, evaluate: procMount_1_0 }],
  overrides: procMount,
  meta: {
    id: 'PAL-K8S-0019',
    slug: 'proc-mount-restricted',
    title: 'Container unmasks /proc in a restricted workload',
    description:
      'The restricted level keeps the default masked /proc for every pod, user-namespaced or not, so that kernel interfaces under /proc stay masked and read-only.',
    severity: 'medium',
    maturity: 'stable',
    frameworks: [
      { framework: 'pss-restricted', control: 'proc-mount-type' },
      { framework: 'mitre-attack-containers', control: 'T1611' },
      { framework: 'mcsb-v1', control: 'PV-2' },
    ],
    remediation: {
      summary: 'Remove securityContext.procMount or set it to Default.',
    },
    references: [
      PSS_STANDARD_URL,
      'https://kubernetes.io/docs/concepts/workloads/pods/user-namespaces/',
      upstreamSource('check_procMount_restricted.go'),
    ],
  },
});
