/**
 * The cluster's OAuth server must authenticate users against a central identity provider.
 * Reads: OAuth "cluster" (config.openshift.io/v1) spec.identityProviders[*].{name,type}.
 * Compliant: at least one identity provider whose type is not HTPasswd: OpenID (Microsoft Entra ID
 *   is configured as OpenID), LDAP, GitHub, GitLab, Google, Keystone, BasicAuth or RequestHeader.
 * Absent: an unset or empty list means no identity provider (openshift/api config/v1 OAuthSpec:
 *   "identityProviders is an ordered list of ways for a user to identify themselves"; none is
 *   configured by default), so only kubeadmin, client certificates and tokens can log in: fail.
 * Only HTPasswd providers: fail, naming them. An htpasswd file is a local user database kept in a
 *   Secret: no MFA, password policy, expiry or central offboarding.
 * Not applicable: an OAuth not named "cluster" (only "cluster" configures the OAuth server).
 * Source: OpenShift "Understanding identity provider configuration" and "Configuring an OpenID
 *   Connect identity provider"; Azure Red Hat OpenShift "Configure Microsoft Entra authentication";
 *   openshift/api config/v1 types_oauth.go.
 */
import { z } from 'zod';
import type { Resource } from '#core';
import { defineCheck, notApplicable, outcome } from '../../../check.ts';
import { parseObject } from '../../../lib/object.ts';

/** Identity provider types that keep users in a file on the cluster rather than in a directory. */
export const LOCAL_IDENTITY_PROVIDER_TYPES: ReadonlySet<string> = new Set(['HTPasswd']);

const OAuthSchema = z.looseObject({
  spec: z
    .looseObject({
      identityProviders: z.array(z.looseObject({ name: z.string().nullish(), type: z.string().nullish() })).nullish(),
    })
    .nullish(),
});

export const oauthNoIdentityProvider = defineCheck<Resource>({
  meta: {
    id: 'PAL-OCP-0202',
    slug: 'oauth-no-identity-provider',
    title: 'Cluster has no central identity provider for user login',
    description:
      'Without an identity provider such as Microsoft Entra ID, people log in with the shared kubeadmin password, with client certificates or with local htpasswd accounts, none of which enforce MFA, conditional access or removal when someone leaves.',
    severity: 'medium',
    maturity: 'stable',
    targets: [{ kind: 'OAuth', apiGroup: 'config.openshift.io' }],
    scope: 'object',
    admission: false,
    securityControl: 'manage-access-and-permissions',
    frameworks: [
      { framework: 'aro-landing-zone', control: 'ARO-IAM-1' },
      { framework: 'mcsb-v1', control: 'IM-1' },
    ],
    remediation: {
      summary:
        'Add an OpenID Connect identity provider for Microsoft Entra ID (or another directory) to the OAuth "cluster", with its client secret in openshift-config.',
      steps: [
        'Register an application in Microsoft Entra ID with the redirect URI https://oauth-openshift.apps.<cluster-domain>/oauth2callback/AAD and create a client secret.',
        'Store the client secret: oc create secret generic openid-client-secret-azuread -n openshift-config --from-literal=clientSecret=<client-secret>',
        'Merge the identity provider below into spec.identityProviders (a merge patch replaces the whole list: keep existing entries), then log in through it and grant cluster-admin to an Entra ID group.',
      ],
      command:
        'oc create secret generic openid-client-secret-azuread -n openshift-config --from-literal=clientSecret=<client-secret>',
      kubernetesPatch:
        'spec:\n  identityProviders:\n    - name: AAD\n      mappingMethod: claim\n      type: OpenID\n      openID:\n        clientID: <application-client-id>\n        clientSecret:\n          name: openid-client-secret-azuread\n        issuer: https://login.microsoftonline.com/<tenant-id>\n        claims:\n          preferredUsername: [email, upn]\n          name: [name]\n          email: [email]\n',
    },
    references: [
      'https://learn.microsoft.com/azure/openshift/configure-azure-ad-cli',
      'https://docs.openshift.com/container-platform/latest/authentication/identity_providers/configuring-oidc-identity-provider.html',
      'https://docs.openshift.com/container-platform/latest/authentication/understanding-identity-provider.html',
    ],
  },
  evaluate(resource) {
    if (resource.name !== 'cluster') {
      return notApplicable('only the OAuth named "cluster" configures the OAuth server');
    }
    const providers = parseObject(OAuthSchema, resource).spec?.identityProviders ?? [];
    if (providers.length === 0) {
      return outcome([
        {
          path: 'spec.identityProviders',
          message:
            'spec.identityProviders is empty, so users can log in only as kubeadmin or with certificates and tokens, not through a central directory',
        },
      ]);
    }
    if (providers.every((p) => LOCAL_IDENTITY_PROVIDER_TYPES.has(p.type ?? ''))) {
      const names = providers.map((p) => `"${p.name ?? '(unnamed)'}" (${p.type})`).join(', ');
      return outcome([
        {
          path: 'spec.identityProviders',
          message: `spec.identityProviders has only local htpasswd providers: ${names}; their accounts live in a Secret on the cluster, without MFA, expiry or central offboarding`,
          actual: providers.map((p) => ({ name: p.name, type: p.type })),
        },
      ]);
    }
    return outcome([]);
  },
});
