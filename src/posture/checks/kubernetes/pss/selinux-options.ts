/**
 * Pod Security Standards, Baseline, "SELinux": the pod must not pick a custom SELinux type, user
 * or role.
 * Reads: spec.securityContext.seLinuxOptions.{type,user,role},
 *   spec.{initContainers,containers,ephemeralContainers}[*].securityContext.seLinuxOptions.{type,user,role}
 * Allowed: type unset/empty, container_t, container_init_t, container_kvm_t, and from v1.31
 *   container_engine_t; user and role unset/empty. seLinuxOptions.level is not restricted.
 * Upstream: check `seLinuxOptions` (seLinuxOptions_1_0, seLinuxOptions_1_31), reason
 *   "seLinuxOptions", detail 'pod and containers "a" set forbidden securityContext.seLinuxOptions:
 *   type "spc_t"; user may not be set; role may not be set'. Upstream mentions a forbidden user or
 *   role only when a forbidden type is also present (its detail is then empty); Palisade always
 *   names them.
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
  plural,
  sortedUnique,
  upstreamSource,
} from '../../../lib/pss.ts';

const SELINUX_ALLOWED_TYPES_1_0: ReadonlySet<string> = new Set([
  '',
  'container_t',
  'container_init_t',
  'container_kvm_t',
]);
const SELINUX_ALLOWED_TYPES_1_31: ReadonlySet<string> = new Set([...SELINUX_ALLOWED_TYPES_1_0, 'container_engine_t']);

interface SELinuxOptions {
  readonly type?: string | undefined;
  readonly user?: string | undefined;
  readonly role?: string | undefined;
}

function seLinuxOptionsWith(allowedTypes: ReadonlySet<string>) {
  return (pod: PodView): PssResult => {
    const setters: string[] = [];
    const badTypes: string[] = [];
    const violations: Violation[] = [];
    let setUser = false;
    let setRole = false;

    // Checks one seLinuxOptions object; returns whether it is valid.
    const inspect = (options: SELinuxOptions, base: string, who: string, container?: string): boolean => {
      let valid = true;
      const owner = container === undefined ? {} : { container };
      const type = options.type ?? '';
      if (!allowedTypes.has(type)) {
        valid = false;
        badTypes.push(type);
        violations.push({
          path: `${base}.seLinuxOptions.type`,
          message: `${who} must not set securityContext.seLinuxOptions.type to "${type}"`,
          ...owner,
          actual: type,
        });
      }
      if (options.user) {
        valid = false;
        setUser = true;
        violations.push({
          path: `${base}.seLinuxOptions.user`,
          message: `${who} must not set securityContext.seLinuxOptions.user`,
          ...owner,
          actual: options.user,
        });
      }
      if (options.role) {
        valid = false;
        setRole = true;
        violations.push({
          path: `${base}.seLinuxOptions.role`,
          message: `${who} must not set securityContext.seLinuxOptions.role`,
          ...owner,
          actual: options.role,
        });
      }
      return valid;
    };

    const podOptions = pod.spec.securityContext?.seLinuxOptions;
    if (podOptions && !inspect(podOptions, `${pod.specPath}.securityContext`, 'pod')) {
      setters.push('pod');
    }
    const names: string[] = [];
    forEachContainer(pod.spec, (container, field, index) => {
      const options = container.securityContext?.seLinuxOptions;
      if (!options) {
        return;
      }
      const base = `${containerPath(pod, field, index)}.securityContext`;
      if (!inspect(options, base, `container "${container.name}"`, container.name)) {
        names.push(container.name);
      }
    });
    if (names.length > 0) {
      setters.push(containersPhrase(names));
    }
    if (setters.length === 0) {
      return undefined;
    }
    const problems: string[] = [];
    const types = sortedUnique(badTypes);
    if (types.length > 0) {
      problems.push(`${plural('type', 'types', types.length)} ${joinQuote(types)}`);
    }
    if (setUser) {
      problems.push('user may not be set');
    }
    if (setRole) {
      problems.push('role may not be set');
    }
    return {
      reason: 'seLinuxOptions',
      detail: `${setters.join(' and ')} set forbidden securityContext.seLinuxOptions: ${problems.join('; ')}`,
      violations,
    };
  };
}

const seLinuxOptions_1_0 = seLinuxOptionsWith(SELINUX_ALLOWED_TYPES_1_0);
const seLinuxOptions_1_31 = seLinuxOptionsWith(SELINUX_ALLOWED_TYPES_1_31);

export const selinuxOptions = definePssCheck({
  level: 'baseline',
  upstreamId: 'seLinuxOptions',
  revisions: [
    { since: 0, evaluate: seLinuxOptions_1_0 },
    { since: 31, evaluate: seLinuxOptions_1_31 },
  ],
  meta: {
    id: 'PAL-K8S-0007',
    slug: 'selinux-options',
    title: 'Pod sets a custom SELinux type, user or role',
    description:
      'SELinux confines containers to the container_t domain; a type such as spc_t (super-privileged container) or a custom user or role lifts that confinement on SELinux nodes such as OpenShift’s.',
    severity: 'medium',
    maturity: 'stable',
    frameworks: [
      { framework: 'pss-baseline', control: 'selinux' },
      { framework: 'mitre-attack-containers', control: 'T1611' },
      { framework: 'mitre-attack-containers', control: 'T1562.001' },
      { framework: 'mcsb-v1', control: 'PV-2' },
    ],
    remediation: {
      summary:
        'Remove seLinuxOptions.user and seLinuxOptions.role, and leave seLinuxOptions.type unset or set it to container_t.',
    },
    references: [PSS_STANDARD_URL, upstreamSource('check_seLinuxOptions.go')],
  },
});
