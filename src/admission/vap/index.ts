/**
 * Kubernetes ValidatingAdmissionPolicy evaluation, offline (issue #5, item 3): load policies,
 * bindings and parameter objects from files, then evaluate them against admission requests as the
 * API server does. The admission path merges a PolicyEvaluation into its AdmissionDecision.
 */
export { type CompiledExpression, POLICY_VARIABLES, PolicyCompileError, policyEnvironment } from './compile.ts';
export {
  type EvaluateOptions,
  evaluatePolicies,
  type PolicyDenial,
  type PolicyError,
  type PolicyEvaluation,
  toCelValue,
  VALIDATION_FAILURE_ANNOTATION,
} from './evaluate.ts';
export { registerKubernetesLibrary } from './library.ts';
export {
  buildPolicySet,
  type LoadedBinding,
  type LoadedPolicy,
  loadPolicies,
  type ParamObject,
  type PolicySet,
} from './load.ts';
export { type Labels, labelsOf, selectorMatches } from './match.ts';
export { isQuantity, parseExactQuantity, Quantity } from './quantity.ts';
export {
  VALIDATION_ACTIONS,
  ValidatingAdmissionPolicy,
  ValidatingAdmissionPolicyBinding,
  type ValidationAction,
} from './schema.ts';
export { isUrl, parseUrl, Url } from './url.ts';
