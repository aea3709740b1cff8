import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadText } from '#test/helpers/fixtures.ts';
import { hostPathVolumes, normalizeLinuxPath } from './host-path.ts';

describe('normalizeLinuxPath', () => {
  const cases: [string, string][] = [
    ['/', '/'],
    ['/etc//kubernetes/', '/etc/kubernetes'],
    ['/var/lib/../run/./docker.sock', '/run/docker.sock'],
    ['/var/run', '/run'],
    ['/var/running', '/var/running'],
    ['/../..', '/'],
  ];
  for (const [input, expected] of cases) {
    it(`${input} → ${expected}`, () => assert.equal(normalizeLinuxPath(input), expected));
  }
});

describe('hostPathVolumes', () => {
  it('lists hostPath volumes with every mount, subPath applied, in container order', () => {
    const { resources } = loadText(`
apiVersion: apps/v1
kind: Deployment
metadata: { name: d, namespace: n }
spec:
  template:
    spec:
      initContainers:
        - name: init
          image: i
          volumeMounts: [{ name: host, mountPath: /h, subPath: sub }]
      containers:
        - name: app
          image: a
          volumeMounts: [{ name: scratch, mountPath: /tmp }, { name: host, mountPath: /h, readOnly: true }]
      volumes:
        - { name: scratch, emptyDir: {} }
        - { name: host, hostPath: { path: /var/log } }
        - { name: unused, hostPath: { path: /etc } }
`);
    const pod = resources[0]?.pod;
    assert.ok(pod);
    const volumes = hostPathVolumes(pod);
    assert.deepEqual(
      volumes.map((v) => ({
        name: v.volume.name,
        path: v.path,
        mounts: v.mounts.map((m) => [m.container.name, m.containerPath, m.mountIndex, m.effective]),
      })),
      [
        {
          name: 'host',
          path: 'spec.template.spec.volumes[1].hostPath.path',
          mounts: [
            ['init', 'spec.template.spec.initContainers[0]', 0, '/var/log/sub'],
            ['app', 'spec.template.spec.containers[0]', 1, '/var/log'],
          ],
        },
        { name: 'unused', path: 'spec.template.spec.volumes[2].hostPath.path', mounts: [] },
      ],
    );
  });

  it('is empty for a pod without hostPath volumes', () => {
    const { resources } = loadText(`
apiVersion: v1
kind: Pod
metadata: { name: p }
spec:
  containers: [{ name: c, image: i }]
  volumes: [{ name: v, emptyDir: {} }]
`);
    assert.ok(resources[0]?.pod);
    assert.deepEqual(hostPathVolumes(resources[0].pod), []);
  });
});
