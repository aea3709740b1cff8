/**
 * Pod Security Standards, Baseline, "AppArmor": the pod must not disable or override the
 * runtime's default AppArmor profile, through the fields or the legacy annotation.
 * Reads: spec.securityContext.appArmorProfile.type,
 *   spec.{initContainers,containers,ephemeralContainers}[*].securityContext.appArmorProfile.type,
 *   metadata.annotations["container.apparmor.security.beta.kubernetes.io/*"]
 * Allowed: type RuntimeDefault or Localhost (any other value, Unconfined included, is forbidden
 *   once appArmorProfile is set); annotation value empty, "runtime/default" or "localhost/<profile>".
 * Upstream: check `appArmorProfile` (appArmorProfile_1_0). Upstream has one revision from v1.0 and
 *   amended it in place when the fields arrived (Kubernetes v1.30), so both the fields and the
 *   annotation are checked at every policy version, as Palisade does here.
 *   Reason "forbidden AppArmor profile(s)", detail 'pod and containers "a" and annotation must not
 *   set AppArmor profile type to "Unconfined", "<key>="unconfined""'.
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

const ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';
const ALLOWED_TYPES: ReadonlySet<string> = new Set(['RuntimeDefault', 'Localhost']);

function allowedAnnotationValue(value: string): boolean {
  return value === '' || value === 'runtime/default' || value.startsWith('localhost/');
}

function appArmorProfile_1_0(pod: PodView): PssResult {
  const setters: string[] = [];
  const badTypes: string[] = [];
  const violations: Violation[] = [];

  const podProfile = pod.spec.securityContext?.appArmorProfile;
  if (podProfile) {
    const type = podProfile.type ?? '';
    if (!ALLOWED_TYPES.has(type)) {
      setters.push('pod');
      badTypes.push(type);
      violations.push({
        path: `${pod.specPath}.securityContext.appArmorProfile.type`,
        message: `pod must not set AppArmor profile type to "${type}"`,
        actual: type,
      });
    }
  }

  const names: string[] = [];
  forEachContainer(pod.spec, (container, field, index) => {
    const profile = container.securityContext?.appArmorProfile;
    if (!profile) {
      return;
    }
    const type = profile.type ?? '';
    if (ALLOWED_TYPES.has(type)) {
      return;
    }
    names.push(container.name);
    badTypes.push(type);
    violations.push({
      path: `${containerPath(pod, field, index)}.securityContext.appArmorProfile.type`,
      message: `container "${container.name}" must not set AppArmor profile type to "${type}"`,
      container: container.name,
      actual: type,
    });
  });
  if (names.length > 0) {
    setters.push(containersPhrase(names));
  }

  const annotations: string[] = [];
  const podAnnotations = pod.metadata.annotations;
  if (podAnnotations) {
    for (const key of Object.keys(podAnnotations)) {
      if (!key.startsWith(ANNOTATION_PREFIX)) {
        continue;
      }
      const value = podAnnotations[key] ?? '';
      if (allowedAnnotationValue(value)) {
        continue;
      }
      annotations.push(`${key}=${goQuote(value)}`);
      const container = key.slice(ANNOTATION_PREFIX.length);
      violations.push({
        path: annotationPath(pod, key),
        message: `annotation ${key} must not set AppArmor profile ${goQuote(value)}`,
        container,
        actual: value,
      });
    }
  }

  const values = sortedUnique(badTypes);
  if (annotations.length > 0) {
    annotations.sort();
    values.push(...annotations);
    setters.push(plural('annotation', 'annotations', annotations.length));
  }
  if (setters.length === 0) {
    return undefined;
  }
  return {
    reason: plural('forbidden AppArmor profile', 'forbidden AppArmor profiles', values.length),
    detail: `${setters.join(' and ')} must not set AppArmor profile type to ${joinQuote(values)}`,
    violations,
  };
}

export const apparmorProfile = definePssCheck({
  level: 'baseline',
  upstreamId: 'appArmorProfile',
  revisions: [{ since: 0, evaluate: appArmorProfile_1_0 }],
  meta: {
    id: 'PAL-K8S-0006',
    slug: 'apparmor-profile',
    title: 'Pod disables or overrides the default AppArmor profile',
    description:
      'On AppArmor hosts the runtime default profile blocks mounts, raw kernel interfaces and writes to sensitive /proc and /sys paths; an Unconfined profile removes that layer of confinement.',
    severity: 'medium',
    maturity: 'stable',
    frameworks: [
      { framework: 'pss-baseline', control: 'apparmor' },
      { framework: 'mitre-attack-containers', control: 'T1611' },
      { framework: 'mitre-attack-containers', control: 'T1562.001' },
      { framework: 'mcsb-v1', control: 'PV-2' },
    ],
    remediation: {
      summary:
        'Set appArmorProfile.type to RuntimeDefault or Localhost, or remove it, and drop unconfined AppArmor annotations.',
      kubernetesPatch:
        'spec:\n  template:\n    spec:\n      securityContext:\n        appArmorProfile:\n          type: RuntimeDefault\n',
    },
    references: [
      PSS_STANDARD_URL,
      'https://kubernetes.io/docs/tutorials/security/apparmor/',
      upstreamSource('check_appArmorProfile.go'),
    ],
  },
});
