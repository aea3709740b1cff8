/**
 * Pod Security Standards, Restricted, "Running as Non-root user" (v1.23+): neither the pod nor any
 * container may set runAsUser to 0.
 * Reads: spec.securityContext.runAsUser,
 *   spec.{initContainers,containers,ephemeralContainers}[*].securityContext.runAsUser, spec.hostUsers
 * Allowed: unset or non-zero. A pod-level 0 fails even when every container overrides it, as
 *   upstream does. Not applicable before v1.23; from v1.35 pods in a user namespace
 *   (spec.hostUsers=false) are not-applicable.
 * Upstream: check `runAsUser` (runAsUser_1_23, runAsUser1_35), reason "runAsUser=0",
 *   detail 'pod and container "a" must not set runAsUser=0'.
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

function runAsUser_1_23(pod: PodView): PssResult {
  const setters: string[] = [];
  const violations: Violation[] = [];
  if (pod.spec.securityContext?.runAsUser === 0) {
    setters.push('pod');
    violations.push({
      path: `${pod.specPath}.securityContext.runAsUser`,
      message: 'pod must not set runAsUser=0',
      actual: 0,
    });
  }
  const names: string[] = [];
  forEachContainer(pod.spec, (container, field, index) => {
    if (container.securityContext?.runAsUser !== 0) {
      return;
    }
    names.push(container.name);
    violations.push({
      path: `${containerPath(pod, field, index)}.securityContext.runAsUser`,
      message: `container "${container.name}" must not set runAsUser=0`,
      container: container.name,
      actual: 0,
    });
  });
  if (names.length > 0) {
    setters.push(containersPhrase(names));
  }
  if (setters.length === 0) {
    return undefined;
  }
  return { reason: 'runAsUser=0', detail: `${setters.join(' and ')} must not set runAsUser=0`, violations };
}

function runAsUser1_35(pod: PodView): PssResult {
  if (isUserNamespacePod(pod)) {
    return USER_NAMESPACE_EXEMPT;
  }
  return runAsUser_1_23(pod);
}

export const runAsUser = definePssCheck({
  level: 'restricted',
  upstreamId: 'runAsUser',
  revisions: [
    { since: 23, evaluate: runAsUser_1_23 },
    { since: 35, evaluate: runAsUser1_35 },
  ],
  meta: {
    id: 'PAL-K8S-0016',
    slug: 'run-as-user',
    title: 'Pod or container runs as UID 0',
    description:
      'runAsUser: 0 runs the container process as root whatever the image says, which turns any container escape or writable host mount into root on the node.',
    severity: 'medium',
    maturity: 'stable',
    frameworks: [
      { framework: 'pss-restricted', control: 'running-as-non-root-user' },
      { framework: 'cis-kubernetes-1.9', control: '5.2.7' },
      { framework: 'cis-openshift-1.5', control: '5.2.6' },
      { framework: 'mitre-attack-containers', control: 'T1611' },
      { framework: 'mcsb-v1', control: 'PA-7' },
      { framework: 'mcsb-v1', control: 'PV-2' },
    ],
    remediation: {
      summary: 'Set runAsUser to a non-zero UID, or remove it, on the pod and in every container.',
    },
    references: [PSS_STANDARD_URL, upstreamSource('check_runAsUser.go')],
  },
});
