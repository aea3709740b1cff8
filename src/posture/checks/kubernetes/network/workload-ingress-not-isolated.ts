/**
 * Every workload's pods must be isolated for ingress by a NetworkPolicy.
 * Reads: the pod template's labels (plus controller-added labels with known values, see
 *   lib/network.ts), spec.hostNetwork, and every NetworkPolicy in the workload's namespace
 *   (spec.podSelector, spec.policyTypes, spec.ingress).
 * Allowed: at least one NetworkPolicy in the namespace selects the pods and has Ingress in its
 *   effective policyTypes (unset policyTypes means Ingress), and none of those selecting policies
 *   has an ingress rule with no peers and no ports (`{}`, which allows all ingress).
 * Not applicable: workloads in settings.systemNamespaces (platform namespaces are managed by the
 *   platform) and host-network pods (NetworkPolicy does not reliably apply to them; host network
 *   use is reported by the host-network checks).
 * Not considered: AdminNetworkPolicy/BaselineAdminNetworkPolicy (see lib/network.ts).
 * Source: Kubernetes "Network Policies" (the two sorts of pod isolation); CIS Kubernetes 5.3.2 and
 *   CIS OpenShift 5.3.2.
 */
import { defineCheck, notApplicable, outcome } from '../../../check.ts';
import { workloadIsolation } from '../../../lib/network.ts';
import type { Workload } from '../../../lib/pod.ts';

export const workloadIngressNotIsolated = defineCheck<Workload>({
  meta: {
    id: 'PAL-K8S-0302',
    slug: 'workload-ingress-not-isolated',
    title: 'Workload pods are not isolated for ingress by a NetworkPolicy',
    description:
      'A pod that no NetworkPolicy selects for Ingress accepts connections from every pod in the cluster and from anything that can route to it. An attacker who compromises any pod can reach it directly.',
    severity: 'medium',
    maturity: 'stable',
    targets: [{ class: 'workload' }],
    scope: 'cluster',
    admission: false,
    frameworks: [
      { framework: 'cis-kubernetes-1.9', control: '5.3.2' },
      { framework: 'cis-openshift-1.5', control: '5.3.2' },
      { framework: 'mitre-attack-containers', control: 'T1021' },
      { framework: 'mitre-attack-containers', control: 'T1046' },
      { framework: 'mcsb-v1', control: 'NS-1' },
    ],
    remediation: {
      summary:
        "Add a NetworkPolicy that selects the workload's pods with policyTypes Ingress and allows only the sources it needs.",
      steps: [
        'Prefer a namespace-wide default deny (podSelector: {}, policyTypes: [Ingress]) so that new workloads start isolated.',
        "Add a policy whose podSelector matches the pod template's labels and whose ingress rules list the allowed peers and ports.",
      ],
    },
    references: [
      'https://kubernetes.io/docs/concepts/services-networking/network-policies/#the-two-sorts-of-pod-isolation',
      'https://kubernetes.io/docs/reference/kubernetes-api/policy-resources/network-policy-v1/',
    ],
  },
  evaluate(workload, ctx) {
    const result = workloadIsolation(workload, ctx, 'Ingress');
    return result.status === 'not-applicable' ? notApplicable(result.reason) : outcome(result.violations);
  },
});
