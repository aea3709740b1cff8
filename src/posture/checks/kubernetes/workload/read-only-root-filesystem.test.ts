import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Violation } from '#core';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { readOnlyRootFilesystem } from './read-only-root-filesystem.ts';

interface Case {
  readonly name: string;
  readonly yaml: string;
  readonly status: 'pass' | 'fail' | 'not-applicable';
  readonly violations?: readonly Violation[];
}

const cases: readonly Case[] = [
  {
    name: 'every init and regular container is read-only; ephemeral containers are not checked',
    yaml: `
apiVersion: v1
kind: Pod
metadata: { name: web, namespace: shop }
spec:
  initContainers:
    - { name: migrate, image: app:1, securityContext: { readOnlyRootFilesystem: true } }
  containers:
    - { name: web, image: app:1, securityContext: { readOnlyRootFilesystem: true } }
  ephemeralContainers:
    - { name: debugger, image: busybox:1.36 }
`,
    status: 'pass',
  },
  {
    name: 'unset, false and missing securityContext are all reported with exact paths',
    yaml: `
apiVersion: apps/v1
kind: Deployment
metadata: { name: api, namespace: shop }
spec:
  selector: { matchLabels: { app: api } }
  template:
    metadata: { labels: { app: api } }
    spec:
      initContainers:
        - { name: init, image: app:1 }
      containers:
        - { name: api, image: app:1, securityContext: { readOnlyRootFilesystem: false } }
        - { name: sidecar, image: proxy:1, securityContext: { runAsNonRoot: true } }
`,
    status: 'fail',
    violations: [
      {
        path: 'spec.template.spec.initContainers[0].securityContext.readOnlyRootFilesystem',
        message: 'container "init" does not set securityContext.readOnlyRootFilesystem=true',
        container: 'init',
      },
      {
        path: 'spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem',
        message: 'container "api" sets securityContext.readOnlyRootFilesystem=false',
        container: 'api',
        actual: false,
      },
      {
        path: 'spec.template.spec.containers[1].securityContext.readOnlyRootFilesystem',
        message: 'container "sidecar" does not set securityContext.readOnlyRootFilesystem=true',
        container: 'sidecar',
      },
    ],
  },
  {
    name: 'a pod-level securityContext cannot set it, so it does not count',
    yaml: `
apiVersion: batch/v1
kind: CronJob
metadata: { name: report, namespace: batch }
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          securityContext: { runAsNonRoot: true }
          containers:
            - { name: report, image: report:2 }
`,
    status: 'fail',
    violations: [
      {
        path: 'spec.jobTemplate.spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem',
        message: 'container "report" does not set securityContext.readOnlyRootFilesystem=true',
        container: 'report',
      },
    ],
  },
  {
    name: 'Windows pods are not applicable',
    yaml: `
apiVersion: v1
kind: Pod
metadata: { name: iis, namespace: web }
spec:
  os: { name: windows }
  containers:
    - { name: iis, image: mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2022 }
`,
    status: 'not-applicable',
  },
];

describe('read-only-root-filesystem', () => {
  for (const c of cases) {
    it(c.name, () => {
      const findings = runCheckOn(readOnlyRootFilesystem, c.yaml);
      assert.equal(findings.length, 1);
      const [finding] = findings;
      assert.equal(finding?.status, c.status);
      assert.deepEqual(finding?.violations, c.violations ?? []);
    });
  }

  it('says why Windows pods are skipped', () => {
    const [finding] = runCheckOn(readOnlyRootFilesystem, cases[3]?.yaml ?? '');
    assert.equal(finding?.reason, 'Windows pods cannot set readOnlyRootFilesystem');
  });
});
