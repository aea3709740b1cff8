/**
 * Pod Security Standards, Restricted, "Capabilities" (v1.22+): every container must drop ALL
 * capabilities and may add back only NET_BIND_SERVICE.
 * Reads: spec.{initContainers,containers,ephemeralContainers}[*].securityContext.capabilities.{drop,add},
 *   spec.os.name
 * Allowed: drop contains "ALL"; add unset/empty or only "NET_BIND_SERVICE". Names are compared
 *   exactly, as upstream does: "all", "CAP_ALL" or "CAP_NET_BIND_SERVICE" do not count. From v1.25
 *   pods with spec.os.name=windows are exempt (not-applicable).
 * Upstream: check `capabilities_restricted` (capabilitiesRestricted_1_22, capabilitiesRestricted_1_25),
 *   reason "unrestricted capabilities", overriding `capabilities_baseline`. Before v1.22 the
 *   restricted level runs the baseline capabilities rule; Palisade evaluates it here, since this
 *   check overrides capabilities-baseline whenever both are selected.
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
import { capabilitiesBaseline } from './capabilities-baseline.ts';

const CAPABILITY_ALL = 'ALL';
const CAPABILITY_NET_BIND_SERVICE = 'NET_BIND_SERVICE';

function capabilitiesRestricted_1_22(pod: PodView): PssResult {
  const missingDropAll: string[] = [];
  const addingForbidden: string[] = [];
  const forbidden: string[] = [];
  const violations: Violation[] = [];
  forEachContainer(pod.spec, (container, field, index) => {
    const capabilities = container.securityContext?.capabilities;
    const drop = capabilities?.drop;
    if (!drop?.includes(CAPABILITY_ALL)) {
      missingDropAll.push(container.name);
      violations.push({
        path: `${containerPath(pod, field, index)}.securityContext.capabilities.drop`,
        message: `container "${container.name}" must set securityContext.capabilities.drop=["ALL"]`,
        container: container.name,
        ...(drop === undefined ? {} : { actual: drop }),
      });
    }
    const add = capabilities?.add;
    if (!add) {
      return;
    }
    let bad = false;
    for (let i = 0; i < add.length; i++) {
      const capability = add[i] ?? '';
      if (capability === CAPABILITY_NET_BIND_SERVICE) {
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
      addingForbidden.push(container.name);
    }
  });
  const details: string[] = [];
  if (missingDropAll.length > 0) {
    details.push(`${containersPhrase(missingDropAll)} must set securityContext.capabilities.drop=["ALL"]`);
  }
  if (addingForbidden.length > 0) {
    details.push(
      `${containersPhrase(addingForbidden)} must not include ${joinQuote(sortedUnique(forbidden))} in securityContext.capabilities.add`,
    );
  }
  if (details.length === 0) {
    return undefined;
  }
  return { reason: 'unrestricted capabilities', detail: details.join('; '), violations };
}

function capabilitiesRestricted_1_25(pod: PodView): PssResult {
  // Windows pods cannot set capabilities (API validation rejects them), so upstream admits them.
  if (isWindowsPod(pod)) {
    return WINDOWS_EXEMPT;
  }
  return capabilitiesRestricted_1_22(pod);
}

export const capabilitiesRestricted = definePssCheck({
  level: 'restricted',
  upstreamId: 'capabilities_restricted',
  revisions: [
    { since: 22, evaluate: capabilitiesRestricted_1_22 },
    { since: 25, evaluate: capabilitiesRestricted_1_25 },
  ],
  overrides: capabilitiesBaseline,
  meta: {
    id: 'PAL-K8S-0018',
    slug: 'capabilities-restricted',
    title: 'Container does not drop all capabilities',
    description:
      'The runtime default set still grants capabilities such as NET_RAW, CHOWN and SETUID; restricted workloads must drop ALL and may add back only NET_BIND_SERVICE to bind low ports.',
    severity: 'medium',
    maturity: 'stable',
    frameworks: [
      { framework: 'pss-restricted', control: 'capabilities' },
      { framework: 'cis-kubernetes-1.9', control: '5.2.8' },
      { framework: 'cis-kubernetes-1.9', control: '5.2.9' },
      { framework: 'cis-kubernetes-1.9', control: '5.2.10' },
      { framework: 'cis-kubernetes-1.9', control: '5.7.3' },
      { framework: 'cis-openshift-1.5', control: '5.2.7' },
      { framework: 'cis-openshift-1.5', control: '5.2.8' },
      { framework: 'cis-openshift-1.5', control: '5.2.9' },
      { framework: 'cis-openshift-1.5', control: '5.7.3' },
      { framework: 'mitre-attack-containers', control: 'T1611' },
      { framework: 'mitre-attack-containers', control: 'T1040' },
      { framework: 'mcsb-v1', control: 'PA-7' },
      { framework: 'mcsb-v1', control: 'PV-2' },
    ],
    remediation: {
      summary:
        'Set securityContext.capabilities.drop to ["ALL"] in every container and add back at most NET_BIND_SERVICE.',
      kubernetesPatch:
        'spec:\n  template:\n    spec:\n      containers:\n        - name: <container>\n          securityContext:\n            capabilities:\n              drop: ["ALL"]\n',
    },
    references: [PSS_STANDARD_URL, upstreamSource('check_capabilities_restricted.go')],
  },
});
