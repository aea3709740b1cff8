import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { hostNamespaces } from './host-namespaces.ts';

const pod = (spec: string): string => `apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop}
spec:
  containers: [{name: app, image: app:1}]
${spec}`;

describe('host-namespaces', () => {
  const cases = [
    { name: 'no host namespaces', yaml: pod(''), status: 'pass', violations: [] },
    {
      name: 'explicit false',
      yaml: pod('  hostNetwork: false\n  hostPID: false\n  hostIPC: false'),
      status: 'pass',
      violations: [],
    },
    {
      name: 'all three, reported in upstream order',
      yaml: pod('  hostIPC: true\n  hostPID: true\n  hostNetwork: true'),
      status: 'fail',
      message:
        'Pod "shop/web" violates PodSecurity "baseline:v1.37": host namespaces (hostNetwork=true, hostPID=true, hostIPC=true)',
      violations: [
        { path: 'spec.hostNetwork', message: 'pod must not set hostNetwork=true', actual: true },
        { path: 'spec.hostPID', message: 'pod must not set hostPID=true', actual: true },
        { path: 'spec.hostIPC', message: 'pod must not set hostIPC=true', actual: true },
      ],
    },
  ] as const;
  for (const c of cases) {
    it(c.name, () => {
      const [finding] = runCheckOn(hostNamespaces, c.yaml);
      assert.equal(finding?.status, c.status);
      assert.deepEqual(finding?.violations, c.violations);
      if ('message' in c) {
        assert.equal(finding?.message, c.message);
      }
    });
  }

  it('reads the pod template of a Deployment', () => {
    const [finding] = runCheckOn(
      hostNamespaces,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      hostPID: true
      containers: [{name: app, image: app:1}]
`,
      { pssVersion: { major: 1, minor: 0 } },
    );
    assert.equal(
      finding?.message,
      'Deployment "shop/web" violates PodSecurity "baseline:v1.0": host namespaces (hostPID=true)',
    );
    assert.deepEqual(finding?.violations, [
      { path: 'spec.template.spec.hostPID', message: 'pod must not set hostPID=true', actual: true },
    ]);
  });
});
