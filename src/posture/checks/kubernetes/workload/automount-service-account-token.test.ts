import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Violation } from '#core';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { automountServiceAccountToken } from './automount-service-account-token.ts';

function serviceAccount(name: string, automount?: boolean, namespace = 'shop'): string {
  return `
apiVersion: v1
kind: ServiceAccount
metadata: { name: ${name}, namespace: ${namespace} }
${automount === undefined ? '' : `automountServiceAccountToken: ${automount}`}
---`;
}

function deployment(podFields: string, namespace = 'shop'): string {
  return `
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: ${namespace} }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
${podFields
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => `      ${l}`)
  .join('\n')}
      containers:
        - { name: web, image: web:1 }
`;
}

interface Case {
  readonly name: string;
  readonly yaml: string;
  readonly status: 'pass' | 'fail';
  readonly violations?: readonly Violation[];
}

const PATH = 'spec.template.spec.automountServiceAccountToken';

const cases: readonly Case[] = [
  { name: 'pod opts out', yaml: deployment('automountServiceAccountToken: false'), status: 'pass' },
  {
    name: 'pod opt-out wins over a service account that opts in',
    yaml: serviceAccount('web', true) + deployment('serviceAccountName: web\nautomountServiceAccountToken: false'),
    status: 'pass',
  },
  {
    name: 'service account opts out and the pod does not override',
    yaml: serviceAccount('web', false) + deployment('serviceAccountName: web'),
    status: 'pass',
  },
  {
    name: 'the deprecated serviceAccount field names the account',
    yaml: serviceAccount('legacy', false) + deployment('serviceAccount: legacy'),
    status: 'pass',
  },
  {
    name: 'pod opts in over a service account that opts out',
    yaml: serviceAccount('web', false) + deployment('serviceAccountName: web\nautomountServiceAccountToken: true'),
    status: 'fail',
    violations: [{ path: PATH, message: 'pod spec sets automountServiceAccountToken=true', actual: true }],
  },
  {
    name: 'service account in another namespace does not count',
    yaml: serviceAccount('web', false, 'other') + deployment('serviceAccountName: web'),
    status: 'fail',
    violations: [
      {
        path: PATH,
        message:
          'pod spec does not set automountServiceAccountToken=false, and service account "web" is not among the scanned resources',
      },
    ],
  },
  {
    name: 'default service account without opt-out',
    yaml: serviceAccount('default') + deployment(''),
    status: 'fail',
    violations: [
      {
        path: PATH,
        message: 'neither the pod spec nor service account "default" sets automountServiceAccountToken=false',
      },
    ],
  },
  {
    name: 'service account explicitly opts in',
    yaml: serviceAccount('web', true) + deployment('serviceAccountName: web'),
    status: 'fail',
    violations: [
      {
        path: PATH,
        message: 'service account "web" sets automountServiceAccountToken=true and the pod spec does not override it',
      },
    ],
  },
];

describe('automount-service-account-token', () => {
  for (const c of cases) {
    it(c.name, () => {
      const findings = runCheckOn(automountServiceAccountToken, c.yaml);
      assert.equal(findings.length, 1);
      const [finding] = findings;
      assert.equal(finding?.status, c.status);
      assert.deepEqual(finding?.violations, c.violations ?? []);
    });
  }

  it('matches objects without a namespace with each other (same apply-time namespace)', () => {
    const yaml = `
apiVersion: v1
kind: ServiceAccount
metadata: { name: runner }
automountServiceAccountToken: false
---
apiVersion: v1
kind: Pod
metadata: { name: runner }
spec:
  serviceAccountName: runner
  containers:
    - { name: run, image: run:1 }
`;
    assert.equal(runCheckOn(automountServiceAccountToken, yaml)[0]?.status, 'pass');
  });
});
