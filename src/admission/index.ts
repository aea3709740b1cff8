/**
 * Enforcement at deploy time (issue #5): the admission webhook's library. AdmissionReview
 * parsing and responses so far; policy evaluation, CEL policies, the image gate, mutation and the
 * HTTPS server build on these.
 */

export {
  type Admission,
  type AdmissionContext,
  type AdmissionDetail,
  type AdmissionOutcome,
  admit,
  createAdmission,
  type Exempt,
  type FailedCheck,
  type FailurePolicy,
  formatFailedCheck,
  type ModeResult,
  type NamespaceLabels,
} from './evaluate.ts';
export {
  createImageGate,
  IMAGE_GATE_ANNOTATIONS,
  type ImageGate,
  type ImageGateOptions,
  type ImageGateResult,
  type ImageScanIndex,
  type ImageScanResult,
  type ImageVerdict,
  imageMatches,
  indexImageScanResults,
  type LoadedScanResults,
  type LoadScanResultsOptions,
  loadImageGate,
  loadImageScanResults,
  parseImageScanReport,
  type ScannedVulnerability,
  type ScanResultProblem,
  type UnscannedAction,
} from './image-gate.ts';
export {
  type DefaultPolicy,
  defaultPolicy,
  formatLevelVersion,
  fullyPrivileged,
  isPalisadeLevel,
  type LevelSelection,
  type LevelVersion,
  levelSelection,
  type NamespacePolicy,
  PALISADE_LABEL_PREFIX,
  PALISADE_LEVEL,
  POD_SECURITY_LABEL_PREFIX,
  POD_SECURITY_LEVELS,
  type PolicyError,
  type PolicyOptions,
  policyForNamespace,
} from './modes.ts';
export {
  jsonPointer,
  MUTATE_LABEL,
  MUTATION_ANNOTATIONS,
  type MutationOptions,
  type MutationResult,
  mutateRequest,
} from './mutate.ts';
export { type NamespaceLabelMap, parseNamespaceLabels, readNamespaceLabels } from './namespaces.ts';
export { parseLabelList, type ReviewInput, readReviewInputs, renderOutcomeText } from './offline.ts';
export {
  ADMISSION_API_VERSION,
  type AdmissionDecision,
  AdmissionRequest,
  type AdmissionResponseBody,
  AdmissionReview,
  type AdmissionReviewResponse,
  type AdmissionStatus,
  AdmissionUserInfo,
  type JsonPatchOperation,
  OPERATIONS,
  type Operation,
  parseAdmissionReview,
  reviewResponse,
  wrapAsCreate,
} from './review.ts';
export {
  ADMISSION_LATENCY_BUCKETS,
  ADMISSION_SERVER_DIAGNOSTIC_CODES,
  type AdmissionServer,
  type AdmissionServerOptions,
  DEFAULT_ADMISSION_MAX_BODY_BYTES,
  DEFAULT_ADMISSION_MAX_IN_FLIGHT,
  DEFAULT_ADMISSION_TIMEOUT_MS,
  type MutateHook,
  type MutateHookContext,
  type MutateHookResult,
  type ReadyState,
  startAdmissionServer,
  type ValidateHook,
} from './server.ts';
export * from './vap/index.ts';
