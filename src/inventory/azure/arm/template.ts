/**
 * Expansion of an ARM deployment template into the resources it declares, evaluated offline for a
 * deployment context: parameters (given > default > Unresolved), variables, copy loops, conditions,
 * child resources, languageVersion 2.0 symbolic names and `existing` references, and nested
 * deployments (inner and outer expression scope). Values that need the deployed world
 * (`reference()`, `listKeys()`, a parameter without a value) stay `Unresolved`.
 * Sources: https://learn.microsoft.com/azure/azure-resource-manager/templates/syntax,
 * .../templates/parameters, .../templates/copy-resources, .../templates/conditional-resource-deployment
 * (conditions do not cascade to child resources), .../templates/child-resource-name-type,
 * .../templates/linked-templates (nested templates, expression evaluation scope),
 * .../templates/parameter-files (Key Vault references), .../bicep/file (languageVersion 2.0 output).
 *
 * Never throws: malformed templates become diagnostics with a JSON pointer, and every valid part is
 * still returned. Work is bounded (evaluation budget, nesting limits).
 */

import { isUnresolved, Unresolved } from '#core';
import { Budget, type Pointer, type Scope, type TemplateDiagnostic, TemplateState } from './evaluate.ts';
import {
  DEFAULT_CONTEXT,
  type DeploymentContext,
  deepEqual,
  displayValue,
  findUnresolved,
  isPlainObject,
  partialString,
  resourceGroupId,
  type ScopeKind,
  setKey,
  subscriptionId,
  typeName,
} from './functions.ts';

export type { TemplateDiagnostic } from './evaluate.ts';
export { DEFAULT_CONTEXT, type DeploymentContext } from './functions.ts';

export interface TemplateResource {
  /** Full type: 'Microsoft.Sql/servers/databases', also for children declared inside their parent. */
  readonly type: string;
  /** Full ARM name: 'srv/db1' for children. */
  readonly name: string | Unresolved;
  /** `displayValue(name)`: 'kv-<uniqueString(resourceGroup().id)>'. */
  readonly displayName: string;
  readonly apiVersion?: string;
  /** Resource id for the deployment context; Unresolved (with display text) when the name is. */
  readonly id: string | Unresolved;
  /**
   * The evaluated declaration without copy/condition/dependsOn/comments/metadata/resources/existing:
   * type, name, apiVersion, location, sku, kind, identity, tags, zones, properties ({} when absent)...
   */
  readonly object: Record<string, unknown>;
  /** Set when the condition (or the copy count, or an enclosing deployment's) is not known offline. */
  readonly condition?: Unresolved;
  /** A Bicep `existing` reference: declared, not deployed by this template. */
  readonly existing: boolean;
  /** JSON pointer of the declaration in the template file. */
  readonly pointer: Pointer;
  /** Index of the instance for copy-loop resources. */
  readonly copyIndex?: number;
}

export interface ExpandOptions {
  /** Parameter values (as in a parameters file's `value`s): literal, not evaluated. */
  readonly parameters?: Readonly<Record<string, unknown>>;
  readonly context?: Partial<DeploymentContext>;
}

export interface ExpandResult {
  resources: TemplateResource[];
  diagnostics: TemplateDiagnostic[];
}

const MAX_DEPLOYMENT_NESTING = 10;
const MAX_RESOURCES = 20_000;
/** Keys of a resource declaration that are not part of the resource object. */
const NOT_IN_OBJECT = new Set(['copy', 'condition', 'dependson', 'comments', 'metadata', 'resources', 'existing']);
const DEPLOYMENTS = 'microsoft.resources/deployments';

function schemaOf(value: Record<string, unknown>): string | undefined {
  return typeof value.$schema === 'string' ? value.$schema : undefined;
}

/** True for an object whose $schema names a deployment template (any scope) and that has resources. */
export function isDeploymentTemplate(value: unknown): boolean {
  if (!isPlainObject(value)) return false;
  const schema = schemaOf(value);
  if (!schema || !/deploymenttemplate\.json/i.test(schema)) return false;
  return Array.isArray(value.resources) || isPlainObject(value.resources);
}

/** True for an object whose $schema names a deployment parameters file. */
export function isParametersFile(value: unknown): boolean {
  if (!isPlainObject(value)) return false;
  const schema = schemaOf(value);
  return schema !== undefined && /deploymentparameters\.json/i.test(schema);
}

function keyVaultReference(name: string, reference: Record<string, unknown>): Unresolved {
  const vault =
    isPlainObject(reference.keyVault) && typeof reference.keyVault.id === 'string' ? reference.keyVault.id : '?';
  const secret = typeof reference.secretName === 'string' ? reference.secretName : '?';
  return new Unresolved(
    `parameters('${name}')`,
    `Key Vault secret '${secret}' of vault '${vault}' is read at deployment time`,
  );
}

/**
 * Parameter values of a parameters file (`{ parameters: { name: { value } } }`); a Key Vault
 * reference (`{ reference: { keyVault, secretName } }`) becomes Unresolved.
 */
export function parametersFromFile(value: unknown): {
  values: Record<string, unknown>;
  diagnostics: TemplateDiagnostic[];
} {
  const values: Record<string, unknown> = {};
  const diagnostics: TemplateDiagnostic[] = [];
  if (!isPlainObject(value)) {
    diagnostics.push({ level: 'error', message: 'a parameters file must be a JSON object', pointer: [] });
    return { values, diagnostics };
  }
  const section = value.parameters;
  if (section === undefined) return { values, diagnostics };
  if (!isPlainObject(section)) {
    diagnostics.push({ level: 'error', message: 'parameters must be an object', pointer: ['parameters'] });
    return { values, diagnostics };
  }
  for (const [name, entry] of Object.entries(section)) {
    const pointer = ['parameters', name];
    if (!isPlainObject(entry)) {
      diagnostics.push({ level: 'error', message: `parameter '${name}' must be an object with a value`, pointer });
    } else if (Object.hasOwn(entry, 'value')) {
      setKey(values, name, entry.value);
    } else if (isPlainObject(entry.reference)) {
      setKey(values, name, keyVaultReference(name, entry.reference));
    } else {
      diagnostics.push({
        level: 'warning',
        message: `parameter '${name}' has neither a value nor a reference`,
        pointer,
      });
    }
  }
  return { values, diagnostics };
}

interface Target {
  readonly context: DeploymentContext;
  readonly scope: ScopeKind;
}

interface Expansion {
  readonly resources: TemplateResource[];
  readonly diagnostics: TemplateDiagnostic[];
  readonly budget: Budget;
}

function scopeOfSchema(schema: string | undefined): ScopeKind | undefined {
  if (!schema) return undefined;
  if (/subscriptiondeploymenttemplate\.json/i.test(schema)) return 'subscription';
  if (/managementgroupdeploymenttemplate\.json/i.test(schema)) return 'managementGroup';
  if (/tenantdeploymenttemplate\.json/i.test(schema)) return 'tenant';
  if (/deploymenttemplate\.json/i.test(schema)) return 'resourceGroup';
  return undefined;
}

/** Expand a deployment template into its resources. Never throws. */
export function expandTemplate(template: unknown, options: ExpandOptions = {}): ExpandResult {
  const resources: TemplateResource[] = [];
  const diagnostics: TemplateDiagnostic[] = [];
  try {
    if (!isPlainObject(template)) {
      diagnostics.push({ level: 'error', message: 'a deployment template must be a JSON object', pointer: [] });
      return { resources, diagnostics };
    }
    const context: DeploymentContext = { ...DEFAULT_CONTEXT, ...options.context };
    const scope = scopeOfSchema(schemaOf(template)) ?? 'resourceGroup';
    const exp: Expansion = { resources, diagnostics, budget: new Budget() };
    expandTemplateObject(exp, template, {
      pointer: [],
      given: options.parameters ?? {},
      target: { context, scope },
      deploymentName: context.deploymentName,
      depth: 0,
    });
  } catch (error) {
    diagnostics.push({
      level: 'error',
      message: `template expansion stopped: ${error instanceof Error ? error.message : String(error)}`,
      pointer: [],
    });
  }
  return { resources, diagnostics };
}

interface TemplateOptions {
  readonly pointer: Pointer;
  readonly given: Readonly<Record<string, unknown>>;
  readonly target: Target;
  readonly deploymentName: string | Unresolved;
  readonly depth: number;
  readonly inherited?: Unresolved;
}

function expandTemplateObject(exp: Expansion, template: Record<string, unknown>, opts: TemplateOptions): void {
  const { pointer } = opts;
  if (template.parameters !== undefined && !isPlainObject(template.parameters)) {
    exp.diagnostics.push({
      level: 'error',
      message: 'the parameters section must be an object',
      pointer: [...pointer, 'parameters'],
    });
  }
  const state = new TemplateState({
    declarations: template.parameters,
    given: opts.given,
    variables: template.variables,
    functions: template.functions,
    deployment: {
      context: opts.target.context,
      deploymentName: opts.deploymentName,
      scope: opts.target.scope,
      ...(schemaOf(template) !== undefined ? { schema: schemaOf(template) } : {}),
      ...(typeof template.contentVersion === 'string' ? { contentVersion: template.contentVersion } : {}),
    },
    pointer,
    budget: exp.budget,
    diagnostics: exp.diagnostics,
  });
  validateParameters(state, opts.given, pointer);
  if (template.resources === undefined) {
    state.report('warning', 'the template has no resources section', pointer);
    return;
  }
  expandResources(
    exp,
    state.scope(),
    template.resources,
    [...pointer, 'resources'],
    opts.target,
    undefined,
    opts.depth,
    opts.inherited,
  );
}

function matchesType(value: unknown, type: string): boolean {
  switch (type.toLowerCase()) {
    case 'string':
    case 'securestring':
      return typeof value === 'string';
    case 'int':
      return typeof value === 'number' && Number.isInteger(value);
    case 'bool':
      return typeof value === 'boolean';
    case 'object':
    case 'secureobject':
      return isPlainObject(value);
    case 'array':
      return Array.isArray(value);
    default:
      return true;
  }
}

function validateParameters(state: TemplateState, given: Readonly<Record<string, unknown>>, pointer: Pointer): void {
  for (const name of Object.keys(given)) {
    if (!state.parameters.has(name.toLowerCase())) {
      state.report('warning', `parameter '${name}' is given but the template does not declare it`, [
        ...pointer,
        'parameters',
      ]);
    }
  }
  for (const slot of state.parameters.values()) {
    const value = state.parameterValue(slot.name);
    const declaration = slot.declaration;
    const type = typeof declaration.type === 'string' ? declaration.type : undefined;
    if (isUnresolved(value)) {
      if (!slot.given && !Object.hasOwn(declaration, 'defaultValue')) {
        state.report(
          'info',
          `parameter '${slot.name}' has no value and no default: its uses stay unresolved`,
          slot.pointer,
        );
      }
      continue;
    }
    if (slot.given && type && value !== null && !matchesType(value, type)) {
      state.report(
        'warning',
        `parameter '${slot.name}' is declared as ${type} but the given value is ${typeName(value)}`,
        slot.pointer,
      );
    }
    const allowed = declaration.allowedValues;
    if (Array.isArray(allowed) && value !== null && !findUnresolved(value)) {
      const candidates = Array.isArray(value) && type?.toLowerCase() === 'array' ? value : [value];
      const bad = candidates.filter((v) => !allowed.some((a) => deepEqual(a, v)));
      if (bad.length > 0) {
        state.report(
          'error',
          `parameter '${slot.name}': ${bad.map((v) => JSON.stringify(v)).join(', ')} is not one of the allowed values ${JSON.stringify(allowed)}`,
          slot.pointer,
        );
      }
    }
  }
}

function expandResources(
  exp: Expansion,
  scope: Scope,
  section: unknown,
  pointer: Pointer,
  target: Target,
  parent: Parent | undefined,
  depth: number,
  inherited: Unresolved | undefined,
): void {
  let entries: [string | number, unknown][];
  if (Array.isArray(section)) entries = section.map((d, i) => [i, d]);
  else if (isPlainObject(section) && !parent) entries = Object.entries(section);
  else {
    exp.diagnostics.push({
      level: 'error',
      message: parent
        ? 'child resources must be an array'
        : 'resources must be an array (or, in languageVersion 2.0, an object of symbolic names)',
      pointer,
    });
    return;
  }
  for (const [key, decl] of entries) {
    if (exp.budget.exhausted) return;
    expandDeclaration(exp, scope, decl, [...pointer, key], target, parent, depth, inherited);
  }
}

interface Parent {
  readonly type: string;
  readonly name: string | Unresolved;
}

interface Instance {
  readonly scope: Scope;
  readonly copyIndex?: number;
  readonly condition?: Unresolved;
}

function expressionText(raw: unknown): string {
  return typeof raw === 'string' && raw.startsWith('[') && raw.endsWith(']')
    ? raw.slice(1, -1).trim()
    : JSON.stringify(raw);
}

function expandDeclaration(
  exp: Expansion,
  scope: Scope,
  decl: unknown,
  pointer: Pointer,
  target: Target,
  parent: Parent | undefined,
  depth: number,
  inherited: Unresolved | undefined,
): void {
  const report = (level: TemplateDiagnostic['level'], message: string, at: Pointer = pointer) =>
    exp.diagnostics.push({ level, message, pointer: at });
  if (!isPlainObject(decl)) {
    report('error', `a resource declaration must be an object, got ${typeName(decl)}`);
    return;
  }
  if (decl.type === undefined) {
    report('error', 'the resource has no type');
    return;
  }
  let instances: Instance[] = [{ scope, ...(inherited ? { condition: inherited } : {}) }];
  if (decl.copy !== undefined) {
    const copy = decl.copy;
    const copyPointer = [...pointer, 'copy'];
    if (!isPlainObject(copy) || typeof copy.name !== 'string' || copy.count === undefined) {
      report('error', 'a resource copy loop needs a name and a count', copyPointer);
      return;
    }
    if (copy.mode !== undefined) {
      const mode = scope.evaluate(copy.mode, [...copyPointer, 'mode']);
      if (typeof mode === 'string' && !['serial', 'parallel'].includes(mode.toLowerCase())) {
        report('warning', `copy mode must be 'serial' or 'parallel', got '${mode}'`, [...copyPointer, 'mode']);
      }
    }
    if (copy.batchSize !== undefined) scope.evaluate(copy.batchSize, [...copyPointer, 'batchSize']);
    const count = scope.loopCount(copy.count, [...copyPointer, 'count'], `copy loop '${copy.name}'`);
    if (isUnresolved(count)) {
      const index = new Unresolved('copyIndex()', `the count of copy loop '${copy.name}' is not known offline`);
      const condition = new Unresolved(
        expressionText(copy.count),
        `copy loop '${copy.name}' has an unknown count (${count.reason}): it may deploy any number of instances`,
      );
      instances = [{ scope: scope.withCopy(copy.name, index, 'resource'), condition: inherited ?? condition }];
    } else if (count < 0) {
      return;
    } else {
      instances = [];
      for (let i = 0; i < count; i++) {
        instances.push({
          scope: scope.withCopy(copy.name, i, 'resource'),
          copyIndex: i,
          ...(inherited ? { condition: inherited } : {}),
        });
      }
    }
  }
  for (const instance of instances) {
    if (exp.budget.exhausted) return;
    expandInstance(exp, decl, instance, pointer, target, parent, depth);
  }
}

function joinName(parent: string | Unresolved, child: string | Unresolved): string | Unresolved {
  if (typeof parent === 'string' && typeof child === 'string') return `${parent}/${child}`;
  const reason = (isUnresolved(parent) ? parent : (child as Unresolved)).reason;
  return partialString(`${displayValue(parent)}/${displayValue(child)}`, reason);
}

function expandInstance(
  exp: Expansion,
  decl: Record<string, unknown>,
  instance: Instance,
  pointer: Pointer,
  target: Target,
  parent: Parent | undefined,
  depth: number,
): void {
  const s = instance.scope;
  const report = (level: TemplateDiagnostic['level'], message: string, at: Pointer = pointer) =>
    exp.diagnostics.push({ level, message, pointer: at });
  try {
    exp.budget.charge(10);
  } catch {
    if (!exp.budget.reported) {
      exp.budget.reported = true;
      report('error', 'evaluation budget exhausted: the template is too large to expand');
    }
    return;
  }
  let condition = instance.condition;
  let deployed = true;
  if (Object.hasOwn(decl, 'condition')) {
    const value = s.evaluate(decl.condition, [...pointer, 'condition']);
    if (value === false) deployed = false;
    else if (isUnresolved(value)) condition ??= value;
    else if (value !== true) {
      report('error', `the condition must be a Boolean, got ${typeName(value)}`, [...pointer, 'condition']);
      condition ??= new Unresolved(expressionText(decl.condition), 'the condition is not a Boolean');
    }
  }
  // A resource that is not deployed only matters for its children (conditions do not cascade).
  if (!deployed && decl.resources === undefined) return;
  const rawType = s.evaluate(decl.type, [...pointer, 'type']);
  if (typeof rawType !== 'string' || rawType.trim() === '') {
    report('error', `the resource type must be a non-empty String, got ${typeName(rawType)}`, [...pointer, 'type']);
    return;
  }
  const relative = parent !== undefined && !rawType.includes('/');
  const type = relative ? `${parent.type}/${rawType}` : rawType;
  if (decl.name === undefined) {
    report('error', 'the resource has no name');
    return;
  }
  let name = s.evaluate(decl.name, [...pointer, 'name']);
  if (typeof name !== 'string' && !isUnresolved(name)) {
    report('error', `the resource name must be a String, got ${typeName(name)}`, [...pointer, 'name']);
    name = new Unresolved(expressionText(decl.name), 'the resource name is not a String');
  }
  let fullName = name as string | Unresolved;
  if (relative) fullName = joinName(parent.name, fullName);
  const existing = decl.existing === true;

  if (deployed && !existing && type.toLowerCase() === DEPLOYMENTS) {
    expandDeployment(exp, s, decl, pointer, target, fullName, condition, depth);
    return;
  }
  if (deployed) {
    if (exp.resources.length >= MAX_RESOURCES) {
      if (!exp.budget.reported) {
        exp.budget.reported = true;
        report('error', `more than ${MAX_RESOURCES} resources: the expansion stops here`);
      }
      exp.budget.exhausted = true;
      return;
    }
    const object: Record<string, unknown> = { type, name: fullName };
    for (const [key, raw] of Object.entries(decl)) {
      const lower = key.toLowerCase();
      if (NOT_IN_OBJECT.has(lower) || lower === 'type' || lower === 'name') continue;
      setKey(object, key, s.evaluate(raw, [...pointer, key]));
    }
    if (!Object.hasOwn(object, 'properties')) object.properties = {};
    else if (!isPlainObject(object.properties) && !isUnresolved(object.properties)) {
      report('error', `properties must be an Object, got ${typeName(object.properties)}`, [...pointer, 'properties']);
      object.properties = {};
    }
    const apiVersion = typeof object.apiVersion === 'string' ? object.apiVersion : undefined;
    const resource: TemplateResource = {
      type,
      name: fullName,
      displayName: displayValue(fullName),
      ...(apiVersion !== undefined ? { apiVersion } : {}),
      id: resourceIdOf(target, type, fullName, object.scope, (m) => report('warning', m, [...pointer, 'name'])),
      object,
      ...(condition ? { condition } : {}),
      existing,
      pointer,
      ...(instance.copyIndex !== undefined ? { copyIndex: instance.copyIndex } : {}),
    };
    exp.resources.push(resource);
  }
  // Conditions do not cascade to child resources (conditional-resource-deployment docs).
  if (decl.resources !== undefined) {
    expandResources(
      exp,
      s,
      decl.resources,
      [...pointer, 'resources'],
      target,
      { type, name: fullName },
      depth,
      undefined,
    );
  }
}

function providerPath(type: string, names: readonly string[]): string | undefined {
  const types = type.split('/');
  if (types.length < 2 || names.length !== types.length - 1) return undefined;
  let path = `/providers/${types[0]}`;
  for (let i = 1; i < types.length; i++) path += `/${types[i]}/${names[i - 1]}`;
  return path;
}

function resourceIdOf(
  target: Target,
  type: string,
  name: string | Unresolved,
  scopeValue: unknown,
  warn: (message: string) => void,
): string | Unresolved {
  const { context } = target;
  const display = displayValue(name);
  const nameSegments = display.split('/');
  const typeSegments = type.split('/');
  const unknown: Unresolved[] = [];
  if (isUnresolved(name)) unknown.push(name);
  let base: string;
  if (scopeValue !== undefined && scopeValue !== null) {
    // An extension resource (locks, role assignments, diagnostic settings) on another resource.
    if (isUnresolved(scopeValue)) unknown.push(scopeValue);
    const scopeText = displayValue(scopeValue).replace(/\/+$/, '');
    base = scopeText.startsWith('/')
      ? scopeText
      : `${target.scope === 'resourceGroup' ? resourceGroupId(context.subscriptionId, context.resourceGroupName) : target.scope === 'subscription' ? subscriptionId(context.subscriptionId) : ''}/providers/${scopeText}`;
  } else if (target.scope === 'resourceGroup') {
    base = resourceGroupId(context.subscriptionId, context.resourceGroupName);
  } else if (target.scope === 'subscription') {
    if (type.toLowerCase() === 'microsoft.resources/resourcegroups') {
      const id = resourceGroupId(context.subscriptionId, display);
      return unknown.length > 0 ? partialString(id, unknown[0]!.reason) : id;
    }
    base = subscriptionId(context.subscriptionId);
  } else if (target.scope === 'managementGroup') {
    base = '/providers/Microsoft.Management/managementGroups/<managementGroup().name>';
    unknown.push(
      new Unresolved('managementGroup().name', 'the management group is not part of the deployment context'),
    );
  } else {
    base = '';
  }
  const path = providerPath(type, nameSegments);
  if (path === undefined) {
    if (unknown.length === 0) {
      warn(
        `the name '${display}' has ${nameSegments.length} segment(s) but the type '${type}' needs ${typeSegments.length - 1}`,
      );
    }
    return new Unresolved(
      `${base}/providers/${type}/${display}`,
      `the name does not match the segments of type '${type}'`,
    );
  }
  return unknown.length > 0 ? partialString(base + path, unknown[0]!.reason) : base + path;
}

function expandDeployment(
  exp: Expansion,
  s: Scope,
  decl: Record<string, unknown>,
  pointer: Pointer,
  target: Target,
  name: string | Unresolved,
  condition: Unresolved | undefined,
  depth: number,
): void {
  const report = (level: TemplateDiagnostic['level'], message: string, at: Pointer = pointer) =>
    exp.diagnostics.push({ level, message, pointer: at });
  const props = decl.properties;
  const propsPointer = [...pointer, 'properties'];
  if (!isPlainObject(props)) {
    report('error', 'a nested deployment needs properties with a template');
    return;
  }
  if (props.templateLink !== undefined) {
    report(
      'warning',
      `deployment '${displayValue(name)}' links to a template that cannot be followed offline: its resources are not expanded`,
      [...propsPointer, 'templateLink'],
    );
    return;
  }
  const inner = props.template;
  if (!isPlainObject(inner)) {
    report('error', 'a nested deployment needs a template (properties.template) or a templateLink', propsPointer);
    return;
  }
  if (depth >= MAX_DEPLOYMENT_NESTING) {
    report('error', `nested deployments deeper than ${MAX_DEPLOYMENT_NESTING} levels are not expanded`);
    return;
  }
  const options = props.expressionEvaluationOptions;
  const mode = isPlainObject(options) && typeof options.scope === 'string' ? options.scope.toLowerCase() : 'outer';

  let context: DeploymentContext = { ...target.context };
  let scope: ScopeKind = scopeOfSchema(schemaOf(inner)) ?? target.scope;
  if (decl.subscriptionId !== undefined) {
    const sub = s.evaluate(decl.subscriptionId, [...pointer, 'subscriptionId']);
    if (typeof sub === 'string') context = { ...context, subscriptionId: sub };
    else
      report(
        'warning',
        `the target subscription is not known offline: inner resources use subscription '${context.subscriptionId}'`,
        [...pointer, 'subscriptionId'],
      );
  }
  if (decl.resourceGroup !== undefined) {
    const rg = s.evaluate(decl.resourceGroup, [...pointer, 'resourceGroup']);
    if (typeof rg === 'string') {
      if (rg !== context.resourceGroupName) {
        context = {
          ...context,
          resourceGroupName: rg,
          location: new Unresolved(
            'resourceGroup().location',
            `the location of resource group '${rg}' is not known offline`,
          ),
        };
      }
      if (scopeOfSchema(schemaOf(inner)) === undefined) scope = 'resourceGroup';
    } else {
      report(
        'warning',
        `the target resource group is not known offline: inner resources use resource group '${context.resourceGroupName}'`,
        [...pointer, 'resourceGroup'],
      );
    }
  }
  const innerTarget: Target = { context, scope };
  const innerPointer = [...propsPointer, 'template'];
  if (mode === 'inner') {
    const given: Record<string, unknown> = {};
    const params = props.parameters;
    if (isPlainObject(params)) {
      for (const [pname, entry] of Object.entries(params)) {
        const at = [...propsPointer, 'parameters', pname];
        if (isPlainObject(entry) && Object.hasOwn(entry, 'value'))
          setKey(given, pname, s.evaluate(entry.value, [...at, 'value']));
        else if (isPlainObject(entry) && isPlainObject(entry.reference))
          setKey(given, pname, keyVaultReference(pname, entry.reference));
        else report('warning', `parameter '${pname}' of the nested deployment has neither a value nor a reference`, at);
      }
    } else if (params !== undefined) {
      report('error', 'the parameters of a nested deployment must be an object', [...propsPointer, 'parameters']);
    }
    expandTemplateObject(exp, inner, {
      pointer: innerPointer,
      given,
      target: innerTarget,
      deploymentName: name,
      depth: depth + 1,
      ...(condition ? { inherited: condition } : {}),
    });
    return;
  }
  if (mode !== 'outer') {
    report('warning', `unknown expression evaluation scope '${mode}': evaluated as 'outer'`, [
      ...propsPointer,
      'expressionEvaluationOptions',
      'scope',
    ]);
  }
  // Outer scope: the nested template's expressions use the parent's parameters and variables.
  if (inner.parameters !== undefined || inner.variables !== undefined) {
    report(
      'info',
      "a nested template with the 'outer' scope uses the parent's parameters and variables, not its own",
      innerPointer,
    );
  }
  if (inner.resources === undefined) return;
  expandResources(
    exp,
    s,
    inner.resources,
    [...innerPointer, 'resources'],
    innerTarget,
    undefined,
    depth + 1,
    condition,
  );
}
