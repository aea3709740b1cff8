/**
 * Secrets should reach containers as files, not environment variables.
 * Reads: spec.{initContainers,containers,ephemeralContainers}[*].env[*].valueFrom.secretKeyRef
 * .{name,key} and .envFrom[*].secretRef.name.
 * Fails: any env variable taken from a Secret key, and any envFrom that loads a whole Secret.
 * Environment variables are inherited by every child process, printed by crash reporters and
 * debug endpoints, readable in /proc/<pid>/environ by anything sharing the PID namespace, and
 * never updated when the Secret rotates; a mounted Secret volume is updated in place and can be
 * read by the one process that needs it.
 * Low severity: the Secret itself stays protected by RBAC; this is defence in depth (CIS 5.4.1 is
 * a "prefer" control).
 * Sources: CIS Kubernetes Benchmark 5.4.1, CIS Red Hat OpenShift Benchmark 5.4.1,
 * https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-files-from-a-pod,
 * https://kubernetes.io/docs/concepts/security/secrets-good-practices/
 */
import type { Violation } from '#core';
import { defineCheck, outcome } from '../../../check.ts';
import { CONTAINER_FIELDS, type Workload } from '../../../lib/pod.ts';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown, fallback: string): string {
  return typeof value === 'string' && value !== '' ? value : fallback;
}

export const secretEnvReference = defineCheck<Workload>({
  meta: {
    id: 'PAL-K8S-0114',
    slug: 'secret-env-reference',
    title: 'Secret is exposed through environment variables',
    description:
      'Secrets in environment variables are inherited by every child process, end up in crash dumps, debug pages and logs, and are not refreshed when the Secret rotates. Mounting the Secret as a file limits who can read it and lets it change without a restart.',
    severity: 'low',
    maturity: 'stable',
    targets: [{ class: 'workload' }],
    frameworks: [
      { framework: 'cis-kubernetes-1.9', control: '5.4.1' },
      { framework: 'cis-openshift-1.5', control: '5.4.1' },
      { framework: 'mitre-attack-containers', control: 'T1552.007' },
      { framework: 'mcsb-v1', control: 'IM-8' },
    ],
    remediation: {
      summary:
        'Mount the Secret as a read-only volume and have the application read the file instead of an environment variable.',
      kubernetesPatch: [
        'spec:',
        '  template:',
        '    spec:',
        '      containers:',
        '        - name: <container>',
        '          volumeMounts:',
        '            - name: <secret>',
        '              mountPath: /var/run/secrets/<secret>',
        '              readOnly: true',
        '      volumes:',
        '        - name: <secret>',
        '          secret:',
        '            secretName: <secret>',
      ].join('\n'),
    },
    references: [
      'https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-files-from-a-pod',
      'https://kubernetes.io/docs/concepts/security/secrets-good-practices/',
    ],
    scope: 'object',
    admission: true,
  },
  evaluate(workload) {
    const violations: Violation[] = [];
    const { spec, specPath } = workload.pod;
    for (const field of CONTAINER_FIELDS) {
      for (const [index, container] of (spec[field] ?? []).entries()) {
        for (const [i, variable] of (container.env ?? []).entries()) {
          const ref = variable.valueFrom?.secretKeyRef;
          if (!isRecord(ref)) {
            continue;
          }
          violations.push({
            path: `${specPath}.${field}[${index}].env[${i}].valueFrom.secretKeyRef`,
            message: `container "${container.name}" reads key "${text(ref.key, '?')}" of Secret "${text(ref.name, '?')}" into environment variable "${variable.name}"`,
            container: container.name,
          });
        }
        for (const [i, source] of (container.envFrom ?? []).entries()) {
          const ref = source.secretRef;
          if (!isRecord(ref)) {
            continue;
          }
          violations.push({
            path: `${specPath}.${field}[${index}].envFrom[${i}].secretRef`,
            message: `container "${container.name}" loads every key of Secret "${text(ref.name, '?')}" into its environment`,
            container: container.name,
          });
        }
      }
    }
    return outcome(violations);
  },
});
