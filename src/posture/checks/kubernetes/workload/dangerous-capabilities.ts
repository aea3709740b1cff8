/**
 * Containers must not add capabilities that reach beyond the container.
 * Reads: spec.os.name, spec.nodeSelector; spec.{initContainers,containers,ephemeralContainers}[*].securityContext
 * .capabilities.add; settings.dangerousCapabilities.
 * Fails: capabilities.add contains one of the capabilities below (each with what it enables), ALL,
 * or one listed in settings.dangerousCapabilities. Names are compared case-insensitively with any
 * CAP_ prefix removed (`cap_sys_admin`, `CAP_SYS_ADMIN` and `SYS_ADMIN` are the same).
 * NET_RAW has its own check (net-raw-capability); privileged containers, which have every
 * capability, are the Pod Security Standards' privileged-containers control.
 * Pod Security Standards baseline already forbids adding any capability outside the runtime
 * defaults; this check explains the danger of each one, can be extended from settings, and keeps
 * reporting where Pod Security admission is not enforced or the namespace is exempted.
 * Compared with Defender for Containers: policy d2e7ea85 forbids only SYS_ADMIN, and policy
 * c26596ff needs an allow-list before it checks anything; this check ships a reasoned deny-list
 * that works unconfigured and can be extended.
 * Not applicable: Windows pods (spec.os.name=windows, or a kubernetes.io/os=windows node
 * selector), which have no Linux capabilities.
 * Sources: CIS Kubernetes Benchmark 5.2.9, CIS Red Hat OpenShift Benchmark 5.2.8,
 * https://man7.org/linux/man-pages/man7/capabilities.7.html,
 * https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
 */
import type { Violation } from '#core';
import { defineCheck, notApplicable, outcome } from '../../../check.ts';
import { CONTAINER_FIELDS, runsOnWindows, type Workload } from '../../../lib/pod.ts';

/** Capabilities that break container isolation or control the node, with what they enable. */
const DANGEROUS: ReadonlyMap<string, string> = new Map(
  Object.entries({
    ALL: 'every capability',
    AUDIT_CONTROL: 'reconfiguring or disabling kernel auditing',
    BPF: 'loading eBPF programs that can read kernel memory',
    DAC_READ_SEARCH: 'reading any file by handle, a known container escape',
    MAC_ADMIN: 'changing AppArmor or SELinux policy',
    MAC_OVERRIDE: 'bypassing AppArmor or SELinux policy',
    NET_ADMIN: 'reconfiguring interfaces, routes and firewall rules',
    PERFMON: 'kernel performance monitoring that exposes kernel memory',
    SYS_ADMIN: 'mounting filesystems and most other administration, the usual container escape',
    SYS_BOOT: 'rebooting or loading a new kernel',
    SYS_MODULE: 'loading kernel modules',
    SYS_PTRACE: 'tracing and injecting code into other processes',
    SYS_RAWIO: 'raw access to devices and I/O ports',
    SYS_TIME: "setting the node's clock",
    SYSLOG: 'reading kernel logs that leak kernel addresses',
  }),
);

/** Already canonical (upper case, no CAP_ prefix): the common case, answered without allocating. */
const CANONICAL_RE = /^(?!CAP_)[A-Z0-9_]+$/;

/** 'cap_sys_admin' → 'SYS_ADMIN'. */
function capabilityName(value: string): string {
  if (CANONICAL_RE.test(value)) {
    return value;
  }
  const upper = value.trim().toUpperCase();
  return upper.startsWith('CAP_') ? upper.slice(4) : upper;
}

const extraSets = new WeakMap<readonly string[], ReadonlySet<string>>();

function extrasFor(configured: readonly string[]): ReadonlySet<string> {
  let set = extraSets.get(configured);
  if (!set) {
    set = new Set(configured.map(capabilityName).filter((name) => name !== ''));
    extraSets.set(configured, set);
  }
  return set;
}

export const dangerousCapabilities = defineCheck<Workload>({
  meta: {
    id: 'PAL-K8S-0112',
    slug: 'dangerous-capabilities',
    title: 'Container adds a dangerous Linux capability',
    description:
      'Capabilities such as SYS_ADMIN, SYS_MODULE, SYS_PTRACE or NET_ADMIN give a container kernel powers that lead to escaping to the node or tampering with its network and security policy. Pod Security Standards baseline forbids adding them; this check says what each one enables and keeps reporting for node agents and namespaces exempted from Pod Security admission.',
    severity: 'high',
    maturity: 'stable',
    targets: [{ class: 'workload' }],
    frameworks: [
      { framework: 'cis-kubernetes-1.9', control: '5.2.9' },
      { framework: 'cis-openshift-1.5', control: '5.2.8' },
      { framework: 'mitre-attack-containers', control: 'T1611' },
      { framework: 'mitre-attack-containers', control: 'T1068' },
      { framework: 'mcsb-v1', control: 'PA-7' },
      { framework: 'mcsb-v1', control: 'PV-2' },
    ],
    remediation: {
      summary:
        'Remove the capability from securityContext.capabilities.add; if a node agent truly needs it, run it in a dedicated, exempted namespace.',
      kubernetesPatch: [
        'spec:',
        '  template:',
        '    spec:',
        '      containers:',
        '        - name: <container>',
        '          securityContext:',
        '            capabilities:',
        '              drop: ["ALL"]',
        '              add: []',
      ].join('\n'),
    },
    references: [
      'https://man7.org/linux/man-pages/man7/capabilities.7.html',
      'https://kubernetes.io/docs/tasks/configure-pod-container/security-context/#set-capabilities-for-a-container',
      'https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline',
    ],
    scope: 'object',
    admission: true,
  },
  evaluate(workload, ctx) {
    if (runsOnWindows(workload.pod.spec)) {
      return notApplicable('Windows pods have no Linux capabilities');
    }
    const extras = extrasFor(ctx.settings.dangerousCapabilities);
    const violations: Violation[] = [];
    const { spec, specPath } = workload.pod;
    for (const field of CONTAINER_FIELDS) {
      for (const [index, container] of (spec[field] ?? []).entries()) {
        const add = container.securityContext?.capabilities?.add;
        if (!add) {
          continue;
        }
        for (const [i, value] of add.entries()) {
          const name = capabilityName(value);
          const why =
            DANGEROUS.get(name) ?? (extras.has(name) ? 'listed in settings.dangerousCapabilities' : undefined);
          if (why === undefined) {
            continue;
          }
          violations.push({
            path: `${specPath}.${field}[${index}].securityContext.capabilities.add[${i}]`,
            message: `container "${container.name}" adds capability ${value}: ${why}`,
            container: container.name,
            actual: value,
          });
        }
      }
    }
    return outcome(violations);
  },
});
