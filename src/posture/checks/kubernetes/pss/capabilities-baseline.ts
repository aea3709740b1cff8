/**
 * Pod Security Standards, Baseline, "Capabilities": containers may add only capabilities from
 * the container runtime's default set.
 * Reads: spec.{initContainers,containers,ephemeralContainers}[*].securityContext.capabilities.add
 * Allowed: unset/empty, or AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, MKNOD,
 * NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, SETUID, SYS_CHROOT. Names are compared exactly, as
 * upstream does: "CAP_CHOWN" or "chown" is not in the list, so it is forbidden.
 * Upstream: check `capabilities_baseline` (capabilitiesBaseline_1_0, v1.0+), reason
 * "non-default capabilities". Overridden in the restricted level by capabilities-restricted from v1.22.
 * Source: https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
 */
import type { PodView, Violation } from '#core';
import {
  containerPath,
  containersPhrase,
  definePssCheck,
  forEachContainer,
  joinQuote,
  PSS_STANDARD_URL,
  type PssResult,
  sortedUnique,
  upstreamSource,
} from '../../../lib/pss.ts';

const CAPABILITIES_ALLOWED_1_0: ReadonlySet<string> = new Set([
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
]);

function capabilitiesBaseline_1_0(pod: PodView): PssResult {
  const names: string[] = [];
  const forbidden: string[] = [];
  const violations: Violation[] = [];
  forEachContainer(pod.spec, (container, field, index) => {
    const add = container.securityContext?.capabilities?.add;
    if (!add) {
      return;
    }
    let bad = false;
    for (let i = 0; i < add.length; i++) {
      const capability = add[i] ?? '';
      if (CAPABILITIES_ALLOWED_1_0.has(capability)) {
        continue;
      }
      bad = true;
      forbidden.push(capability);
      violations.push({
        path: `${containerPath(pod, field, index)}.securityContext.capabilities.add[${i}]`,
        message: `container "${container.name}" must not include "${capability}" in securityContext.capabilities.add`,
        container: container.name,
        actual: capability,
      });
    }
    if (bad) {
      names.push(container.name);
    }
  });
  if (names.length === 0) {
    return undefined;
  }
  return {
    reason: 'non-default capabilities',
    detail: `${containersPhrase(names)} must not include ${joinQuote(sortedUnique(forbidden))} in securityContext.capabilities.add`,
    violations,
  };
}

export const capabilitiesBaseline = definePssCheck({
  level: 'baseline',
  upstreamId: 'capabilities_baseline',
  revisions: [{ since: 0, evaluate: capabilitiesBaseline_1_0 }],
  meta: {
    id: 'PAL-K8S-0003',
    slug: 'capabilities-baseline',
    title: 'Container adds a capability beyond the default set',
    description:
      'Capabilities such as SYS_ADMIN, NET_ADMIN, SYS_PTRACE or NET_RAW grant kernel privileges that break container isolation and are the usual route to a node escape.',
    severity: 'high',
    maturity: 'stable',
    frameworks: [
      { framework: 'pss-baseline', control: 'capabilities' },
      { framework: 'cis-kubernetes-1.9', control: '5.2.9' },
      { framework: 'cis-openshift-1.5', control: '5.2.8' },
      { framework: 'mitre-attack-containers', control: 'T1611' },
      { framework: 'mitre-attack-containers', control: 'T1068' },
      { framework: 'mcsb-v1', control: 'PA-7' },
      { framework: 'mcsb-v1', control: 'PV-2' },
    ],
    remediation: {
      summary: 'Remove every capability outside the runtime default set from securityContext.capabilities.add.',
      kubernetesPatch:
        'spec:\n  template:\n    spec:\n      containers:\n        - name: <container>\n          securityContext:\n            capabilities:\n              add: []\n',
    },
    references: [PSS_STANDARD_URL, upstreamSource('check_capabilities_baseline.go')],
  },
});
