/**
 * Unauthenticated requests must be granted nothing beyond health, version and discovery
 * information and reviews of their own permissions.
 * Reads: (Cluster)RoleBinding roleRef and subjects; the effective rules of the bound role
 *   (aggregated ClusterRoles included) from the scan's RBAC model.
 * Judged subjects: User "system:anonymous" and Group "system:unauthenticated", in every binding,
 *   bootstrap defaults included (they are judged by what they grant, not by who created them).
 * Allowed: bindings whose every rule is harmless, that is, within one of these (HARMLESS below):
 * - get or head on non-resource URLs in HARMLESS_URLS: health, version, API discovery, OpenAPI and
 *   OIDC/OAuth metadata (system:public-info-viewer, system:discovery,
 *   system:service-account-issuer-discovery, OpenShift cluster-status and system:openshift:discovery);
 * - create on selfsubjectaccessreviews and selfsubjectrulesreviews (authorization.k8s.io),
 *   selfsubjectreviews (authentication.k8s.io) and selfsubjectrulesreviews (authorization.openshift.io
 *   and legacy ""): "what may I do" (system:basic-user, OpenShift self-access-reviewer);
 * - get or create on buildconfigs/webhooks (build.openshift.io, ""): OpenShift build webhooks,
 *   which authenticate by the secret in their URL (system:webhook);
 * - delete on oauthaccesstokens and oauthauthorizetokens (oauth.openshift.io, ""): logout, since
 *   deleting a token requires knowing it (system:oauth-token-deleter);
 * - impersonate on userextras/scopes.authorization.openshift.io (authentication.k8s.io): it only
 *   narrows a request that already impersonates a user (system:scope-impersonation);
 * - get on configmaps named "cluster-info" (core), bound by a RoleBinding in kube-public: kubeadm's
 *   public CA bundle and API server address for node TLS bootstrap.
 * A rule is harmless when every verb, group × resource pair and URL it grants is in one entry; any
 * "*" makes it harmful. When the bound role is not among the scanned resources, the binding passes
 * only if the role is one of the defaults above (KNOWN_HARMLESS_ROLES); otherwise it fails, since
 * what anonymous users can do cannot be shown to be harmless.
 * One violation per anonymous subject at 'subjects[i]', naming the harmful rules.
 * Source: Kubernetes "Anonymous requests" and RBAC "Discovery roles"; OpenShift bootstrap policy
 *   (openshift/openshift-apiserver pkg/bootstrappolicy); CIS Kubernetes 1.2.1 (anonymous-auth).
 */
import type { Resource } from '#core';
import { defineCheck, outcome } from '../../../check.ts';
import {
  type BindingView,
  bindingOf,
  classifySubject,
  describeGrantingRules,
  describeScope,
  describeSubject,
  type GrantingRule,
  type PolicyRule,
  RBAC_GROUP,
  rbacModel,
  subjectActual,
} from '../../../lib/rbac.ts';

const HARMLESS_URLS: ReadonlySet<string> = new Set([
  '/',
  '/healthz',
  '/healthz/',
  '/healthz/*',
  '/livez',
  '/livez/*',
  '/readyz',
  '/readyz/*',
  '/version',
  '/version/',
  '/version/*',
  '/api',
  '/api/*',
  '/apis',
  '/apis/*',
  '/openapi',
  '/openapi/*',
  '/openapi/v2',
  '/openapi/v3',
  '/openapi/v3/*',
  '/.well-known',
  '/.well-known/*',
  '/.well-known/openid-configuration',
  '/.well-known/openid-configuration/',
  '/.well-known/oauth-authorization-server',
  '/openid/v1/jwks',
  '/oapi',
  '/oapi/*',
  '/osapi',
  '/osapi/',
  '/swaggerapi',
  '/swaggerapi/*',
  '/swagger.json',
  '/swagger-2.0.0.pb-v1',
]);

const HARMLESS_URL_VERBS: ReadonlySet<string> = new Set(['get', 'head']);

interface HarmlessResourceRule {
  readonly verbs: ReadonlySet<string>;
  /** 'group/resource' pairs ('' group written as '/resource'). */
  readonly pairs: ReadonlySet<string>;
  /** When set, the rule must be limited to these names. */
  readonly names?: ReadonlySet<string>;
  /** When set, only bindings in this namespace. */
  readonly namespace?: string;
}

const HARMLESS: readonly HarmlessResourceRule[] = [
  {
    verbs: new Set(['create']),
    pairs: new Set([
      'authorization.k8s.io/selfsubjectaccessreviews',
      'authorization.k8s.io/selfsubjectrulesreviews',
      'authentication.k8s.io/selfsubjectreviews',
      'authorization.openshift.io/selfsubjectrulesreviews',
      '/selfsubjectrulesreviews',
    ]),
  },
  {
    verbs: new Set(['get', 'create']),
    pairs: new Set(['build.openshift.io/buildconfigs/webhooks', '/buildconfigs/webhooks']),
  },
  {
    verbs: new Set(['delete']),
    pairs: new Set([
      'oauth.openshift.io/oauthaccesstokens',
      'oauth.openshift.io/oauthauthorizetokens',
      '/oauthaccesstokens',
      '/oauthauthorizetokens',
    ]),
  },
  {
    verbs: new Set(['impersonate']),
    pairs: new Set(['authentication.k8s.io/userextras/scopes.authorization.openshift.io']),
  },
  {
    verbs: new Set(['get']),
    pairs: new Set(['/configmaps']),
    names: new Set(['cluster-info']),
    namespace: 'kube-public',
  },
];

/** Default roles made only of harmless rules, for bindings whose role the scan does not contain. */
const KNOWN_HARMLESS_ROLES: ReadonlySet<string> = new Set([
  'ClusterRole/system:public-info-viewer',
  'ClusterRole/system:discovery',
  'ClusterRole/system:basic-user',
  'ClusterRole/system:service-account-issuer-discovery',
  'ClusterRole/system:openshift:discovery',
  'ClusterRole/cluster-status',
  'ClusterRole/self-access-reviewer',
  'ClusterRole/system:webhook',
  'ClusterRole/system:oauth-token-deleter',
  'ClusterRole/system:scope-impersonation',
  'Role/kube-public/kubeadm:bootstrap-signer-clusterinfo',
]);

function subsetOf(values: readonly string[], allowed: ReadonlySet<string>): boolean {
  return values.every((v) => allowed.has(v));
}

function isHarmless(rule: PolicyRule, binding: BindingView): boolean {
  if (rule.verbs.length === 0) {
    return true;
  }
  if (rule.resources.length === 0) {
    return subsetOf(rule.verbs, HARMLESS_URL_VERBS) && subsetOf(rule.nonResourceURLs, HARMLESS_URLS);
  }
  if (rule.nonResourceURLs.length > 0) {
    return false;
  }
  return HARMLESS.some((entry) => {
    if (!subsetOf(rule.verbs, entry.verbs)) {
      return false;
    }
    if (entry.namespace !== undefined && (binding.kind !== 'RoleBinding' || binding.namespace !== entry.namespace)) {
      return false;
    }
    if (entry.names && (rule.resourceNames.length === 0 || !subsetOf(rule.resourceNames, entry.names))) {
      return false;
    }
    return rule.apiGroups.every((group) => rule.resources.every((resource) => entry.pairs.has(`${group}/${resource}`)));
  });
}

export const anonymousAccessBinding = defineCheck<Resource>({
  meta: {
    id: 'PAL-K8S-0204',
    slug: 'anonymous-access-binding',
    title: 'Binding grants permissions to unauthenticated users',
    description:
      'Requests without credentials are authenticated as system:anonymous in group system:unauthenticated when anonymous authentication is on (the default). Anything bound to them is open to everyone who can reach the API server, with no identity to audit.',
    severity: 'critical',
    maturity: 'stable',
    targets: [
      { kind: 'ClusterRoleBinding', apiGroup: RBAC_GROUP },
      { kind: 'RoleBinding', apiGroup: RBAC_GROUP },
    ],
    scope: 'cluster',
    admission: false,
    frameworks: [
      { framework: 'mitre-attack-containers', control: 'T1078.001' },
      { framework: 'mitre-attack-containers', control: 'T1133' },
      { framework: 'mcsb-v1', control: 'PA-7' },
    ],
    remediation: {
      summary:
        'Remove system:anonymous and system:unauthenticated from the binding and bind an authenticated identity instead.',
      command: 'kubectl edit clusterrolebinding <binding-name>',
    },
    references: [
      'https://kubernetes.io/docs/reference/access-authn-authz/authentication/#anonymous-requests',
      'https://kubernetes.io/docs/reference/access-authn-authz/rbac/#discovery-roles',
      'https://kubernetes.io/docs/concepts/security/rbac-good-practices/',
    ],
  },
  evaluate(resource, ctx) {
    const binding = bindingOf(resource, ctx);
    const anonymous = binding.subjects.filter((s) => classifySubject(s, ctx.settings) === 'anonymous');
    if (anonymous.length === 0) {
      return outcome([]);
    }
    if (binding.kind === 'ClusterRoleBinding' && binding.roleRef.kind !== 'ClusterRole') {
      return outcome([]);
    }
    const model = rbacModel(ctx);
    const role = model.roleOf(binding);
    let harmful: string;
    if (role) {
      const rules: GrantingRule[] = model.rulesOf(role).filter((granting) => !isHarmless(granting.rule, binding));
      if (rules.length === 0) {
        return outcome([]);
      }
      harmful = `through ${describeGrantingRules(rules.map((rule) => ({ rule })))}`;
    } else {
      const key =
        binding.roleRef.kind === 'Role'
          ? `Role/${binding.namespace ?? ''}/${binding.roleRef.name}`
          : `${binding.roleRef.kind}/${binding.roleRef.name}`;
      if (KNOWN_HARMLESS_ROLES.has(key)) {
        return outcome([]);
      }
      harmful = `through ${binding.roleRef.kind} "${binding.roleRef.name}", whose rules are not among the scanned resources`;
    }
    return outcome(
      anonymous.map((subject) => ({
        path: subject.path,
        message: `${describeSubject(subject)} is granted more than health, version and discovery access ${describeScope(binding)} ${harmful}`,
        actual: subjectActual(subject),
      })),
    );
  },
});
