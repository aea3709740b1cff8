/**
 * The API servers must write audit logs.
 * Reads: APIServer "cluster" (config.openshift.io/v1) spec.audit.profile and
 *   spec.audit.customRules[*].{group,profile}.
 * Compliant: profile Default, WriteRequestBodies or AllRequestBodies, and no custom rule with
 *   profile None.
 * Absent: an unset profile is Default (openshift/api config/v1 Audit: "+kubebuilder:default=Default";
 *   "If unset, the 'Default' profile is used"): pass.
 * Fails: profile None ("no requests are logged at all, not even oauthaccesstokens and
 *   oauthauthorizetokens"), at spec.audit.profile; each custom rule with profile None, which turns
 *   audit off for every request of that group's members, at spec.audit.customRules[i].profile.
 * Not applicable: an APIServer not named "cluster".
 * Source: OpenShift "Configuring the audit log policy"; openshift/api config/v1 types_apiserver.go.
 */
import { z } from 'zod';
import type { Resource, Violation } from '#core';
import { type CheckOutcome, defineCheck, notApplicable, outcome } from '../../../check.ts';
import { parseObject } from '../../../lib/object.ts';

const ApiServerSchema = z.looseObject({
  spec: z
    .looseObject({
      audit: z
        .looseObject({
          profile: z.string().nullish(),
          customRules: z.array(z.looseObject({ group: z.string().nullish(), profile: z.string().nullish() })).nullish(),
        })
        .nullish(),
    })
    .nullish(),
});

export const apiserverAuditDisabled = defineCheck<Resource>({
  meta: {
    id: 'PAL-OCP-0212',
    slug: 'apiserver-audit-disabled',
    title: 'API server audit logging is turned off',
    description:
      'With the audit profile None, the API servers record no request, so there is no trace of who read secrets, changed RBAC or exec-ed into pods, and Defender for Containers and the SIEM receive no control-plane activity to detect attacks in.',
    severity: 'medium',
    maturity: 'stable',
    targets: [{ kind: 'APIServer', apiGroup: 'config.openshift.io' }],
    scope: 'object',
    admission: false,
    securityControl: 'enable-auditing-and-logging',
    frameworks: [
      { framework: 'aro-landing-zone', control: 'ARO-MON-3' },
      { framework: 'mcsb-v1', control: 'LT-3' },
    ],
    remediation: {
      summary:
        'Set spec.audit.profile to Default (or WriteRequestBodies) on the APIServer "cluster" and remove custom rules with profile None.',
      steps: [
        'Set the profile with the command below.',
        'Remove custom rules with profile None: oc edit apiserver cluster (a merge patch of spec.audit.customRules replaces the whole list).',
      ],
      command: 'oc patch apiserver cluster --type=merge -p \'{"spec":{"audit":{"profile":"Default"}}}\'',
      kubernetesPatch: 'spec:\n  audit:\n    profile: Default\n',
    },
    references: [
      'https://docs.openshift.com/container-platform/latest/security/audit-log-policy-config.html',
      'https://docs.openshift.com/container-platform/latest/rest_api/config_apis/apiserver-config-openshift-io-v1.html',
    ],
  },
  evaluate(resource): CheckOutcome {
    if (resource.name !== 'cluster') {
      return notApplicable('only the APIServer named "cluster" configures the API servers');
    }
    const audit = parseObject(ApiServerSchema, resource).spec?.audit;
    const violations: Violation[] = [];
    if (audit?.profile === 'None') {
      violations.push({
        path: 'spec.audit.profile',
        message: 'spec.audit.profile is None, so the API servers log no request at all',
        actual: 'None',
      });
    }
    for (const [index, rule] of (audit?.customRules ?? []).entries()) {
      if (rule.profile === 'None') {
        violations.push({
          path: `spec.audit.customRules[${index}].profile`,
          message: `spec.audit.customRules[${index}] sets profile None for group "${rule.group ?? ''}", so no request of its members is logged`,
          actual: { group: rule.group, profile: rule.profile },
        });
      }
    }
    return outcome(violations);
  },
});
