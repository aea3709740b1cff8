/**
 * Evaluation of ARM template values: every string expression of a JSON value tree is evaluated,
 * objects and arrays recursively, property copy loops (`copy: [{ name, count, input }]` inside an
 * object) become arrays. The scope holds parameter values (defaults evaluated lazily), variables
 * (evaluated lazily on first use, cycles reported once and Unresolved, `variables.copy` loops),
 * user-defined functions, copy indexes and lambda variables.
 * Sources: https://learn.microsoft.com/azure/azure-resource-manager/templates/syntax,
 * .../templates/copy-properties, .../templates/copy-variables, .../templates/user-defined-functions.
 *
 * Errors an ARM deployment would fail on (a type mismatch, a missing property, an unknown function)
 * become diagnostics at the JSON pointer of the value, and the value an Unresolved: nothing throws.
 * Work is bounded by a shared budget, and recursion by depth limits, so that hostile templates
 * neither hang nor exhaust the stack.
 */

import { isUnresolved, Unresolved } from '#core';
import { classifyString, type ExprNode, type ParseResult, parseExpression } from './expression.ts';
import {
  ArmError,
  type CallContext,
  callFunction,
  DEFAULT_CONTEXT,
  type DeploymentContext,
  type DeploymentInfo,
  getProperty,
  isPlainObject,
  LambdaValue,
  lookupFunction,
  MAX_COPY_COUNT,
  type ScopeKind,
  setKey,
  typeName,
} from './functions.ts';

export { displayValue, isPartialString } from './functions.ts';

export type Pointer = readonly (string | number)[];

export interface TemplateDiagnostic {
  level: 'error' | 'warning' | 'info';
  message: string;
  pointer: Pointer;
}

/** Default evaluation budget (units: expression nodes, value nodes, output size / 64). */
export const DEFAULT_BUDGET = 5_000_000;
const MAX_TREE_DEPTH = 100;
const MAX_NODE_DEPTH = 1500;
const MAX_REFERENCE_CHAIN = 64;
const MAX_FUNCTION_DEPTH = 16;

class BudgetExhausted extends ArmError {}

/** Work accounting shared by a template and its nested deployments. */
export class Budget {
  private remaining: number;
  exhausted = false;
  reported = false;
  constructor(units = DEFAULT_BUDGET) {
    this.remaining = units;
  }
  charge(units: number): void {
    this.remaining -= units;
    if (this.remaining < 0) {
      this.exhausted = true;
      throw new BudgetExhausted('evaluation budget exhausted: the template is too large or too recursive to evaluate');
    }
  }
}

interface ParameterSlot {
  readonly name: string;
  readonly declaration: Record<string, unknown>;
  readonly given: boolean;
  readonly givenValue: unknown;
  readonly pointer: Pointer;
}

interface VariableSlot {
  readonly name: string;
  /** The raw value, or the copy loop declaring the variable. */
  readonly raw: unknown;
  readonly loop?: Record<string, unknown>;
  readonly pointer: Pointer;
}

interface UserFunction {
  readonly name: string;
  readonly params: readonly string[];
  readonly output: unknown;
  readonly pointer: Pointer;
}

export interface TemplateStateOptions {
  /** The template's `parameters` section (declarations). */
  readonly declarations?: unknown;
  /** Values given for parameters (case-insensitive names); literal values, not evaluated. */
  readonly given?: Readonly<Record<string, unknown>>;
  /** The template's `variables` section. */
  readonly variables?: unknown;
  /** The template's `functions` section. */
  readonly functions?: unknown;
  readonly deployment: DeploymentInfo;
  /** Pointer of the template root in the file: [] or a nested deployment's template. */
  readonly pointer?: Pointer;
  readonly budget?: Budget;
  readonly diagnostics?: TemplateDiagnostic[];
}

/** The evaluation state of one template (the root, or a nested deployment with inner scope). */
export class TemplateState {
  readonly deployment: DeploymentInfo;
  readonly pointer: Pointer;
  readonly budget: Budget;
  readonly diagnostics: TemplateDiagnostic[];
  readonly parameters = new Map<string, ParameterSlot>();
  private readonly variables = new Map<string, VariableSlot>();
  private readonly functions = new Map<string, UserFunction>();
  private readonly values = new Map<string, unknown>();
  private readonly evaluating: string[] = [];
  private readonly reportedCycles = new Set<string>();
  private readonly parses = new Map<string, ParseResult>();
  nodeDepth = 0;

  constructor(options: TemplateStateOptions) {
    this.deployment = options.deployment;
    this.pointer = options.pointer ?? [];
    this.budget = options.budget ?? new Budget();
    this.diagnostics = options.diagnostics ?? [];
    this.indexParameters(options.declarations, options.given ?? {});
    this.indexVariables(options.variables);
    this.indexFunctions(options.functions);
  }

  report(level: TemplateDiagnostic['level'], message: string, pointer: Pointer): void {
    this.diagnostics.push({ level, message, pointer });
  }

  /** A scope at template level (no copy loop, no lambda). */
  scope(): Scope {
    return new Scope(this);
  }

  parse(source: string): ParseResult {
    let parsed = this.parses.get(source);
    if (!parsed) {
      parsed = parseExpression(source);
      if (this.parses.size < 10_000) this.parses.set(source, parsed);
    }
    return parsed;
  }

  private indexParameters(declarations: unknown, given: Readonly<Record<string, unknown>>): void {
    const givenByName = new Map<string, unknown>();
    for (const [name, value] of Object.entries(given)) givenByName.set(name.toLowerCase(), value);
    if (isPlainObject(declarations)) {
      for (const [name, declaration] of Object.entries(declarations)) {
        const lower = name.toLowerCase();
        this.parameters.set(lower, {
          name,
          declaration: isPlainObject(declaration) ? declaration : {},
          given: givenByName.has(lower),
          givenValue: givenByName.get(lower),
          pointer: [...this.pointer, 'parameters', name],
        });
      }
    }
  }

  private indexVariables(section: unknown): void {
    if (section === undefined) return;
    if (!isPlainObject(section)) {
      this.report('error', 'the variables section must be an object', [...this.pointer, 'variables']);
      return;
    }
    for (const [name, raw] of Object.entries(section)) {
      if (name.toLowerCase() === 'copy' && Array.isArray(raw)) {
        raw.forEach((loop, i) => {
          const pointer = [...this.pointer, 'variables', name, i];
          if (!isPlainObject(loop) || typeof loop.name !== 'string') {
            this.report('error', 'a variable copy loop needs a name, a count and an input', pointer);
            return;
          }
          this.variables.set(loop.name.toLowerCase(), { name: loop.name, raw: loop.input, loop, pointer });
        });
        continue;
      }
      this.variables.set(name.toLowerCase(), { name, raw, pointer: [...this.pointer, 'variables', name] });
    }
  }

  private indexFunctions(section: unknown): void {
    if (section === undefined) return;
    const pointer = [...this.pointer, 'functions'];
    if (!Array.isArray(section)) {
      this.report('error', 'the functions section must be an array of namespaces', pointer);
      return;
    }
    section.forEach((ns, i) => {
      if (!isPlainObject(ns) || typeof ns.namespace !== 'string' || !isPlainObject(ns.members)) {
        this.report('error', 'a function namespace needs a namespace name and members', [...pointer, i]);
        return;
      }
      for (const [member, def] of Object.entries(ns.members)) {
        const defPointer = [...pointer, i, 'members', member];
        if (!isPlainObject(def) || !isPlainObject(def.output)) {
          this.report('error', `function '${ns.namespace}.${member}' needs an output`, defPointer);
          continue;
        }
        const params = Array.isArray(def.parameters)
          ? def.parameters.map((p) => (isPlainObject(p) && typeof p.name === 'string' ? p.name : ''))
          : [];
        this.functions.set(`${ns.namespace}.${member}`.toLowerCase(), {
          name: `${ns.namespace}.${member}`,
          params,
          output: def.output.value,
          pointer: [...defPointer, 'output', 'value'],
        });
      }
    });
  }

  userFunction(namespace: string, name: string): UserFunction | undefined {
    return this.functions.get(`${namespace}.${name}`.toLowerCase());
  }

  /** The value of a parameter: given, else its default (evaluated), else null when nullable, else Unresolved. */
  parameterValue(name: string): unknown {
    const slot = this.parameters.get(name.toLowerCase());
    if (!slot) throw new ArmError(`parameters(): the parameter '${name}' is not declared`);
    if (slot.given) return slot.givenValue;
    return this.memo(`p:${slot.name.toLowerCase()}`, `parameters('${slot.name}')`, slot.pointer, () => {
      if (Object.hasOwn(slot.declaration, 'defaultValue')) {
        return this.scope().evaluate(slot.declaration.defaultValue, [...slot.pointer, 'defaultValue']);
      }
      if (slot.declaration.nullable === true) return null;
      return new Unresolved(`parameters('${slot.name}')`, `parameter '${slot.name}' has no value and no default`);
    });
  }

  /** The value of a variable, evaluated on first use. */
  variableValue(name: string): unknown {
    const slot = this.variables.get(name.toLowerCase());
    if (!slot) throw new ArmError(`variables(): the variable '${name}' is not declared`);
    return this.memo(`v:${slot.name.toLowerCase()}`, `variables('${slot.name}')`, slot.pointer, () =>
      slot.loop ? this.variableLoop(slot, slot.loop) : this.scope().evaluate(slot.raw, slot.pointer),
    );
  }

  private variableLoop(slot: VariableSlot, loop: Record<string, unknown>): unknown {
    const scope = this.scope();
    const count = scope.loopCount(loop.count, [...slot.pointer, 'count'], `variable copy loop '${slot.name}'`);
    if (isUnresolved(count)) return new Unresolved(`variables('${slot.name}')`, count.reason);
    const out: unknown[] = [];
    for (let i = 0; i < count; i++) {
      out.push(scope.withCopy(slot.name, i, 'named').evaluate(loop.input, [...slot.pointer, 'input']));
    }
    return out;
  }

  private memo(key: string, expression: string, pointer: Pointer, compute: () => unknown): unknown {
    if (this.values.has(key)) return this.values.get(key);
    const at = this.evaluating.indexOf(key);
    if (at >= 0) {
      const chain = [...this.evaluating.slice(at), key].map((k) => k.slice(2)).join(' → ');
      if (!this.reportedCycles.has(key)) {
        this.reportedCycles.add(key);
        this.report('error', `circular reference: ${chain}`, pointer);
      }
      return new Unresolved(expression, `circular reference: ${chain}`);
    }
    if (this.evaluating.length >= MAX_REFERENCE_CHAIN) {
      this.report('error', `references nested deeper than ${MAX_REFERENCE_CHAIN} levels`, pointer);
      return new Unresolved(expression, `references nested deeper than ${MAX_REFERENCE_CHAIN} levels`);
    }
    this.evaluating.push(key);
    let value: unknown;
    try {
      value = compute();
    } finally {
      this.evaluating.pop();
    }
    this.values.set(key, value);
    return value;
  }
}

type CopyKind = 'resource' | 'named';

interface CopyFrame {
  readonly name: string;
  readonly index: number | Unresolved;
  readonly kind: CopyKind;
  readonly parent?: CopyFrame;
}

interface LambdaFrame {
  readonly bindings: ReadonlyMap<string, unknown>;
  readonly parent?: LambdaFrame;
}

/** An evaluation scope: a template state plus copy indexes, lambda variables, function parameters. */
export class Scope {
  readonly state: TemplateState;
  private readonly copy: CopyFrame | undefined;
  private readonly lambdas: LambdaFrame | undefined;
  private readonly fnParams: ReadonlyMap<string, unknown> | undefined;
  private readonly fnDepth: number;

  constructor(
    state: TemplateState,
    copy?: CopyFrame,
    lambdas?: LambdaFrame,
    fnParams?: ReadonlyMap<string, unknown>,
    fnDepth = 0,
  ) {
    this.state = state;
    this.copy = copy;
    this.lambdas = lambdas;
    this.fnParams = fnParams;
    this.fnDepth = fnDepth;
  }

  get deployment(): DeploymentInfo {
    return this.state.deployment;
  }

  charge(units: number): void {
    this.state.budget.charge(units);
  }

  parameter(name: string): unknown {
    if (this.fnParams) {
      const lower = name.toLowerCase();
      if (this.fnParams.has(lower)) return this.fnParams.get(lower);
      throw new ArmError(`parameters(): '${name}' is not a parameter of this user-defined function`);
    }
    return this.state.parameterValue(name);
  }

  variable(name: string): unknown {
    if (this.fnParams) throw new ArmError('variables(): user-defined functions cannot use variables');
    return this.state.variableValue(name);
  }

  copyIndex(loopName: string | undefined): number | Unresolved {
    if (loopName !== undefined) {
      const lower = loopName.toLowerCase();
      for (let f = this.copy; f; f = f.parent) if (f.name.toLowerCase() === lower) return f.index;
      throw new ArmError(`copyIndex(): there is no copy loop named '${loopName}' here`);
    }
    for (let f = this.copy; f; f = f.parent) if (f.kind === 'resource') return f.index;
    if (this.copy) return this.copy.index;
    throw new ArmError('copyIndex() is used outside of a copy loop');
  }

  lambdaVariable(name: string): unknown {
    const lower = name.toLowerCase();
    for (let f = this.lambdas; f; f = f.parent) if (f.bindings.has(lower)) return f.bindings.get(lower);
    throw new ArmError(`lambdaVariables(): there is no lambda variable '${name}' here`);
  }

  withCopy(name: string, index: number | Unresolved, kind: CopyKind): Scope {
    return new Scope(this.state, { name, index, kind, parent: this.copy }, this.lambdas, this.fnParams, this.fnDepth);
  }

  private withLambda(bindings: ReadonlyMap<string, unknown>): Scope {
    return new Scope(this.state, this.copy, { bindings, parent: this.lambdas }, this.fnParams, this.fnDepth);
  }

  /**
   * Evaluate a copy loop's count: an integer from 0 to 800, or Unresolved (with a warning). An
   * invalid or hostile count is an error diagnostic and gives -1 (the loop is skipped).
   */
  loopCount(raw: unknown, pointer: Pointer, what: string): number | Unresolved {
    const value = this.evaluate(raw, pointer);
    if (isUnresolved(value)) {
      this.state.report('warning', `the count of ${what} cannot be evaluated offline: ${value.reason}`, pointer);
      return value;
    }
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
      this.state.report(
        'error',
        `the count of ${what} must be a non-negative integer, got ${typeof value === 'number' ? String(value) : typeName(value)}`,
        pointer,
      );
      return -1;
    }
    if (value > MAX_COPY_COUNT) {
      this.state.report(
        'error',
        `the count of ${what} is ${value}, above ARM's limit of ${MAX_COPY_COUNT}: the loop is skipped`,
        pointer,
      );
      return -1;
    }
    return value;
  }

  /** Evaluate a JSON value of the template: expressions, objects and arrays recursively, property copy loops. */
  evaluate(value: unknown, pointer: Pointer, depth = 0): unknown {
    if (depth > MAX_TREE_DEPTH) {
      this.state.report('error', `value nested deeper than ${MAX_TREE_DEPTH} levels`, pointer);
      return new Unresolved('…', `value nested deeper than ${MAX_TREE_DEPTH} levels`);
    }
    try {
      this.charge(1);
    } catch (error) {
      return this.failure(error, '…', pointer);
    }
    if (typeof value === 'string') return this.evaluateString(value, pointer);
    if (Array.isArray(value)) return value.map((item, i) => this.evaluate(item, [...pointer, i], depth + 1));
    if (isPlainObject(value)) return this.evaluateObject(value, pointer, depth);
    return value;
  }

  private evaluateObject(value: Record<string, unknown>, pointer: Pointer, depth: number): Record<string, unknown> {
    const result: Record<string, unknown> = {};
    const loops = value.copy;
    const isPropertyCopy =
      Array.isArray(loops) && loops.length > 0 && loops.every((l) => isPlainObject(l) && 'input' in l && 'name' in l);
    for (const [key, item] of Object.entries(value)) {
      if (key === 'copy' && isPropertyCopy) continue;
      setKey(result, key, this.evaluate(item, [...pointer, key], depth + 1));
    }
    if (isPropertyCopy) {
      (loops as Record<string, unknown>[]).forEach((loop, k) => {
        const loopPointer = [...pointer, 'copy', k];
        const name = this.evaluate(loop.name, [...loopPointer, 'name'], depth + 1);
        if (typeof name !== 'string') {
          this.state.report('error', 'a property copy loop needs a literal name', [...loopPointer, 'name']);
          return;
        }
        const count = this.loopCount(loop.count, [...loopPointer, 'count'], `property copy loop '${name}'`);
        if (isUnresolved(count)) {
          setKey(
            result,
            name,
            new Unresolved(`copy loop '${name}'`, `the number of elements is unknown: ${count.reason}`),
          );
          return;
        }
        if (count < 0) {
          setKey(result, name, new Unresolved(`copy loop '${name}'`, 'the copy loop is invalid'));
          return;
        }
        const items: unknown[] = [];
        for (let i = 0; i < count; i++) {
          items.push(this.withCopy(name, i, 'named').evaluate(loop.input, [...loopPointer, 'input'], depth + 1));
        }
        setKey(result, name, items);
      });
    }
    return result;
  }

  /** Evaluate one JSON string: a literal (with `[[` unescaped) or an expression. */
  evaluateString(value: string, pointer: Pointer): unknown {
    const classified = classifyString(value);
    if (classified.kind === 'literal') return classified.value;
    const parsed = this.state.parse(value);
    const text = value.slice(1, -1).trim();
    if (!parsed.ok) {
      this.state.report('error', `invalid expression: ${parsed.error}`, pointer);
      return new Unresolved(text, `invalid expression: ${parsed.error}`);
    }
    try {
      const result = this.evalNode(parsed.node, parsed.source);
      if (result instanceof LambdaValue) {
        throw new ArmError('lambda() can only be an argument of filter, map, reduce, sort, toObject');
      }
      return result === undefined ? null : result;
    } catch (error) {
      return this.failure(error, text, pointer);
    }
  }

  private failure(error: unknown, text: string, pointer: Pointer): Unresolved {
    if (error instanceof BudgetExhausted || this.state.budget.exhausted) {
      if (!this.state.budget.reported) {
        this.state.budget.reported = true;
        this.state.report('error', (error as Error).message, pointer);
      }
      return new Unresolved(text, 'evaluation budget exhausted');
    }
    if (error instanceof ArmError) {
      this.state.report('error', error.message, pointer);
      return new Unresolved(text, `evaluation error: ${error.message}`);
    }
    if (error instanceof RangeError) {
      this.state.report('error', `expression too complex to evaluate: ${error.message}`, pointer);
      return new Unresolved(text, 'expression too complex to evaluate');
    }
    throw error;
  }

  /** Evaluate a parsed expression node. Throws ArmError on evaluation errors. */
  evalNode(node: ExprNode, source: string): unknown {
    const state = this.state;
    if (++state.nodeDepth > MAX_NODE_DEPTH) {
      state.nodeDepth--;
      throw new ArmError(`expression evaluation nested deeper than ${MAX_NODE_DEPTH} levels`);
    }
    try {
      this.charge(1);
      return this.evalNodeInner(node, source);
    } finally {
      state.nodeDepth--;
    }
  }

  private evalNodeInner(node: ExprNode, source: string): unknown {
    switch (node.kind) {
      case 'string':
      case 'int':
        return node.value;
      case 'property': {
        const target = this.evalNode(node.target, source);
        if (isUnresolved(target)) return new Unresolved(source.slice(node.start, node.end), target.reason);
        if (!isPlainObject(target)) {
          throw new ArmError(`cannot read property '${node.name}' of ${typeName(target)}`);
        }
        const p = getProperty(target, node.name);
        if (!p.found) {
          const keys = Object.keys(target);
          const available = keys.length > 0 ? `: available properties are ${keys.slice(0, 20).join(', ')}` : '';
          throw new ArmError(`the property '${node.name}' does not exist${available}`);
        }
        return p.value;
      }
      case 'index': {
        const target = this.evalNode(node.target, source);
        const index = this.evalNode(node.index, source);
        const text = source.slice(node.start, node.end);
        if (isUnresolved(target)) return new Unresolved(text, target.reason);
        if (isUnresolved(index)) return new Unresolved(text, index.reason);
        if (Array.isArray(target)) {
          if (typeof index !== 'number' || !Number.isInteger(index)) {
            throw new ArmError(`an array index must be an Integer, got ${typeName(index)}`);
          }
          if (index < 0 || index >= target.length) {
            throw new ArmError(`index ${index} is out of range (array length ${target.length})`);
          }
          return target[index];
        }
        if (isPlainObject(target)) {
          if (typeof index !== 'string') throw new ArmError(`an object key must be a String, got ${typeName(index)}`);
          const p = getProperty(target, index);
          if (!p.found) throw new ArmError(`the property '${index}' does not exist`);
          return p.value;
        }
        throw new ArmError(`cannot index ${typeName(target)}`);
      }
      case 'call':
        return this.call(node, source);
    }
  }

  private call(node: Extract<ExprNode, { kind: 'call' }>, source: string): unknown {
    const text = source.slice(node.start, node.end);
    if (node.namespace !== undefined) return this.callUser(node, source, text);
    if (node.name.toLowerCase() === 'lambda') return this.lambda(node, source);
    const fn = lookupFunction(node.name);
    if (!fn) throw new ArmError(`unknown function '${node.name}'`);
    const ctx: CallContext = { host: this, text, name: node.name };
    return callFunction(
      fn,
      node.args.map((arg) => () => this.evalNode(arg, source)),
      ctx,
    );
  }

  private lambda(node: Extract<ExprNode, { kind: 'call' }>, source: string): LambdaValue {
    if (node.args.length < 2) throw new ArmError('lambda() needs at least one variable name and a body');
    const params = node.args.slice(0, -1).map((arg) => {
      const name = this.evalNode(arg, source);
      if (typeof name !== 'string') throw new ArmError('lambda() variable names must be strings');
      return name;
    });
    const body = node.args[node.args.length - 1]!;
    return new LambdaValue(params, (values) => {
      const bindings = new Map<string, unknown>();
      params.forEach((p, i) => {
        bindings.set(p.toLowerCase(), values[i] ?? null);
      });
      return this.withLambda(bindings).evalNode(body, source);
    });
  }

  private callUser(node: Extract<ExprNode, { kind: 'call' }>, source: string, text: string): unknown {
    const fn = this.state.userFunction(node.namespace!, node.name);
    if (!fn) throw new ArmError(`unknown user-defined function '${node.namespace}.${node.name}'`);
    if (node.args.length !== fn.params.length) {
      throw new ArmError(`${fn.name}() expects ${fn.params.length} argument(s), got ${node.args.length}`);
    }
    if (this.fnDepth >= MAX_FUNCTION_DEPTH) {
      throw new ArmError(`user-defined functions nested deeper than ${MAX_FUNCTION_DEPTH} levels`);
    }
    const bindings = new Map<string, unknown>();
    node.args.forEach((arg, i) => {
      const value = this.evalNode(arg, source);
      if (value instanceof LambdaValue)
        throw new ArmError(`${fn.name}(): a lambda cannot be passed to a user function`);
      bindings.set(fn.params[i]!.toLowerCase(), value);
    });
    const scope = new Scope(this.state, undefined, undefined, bindings, this.fnDepth + 1);
    const result = scope.evaluate(fn.output, fn.pointer);
    if (isUnresolved(result) && result.reason.startsWith('evaluation error'))
      return new Unresolved(text, result.reason);
    return result;
  }
}

export interface EvaluateOptions {
  /** Parameter values (literal). */
  readonly parameters?: Readonly<Record<string, unknown>>;
  /** A `variables` section (raw, evaluated lazily). */
  readonly variables?: Readonly<Record<string, unknown>>;
  /** A `functions` section (user-defined functions). */
  readonly functions?: unknown;
  readonly context?: Partial<DeploymentContext>;
  readonly scope?: ScopeKind;
}

/**
 * Evaluate a template value outside of a template (parameters given as values, an optional
 * variables section). Never throws.
 */
export function evaluateValue(
  value: unknown,
  options: EvaluateOptions = {},
): { value: unknown; diagnostics: TemplateDiagnostic[] } {
  const context = { ...DEFAULT_CONTEXT, ...options.context };
  const given = options.parameters ?? {};
  const state = new TemplateState({
    declarations: Object.fromEntries(Object.keys(given).map((k) => [k, {}])),
    given,
    variables: options.variables,
    functions: options.functions,
    deployment: {
      context,
      deploymentName: context.deploymentName,
      scope: options.scope ?? 'resourceGroup',
    },
  });
  const result = state.scope().evaluate(value, []);
  return { value: result, diagnostics: state.diagnostics };
}

/** Evaluate one expression, written with or without its brackets: `concat('a', 'b')` or `[concat('a', 'b')]`. */
export function evaluateExpression(
  expression: string,
  options: EvaluateOptions = {},
): { value: unknown; diagnostics: TemplateDiagnostic[] } {
  const source = expression.startsWith('[') && expression.endsWith(']') ? expression : `[${expression}]`;
  return evaluateValue(source, options);
}
