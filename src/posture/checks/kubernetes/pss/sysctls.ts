/**
 * Pod Security Standards, Baseline, "Sysctls": the pod may set only namespaced sysctls that are
 * isolated from other pods on the node.
 * Reads: spec.securityContext.sysctls[*].name
 * Allowed: unset/empty, or (exact names; the slash-separated spelling is not accepted, as upstream)
 *   v1.0:  kernel.shm_rmid_forced, net.ipv4.ip_local_port_range, net.ipv4.ip_unprivileged_port_start,
 *          net.ipv4.tcp_syncookies, net.ipv4.ping_group_range
 *   v1.27: + net.ipv4.ip_local_reserved_ports
 *   v1.29: + net.ipv4.tcp_keepalive_time, net.ipv4.tcp_fin_timeout, net.ipv4.tcp_keepalive_intvl,
 *          net.ipv4.tcp_keepalive_probes
 *   v1.32: + net.ipv4.tcp_rmem, net.ipv4.tcp_wmem
 *   v1.37: + net.ipv4.tcp_slow_start_after_idle, net.ipv4.tcp_notsent_lowat
 * Upstream: check `sysctls` (sysctlsV1Dot0, …V1Dot27, …V1Dot29, …V1Dot32, …V1Dot37), reason
 *   "forbidden sysctls", detail the forbidden names in spec order, comma-separated.
 * Source: https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
 */
import type { PodView, Violation } from '#core';
import { definePssCheck, PSS_STANDARD_URL, type PssResult, upstreamSource } from '../../../lib/pss.ts';

const SYSCTLS_ALLOWED_V1_0: readonly string[] = [
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
];
const SYSCTLS_ALLOWED_V1_27 = [...SYSCTLS_ALLOWED_V1_0, 'net.ipv4.ip_local_reserved_ports'];
const SYSCTLS_ALLOWED_V1_29 = [
  ...SYSCTLS_ALLOWED_V1_27,
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
];
const SYSCTLS_ALLOWED_V1_32 = [...SYSCTLS_ALLOWED_V1_29, 'net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem'];
const SYSCTLS_ALLOWED_V1_37 = [
  ...SYSCTLS_ALLOWED_V1_32,
  'net.ipv4.tcp_slow_start_after_idle',
  'net.ipv4.tcp_notsent_lowat',
];

function sysctlsAllowing(allowedNames: readonly string[]) {
  const allowed: ReadonlySet<string> = new Set(allowedNames);
  return (pod: PodView): PssResult => {
    const sysctls = pod.spec.securityContext?.sysctls;
    if (!sysctls) {
      return undefined;
    }
    const forbidden: string[] = [];
    const violations: Violation[] = [];
    for (let i = 0; i < sysctls.length; i++) {
      const name = sysctls[i]?.name ?? '';
      if (allowed.has(name)) {
        continue;
      }
      forbidden.push(name);
      violations.push({
        path: `${pod.specPath}.securityContext.sysctls[${i}].name`,
        message: `pod must not set sysctl ${name}`,
        actual: name,
      });
    }
    if (forbidden.length === 0) {
      return undefined;
    }
    return { reason: 'forbidden sysctls', detail: forbidden.join(', '), violations };
  };
}

const sysctlsV1Dot0 = sysctlsAllowing(SYSCTLS_ALLOWED_V1_0);
const sysctlsV1Dot27 = sysctlsAllowing(SYSCTLS_ALLOWED_V1_27);
const sysctlsV1Dot29 = sysctlsAllowing(SYSCTLS_ALLOWED_V1_29);
const sysctlsV1Dot32 = sysctlsAllowing(SYSCTLS_ALLOWED_V1_32);
const sysctlsV1Dot37 = sysctlsAllowing(SYSCTLS_ALLOWED_V1_37);

export const sysctls = definePssCheck({
  level: 'baseline',
  upstreamId: 'sysctls',
  revisions: [
    { since: 0, evaluate: sysctlsV1Dot0 },
    { since: 27, evaluate: sysctlsV1Dot27 },
    { since: 29, evaluate: sysctlsV1Dot29 },
    { since: 32, evaluate: sysctlsV1Dot32 },
    { since: 37, evaluate: sysctlsV1Dot37 },
  ],
  meta: {
    id: 'PAL-K8S-0010',
    slug: 'sysctls',
    title: 'Pod sets an unsafe sysctl',
    description:
      'Sysctls outside the safe set are either not namespaced or not isolated between pods, so setting them changes kernel behaviour for the whole node or for its other workloads.',
    severity: 'medium',
    maturity: 'stable',
    frameworks: [
      { framework: 'pss-baseline', control: 'sysctls' },
      { framework: 'mitre-attack-containers', control: 'T1499' },
      { framework: 'mcsb-v1', control: 'PV-2' },
    ],
    remediation: {
      summary:
        'Remove sysctls outside the safe set from spec.securityContext.sysctls, or set them on the node instead.',
    },
    references: [
      PSS_STANDARD_URL,
      'https://kubernetes.io/docs/tasks/administer-cluster/sysctl-cluster/',
      upstreamSource('check_sysctls.go'),
    ],
  },
});
