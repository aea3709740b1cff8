import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Finding } from '#core';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { oauthNoIdentityProvider } from './oauth-no-identity-provider.ts';

const oauth = (spec: string, name = 'cluster') => `
apiVersion: config.openshift.io/v1
kind: OAuth
metadata: { name: ${name} }
spec: ${spec}
`;

function only(text: string, file?: string): Finding {
  const [finding, ...rest] = runCheckOn(oauthNoIdentityProvider, text, undefined, file);
  assert.ok(finding);
  assert.equal(rest.length, 0);
  return finding;
}

const EMPTY = {
  path: 'spec.identityProviders',
  message:
    'spec.identityProviders is empty, so users can log in only as kubeadmin or with certificates and tokens, not through a central directory',
};

describe('oauth-no-identity-provider', () => {
  it('fails on the installed default (spec: {}): no identity provider unless one is configured', () => {
    const finding = only(oauth('{}'));
    assert.equal(finding.status, 'fail');
    assert.deepEqual(finding.violations, [EMPTY]);
    assert.equal(
      finding.remediation.command,
      'oc create secret generic openid-client-secret-azuread -n openshift-config --from-literal=clientSecret=<client-secret>',
    );
  });

  it('fails on an empty list and on a missing spec', () => {
    assert.deepEqual(only(oauth('{ identityProviders: [] }')).violations, [EMPTY]);
    assert.deepEqual(
      only('apiVersion: config.openshift.io/v1\nkind: OAuth\nmetadata: { name: cluster }\n').violations,
      [EMPTY],
    );
  });

  it('fails when only htpasswd providers are configured, naming them', () => {
    const finding = only(
      oauth(`
  identityProviders:
    - { name: local-users, type: HTPasswd, mappingMethod: claim, htpasswd: { fileData: { name: htpass-secret } } }
    - { name: admins, type: HTPasswd, htpasswd: { fileData: { name: admins-secret } } }`),
    );
    assert.equal(finding.status, 'fail');
    assert.deepEqual(finding.violations, [
      {
        path: 'spec.identityProviders',
        message:
          'spec.identityProviders has only local htpasswd providers: "local-users" (HTPasswd), "admins" (HTPasswd); their accounts live in a Secret on the cluster, without MFA, expiry or central offboarding',
        actual: [
          { name: 'local-users', type: 'HTPasswd' },
          { name: 'admins', type: 'HTPasswd' },
        ],
      },
    ]);
  });

  it('passes with an OpenID provider for Microsoft Entra ID next to an htpasswd break-glass provider', () => {
    const finding = only(
      oauth(`
  identityProviders:
    - { name: breakglass, type: HTPasswd, htpasswd: { fileData: { name: htpass-secret } } }
    - name: AAD
      type: OpenID
      mappingMethod: claim
      openID: { clientID: app, clientSecret: { name: s }, issuer: "https://login.microsoftonline.com/tenant" }`),
    );
    assert.equal(finding.status, 'pass');
  });

  for (const type of ['LDAP', 'GitHub', 'GitLab', 'Google', 'Keystone', 'BasicAuth', 'RequestHeader']) {
    it(`passes with a ${type} provider`, () => {
      assert.equal(only(oauth(`{ identityProviders: [ { name: corp, type: ${type} } ] }`)).status, 'pass');
    });
  }

  it('reads oc get -o json output', () => {
    const json = JSON.stringify({
      apiVersion: 'config.openshift.io/v1',
      kind: 'OAuth',
      metadata: { name: 'cluster' },
      spec: { identityProviders: [{ name: 'AAD', type: 'OpenID', mappingMethod: 'claim' }] },
    });
    assert.equal(only(json, 'a.json').status, 'pass');
  });

  it('is not applicable to an OAuth not named cluster', () => {
    assert.equal(only(oauth('{}', 'other')).status, 'not-applicable');
  });

  it('reports identityProviders of the wrong type as an error naming it', () => {
    const finding = only(oauth('{ identityProviders: AAD }'));
    assert.equal(finding.status, 'error');
    assert.match(finding.reason ?? '', /spec\.identityProviders/);
  });
});
