import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { secretEnvReference } from './secret-env-reference.ts';

describe('secret-env-reference', () => {
  it('passes Secrets mounted as files, ConfigMap references and field references', () => {
    const [finding] = runCheckOn(
      secretEnvReference,
      `
apiVersion: v1
kind: Pod
metadata: { name: p, namespace: ns }
spec:
  containers:
    - name: app
      image: app:1
      env:
        - { name: MODE, value: prod }
        - name: LEVEL
          valueFrom: { configMapKeyRef: { name: settings, key: level } }
        - name: POD_IP
          valueFrom: { fieldRef: { fieldPath: status.podIP } }
      envFrom:
        - configMapRef: { name: settings }
      volumeMounts:
        - { name: db, mountPath: /var/run/secrets/db, readOnly: true }
  volumes:
    - name: db
      secret: { secretName: db }
`,
    );
    assert.equal(finding?.status, 'pass');
  });

  it('reports secretKeyRef and envFrom secretRef in every container kind, with exact paths', () => {
    const [finding] = runCheckOn(
      secretEnvReference,
      `
apiVersion: apps.openshift.io/v1
kind: DeploymentConfig
metadata: { name: api, namespace: shop }
spec:
  replicas: 2
  selector: { app: api }
  template:
    metadata: { labels: { app: api } }
    spec:
      initContainers:
        - name: migrate
          image: migrate:1
          envFrom:
            - prefix: DB_
              secretRef: { name: db }
      containers:
        - name: api
          image: api:1
          env:
            - { name: MODE, value: prod }
            - name: DB_PASSWORD
              valueFrom: { secretKeyRef: { name: db, key: password, optional: false } }
`,
    );
    assert.equal(finding?.status, 'fail');
    assert.deepEqual(finding?.violations, [
      {
        path: 'spec.template.spec.initContainers[0].envFrom[0].secretRef',
        message: 'container "migrate" loads every key of Secret "db" into its environment',
        container: 'migrate',
      },
      {
        path: 'spec.template.spec.containers[0].env[1].valueFrom.secretKeyRef',
        message: 'container "api" reads key "password" of Secret "db" into environment variable "DB_PASSWORD"',
        container: 'api',
      },
    ]);
  });

  it('checks ephemeral containers', () => {
    const [finding] = runCheckOn(
      secretEnvReference,
      `
apiVersion: v1
kind: Pod
metadata: { name: p, namespace: ns }
spec:
  containers:
    - { name: app, image: app:1 }
  ephemeralContainers:
    - name: debug
      image: busybox:1.36
      env:
        - name: TOKEN
          valueFrom: { secretKeyRef: { name: api, key: token } }
`,
    );
    assert.deepEqual(
      finding?.violations.map((v) => v.path),
      ['spec.ephemeralContainers[0].env[0].valueFrom.secretKeyRef'],
    );
  });
});
