import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Violation } from '#core';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { defaultServiceAccount } from './default-service-account.ts';

function statefulSet(podFields: string): string {
  const indented = podFields
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => `      ${l}`)
    .join('\n');
  return `
apiVersion: apps/v1
kind: StatefulSet
metadata: { name: db, namespace: data }
spec:
  serviceName: db
  selector: { matchLabels: { app: db } }
  template:
    metadata: { labels: { app: db } }
    spec:
${indented}
      containers:
        - { name: db, image: db:16 }
`;
}

interface Case {
  readonly name: string;
  readonly fields: string;
  readonly status: 'pass' | 'fail';
  readonly violations?: readonly Violation[];
}

const cases: readonly Case[] = [
  { name: 'dedicated service account', fields: 'serviceAccountName: db', status: 'pass' },
  { name: 'dedicated account via the deprecated field', fields: 'serviceAccount: db', status: 'pass' },
  { name: 'default account without any token', fields: 'automountServiceAccountToken: false', status: 'pass' },
  {
    name: 'unset name with the token mounted',
    fields: '',
    status: 'fail',
    violations: [
      {
        path: 'spec.template.spec.serviceAccountName',
        message: 'pod runs as the "default" service account with its token mounted (serviceAccountName is not set)',
      },
    ],
  },
  {
    name: 'explicit default',
    fields: 'serviceAccountName: default',
    status: 'fail',
    violations: [
      {
        path: 'spec.template.spec.serviceAccountName',
        message: 'pod sets serviceAccountName: default and runs with its token mounted',
        actual: 'default',
      },
    ],
  },
  {
    name: 'explicit default through the deprecated field',
    fields: 'serviceAccount: default',
    status: 'fail',
    violations: [
      {
        path: 'spec.template.spec.serviceAccount',
        message: 'pod sets serviceAccount: default and runs with its token mounted',
        actual: 'default',
      },
    ],
  },
  {
    name: 'automount off but a projected token',
    fields: `automountServiceAccountToken: false
volumes:
  - name: token
    projected:
      sources:
        - serviceAccountToken: { path: token, audience: vault, expirationSeconds: 600 }`,
    status: 'fail',
    violations: [
      {
        path: 'spec.template.spec.serviceAccountName',
        message: 'pod runs as the "default" service account with a projected token (serviceAccountName is not set)',
      },
    ],
  },
];

describe('default-service-account', () => {
  for (const c of cases) {
    it(c.name, () => {
      const [finding] = runCheckOn(defaultServiceAccount, statefulSet(c.fields));
      assert.equal(finding?.status, c.status);
      assert.deepEqual(finding?.violations, c.violations ?? []);
    });
  }
});
