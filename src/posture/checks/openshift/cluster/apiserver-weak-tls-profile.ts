/**
 * The API servers must not accept TLS versions older than 1.2.
 * Reads: APIServer "cluster" (config.openshift.io/v1) spec.tlsSecurityProfile.type and
 *   spec.tlsSecurityProfile.custom.minTLSVersion.
 * Compliant: Intermediate (TLS 1.2 and later), Modern (TLS 1.3), or Custom with minTLSVersion
 *   VersionTLS12 or VersionTLS13.
 * Fails: type Old (minTLSVersion VersionTLS10, with CBC and 3DES ciphers), at
 *   spec.tlsSecurityProfile.type; Custom with minTLSVersion VersionTLS10 or VersionTLS11, at
 *   spec.tlsSecurityProfile.custom.minTLSVersion.
 * Absent: an unset tlsSecurityProfile, or one without type, gets the default profile, Intermediate
 *   (openshift/api config/v1 APIServerSpec: "If unset, a default (which may change between
 *   releases) is chosen"; the API servers apply Intermediate): pass.
 * Custom without minTLSVersion: the CRD requires it, so the object is not what the cluster holds:
 *   indeterminate. Ciphers of a Custom profile are not judged.
 * Not applicable: an APIServer not named "cluster".
 * Source: OpenShift "Configuring TLS security profiles"; openshift/api config/v1
 *   types_tlssecurityprofile.go (TLSProfiles: Old VersionTLS10, Intermediate VersionTLS12, Modern
 *   VersionTLS13).
 */
import { z } from 'zod';
import type { Resource } from '#core';
import { type CheckOutcome, defineCheck, indeterminate, notApplicable, outcome } from '../../../check.ts';
import { parseObject } from '../../../lib/object.ts';

/** TLS versions below 1.2, as TLSProtocolVersion values. */
export const WEAK_TLS_VERSIONS: ReadonlySet<string> = new Set(['VersionTLS10', 'VersionTLS11']);

const ApiServerSchema = z.looseObject({
  spec: z
    .looseObject({
      tlsSecurityProfile: z
        .looseObject({
          type: z.string().nullish(),
          custom: z.looseObject({ minTLSVersion: z.string().nullish() }).nullish(),
        })
        .nullish(),
    })
    .nullish(),
});

export const apiserverWeakTlsProfile = defineCheck<Resource>({
  meta: {
    id: 'PAL-OCP-0211',
    slug: 'apiserver-weak-tls-profile',
    title: 'API servers accept TLS versions older than 1.2',
    description:
      'The Old profile, or a Custom profile with a minimum of TLS 1.0 or 1.1, lets clients negotiate deprecated protocol versions and cipher suites with known weaknesses on the API server, OAuth server and other control-plane endpoints.',
    severity: 'low',
    maturity: 'stable',
    targets: [{ kind: 'APIServer', apiGroup: 'config.openshift.io' }],
    scope: 'object',
    admission: false,
    securityControl: 'encrypt-data-in-transit',
    frameworks: [{ framework: 'mcsb-v1', control: 'DP-3' }],
    remediation: {
      summary: 'Use the Intermediate TLS security profile (TLS 1.2 and later) on the APIServer "cluster".',
      command:
        'oc patch apiserver cluster --type=merge -p \'{"spec":{"tlsSecurityProfile":{"type":"Intermediate","intermediate":{},"old":null,"custom":null}}}\'',
      kubernetesPatch:
        'spec:\n  tlsSecurityProfile:\n    type: Intermediate\n    intermediate: {}\n    old: null\n    custom: null\n',
    },
    references: [
      'https://docs.openshift.com/container-platform/latest/security/tls-security-profiles.html',
      'https://docs.openshift.com/container-platform/latest/rest_api/config_apis/apiserver-config-openshift-io-v1.html',
    ],
  },
  evaluate(resource): CheckOutcome {
    if (resource.name !== 'cluster') {
      return notApplicable('only the APIServer named "cluster" configures the API servers');
    }
    const profile = parseObject(ApiServerSchema, resource).spec?.tlsSecurityProfile;
    const type = profile?.type ?? '';
    if (type === 'Old') {
      return outcome([
        {
          path: 'spec.tlsSecurityProfile.type',
          message: 'spec.tlsSecurityProfile.type is Old, which accepts TLS 1.0 and 1.1 and legacy ciphers such as 3DES',
          actual: type,
        },
      ]);
    }
    if (type === 'Custom') {
      const min = profile?.custom?.minTLSVersion ?? '';
      if (min === '') {
        return indeterminate(
          'spec.tlsSecurityProfile.type is Custom but custom.minTLSVersion is not set (the API requires it), so the minimum TLS version is unknown',
        );
      }
      if (WEAK_TLS_VERSIONS.has(min)) {
        return outcome([
          {
            path: 'spec.tlsSecurityProfile.custom.minTLSVersion',
            message: `spec.tlsSecurityProfile.custom.minTLSVersion is ${min}, so clients can negotiate TLS older than 1.2`,
            actual: min,
          },
        ]);
      }
    }
    return outcome([]);
  },
});
