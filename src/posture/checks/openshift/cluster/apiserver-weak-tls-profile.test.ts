import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Finding } from '#core';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { apiserverWeakTlsProfile } from './apiserver-weak-tls-profile.ts';

const apiServer = (spec: string, name = 'cluster') => `
apiVersion: config.openshift.io/v1
kind: APIServer
metadata: { name: ${name} }
spec: ${spec}
`;

function only(text: string, file?: string): Finding {
  const [finding, ...rest] = runCheckOn(apiserverWeakTlsProfile, text, undefined, file);
  assert.ok(finding);
  assert.equal(rest.length, 0);
  return finding;
}

describe('apiserver-weak-tls-profile', () => {
  it('passes when tlsSecurityProfile is absent: the default is Intermediate', () => {
    assert.equal(only(apiServer('{ audit: { profile: Default } }')).status, 'pass');
    assert.equal(only(apiServer('{ tlsSecurityProfile: {} }')).status, 'pass');
  });

  for (const profile of ['{ type: Intermediate, intermediate: {} }', '{ type: Modern, modern: {} }']) {
    it(`passes on ${profile}`, () => {
      assert.equal(only(apiServer(`{ tlsSecurityProfile: ${profile} }`)).status, 'pass');
    });
  }

  it('fails on the Old profile', () => {
    const finding = only(apiServer('{ tlsSecurityProfile: { type: Old, old: {} } }'));
    assert.equal(finding.status, 'fail');
    assert.deepEqual(finding.violations, [
      {
        path: 'spec.tlsSecurityProfile.type',
        message: 'spec.tlsSecurityProfile.type is Old, which accepts TLS 1.0 and 1.1 and legacy ciphers such as 3DES',
        actual: 'Old',
      },
    ]);
    assert.equal(
      finding.remediation.command,
      'oc patch apiserver cluster --type=merge -p \'{"spec":{"tlsSecurityProfile":{"type":"Intermediate","intermediate":{},"old":null,"custom":null}}}\'',
    );
  });

  for (const version of ['VersionTLS10', 'VersionTLS11']) {
    it(`fails on a Custom profile with minTLSVersion ${version}`, () => {
      const finding = only(
        apiServer(
          `{ tlsSecurityProfile: { type: Custom, custom: { ciphers: [ECDHE-RSA-AES128-GCM-SHA256], minTLSVersion: ${version} } } }`,
        ),
      );
      assert.deepEqual(finding.violations, [
        {
          path: 'spec.tlsSecurityProfile.custom.minTLSVersion',
          message: `spec.tlsSecurityProfile.custom.minTLSVersion is ${version}, so clients can negotiate TLS older than 1.2`,
          actual: version,
        },
      ]);
    });
  }

  it('passes on a Custom profile with TLS 1.2', () => {
    const finding = only(
      apiServer(
        '{ tlsSecurityProfile: { type: Custom, custom: { ciphers: [ECDHE-RSA-AES128-GCM-SHA256], minTLSVersion: VersionTLS12 } } }',
      ),
    );
    assert.equal(finding.status, 'pass');
  });

  it('is indeterminate on a Custom profile without minTLSVersion (the API requires it)', () => {
    const finding = only(
      apiServer('{ tlsSecurityProfile: { type: Custom, custom: { ciphers: [ECDHE-RSA-AES128-GCM-SHA256] } } }'),
    );
    assert.equal(finding.status, 'indeterminate');
    assert.equal(
      finding.reason,
      'spec.tlsSecurityProfile.type is Custom but custom.minTLSVersion is not set (the API requires it), so the minimum TLS version is unknown',
    );
  });

  it('reads oc get -o json output', () => {
    const json = JSON.stringify({
      apiVersion: 'config.openshift.io/v1',
      kind: 'APIServer',
      metadata: { name: 'cluster' },
      spec: { tlsSecurityProfile: { type: 'Old', old: {} } },
    });
    assert.equal(only(json, 'a.json').status, 'fail');
  });

  it('is not applicable to an APIServer not named cluster', () => {
    assert.equal(only(apiServer('{ tlsSecurityProfile: { type: Old } }', 'other')).status, 'not-applicable');
  });

  it('reports a field of the wrong type as an error naming it', () => {
    const finding = only(apiServer('{ tlsSecurityProfile: { type: [Old] } }'));
    assert.equal(finding.status, 'error');
    assert.match(finding.reason ?? '', /spec\.tlsSecurityProfile\.type/);
  });
});
