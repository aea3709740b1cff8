/**
 * Services must not claim external IP addresses.
 * Reads: spec.externalIPs[*].
 * Allowed: unset or empty. Every listed address is a violation: kube-proxy (and OVN-Kubernetes)
 *   send traffic for that address, from any pod or node, to the Service's endpoints, whoever owns
 *   the address. A user who may create Services can thereby intercept traffic meant for another
 *   system (CVE-2020-8554, which has no fix in Kubernetes itself; admission control must block it).
 * Note: OpenShift rejects externalIPs unless network.config.openshift.io/cluster
 *   spec.externalIP.policy allows them; a manifest setting them is still reported.
 * Source: Kubernetes Service concept (External IPs); CVE-2020-8554 (kubernetes/kubernetes#97076);
 *   Azure Policy d46c275d-1680-448d-b2ec-e495a3b6cc89 ("services should only use allowed external
 *   IPs", with the default empty allow-list).
 */
import type { Resource } from '#core';
import { defineCheck, outcome } from '../../../check.ts';
import { parseSpec, ServiceSpec } from '../../../lib/network.ts';

export const serviceExternalIps = defineCheck<Resource>({
  meta: {
    id: 'PAL-K8S-0306',
    slug: 'service-external-ips',
    title: 'Service claims external IP addresses',
    description:
      'Nodes redirect traffic for every address in spec.externalIPs to the Service, whoever owns the address. Anyone allowed to create Services can use this to intercept traffic that pods and nodes send to another system (CVE-2020-8554).',
    severity: 'medium',
    maturity: 'stable',
    targets: [{ kind: 'Service', apiGroup: '' }],
    scope: 'object',
    admission: true,
    frameworks: [
      { framework: 'mitre-attack-containers', control: 'T1557' },
      { framework: 'mcsb-v1', control: 'NS-1' },
    ],
    remediation: {
      summary: 'Remove spec.externalIPs and expose the Service through a load balancer, Ingress or Route instead.',
      kubernetesPatch: 'spec:\n  externalIPs: null\n',
    },
    references: [
      'https://kubernetes.io/docs/concepts/services-networking/service/#external-ips',
      'https://github.com/kubernetes/kubernetes/issues/97076',
      'https://docs.openshift.com/container-platform/latest/networking/configuring_ingress_cluster_traffic/configuring-externalip.html',
    ],
  },
  evaluate(resource) {
    const spec = parseSpec(ServiceSpec, resource.object);
    return outcome(
      (spec?.externalIPs ?? []).map((ip, i) => ({
        path: `spec.externalIPs[${i}]`,
        message: `Service claims external IP ${ip}: nodes send traffic for that address to its pods`,
        actual: ip,
      })),
    );
  },
});
