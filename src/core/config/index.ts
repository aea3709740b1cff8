export { renderConfigMarkdown } from './docs.ts';
export { DEFAULT_CONFIG_FILES, loadConfigFile, parseConfig, yamlIssues } from './load.ts';
export {
  configValue,
  envValue,
  IMAGE_OPTIONS,
  IMAGE_OUTPUT_FORMATS,
  type OptionDef,
  type OptionType,
  OUTPUT_FORMATS,
  SCAN_OPTIONS,
} from './options.ts';
export {
  ADMISSION_MODES,
  AdmissionConfig,
  type AdmissionMode,
  AdmissionRuleAction,
  AnnotationPolicy,
  ByteSize,
  Config,
  Exemption,
  FailOn,
  IMAGE_GATE_RULES,
  ImageGateConfig,
  ImageGateExemption,
  type ImageGateRule,
  MUTATION_DEFAULTS,
  MutationConfig,
  type MutationDefault,
  parseByteSize,
  VulnerabilityExemption,
} from './schema.ts';
