import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Finding } from '#core';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { apiserverAuditDisabled } from './apiserver-audit-disabled.ts';

const apiServer = (spec: string, name = 'cluster') => `
apiVersion: config.openshift.io/v1
kind: APIServer
metadata: { name: ${name} }
spec: ${spec}
`;

function only(text: string, file?: string): Finding {
  const [finding, ...rest] = runCheckOn(apiserverAuditDisabled, text, undefined, file);
  assert.ok(finding);
  assert.equal(rest.length, 0);
  return finding;
}

describe('apiserver-audit-disabled', () => {
  it('passes when spec.audit is absent: the default profile is Default', () => {
    assert.equal(only(apiServer('{}')).status, 'pass');
    assert.equal(only(apiServer('{ audit: {} }')).status, 'pass');
  });

  for (const profile of ['Default', 'WriteRequestBodies', 'AllRequestBodies']) {
    it(`passes on profile ${profile}`, () => {
      assert.equal(only(apiServer(`{ audit: { profile: ${profile} } }`)).status, 'pass');
    });
  }

  it('fails on profile None', () => {
    const finding = only(apiServer('{ audit: { profile: None } }'));
    assert.equal(finding.status, 'fail');
    assert.deepEqual(finding.violations, [
      {
        path: 'spec.audit.profile',
        message: 'spec.audit.profile is None, so the API servers log no request at all',
        actual: 'None',
      },
    ]);
    assert.equal(
      finding.remediation.command,
      'oc patch apiserver cluster --type=merge -p \'{"spec":{"audit":{"profile":"Default"}}}\'',
    );
  });

  it('fails at each custom rule that turns audit off for a group', () => {
    const finding = only(
      apiServer(`
  audit:
    profile: Default
    customRules:
      - { group: system:authenticated:oauth, profile: AllRequestBodies }
      - { group: system:serviceaccounts:ci, profile: None }`),
    );
    assert.deepEqual(finding.violations, [
      {
        path: 'spec.audit.customRules[1].profile',
        message:
          'spec.audit.customRules[1] sets profile None for group "system:serviceaccounts:ci", so no request of its members is logged',
        actual: { group: 'system:serviceaccounts:ci', profile: 'None' },
      },
    ]);
  });

  it('reads oc get -o json output', () => {
    const json = JSON.stringify({
      apiVersion: 'config.openshift.io/v1',
      kind: 'APIServer',
      metadata: { name: 'cluster' },
      spec: { audit: { profile: 'None' } },
    });
    assert.equal(only(json, 'a.json').status, 'fail');
  });

  it('is not applicable to an APIServer not named cluster', () => {
    assert.equal(only(apiServer('{ audit: { profile: None } }', 'other')).status, 'not-applicable');
  });

  it('reports a field of the wrong type as an error naming it', () => {
    const finding = only(apiServer('{ audit: { customRules: None } }'));
    assert.equal(finding.status, 'error');
    assert.match(finding.reason ?? '', /spec\.audit\.customRules/);
  });
});
