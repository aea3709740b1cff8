/**
 * Compiles every CEL expression of a ValidatingAdmissionPolicy once, with the variables the API
 * server declares for admission policies (`object`, `oldObject`, `request`, `params`,
 * `namespaceObject`, `variables`) and the Kubernetes CEL libraries (library.ts).
 * Optional types (`object.?metadata.?labels`) are enabled, as in Kubernetes 1.29+.
 *
 * A policy with any expression that does not parse or type-check is refused as a whole (the API
 * server would refuse to run it too); the error names the expression's field path
 * (`spec.validations[2].expression`) and the CEL message. `authorizer` and
 * `authorizer.requestResource` are not provided offline: a policy that reads them is refused with
 * a message saying so. A `variables.<name>` reference must name a variable declared earlier in
 * `spec.variables` (for a variable) or anywhere in it (for the other expressions).
 */
import { Environment } from '@marcbachmann/cel-js';
import { rewriteCelIdentifiers } from '#core';
import { registerKubernetesLibrary } from './library.ts';
import type { ValidatingAdmissionPolicy } from './schema.ts';

/** A compiled CEL program: call it with an activation. */
export type Program = (activation: Record<string, unknown>) => unknown;

export interface CompiledExpression {
  /** The expression as written. */
  readonly expression: string;
  /** Field path in the policy: 'spec.validations[0].expression'. */
  readonly path: string;
  readonly program: Program;
}

export interface CompiledValidation {
  readonly index: number;
  readonly expression: CompiledExpression;
  readonly message?: string;
  readonly messageExpression?: CompiledExpression;
  readonly reason: string;
}

export interface CompiledPolicyExpressions {
  readonly matchConditions: readonly { readonly name: string; readonly expression: CompiledExpression }[];
  readonly variables: readonly { readonly name: string; readonly expression: CompiledExpression }[];
  readonly validations: readonly CompiledValidation[];
  readonly auditAnnotations: readonly { readonly key: string; readonly value: CompiledExpression }[];
}

/** Thrown by compilePolicyExpressions: which expression failed and why. */
export class PolicyCompileError extends Error {
  readonly path: string;
  readonly expression: string;
  constructor(path: string, expression: string, message: string) {
    super(`${path}: ${message}`);
    this.name = 'PolicyCompileError';
    this.path = path;
    this.expression = expression;
  }
}

export const POLICY_VARIABLES = ['object', 'oldObject', 'request', 'params', 'namespaceObject', 'variables'] as const;

let shared: Environment | undefined;

/** The one CEL environment for admission policies (creating one is costly). */
export function policyEnvironment(): Environment {
  if (!shared) {
    const env = new Environment({ homogeneousAggregateLiterals: false, enableOptionalTypes: true });
    registerKubernetesLibrary(env);
    for (const name of POLICY_VARIABLES) {
      env.registerVariable(name, 'dyn');
    }
    shared = env;
  }
  return shared;
}

function celMessage(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  // cel-js appends a source excerpt after a blank line; the first line is the message.
  return (text.split('\n')[0] ?? text).trim();
}

const VARIABLE_REF = /\bvariables\s*\.\s*(?<name>[A-Za-z_][A-Za-z0-9_]*)/g;

type Expected = 'bool' | 'string' | 'string-or-null' | 'any';

const ACCEPTED: Readonly<Record<Expected, readonly string[] | undefined>> = {
  bool: ['bool', 'dyn'],
  string: ['string', 'dyn'],
  'string-or-null': ['string', 'dyn', 'null_type', 'null'],
  any: undefined,
};

/**
 * `null` literals written as `dyn(null)`, outside string literals and field names. cel-go lets a
 * conditional join a string and null (`cond ? 'text' : null`, the Kubernetes documentation's own
 * auditAnnotations example); cel-js requires both branches to have one type, and `dyn(null)`
 * gives the same value with a type that joins anything. Used only when type-checking fails on
 * such a conditional.
 */
export function relaxNullLiterals(expression: string): string {
  return rewriteCelIdentifiers(expression, (word) => (word === 'null' ? 'dyn(null)' : undefined));
}

function compileOne(
  env: Environment,
  expression: string,
  path: string,
  expected: Expected,
  knownVariables: ReadonlySet<string>,
): CompiledExpression {
  let parsed: ReturnType<Environment['parse']>;
  try {
    parsed = env.parse(expression);
  } catch (err) {
    throw new PolicyCompileError(path, expression, `CEL syntax error: ${celMessage(err)}`);
  }
  let checked = parsed.check();
  if (!checked.valid && (checked.error as { code?: string }).code === 'incompatible_ternary_branches') {
    const relaxed = env.parse(relaxNullLiterals(expression));
    const again = relaxed.check();
    if (again.valid) {
      parsed = relaxed;
      checked = again;
    }
  }
  if (!checked.valid) {
    const message = celMessage(checked.error);
    if (/Unknown variable: authorizer\b/.test(message)) {
      throw new PolicyCompileError(
        path,
        expression,
        'uses the authorizer variable, which offline evaluation cannot provide (it needs the cluster’s authorization)',
      );
    }
    throw new PolicyCompileError(path, expression, `CEL type error: ${message}`);
  }
  const accepted = ACCEPTED[expected];
  const type = checked.type ?? 'dyn';
  if (accepted && !accepted.includes(type)) {
    throw new PolicyCompileError(
      path,
      expression,
      `CEL expression has type ${type}, expected ${expected === 'bool' ? 'bool' : 'string'}`,
    );
  }
  for (const match of expression.matchAll(VARIABLE_REF)) {
    const name = match.groups?.name ?? '';
    if (!knownVariables.has(name)) {
      throw new PolicyCompileError(path, expression, `variables.${name} is not declared (before this expression)`);
    }
  }
  return { expression, path, program: parsed as Program };
}

/** Compiles all expressions of a policy; throws PolicyCompileError for the first that fails. */
export function compilePolicyExpressions(policy: ValidatingAdmissionPolicy): CompiledPolicyExpressions {
  const env = policyEnvironment();
  const spec = policy.spec;
  const declared = new Set<string>();
  const variables = (spec.variables ?? []).map((v, i) => {
    const expression = compileOne(env, v.expression, `spec.variables[${i}].expression`, 'any', declared);
    if (declared.has(v.name)) {
      throw new PolicyCompileError(`spec.variables[${i}].name`, v.expression, `variable "${v.name}" is declared twice`);
    }
    declared.add(v.name);
    return { name: v.name, expression };
  });
  const matchConditions = (spec.matchConditions ?? []).map((c, i) => ({
    name: c.name,
    expression: compileOne(env, c.expression, `spec.matchConditions[${i}].expression`, 'bool', declared),
  }));
  const validations = (spec.validations ?? []).map((v, i): CompiledValidation => {
    const expression = compileOne(env, v.expression, `spec.validations[${i}].expression`, 'bool', declared);
    const messageExpression = v.messageExpression
      ? compileOne(env, v.messageExpression, `spec.validations[${i}].messageExpression`, 'string', declared)
      : undefined;
    return {
      index: i,
      expression,
      ...(v.message ? { message: v.message } : {}),
      ...(messageExpression ? { messageExpression } : {}),
      reason: v.reason ?? 'Invalid',
    };
  });
  const auditAnnotations = (spec.auditAnnotations ?? []).map((a, i) => ({
    key: a.key,
    value: compileOne(
      env,
      a.valueExpression,
      `spec.auditAnnotations[${i}].valueExpression`,
      'string-or-null',
      declared,
    ),
  }));
  return { matchConditions, variables, validations, auditAnnotations };
}
