/**
 * ValidatingAdmissionPolicy and ValidatingAdmissionPolicyBinding (admissionregistration.k8s.io/v1),
 * the fields the API server reads when it admits a request. Unknown fields are kept (loose), so
 * objects exported from a cluster (status, managedFields) load unchanged.
 * Source: https://kubernetes.io/docs/reference/kubernetes-api/policy-resources/validating-admission-policy-v1/
 * and .../validating-admission-policy-binding-v1/.
 */
import { z } from 'zod';

export const VAP_API_VERSION = 'admissionregistration.k8s.io/v1';
/** v1beta1 has the same fields as v1 (Kubernetes 1.28 to 1.30 clusters still store it). */
const ApiVersion = z.enum([VAP_API_VERSION, 'admissionregistration.k8s.io/v1beta1']);

export const LabelSelectorRequirement = z.object({
  key: z.string(),
  operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']),
  values: z.array(z.string()).optional(),
});

export const LabelSelector = z.looseObject({
  matchLabels: z.record(z.string(), z.string()).nullish(),
  matchExpressions: z.array(LabelSelectorRequirement).nullish(),
});
export type LabelSelector = z.infer<typeof LabelSelector>;

const OperationName = z.enum(['*', 'CREATE', 'UPDATE', 'DELETE', 'CONNECT']);

export const NamedRuleWithOperations = z.looseObject({
  apiGroups: z.array(z.string()).default([]),
  apiVersions: z.array(z.string()).default([]),
  resources: z.array(z.string()).default([]),
  operations: z.array(OperationName).default([]),
  resourceNames: z.array(z.string()).nullish(),
  scope: z.enum(['*', 'Cluster', 'Namespaced']).default('*'),
});
export type NamedRuleWithOperations = z.infer<typeof NamedRuleWithOperations>;

export const MatchResources = z.looseObject({
  namespaceSelector: LabelSelector.nullish(),
  objectSelector: LabelSelector.nullish(),
  resourceRules: z.array(NamedRuleWithOperations).nullish(),
  excludeResourceRules: z.array(NamedRuleWithOperations).nullish(),
  matchPolicy: z.enum(['Exact', 'Equivalent']).default('Equivalent'),
});
export type MatchResources = z.infer<typeof MatchResources>;

const Metadata = z.looseObject({ name: z.string().min(1), namespace: z.string().optional() });

export const ValidatingAdmissionPolicy = z.looseObject({
  apiVersion: ApiVersion,
  kind: z.literal('ValidatingAdmissionPolicy'),
  metadata: Metadata,
  spec: z.looseObject({
    paramKind: z.looseObject({ apiVersion: z.string().min(1), kind: z.string().min(1) }).nullish(),
    matchConstraints: MatchResources.extend({ resourceRules: z.array(NamedRuleWithOperations).min(1) }),
    validations: z
      .array(
        z.looseObject({
          expression: z.string().min(1),
          message: z.string().nullish(),
          reason: z.string().nullish(),
          messageExpression: z.string().nullish(),
        }),
      )
      .nullish(),
    failurePolicy: z.enum(['Fail', 'Ignore']).default('Fail'),
    auditAnnotations: z
      .array(
        z.looseObject({
          key: z
            .string()
            .regex(/^[A-Za-z0-9][-A-Za-z0-9_.]*$/)
            .max(63),
          valueExpression: z.string().min(1),
        }),
      )
      .nullish(),
    matchConditions: z.array(z.looseObject({ name: z.string().min(1), expression: z.string().min(1) })).nullish(),
    variables: z
      .array(z.looseObject({ name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), expression: z.string().min(1) }))
      .nullish(),
  }),
});
export type ValidatingAdmissionPolicy = z.infer<typeof ValidatingAdmissionPolicy>;

export const VALIDATION_ACTIONS = ['Deny', 'Warn', 'Audit'] as const;
export type ValidationAction = (typeof VALIDATION_ACTIONS)[number];

export const ParamRef = z.looseObject({
  name: z.string().nullish(),
  namespace: z.string().nullish(),
  selector: LabelSelector.nullish(),
  /** Required by the API server when paramRef is set; Palisade defaults it to Deny (the safe side). */
  parameterNotFoundAction: z.enum(['Allow', 'Deny']).default('Deny'),
});
export type ParamRef = z.infer<typeof ParamRef>;

export const ValidatingAdmissionPolicyBinding = z.looseObject({
  apiVersion: ApiVersion,
  kind: z.literal('ValidatingAdmissionPolicyBinding'),
  metadata: Metadata,
  spec: z.looseObject({
    policyName: z.string().min(1),
    paramRef: ParamRef.nullish(),
    matchResources: MatchResources.nullish(),
    validationActions: z
      .array(z.enum(VALIDATION_ACTIONS))
      .min(1)
      .refine((actions) => new Set(actions).size === actions.length, 'validationActions may not repeat an action')
      .refine(
        (actions) => !(actions.includes('Deny') && actions.includes('Warn')),
        'validationActions may not hold both Deny and Warn',
      ),
  }),
});
export type ValidatingAdmissionPolicyBinding = z.infer<typeof ValidatingAdmissionPolicyBinding>;
