import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Finding } from '#core';
import type { CheckSettings } from '#posture/check.ts';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { clusterAdminGrantedToUser } from './cluster-admin-granted-to-user.ts';

const binding = (name: string, subjects: string, role = 'cluster-admin') => `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: ${name} }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: ${role} }
subjects:
${subjects}`;

function only(text: string, settings?: Partial<CheckSettings>, file?: string): Finding {
  const [finding, ...rest] = runCheckOn(clusterAdminGrantedToUser, text, settings, file);
  assert.ok(finding);
  assert.equal(rest.length, 0);
  return finding;
}

describe('cluster-admin-granted-to-user', () => {
  it('fails at each user and application service account, not at groups', () => {
    const finding = only(
      binding(
        'admins',
        `  - { apiGroup: rbac.authorization.k8s.io, kind: Group, name: platform-team }
  - { apiGroup: rbac.authorization.k8s.io, kind: User, name: alice@contoso.com }
  - { kind: ServiceAccount, name: pipeline, namespace: ci }
  - { kind: User, name: "system:serviceaccount:ci:deployer" }`,
      ),
    );
    assert.equal(finding.status, 'fail');
    assert.deepEqual(finding.violations, [
      {
        path: 'subjects[1]',
        message:
          'User "alice@contoso.com" holds cluster-admin directly through ClusterRoleBinding "admins"; grant it through a group managed in the identity provider',
        actual: { kind: 'User', name: 'alice@contoso.com' },
      },
      {
        path: 'subjects[2]',
        message:
          'ServiceAccount "ci/pipeline" holds cluster-admin directly through ClusterRoleBinding "admins"; an application service account should hold a narrower role',
        actual: { kind: 'ServiceAccount', name: 'pipeline', namespace: 'ci' },
      },
      {
        path: 'subjects[3]',
        message:
          'User "system:serviceaccount:ci:deployer" holds cluster-admin directly through ClusterRoleBinding "admins"; grant it through a group managed in the identity provider',
        actual: { kind: 'User', name: 'system:serviceaccount:ci:deployer' },
      },
    ]);
    assert.equal(finding.remediation.command, 'oc adm policy remove-cluster-role-from-user cluster-admin <user>');
  });

  it('passes on a binding to groups only (broad groups are left to cluster-admin-binding)', () => {
    const finding = only(
      binding(
        'aro-admins',
        '  - { kind: Group, name: aro-cluster-admins }\n  - { kind: Group, name: system:authenticated }',
      ),
    );
    assert.equal(finding.status, 'pass');
  });

  it('passes on the bindings OpenShift ships and on platform operators', () => {
    assert.equal(only(binding('cluster-admin', '  - { kind: Group, name: system:masters }')).status, 'pass');
    assert.equal(
      only(
        binding(
          'cluster-admins',
          '  - { kind: Group, name: system:cluster-admins }\n  - { kind: User, name: system:admin }',
        ),
      ).status,
      'pass',
    );
    assert.equal(
      only(
        binding(
          'cluster-version-operator',
          '  - { kind: ServiceAccount, name: default, namespace: openshift-cluster-version }',
        ),
      ).status,
      'pass',
    );
  });

  it('skips shipped subjects by name even when system namespaces are customised, but not users added to them', () => {
    const finding = only(
      binding('cluster-admins', '  - { kind: User, name: system:admin }\n  - { kind: User, name: bob }'),
      { systemNamespaces: [] },
    );
    assert.deepEqual(
      finding.violations.map((v) => v.path),
      ['subjects[1]'],
    );
  });

  it('a service account of a namespace added to settings.systemNamespaces is a system identity', () => {
    const yaml = binding('ci-admin', '  - { kind: ServiceAccount, name: pipeline, namespace: ci }');
    assert.equal(only(yaml).status, 'fail');
    assert.equal(only(yaml, { systemNamespaces: ['ci'] }).status, 'pass');
  });

  it('is not applicable to bindings of other roles', () => {
    const finding = only(binding('viewers', '  - { kind: User, name: alice }', 'view'));
    assert.equal(finding.status, 'not-applicable');
    assert.equal(finding.reason, 'the binding grants ClusterRole "view", not cluster-admin');
  });

  it('passes on a binding without subjects', () => {
    const yaml =
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: { name: empty }\nroleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin }\n';
    assert.equal(only(yaml).status, 'pass');
  });

  it('reads oc get -o json output', () => {
    const json = JSON.stringify({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'cluster-admin-0' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'carol' }],
    });
    const finding = only(json, undefined, 'a.json');
    assert.equal(finding.status, 'fail');
    assert.equal(finding.violations[0]?.path, 'subjects[0]');
  });

  it('reports an invalid binding as an error', () => {
    const finding = only(
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: { name: bad }\n',
    );
    assert.equal(finding.status, 'error');
    assert.match(finding.reason ?? '', /roleRef/);
  });
});
