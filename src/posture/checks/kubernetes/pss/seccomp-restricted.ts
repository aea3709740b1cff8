/**
 * Pod Security Standards, Restricted, "Seccomp" (v1.19+): every container must run under the
 * RuntimeDefault or a Localhost seccomp profile, set on the container or inherited from the pod.
 * Reads: spec.securityContext.seccompProfile.type,
 *   spec.{initContainers,containers,ephemeralContainers}[*].securityContext.seccompProfile.type, spec.os.name
 * Allowed: type RuntimeDefault or Localhost on each container, or unset on a container when the pod
 *   sets one of them. A container's own profile takes precedence over the pod's. From v1.25 pods with
 *   spec.os.name=windows are exempt (not-applicable).
 * Upstream: check `seccompProfile_restricted` (seccompProfileRestricted_1_19, seccompProfileRestricted_1_25),
 *   reason "seccompProfile", overriding `seccompProfile_baseline`. Before v1.19 the restricted level
 *   runs the baseline seccomp rule (annotations); Palisade evaluates it here, since this check
 *   overrides seccomp-baseline whenever both are selected.
 * Source: https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
 */
import type { PodView, Violation } from '#core';
import {
  containerPath,
  containersPhrase,
  definePssCheck,
  forEachContainer,
  isWindowsPod,
  joinQuote,
  PSS_STANDARD_URL,
  type PssResult,
  sortedUnique,
  upstreamSource,
  WINDOWS_EXEMPT,
} from '../../../lib/pss.ts';
import { seccompBaseline, validSeccompType } from './seccomp-baseline.ts';

function seccompProfileRestricted_1_19(pod: PodView): PssResult {
  const setters: string[] = [];
  const badValues: string[] = [];
  const violations: Violation[] = [];
  let podSeccompSet = false;
  const podProfile = pod.spec.securityContext?.seccompProfile;
  if (podProfile) {
    if (validSeccompType(podProfile.type)) {
      podSeccompSet = true;
    } else {
      const type = podProfile.type ?? '';
      setters.push('pod');
      badValues.push(type);
      violations.push({
        path: `${pod.specPath}.securityContext.seccompProfile.type`,
        message: `pod must not set securityContext.seccompProfile.type to "${type}"`,
        actual: type,
      });
    }
  }
  const explicit: string[] = [];
  const implicit: string[] = [];
  forEachContainer(pod.spec, (container, field, index) => {
    const profile = container.securityContext?.seccompProfile;
    if (profile) {
      if (validSeccompType(profile.type)) {
        return;
      }
      const type = profile.type ?? '';
      explicit.push(container.name);
      badValues.push(type);
      violations.push({
        path: `${containerPath(pod, field, index)}.securityContext.seccompProfile.type`,
        message: `container "${container.name}" must not set securityContext.seccompProfile.type to "${type}"`,
        container: container.name,
        actual: type,
      });
      return;
    }
    if (podSeccompSet) {
      return;
    }
    implicit.push(container.name);
    violations.push({
      path: `${containerPath(pod, field, index)}.securityContext.seccompProfile.type`,
      message: `pod or container "${container.name}" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`,
      container: container.name,
    });
  });
  if (explicit.length > 0) {
    setters.push(containersPhrase(explicit));
  }
  if (setters.length > 0) {
    return {
      reason: 'seccompProfile',
      detail: `${setters.join(' and ')} must not set securityContext.seccompProfile.type to ${joinQuote(sortedUnique(badValues))}`,
      violations,
    };
  }
  if (implicit.length > 0) {
    return {
      reason: 'seccompProfile',
      detail: `pod or ${containersPhrase(implicit)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`,
      violations,
    };
  }
  return undefined;
}

function seccompProfileRestricted_1_25(pod: PodView): PssResult {
  // Windows pods cannot set seccomp profiles (API validation rejects them), so upstream admits them.
  if (isWindowsPod(pod)) {
    return WINDOWS_EXEMPT;
  }
  return seccompProfileRestricted_1_19(pod);
}

export const seccompRestricted = definePssCheck({
  level: 'restricted',
  upstreamId: 'seccompProfile_restricted',
  revisions: [
    { since: 19, evaluate: seccompProfileRestricted_1_19 },
    { since: 25, evaluate: seccompProfileRestricted_1_25 },
  ],
  overrides: seccompBaseline,
  meta: {
    id: 'PAL-K8S-0017',
    slug: 'seccomp-restricted',
    title: 'Container runs without a seccomp profile',
    description:
      'Without RuntimeDefault or a Localhost profile the container can make every system call the kernel offers, including those used in container escapes; restricted workloads must opt in to filtering.',
    severity: 'medium',
    maturity: 'stable',
    frameworks: [
      { framework: 'pss-restricted', control: 'seccomp' },
      { framework: 'cis-kubernetes-1.9', control: '5.7.2' },
      { framework: 'cis-kubernetes-1.9', control: '5.7.3' },
      { framework: 'cis-openshift-1.5', control: '5.7.2' },
      { framework: 'cis-openshift-1.5', control: '5.7.3' },
      { framework: 'mitre-attack-containers', control: 'T1611' },
      { framework: 'mitre-attack-containers', control: 'T1068' },
      { framework: 'mcsb-v1', control: 'PV-2' },
    ],
    remediation: {
      summary:
        'Set spec.securityContext.seccompProfile.type to RuntimeDefault (or Localhost) and remove Unconfined profiles from containers.',
      kubernetesPatch:
        'spec:\n  template:\n    spec:\n      securityContext:\n        seccompProfile:\n          type: RuntimeDefault\n',
    },
    references: [
      PSS_STANDARD_URL,
      'https://kubernetes.io/docs/tutorials/security/seccomp/',
      upstreamSource('check_seccompProfile_restricted.go'),
    ],
  },
});
