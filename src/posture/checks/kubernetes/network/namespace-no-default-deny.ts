/**
 * Namespaces that hold workloads must deny ingress and egress by default.
 * Reads: the Namespace (or OpenShift Project) name; every NetworkPolicy in that namespace
 *   (spec.podSelector, spec.policyTypes, spec.ingress, spec.egress); which workloads the
 *   inventory holds in it; OpenShift EgressFirewall/EgressNetworkPolicy (mentioned only).
 * Allowed: for each of Ingress and Egress, at least one NetworkPolicy with an empty podSelector
 *   (selects every pod) whose effective policyTypes include it, and no such namespace-wide policy
 *   with a rule that allows everything (`{}`) in that direction. Rules that allow chosen traffic
 *   are fine: pods are isolated and everything not allowed is denied.
 * Not applicable: namespaces matching settings.systemNamespaces (platform namespaces are managed
 *   by the platform, whose operators own their network policy), namespaces with no workload in the
 *   scanned inventory, and a Project when a Namespace of the same name is scanned (it is evaluated
 *   once, on the Namespace).
 * Not considered: AdminNetworkPolicy/BaselineAdminNetworkPolicy (see lib/network.ts); an OpenShift
 *   EgressFirewall is named in the message but does not satisfy Egress (it does not cover egress
 *   to pods inside the cluster).
 * Source: CIS Kubernetes Benchmark 5.3.2 / CIS OpenShift 5.3.2 "Ensure that all Namespaces have
 *   Network Policies defined"; Kubernetes "Network Policies", Default policies.
 */
import type { Resource, Violation } from '#core';
import { matchesAnyGlob } from '#core';
import { type CheckOutcome, defineCheck, notApplicable, outcome } from '../../../check.ts';
import {
  type DefaultDeny,
  type Direction,
  defaultDeny,
  describeNamespace,
  egressFirewallNote,
  listNames,
  type NamespacePolicies,
  policyIndex,
} from '../../../lib/network.ts';

function violationFor(
  result: DefaultDeny,
  direction: Direction,
  namespace: string,
  policies: NamespacePolicies,
): Violation | undefined {
  const noun = direction.toLowerCase();
  const where = describeNamespace(namespace);
  const note = direction === 'Egress' ? egressFirewallNote(policies) : '';
  switch (result.status) {
    case 'deny':
      return undefined;
    case 'indeterminate': {
      const bad = result.invalid.map((p) => `NetworkPolicy "${p.name}" is invalid (${p.reason})`).join('; ');
      throw new Error(`cannot tell whether ${where} denies ${noun} by default: ${bad}`);
    }
    case 'allow-all': {
      const [first] = result.openedBy;
      const field = direction === 'Ingress' ? 'ingress' : 'egress';
      return {
        path: 'metadata.name',
        message: `NetworkPolicy "${first?.policy}" selects every pod in ${where} and its spec.${field}[${first?.rule}] allows all ${noun}, so no ${noun} is denied by default${note}`,
        actual: result.openedBy,
      };
    }
    case 'none': {
      const names = policies.policies.map((p) => p.name);
      const open = direction === 'Ingress' ? 'accept traffic from any source' : 'can send traffic to any destination';
      const message =
        names.length === 0
          ? `${where} has no NetworkPolicy, so its pods ${open}${note}`
          : `no NetworkPolicy with an empty podSelector covers ${direction} in ${where} (considered ${listNames(names)}), so pods that no other policy selects for ${direction} ${open}${note}`;
      return { path: 'metadata.name', message };
    }
  }
}

export const namespaceNoDefaultDeny = defineCheck<Resource>({
  meta: {
    id: 'PAL-K8S-0301',
    slug: 'namespace-no-default-deny',
    title: 'Namespace with workloads has no default-deny NetworkPolicy',
    description:
      'Pods accept traffic from, and send traffic to, any peer until a NetworkPolicy isolates them. A namespace-wide default deny for ingress and egress makes every new workload closed unless a policy allows its traffic, which limits lateral movement and exfiltration.',
    severity: 'medium',
    maturity: 'stable',
    targets: [
      { kind: 'Namespace', apiGroup: '' },
      { kind: 'Project', apiGroup: 'project.openshift.io' },
    ],
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
        'Add a NetworkPolicy with an empty podSelector and policyTypes Ingress and Egress to the namespace, then allow the traffic each workload needs.',
      steps: [
        'Apply the default-deny policy below in the namespace.',
        'Add policies that allow the traffic workloads need, including DNS egress to the cluster DNS pods.',
      ],
      command:
        "kubectl apply -n <namespace> -f - <<'EOF'\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: default-deny-all\nspec:\n  podSelector: {}\n  policyTypes: [Ingress, Egress]\nEOF",
    },
    references: [
      'https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-policies',
      'https://kubernetes.io/docs/reference/kubernetes-api/policy-resources/network-policy-v1/',
      'https://docs.openshift.com/container-platform/latest/networking/network_policy/default-network-policy.html',
    ],
  },
  evaluate(resource, ctx): CheckOutcome {
    const namespace = resource.name;
    if (matchesAnyGlob(namespace, ctx.settings.systemNamespaces)) {
      return notApplicable(
        'platform namespace (settings.systemNamespaces): its network policy is managed by the platform',
      );
    }
    if (resource.kind === 'Project' && ctx.inventory.get('Namespace', undefined, namespace)) {
      return notApplicable(`evaluated on Namespace "${namespace}"`);
    }
    const index = policyIndex(ctx);
    if (index.workloadCount(namespace) === 0) {
      return notApplicable('the namespace holds no workloads in the scanned inventory');
    }
    const policies = index.get(namespace);
    const violations: Violation[] = [];
    for (const direction of ['Ingress', 'Egress'] as const) {
      const violation = violationFor(defaultDeny(policies, direction), direction, namespace, policies);
      if (violation) {
        violations.push(violation);
      }
    }
    return outcome(violations);
  },
});
