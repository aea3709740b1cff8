/**
 * The events threat detection reads: Kubernetes audit events (audit.k8s.io/v1, and v1beta1 which
 * older clusters still write; OpenShift's kube-apiserver, openshift-apiserver and oauth-apiserver
 * logs use the same format) and runtime sensor events (Falco's JSON output). Inputs normalise
 * both into ThreatEvent; rules see `event` (the audit event as written) or `falco`.
 * Specs: https://kubernetes.io/docs/reference/config-api/apiserver-audit.v1/ and
 * https://falco.org/docs/concepts/outputs/formatting/ (json_output).
 */
import { z } from 'zod';

const ObjectReference = z.looseObject({
  resource: z.string().optional(),
  namespace: z.string().optional(),
  name: z.string().optional(),
  uid: z.string().optional(),
  apiGroup: z.string().optional(),
  apiVersion: z.string().optional(),
  resourceVersion: z.string().optional(),
  subresource: z.string().optional(),
});

const UserInfo = z.looseObject({
  username: z.string().optional(),
  uid: z.string().optional(),
  groups: z.array(z.string()).optional(),
  extra: z.record(z.string(), z.array(z.string())).optional(),
});

/** audit.k8s.io/v1 Event (v1beta1 has the same fields plus `timestamp`, and `objectRef` the same). */
export const AuditEvent = z.looseObject({
  apiVersion: z.enum(['audit.k8s.io/v1', 'audit.k8s.io/v1beta1']),
  kind: z.literal('Event'),
  level: z.enum(['None', 'Metadata', 'Request', 'RequestResponse']),
  auditID: z.string().min(1),
  stage: z.enum(['RequestReceived', 'ResponseStarted', 'ResponseComplete', 'Panic']),
  requestURI: z.string(),
  verb: z.string(),
  user: UserInfo,
  impersonatedUser: UserInfo.optional(),
  sourceIPs: z.array(z.string()).optional(),
  userAgent: z.string().optional(),
  objectRef: ObjectReference.optional(),
  responseStatus: z
    .looseObject({
      code: z.number().optional(),
      status: z.string().optional(),
      reason: z.string().optional(),
      message: z.string().optional(),
    })
    .optional(),
  requestObject: z.unknown().optional(),
  responseObject: z.unknown().optional(),
  requestReceivedTimestamp: z.string().optional(),
  stageTimestamp: z.string().optional(),
  annotations: z.record(z.string(), z.string()).optional(),
});
export type AuditEvent = z.infer<typeof AuditEvent>;

/** Falco's JSON output (json_output: true, or http_output's body). */
export const FalcoEvent = z.looseObject({
  time: z.string(),
  rule: z.string(),
  priority: z.string(),
  output: z.string(),
  source: z.string().optional(),
  hostname: z.string().optional(),
  tags: z.array(z.string()).optional(),
  output_fields: z.record(z.string(), z.unknown()).optional(),
});
export type FalcoEvent = z.infer<typeof FalcoEvent>;

/** Where an event came from, for evidence and diagnostics. */
export interface EventLocation {
  readonly file: string;
  /** 1-based line (JSON lines) or the item index of an EventList + 1. */
  readonly line?: number;
}

export type ThreatEvent =
  | { readonly kind: 'audit'; readonly event: AuditEvent; readonly time: number; readonly location: EventLocation }
  | { readonly kind: 'falco'; readonly falco: FalcoEvent; readonly time: number; readonly location: EventLocation };
