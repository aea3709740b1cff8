/** The threat rule engine: rule files (YAML + CEL) → compiled, indexed rules → matches. */
export {
  ACTIVATION_VARIABLES,
  type CompiledRule,
  type CompileResult,
  compileRuleFiles,
  expandMacros,
  RuleCompileError,
} from './compile.ts';
export {
  createEngine,
  type Engine,
  type EngineOptions,
  type EngineStats,
  type Explanation,
  type Match,
  type RuleStats,
  type StepResult,
} from './engine.ts';
export {
  Duration as DurationSchema,
  loadRuleFile,
  MATURITIES,
  type Maturity,
  type Origin,
  parseDuration,
  type RuleFile,
  type RuleSpec,
  STAGES,
  type Stage,
} from './schema.ts';
