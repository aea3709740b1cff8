/**
 * Namespaces that run workloads must have their traffic leaving the cluster controlled.
 * Reads: the Namespace (or Project) name; the EgressFirewall "default" (k8s.ovn.org/v1, OVN-Kubernetes)
 *   and every EgressNetworkPolicy (network.openshift.io/v1, OpenShiftSDN) of the namespace, their
 *   spec.egress[*].type; the Proxy "cluster" (config.openshift.io/v1) spec/status httpProxy and
 *   httpsProxy; the Network "cluster" (config.openshift.io/v1) status/spec networkType (for the
 *   message); which workloads the scan holds in the namespace.
 * Compliant (either):
 *   - the namespace has an EgressFirewall named "default" (OVN-Kubernetes applies only that one) or
 *     an EgressNetworkPolicy with at least one Deny rule. Rules are evaluated in order and traffic
 *     that matches none is allowed, so a firewall of Allow rules only restricts nothing and fails;
 *     a Deny of 0.0.0.0/0 after the allowed destinations is the recommended shape;
 *   - the cluster has a cluster-wide egress proxy (Proxy "cluster" with httpProxy or httpsProxy):
 *     clusters are given one when their network cannot reach the internet directly, that is when
 *     egress already goes through a firewall (on ARO, user-defined routing, which the ARO-resource
 *     checks verify). The proxy itself applies to platform components, not to pods: it is accepted
 *     as evidence of an egress firewall, which makes this check a heuristic (maturity beta).
 * Absent versus not exported: an export without egress objects cannot tell a namespace without a
 *   firewall from objects that were not exported. When the scan holds no EgressFirewall, no
 *   EgressNetworkPolicy, and neither a Proxy nor a Network "cluster" (evidence that the cluster
 *   configuration was exported), the finding is indeterminate instead of failing.
 * Not applicable: namespaces in settings.systemNamespaces, namespaces without workloads in the scan,
 *   and a Project whose Namespace is scanned (evaluated once, on the Namespace).
 * Violation at metadata.name. EgressFirewall objects not named "default" are ignored, as
 *   OVN-Kubernetes ignores them.
 * Source: OpenShift "Configuring an egress firewall for a project" (OVN-Kubernetes and OpenShift
 *   SDN); OpenShift "Configuring the cluster-wide proxy"; Azure Red Hat OpenShift landing zone
 *   security guidance (restrict pod egress with egress firewall rules).
 */
import { z } from 'zod';
import { matchesAnyGlob, type Resource } from '#core';
import {
  type CheckContext,
  type CheckOutcome,
  defineCheck,
  indeterminate,
  notApplicable,
  outcome,
} from '../../../check.ts';
import { policyIndex } from '../../../lib/network.ts';
import { parseObject } from '../../../lib/object.ts';

const CONFIG_GROUP = 'config.openshift.io';
const OVN_GROUP = 'k8s.ovn.org';
const SDN_GROUP = 'network.openshift.io';

const EgressSchema = z.looseObject({
  spec: z
    .looseObject({
      egress: z.array(z.looseObject({ type: z.string().nullish() })).nullish(),
    })
    .nullish(),
});

const ProxySchema = z.looseObject({
  spec: z.looseObject({ httpProxy: z.string().nullish(), httpsProxy: z.string().nullish() }).nullish(),
  status: z.looseObject({ httpProxy: z.string().nullish(), httpsProxy: z.string().nullish() }).nullish(),
});

const NetworkSchema = z.looseObject({
  spec: z.looseObject({ networkType: z.string().nullish() }).nullish(),
  status: z.looseObject({ networkType: z.string().nullish() }).nullish(),
});

function clusterObject(ctx: CheckContext, kind: string): Resource | undefined {
  return ctx.inventory.ofKind(kind, CONFIG_GROUP).find((r) => r.name === 'cluster');
}

/** The proxy URL of Proxy "cluster", when the cluster has a cluster-wide proxy. */
function clusterProxy(ctx: CheckContext): string | undefined {
  const proxy = clusterObject(ctx, 'Proxy');
  if (!proxy) {
    return undefined;
  }
  const { spec, status } = parseObject(ProxySchema, proxy);
  return spec?.httpsProxy || spec?.httpProxy || status?.httpsProxy || status?.httpProxy || undefined;
}

/** The kind the cluster's network plugin reads: EgressNetworkPolicy on OpenShiftSDN, EgressFirewall otherwise. */
function firewallKind(ctx: CheckContext): 'EgressFirewall' | 'EgressNetworkPolicy' {
  const network = clusterObject(ctx, 'Network');
  const parsed = network ? parseObject(NetworkSchema, network) : undefined;
  const type = parsed?.status?.networkType || parsed?.spec?.networkType;
  return type === 'OpenShiftSDN' ? 'EgressNetworkPolicy' : 'EgressFirewall';
}

export const namespaceEgressUncontrolled = defineCheck<Resource>({
  meta: {
    id: 'PAL-OCP-0207',
    slug: 'namespace-egress-uncontrolled',
    title: 'Namespace with workloads can send traffic to any external address',
    description:
      'Pods in a namespace without an egress firewall can connect to any address outside the cluster, so a compromised workload can download tools, reach command-and-control servers and exfiltrate data. An EgressFirewall that denies everything but the destinations the namespace needs closes that path.',
    severity: 'medium',
    maturity: 'beta',
    targets: [
      { kind: 'Namespace', apiGroup: '' },
      { kind: 'Project', apiGroup: 'project.openshift.io' },
    ],
    scope: 'cluster',
    admission: false,
    securityControl: 'restrict-unauthorized-network-access',
    frameworks: [
      { framework: 'aro-landing-zone', control: 'ARO-NET-5' },
      { framework: 'mcsb-v1', control: 'NS-3' },
    ],
    remediation: {
      summary:
        'Create an EgressFirewall named "default" in the namespace that allows the external destinations the workloads need and denies 0.0.0.0/0 last (EgressNetworkPolicy on OpenShiftSDN clusters).',
      steps: [
        'List the external hosts and networks the namespace needs (APIs, databases, registries).',
        'Apply the EgressFirewall below with one Allow rule per destination (dnsName or cidrSelector) before the final Deny.',
      ],
      command:
        "oc apply -n <namespace> -f - <<'EOF'\napiVersion: k8s.ovn.org/v1\nkind: EgressFirewall\nmetadata:\n  name: default\nspec:\n  egress:\n    - type: Allow\n      to:\n        dnsName: <allowed-host.example.com>\n    - type: Deny\n      to:\n        cidrSelector: 0.0.0.0/0\nEOF",
    },
    references: [
      'https://docs.openshift.com/container-platform/latest/networking/ovn_kubernetes_network_provider/configuring-egress-firewall-ovn.html',
      'https://docs.openshift.com/container-platform/latest/networking/enable-cluster-wide-proxy.html',
      'https://learn.microsoft.com/azure/cloud-adoption-framework/scenarios/app-platform/azure-red-hat-openshift/security',
    ],
  },
  evaluate(resource, ctx): CheckOutcome {
    const namespace = resource.name;
    if (matchesAnyGlob(namespace, ctx.settings.systemNamespaces)) {
      return notApplicable('platform namespace (settings.systemNamespaces): its egress is managed by the platform');
    }
    if (resource.kind === 'Project' && ctx.inventory.get('Namespace', undefined, namespace)) {
      return notApplicable(`evaluated on Namespace "${namespace}"`);
    }
    if (policyIndex(ctx).workloadCount(namespace) === 0) {
      return notApplicable('the namespace holds no workloads in the scanned inventory');
    }
    if (clusterProxy(ctx) !== undefined) {
      return outcome([]);
    }
    const firewalls = [
      ...ctx.inventory.ofKind('EgressFirewall', OVN_GROUP).filter((r) => r.name === 'default'),
      ...ctx.inventory.ofKind('EgressNetworkPolicy', SDN_GROUP),
    ];
    const own = firewalls.filter((r) => r.namespace === namespace);
    if (own.some((r) => (parseObject(EgressSchema, r).spec?.egress ?? []).some((rule) => rule.type === 'Deny'))) {
      return outcome([]);
    }
    if (own.length > 0) {
      const names = own.map((r) => `${r.kind} "${r.name}"`).join(', ');
      return outcome([
        {
          path: 'metadata.name',
          message: `${names} in namespace "${namespace}" ${own.length === 1 ? 'has' : 'have'} no Deny rule, and traffic that matches no rule is allowed, so its pods can reach any external address`,
        },
      ]);
    }
    if (firewalls.length === 0 && !clusterObject(ctx, 'Proxy') && !clusterObject(ctx, 'Network')) {
      return indeterminate(
        'the scan holds no EgressFirewall, EgressNetworkPolicy, Proxy or Network configuration, so a namespace without an egress firewall cannot be told from objects that were not exported; export them with oc get egressfirewalls.k8s.ovn.org -A -o yaml and oc get proxy.config.openshift.io/cluster network.config.openshift.io/cluster -o yaml',
      );
    }
    return outcome([
      {
        path: 'metadata.name',
        message: `namespace "${namespace}" has no ${firewallKind(ctx)} and the cluster has no cluster-wide egress proxy, so its pods can reach any external address`,
      },
    ]);
  },
});
