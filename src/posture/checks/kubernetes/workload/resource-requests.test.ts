import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Violation } from '#core';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { resourceRequests } from './resource-requests.ts';

interface Case {
  readonly name: string;
  readonly yaml: string;
  readonly status: 'pass' | 'fail';
  readonly violations?: readonly Violation[];
}

const cases: readonly Case[] = [
  {
    name: 'explicit requests, and a limit that the API server copies into the request',
    yaml: `
apiVersion: apps/v1
kind: DaemonSet
metadata: { name: agent, namespace: monitoring }
spec:
  selector: { matchLabels: { app: agent } }
  template:
    metadata: { labels: { app: agent } }
    spec:
      containers:
        - name: agent
          image: agent:1
          resources:
            requests: { cpu: 50m }
            limits: { memory: 200Mi }
`,
    status: 'pass',
  },
  {
    name: 'missing and zero requests are reported; ephemeral containers are ignored',
    yaml: `
apiVersion: v1
kind: Pod
metadata: { name: web, namespace: shop }
spec:
  initContainers:
    - name: setup
      image: app:1
      resources: { requests: { cpu: 0, memory: 32Mi } }
  containers:
    - { name: web, image: app:1 }
  ephemeralContainers:
    - { name: debugger, image: busybox:1.36 }
`,
    status: 'fail',
    violations: [
      {
        path: 'spec.initContainers[0].resources.requests.cpu',
        message: 'container "setup" sets requests.cpu to 0',
        container: 'setup',
        actual: 0,
      },
      {
        path: 'spec.containers[0].resources.requests.cpu',
        message: 'container "web" has no cpu request',
        container: 'web',
      },
      {
        path: 'spec.containers[0].resources.requests.memory',
        message: 'container "web" has no memory request',
        container: 'web',
      },
    ],
  },
  {
    name: 'a LimitRange min or default supplies the request',
    yaml: `
apiVersion: v1
kind: LimitRange
metadata: { name: floor, namespace: shop }
spec:
  limits:
    - type: Container
      min: { cpu: 10m }
      default: { memory: 256Mi }
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
        - { name: api, image: api:3 }
`,
    status: 'pass',
  },
  {
    name: 'pod-level requests cover every container',
    yaml: `
apiVersion: v1
kind: Pod
metadata: { name: pair, namespace: shop }
spec:
  resources: { requests: { cpu: 500m, memory: 1Gi } }
  containers:
    - { name: a, image: a:1 }
    - { name: b, image: b:1 }
`,
    status: 'pass',
  },
];

describe('resource-requests', () => {
  for (const c of cases) {
    it(c.name, () => {
      const findings = runCheckOn(resourceRequests, c.yaml).filter((f) => f.resource.kind !== 'LimitRange');
      assert.equal(findings.length, 1);
      const [finding] = findings;
      assert.equal(finding?.status, c.status);
      assert.deepEqual(finding?.violations, c.violations ?? []);
    });
  }
});
