/**
 * Containers must request CPU and memory.
 * Reads: spec.{initContainers,containers}[*].resources.{requests,limits}.{cpu,memory};
 * spec.resources.{requests,limits} (pod-level resources); LimitRange objects
 * (spec.limits[type=Container].defaultRequest / .default / .max / .min) in the workload's
 * namespace, from the inventory.
 * Allowed: an effective request above zero for both cpu and memory. The request is effective when
 * the container sets it, or sets a limit (the API server copies the limit into the missing
 * request), or a LimitRange supplies a default request, or the pod sets pod-level requests or
 * limits. Unset, zero or a value that is not a quantity fails.
 * Why a separate, low-severity check: many teams deliberately set no CPU limit (to avoid CFS
 * throttling) and disable resource-limits; requests still matter to them, because a pod without
 * requests is scheduled as if it used nothing and is in the BestEffort QoS class, the first to be
 * evicted under node pressure.
 * Not checked: ephemeral containers (the API forbids resources on them).
 * Compared with Azure Policy 03a4ecdb ("CPU and memory resource requests must be defined"): we
 * apply the limit→request, LimitRange and pod-level defaults, so only containers that really run
 * without a request are reported.
 * Sources: https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/,
 * https://kubernetes.io/docs/concepts/workloads/pods/pod-qos/,
 * https://kubernetes.io/docs/concepts/policy/limit-range/
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

export const resourceRequests = defineCheck<Workload>({
  meta: {
    id: 'PAL-K8S-0103',
    slug: 'resource-requests',
    title: 'Container has no CPU or memory request',
    description:
      'The scheduler places a container without requests as if it used nothing, overcommitting nodes, and the kubelet evicts such pods first under memory pressure. Requests make placement and eviction predictable.',
    severity: 'low',
    maturity: 'stable',
    targets: [{ class: 'workload' }],
    frameworks: [{ framework: 'mcsb-v1', control: 'PV-2' }],
    remediation: {
      summary:
        'Set resources.requests.cpu and resources.requests.memory on every container, or a LimitRange defaultRequest for the namespace.',
      kubernetesPatch: [
        'spec:',
        '  template:',
        '    spec:',
        '      containers:',
        '        - name: <container>',
        '          resources:',
        '            requests:',
        '              cpu: 100m',
        '              memory: 256Mi',
      ].join('\n'),
    },
    references: [
      'https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/',
      'https://kubernetes.io/docs/concepts/workloads/pods/pod-qos/',
      'https://kubernetes.io/docs/concepts/policy/limit-range/',
    ],
    scope: 'cluster',
    admission: false,
  },
  evaluate(workload, ctx) {
    const { pod } = workload;
    const defaults = ctx
      .memo('workload/container-defaults', () => containerDefaultsByNamespace(ctx.inventory))
      .get(workload.namespace ?? '');
    const podRequests = podLevelResources(pod.spec, 'requests');
    const podLimits = podLevelResources(pod.spec, 'limits');
    const violations: Violation[] = [];
    // Ephemeral containers cannot have resources.
    for (const field of ['initContainers', 'containers'] as const) {
      for (const [index, container] of (pod.spec[field] ?? []).entries()) {
        for (const name of COMPUTE_RESOURCES) {
          if (
            (podRequests && resourceValueState(podRequests[name]) === 'set') ||
            (podLimits && resourceValueState(podLimits[name]) === 'set')
          ) {
            continue;
          }
          const value = container.resources?.requests?.[name];
          const state = resourceValueState(value);
          if (state === 'set') {
            continue;
          }
          if (
            state === 'missing' &&
            (resourceValueState(container.resources?.limits?.[name]) === 'set' || defaults?.requests.has(name))
          ) {
            continue;
          }
          const subject = `container "${container.name}"`;
          violations.push({
            path: `${pod.specPath}.${field}[${index}].resources.requests.${name}`,
            message:
              state === 'missing'
                ? `${subject} has no ${name} request`
                : state === 'zero'
                  ? `${subject} sets requests.${name} to ${String(value)}`
                  : `${subject} sets requests.${name} to "${String(value)}", which is not a quantity`,
            container: container.name,
            ...(value === undefined ? {} : { actual: value }),
          });
        }
      }
    }
    return outcome(violations);
  },
});
