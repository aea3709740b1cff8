export { type AnyAction, actionRegistry, findAction } from './actions/index.ts';
export { AuditLog, type RunRecord, type RunResult, readAuditLog, type TargetRecord } from './audit.ts';
export { type ContextOptions, createActionContext } from './context.ts';
export { parseSubjects, type ReadSubjects, readSubjects } from './input.ts';
export {
  azureRoleDefinition,
  clusterRoleYaml,
  type RequiredPermissions,
  requiredPermissions,
} from './permissions.ts';
export {
  type Automation,
  type AutomationRules,
  loadAutomationRules,
  parseAutomationRules,
} from './rules.ts';
export {
  type BaseContext,
  openRunner,
  Runner,
  type RunnerOptions,
  type RunnerStats,
  triggerMatches,
  type UndoOptions,
  undoRuns,
} from './runner.ts';
export { type AutomationServer, type AutomationServerOptions, startAutomationServer } from './serve.ts';
export { subjectFromAlert, subjectFromFinding } from './subject.ts';
export {
  type Action,
  type ActionContext,
  ActionError,
  type ActionOutcome,
  defineAction,
  describeTarget,
  type Subject,
  type Target,
} from './types.ts';
