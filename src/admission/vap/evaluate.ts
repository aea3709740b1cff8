/**
 * Evaluates loaded ValidatingAdmissionPolicies against one admission request, as the API server's
 * ValidatingAdmissionPolicy plugin does
 * (https://kubernetes.io/docs/reference/access-authn-authz/validating-admission-policy/):
 *
 * For each binding (name order) whose policy is loaded and whose policy matchConstraints and
 * binding matchResources both select the request:
 * 1. params: with a paramKind, the binding's paramRef picks the parameter objects of that
 *    apiVersion and kind: by name, or all matching `selector`; in `paramRef.namespace`, else (for
 *    a namespaced parameter kind, i.e. one loaded with namespaces) the request's namespace. None
 *    found: `parameterNotFoundAction: Allow` skips the binding, `Deny` is a configuration error.
 *    The policy is evaluated once per parameter object.
 * 2. matchConditions: all must be true, else the binding is skipped.
 * 3. validations: a false expression fails with messageExpression's result (when it is a
 *    non-blank single-line string), else `message`, else `failed expression: <expression>`;
 *    reason defaults to Invalid.
 * 4. auditAnnotations: `<policy name>/<key>` = the value; a null or empty value adds nothing.
 * A failure is enforced by every validationAction of the binding: Deny refuses the request
 * (`ValidatingAdmissionPolicy '<p>' with binding '<b>' denied request: <message>`; the response
 * carries the first denial, as the API server's does), Warn adds a warning
 * (`Validation failed for ValidatingAdmissionPolicy '<p>' with binding '<b>': <message>`),
 * Audit adds an entry to the `validation.policy.admission.k8s.io/validation_failure` audit
 * annotation (a JSON list of {message, policy, binding, expressionIndex, validationActions}).
 *
 * An expression that errors (in a match condition, validation or audit annotation) follows the
 * policy's failurePolicy: Fail (default) turns it into a failure enforced like the above with the
 * message `expression '<expr>' resulted in error: <error>`; Ignore drops it. A configuration
 * error (paramKind without paramRef, parameters not found with Deny) with Fail denies whatever
 * the validationActions. Every error is also listed in `errors`.
 *
 * CEL values: `object` and `oldObject` (null when absent; on CONNECT `object` is the options
 * object the request carries), `request` (the AdmissionRequest with absent strings as ''),
 * `params` (null without paramKind), `namespaceObject` (null for cluster-scoped requests; built
 * from the supplied namespace labels when no Namespace object is supplied), `variables` (each
 * evaluated at most once per evaluation, on first use). JSON numbers without a fraction are CEL
 * `int`, others `double` (the API server knows each field's type from its schema; offline the value
 * decides). `authorizer` is not available (see compile.ts).
 */
import type { AdmissionRequest, AdmissionStatus } from '../review.ts';
import type { CompiledExpression } from './compile.ts';
import type { LoadedBinding, LoadedPolicy, ParamObject, PolicySet } from './load.ts';
import { attributesOf, type Labels, type MatchAttributes, matchResourcesSelects, selectorMatches } from './match.ts';
import type { ValidationAction } from './schema.ts';

export const VALIDATION_FAILURE_ANNOTATION = 'validation.policy.admission.k8s.io/validation_failure';

export interface EvaluateOptions {
  /** The request namespace's labels and/or Namespace object (else taken from loaded Namespace objects). */
  readonly namespace?: { readonly labels?: Labels; readonly object?: unknown };
}

export interface PolicyDenial {
  readonly policy: string;
  readonly binding: string;
  /** The full message the API server returns. */
  readonly message: string;
  /** metav1.StatusReason: Invalid (default), Forbidden, Unauthorized, RequestEntityTooLarge. */
  readonly reason: string;
  /** HTTP code for the reason (422 Invalid, 403 Forbidden, 401 Unauthorized, 413 too large). */
  readonly code: number;
  /** Index in spec.validations, when a validation failed. */
  readonly expressionIndex?: number;
}

export interface PolicyError {
  readonly policy: string;
  readonly binding: string;
  /** Field path of the failing expression, or 'spec.paramRef' for configuration errors. */
  readonly path: string;
  readonly message: string;
  /** Whether the error was enforced (failurePolicy Fail) or ignored. */
  readonly enforced: boolean;
}

export interface PolicyEvaluation {
  readonly allowed: boolean;
  /** All denials, in evaluation order (the response shows the first). */
  readonly denials: readonly PolicyDenial[];
  /** The status of the first denial, when denied. */
  readonly status?: AdmissionStatus;
  readonly warnings: readonly string[];
  readonly auditAnnotations: Readonly<Record<string, string>>;
  readonly errors: readonly PolicyError[];
}

const REASON_CODES: Readonly<Record<string, number>> = {
  Unauthorized: 401,
  Forbidden: 403,
  RequestEntityTooLarge: 413,
  Invalid: 422,
};

/** Converts decoded JSON into CEL values: whole numbers become int (BigInt). */
export function toCelValue(value: unknown): unknown {
  if (typeof value === 'number') {
    return Number.isInteger(value) ? BigInt(value) : value;
  }
  if (Array.isArray(value)) {
    return value.map(toCelValue);
  }
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      out[key] = toCelValue(item);
    }
    return out;
  }
  return value === undefined ? null : value;
}

function requestValue(request: AdmissionRequest): Record<string, unknown> {
  const user = request.userInfo;
  return toCelValue({
    uid: request.uid,
    kind: request.kind,
    resource: request.resource,
    subResource: request.subResource ?? '',
    requestKind: request.requestKind ?? request.kind,
    requestResource: request.requestResource ?? request.resource,
    requestSubResource: request.requestSubResource ?? request.subResource ?? '',
    name: request.name ?? '',
    namespace: request.namespace ?? '',
    operation: request.operation,
    userInfo: {
      username: user.username ?? '',
      uid: user.uid ?? '',
      groups: user.groups ?? [],
      extra: user.extra ?? {},
    },
    dryRun: request.dryRun ?? false,
    options: request.options ?? null,
  }) as Record<string, unknown>;
}

function errorText(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return (text.split('\n')[0] ?? text).trim();
}

type Outcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: string };

function run(expr: CompiledExpression, activation: Record<string, unknown>): Outcome {
  try {
    return { ok: true, value: expr.program(activation) };
  } catch (err) {
    return { ok: false, error: errorText(err) };
  }
}

/** `variables`: each evaluated once, on first use; an error is raised on every use. */
function lazyVariables(policy: LoadedPolicy, activation: Record<string, unknown>): Record<string, unknown> {
  const variables: Record<string, unknown> = {};
  for (const { name, expression } of policy.variables) {
    let outcome: Outcome | undefined;
    Object.defineProperty(variables, name, {
      enumerable: true,
      get() {
        outcome ??= run(expression, activation);
        if (!outcome.ok) {
          throw new Error(`variable "${name}" failed: ${outcome.error}`);
        }
        return outcome.value;
      },
    });
  }
  return variables;
}

interface Context {
  readonly request: AdmissionRequest;
  readonly attrs: MatchAttributes;
  readonly namespaceLabels: Labels;
  readonly base: Readonly<Record<string, unknown>>;
  readonly set: PolicySet;
  readonly paramCache: Map<ParamObject, unknown>;
}

interface Collector {
  readonly denials: PolicyDenial[];
  readonly warnings: string[];
  readonly annotations: Record<string, string>;
  readonly auditFailures: {
    message: string;
    policy: string;
    binding: string;
    expressionIndex?: number;
    validationActions: ValidationAction[];
  }[];
  readonly errors: PolicyError[];
}

function denial(policy: string, binding: string, message: string, reason: string, index?: number): PolicyDenial {
  return {
    policy,
    binding,
    message: `ValidatingAdmissionPolicy '${policy}' with binding '${binding}' denied request: ${message}`,
    reason,
    code: REASON_CODES[reason] ?? 400,
    ...(index === undefined ? {} : { expressionIndex: index }),
  };
}

/** Applies a binding's validationActions to one failure. */
function enforce(
  out: Collector,
  policy: LoadedPolicy,
  binding: LoadedBinding,
  message: string,
  reason: string,
  index: number | undefined,
): void {
  const actions = binding.binding.spec.validationActions;
  for (const action of actions) {
    if (action === 'Deny') {
      out.denials.push(denial(policy.name, binding.name, message, reason, index));
    } else if (action === 'Warn') {
      out.warnings.push(
        `Validation failed for ValidatingAdmissionPolicy '${policy.name}' with binding '${binding.name}': ${message}`,
      );
    } else {
      out.auditFailures.push({
        message,
        policy: policy.name,
        binding: binding.name,
        ...(index === undefined ? {} : { expressionIndex: index }),
        validationActions: [...actions],
      });
    }
  }
}

/** An expression error under the policy's failurePolicy. */
function expressionError(
  out: Collector,
  policy: LoadedPolicy,
  binding: LoadedBinding,
  expr: CompiledExpression,
  error: string,
  index?: number,
): void {
  const enforced = policy.policy.spec.failurePolicy === 'Fail';
  const message = `expression '${expr.expression.trim()}' resulted in error: ${error}`;
  out.errors.push({ policy: policy.name, binding: binding.name, path: expr.path, message, enforced });
  if (enforced) {
    enforce(out, policy, binding, message, 'Invalid', index);
  }
}

/** A configuration error: with Fail it denies whatever the validationActions. */
function configError(out: Collector, policy: LoadedPolicy, binding: LoadedBinding, problem: string): void {
  const enforced = policy.policy.spec.failurePolicy === 'Fail';
  const message = `failed to configure binding: ${problem}`;
  out.errors.push({ policy: policy.name, binding: binding.name, path: 'spec.paramRef', message, enforced });
  if (enforced) {
    out.denials.push(denial(policy.name, binding.name, message, 'Invalid'));
  }
}

/** The parameter objects a binding selects, or a configuration problem. */
function resolveParams(
  ctx: Context,
  policy: LoadedPolicy,
  binding: LoadedBinding,
): { readonly params: readonly ParamObject[] } | { readonly problem: string } | 'skip' {
  const paramKind = policy.policy.spec.paramKind;
  const ref = binding.binding.spec.paramRef;
  if (!paramKind) {
    return { params: [] };
  }
  if (!ref) {
    return { problem: `policy "${policy.name}" has a paramKind but the binding has no paramRef` };
  }
  const ofKind = ctx.set.objects.filter((o) => o.apiVersion === paramKind.apiVersion && o.kind === paramKind.kind);
  const namespaced = ofKind.some((o) => o.namespace !== undefined);
  let namespace: string | undefined;
  if (ref.namespace) {
    namespace = ref.namespace;
  } else if (namespaced) {
    if (ctx.attrs.namespace === '' || ctx.attrs.isNamespace) {
      return {
        problem: 'paramRef.namespace is required for a namespaced paramKind when the request is cluster-scoped',
      };
    }
    namespace = ctx.attrs.namespace;
  }
  const inScope = ofKind.filter((o) => o.namespace === namespace);
  const params = ref.name
    ? inScope.filter((o) => o.name === ref.name)
    : inScope.filter((o) => selectorMatches(ref.selector ?? {}, o.labels));
  if (params.length > 0) {
    return { params };
  }
  return ref.parameterNotFoundAction === 'Allow'
    ? 'skip'
    : { problem: 'no params found for policy binding with `Deny` parameterNotFoundAction' };
}

function messageFor(
  out: Collector,
  policy: LoadedPolicy,
  binding: LoadedBinding,
  validation: LoadedPolicy['validations'][number],
  activation: Record<string, unknown>,
): string {
  if (validation.messageExpression) {
    const result = run(validation.messageExpression, activation);
    if (result.ok && typeof result.value === 'string' && result.value.trim() !== '' && !/[\r\n]/.test(result.value)) {
      return result.value;
    }
    out.errors.push({
      policy: policy.name,
      binding: binding.name,
      path: validation.messageExpression.path,
      message: result.ok
        ? 'messageExpression did not give a non-blank single-line string; message was used instead'
        : `messageExpression failed: ${result.error}; message was used instead`,
      enforced: false,
    });
  }
  return validation.message ?? `failed expression: ${validation.expression.expression.trim()}`;
}

function evaluateBinding(
  ctx: Context,
  out: Collector,
  policy: LoadedPolicy,
  binding: LoadedBinding,
  params: unknown,
): void {
  const activation: Record<string, unknown> = { ...ctx.base, params };
  activation.variables = lazyVariables(policy, activation);
  for (const condition of policy.matchConditions) {
    const result = run(condition.expression, activation);
    if (!result.ok) {
      expressionError(out, policy, binding, condition.expression, result.error);
      return;
    }
    if (result.value !== true) {
      return;
    }
  }
  for (const validation of policy.validations) {
    const result = run(validation.expression, activation);
    if (!result.ok) {
      expressionError(out, policy, binding, validation.expression, result.error, validation.index);
      continue;
    }
    if (result.value === true) {
      continue;
    }
    if (result.value !== false) {
      expressionError(out, policy, binding, validation.expression, 'expression did not give a bool', validation.index);
      continue;
    }
    const message = messageFor(out, policy, binding, validation, activation);
    enforce(out, policy, binding, message, validation.reason, validation.index);
  }
  for (const annotation of policy.auditAnnotations) {
    const result = run(annotation.value, activation);
    if (!result.ok) {
      expressionError(out, policy, binding, annotation.value, result.error);
      continue;
    }
    if (result.value === null || result.value === '') {
      continue;
    }
    if (typeof result.value !== 'string') {
      expressionError(out, policy, binding, annotation.value, 'valueExpression did not give a string or null');
      continue;
    }
    const key = `${policy.name}/${annotation.key}`;
    out.annotations[key] ??= result.value;
  }
}

function namespaceContext(
  request: AdmissionRequest,
  attrs: MatchAttributes,
  set: PolicySet,
  options: EvaluateOptions,
): { labels: Labels; object: unknown } {
  if (attrs.namespace === '' || attrs.isNamespace) {
    return { labels: {}, object: null };
  }
  const loaded = set.objects.find((o) => o.kind === 'Namespace' && o.apiVersion === 'v1' && o.name === attrs.namespace);
  const given = options.namespace?.object ?? loaded?.object;
  // The API server labels every namespace with its name (Kubernetes 1.22+).
  const labels: Labels = {
    'kubernetes.io/metadata.name': attrs.namespace,
    ...(given === undefined ? {} : labelsFromObject(given)),
    ...(options.namespace?.labels ?? {}),
  };
  const object = given ?? {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: request.namespace, labels },
  };
  return { labels, object };
}

function labelsFromObject(object: unknown): Labels {
  const metadata = (object as { metadata?: { labels?: unknown } } | null)?.metadata;
  const labels = metadata?.labels;
  if (typeof labels !== 'object' || labels === null) {
    return {};
  }
  return Object.fromEntries(Object.entries(labels).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

/** Evaluates every binding of the set against the request. Never throws on policy or input content. */
export function evaluatePolicies(
  set: PolicySet,
  request: AdmissionRequest,
  options: EvaluateOptions = {},
): PolicyEvaluation {
  const attrs = attributesOf(request);
  const ns = namespaceContext(request, attrs, set, options);
  const ctx: Context = {
    request,
    attrs,
    namespaceLabels: ns.labels,
    set,
    paramCache: new Map(),
    base: {
      object: toCelValue(request.object ?? null),
      oldObject: toCelValue(request.oldObject ?? null),
      request: requestValue(request),
      namespaceObject: toCelValue(ns.object),
    },
  };
  const out: Collector = { denials: [], warnings: [], annotations: {}, auditFailures: [], errors: [] };
  for (const binding of set.bindings) {
    const policy = set.policies.get(binding.binding.spec.policyName);
    if (!policy) {
      continue;
    }
    if (!matchResourcesSelects(policy.policy.spec.matchConstraints, attrs, ns.labels)) {
      continue;
    }
    const bindingMatch = binding.binding.spec.matchResources;
    if (bindingMatch && !matchResourcesSelects(bindingMatch, attrs, ns.labels)) {
      continue;
    }
    const resolved = resolveParams(ctx, policy, binding);
    if (resolved === 'skip') {
      continue;
    }
    if ('problem' in resolved) {
      configError(out, policy, binding, resolved.problem);
      continue;
    }
    if (!policy.policy.spec.paramKind) {
      evaluateBinding(ctx, out, policy, binding, null);
      continue;
    }
    for (const param of resolved.params) {
      let value = ctx.paramCache.get(param);
      if (value === undefined) {
        value = toCelValue(param.object);
        ctx.paramCache.set(param, value);
      }
      evaluateBinding(ctx, out, policy, binding, value);
    }
  }
  const auditAnnotations: Record<string, string> = { ...out.annotations };
  if (out.auditFailures.length > 0) {
    auditAnnotations[VALIDATION_FAILURE_ANNOTATION] = JSON.stringify(out.auditFailures);
  }
  const first = out.denials[0];
  return {
    allowed: out.denials.length === 0,
    denials: out.denials,
    ...(first ? { status: { code: first.code, message: first.message, reason: first.reason } } : {}),
    warnings: out.warnings,
    auditAnnotations,
    errors: out.errors,
  };
}
