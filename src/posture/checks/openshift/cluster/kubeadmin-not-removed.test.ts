import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Finding } from '#core';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { kubeadminNotRemoved } from './kubeadmin-not-removed.ts';

const OAUTH = `
apiVersion: config.openshift.io/v1
kind: OAuth
metadata: { name: cluster }
spec: {}
`;

const secret = (namespace: string, name: string) => `---
apiVersion: v1
kind: Secret
metadata: { name: ${name}, namespace: ${namespace} }
type: Opaque
`;

function findingOf(findings: readonly Finding[], kind: string, name: string): Finding {
  const found = findings.filter((f) => f.resource.kind === kind && f.resource.name === name);
  assert.equal(found.length, 1, `${kind}/${name}`);
  return found[0] as Finding;
}

describe('kubeadmin-not-removed', () => {
  it('fails on Secret kube-system/kubeadmin, and the OAuth defers to it', () => {
    const findings = runCheckOn(kubeadminNotRemoved, OAUTH + secret('kube-system', 'kubeadmin'));
    const onSecret = findingOf(findings, 'Secret', 'kubeadmin');
    assert.equal(onSecret.status, 'fail');
    assert.deepEqual(onSecret.violations, [
      {
        path: 'metadata.name',
        message:
          'Secret "kube-system/kubeadmin" exists, so the kubeadmin user can still log in with cluster-admin rights and a static password',
      },
    ]);
    assert.equal(onSecret.remediation.command, 'oc delete secrets kubeadmin -n kube-system');
    const onOAuth = findingOf(findings, 'OAuth', 'cluster');
    assert.equal(onOAuth.status, 'not-applicable');
    assert.match(onOAuth.reason ?? '', /reported on Secret "kube-system\/kubeadmin"/);
  });

  it('fails on the kubeadmin Secret alone, without reading its data', () => {
    const yaml = `${secret('kube-system', 'kubeadmin')}data: { kubeadmin: 12345 }\n`;
    const findings = runCheckOn(kubeadminNotRemoved, yaml);
    assert.equal(findingOf(findings, 'Secret', 'kubeadmin').status, 'fail');
  });

  it('passes on the OAuth when other Secrets of kube-system are in the scan and kubeadmin is not', () => {
    const findings = runCheckOn(kubeadminNotRemoved, OAUTH + secret('kube-system', 'etcd-client'));
    assert.equal(findingOf(findings, 'OAuth', 'cluster').status, 'pass');
    assert.equal(findingOf(findings, 'Secret', 'etcd-client').status, 'not-applicable');
  });

  it('is indeterminate when no Secret of kube-system is in the scan (removed or not exported)', () => {
    const yaml = `${OAUTH}---
apiVersion: v1
kind: Namespace
metadata: { name: kube-system }
${secret('shop', 'kubeadmin')}`;
    const findings = runCheckOn(kubeadminNotRemoved, yaml);
    const onOAuth = findingOf(findings, 'OAuth', 'cluster');
    assert.equal(onOAuth.status, 'indeterminate');
    assert.equal(
      onOAuth.reason,
      "the scan holds no Secret of kube-system, so a removed kubeadmin Secret cannot be told from one that was not exported; export them without their data: oc get secrets -n kube-system -o json | jq 'del(.items[].data)' (the check reads only names)",
    );
    assert.equal(findingOf(findings, 'Secret', 'kubeadmin').status, 'not-applicable');
  });

  it('reads oc get -o json List output', () => {
    const json = JSON.stringify({
      apiVersion: 'v1',
      kind: 'List',
      metadata: { resourceVersion: '' },
      items: [
        { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'kubeadmin', namespace: 'kube-system' }, type: 'Opaque' },
      ],
    });
    const findings = runCheckOn(kubeadminNotRemoved, json, undefined, 'a.json');
    assert.equal(findingOf(findings, 'Secret', 'kubeadmin').status, 'fail');
  });

  it('is not applicable to an OAuth not named cluster', () => {
    const yaml = 'apiVersion: config.openshift.io/v1\nkind: OAuth\nmetadata: { name: other }\nspec: {}\n';
    assert.equal(findingOf(runCheckOn(kubeadminNotRemoved, yaml), 'OAuth', 'other').status, 'not-applicable');
  });
});
