/** The kubernetes/network checks, one file each. Keep sorted by file name. */
import type { Check } from '../../../check.ts';
import { ingressWithoutTls } from './ingress-without-tls.ts';
import { namespaceNoDefaultDeny } from './namespace-no-default-deny.ts';
import { serviceExternalIps } from './service-external-ips.ts';
import { serviceLoadbalancerPublic } from './service-loadbalancer-public.ts';
import { serviceNodeport } from './service-nodeport.ts';
import { workloadEgressNotIsolated } from './workload-egress-not-isolated.ts';
import { workloadIngressNotIsolated } from './workload-ingress-not-isolated.ts';

export const kubernetesNetworkChecks: readonly Check[] = [
  ingressWithoutTls,
  namespaceNoDefaultDeny,
  serviceExternalIps,
  serviceLoadbalancerPublic,
  serviceNodeport,
  workloadEgressNotIsolated,
  workloadIngressNotIsolated,
];
