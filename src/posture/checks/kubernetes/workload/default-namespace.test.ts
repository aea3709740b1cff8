import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { defaultNamespace } from './default-namespace.ts';

describe('default-namespace', () => {
  it('fails a workload explicitly in default, naming the field', () => {
    const [finding] = runCheckOn(
      defaultNamespace,
      `
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: default }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
        - { name: web, image: web:1 }
`,
    );
    assert.equal(finding?.status, 'fail');
    assert.deepEqual(finding?.violations, [
      { path: 'metadata.namespace', message: 'metadata.namespace is "default"', actual: 'default' },
    ]);
  });

  const table: readonly (readonly [string, string, string])[] = [
    // description, yaml, expected status
    [
      'pod in its own namespace',
      'apiVersion: v1\nkind: Pod\nmetadata: { name: p, namespace: shop }\nspec: { containers: [ { name: c, image: c:1 } ] }',
      'pass',
    ],
    [
      'pod without namespace',
      'apiVersion: v1\nkind: Pod\nmetadata: { name: p }\nspec: { containers: [ { name: c, image: c:1 } ] }',
      'not-applicable',
    ],
    [
      'Service in default',
      'apiVersion: v1\nkind: Service\nmetadata: { name: web, namespace: default }\nspec: { ports: [ { port: 80 } ] }',
      'fail',
    ],
    [
      'Service kubernetes in default',
      'apiVersion: v1\nkind: Service\nmetadata: { name: kubernetes, namespace: default }\nspec: { ports: [ { port: 443 } ] }',
      'not-applicable',
    ],
    [
      'ConfigMap kube-root-ca.crt',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: kube-root-ca.crt, namespace: default }\ndata: {}',
      'not-applicable',
    ],
    [
      'ConfigMap of an app',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: settings, namespace: default }\ndata: {}',
      'fail',
    ],
    [
      'ServiceAccount default',
      'apiVersion: v1\nkind: ServiceAccount\nmetadata: { name: default, namespace: default }',
      'not-applicable',
    ],
    [
      'ServiceAccount of an app',
      'apiVersion: v1\nkind: ServiceAccount\nmetadata: { name: web, namespace: default }',
      'fail',
    ],
    [
      'pull secret of the builder service account (OpenShift)',
      'apiVersion: v1\nkind: Secret\nmetadata:\n  name: builder-dockercfg-x7k2p\n  namespace: default\n  annotations: { kubernetes.io/service-account.name: builder }\ntype: kubernetes.io/dockercfg\ndata: {}',
      'not-applicable',
    ],
    [
      'token secret of an app service account',
      'apiVersion: v1\nkind: Secret\nmetadata:\n  name: web-token\n  namespace: default\n  annotations: { kubernetes.io/service-account.name: web }\ntype: kubernetes.io/service-account-token',
      'fail',
    ],
    ['opaque secret', 'apiVersion: v1\nkind: Secret\nmetadata: { name: db, namespace: default }\ntype: Opaque', 'fail'],
    [
      'OpenShift image-puller RoleBinding',
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: { name: "system:image-pullers", namespace: default }\nroleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "system:image-puller" }\nsubjects: []',
      'not-applicable',
    ],
    [
      'legacy extensions Ingress',
      'apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: { name: web, namespace: default }\nspec: {}',
      'fail',
    ],
  ];
  for (const [name, yaml, status] of table) {
    it(`${name} → ${status}`, () => {
      const findings = runCheckOn(defaultNamespace, yaml);
      assert.deepEqual(
        findings.map((f) => f.status),
        [status],
      );
    });
  }

  it('explains why cluster-created objects are skipped', () => {
    const [finding] = runCheckOn(
      defaultNamespace,
      'apiVersion: v1\nkind: ServiceAccount\nmetadata: { name: deployer, namespace: default }',
    );
    assert.equal(finding?.reason, 'the cluster creates ServiceAccount "deployer" in every namespace');
  });
});
