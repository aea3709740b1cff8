/**
 * Pod Security Standards, Restricted, "Running as Non-root": every container must be required to
 * run as a non-root user.
 * Reads: spec.securityContext.runAsNonRoot,
 *   spec.{initContainers,containers,ephemeralContainers}[*].securityContext.runAsNonRoot, spec.hostUsers
 * Allowed: true at container level, or unset at container level when the pod sets true. An explicit
 *   false anywhere (pod or container) fails, even when the other level says true. From v1.35 pods in a
 *   user namespace (spec.hostUsers=false) are not-applicable: root in the pod maps to an
 *   unprivileged user on the node.
 * Upstream: check `runAsNonRoot` (runAsNonRoot_1_0, runAsNonRoot1_35), reason "runAsNonRoot != true",
 *   detail 'pod or container "a" must set securityContext.runAsNonRoot=true', or, when something
 *   sets false explicitly, 'pod and container "a" must not set securityContext.runAsNonRoot=false'.
 * Source: https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
 */
import type { PodView, Violation } from '#core';
import {
  containerPath,
  containersPhrase,
  definePssCheck,
  forEachContainer,
  isUserNamespacePod,
  PSS_STANDARD_URL,
  type PssResult,
  USER_NAMESPACE_EXEMPT,
  upstreamSource,
} from '../../../lib/pss.ts';

function runAsNonRoot_1_0(pod: PodView): PssResult {
  const setters: string[] = [];
  const violations: Violation[] = [];
  const podValue = pod.spec.securityContext?.runAsNonRoot;
  if (podValue === false) {
    setters.push('pod');
    violations.push({
      path: `${pod.specPath}.securityContext.runAsNonRoot`,
      message: 'pod must not set securityContext.runAsNonRoot=false',
      actual: false,
    });
  }
  const podRunAsNonRoot = podValue === true;
  const explicit: string[] = [];
  const implicit: string[] = [];
  forEachContainer(pod.spec, (container, field, index) => {
    const value = container.securityContext?.runAsNonRoot;
    if (value === true || (value === undefined && podRunAsNonRoot)) {
      return;
    }
    const path = `${containerPath(pod, field, index)}.securityContext.runAsNonRoot`;
    if (value === false) {
      explicit.push(container.name);
      violations.push({
        path,
        message: `container "${container.name}" must not set securityContext.runAsNonRoot=false`,
        container: container.name,
        actual: false,
      });
      return;
    }
    implicit.push(container.name);
    violations.push({
      path,
      message: `pod or container "${container.name}" must set securityContext.runAsNonRoot=true`,
      container: container.name,
    });
  });
  if (explicit.length > 0) {
    setters.push(containersPhrase(explicit));
  }
  if (setters.length > 0) {
    return {
      reason: 'runAsNonRoot != true',
      detail: `${setters.join(' and ')} must not set securityContext.runAsNonRoot=false`,
      violations,
    };
  }
  if (implicit.length > 0) {
    return {
      reason: 'runAsNonRoot != true',
      detail: `pod or ${containersPhrase(implicit)} must set securityContext.runAsNonRoot=true`,
      violations,
    };
  }
  return undefined;
}

function runAsNonRoot1_35(pod: PodView): PssResult {
  if (isUserNamespacePod(pod)) {
    return USER_NAMESPACE_EXEMPT;
  }
  return runAsNonRoot_1_0(pod);
}

export const runAsNonRoot = definePssCheck({
  level: 'restricted',
  upstreamId: 'runAsNonRoot',
  revisions: [
    { since: 0, evaluate: runAsNonRoot_1_0 },
    { since: 35, evaluate: runAsNonRoot1_35 },
  ],
  meta: {
    id: 'PAL-K8S-0015',
    slug: 'run-as-non-root',
    title: 'Container may run as root',
    description:
      'Without runAsNonRoot=true the kubelet starts the container as whatever user the image names, often root, which turns any container escape or writable host mount into root on the node.',
    severity: 'medium',
    maturity: 'stable',
    frameworks: [
      { framework: 'pss-restricted', control: 'running-as-non-root' },
      { framework: 'cis-kubernetes-1.9', control: '5.2.7' },
      { framework: 'cis-kubernetes-1.9', control: '5.7.3' },
      { framework: 'cis-openshift-1.5', control: '5.2.6' },
      { framework: 'cis-openshift-1.5', control: '5.7.3' },
      { framework: 'mitre-attack-containers', control: 'T1611' },
      { framework: 'mitre-attack-containers', control: 'T1068' },
      { framework: 'mcsb-v1', control: 'PA-7' },
      { framework: 'mcsb-v1', control: 'PV-2' },
    ],
    remediation: {
      summary:
        'Set securityContext.runAsNonRoot to true on the pod and remove runAsNonRoot=false from every container.',
      kubernetesPatch: 'spec:\n  template:\n    spec:\n      securityContext:\n        runAsNonRoot: true\n',
    },
    references: [PSS_STANDARD_URL, upstreamSource('check_runAsNonRoot.go')],
  },
});
