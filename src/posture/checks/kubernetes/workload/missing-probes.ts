/**
 * Long-running containers should have liveness and readiness probes.
 * Reads: kind; spec.restartPolicy; spec.containers[*].{livenessProbe,readinessProbe}.
 * Allowed: each regular container has a livenessProbe and a readinessProbe, each with a handler
 * (exec, httpGet, tcpSocket or grpc). A startupProbe does not replace either: it only delays them.
 * Not applicable: Jobs and CronJobs, and pods whose restartPolicy is Never or OnFailure; their
 * containers run to completion.
 * Not checked: init containers (they run to completion before the app starts); restartable
 * sidecars (init containers with restartPolicy: Always), because they are mostly injected
 * proxies and agents whose probes belong to their vendor and the pod's readiness follows the app
 * containers; ephemeral containers (the API forbids probes on them).
 * Compared with Azure Policy b1a9997f (requiredProbes ["readinessProbe","livenessProbe"]): same
 * requirement; we leave out run-to-completion pods, require a handler, and report each missing
 * probe separately.
 * Sources: https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/,
 * https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/
 */
import type { Handler, Violation } from '#core';
import { defineCheck, notApplicable, outcome } from '../../../check.ts';
import type { Workload } from '../../../lib/pod.ts';

const RUN_TO_COMPLETION_KINDS: ReadonlySet<string> = new Set(['Job', 'CronJob']);
const PROBES = ['livenessProbe', 'readinessProbe'] as const;

function hasHandler(probe: Handler): boolean {
  return (
    probe.exec !== undefined || probe.httpGet !== undefined || probe.tcpSocket !== undefined || probe.grpc !== undefined
  );
}

export const missingProbes = defineCheck<Workload>({
  meta: {
    id: 'PAL-K8S-0115',
    slug: 'missing-probes',
    title: 'Container has no liveness or readiness probe',
    description:
      'Without a readiness probe a Service sends traffic to a container before it can answer or after it stops; without a liveness probe a hung process is never restarted. Both turn an application fault into an outage that self-healing would otherwise absorb.',
    severity: 'low',
    maturity: 'stable',
    targets: [{ class: 'workload' }],
    frameworks: [{ framework: 'mcsb-v1', control: 'PV-2' }],
    remediation: {
      summary:
        'Add a readinessProbe and a livenessProbe to every long-running container, pointing at a cheap health endpoint.',
      kubernetesPatch: [
        'spec:',
        '  template:',
        '    spec:',
        '      containers:',
        '        - name: <container>',
        '          readinessProbe:',
        '            httpGet: { path: /readyz, port: 8080 }',
        '          livenessProbe:',
        '            httpGet: { path: /livez, port: 8080 }',
        '            failureThreshold: 3',
      ].join('\n'),
    },
    references: [
      'https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/',
      'https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/',
    ],
    scope: 'object',
    admission: true,
  },
  evaluate(workload) {
    if (RUN_TO_COMPLETION_KINDS.has(workload.kind)) {
      return notApplicable(`${workload.kind} pods run to completion`);
    }
    const { spec, specPath } = workload.pod;
    if (spec.restartPolicy === 'Never' || spec.restartPolicy === 'OnFailure') {
      return notApplicable(`restartPolicy ${spec.restartPolicy}: the pod runs to completion`);
    }
    const violations: Violation[] = [];
    for (const [i, container] of (spec.containers ?? []).entries()) {
      for (const probe of PROBES) {
        const value = container[probe];
        if (value !== undefined && hasHandler(value)) {
          continue;
        }
        violations.push({
          path: `${specPath}.containers[${i}].${probe}`,
          message:
            value === undefined
              ? `container "${container.name}" has no ${probe}`
              : `container "${container.name}" has a ${probe} without a handler (exec, httpGet, tcpSocket or grpc)`,
          container: container.name,
        });
      }
    }
    return outcome(violations);
  },
});
