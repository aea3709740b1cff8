/**
 * Containers must run with a read-only root filesystem.
 * Reads: spec.os.name, spec.nodeSelector; spec.{initContainers,containers}[*].securityContext.readOnlyRootFilesystem
 * Allowed: readOnlyRootFilesystem=true on every init (sidecars included) and regular container.
 * Unset or false fails. Writable paths the application needs belong on emptyDir volumes.
 * Not checked: ephemeral containers. They are debugging sessions an operator attaches to a running
 * Pod (`kubectl debug`), not part of the workload's definition, and they usually need to write
 * (install tools); requiring it there would make debugging impossible without protecting the app.
 * Not applicable: Windows pods (spec.os.name=windows, where the API forbids the field, or a
 * kubernetes.io/os=windows node selector, where the Windows runtime ignores it).
 * Compared with Defender for Containers (policy df49d893, "Immutable (read-only) root filesystem
 * should be enforced"): same rule for init and regular containers; we also name the exact field
 * and distinguish "unset" from "false", and do not flag Windows pods that cannot comply.
 * Sources: https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#security-context-1,
 * CIS Kubernetes Benchmark 5.7.3, Defender for Containers recommendation 27d6f0e9.
 */

import type { Violation } from '#core';
import { defineCheck, notApplicable, outcome } from '../../../check.ts';
import { runsOnWindows, type Workload } from '../../../lib/pod.ts';

/** Ephemeral containers are not checked (see the header). */
const CHECKED_FIELDS = ['initContainers', 'containers'] as const;

export const readOnlyRootFilesystem = defineCheck<Workload>({
  meta: {
    id: 'PAL-K8S-0101',
    slug: 'read-only-root-filesystem',
    title: 'Container root filesystem is writable',
    description:
      'A writable root filesystem lets an intruder drop and run tools, miners or web shells and tamper with the application at runtime. A read-only root filesystem, with emptyDir volumes for the paths that must be written, makes the container immutable.',
    severity: 'medium',
    maturity: 'stable',
    targets: [{ class: 'workload' }],
    frameworks: [
      { framework: 'cis-kubernetes-1.9', control: '5.7.3' },
      { framework: 'cis-openshift-1.5', control: '5.7.3' },
      { framework: 'mitre-attack-containers', control: 'T1496' },
      { framework: 'mcsb-v1', control: 'PV-2' },
    ],
    remediation: {
      summary:
        'Set securityContext.readOnlyRootFilesystem: true on every container and mount an emptyDir volume at each path the application writes.',
      kubernetesPatch: [
        'spec:',
        '  template:',
        '    spec:',
        '      containers:',
        '        - name: <container>',
        '          securityContext:',
        '            readOnlyRootFilesystem: true',
      ].join('\n'),
    },
    references: [
      'https://kubernetes.io/docs/tasks/configure-pod-container/security-context/',
      'https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#security-context-1',
      'https://learn.microsoft.com/azure/defender-for-cloud/kubernetes-workload-protections',
    ],
    scope: 'object',
    admission: true,
  },
  evaluate(workload) {
    const { pod } = workload;
    if (runsOnWindows(pod.spec)) {
      return notApplicable('Windows pods cannot set readOnlyRootFilesystem');
    }
    const violations: Violation[] = [];
    for (const field of CHECKED_FIELDS) {
      for (const [index, container] of (pod.spec[field] ?? []).entries()) {
        const value = container.securityContext?.readOnlyRootFilesystem;
        if (value === true) {
          continue;
        }
        violations.push({
          path: `${pod.specPath}.${field}[${index}].securityContext.readOnlyRootFilesystem`,
          message:
            value === false
              ? `container "${container.name}" sets securityContext.readOnlyRootFilesystem=false`
              : `container "${container.name}" does not set securityContext.readOnlyRootFilesystem=true`,
          container: container.name,
          ...(value === undefined ? {} : { actual: value }),
        });
      }
    }
    return outcome(violations);
  },
});
