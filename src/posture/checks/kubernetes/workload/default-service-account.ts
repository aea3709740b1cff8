/**
 * Workloads that use the Kubernetes API should run under their own service account.
 * Reads: spec.serviceAccountName (spec.serviceAccount, its deprecated alias),
 * spec.automountServiceAccountToken, spec.volumes[*].projected.sources[*].serviceAccountToken.
 * Fails: the pod runs as the namespace's "default" service account (the name is unset, empty or
 * "default") and receives a token for it: automountServiceAccountToken is not false, or a
 * projected volume requests a serviceAccountToken.
 * Allowed: a dedicated service account, or the default one with no token at all, since a pod that
 * holds no token does not use the account's identity (CIS 5.1.5 asks that the default account not
 * be "actively used").
 * Why it matters: every pod in the namespace shares the default account, so any permission
 * granted to it for one workload is granted to all, and its activity cannot be told apart in the
 * audit log. The ServiceAccount object itself (automountServiceAccountToken: false, no bindings)
 * is the other half of CIS 5.1.5 and belongs to the RBAC checks.
 * Sources: CIS Kubernetes Benchmark 5.1.5, CIS Red Hat OpenShift Benchmark 5.1.5,
 * https://kubernetes.io/docs/concepts/security/service-accounts/#default-service-accounts,
 * https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/
 */
import type { PodSpec } from '#core';
import { defineCheck, outcome, PASS } from '../../../check.ts';
import type { Workload } from '../../../lib/pod.ts';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** True when a projected volume asks for a service account token. */
function projectsToken(spec: PodSpec): boolean {
  for (const volume of spec.volumes ?? []) {
    const projected = volume.projected;
    if (!isRecord(projected) || !Array.isArray(projected.sources)) {
      continue;
    }
    for (const source of projected.sources) {
      if (isRecord(source) && source.serviceAccountToken !== undefined) {
        return true;
      }
    }
  }
  return false;
}

export const defaultServiceAccount = defineCheck<Workload>({
  meta: {
    id: 'PAL-K8S-0116',
    slug: 'default-service-account',
    title: 'Workload uses the default service account',
    description:
      'Every pod in a namespace shares the default service account, so a permission granted to it for one workload is granted to all of them, and their API calls cannot be told apart in the audit log. Workloads that need the API should have their own account.',
    severity: 'low',
    maturity: 'stable',
    targets: [{ class: 'workload' }],
    frameworks: [
      { framework: 'cis-kubernetes-1.9', control: '5.1.5' },
      { framework: 'cis-openshift-1.5', control: '5.1.5' },
      { framework: 'mitre-attack-containers', control: 'T1078.001' },
      { framework: 'mcsb-v1', control: 'IM-3' },
      { framework: 'mcsb-v1', control: 'PA-7' },
    ],
    remediation: {
      summary:
        'Create a ServiceAccount for the workload and set serviceAccountName, or set automountServiceAccountToken: false if it never calls the API.',
      kubernetesPatch: ['spec:', '  template:', '    spec:', '      serviceAccountName: <workload>'].join('\n'),
      command: 'kubectl create serviceaccount <workload> -n <namespace>',
    },
    references: [
      'https://kubernetes.io/docs/concepts/security/service-accounts/#default-service-accounts',
      'https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/',
    ],
    scope: 'object',
    admission: true,
  },
  evaluate(workload) {
    const { spec, specPath } = workload.pod;
    const field = spec.serviceAccountName ? 'serviceAccountName' : spec.serviceAccount ? 'serviceAccount' : undefined;
    const name = field === undefined ? undefined : spec[field];
    if (name !== undefined && name !== 'default') {
      return PASS;
    }
    const mountsToken = spec.automountServiceAccountToken !== false;
    if (!mountsToken && !projectsToken(spec)) {
      return PASS;
    }
    const how = mountsToken ? 'with its token mounted' : 'with a projected token';
    return outcome([
      {
        path: `${specPath}.${field ?? 'serviceAccountName'}`,
        message:
          name === undefined
            ? `pod runs as the "default" service account ${how} (serviceAccountName is not set)`
            : `pod sets ${field}: default and runs ${how}`,
        ...(name === undefined ? {} : { actual: name }),
      },
    ]);
  },
});
