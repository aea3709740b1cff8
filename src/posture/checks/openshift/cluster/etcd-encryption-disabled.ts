/**
 * The cluster must encrypt its sensitive resources in etcd.
 * Reads: APIServer "cluster" (config.openshift.io/v1) spec.encryption.type; when the scan holds
 *   them, status.conditions[type=Encrypted] of KubeAPIServer, OpenShiftAPIServer and
 *   Authentication "cluster" (operator.openshift.io/v1), the operators that encrypt the resources
 *   their API servers store.
 * Compliant: type aescbc, aesgcm or KMS (KMS is feature-gated; keys held outside the control plane).
 * Absent: an unset or empty type means identity, no encryption ("When this field is unset ...
 *   identity is implied", openshift/api config/v1 APIServerEncryption), so secrets, config maps,
 *   routes and OAuth tokens are stored in plain text: fail, as for type identity.
 * Operator status (library-go encryption condition controller): Encrypted=True with reason
 *   EncryptionCompleted means every resource was rewritten with the key. With encryption
 *   configured:
 *   - reason EncryptionInProgress: the migration is running, older objects may still be plain
 *     text: indeterminate (re-scan when it completes);
 *   - reasons EncryptionDisabled, DecryptionInProgress or DecryptionCompleted (or any other): the
 *     operator does not encrypt, whatever the spec says: fail, one violation per operator;
 *   - no Encrypted condition (operator object exported without status): indeterminate.
 *   Operator objects absent from the scan are not required: the spec alone decides.
 * Not applicable: an APIServer not named "cluster" (only "cluster" configures the API servers).
 * Source: OpenShift "Encrypting etcd data"; openshift/api config/v1 types_apiserver.go;
 *   openshift/library-go pkg/operator/encryption/controllers/condition_controller.go.
 */
import { z } from 'zod';
import type { Resource, Violation } from '#core';
import {
  type CheckContext,
  type CheckOutcome,
  defineCheck,
  indeterminate,
  notApplicable,
  outcome,
} from '../../../check.ts';
import { parseObject } from '../../../lib/object.ts';

const CONFIG_GROUP = 'config.openshift.io';
const OPERATOR_GROUP = 'operator.openshift.io';

/** The encryption types that encrypt (openshift/api EncryptionType). */
export const ENCRYPTING_TYPES: ReadonlySet<string> = new Set(['aescbc', 'aesgcm', 'KMS']);

/** The operators whose Encrypted condition reports the migration, with the resources each encrypts. */
const OPERATORS = [
  { kind: 'KubeAPIServer', what: 'secrets and config maps' },
  { kind: 'OpenShiftAPIServer', what: 'routes' },
  { kind: 'Authentication', what: 'OAuth access and authorize tokens' },
] as const;

const ApiServerSchema = z.looseObject({
  spec: z
    .looseObject({
      encryption: z.looseObject({ type: z.string().nullish() }).nullish(),
    })
    .nullish(),
});

const OperatorSchema = z.looseObject({
  status: z
    .looseObject({
      conditions: z
        .array(
          z.looseObject({
            type: z.string(),
            status: z.string().nullish(),
            reason: z.string().nullish(),
            message: z.string().nullish(),
          }),
        )
        .nullish(),
    })
    .nullish(),
});

function operatorObject(kind: string, ctx: CheckContext): Resource | undefined {
  return ctx.inventory.ofKind(kind, OPERATOR_GROUP).find((r) => r.name === 'cluster');
}

export const etcdEncryptionDisabled = defineCheck<Resource>({
  meta: {
    id: 'PAL-OCP-0201',
    slug: 'etcd-encryption-disabled',
    title: 'Cluster does not encrypt secrets and tokens in etcd',
    description:
      'Without etcd encryption, secrets, config maps, routes and OAuth tokens are stored in plain text in etcd, so anyone who obtains an etcd backup or a control-plane disk can read every credential in the cluster.',
    severity: 'medium',
    maturity: 'stable',
    targets: [{ kind: 'APIServer', apiGroup: CONFIG_GROUP }],
    scope: 'cluster',
    admission: false,
    securityControl: 'enable-encryption-at-rest',
    frameworks: [
      { framework: 'aro-landing-zone', control: 'ARO-DATA-1' },
      { framework: 'mcsb-v1', control: 'DP-4' },
    ],
    remediation: {
      summary:
        'Set spec.encryption.type to aesgcm (or aescbc) on the APIServer "cluster" and wait until the API server operators report EncryptionCompleted.',
      steps: [
        'Enable encryption with the command below; the operators then rewrite every secret, config map, route and OAuth token, which can take 20 minutes or more.',
        'Check progress: oc get kubeapiserver cluster -o jsonpath=\'{.status.conditions[?(@.type=="Encrypted")].reason}\' (also for openshiftapiserver and authentication.operator.openshift.io) until each prints EncryptionCompleted.',
      ],
      command: 'oc patch apiserver cluster --type=merge -p \'{"spec":{"encryption":{"type":"aesgcm"}}}\'',
      kubernetesPatch: 'spec:\n  encryption:\n    type: aesgcm\n',
    },
    references: [
      'https://docs.openshift.com/container-platform/latest/security/encrypting-etcd.html',
      'https://docs.openshift.com/container-platform/latest/rest_api/config_apis/apiserver-config-openshift-io-v1.html',
    ],
  },
  evaluate(resource, ctx): CheckOutcome {
    if (resource.name !== 'cluster') {
      return notApplicable('only the APIServer named "cluster" configures the API servers');
    }
    const type = parseObject(ApiServerSchema, resource).spec?.encryption?.type ?? '';
    if (!ENCRYPTING_TYPES.has(type)) {
      const message =
        type === ''
          ? 'spec.encryption.type is not set, so identity (no encryption) applies and secrets, config maps, routes and OAuth tokens are stored in plain text in etcd'
          : type === 'identity'
            ? 'spec.encryption.type is identity, so secrets, config maps, routes and OAuth tokens are stored in plain text in etcd'
            : `spec.encryption.type is "${type}", not aescbc, aesgcm or KMS, so etcd data is not encrypted`;
      return outcome([
        type === ''
          ? { path: 'spec.encryption.type', message }
          : { path: 'spec.encryption.type', message, actual: type },
      ]);
    }
    const violations: Violation[] = [];
    const pending: string[] = [];
    for (const { kind, what } of OPERATORS) {
      const operator = operatorObject(kind, ctx);
      if (!operator) {
        continue;
      }
      const condition = parseObject(OperatorSchema, operator).status?.conditions?.find((c) => c.type === 'Encrypted');
      if (!condition) {
        pending.push(
          `${kind} "cluster" has no Encrypted condition in status (export it with oc get ${kind.toLowerCase()}.operator.openshift.io cluster -o yaml)`,
        );
        continue;
      }
      const reason = condition.reason ?? '';
      const detail = condition.message ? `: ${condition.message}` : '';
      if (reason === 'EncryptionCompleted' && condition.status === 'True') {
        continue;
      }
      if (reason === 'EncryptionInProgress') {
        pending.push(`${kind} "cluster" is still encrypting ${what} (EncryptionInProgress${detail})`);
        continue;
      }
      violations.push({
        path: 'spec.encryption.type',
        message: `spec.encryption.type is ${type} but ${kind} "cluster" reports Encrypted=${condition.status ?? 'Unknown'} (${reason || 'no reason'}${detail}), so its ${what} are not encrypted`,
        actual: { kind, reason },
      });
    }
    if (violations.length > 0) {
      return outcome(violations);
    }
    if (pending.length > 0) {
      return indeterminate(`encryption is configured (${type}) but not confirmed complete: ${pending.join('; ')}`);
    }
    return outcome([]);
  },
});
