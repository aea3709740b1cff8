import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { missingProbes } from './missing-probes.ts';

describe('missing-probes', () => {
  it('passes containers with both probes; init containers, sidecars and ephemeral containers are not checked', () => {
    const [finding] = runCheckOn(
      missingProbes,
      `
apiVersion: v1
kind: Pod
metadata: { name: web, namespace: shop }
spec:
  initContainers:
    - { name: migrate, image: app:1 }
    - { name: proxy, image: proxy:1, restartPolicy: Always }
  containers:
    - name: web
      image: app:1
      readinessProbe: { httpGet: { path: /readyz, port: 8080 } }
      livenessProbe: { grpc: { port: 9090 } }
  ephemeralContainers:
    - { name: debugger, image: busybox:1.36 }
`,
    );
    assert.equal(finding?.status, 'pass');
  });

  it('reports each missing or empty probe with its exact path', () => {
    const [finding] = runCheckOn(
      missingProbes,
      `
apiVersion: apps/v1
kind: Deployment
metadata: { name: api, namespace: shop }
spec:
  selector: { matchLabels: { app: api } }
  template:
    metadata: { labels: { app: api } }
    spec:
      containers:
        - name: api
          image: api:1
          startupProbe: { tcpSocket: { port: 8080 } }
          readinessProbe: { tcpSocket: { port: 8080 } }
        - name: worker
          image: api:1
          livenessProbe: { periodSeconds: 10 }
`,
    );
    assert.equal(finding?.status, 'fail');
    assert.deepEqual(finding?.violations, [
      {
        path: 'spec.template.spec.containers[0].livenessProbe',
        message: 'container "api" has no livenessProbe',
        container: 'api',
      },
      {
        path: 'spec.template.spec.containers[1].livenessProbe',
        message: 'container "worker" has a livenessProbe without a handler (exec, httpGet, tcpSocket or grpc)',
        container: 'worker',
      },
      {
        path: 'spec.template.spec.containers[1].readinessProbe',
        message: 'container "worker" has no readinessProbe',
        container: 'worker',
      },
    ]);
  });

  const notApplicable: readonly (readonly [string, string, string])[] = [
    [
      'Job',
      'apiVersion: batch/v1\nkind: Job\nmetadata: { name: j, namespace: ns }\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers: [ { name: c, image: c:1 } ]',
      'Job pods run to completion',
    ],
    [
      'CronJob',
      'apiVersion: batch/v1\nkind: CronJob\nmetadata: { name: cj, namespace: ns }\nspec:\n  schedule: "@hourly"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: OnFailure\n          containers: [ { name: c, image: c:1 } ]',
      'CronJob pods run to completion',
    ],
    [
      'Pod with restartPolicy Never',
      'apiVersion: v1\nkind: Pod\nmetadata: { name: p, namespace: ns }\nspec:\n  restartPolicy: Never\n  containers: [ { name: c, image: c:1 } ]',
      'restartPolicy Never: the pod runs to completion',
    ],
    [
      'Pod with restartPolicy OnFailure',
      'apiVersion: v1\nkind: Pod\nmetadata: { name: p, namespace: ns }\nspec:\n  restartPolicy: OnFailure\n  containers: [ { name: c, image: c:1 } ]',
      'restartPolicy OnFailure: the pod runs to completion',
    ],
  ];
  for (const [name, yaml, reason] of notApplicable) {
    it(`is not applicable to a ${name}`, () => {
      const [finding] = runCheckOn(missingProbes, yaml);
      assert.equal(finding?.status, 'not-applicable');
      assert.equal(finding?.reason, reason);
    });
  }
});
