/**
 * Enforcement at deploy time (issue #5): the admission webhook's library. AdmissionReview
 * parsing and responses so far; policy evaluation, CEL policies, the image gate, mutation and the
 * HTTPS server build on these.
 */
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
