/**
 * NetworkPolicy semantics for posture checks: a per-namespace index of policies, built once per
 * scan (ctx.memo), and the questions checks ask of it: is a pod isolated for ingress/egress, and
 * does a namespace deny traffic by default.
 *
 * Semantics follow the Kubernetes API (networking.k8s.io/v1 NetworkPolicy):
 * - A policy selects the pods in its own namespace that match spec.podSelector. Label selectors
 *   match as metav1.LabelSelectorAsSelector does: every matchLabels pair AND every matchExpressions
 *   requirement (In: key present with a listed value; NotIn: key absent or value not listed;
 *   Exists; DoesNotExist). An empty (or absent) selector selects every pod.
 * - Effective policyTypes: the listed ones; when the list is unset or empty, Ingress always, plus
 *   Egress when spec.egress has at least one rule (SetDefaults_NetworkPolicySpec).
 * - A pod is isolated for a direction iff at least one policy selecting it has that direction in
 *   its effective policyTypes. Allowed traffic is the union of the selecting policies' rules, so a
 *   rule with no peers and no ports (`{}`) allows everything in that direction.
 * - A policy the API server would reject (malformed selector, unknown operator or policy type)
 *   is recorded as invalid; a question it could change the answer to is 'indeterminate'.
 *
 * Pod labels are the pod template's, plus the labels controllers add with values known from the
 * manifest: `job-name` and `batch.kubernetes.io/job-name` on a Job's pods (unless
 * spec.manualSelector is true) and `deploymentconfig` on a DeploymentConfig's pods. Labels whose
 * values the manifest cannot tell (pod-template-hash, controller-revision-hash, controller-uid,
 * the DeploymentConfig `deployment` label, StatefulSet pod names) are not modelled: a policy that
 * selects pods only by one of them is treated as not selecting them.
 *
 * Not considered: AdminNetworkPolicy and BaselineAdminNetworkPolicy (policy.networking.k8s.io,
 * v1alpha1). Their ingress peers are only pods and namespaces inside the cluster, so even a
 * "deny all" admin policy does not deny traffic from outside it, and deciding the effective result
 * needs the whole priority/Pass ordering of an alpha API. OpenShift EgressFirewall (k8s.ovn.org/v1)
 * and EgressNetworkPolicy (network.openshift.io/v1) are read only to mention them: they govern
 * traffic leaving the cluster network, not traffic to other pods, so they are not an egress
 * default-deny in the NetworkPolicy sense.
 *
 * Sources: https://kubernetes.io/docs/concepts/services-networking/network-policies/
 * https://kubernetes.io/docs/reference/kubernetes-api/policy-resources/network-policy-v1/
 * https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors
 * https://docs.openshift.com/container-platform/latest/networking/ovn_kubernetes_network_provider/configuring-egress-firewall-ovn.html
 */

import { z } from 'zod';
import type { Violation } from '#core';
import { compileParser, matchesAnyGlob } from '#core';
import type { Inventory } from '#inventory';
import type { CheckContext } from '../check.ts';
import type { Workload } from './pod.ts';

export const DIRECTIONS = ['Ingress', 'Egress'] as const;
export type Direction = (typeof DIRECTIONS)[number];

/** API groups NetworkPolicy has been served from. */
const NETWORK_POLICY_GROUPS: ReadonlySet<string> = new Set(['networking.k8s.io', 'extensions']);

const LabelSelectorSchema = z.looseObject({
  matchLabels: z.record(z.string(), z.string()).nullish(),
  matchExpressions: z
    .array(z.looseObject({ key: z.string(), operator: z.string(), values: z.array(z.string()).nullish() }))
    .nullish(),
});
type LabelSelectorInput = z.infer<typeof LabelSelectorSchema>;

const RuleSchema = z
  .looseObject({
    from: z.array(z.unknown()).nullish(),
    to: z.array(z.unknown()).nullish(),
    ports: z.array(z.unknown()).nullish(),
  })
  .nullable();

const NetworkPolicySpecSchema = z
  .looseObject({
    podSelector: LabelSelectorSchema.nullish(),
    policyTypes: z.array(z.string()).nullish(),
    ingress: z.array(RuleSchema).nullish(),
    egress: z.array(RuleSchema).nullish(),
  })
  .nullish();

const EgressFirewallSpecSchema = z.looseObject({
  egress: z
    .array(
      z.looseObject({
        type: z.string(),
        to: z.looseObject({ cidrSelector: z.string().optional() }).optional(),
        ports: z.array(z.unknown()).nullish(),
      }),
    )
    .nullish(),
});

export type Labels = Readonly<Record<string, string>>;

/** Index key of one label; NUL cannot occur in label keys or values. */
function labelKey(key: string, value: string): string {
  return `${key}\u0000${value}`;
}

/** A label selector compiled for matching. */
export interface CompiledSelector {
  /** No matchLabels and no matchExpressions: selects everything. */
  readonly empty: boolean;
  /** One matchLabels pair every selected pod has (`key=value`), for indexing; unset without matchLabels. */
  readonly requiredLabel?: string;
  matches(labels: Labels): boolean;
}

/** Compile a label selector; returns a reason string when the API server would reject it. */
export function compileSelector(input: LabelSelectorInput | null | undefined): CompiledSelector | string {
  const pairs = Object.entries(input?.matchLabels ?? {});
  const tests: ((labels: Labels) => boolean)[] = [];
  for (const [index, requirement] of (input?.matchExpressions ?? []).entries()) {
    const { key, operator } = requirement;
    const values = requirement.values ?? [];
    const at = `matchExpressions[${index}]`;
    switch (operator) {
      case 'In':
      case 'NotIn': {
        if (values.length === 0) {
          return `${at}: operator ${operator} needs at least one value`;
        }
        const set = new Set(values);
        tests.push(
          operator === 'In'
            ? (labels) => Object.hasOwn(labels, key) && set.has(labels[key] as string)
            : (labels) => !Object.hasOwn(labels, key) || !set.has(labels[key] as string),
        );
        break;
      }
      case 'Exists':
      case 'DoesNotExist': {
        if (values.length > 0) {
          return `${at}: operator ${operator} takes no values`;
        }
        tests.push(
          operator === 'Exists' ? (labels) => Object.hasOwn(labels, key) : (labels) => !Object.hasOwn(labels, key),
        );
        break;
      }
      default:
        return `${at}: unknown operator "${operator}" (In, NotIn, Exists or DoesNotExist)`;
    }
  }
  const empty = pairs.length === 0 && tests.length === 0;
  const first = pairs[0];
  return {
    empty,
    ...(first ? { requiredLabel: labelKey(first[0], first[1]) } : {}),
    matches(labels) {
      for (const [key, value] of pairs) {
        if (!Object.hasOwn(labels, key) || labels[key] !== value) {
          return false;
        }
      }
      for (const test of tests) {
        if (!test(labels)) {
          return false;
        }
      }
      return true;
    },
  };
}

/** A valid NetworkPolicy, reduced to what isolation depends on. */
export interface PolicyInfo {
  readonly name: string;
  readonly selector: CompiledSelector;
  /** Effective policyTypes (after defaulting). */
  readonly ingress: boolean;
  readonly egress: boolean;
  /** Index of the first rule that allows everything in that direction (`{}`), when one does. */
  readonly allowAllIngressRule?: number;
  readonly allowAllEgressRule?: number;
}

export interface InvalidPolicy {
  readonly name: string;
  readonly reason: string;
}

/** An OpenShift egress firewall whose rules end external IPv4 egress with a catch-all Deny. */
export interface EgressFirewallDeny {
  readonly kind: 'EgressFirewall' | 'EgressNetworkPolicy';
  readonly name: string;
  /** Index of the `Deny` rule for 0.0.0.0/0 with no ports. */
  readonly rule: number;
}

export interface NamespacePolicies {
  /** Valid policies, in inventory order. */
  readonly policies: readonly PolicyInfo[];
  readonly invalid: readonly InvalidPolicy[];
  readonly egressFirewalls: readonly EgressFirewallDeny[];
  /**
   * The policies that may select pods with these labels, in inventory order: every policy with a
   * matchLabels pair the labels have, plus every policy without matchLabels. A superset of the
   * selecting ones (callers still match), found without scanning every policy of the namespace.
   */
  candidates(labels: Labels): readonly PolicyInfo[];
  /** Names of the policies whose effective policyTypes include the direction, in inventory order. */
  covering(direction: Direction): readonly string[];
}

export interface PolicyIndex {
  /** Policies of a namespace; `undefined` is the bucket of objects without metadata.namespace. */
  get(namespace: string | undefined): NamespacePolicies;
  /** Number of workloads (resources with a pod template, valid or not) in a namespace. */
  workloadCount(namespace: string | undefined): number;
}

const NO_POLICIES: NamespacePolicies = namespacePolicies([], [], []);

/** A namespace's policies with a lazily built label index for `candidates`. */
function namespacePolicies(
  policies: readonly PolicyInfo[],
  invalid: readonly InvalidPolicy[],
  egressFirewalls: readonly EgressFirewallDeny[],
): NamespacePolicies {
  let byLabel: Map<string, number[]> | undefined;
  const unindexed: number[] = [];
  const coveringNames = new Map<Direction, readonly string[]>();
  const build = (): Map<string, number[]> => {
    const map = new Map<string, number[]>();
    for (const [i, policy] of policies.entries()) {
      const key = policy.selector.requiredLabel;
      if (key === undefined) {
        unindexed.push(i);
        continue;
      }
      let list = map.get(key);
      if (!list) {
        list = [];
        map.set(key, list);
      }
      list.push(i);
    }
    return map;
  };
  return {
    policies,
    invalid,
    egressFirewalls,
    candidates(labels) {
      if (policies.length <= 8) {
        return policies;
      }
      byLabel ??= build();
      let found: number[] = unindexed;
      for (const key of Object.keys(labels)) {
        const list = byLabel.get(labelKey(key, labels[key] as string));
        if (list) {
          found = found === unindexed ? [...unindexed, ...list] : found.concat(list);
        }
      }
      if (found !== unindexed) {
        found.sort((a, b) => a - b);
      }
      return found.map((i) => policies[i] as PolicyInfo);
    },
    covering(direction) {
      let names = coveringNames.get(direction);
      if (!names) {
        names = policies.filter((p) => covers(p, direction)).map((p) => p.name);
        coveringNames.set(direction, names);
      }
      return names;
    },
  };
}

function zodReason(error: z.ZodError): string {
  return error.issues
    .map(
      (issue) =>
        `spec${issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('')}: ${issue.message}`,
    )
    .join('; ');
}

function allowAllRule(
  rules: readonly (z.infer<typeof RuleSchema> | undefined)[] | null | undefined,
  peers: 'from' | 'to',
): number | undefined {
  for (const [index, rule] of (rules ?? []).entries()) {
    if ((rule?.[peers]?.length ?? 0) === 0 && (rule?.ports?.length ?? 0) === 0) {
      return index;
    }
  }
  return undefined;
}

/** Parse one NetworkPolicy object; a string is why the API server would reject it. */
export function parseNetworkPolicy(name: string, object: Readonly<Record<string, unknown>>): PolicyInfo | string {
  const parsed = compileParser(NetworkPolicySpecSchema)(object.spec);
  if (!parsed.success) {
    return zodReason(parsed.error);
  }
  const spec = parsed.data ?? {};
  const selector = compileSelector(spec.podSelector);
  if (typeof selector === 'string') {
    return `spec.podSelector.${selector}`;
  }
  let ingress: boolean;
  let egress: boolean;
  const types = spec.policyTypes ?? [];
  if (types.length === 0) {
    ingress = true;
    egress = (spec.egress?.length ?? 0) > 0;
  } else {
    const unknown = types.find((t) => t !== 'Ingress' && t !== 'Egress');
    if (unknown !== undefined) {
      return `spec.policyTypes: unknown type "${unknown}" (Ingress or Egress)`;
    }
    ingress = types.includes('Ingress');
    egress = types.includes('Egress');
  }
  const allowAllIngressRule = ingress ? allowAllRule(spec.ingress, 'from') : undefined;
  const allowAllEgressRule = egress ? allowAllRule(spec.egress, 'to') : undefined;
  return {
    name,
    selector,
    ingress,
    egress,
    ...(allowAllIngressRule === undefined ? {} : { allowAllIngressRule }),
    ...(allowAllEgressRule === undefined ? {} : { allowAllEgressRule }),
  };
}

/** The catch-all external Deny of an EgressFirewall/EgressNetworkPolicy spec, if it has one. */
export function egressFirewallDenyRule(spec: unknown): number | undefined {
  const parsed = compileParser(EgressFirewallSpecSchema)(spec);
  if (!parsed.success) {
    return undefined;
  }
  for (const [index, rule] of (parsed.data.egress ?? []).entries()) {
    if (rule.type === 'Deny' && rule.to?.cidrSelector === '0.0.0.0/0' && (rule.ports?.length ?? 0) === 0) {
      return index;
    }
  }
  return undefined;
}

interface MutableNamespace {
  policies: PolicyInfo[];
  invalid: InvalidPolicy[];
  egressFirewalls: EgressFirewallDeny[];
}

/** Build the index from an inventory (use `policyIndex(ctx)` in checks: it is built once). */
export function buildPolicyIndex(inventory: Inventory): PolicyIndex {
  const byNamespace = new Map<string | undefined, MutableNamespace>();
  const bucket = (namespace: string | undefined): MutableNamespace => {
    let entry = byNamespace.get(namespace);
    if (!entry) {
      entry = { policies: [], invalid: [], egressFirewalls: [] };
      byNamespace.set(namespace, entry);
    }
    return entry;
  };
  for (const resource of inventory.ofKind('NetworkPolicy')) {
    if (!NETWORK_POLICY_GROUPS.has(resource.group)) {
      continue;
    }
    const parsed = parseNetworkPolicy(resource.name, resource.object);
    if (typeof parsed === 'string') {
      bucket(resource.namespace).invalid.push({ name: resource.name, reason: parsed });
    } else {
      bucket(resource.namespace).policies.push(parsed);
    }
  }
  const firewalls = [
    ...inventory.ofKind('EgressFirewall', 'k8s.ovn.org').filter((r) => r.name === 'default'),
    ...inventory.ofKind('EgressNetworkPolicy', 'network.openshift.io'),
  ];
  for (const resource of firewalls) {
    const rule = egressFirewallDenyRule(resource.object.spec);
    if (rule !== undefined) {
      const kind = resource.kind === 'EgressFirewall' ? 'EgressFirewall' : 'EgressNetworkPolicy';
      bucket(resource.namespace).egressFirewalls.push({ kind, name: resource.name, rule });
    }
  }
  const workloads = new Map<string | undefined, number>();
  for (const resource of inventory.resources) {
    if (resource.pod !== undefined || resource.podError !== undefined) {
      workloads.set(resource.namespace, (workloads.get(resource.namespace) ?? 0) + 1);
    }
  }
  const frozen = new Map<string | undefined, NamespacePolicies>();
  for (const [namespace, entry] of byNamespace) {
    frozen.set(namespace, namespacePolicies(entry.policies, entry.invalid, entry.egressFirewalls));
  }
  return {
    get: (namespace) => frozen.get(namespace) ?? NO_POLICIES,
    workloadCount: (namespace) => workloads.get(namespace) ?? 0,
  };
}

/** The scan's policy index, built on first use and shared by every network check. */
export function policyIndex(ctx: CheckContext): PolicyIndex {
  return ctx.memo('posture/lib/network:policy-index', () => buildPolicyIndex(ctx.inventory));
}

/** The labels the workload's pods carry: template labels plus known controller-added ones. */
export function podLabels(workload: Workload): Labels {
  const template = workload.pod.metadata.labels ?? {};
  const name = workload.object.metadata?.name;
  if (!name) {
    return template;
  }
  if (workload.kind === 'Job' && workload.group === 'batch') {
    const spec = workload.object.spec as { manualSelector?: unknown } | undefined;
    if (spec?.manualSelector === true) {
      return template;
    }
    // The Job strategy adds these only when absent (pkg/registry/batch/job generateSelector).
    return { 'job-name': name, 'batch.kubernetes.io/job-name': name, ...template };
  }
  if (workload.kind === 'DeploymentConfig') {
    // The DeploymentConfig controller overwrites it (openshift/library-go appsutil MakeDeployment).
    return { ...template, deploymentconfig: name };
  }
  return template;
}

export type Isolation =
  /** Selected by at least one policy for the direction, none of which allows everything. */
  | { readonly status: 'isolated'; readonly policies: readonly PolicyInfo[] }
  /** Selected, but a selecting policy has a rule that allows everything. */
  | {
      readonly status: 'allow-all';
      readonly openedBy: readonly { readonly policy: string; readonly rule: number }[];
    }
  /** No policy selects the pods for the direction. */
  | {
      readonly status: 'not-isolated';
      /** Policies covering the direction that select other pods. */
      readonly otherPods: readonly string[];
      /** Policies selecting these pods that cover only the other direction. */
      readonly otherDirection: readonly string[];
    }
  /** Not selected by a valid policy, and an invalid policy could change that. */
  | { readonly status: 'indeterminate'; readonly invalid: readonly InvalidPolicy[] };

function covers(policy: PolicyInfo, direction: Direction): boolean {
  return direction === 'Ingress' ? policy.ingress : policy.egress;
}

function allowAllOf(policy: PolicyInfo, direction: Direction): number | undefined {
  return direction === 'Ingress' ? policy.allowAllIngressRule : policy.allowAllEgressRule;
}

/** Whether pods with these labels are isolated for a direction by the namespace's policies. */
export function isolation(namespace: NamespacePolicies, labels: Labels, direction: Direction): Isolation {
  const selecting: PolicyInfo[] = [];
  const otherDirection: string[] = [];
  for (const policy of namespace.candidates(labels)) {
    if (!policy.selector.matches(labels)) {
      continue;
    }
    if (covers(policy, direction)) {
      selecting.push(policy);
    } else {
      otherDirection.push(policy.name);
    }
  }
  if (selecting.length === 0) {
    if (namespace.invalid.length > 0) {
      return { status: 'indeterminate', invalid: namespace.invalid };
    }
    // None of the policies covering the direction selects the pods: all of them select others.
    return { status: 'not-isolated', otherPods: namespace.covering(direction), otherDirection };
  }
  const openedBy: { policy: string; rule: number }[] = [];
  for (const policy of selecting) {
    const rule = allowAllOf(policy, direction);
    if (rule !== undefined) {
      openedBy.push({ policy: policy.name, rule });
    }
  }
  return openedBy.length > 0 ? { status: 'allow-all', openedBy } : { status: 'isolated', policies: selecting };
}

export type DefaultDeny =
  /** At least one policy with an empty podSelector covers the direction, none allows everything. */
  | { readonly status: 'deny'; readonly policies: readonly string[] }
  /** A namespace-wide policy for the direction allows everything, so nothing is denied by default. */
  | { readonly status: 'allow-all'; readonly openedBy: readonly { readonly policy: string; readonly rule: number }[] }
  /** No policy with an empty podSelector covers the direction. */
  | { readonly status: 'none' }
  /** None among the valid policies, and an invalid policy could be one. */
  | { readonly status: 'indeterminate'; readonly invalid: readonly InvalidPolicy[] };

/** Whether a namespace isolates every pod for a direction (a policy with an empty podSelector). */
export function defaultDeny(namespace: NamespacePolicies, direction: Direction): DefaultDeny {
  const wide = namespace.policies.filter((p) => p.selector.empty && covers(p, direction));
  if (wide.length === 0) {
    return namespace.invalid.length > 0 ? { status: 'indeterminate', invalid: namespace.invalid } : { status: 'none' };
  }
  const openedBy: { policy: string; rule: number }[] = [];
  for (const policy of wide) {
    const rule = allowAllOf(policy, direction);
    if (rule !== undefined) {
      openedBy.push({ policy: policy.name, rule });
    }
  }
  return openedBy.length > 0
    ? { status: 'allow-all', openedBy }
    : { status: 'deny', policies: wide.map((p) => p.name) };
}

/** `app=web, tier=front` or `no labels`, sorted by key. */
export function describeLabels(labels: Labels): string {
  const keys = Object.keys(labels).sort();
  return keys.length === 0 ? 'no labels' : keys.map((k) => `${k}=${labels[k]}`).join(', ');
}

/** `namespace "shop"`, or the bucket of objects that set no namespace. */
export function describeNamespace(namespace: string | undefined): string {
  return namespace === undefined ? 'the same namespace (metadata.namespace unset)' : `namespace "${namespace}"`;
}

/** `"a", "b", "c" and 4 more` — quoted names, capped so messages stay short. */
export function listNames(names: readonly string[], max = 5): string {
  const shown = names.slice(0, max).map((n) => `"${n}"`);
  const rest = names.length - shown.length;
  if (rest > 0) {
    return `${shown.join(', ')} and ${rest} more`;
  }
  if (shown.length <= 1) {
    return shown.join('');
  }
  return `${shown.slice(0, -1).join(', ')} and ${shown.at(-1)}`;
}

/** The message suffix crediting an OpenShift egress firewall, or ''. */
export function egressFirewallNote(namespace: NamespacePolicies): string {
  const fw = namespace.egressFirewalls[0];
  if (!fw) {
    return '';
  }
  return `; ${fw.kind} "${fw.name}" spec.egress[${fw.rule}] denies other IPv4 egress leaving the cluster, but not egress to pods and Services inside it`;
}

/** What a workload check concludes for one direction: not applicable, or its violations. */
export type WorkloadIsolation =
  | { readonly status: 'not-applicable'; readonly reason: string }
  | { readonly status: 'evaluated'; readonly violations: readonly Violation[] };

const ISOLATED: WorkloadIsolation = { status: 'evaluated', violations: [] };

/**
 * The shared logic of the workload ingress/egress isolation checks: platform namespaces and
 * host-network pods are not applicable; otherwise a violation explains which policies were
 * considered and why none isolates the pods. Throws when an invalid policy makes it undecidable.
 */
export function workloadIsolation(workload: Workload, ctx: CheckContext, direction: Direction): WorkloadIsolation {
  const { namespace } = workload;
  if (namespace !== undefined && matchesAnyGlob(namespace, ctx.settings.systemNamespaces)) {
    return {
      status: 'not-applicable',
      reason: 'platform namespace (settings.systemNamespaces): its network policy is managed by the platform',
    };
  }
  if (workload.pod.spec.hostNetwork === true) {
    return {
      status: 'not-applicable',
      reason: 'the pods use the host network (spec.hostNetwork), where NetworkPolicy does not reliably apply',
    };
  }
  const policies = policyIndex(ctx).get(namespace);
  const labels = podLabels(workload);
  const result = isolation(policies, labels, direction);
  if (result.status === 'isolated') {
    return ISOLATED; // the common case builds no message
  }
  const path = `${workload.pod.metadataPath}.labels`;
  const pods = `the pods (${describeLabels(labels)})`;
  const where = describeNamespace(namespace);
  const note = direction === 'Egress' ? egressFirewallNote(policies) : '';
  const open = direction === 'Ingress' ? 'accept traffic from any source' : 'can send traffic to any destination';
  switch (result.status) {
    case 'indeterminate': {
      const bad = result.invalid.map((p) => `NetworkPolicy "${p.name}" is invalid (${p.reason})`).join('; ');
      throw new Error(`cannot tell whether ${pods} are isolated for ${direction}: ${bad}`);
    }
    case 'allow-all': {
      const field = direction === 'Ingress' ? 'ingress' : 'egress';
      return {
        status: 'evaluated',
        violations: result.openedBy.map(({ policy, rule }) => ({
          path,
          message: `NetworkPolicy "${policy}" selects ${pods} and its spec.${field}[${rule}] allows all ${field}, so they ${open}${note}`,
          actual: labels,
        })),
      };
    }
    case 'not-isolated': {
      const reasons: string[] = [];
      if (result.otherPods.length > 0) {
        reasons.push(
          `${listNames(result.otherPods)} ${result.otherPods.length === 1 ? 'selects' : 'select'} other pods`,
        );
      }
      if (result.otherDirection.length > 0) {
        const other = direction === 'Ingress' ? 'Egress' : 'Ingress';
        reasons.push(
          `${listNames(result.otherDirection)} ${result.otherDirection.length === 1 ? 'selects' : 'select'} them but ${result.otherDirection.length === 1 ? 'covers' : 'cover'} only ${other}`,
        );
      }
      const message =
        reasons.length === 0
          ? `${where} has no NetworkPolicy, so ${pods} ${open}${note}`
          : `no NetworkPolicy in ${where} selects ${pods} with ${direction} in its policyTypes (${reasons.join('; ')}), so they ${open}${note}`;
      return { status: 'evaluated', violations: [{ path, message, actual: labels }] };
    }
  }
}

/** Parse an object's spec with a schema; throws (an 'error' finding) naming the bad fields. */
export function parseSpec<T>(schema: z.ZodType<T>, object: Readonly<Record<string, unknown>>): T {
  const parsed = compileParser(schema)(object.spec);
  if (!parsed.success) {
    throw new Error(`invalid spec: ${zodReason(parsed.error)}`);
  }
  return parsed.data;
}

/** The core/v1 Service fields the network checks read. */
export const ServiceSpec = z
  .looseObject({
    type: z.string().nullish(),
    ports: z
      .array(
        z.looseObject({
          name: z.string().nullish(),
          port: z.number().int().nullish(),
          protocol: z.string().nullish(),
          nodePort: z.number().int().nullish(),
        }),
      )
      .nullish(),
    externalIPs: z.array(z.string()).nullish(),
    loadBalancerSourceRanges: z.array(z.string()).nullish(),
    allocateLoadBalancerNodePorts: z.boolean().nullish(),
  })
  .nullish();
export type ServiceSpec = z.infer<typeof ServiceSpec>;

/** A Service's type, defaulted as the API server does (ClusterIP). */
export function serviceType(spec: ServiceSpec): string {
  return spec?.type || 'ClusterIP';
}
