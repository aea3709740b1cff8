/**
 * Services of type LoadBalancer must use an internal (private) Azure load balancer.
 * Reads: spec.type, metadata.annotations["service.beta.kubernetes.io/azure-load-balancer-internal"],
 *   spec.loadBalancerSourceRanges and the legacy annotation
 *   service.beta.kubernetes.io/load-balancer-source-ranges (only to mention them).
 * Allowed: type other than LoadBalancer (not applicable), or the annotation with the exact value
 *   "true", as Azure Policy 3fc4dc25-5baf-40d8-9b05-7fe74c1bc64e ("Kubernetes clusters should use
 *   internal load balancers") requires. Source ranges do not make the address private, so a
 *   restricted public load balancer still fails; the message says which ranges apply.
 * Scope: the internal-load-balancer annotation is the Azure cloud provider's (AKS, ARO); other
 *   providers' annotations are not recognised.
 * Source: Azure Policy 3fc4dc25 (Defender for Cloud); AKS "Use an internal load balancer";
 *   Kubernetes Service API reference (loadBalancerSourceRanges).
 */
import type { Resource } from '#core';
import { defineCheck, notApplicable, outcome } from '../../../check.ts';
import { parseSpec, ServiceSpec, serviceType } from '../../../lib/network.ts';

const INTERNAL_LB_ANNOTATION = 'service.beta.kubernetes.io/azure-load-balancer-internal';
const SOURCE_RANGES_ANNOTATION = 'service.beta.kubernetes.io/load-balancer-source-ranges';
const OPEN_RANGES: ReadonlySet<string> = new Set(['0.0.0.0/0', '::/0']);

/** '; spec.loadBalancerSourceRanges limits clients to ..., but the address is still public', or ''. */
function rangesNote(field: string, ranges: readonly string[]): string {
  if (ranges.length === 0 || ranges.some((r) => OPEN_RANGES.has(r))) {
    return '';
  }
  return `; ${field} limits clients to ${ranges.join(', ')}, but the address is still public`;
}

export const serviceLoadbalancerPublic = defineCheck<Resource>({
  meta: {
    id: 'PAL-K8S-0304',
    slug: 'service-loadbalancer-public',
    title: 'LoadBalancer Service is exposed on a public IP address',
    description:
      'Without the internal load balancer annotation, the Azure cloud provider gives a LoadBalancer Service a public frontend IP, so the workload behind it is reachable from the internet. Internal load balancers keep it on the virtual network, behind the ingress path the platform team controls.',
    severity: 'medium',
    maturity: 'stable',
    targets: [{ kind: 'Service', apiGroup: '' }],
    scope: 'object',
    admission: true,
    frameworks: [
      { framework: 'mitre-attack-containers', control: 'T1190' },
      { framework: 'mitre-attack-containers', control: 'T1133' },
      { framework: 'mcsb-v1', control: 'NS-1' },
      { framework: 'mcsb-v1', control: 'NS-2' },
    ],
    remediation: {
      summary:
        'Annotate the Service with service.beta.kubernetes.io/azure-load-balancer-internal: "true", or expose it through the ingress controller.',
      kubernetesPatch:
        'metadata:\n  annotations:\n    service.beta.kubernetes.io/azure-load-balancer-internal: "true"\n',
    },
    references: [
      'https://learn.microsoft.com/azure/aks/internal-lb',
      'https://learn.microsoft.com/azure/governance/policy/samples/built-in-policies#kubernetes',
      'https://kubernetes.io/docs/reference/kubernetes-api/service-resources/service-v1/',
    ],
  },
  evaluate(resource) {
    const spec = parseSpec(ServiceSpec, resource.object);
    const type = serviceType(spec);
    if (type !== 'LoadBalancer') {
      return notApplicable(`the Service is of type ${type}, not LoadBalancer`);
    }
    const annotations = resource.object.metadata?.annotations ?? {};
    const value = annotations[INTERNAL_LB_ANNOTATION];
    if (value === 'true') {
      return outcome([]);
    }
    const specRanges = spec?.loadBalancerSourceRanges ?? [];
    const note =
      specRanges.length > 0
        ? rangesNote('spec.loadBalancerSourceRanges', specRanges)
        : rangesNote(
            `annotation ${SOURCE_RANGES_ANNOTATION}`,
            (annotations[SOURCE_RANGES_ANNOTATION] ?? '')
              .split(',')
              .map((r) => r.trim())
              .filter((r) => r !== ''),
          );
    if (value === undefined) {
      return outcome([
        {
          path: 'spec.type',
          message: `Service of type LoadBalancer has no annotation ${INTERNAL_LB_ANNOTATION}: "true", so Azure gives it a public IP address${note}`,
          actual: type,
        },
      ]);
    }
    return outcome([
      {
        path: `metadata.annotations["${INTERNAL_LB_ANNOTATION}"]`,
        message: `annotation ${INTERNAL_LB_ANNOTATION} is "${value}", not "true", so Azure gives the Service a public IP address${note}`,
        actual: value,
      },
    ]);
  },
});
