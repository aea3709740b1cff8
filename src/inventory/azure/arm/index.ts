export {
  Budget,
  displayValue,
  type EvaluateOptions,
  evaluateExpression,
  evaluateValue,
  isPartialString,
  type Pointer,
  Scope,
  TemplateState,
} from './evaluate.ts';
export {
  classifyString,
  type ExprNode,
  isExpression,
  type ParseResult,
  parseExpression,
  type TemplateString,
} from './expression.ts';
export {
  ArmError,
  type DeploymentInfo,
  FUNCTION_NAMES,
  findUnresolved,
  lookupFunction,
  type ScopeKind,
} from './functions.ts';
export { jsonPointerLines } from './lines.ts';
export {
  DEFAULT_CONTEXT,
  type DeploymentContext,
  type ExpandOptions,
  type ExpandResult,
  expandTemplate,
  isDeploymentTemplate,
  isParametersFile,
  parametersFromFile,
  type TemplateDiagnostic,
  type TemplateResource,
} from './template.ts';
