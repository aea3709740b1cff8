import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Finding } from '#core';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { etcdEncryptionDisabled } from './etcd-encryption-disabled.ts';

const apiServer = (spec: string, name = 'cluster') => `
apiVersion: config.openshift.io/v1
kind: APIServer
metadata: { name: ${name} }
spec: ${spec}
`;

const operator = (kind: string, condition: string) => `---
apiVersion: operator.openshift.io/v1
kind: ${kind}
metadata: { name: cluster }
spec: { managementState: Managed }
status:
  conditions:
    - { type: NodeInstallerDegraded, status: "False" }
${condition}
`;

const completed = (kind: string) =>
  operator(
    kind,
    '    - { type: Encrypted, status: "True", reason: EncryptionCompleted, message: "All resources encrypted" }',
  );

function only(yaml: string, file?: string): Finding {
  const findings = runCheckOn(etcdEncryptionDisabled, yaml, undefined, file).filter(
    (f) => f.resource.kind === 'APIServer',
  );
  assert.equal(findings.length, 1);
  return findings[0] as Finding;
}

describe('etcd-encryption-disabled', () => {
  it('fails when spec.encryption is absent: the API default is identity (no encryption)', () => {
    const finding = only(apiServer('{ audit: { profile: Default } }'));
    assert.equal(finding.status, 'fail');
    assert.deepEqual(finding.violations, [
      {
        path: 'spec.encryption.type',
        message:
          'spec.encryption.type is not set, so identity (no encryption) applies and secrets, config maps, routes and OAuth tokens are stored in plain text in etcd',
      },
    ]);
    assert.equal(
      finding.remediation.command,
      'oc patch apiserver cluster --type=merge -p \'{"spec":{"encryption":{"type":"aesgcm"}}}\'',
    );
  });

  it('fails on an empty type and on identity', () => {
    assert.equal(only(apiServer('{ encryption: { type: "" } }')).status, 'fail');
    const finding = only(apiServer('{ encryption: { type: identity } }'));
    assert.deepEqual(finding.violations, [
      {
        path: 'spec.encryption.type',
        message:
          'spec.encryption.type is identity, so secrets, config maps, routes and OAuth tokens are stored in plain text in etcd',
        actual: 'identity',
      },
    ]);
  });

  it('fails on a type the API does not define', () => {
    const finding = only(apiServer('{ encryption: { type: AESGCM } }'));
    assert.equal(finding.status, 'fail');
    assert.equal(
      finding.violations[0]?.message,
      'spec.encryption.type is "AESGCM", not aescbc, aesgcm or KMS, so etcd data is not encrypted',
    );
  });

  for (const type of ['aescbc', 'aesgcm', 'KMS']) {
    it(`passes on ${type} when no operator object is in the scan`, () => {
      assert.equal(only(apiServer(`{ encryption: { type: ${type} } }`)).status, 'pass');
    });
  }

  it('passes when every operator in the scan reports EncryptionCompleted', () => {
    const yaml =
      apiServer('{ encryption: { type: aesgcm } }') +
      completed('KubeAPIServer') +
      completed('OpenShiftAPIServer') +
      completed('Authentication');
    assert.equal(only(yaml).status, 'pass');
  });

  it('is indeterminate while an operator is still encrypting', () => {
    const yaml =
      apiServer('{ encryption: { type: aescbc } }') +
      completed('KubeAPIServer') +
      operator(
        'OpenShiftAPIServer',
        '    - { type: Encrypted, status: "False", reason: EncryptionInProgress, message: "Resource routes.route.openshift.io is being encrypted" }',
      );
    const finding = only(yaml);
    assert.equal(finding.status, 'indeterminate');
    assert.equal(
      finding.reason,
      'encryption is configured (aescbc) but not confirmed complete: OpenShiftAPIServer "cluster" is still encrypting routes (EncryptionInProgress: Resource routes.route.openshift.io is being encrypted)',
    );
  });

  it('is indeterminate when an operator object has no Encrypted condition (exported without status)', () => {
    const yaml = `${apiServer('{ encryption: { type: aesgcm } }')}---
apiVersion: operator.openshift.io/v1
kind: KubeAPIServer
metadata: { name: cluster }
spec: { managementState: Managed }
`;
    const finding = only(yaml);
    assert.equal(finding.status, 'indeterminate');
    assert.match(
      finding.reason ?? '',
      /KubeAPIServer "cluster" has no Encrypted condition in status \(export it with oc get kubeapiserver\.operator\.openshift\.io cluster -o yaml\)/,
    );
  });

  it('fails when an operator reports decryption despite an encrypting spec', () => {
    const yaml =
      apiServer('{ encryption: { type: aesgcm } }') +
      operator(
        'Authentication',
        '    - { type: Encrypted, status: "False", reason: DecryptionInProgress, message: "Encryption mode set to identity and decryption is not finished" }',
      ) +
      operator('KubeAPIServer', '    - { type: Encrypted, status: "False", reason: EncryptionInProgress }');
    const finding = only(yaml);
    assert.equal(finding.status, 'fail');
    assert.deepEqual(finding.violations, [
      {
        path: 'spec.encryption.type',
        message:
          'spec.encryption.type is aesgcm but Authentication "cluster" reports Encrypted=False (DecryptionInProgress: Encryption mode set to identity and decryption is not finished), so its OAuth access and authorize tokens are not encrypted',
        actual: { kind: 'Authentication', reason: 'DecryptionInProgress' },
      },
    ]);
  });

  it('reads oc get -o json output', () => {
    const json = JSON.stringify({
      apiVersion: 'config.openshift.io/v1',
      kind: 'APIServer',
      metadata: { name: 'cluster' },
      spec: { audit: { profile: 'Default' }, encryption: { type: 'aesgcm' } },
      status: {},
    });
    assert.equal(only(json, 'a.json').status, 'pass');
  });

  it('is not applicable to an APIServer not named cluster', () => {
    const finding = only(apiServer('{}', 'other'));
    assert.equal(finding.status, 'not-applicable');
  });

  it('reports a field of the wrong type as an error naming it', () => {
    const finding = only(apiServer('{ encryption: { type: 1 } }'));
    assert.equal(finding.status, 'error');
    assert.match(finding.reason ?? '', /spec\.encryption\.type/);
  });
});
