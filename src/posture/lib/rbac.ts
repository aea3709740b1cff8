/**
 * The RBAC model a scan builds once (ctx.memo('rbac')) and the questions RBAC checks ask of it.
 *
 * Rule matching is the Kubernetes RBAC authorizer's (plugin/pkg/auth/authorizer/rbac, RuleAllows):
 * - verbs: '*' or the exact verb; apiGroups: '*' or the exact group ('' is core);
 * - resources: '*', the exact 'resource' or 'resource/subresource', or '*\/subresource' for that
 *   subresource of every resource. Nothing else is a wildcard: 'pods/*' is a literal that matches
 *   no request, and 'pods' does not match 'pods/exec';
 * - resourceNames: an empty list allows every name; a non-empty list allows only requests that
 *   carry one of those names (get, update, delete of that object; list or watch with a
 *   metadata.name field selector naming it), never create, deletecollection or an unfiltered list;
 * - nonResourceURLs: '*', the exact path, or a pattern ending in '*' that matches by prefix.
 * Matching is case-sensitive, as the authorizer's is.
 *
 * Scope: a ClusterRoleBinding grants its rules in every namespace and on cluster-scoped
 * resources. A RoleBinding grants the rules of its Role or ClusterRole only to requests in its own
 * namespace, so never on cluster-scoped resources.
 *
 * Aggregation: a ClusterRole with aggregationRule.clusterRoleSelectors gets, from the
 * clusterrole-aggregation controller, the union of the rules of every other ClusterRole whose labels
 * match any selector (matchLabels AND matchExpressions; an empty selector matches every ClusterRole).
 * Its effective rules here are that union, computed transitively, plus its own `rules` (which in a
 * live cluster are the controller's last copy). A rule that appears both ways is attributed to the
 * ClusterRole that declares it, since that is the object to change.
 *
 * Built-in roles: when a binding refers to ClusterRole "cluster-admin" and the scan does not
 * contain it, its rules are taken from the Kubernetes default policy (every verb on every resource
 * in every group, and every verb on every non-resource URL). Other roles the scan does not contain
 * are unknown, and checks report the binding as not applicable rather than guess.
 *
 * Subjects are classified so checks judge only the ones a cluster owner chose:
 * - 'anonymous': User "system:anonymous" and Group "system:unauthenticated";
 * - 'broad': groups every authenticated user or every service account is in
 *   ("system:authenticated", "system:authenticated:oauth", "system:serviceaccounts",
 *   "system:serviceaccounts:<ns>" of a non-system namespace);
 * - 'system': other "system:"-prefixed users and groups (control-plane components, nodes,
 *   system:masters), and service accounts in a system namespace (ctx.settings.systemNamespaces),
 *   whether named as ServiceAccount subjects or as "system:serviceaccount:<ns>:<name>" users;
 * - 'user': everyone else.
 * Checks judge 'user' subjects everywhere, never 'system' subjects, and 'broad' and 'anonymous'
 * subjects everywhere except in bootstrap defaults: bindings the API server reconciles itself,
 * labelled kubernetes.io/bootstrapping=rbac-defaults or annotated
 * rbac.authorization.kubernetes.io/autoupdate="true" (this is how Kubernetes and OpenShift grant
 * discovery, self-review and OpenShift's scope impersonation to everyone). A "system:" name alone
 * does not make a binding a default: `oc adm policy add-scc-to-group` creates bindings named
 * "system:openshift:scc:<name>". (anonymous-access-binding judges anonymous subjects in every
 * binding, defaults included, by what the rules grant.)
 *
 * OpenShift SecurityContextConstraints: what an SCC allows beyond the restricted profile, the SCCs
 * OpenShift ships with what each of them is expected to allow, and whether an SCC is privileged
 * (lets a pod reach the host or run as any user).
 *
 * Sources:
 * https://kubernetes.io/docs/reference/access-authn-authz/rbac/
 * https://kubernetes.io/docs/reference/kubernetes-api/authorization-resources/cluster-role-v1/
 * https://kubernetes.io/docs/reference/access-authn-authz/authentication/#user-impersonation
 * https://docs.openshift.com/container-platform/latest/authentication/managing-security-context-constraints.html
 * openshift/cluster-kube-apiserver-operator bindata/bootkube/scc-manifests (default SCCs)
 */
import { z } from 'zod';
import { compileParser, InputError, matchesAnyGlob, type Resource } from '#core';
import type { Inventory } from '#inventory';
import { type CheckContext, type CheckOutcome, type CheckSettings, notApplicable, outcome } from '../check.ts';

export const RBAC_GROUP = 'rbac.authorization.k8s.io';
export const SCC_GROUP = 'security.openshift.io';

/* ------------------------------------------------------------------------------------------------
 * Schemas (only the fields read here; everything else passes through)
 * --------------------------------------------------------------------------------------------- */

const StrList = z.array(z.string()).nullish();

const PolicyRuleSchema = z.looseObject({
  verbs: z.array(z.string()),
  apiGroups: StrList,
  resources: StrList,
  resourceNames: StrList,
  nonResourceURLs: StrList,
});

const LabelSelectorSchema = z.looseObject({
  matchLabels: z.record(z.string(), z.string()).nullish(),
  matchExpressions: z.array(z.looseObject({ key: z.string(), operator: z.string(), values: StrList })).nullish(),
});

const RoleSchema = z.looseObject({
  rules: z.array(PolicyRuleSchema).nullish(),
  aggregationRule: z.looseObject({ clusterRoleSelectors: z.array(LabelSelectorSchema).nullish() }).nullish(),
});

const SubjectSchema = z.looseObject({
  kind: z.string(),
  name: z.string(),
  namespace: z.string().nullish(),
  apiGroup: z.string().nullish(),
});

const BindingSchema = z.looseObject({
  roleRef: z.looseObject({ kind: z.string(), name: z.string(), apiGroup: z.string().nullish() }),
  subjects: z.array(SubjectSchema).nullish(),
});

const StrategySchema = z.looseObject({ type: z.string().nullish() }).nullish();

const SccSchema = z.looseObject({
  allowPrivilegedContainer: z.boolean().nullish(),
  allowHostNetwork: z.boolean().nullish(),
  allowHostPID: z.boolean().nullish(),
  allowHostIPC: z.boolean().nullish(),
  allowHostPorts: z.boolean().nullish(),
  allowHostDirVolumePlugin: z.boolean().nullish(),
  defaultAllowPrivilegeEscalation: z.boolean().nullish(),
  runAsUser: StrategySchema,
  seLinuxContext: StrategySchema,
  allowedCapabilities: StrList,
  defaultAddCapabilities: StrList,
  volumes: StrList,
  seccompProfiles: StrList,
  allowedUnsafeSysctls: StrList,
  users: StrList,
  groups: StrList,
});
type SccInput = z.infer<typeof SccSchema>;

function issuesText(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      let path = '';
      for (const segment of issue.path) {
        path += typeof segment === 'number' ? `[${segment}]` : `${path ? '.' : ''}${String(segment)}`;
      }
      return `${path || '(root)'}: ${issue.message}`;
    })
    .join('; ');
}

/* ------------------------------------------------------------------------------------------------
 * Rules and requests
 * --------------------------------------------------------------------------------------------- */

/** A PolicyRule with absent lists read as empty. */
export interface PolicyRule {
  readonly verbs: readonly string[];
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly resourceNames: readonly string[];
  readonly nonResourceURLs: readonly string[];
}

/** A resource request as the authorizer sees it. */
export interface ResourceRequest {
  readonly verb: string;
  /** API group; '' is core. */
  readonly group: string;
  readonly resource: string;
  /** 'exec' for pods/exec. */
  readonly subresource?: string;
  /** Match a request for any subresource of `resource` (impersonating user extras: userextras/<key>). */
  readonly anySubresource?: boolean;
  /** The object's name; unset for requests that carry none (create, an unfiltered list or watch). */
  readonly name?: string;
}

function ruleOf(input: z.infer<typeof PolicyRuleSchema>): PolicyRule {
  return {
    verbs: input.verbs,
    apiGroups: input.apiGroups ?? [],
    resources: input.resources ?? [],
    resourceNames: input.resourceNames ?? [],
    nonResourceURLs: input.nonResourceURLs ?? [],
  };
}

export function verbMatches(rule: PolicyRule, verb: string): boolean {
  return rule.verbs.includes('*') || rule.verbs.includes(verb);
}

export function apiGroupMatches(rule: PolicyRule, group: string): boolean {
  return rule.apiGroups.includes('*') || rule.apiGroups.includes(group);
}

export function resourceMatches(rule: PolicyRule, resource: string, subresource?: string): boolean {
  const combined = subresource ? `${resource}/${subresource}` : resource;
  for (const entry of rule.resources) {
    if (entry === '*' || entry === combined) {
      return true;
    }
    if (subresource && entry === `*/${subresource}`) {
      return true;
    }
  }
  return false;
}

/** Whether the rule matches some subresource of `resource` ('*', 'resource/x', '*\/x'). */
function someSubresourceMatches(rule: PolicyRule, resource: string): boolean {
  return rule.resources.some((entry) => entry === '*' || entry.startsWith(`${resource}/`) || entry.startsWith('*/'));
}

export function resourceNameMatches(rule: PolicyRule, name?: string): boolean {
  if (rule.resourceNames.length === 0) {
    return true;
  }
  return name !== undefined && rule.resourceNames.includes(name);
}

/** Whether the rule allows the request, exactly as the RBAC authorizer decides. */
export function grants(rule: PolicyRule, request: ResourceRequest): boolean {
  return grantsIgnoringNames(rule, request) && resourceNameMatches(rule, request.name);
}

/** Whether the rule allows the request for at least one object name (resourceNames not applied). */
export function grantsIgnoringNames(rule: PolicyRule, request: ResourceRequest): boolean {
  if (!verbMatches(rule, request.verb) || !apiGroupMatches(rule, request.group)) {
    return false;
  }
  return request.anySubresource
    ? someSubresourceMatches(rule, request.resource)
    : resourceMatches(rule, request.resource, request.subresource);
}

/** Whether the rule allows `verb` on a non-resource URL path ('/healthz'). */
export function grantsNonResource(rule: PolicyRule, verb: string, path: string): boolean {
  if (!verbMatches(rule, verb)) {
    return false;
  }
  for (const url of rule.nonResourceURLs) {
    if (url === '*' || url === path) {
      return true;
    }
    if (url.endsWith('*') && path.startsWith(url.replace(/\*+$/, ''))) {
      return true;
    }
  }
  return false;
}

/* ------------------------------------------------------------------------------------------------
 * Roles, bindings, subjects
 * --------------------------------------------------------------------------------------------- */

export type RoleKind = 'Role' | 'ClusterRole';

export interface RoleId {
  readonly kind: RoleKind;
  readonly name: string;
  /** Set for Roles. */
  readonly namespace?: string;
}

export interface LabelSelector {
  readonly matchLabels: Readonly<Record<string, string>>;
  readonly matchExpressions: readonly {
    readonly key: string;
    readonly operator: string;
    readonly values: readonly string[];
  }[];
}

export interface RoleNode extends RoleId {
  /** Unset for built-in roles the scan does not contain. */
  readonly resource?: Resource;
  readonly labels: Readonly<Record<string, string>>;
  /** The role's own rules. */
  readonly rules: readonly PolicyRule[];
  /** aggregationRule.clusterRoleSelectors, when the ClusterRole is aggregated. */
  readonly selectors?: readonly LabelSelector[];
  /** Why the object could not be read; its rules are then unknown. */
  readonly problem?: string;
}

/** A rule a role grants, with where it is declared. */
export interface GrantingRule {
  readonly rule: PolicyRule;
  /** The role that declares the rule. */
  readonly role: RoleId;
  readonly index: number;
  readonly builtin?: boolean;
  /** The aggregated ClusterRole the rule reached the binding through. */
  readonly aggregatedInto?: string;
}

export interface SubjectRef {
  readonly kind: string;
  readonly name: string;
  /** For ServiceAccount subjects: their namespace, defaulted to the RoleBinding's. */
  readonly namespace?: string;
  /** Field path in the binding: 'subjects[1]'. */
  readonly path: string;
}

export interface BindingView {
  readonly resource: Resource;
  readonly kind: 'RoleBinding' | 'ClusterRoleBinding';
  readonly name: string;
  /** Set for RoleBindings. */
  readonly namespace?: string;
  readonly roleRef: { readonly kind: string; readonly name: string };
  readonly subjects: readonly SubjectRef[];
  /** Reconciled by the API server (bootstrapping label or autoupdate annotation). */
  readonly bootstrapDefault: boolean;
}

export const BOOTSTRAPPING_LABEL = 'kubernetes.io/bootstrapping';
export const AUTOUPDATE_ANNOTATION = 'rbac.authorization.kubernetes.io/autoupdate';

/** Reconciled by the API server: labelled kubernetes.io/bootstrapping=rbac-defaults or annotated autoupdate="true". */
export function isBootstrapDefault(resource: Resource): boolean {
  const metadata = resource.object.metadata;
  return (
    metadata?.labels?.[BOOTSTRAPPING_LABEL] === 'rbac-defaults' ||
    metadata?.annotations?.[AUTOUPDATE_ANNOTATION] === 'true'
  );
}

/**
 * A role the platform ships or owns: a bootstrap default, a "system:"-prefixed role, or a Role in a
 * system namespace. Role-definition checks skip these; who they are bound to is judged on the bindings.
 */
export function isPlatformRole(resource: Resource, settings: CheckSettings): boolean {
  return (
    isBootstrapDefault(resource) ||
    resource.name.startsWith('system:') ||
    isSystemNamespace(resource.namespace, settings)
  );
}

export function isSystemNamespace(namespace: string | undefined, settings: CheckSettings): boolean {
  return namespace !== undefined && matchesAnyGlob(namespace, settings.systemNamespaces);
}

function parseRole(resource: Resource): RoleNode {
  const kind: RoleKind = resource.kind === 'Role' ? 'Role' : 'ClusterRole';
  const base = {
    kind,
    name: resource.name,
    ...(kind === 'Role' && resource.namespace !== undefined ? { namespace: resource.namespace } : {}),
    resource,
    labels: resource.object.metadata?.labels ?? {},
  };
  const parsed = compileParser(RoleSchema)(resource.object);
  if (!parsed.success) {
    return { ...base, rules: [], problem: issuesText(parsed.error) };
  }
  const rules = (parsed.data.rules ?? []).map(ruleOf);
  const selectors = kind === 'ClusterRole' ? parsed.data.aggregationRule?.clusterRoleSelectors : undefined;
  if (!selectors) {
    return { ...base, rules };
  }
  return {
    ...base,
    rules,
    selectors: selectors.map((s) => ({
      matchLabels: s.matchLabels ?? {},
      matchExpressions: (s.matchExpressions ?? []).map((e) => ({
        key: e.key,
        operator: e.operator,
        values: e.values ?? [],
      })),
    })),
  };
}

/** Read a Role or ClusterRole; throws an InputError naming the bad field. */
export function readRole(resource: Resource): RoleNode {
  const role = parseRole(resource);
  if (role.problem) {
    throw new InputError('input.invalid', `${describeRole(role)} is invalid: ${role.problem}`);
  }
  return role;
}

/** Read a RoleBinding or ClusterRoleBinding; throws an InputError naming the bad field. */
export function readBinding(resource: Resource): BindingView {
  const kind = resource.kind === 'RoleBinding' ? 'RoleBinding' : 'ClusterRoleBinding';
  const parsed = compileParser(BindingSchema)(resource.object);
  if (!parsed.success) {
    throw new InputError('input.invalid', `${kind} "${resource.name}" is invalid: ${issuesText(parsed.error)}`);
  }
  const namespace = kind === 'RoleBinding' ? resource.namespace : undefined;
  const subjects: SubjectRef[] = [];
  for (const [index, s] of (parsed.data.subjects ?? []).entries()) {
    const subjectNamespace = s.kind === 'ServiceAccount' ? s.namespace || namespace : undefined;
    subjects.push({
      kind: s.kind,
      name: s.name,
      ...(subjectNamespace ? { namespace: subjectNamespace } : {}),
      path: `subjects[${index}]`,
    });
  }
  return {
    resource,
    kind,
    name: resource.name,
    ...(namespace === undefined ? {} : { namespace }),
    roleRef: { kind: parsed.data.roleRef.kind, name: parsed.data.roleRef.name },
    subjects,
    bootstrapDefault: isBootstrapDefault(resource),
  };
}

/**
 * The binding view of a (Cluster)RoleBinding, parsed once per scan and shared by every RBAC check
 * (ctx.memo). Throws, every time it is asked, the InputError readBinding throws.
 */
export function bindingOf(resource: Resource, ctx: Pick<CheckContext, 'memo'>): BindingView {
  const cache = ctx.memo('rbac:bindings', () => new Map<Resource, BindingView | InputError>());
  let view = cache.get(resource);
  if (view === undefined) {
    try {
      view = readBinding(resource);
    } catch (error) {
      if (!(error instanceof InputError)) {
        throw error;
      }
      view = error;
    }
    cache.set(resource, view);
  }
  if (view instanceof InputError) {
    throw view;
  }
  return view;
}

export type SubjectClass = 'anonymous' | 'broad' | 'system' | 'user';

const ANONYMOUS_USER = 'system:anonymous';
const UNAUTHENTICATED_GROUP = 'system:unauthenticated';
const BROAD_GROUPS: ReadonlySet<string> = new Set([
  'system:authenticated',
  'system:authenticated:oauth',
  'system:serviceaccounts',
]);
const SA_USER_PREFIX = 'system:serviceaccount:';
const SA_GROUP_PREFIX = 'system:serviceaccounts:';

/** Classify a subject (see the header). `kind` is User, Group or ServiceAccount. */
export function classifySubject(
  subject: { readonly kind: string; readonly name: string; readonly namespace?: string },
  settings: CheckSettings,
): SubjectClass {
  const { kind, name } = subject;
  if (kind === 'ServiceAccount') {
    return isSystemNamespace(subject.namespace, settings) ? 'system' : 'user';
  }
  if (kind === 'User') {
    if (name === ANONYMOUS_USER) {
      return 'anonymous';
    }
    if (name.startsWith(SA_USER_PREFIX)) {
      const namespace = name.slice(SA_USER_PREFIX.length).split(':')[0];
      return isSystemNamespace(namespace, settings) ? 'system' : 'user';
    }
    return name.startsWith('system:') ? 'system' : 'user';
  }
  if (kind === 'Group') {
    if (name === UNAUTHENTICATED_GROUP) {
      return 'anonymous';
    }
    if (BROAD_GROUPS.has(name)) {
      return 'broad';
    }
    if (name.startsWith(SA_GROUP_PREFIX)) {
      return isSystemNamespace(name.slice(SA_GROUP_PREFIX.length), settings) ? 'system' : 'broad';
    }
    return name.startsWith('system:') ? 'system' : 'user';
  }
  return 'user';
}

/** The subjects of a binding a check judges: see the header. */
export function subjectsOfConcern(binding: BindingView, settings: CheckSettings): SubjectRef[] {
  return binding.subjects.filter((subject) => {
    const cls = classifySubject(subject, settings);
    return cls === 'user' || ((cls === 'broad' || cls === 'anonymous') && !binding.bootstrapDefault);
  });
}

/** 'User "alice"', 'Group "devs"', 'ServiceAccount "shop/deployer"'. */
export function describeSubject(subject: {
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
}): string {
  if (subject.kind === 'ServiceAccount') {
    return `ServiceAccount "${subject.namespace ? `${subject.namespace}/` : ''}${subject.name}"`;
  }
  return `${subject.kind} "${subject.name}"`;
}

export function describeRole(role: RoleId): string {
  return role.namespace ? `Role "${role.namespace}/${role.name}"` : `${role.kind} "${role.name}"`;
}

/** Where a binding's grants apply: 'cluster-wide' or 'in namespace "shop"'. */
export function describeScope(binding: BindingView): string {
  return binding.kind === 'ClusterRoleBinding' ? 'cluster-wide' : `in namespace "${binding.namespace ?? ''}"`;
}

/** A subject as a violation's `actual`: { kind, name, namespace? }. */
export function subjectActual(subject: SubjectRef): { kind: string; name: string; namespace?: string } {
  return { kind: subject.kind, name: subject.name, ...(subject.namespace ? { namespace: subject.namespace } : {}) };
}

/** Whether a binding grants the cluster-admin ClusterRole (reported by cluster-admin-binding alone). */
export function bindsClusterAdmin(binding: BindingView): boolean {
  return binding.roleRef.kind === 'ClusterRole' && binding.roleRef.name === 'cluster-admin';
}

export const CLUSTER_ADMIN_REPORTED =
  'the binding grants cluster-admin, which holds every permission and is reported by cluster-admin-binding (PAL-K8S-0201)';

function quoteList(values: readonly string[]): string {
  return `[${values.map((v) => JSON.stringify(v)).join(', ')}]`;
}

/** 'rules[0] of ClusterRole "reader" (apiGroups [""], resources ["secrets"], verbs ["get", "list"])'. */
export function describeRule(granting: GrantingRule): string {
  const { rule } = granting;
  const parts: string[] = [];
  if (rule.nonResourceURLs.length > 0 && rule.resources.length === 0) {
    parts.push(`nonResourceURLs ${quoteList(rule.nonResourceURLs)}`);
  } else {
    parts.push(`apiGroups ${quoteList(rule.apiGroups)}`, `resources ${quoteList(rule.resources)}`);
    if (rule.resourceNames.length > 0) {
      parts.push(`resourceNames ${quoteList(rule.resourceNames)}`);
    }
  }
  parts.push(`verbs ${quoteList(rule.verbs)}`);
  const role = `${granting.builtin ? 'built-in ' : ''}${describeRole(granting.role)}`;
  const via = granting.aggregatedInto ? `, aggregated into ClusterRole "${granting.aggregatedInto}"` : '';
  return `rules[${granting.index}] of ${role}${via} (${parts.join(', ')})`;
}

/* ------------------------------------------------------------------------------------------------
 * The model
 * --------------------------------------------------------------------------------------------- */

export interface RbacModel {
  readonly clusterRole: (name: string) => RoleNode | undefined;
  readonly role: (namespace: string, name: string) => RoleNode | undefined;
  /** The role a binding refers to; undefined when the scan does not contain it (and it is not built in). */
  readonly roleOf: (binding: BindingView) => RoleNode | undefined;
  /** Effective rules of a role (own and aggregated). Throws an InputError when the role is invalid. */
  readonly rulesOf: (role: RoleNode) => readonly GrantingRule[];
}

/** ClusterRoles whose rules Kubernetes defines and which the scan may not contain. */
const BUILTIN_CLUSTER_ROLES: ReadonlyMap<string, RoleNode> = new Map([
  [
    'cluster-admin',
    {
      kind: 'ClusterRole',
      name: 'cluster-admin',
      labels: { [BOOTSTRAPPING_LABEL]: 'rbac-defaults' },
      rules: [
        { verbs: ['*'], apiGroups: ['*'], resources: ['*'], resourceNames: [], nonResourceURLs: [] },
        { verbs: ['*'], apiGroups: [], resources: [], resourceNames: [], nonResourceURLs: ['*'] },
      ],
    },
  ],
]);

function expressionMatches(
  labels: Readonly<Record<string, string>>,
  expression: LabelSelector['matchExpressions'][number],
): boolean {
  const has = Object.hasOwn(labels, expression.key);
  const value = labels[expression.key];
  switch (expression.operator) {
    case 'In':
      return has && value !== undefined && expression.values.includes(value);
    case 'NotIn':
      return !has || value === undefined || !expression.values.includes(value);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    default:
      return false;
  }
}

export function selectorMatches(selector: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  for (const [key, value] of Object.entries(selector.matchLabels)) {
    if (labels[key] !== value) {
      return false;
    }
  }
  return selector.matchExpressions.every((e) => expressionMatches(labels, e));
}

function ruleKey(rule: PolicyRule): string {
  return JSON.stringify([rule.verbs, rule.apiGroups, rule.resources, rule.resourceNames, rule.nonResourceURLs]);
}

/** Build the model over every Role and ClusterRole of the inventory: O(roles), roles indexed by name. */
export function buildRbacModel(inventory: Inventory): RbacModel {
  const clusterRoles = new Map<string, RoleNode>();
  const roles = new Map<string, RoleNode>();
  /** 'key=value' → ClusterRoles carrying that label, for matchLabels selectors. */
  const byLabel = new Map<string, RoleNode[]>();
  const allClusterRoles: RoleNode[] = [];
  for (const resource of inventory.ofKind('ClusterRole', RBAC_GROUP)) {
    if (clusterRoles.has(resource.name)) {
      continue;
    }
    const role = parseRole(resource);
    clusterRoles.set(resource.name, role);
    allClusterRoles.push(role);
    for (const [key, value] of Object.entries(role.labels)) {
      const label = `${key}=${value}`;
      let list = byLabel.get(label);
      if (!list) {
        list = [];
        byLabel.set(label, list);
      }
      list.push(role);
    }
  }
  for (const resource of inventory.ofKind('Role', RBAC_GROUP)) {
    const key = `${resource.namespace ?? ''}/${resource.name}`;
    if (!roles.has(key)) {
      roles.set(key, parseRole(resource));
    }
  }

  const selected = (selector: LabelSelector): readonly RoleNode[] => {
    let candidates: readonly RoleNode[] = allClusterRoles;
    for (const [key, value] of Object.entries(selector.matchLabels)) {
      const list = byLabel.get(`${key}=${value}`) ?? [];
      if (list.length < candidates.length) {
        candidates = list;
      }
    }
    return candidates.filter((role) => selectorMatches(selector, role.labels));
  };

  const effective = new Map<RoleNode, readonly GrantingRule[]>();
  const inProgress = new Set<RoleNode>();

  const ownRules = (role: RoleNode): GrantingRule[] =>
    role.rules.map((rule, index) => ({
      rule,
      role: {
        kind: role.kind,
        name: role.name,
        ...(role.namespace === undefined ? {} : { namespace: role.namespace }),
      },
      index,
      ...(role.resource === undefined ? { builtin: true } : {}),
    }));

  const compute = (role: RoleNode): readonly GrantingRule[] => {
    const cached = effective.get(role);
    if (cached) {
      return cached;
    }
    if (!role.selectors || inProgress.has(role)) {
      const own = ownRules(role);
      if (!role.selectors) {
        effective.set(role, own);
      }
      return own;
    }
    inProgress.add(role);
    const seen = new Set<string>();
    const result: GrantingRule[] = [];
    const visited = new Set<RoleNode>([role]);
    for (const selector of role.selectors) {
      for (const source of selected(selector)) {
        if (visited.has(source) || source.problem) {
          continue;
        }
        visited.add(source);
        for (const granting of compute(source)) {
          const key = ruleKey(granting.rule);
          if (seen.has(key)) {
            continue;
          }
          seen.add(key);
          result.push({ ...granting, aggregatedInto: role.name });
        }
      }
    }
    for (const granting of ownRules(role)) {
      const key = ruleKey(granting.rule);
      if (!seen.has(key)) {
        seen.add(key);
        result.push(granting);
      }
    }
    inProgress.delete(role);
    effective.set(role, result);
    return result;
  };

  const clusterRole = (name: string): RoleNode | undefined => clusterRoles.get(name) ?? BUILTIN_CLUSTER_ROLES.get(name);
  const role = (namespace: string, name: string): RoleNode | undefined => roles.get(`${namespace}/${name}`);
  return {
    clusterRole,
    role,
    roleOf(binding) {
      if (binding.roleRef.kind === 'ClusterRole') {
        return clusterRole(binding.roleRef.name);
      }
      // A ClusterRoleBinding cannot refer to a Role; such a binding grants nothing.
      if (binding.roleRef.kind === 'Role' && binding.namespace !== undefined) {
        return role(binding.namespace, binding.roleRef.name);
      }
      return undefined;
    },
    rulesOf(node) {
      if (node.problem) {
        throw new InputError('input.invalid', `${describeRole(node)} is invalid: ${node.problem}`);
      }
      return compute(node);
    },
  };
}

/** The scan's RBAC model, built on first use and shared by every check (ctx.memo). */
export function rbacModel(ctx: Pick<CheckContext, 'inventory' | 'memo'>): RbacModel {
  return ctx.memo('rbac', () => buildRbacModel(ctx.inventory));
}

/* ------------------------------------------------------------------------------------------------
 * Grants: which rules of a binding give a permission, and to whom
 * --------------------------------------------------------------------------------------------- */

/** A permission a check looks for. */
export interface Permission extends ResourceRequest {
  /** The resource is cluster-scoped for this request, so only ClusterRoleBindings can grant it. */
  readonly clusterScoped?: boolean;
}

export interface Grant {
  readonly permission: Permission;
  readonly rule: GrantingRule;
}

export interface GrantOptions {
  /** Count rules limited by resourceNames (they grant the permission on the named objects). */
  readonly namedRules: boolean;
}

/** Every (permission, rule) pair by which a binding's rules grant one of the permissions. */
export function findGrants(
  binding: BindingView,
  rules: readonly GrantingRule[],
  permissions: readonly Permission[],
  options: GrantOptions,
): Grant[] {
  const grantsFound: Grant[] = [];
  for (const permission of permissions) {
    if (permission.clusterScoped && binding.kind === 'RoleBinding') {
      continue;
    }
    for (const granting of rules) {
      const allowed = options.namedRules
        ? grantsIgnoringNames(granting.rule, permission)
        : grants(granting.rule, permission);
      if (allowed) {
        grantsFound.push({ permission, rule: granting });
      }
    }
  }
  return grantsFound;
}

function permissionLabel(permission: Permission): string {
  let label = permission.resource;
  if (permission.anySubresource) {
    label += '/<any>';
  } else if (permission.subresource) {
    label += `/${permission.subresource}`;
  }
  return permission.group ? `${label}.${permission.group}` : label;
}

/**
 * 'get, list, watch secrets' or 'create pods, deployments.apps and update pods/ephemeralcontainers':
 * the permissions granted, grouped by identical verb sets, with name limits when a rule has them.
 */
export function describeGrantedPermissions(found: readonly Grant[]): string {
  const verbsByLabel = new Map<string, Set<string>>();
  for (const { permission, rule } of found) {
    let label = permissionLabel(permission);
    if (rule.rule.resourceNames.length > 0 && !(permission.name && rule.rule.resourceNames.includes(permission.name))) {
      label += ` named ${rule.rule.resourceNames.map((n) => `"${n}"`).join(', ')}`;
    }
    let verbs = verbsByLabel.get(label);
    if (!verbs) {
      verbs = new Set();
      verbsByLabel.set(label, verbs);
    }
    verbs.add(permission.verb);
  }
  const labelsByVerbs = new Map<string, string[]>();
  for (const [label, verbs] of verbsByLabel) {
    const key = [...verbs].join(', ');
    let labels = labelsByVerbs.get(key);
    if (!labels) {
      labels = [];
      labelsByVerbs.set(key, labels);
    }
    labels.push(label);
  }
  return [...labelsByVerbs].map(([verbs, labels]) => `${verbs} ${labels.join(', ')}`).join(' and ');
}

/** The distinct rules behind some grants, described and joined with ' and '. */
export function describeGrantingRules(found: readonly { readonly rule: GrantingRule }[]): string {
  const seen = new Set<string>();
  const texts: string[] = [];
  for (const { rule } of found) {
    const text = describeRule(rule);
    if (!seen.has(text)) {
      seen.add(text);
      texts.push(text);
    }
  }
  return texts.join(' and ');
}

/** Which bindings a grant check judges. */
export type BindingScope =
  /** Every RoleBinding and ClusterRoleBinding. */
  | 'any'
  /** ClusterRoleBindings, and RoleBindings in a system namespace (ctx.settings.systemNamespaces). */
  | 'cluster-or-system-namespace';

export interface BindingGrantCheck extends GrantOptions {
  readonly permissions: readonly Permission[];
  readonly where: BindingScope;
}

/**
 * The common evaluation of "binding gives a dangerous permission to a subject it should not":
 * not applicable for bindings of cluster-admin (cluster-admin-binding reports those, once) and for
 * bindings whose role is not among the scanned resources; pass when the binding is out of scope,
 * judges no subject, or grants none of the permissions; otherwise one violation per judged subject
 * (path 'subjects[i]') naming the permissions, the scope and the granting rules.
 */
export function evaluateBindingGrants(resource: Resource, ctx: CheckContext, check: BindingGrantCheck): CheckOutcome {
  const binding = bindingOf(resource, ctx);
  if (bindsClusterAdmin(binding)) {
    return notApplicable(CLUSTER_ADMIN_REPORTED);
  }
  if (
    check.where === 'cluster-or-system-namespace' &&
    binding.kind === 'RoleBinding' &&
    !isSystemNamespace(binding.namespace, ctx.settings)
  ) {
    return outcome([]);
  }
  const subjects = subjectsOfConcern(binding, ctx.settings);
  if (subjects.length === 0) {
    return outcome([]);
  }
  if (binding.kind === 'ClusterRoleBinding' && binding.roleRef.kind !== 'ClusterRole') {
    return outcome([]);
  }
  const model = rbacModel(ctx);
  const role = model.roleOf(binding);
  if (!role) {
    return notApplicable(
      `${binding.roleRef.kind} "${binding.roleRef.name}" is not among the scanned resources, so the rules it grants are unknown`,
    );
  }
  const found = findGrants(binding, model.rulesOf(role), check.permissions, check);
  if (found.length === 0) {
    return outcome([]);
  }
  const what = `${describeGrantedPermissions(found)} ${describeScope(binding)} through ${describeGrantingRules(found)}`;
  return outcome(
    subjects.map((subject) => ({
      path: subject.path,
      message: `${describeSubject(subject)} can ${what}`,
      actual: subjectActual(subject),
    })),
  );
}

/* ------------------------------------------------------------------------------------------------
 * OpenShift SecurityContextConstraints
 * --------------------------------------------------------------------------------------------- */

/** What an SCC may allow beyond the restricted profile. */
export const SCC_SETTINGS = [
  'allowPrivilegedContainer',
  'allowHostNetwork',
  'allowHostPID',
  'allowHostIPC',
  'allowHostPorts',
  'allowHostDirVolumePlugin',
  'hostPathVolumes',
  'runAsAnyUser',
  'runAsAnySELinuxContext',
  'dangerousCapabilities',
  'allowedUnsafeSysctls',
  'defaultAllowPrivilegeEscalation',
  'unconfinedSeccomp',
] as const;
export type SccSetting = (typeof SCC_SETTINGS)[number];

/** Settings that let a pod reach the host or run as any user: what makes an SCC privileged. */
const HOST_OR_ROOT_SETTINGS: ReadonlySet<SccSetting> = new Set([
  'allowPrivilegedContainer',
  'allowHostNetwork',
  'allowHostPID',
  'allowHostIPC',
  'allowHostPorts',
  'allowHostDirVolumePlugin',
  'hostPathVolumes',
  'runAsAnyUser',
  'runAsAnySELinuxContext',
  'dangerousCapabilities',
  'allowedUnsafeSysctls',
]);

/** Short text for each setting, for messages about who can use an SCC. */
export const SCC_SETTING_TEXT: Readonly<Record<SccSetting, string>> = {
  allowPrivilegedContainer: 'privileged containers',
  allowHostNetwork: 'host network',
  allowHostPID: 'host PID namespace',
  allowHostIPC: 'host IPC namespace',
  allowHostPorts: 'host ports',
  allowHostDirVolumePlugin: 'host directory volumes',
  hostPathVolumes: 'hostPath volumes',
  runAsAnyUser: 'any user ID including root',
  runAsAnySELinuxContext: 'any SELinux context',
  dangerousCapabilities: 'dangerous capabilities',
  allowedUnsafeSysctls: 'every unsafe sysctl',
  defaultAllowPrivilegeEscalation: 'privilege escalation by default',
  unconfinedSeccomp: 'unconfined seccomp',
};

/**
 * The SCCs OpenShift 4 ships, with the settings each is expected to allow. Read from the manifests
 * of openshift/cluster-kube-apiserver-operator (bindata/bootkube/scc-manifests),
 * openshift/cluster-monitoring-operator (node-exporter) and openshift/machine-api-operator
 * (machine-api-termination-handler). A default SCC is judged only on settings beyond these.
 *
 * | SCC                              | allows                                                                 |
 * | -------------------------------- | ---------------------------------------------------------------------- |
 * | privileged                       | everything                                                             |
 * | anyuid                           | runAsUser RunAsAny                                                     |
 * | hostaccess                       | host network, PID, IPC, ports; host directory and hostPath volumes     |
 * | hostmount-anyuid                 | host directory and hostPath volumes; runAsUser RunAsAny                |
 * | hostmount-anyuid-v2              | as hostmount-anyuid, plus seLinuxContext RunAsAny                      |
 * | hostnetwork, hostnetwork-v2      | host network and host ports                                            |
 * | node-exporter                    | host network, PID, ports, directory volumes (volumes default to '*');  |
 * |                                  | runAsUser and seLinuxContext RunAsAny                                  |
 * | machine-api-termination-handler  | host network; host directory and hostPath volumes; runAsUser RunAsAny  |
 * | nested-container                 | any seccomp profile                                                    |
 * | nested-podman, nonroot,          | nothing beyond restricted                                              |
 * | nonroot-v2, restricted,          |                                                                        |
 * | restricted-v2, restricted-v3     |                                                                        |
 */
export const DEFAULT_SCCS: ReadonlyMap<string, ReadonlySet<SccSetting>> = new Map<string, ReadonlySet<SccSetting>>([
  ['privileged', new Set(SCC_SETTINGS)],
  ['anyuid', new Set<SccSetting>(['runAsAnyUser'])],
  [
    'hostaccess',
    new Set<SccSetting>([
      'allowHostNetwork',
      'allowHostPID',
      'allowHostIPC',
      'allowHostPorts',
      'allowHostDirVolumePlugin',
      'hostPathVolumes',
    ]),
  ],
  ['hostmount-anyuid', new Set<SccSetting>(['allowHostDirVolumePlugin', 'hostPathVolumes', 'runAsAnyUser'])],
  [
    'hostmount-anyuid-v2',
    new Set<SccSetting>(['allowHostDirVolumePlugin', 'hostPathVolumes', 'runAsAnyUser', 'runAsAnySELinuxContext']),
  ],
  ['hostnetwork', new Set<SccSetting>(['allowHostNetwork', 'allowHostPorts'])],
  ['hostnetwork-v2', new Set<SccSetting>(['allowHostNetwork', 'allowHostPorts'])],
  [
    'node-exporter',
    new Set<SccSetting>([
      'allowHostNetwork',
      'allowHostPID',
      'allowHostPorts',
      'allowHostDirVolumePlugin',
      'hostPathVolumes',
      'runAsAnyUser',
      'runAsAnySELinuxContext',
    ]),
  ],
  [
    'machine-api-termination-handler',
    new Set<SccSetting>(['allowHostNetwork', 'allowHostDirVolumePlugin', 'hostPathVolumes', 'runAsAnyUser']),
  ],
  ['nested-container', new Set<SccSetting>(['unconfinedSeccomp'])],
  ['nested-podman', new Set<SccSetting>()],
  ['nonroot', new Set<SccSetting>()],
  ['nonroot-v2', new Set<SccSetting>()],
  ['restricted', new Set<SccSetting>()],
  ['restricted-v2', new Set<SccSetting>()],
  ['restricted-v3', new Set<SccSetting>()],
]);

/**
 * Capabilities that break container isolation or reach the host. Compared without a 'CAP_' prefix,
 * case-insensitively; settings.dangerousCapabilities adds to the list.
 */
export const DANGEROUS_CAPABILITIES: readonly string[] = [
  'ALL',
  'BPF',
  'DAC_READ_SEARCH',
  'MAC_ADMIN',
  'MAC_OVERRIDE',
  'NET_ADMIN',
  'NET_RAW',
  'PERFMON',
  'SYS_ADMIN',
  'SYS_BOOT',
  'SYS_MODULE',
  'SYS_PTRACE',
  'SYS_RAWIO',
  'SYS_TIME',
];

function capabilityName(value: string): string {
  const upper = value.toUpperCase();
  return upper.startsWith('CAP_') ? upper.slice(4) : upper;
}

/** One permissive setting of an SCC, with its field path. */
export interface SccFinding {
  readonly setting: SccSetting;
  readonly path: string;
  readonly message: string;
  readonly actual: unknown;
}

function readScc(resource: Resource): SccInput {
  const parsed = compileParser(SccSchema)(resource.object);
  if (!parsed.success) {
    throw new InputError(
      'input.invalid',
      `SecurityContextConstraints "${resource.name}" is invalid: ${issuesText(parsed.error)}`,
    );
  }
  return parsed.data;
}

const HOST_FLAGS: readonly [SccSetting & keyof SccInput, string][] = [
  ['allowPrivilegedContainer', 'allows privileged containers'],
  ['allowHostNetwork', 'allows pods to use the host network'],
  ['allowHostPID', 'allows pods to share the host PID namespace'],
  ['allowHostIPC', 'allows pods to share the host IPC namespace'],
  ['allowHostPorts', 'allows pods to bind host ports'],
  ['allowHostDirVolumePlugin', 'allows host directory (hostPath) volumes'],
];

/** Every permissive setting of an SCC, in field order. Throws an InputError when the SCC is malformed. */
export function sccFindings(resource: Resource, settings: CheckSettings): SccFinding[] {
  const scc = readScc(resource);
  const found: SccFinding[] = [];
  for (const [field, text] of HOST_FLAGS) {
    if (scc[field] === true) {
      found.push({ setting: field, path: field, message: `${field}: true ${text}`, actual: true });
    }
  }
  for (const [i, volume] of (scc.volumes ?? []).entries()) {
    if (volume === '*' || volume === 'hostPath') {
      found.push({
        setting: 'hostPathVolumes',
        path: `volumes[${i}]`,
        message:
          volume === '*'
            ? 'volumes lists "*", which allows every volume type, hostPath included'
            : 'volumes lists "hostPath", which allows mounting directories of the node',
        actual: volume,
      });
    }
  }
  if (scc.runAsUser?.type === 'RunAsAny') {
    found.push({
      setting: 'runAsAnyUser',
      path: 'runAsUser.type',
      message: 'runAsUser.type RunAsAny lets pods run as any user ID, including root',
      actual: 'RunAsAny',
    });
  }
  if (scc.seLinuxContext?.type === 'RunAsAny') {
    found.push({
      setting: 'runAsAnySELinuxContext',
      path: 'seLinuxContext.type',
      message: 'seLinuxContext.type RunAsAny lets pods choose any SELinux context, including spc_t',
      actual: 'RunAsAny',
    });
  }
  const dangerous = new Set([...DANGEROUS_CAPABILITIES, ...settings.dangerousCapabilities.map(capabilityName)]);
  for (const field of ['allowedCapabilities', 'defaultAddCapabilities'] as const) {
    for (const [i, capability] of (scc[field] ?? []).entries()) {
      const name = capabilityName(capability);
      if (capability === '*' || dangerous.has(name)) {
        found.push({
          setting: 'dangerousCapabilities',
          path: `${field}[${i}]`,
          message:
            capability === '*'
              ? `${field} lists "*", which allows every capability`
              : `${field} lists ${name}, a capability that weakens isolation from the host`,
          actual: capability,
        });
      }
    }
  }
  for (const [i, sysctl] of (scc.allowedUnsafeSysctls ?? []).entries()) {
    if (sysctl === '*') {
      found.push({
        setting: 'allowedUnsafeSysctls',
        path: `allowedUnsafeSysctls[${i}]`,
        message: 'allowedUnsafeSysctls lists "*", which allows every unsafe sysctl',
        actual: sysctl,
      });
    }
  }
  if (scc.defaultAllowPrivilegeEscalation === true) {
    found.push({
      setting: 'defaultAllowPrivilegeEscalation',
      path: 'defaultAllowPrivilegeEscalation',
      message: 'defaultAllowPrivilegeEscalation: true lets containers gain privileges unless they opt out',
      actual: true,
    });
  }
  for (const [i, profile] of (scc.seccompProfiles ?? []).entries()) {
    if (profile === '*' || profile === 'unconfined') {
      found.push({
        setting: 'unconfinedSeccomp',
        path: `seccompProfiles[${i}]`,
        message: `seccompProfiles lists "${profile}", which allows running without a seccomp filter`,
        actual: profile,
      });
    }
  }
  return found;
}

/** The settings an SCC allows beyond what OpenShift ships it with (all of them for a custom SCC). */
export function unexpectedSccFindings(resource: Resource, settings: CheckSettings): SccFinding[] {
  const expected = DEFAULT_SCCS.get(resource.name);
  const found = sccFindings(resource, settings);
  return expected ? found.filter((f) => !expected.has(f.setting)) : found;
}

/** The host-or-root settings an SCC allows, as short texts; empty when the SCC is not privileged. */
export function privilegedSccSettings(resource: Resource, settings: CheckSettings): SccSetting[] {
  const result: SccSetting[] = [];
  for (const finding of sccFindings(resource, settings)) {
    if (HOST_OR_ROOT_SETTINGS.has(finding.setting) && !result.includes(finding.setting)) {
      result.push(finding.setting);
    }
  }
  return result;
}

/**
 * The host-or-root settings of the SCC named `name`: read from the scan when it contains the SCC,
 * else from the default SCC table; undefined for an SCC the scan does not contain and OpenShift
 * does not ship.
 */
export function privilegedSettingsOfScc(
  name: string,
  inventory: Inventory,
  settings: CheckSettings,
): readonly SccSetting[] | undefined {
  const scc = inventory.get('SecurityContextConstraints', undefined, name);
  if (scc && scc.group === SCC_GROUP) {
    return privilegedSccSettings(scc, settings);
  }
  const expected = DEFAULT_SCCS.get(name);
  return expected ? SCC_SETTINGS.filter((s) => expected.has(s) && HOST_OR_ROOT_SETTINGS.has(s)) : undefined;
}

/**
 * The users and groups listed on an SCC itself, as subjects with field paths. A user written
 * "system:serviceaccount:<ns>:<name>" is that ServiceAccount.
 */
export function sccSubjects(resource: Resource): SubjectRef[] {
  const scc = readScc(resource);
  const subjects: SubjectRef[] = [];
  for (const [i, name] of (scc.users ?? []).entries()) {
    const [namespace, account, ...rest] = name.startsWith(SA_USER_PREFIX)
      ? name.slice(SA_USER_PREFIX.length).split(':')
      : [];
    subjects.push(
      namespace && account && rest.length === 0
        ? { kind: 'ServiceAccount', name: account, namespace, path: `users[${i}]` }
        : { kind: 'User', name, path: `users[${i}]` },
    );
  }
  for (const [i, name] of (scc.groups ?? []).entries()) {
    subjects.push({ kind: 'Group', name, path: `groups[${i}]` });
  }
  return subjects;
}
