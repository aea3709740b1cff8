/**
 * Pods should not get a Kubernetes API token they do not need.
 * Reads: spec.automountServiceAccountToken, spec.serviceAccountName (spec.serviceAccount, its
 * deprecated alias), and the ServiceAccount of that name in the workload's namespace from the
 * inventory (its top-level automountServiceAccountToken).
 * Allowed: the token is not auto-mounted. As the ServiceAccount admission plugin decides it: the
 * pod's automountServiceAccountToken wins when set; otherwise the ServiceAccount's; otherwise the
 * token is mounted. A ServiceAccount not among the scanned resources counts as not opting out.
 * An explicit projected serviceAccountToken volume is not reported: it is mounted on purpose, into
 * the containers that list it, with its own audience and expiry, which is what least privilege
 * asks for. (Defender's policy 423dd1ba samples also flag any mount at
 * /var/run/secrets/kubernetes.io/serviceaccount, which also catches the hardening trick of
 * masking that path with an empty volume; we do not.)
 * Compared with Defender (which requires the pod field to be false): a ServiceAccount that sets
 * automountServiceAccountToken: false protects every pod that uses it, so we honour it.
 * Sources: https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#opt-out-of-api-credential-automounting,
 * CIS Kubernetes Benchmark 5.1.6, Defender recommendation 32060ac3.
 */
import type { Violation } from '#core';
import { defineCheck, outcome, PASS } from '../../../check.ts';
import type { Workload } from '../../../lib/pod.ts';

export const automountServiceAccountToken = defineCheck<Workload>({
  meta: {
    id: 'PAL-K8S-0107',
    slug: 'automount-service-account-token',
    title: 'Service account token is mounted automatically',
    description:
      "Every container of the pod gets a Kubernetes API token, so anyone who compromises the application can call the API with the service account's permissions. Most applications never call the API and should not carry the token.",
    severity: 'medium',
    maturity: 'stable',
    targets: [{ class: 'workload' }],
    frameworks: [
      { framework: 'cis-kubernetes-1.9', control: '5.1.6' },
      { framework: 'cis-openshift-1.5', control: '5.1.6' },
      { framework: 'mitre-attack-containers', control: 'T1528' },
      { framework: 'mcsb-v1', control: 'IM-8' },
      { framework: 'mcsb-v1', control: 'PA-7' },
    ],
    remediation: {
      summary:
        'Set automountServiceAccountToken: false in the pod spec (or on its ServiceAccount) and mount a projected token only where the API is needed.',
      kubernetesPatch: ['spec:', '  template:', '    spec:', '      automountServiceAccountToken: false'].join('\n'),
    },
    references: [
      'https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#opt-out-of-api-credential-automounting',
      'https://kubernetes.io/docs/concepts/security/service-accounts/',
      'https://learn.microsoft.com/azure/defender-for-cloud/kubernetes-workload-protections',
    ],
    scope: 'cluster',
    admission: false,
  },
  evaluate(workload, ctx) {
    const { spec, specPath } = workload.pod;
    const podSetting = spec.automountServiceAccountToken;
    if (podSetting === false) {
      return PASS;
    }
    const path = `${specPath}.automountServiceAccountToken`;
    if (podSetting === true) {
      return outcome([{ path, message: 'pod spec sets automountServiceAccountToken=true', actual: true }]);
    }
    const name = spec.serviceAccountName || spec.serviceAccount || 'default';
    const serviceAccount = ctx.inventory.get('ServiceAccount', workload.namespace, name);
    const saSetting = (serviceAccount?.object as { automountServiceAccountToken?: unknown } | undefined)
      ?.automountServiceAccountToken;
    if (saSetting === false) {
      return PASS;
    }
    let message: string;
    if (serviceAccount === undefined) {
      message = `pod spec does not set automountServiceAccountToken=false, and service account "${name}" is not among the scanned resources`;
    } else if (saSetting === true) {
      message = `service account "${name}" sets automountServiceAccountToken=true and the pod spec does not override it`;
    } else {
      message = `neither the pod spec nor service account "${name}" sets automountServiceAccountToken=false`;
    }
    const violation: Violation = { path, message };
    return outcome([violation]);
  },
});
