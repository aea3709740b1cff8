/**
 * Pod Security Standards, Restricted, "Privilege Escalation" (v1.8+): every container must set
 * allowPrivilegeEscalation=false, which sets no_new_privs so that setuid binaries and file
 * capabilities cannot raise privileges.
 * Reads: spec.{initContainers,containers,ephemeralContainers}[*].securityContext.allowPrivilegeEscalation,
 *   spec.os.name
 * Allowed: false (unset counts as true, the runtime default). From v1.25, pods with
 *   spec.os.name=windows are exempt (not-applicable). Not applicable before v1.8.
 * Upstream: check `allowPrivilegeEscalation` (allowPrivilegeEscalation_1_8, allowPrivilegeEscalation_1_25),
 *   reason "allowPrivilegeEscalation != false",
 *   detail 'container "a" must set securityContext.allowPrivilegeEscalation=false'.
 * Source: https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
 */
import type { PodView, Violation } from '#core';
import {
  containerPath,
  containersPhrase,
  definePssCheck,
  forEachContainer,
  isWindowsPod,
  PSS_STANDARD_URL,
  type PssResult,
  upstreamSource,
  WINDOWS_EXEMPT,
} from '../../../lib/pss.ts';

function allowPrivilegeEscalation_1_8(pod: PodView): PssResult {
  const names: string[] = [];
  const violations: Violation[] = [];
  forEachContainer(pod.spec, (container, field, index) => {
    const value = container.securityContext?.allowPrivilegeEscalation;
    if (value === false) {
      return;
    }
    names.push(container.name);
    violations.push({
      path: `${containerPath(pod, field, index)}.securityContext.allowPrivilegeEscalation`,
      message: `container "${container.name}" must set securityContext.allowPrivilegeEscalation=false`,
      container: container.name,
      ...(value === undefined ? {} : { actual: value }),
    });
  });
  if (names.length === 0) {
    return undefined;
  }
  return {
    reason: 'allowPrivilegeEscalation != false',
    detail: `${containersPhrase(names)} must set securityContext.allowPrivilegeEscalation=false`,
    violations,
  };
}

function allowPrivilegeEscalation_1_25(pod: PodView): PssResult {
  // Windows pods cannot set the field (API validation rejects it), so upstream admits them.
  if (isWindowsPod(pod)) {
    return WINDOWS_EXEMPT;
  }
  return allowPrivilegeEscalation_1_8(pod);
}

export const allowPrivilegeEscalation = definePssCheck({
  level: 'restricted',
  upstreamId: 'allowPrivilegeEscalation',
  revisions: [
    { since: 8, evaluate: allowPrivilegeEscalation_1_8 },
    { since: 25, evaluate: allowPrivilegeEscalation_1_25 },
  ],
  meta: {
    id: 'PAL-K8S-0014',
    slug: 'allow-privilege-escalation',
    title: 'Container allows privilege escalation',
    description:
      'Unless allowPrivilegeEscalation is false, a process in the container can gain privileges through setuid or setgid binaries and file capabilities, turning a foothold into root in the container.',
    severity: 'medium',
    maturity: 'stable',
    frameworks: [
      { framework: 'pss-restricted', control: 'privilege-escalation' },
      { framework: 'cis-kubernetes-1.9', control: '5.2.6' },
      { framework: 'cis-kubernetes-1.9', control: '5.7.3' },
      { framework: 'cis-openshift-1.5', control: '5.2.5' },
      { framework: 'cis-openshift-1.5', control: '5.7.3' },
      { framework: 'mitre-attack-containers', control: 'T1548' },
      { framework: 'mitre-attack-containers', control: 'T1068' },
      { framework: 'mcsb-v1', control: 'PA-7' },
      { framework: 'mcsb-v1', control: 'PV-2' },
    ],
    remediation: {
      summary: 'Set securityContext.allowPrivilegeEscalation to false in every container.',
      kubernetesPatch:
        'spec:\n  template:\n    spec:\n      containers:\n        - name: <container>\n          securityContext:\n            allowPrivilegeEscalation: false\n',
    },
    references: [PSS_STANDARD_URL, upstreamSource('check_allowPrivilegeEscalation.go')],
  },
});
