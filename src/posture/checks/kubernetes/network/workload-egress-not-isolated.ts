/**
 * Every workload's pods must be isolated for egress by a NetworkPolicy.
 * Reads: the pod template's labels (plus controller-added labels with known values, see
 *   lib/network.ts), spec.hostNetwork, and every NetworkPolicy in the workload's namespace
 *   (spec.podSelector, spec.policyTypes, spec.egress); OpenShift EgressFirewall and
 *   EgressNetworkPolicy objects, to mention them.
 * Allowed: at least one NetworkPolicy in the namespace selects the pods and has Egress in its
 *   effective policyTypes (listed, or unset policyTypes with at least one egress rule), and none of
 *   those selecting policies has an egress rule with no peers and no ports (`{}`, all egress).
 * Not applicable: workloads in settings.systemNamespaces (platform namespaces are managed by the
 *   platform) and host-network pods (NetworkPolicy does not reliably apply to them).
 * Not considered: AdminNetworkPolicy/BaselineAdminNetworkPolicy. An OpenShift EgressFirewall with a
 *   catch-all Deny is named in the message but does not satisfy the check: it governs only traffic
 *   leaving the cluster network, not egress to other pods and Services.
 * Source: Kubernetes "Network Policies" (the two sorts of pod isolation); CIS Kubernetes 5.3.2 and
 *   CIS OpenShift 5.3.2.
 */
import { defineCheck, notApplicable, outcome } from '../../../check.ts';
import { workloadIsolation } from '../../../lib/network.ts';
import type { Workload } from '../../../lib/pod.ts';

export const workloadEgressNotIsolated = defineCheck<Workload>({
  meta: {
    id: 'PAL-K8S-0303',
    slug: 'workload-egress-not-isolated',
    title: 'Workload pods are not isolated for egress by a NetworkPolicy',
    description:
      'A pod that no NetworkPolicy selects for Egress can open connections to every pod, Service and external address it can route to. A compromised pod can then scan the cluster, reach the cloud metadata and control-plane endpoints, and send data out.',
    severity: 'low',
    maturity: 'stable',
    targets: [{ class: 'workload' }],
    scope: 'cluster',
    admission: false,
    frameworks: [
      { framework: 'cis-kubernetes-1.9', control: '5.3.2' },
      { framework: 'cis-openshift-1.5', control: '5.3.2' },
      { framework: 'mitre-attack-containers', control: 'T1046' },
      { framework: 'mitre-attack-containers', control: 'T1021' },
      { framework: 'mcsb-v1', control: 'NS-1' },
    ],
    remediation: {
      summary:
        "Add a NetworkPolicy that selects the workload's pods with policyTypes Egress and allows only the destinations it needs.",
      steps: [
        'Prefer a namespace-wide default deny (podSelector: {}, policyTypes: [Egress]) so that new workloads start isolated.',
        'Allow DNS egress to the cluster DNS pods, then the destinations each workload needs.',
      ],
    },
    references: [
      'https://kubernetes.io/docs/concepts/services-networking/network-policies/#the-two-sorts-of-pod-isolation',
      'https://kubernetes.io/docs/reference/kubernetes-api/policy-resources/network-policy-v1/',
    ],
  },
  evaluate(workload, ctx) {
    const result = workloadIsolation(workload, ctx, 'Egress');
    return result.status === 'not-applicable' ? notApplicable(result.reason) : outcome(result.violations);
  },
});
