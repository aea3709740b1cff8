export { checkList, renderCheckList, renderChecksMarkdown, renderFrameworkList } from './catalogue.ts';
export {
  type Check,
  type CheckContext,
  type CheckMeta,
  type CheckOutcome,
  type CheckSettings,
  defineCheck,
  MATURITIES,
  type Maturity,
  type TargetSelector,
} from './check.ts';
export { type AnyCheck, CHECKS, checkRegistry } from './checks/index.ts';
export { type CheckSelection, createContext, type EvaluateResult, evaluate, selectChecks } from './evaluate.ts';
export { applyExemptions, IGNORE_ANNOTATION, IGNORE_REASON_ANNOTATION, IGNORE_UNTIL_ANNOTATION } from './exemptions.ts';
export { controlExists, FRAMEWORKS, frameworkClosure, getFramework } from './frameworks/index.ts';
export {
  DOCKER_HUB_REGISTRY,
  type ImageReference,
  imageToCheck,
  type ParsedImage,
  parseImageReference,
} from './lib/image.ts';
export { formatPssVersion, LATEST_PSS_VERSION, type PssVersion, parsePssVersion } from './lib/pss-version.ts';
export { type ResolvedScan, resolveScan, type ScanOptions, scanManifests } from './scan.ts';
export { DEFAULT_SETTINGS, DEFAULT_SYSTEM_NAMESPACES } from './settings.ts';
