/**
 * Containers must not have the NET_RAW capability.
 * Reads: spec.os.name, spec.nodeSelector; spec.{initContainers,containers,ephemeralContainers}[*].securityContext
 * .{capabilities.add,capabilities.drop,privileged}.
 * Allowed: capabilities.drop contains ALL or NET_RAW, and capabilities.add contains neither
 * NET_RAW nor ALL (add is applied after drop, so `drop: [ALL], add: [NET_RAW]` keeps it).
 * Capability names are compared case-insensitively with any CAP_ prefix removed, as the runtimes
 * accept them. A privileged container has every capability whatever it drops, so it fails too.
 * Why drop it explicitly: containerd and Docker grant NET_RAW by default, and it allows crafting
 * packets (ARP and DNS spoofing, ICMP tricks) against other pods on the node. CRI-O (OpenShift)
 * leaves it out of its default set and restricted SCCs drop ALL, so on OpenShift the finding is
 * about manifests that would be unsafe on other runtimes or under a more permissive SCC.
 * Not applicable: Windows pods (spec.os.name=windows, or a kubernetes.io/os=windows node
 * selector), which have no Linux capabilities.
 * Sources: CIS Kubernetes Benchmark 5.2.8, CIS Red Hat OpenShift Benchmark 5.2.7,
 * https://kubernetes.io/docs/tasks/configure-pod-container/security-context/#set-capabilities-for-a-container,
 * https://man7.org/linux/man-pages/man7/capabilities.7.html
 */
import type { Violation } from '#core';
import { defineCheck, notApplicable, outcome } from '../../../check.ts';
import { CONTAINER_FIELDS, runsOnWindows, type Workload } from '../../../lib/pod.ts';

/** Already canonical (upper case, no CAP_ prefix): the common case, answered without allocating. */
const CANONICAL_RE = /^(?!CAP_)[A-Z0-9_]+$/;

/** 'cap_net_raw' → 'NET_RAW'. */
function capabilityName(value: string): string {
  if (CANONICAL_RE.test(value)) {
    return value;
  }
  const upper = value.trim().toUpperCase();
  return upper.startsWith('CAP_') ? upper.slice(4) : upper;
}

function dropsNetRaw(drops: readonly string[]): boolean {
  for (const value of drops) {
    const name = capabilityName(value);
    if (name === 'ALL' || name === 'NET_RAW') {
      return true;
    }
  }
  return false;
}

export const netRawCapability = defineCheck<Workload>({
  meta: {
    id: 'PAL-K8S-0111',
    slug: 'net-raw-capability',
    title: 'Container keeps the NET_RAW capability',
    description:
      'NET_RAW lets a process open raw sockets and forge packets, enough for ARP or DNS spoofing against other pods on the node. Container runtimes such as containerd grant it by default, so it must be dropped explicitly.',
    severity: 'medium',
    maturity: 'stable',
    targets: [{ class: 'workload' }],
    frameworks: [
      { framework: 'cis-kubernetes-1.9', control: '5.2.8' },
      { framework: 'cis-openshift-1.5', control: '5.2.7' },
      { framework: 'mitre-attack-containers', control: 'T1557' },
      { framework: 'mitre-attack-containers', control: 'T1040' },
      { framework: 'mcsb-v1', control: 'PA-7' },
      { framework: 'mcsb-v1', control: 'PV-2' },
    ],
    remediation: {
      summary:
        'Drop all capabilities (securityContext.capabilities.drop: [ALL]) and add back only the ones the container needs, never NET_RAW.',
      kubernetesPatch: [
        'spec:',
        '  template:',
        '    spec:',
        '      containers:',
        '        - name: <container>',
        '          securityContext:',
        '            capabilities:',
        '              drop: ["ALL"]',
      ].join('\n'),
    },
    references: [
      'https://kubernetes.io/docs/tasks/configure-pod-container/security-context/#set-capabilities-for-a-container',
      'https://man7.org/linux/man-pages/man7/capabilities.7.html',
    ],
    scope: 'object',
    admission: true,
  },
  evaluate(workload) {
    if (runsOnWindows(workload.pod.spec)) {
      return notApplicable('Windows pods have no Linux capabilities');
    }
    const violations: Violation[] = [];
    const { spec, specPath } = workload.pod;
    for (const field of CONTAINER_FIELDS) {
      for (const [index, container] of (spec[field] ?? []).entries()) {
        const context = container.securityContext;
        if (context?.privileged === true) {
          violations.push({
            path: `${specPath}.${field}[${index}].securityContext.privileged`,
            message: `container "${container.name}" is privileged, which grants NET_RAW whatever it drops`,
            container: container.name,
            actual: true,
          });
          continue;
        }
        let adds = false;
        for (const [i, value] of (context?.capabilities?.add ?? []).entries()) {
          const name = capabilityName(value);
          if (name !== 'NET_RAW' && name !== 'ALL') {
            continue;
          }
          adds = true;
          violations.push({
            path: `${specPath}.${field}[${index}].securityContext.capabilities.add[${i}]`,
            message:
              name === 'ALL'
                ? `container "${container.name}" adds capability ${value}, which includes NET_RAW`
                : `container "${container.name}" adds capability ${value}`,
            container: container.name,
            actual: value,
          });
        }
        if (adds) {
          continue;
        }
        const drops = context?.capabilities?.drop;
        if (drops !== undefined && dropsNetRaw(drops)) {
          continue;
        }
        violations.push({
          path: `${specPath}.${field}[${index}].securityContext.capabilities.drop`,
          message: `container "${container.name}" does not drop NET_RAW (drop ALL or NET_RAW)`,
          container: container.name,
          ...(drops === undefined ? {} : { actual: drops }),
        });
      }
    }
    return outcome(violations);
  },
});
