/**
 * Pod Security Standards, Baseline, "Privileged Containers": no container may run privileged.
 * Reads: spec.{initContainers,containers,ephemeralContainers}[*].securityContext.privileged
 * Allowed: false or unset.
 * Upstream: check `privileged` (privileged_1_0, v1.0+), reason "privileged",
 * detail 'container "a" must not set securityContext.privileged=true'.
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

function privileged_1_0(pod: PodView): PssResult {
  const names: string[] = [];
  const violations: Violation[] = [];
  forEachContainer(pod.spec, (container, field, index) => {
    if (container.securityContext?.privileged !== true) {
      return;
    }
    names.push(container.name);
    violations.push({
      path: `${containerPath(pod, field, index)}.securityContext.privileged`,
      message: `container "${container.name}" must not set securityContext.privileged=true`,
      container: container.name,
      actual: true,
    });
  });
  if (names.length === 0) {
    return undefined;
  }
  return {
    reason: 'privileged',
    detail: `${containersPhrase(names)} must not set securityContext.privileged=true`,
    violations,
  };
}

export const privileged = definePssCheck({
  level: 'baseline',
  upstreamId: 'privileged',
  revisions: [{ since: 0, evaluate: privileged_1_0 }],
  meta: {
    id: 'PAL-K8S-0002',
    slug: 'privileged',
    title: 'Container runs privileged',
    description:
      'A privileged container has every capability and access to all host devices, with seccomp, AppArmor and SELinux confinement disabled; escaping to the node is trivial.',
    severity: 'critical',
    maturity: 'stable',
    frameworks: [
      { framework: 'pss-baseline', control: 'privileged-containers' },
      { framework: 'cis-kubernetes-1.9', control: '5.2.2' },
      { framework: 'cis-openshift-1.5', control: '5.2.1' },
      { framework: 'mitre-attack-containers', control: 'T1611' },
      { framework: 'mitre-attack-containers', control: 'T1068' },
      { framework: 'mcsb-v1', control: 'PA-7' },
      { framework: 'mcsb-v1', control: 'PV-2' },
    ],
    remediation: {
      summary: 'Remove securityContext.privileged from every container, or set it to false.',
      kubernetesPatch:
        'spec:\n  template:\n    spec:\n      containers:\n        - name: <container>\n          securityContext:\n            privileged: false\n',
    },
    references: [PSS_STANDARD_URL, upstreamSource('check_privileged.go')],
  },
});
