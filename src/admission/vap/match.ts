/**
 * Which requests a policy's matchConstraints and a binding's matchResources select, as the API
 * server decides it (https://kubernetes.io/docs/reference/access-authn-authz/validating-admission-policy/
 * and the MatchResources reference):
 * - namespaceSelector: a cluster-scoped request other than a Namespace is always selected; a
 *   Namespace request is judged on the Namespace's own labels (object, or oldObject on DELETE);
 *   any other request on its namespace's labels. An empty or absent selector selects everything.
 * - objectSelector: selected when the labels of `object` or of `oldObject` match; an absent
 *   object, or one without metadata (the options object of a CONNECT), matches nothing.
 * - excludeResourceRules: any match excludes. resourceRules: absent or empty selects every
 *   resource (only a binding may leave it empty; a policy must list rules).
 * - A rule matches when operation, API group, API version, resource/subresource, resourceNames
 *   and scope all match: `*` in operations, apiGroups and apiVersions matches any; resource `*`
 *   matches every resource but no subresource, `*\/*` everything, `pods/*` pods and all its
 *   subresources, `*\/scale` the scale subresource of any resource. Scope `Cluster` selects
 *   requests without a namespace and Namespace objects, `Namespaced` the others.
 * - matchPolicy: `Exact` matches the request's own group/version/resource only. `Equivalent`
 *   (the default) also matches when the request would match at another version of the same
 *   group and resource: the API server converts the object to the version the rule names and
 *   evaluates that; offline there is no converter, so the object is evaluated as sent. The
 *   AdmissionReview's `resource` (the version a webhook was sent) is tried as well as
 *   `requestResource` (the version the client used). Renamed groups (extensions → apps), which
 *   the API server's equivalence table also covers, are not.
 */
import type { AdmissionRequest } from '../review.ts';
import type { LabelSelector, MatchResources, NamedRuleWithOperations } from './schema.ts';

export type Labels = Readonly<Record<string, string>>;

interface GroupVersionResource {
  readonly group: string;
  readonly version: string;
  readonly resource: string;
}

/** The request facts matching reads. */
export interface MatchAttributes {
  readonly operation: string;
  /** The resource as the client requested it (requestResource, else resource). */
  readonly resource: GroupVersionResource;
  /** The resource of the AdmissionReview when it differs (a converted webhook request). */
  readonly alternative?: GroupVersionResource;
  readonly subResource: string;
  readonly name: string;
  readonly namespace: string;
  /** Labels of `object`; undefined when there is no object with metadata (DELETE, CONNECT options). */
  readonly objectLabels: Labels | undefined;
  readonly oldObjectLabels: Labels | undefined;
  readonly isNamespace: boolean;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An object's metadata.labels (string values only); {} when absent. */
export function labelsOf(object: unknown): Labels {
  if (!isRecord(object) || !isRecord(object.metadata) || !isRecord(object.metadata.labels)) {
    return {};
  }
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(object.metadata.labels)) {
    if (typeof value === 'string') {
      out[key] = value;
    }
  }
  return out;
}

function hasMetadata(object: unknown): boolean {
  return isRecord(object) && isRecord(object.metadata);
}

export function attributesOf(request: AdmissionRequest): MatchAttributes {
  const resource = request.requestResource ?? request.resource;
  const same =
    resource.group === request.resource.group &&
    resource.version === request.resource.version &&
    resource.resource === request.resource.resource;
  return {
    operation: request.operation,
    resource,
    ...(same ? {} : { alternative: request.resource }),
    subResource: request.requestSubResource ?? request.subResource ?? '',
    name: request.name ?? '',
    namespace: request.namespace ?? '',
    objectLabels: hasMetadata(request.object) ? labelsOf(request.object) : undefined,
    oldObjectLabels: hasMetadata(request.oldObject) ? labelsOf(request.oldObject) : undefined,
    isNamespace: resource.group === '' && resource.resource === 'namespaces',
  };
}

/** True when the selector is absent or has no requirement (selects everything). */
export function selectorIsEmpty(selector: LabelSelector | null | undefined): boolean {
  return (
    !selector ||
    (Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0)
  );
}

/** Label selector semantics of metav1.LabelSelector: every matchLabels entry and expression must hold. */
export function selectorMatches(selector: LabelSelector | null | undefined, labels: Labels): boolean {
  if (!selector) {
    return true;
  }
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[key] !== value) {
      return false;
    }
  }
  for (const requirement of selector.matchExpressions ?? []) {
    const present = Object.hasOwn(labels, requirement.key);
    const value = labels[requirement.key];
    const values = requirement.values ?? [];
    switch (requirement.operator) {
      case 'In':
        if (!present || value === undefined || !values.includes(value)) {
          return false;
        }
        break;
      case 'NotIn':
        if (present && value !== undefined && values.includes(value)) {
          return false;
        }
        break;
      case 'Exists':
        if (!present) {
          return false;
        }
        break;
      case 'DoesNotExist':
        if (present) {
          return false;
        }
        break;
    }
  }
  return true;
}

function listMatches(list: readonly string[], value: string): boolean {
  return list.includes('*') || list.includes(value);
}

function resourceMatches(entries: readonly string[], resource: string, subResource: string): boolean {
  for (const entry of entries) {
    const slash = entry.indexOf('/');
    const res = slash < 0 ? entry : entry.slice(0, slash);
    const sub = slash < 0 ? '' : entry.slice(slash + 1);
    if ((res === '*' || res === resource) && (sub === '*' || sub === subResource)) {
      return true;
    }
  }
  return false;
}

function scopeMatches(rule: NamedRuleWithOperations, attrs: MatchAttributes): boolean {
  const clusterScoped = attrs.isNamespace || attrs.namespace === '';
  switch (rule.scope) {
    case 'Cluster':
      return clusterScoped;
    case 'Namespaced':
      return !clusterScoped;
    default:
      return true;
  }
}

function ruleMatches(
  rule: NamedRuleWithOperations,
  attrs: MatchAttributes,
  gvr: GroupVersionResource,
  anyVersion: boolean,
): boolean {
  return (
    listMatches(rule.operations, attrs.operation) &&
    listMatches(rule.apiGroups, gvr.group) &&
    (anyVersion || listMatches(rule.apiVersions, gvr.version)) &&
    resourceMatches(rule.resources, gvr.resource, attrs.subResource) &&
    (!rule.resourceNames || rule.resourceNames.length === 0 || rule.resourceNames.includes(attrs.name)) &&
    scopeMatches(rule, attrs)
  );
}

/** True when one of the rules selects the request under the match policy. */
export function rulesMatch(
  rules: readonly NamedRuleWithOperations[],
  attrs: MatchAttributes,
  matchPolicy: 'Exact' | 'Equivalent',
): boolean {
  const candidates = [attrs.resource];
  if (matchPolicy === 'Equivalent' && attrs.alternative) {
    candidates.push(attrs.alternative);
  }
  for (const rule of rules) {
    for (const gvr of candidates) {
      if (ruleMatches(rule, attrs, gvr, false)) {
        return true;
      }
      if (matchPolicy === 'Equivalent' && ruleMatches(rule, attrs, gvr, true)) {
        return true;
      }
    }
  }
  return false;
}

/** Whether the namespaceSelector selects the request, given its namespace's labels. */
export function namespaceSelected(
  selector: LabelSelector | null | undefined,
  attrs: MatchAttributes,
  namespaceLabels: Labels,
): boolean {
  if (selectorIsEmpty(selector)) {
    return true;
  }
  if (attrs.isNamespace) {
    const own = attrs.operation === 'DELETE' ? attrs.oldObjectLabels : attrs.objectLabels;
    return selectorMatches(selector, own ?? {});
  }
  if (attrs.namespace === '') {
    return true;
  }
  return selectorMatches(selector, namespaceLabels);
}

/** Whether a MatchResources (policy constraints or binding) selects the request. */
export function matchResourcesSelects(match: MatchResources, attrs: MatchAttributes, namespaceLabels: Labels): boolean {
  if (!namespaceSelected(match.namespaceSelector, attrs, namespaceLabels)) {
    return false;
  }
  if (
    !selectorIsEmpty(match.objectSelector) &&
    !(attrs.objectLabels !== undefined && selectorMatches(match.objectSelector, attrs.objectLabels)) &&
    !(attrs.oldObjectLabels !== undefined && selectorMatches(match.objectSelector, attrs.oldObjectLabels))
  ) {
    return false;
  }
  if (match.excludeResourceRules && rulesMatch(match.excludeResourceRules, attrs, match.matchPolicy)) {
    return false;
  }
  if (!match.resourceRules || match.resourceRules.length === 0) {
    return true;
  }
  return rulesMatch(match.resourceRules, attrs, match.matchPolicy);
}
