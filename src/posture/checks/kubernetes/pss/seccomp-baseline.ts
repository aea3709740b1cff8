/**
 * Pod Security Standards, Baseline, "Seccomp": the pod must not turn seccomp off.
 * Reads (v1.0–v1.18): metadata.annotations["seccomp.security.alpha.kubernetes.io/pod"] and
 *   metadata.annotations["container.seccomp.security.alpha.kubernetes.io/<container name>"] for each
 *   init, regular and ephemeral container.
 * Reads (v1.19+): spec.securityContext.seccompProfile.type,
 *   spec.{initContainers,containers,ephemeralContainers}[*].securityContext.seccompProfile.type
 * Allowed (v1.0–v1.18): annotation absent, or "runtime/default", "docker/default", "localhost/<profile>"
 *   (an empty value is forbidden). Allowed (v1.19+): seccompProfile unset, or type RuntimeDefault or
 *   Localhost. Each revision reads only its own form: annotations are ignored from v1.19.
 * Upstream: check `seccompProfile_baseline` (seccompProfileBaseline_1_0, seccompProfileBaseline_1_19),
 *   reason "seccompProfile". Overridden in the restricted level by seccomp-restricted from v1.19.
 * Source: https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
 */
import type { PodView, Violation } from '#core';
import {
  annotationPath,
  containerPath,
  containersPhrase,
  definePssCheck,
  forEachContainer,
  goQuote,
  joinQuote,
  PSS_STANDARD_URL,
  type PssResult,
  plural,
  sortedUnique,
  upstreamSource,
} from '../../../lib/pss.ts';

const ANNOTATION_POD = 'seccomp.security.alpha.kubernetes.io/pod';
const ANNOTATION_CONTAINER_PREFIX = 'container.seccomp.security.alpha.kubernetes.io/';
const VALID_TYPES: ReadonlySet<string> = new Set(['RuntimeDefault', 'Localhost']);

function validAnnotationValue(value: string): boolean {
  return value === 'runtime/default' || value === 'docker/default' || value.startsWith('localhost/');
}

/** RuntimeDefault or Localhost; shared with seccomp-restricted. */
export function validSeccompType(type: string | undefined): boolean {
  return type !== undefined && VALID_TYPES.has(type);
}

function seccompProfileBaseline_1_0(pod: PodView): PssResult {
  const annotations = pod.metadata.annotations;
  if (!annotations) {
    return undefined;
  }
  const forbidden: string[] = [];
  const violations: Violation[] = [];
  const podValue = annotations[ANNOTATION_POD];
  if (podValue !== undefined && !validAnnotationValue(podValue)) {
    forbidden.push(`${ANNOTATION_POD}=${goQuote(podValue)}`);
    violations.push({
      path: annotationPath(pod, ANNOTATION_POD),
      message: `pod must not set annotation ${ANNOTATION_POD}=${goQuote(podValue)}`,
      actual: podValue,
    });
  }
  forEachContainer(pod.spec, (container) => {
    const key = ANNOTATION_CONTAINER_PREFIX + container.name;
    const value = annotations[key];
    if (value === undefined || validAnnotationValue(value)) {
      return;
    }
    forbidden.push(`${key}=${goQuote(value)}`);
    violations.push({
      path: annotationPath(pod, key),
      message: `container "${container.name}" must not set annotation ${key}=${goQuote(value)}`,
      container: container.name,
      actual: value,
    });
  });
  if (forbidden.length === 0) {
    return undefined;
  }
  const list = sortedUnique(forbidden);
  return {
    reason: 'seccompProfile',
    detail: `forbidden ${plural('annotation', 'annotations', list.length)} ${list.join(', ')}`,
    violations,
  };
}

function seccompProfileBaseline_1_19(pod: PodView): PssResult {
  const setters: string[] = [];
  const badValues: string[] = [];
  const violations: Violation[] = [];
  const podProfile = pod.spec.securityContext?.seccompProfile;
  if (podProfile && !validSeccompType(podProfile.type)) {
    const type = podProfile.type ?? '';
    setters.push('pod');
    badValues.push(type);
    violations.push({
      path: `${pod.specPath}.securityContext.seccompProfile.type`,
      message: `pod must not set securityContext.seccompProfile.type to "${type}"`,
      actual: type,
    });
  }
  const names: string[] = [];
  forEachContainer(pod.spec, (container, field, index) => {
    const profile = container.securityContext?.seccompProfile;
    if (!profile || validSeccompType(profile.type)) {
      return;
    }
    const type = profile.type ?? '';
    names.push(container.name);
    badValues.push(type);
    violations.push({
      path: `${containerPath(pod, field, index)}.securityContext.seccompProfile.type`,
      message: `container "${container.name}" must not set securityContext.seccompProfile.type to "${type}"`,
      container: container.name,
      actual: type,
    });
  });
  if (names.length > 0) {
    setters.push(containersPhrase(names));
  }
  if (setters.length === 0) {
    return undefined;
  }
  return {
    reason: 'seccompProfile',
    detail: `${setters.join(' and ')} must not set securityContext.seccompProfile.type to ${joinQuote(sortedUnique(badValues))}`,
    violations,
  };
}

export const seccompBaseline = definePssCheck({
  level: 'baseline',
  upstreamId: 'seccompProfile_baseline',
  revisions: [
    { since: 0, evaluate: seccompProfileBaseline_1_0 },
    { since: 19, evaluate: seccompProfileBaseline_1_19 },
  ],
  meta: {
    id: 'PAL-K8S-0009',
    slug: 'seccomp-baseline',
    title: 'Pod disables seccomp',
    description:
      'Seccomp filters the system calls a container can make; an Unconfined profile exposes the whole kernel syscall surface, including calls used in container escapes.',
    severity: 'medium',
    maturity: 'stable',
    frameworks: [
      { framework: 'pss-baseline', control: 'seccomp' },
      { framework: 'mitre-attack-containers', control: 'T1611' },
      { framework: 'mitre-attack-containers', control: 'T1068' },
      { framework: 'mcsb-v1', control: 'PV-2' },
    ],
    remediation: {
      summary: 'Set seccompProfile.type to RuntimeDefault or Localhost, or remove the Unconfined profile.',
      kubernetesPatch:
        'spec:\n  template:\n    spec:\n      securityContext:\n        seccompProfile:\n          type: RuntimeDefault\n',
    },
    references: [
      PSS_STANDARD_URL,
      'https://kubernetes.io/docs/tutorials/security/seccomp/',
      upstreamSource('check_seccompProfile_baseline.go'),
    ],
  },
});
