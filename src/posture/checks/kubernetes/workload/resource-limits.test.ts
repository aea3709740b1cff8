import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Violation } from '#core';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { resourceLimits } from './resource-limits.ts';

interface Case {
  readonly name: string;
  readonly yaml: string;
  readonly status: 'pass' | 'fail';
  readonly violations?: readonly Violation[];
  /** Namespace of the workload to assert on, when the input holds several. */
  readonly namespace?: string;
}

const cases: readonly Case[] = [
  {
    name: 'limits on every init and regular container; ephemeral containers are ignored',
    yaml: `
apiVersion: v1
kind: Pod
metadata: { name: web, namespace: shop }
spec:
  initContainers:
    - name: migrate
      image: app:1
      resources: { limits: { cpu: 200m, memory: 128Mi } }
  containers:
    - name: web
      image: app:1
      resources: { limits: { cpu: 1, memory: 1Gi } }
  ephemeralContainers:
    - { name: debugger, image: busybox:1.36 }
`,
    status: 'pass',
  },
  {
    name: 'missing, empty, zero and invalid values each name their field',
    yaml: `
apiVersion: apps/v1
kind: StatefulSet
metadata: { name: db, namespace: data }
spec:
  serviceName: db
  selector: { matchLabels: { app: db } }
  template:
    metadata: { labels: { app: db } }
    spec:
      initContainers:
        - { name: init, image: db:16 }
      containers:
        - name: db
          image: db:16
          resources: { limits: { cpu: "0", memory: "" } }
        - name: exporter
          image: exporter:1
          resources: { limits: { cpu: lots, memory: 64Mi } }
`,
    status: 'fail',
    violations: [
      {
        path: 'spec.template.spec.initContainers[0].resources.limits.cpu',
        message: 'container "init" has no cpu limit',
        container: 'init',
      },
      {
        path: 'spec.template.spec.initContainers[0].resources.limits.memory',
        message: 'container "init" has no memory limit',
        container: 'init',
      },
      {
        path: 'spec.template.spec.containers[0].resources.limits.cpu',
        message: 'container "db" sets limits.cpu to 0, which means no limit',
        container: 'db',
        actual: '0',
      },
      {
        path: 'spec.template.spec.containers[0].resources.limits.memory',
        message: 'container "db" has no memory limit',
        container: 'db',
        actual: '',
      },
      {
        path: 'spec.template.spec.containers[1].resources.limits.cpu',
        message: 'container "exporter" sets limits.cpu to "lots", which is not a quantity',
        container: 'exporter',
        actual: 'lots',
      },
    ],
  },
  {
    name: 'a LimitRange default in the same namespace supplies the missing limit',
    yaml: `
apiVersion: v1
kind: LimitRange
metadata: { name: defaults, namespace: shop }
spec:
  limits:
    - type: Container
      default: { memory: 512Mi }
---
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
          image: api:3
          resources: { limits: { cpu: 500m } }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: api, namespace: other }
spec:
  selector: { matchLabels: { app: api } }
  template:
    metadata: { labels: { app: api } }
    spec:
      containers:
        - name: api
          image: api:3
          resources: { limits: { cpu: 500m } }
`,
    namespace: 'other',
    status: 'fail',
    violations: [
      {
        path: 'spec.template.spec.containers[0].resources.limits.memory',
        message: 'container "api" has no memory limit',
        container: 'api',
      },
    ],
  },
  {
    name: 'pod-level limits bound every container',
    yaml: `
apiVersion: batch/v1
kind: Job
metadata: { name: etl, namespace: batch }
spec:
  template:
    spec:
      restartPolicy: Never
      resources: { limits: { cpu: "2", memory: 2Gi } }
      containers:
        - { name: extract, image: etl:1 }
        - { name: load, image: etl:1 }
`,
    status: 'pass',
  },
];

describe('resource-limits', () => {
  for (const c of cases) {
    it(c.name, () => {
      const findings = runCheckOn(resourceLimits, c.yaml);
      const finding = c.namespace ? findings.find((f) => f.resource.namespace === c.namespace) : findings[0];
      assert.equal(finding?.status, c.status);
      assert.deepEqual(finding?.violations, c.violations ?? []);
    });
  }

  it('passes the workload whose namespace has the LimitRange and fails the other', () => {
    const findings = runCheckOn(resourceLimits, cases[2]?.yaml ?? '');
    assert.deepEqual(
      findings.map((f) => [f.resource.namespace, f.status]),
      [
        ['shop', 'pass'],
        ['other', 'fail'],
      ],
    );
  });
});
