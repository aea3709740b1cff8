/**
 * Containers must have CPU and memory limits.
 * Reads: spec.{initContainers,containers}[*].resources.limits.{cpu,memory}; spec.resources.limits
 * (pod-level resources); LimitRange objects (spec.limits[type=Container].default / .max) in the
 * workload's namespace, from the inventory.
 * Allowed: a valid quantity above zero for both cpu and memory, given by the container itself,
 * by the pod-level limits (which bound all containers together), or by a LimitRange default the
 * API server applies at admission. Unset, empty, zero (the kubelet's "no limit") or a value that
 * is not a quantity fails.
 * Not checked: ephemeral containers (the API forbids resources on them).
 * Compared with Defender for Containers (policy e345eecc, "Container CPU and memory limits should
 * be enforced"): Defender judges admitted Pods, after the API server has applied LimitRange
 * defaults, and needs cluster-specific maxima. A manifest or Deployment template has not been
 * defaulted yet, so we apply the LimitRange and pod-level defaults the API server will apply,
 * report zero limits (which the kubelet treats as none), and leave maxima to the LimitRange.
 * Sources: https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/,
 * https://kubernetes.io/docs/concepts/policy/limit-range/, Defender recommendation 405c9ae6.
 */
import type { Violation } from '#core';
import { defineCheck, outcome } from '../../../check.ts';
import type { Workload } from '../../../lib/pod.ts';
import {
  COMPUTE_RESOURCES,
  containerDefaultsByNamespace,
  podLevelResources,
  resourceValueState,
} from '../../../lib/quantity.ts';

export const resourceLimits = defineCheck<Workload>({
  meta: {
    id: 'PAL-K8S-0102',
    slug: 'resource-limits',
    title: 'Container has no CPU or memory limit',
    description:
      "Without limits one container can exhaust the CPU or memory of its node, starving or evicting its neighbours, and a compromised container can mine cryptocurrency at the cluster's expense. Limits bound the damage.",
    severity: 'medium',
    maturity: 'stable',
    targets: [{ class: 'workload' }],
    frameworks: [
      { framework: 'mitre-attack-containers', control: 'T1496' },
      { framework: 'mitre-attack-containers', control: 'T1499' },
      { framework: 'mcsb-v1', control: 'PV-2' },
    ],
    remediation: {
      summary:
        'Set resources.limits.cpu and resources.limits.memory on every container, or a LimitRange default for the namespace.',
      kubernetesPatch: [
        'spec:',
        '  template:',
        '    spec:',
        '      containers:',
        '        - name: <container>',
        '          resources:',
        '            limits:',
        '              cpu: 500m',
        '              memory: 512Mi',
      ].join('\n'),
    },
    references: [
      'https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/',
      'https://kubernetes.io/docs/concepts/policy/limit-range/',
      'https://learn.microsoft.com/azure/defender-for-cloud/kubernetes-workload-protections',
    ],
    scope: 'cluster',
    admission: false,
  },
  evaluate(workload, ctx) {
    const { pod } = workload;
    const defaults = ctx
      .memo('workload/container-defaults', () => containerDefaultsByNamespace(ctx.inventory))
      .get(workload.namespace ?? '');
    const podLimits = podLevelResources(pod.spec, 'limits');
    const violations: Violation[] = [];
    // Ephemeral containers cannot have resources.
    for (const field of ['initContainers', 'containers'] as const) {
      for (const [index, container] of (pod.spec[field] ?? []).entries()) {
        for (const name of COMPUTE_RESOURCES) {
          if (podLimits && resourceValueState(podLimits[name]) === 'set') {
            continue;
          }
          const value = container.resources?.limits?.[name];
          const state = resourceValueState(value);
          if (state === 'set' || (state === 'missing' && defaults?.limits.has(name))) {
            continue;
          }
          const subject = `container "${container.name}"`;
          violations.push({
            path: `${pod.specPath}.${field}[${index}].resources.limits.${name}`,
            message:
              state === 'missing'
                ? `${subject} has no ${name} limit`
                : state === 'zero'
                  ? `${subject} sets limits.${name} to ${String(value)}, which means no limit`
                  : `${subject} sets limits.${name} to "${String(value)}", which is not a quantity`,
            container: container.name,
            ...(value === undefined ? {} : { actual: value }),
          });
        }
      }
    }
    return outcome(violations);
  },
});
