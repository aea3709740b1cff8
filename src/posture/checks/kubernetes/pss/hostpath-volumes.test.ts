import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { hostpathVolumes } from './hostpath-volumes.ts';

const pod = (volumes: string): string => `apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop}
spec:
  containers: [{name: app, image: app:1}]
  volumes: ${volumes}
`;

describe('hostpath-volumes', () => {
  it('names each hostPath volume', () => {
    const [finding] = runCheckOn(
      hostpathVolumes,
      pod(
        '[{name: cache, emptyDir: {}}, {name: logs, hostPath: {path: /var/log}}, {name: sock, hostPath: {path: /run/containerd/containerd.sock}}]',
      ),
    );
    assert.equal(finding?.status, 'fail');
    assert.equal(
      finding?.message,
      'Pod "shop/web" violates PodSecurity "baseline:v1.37": hostPath volumes (volumes "logs", "sock")',
    );
    assert.deepEqual(finding?.violations, [
      { path: 'spec.volumes[1].hostPath', message: 'volume "logs" must not use hostPath', actual: '/var/log' },
      {
        path: 'spec.volumes[2].hostPath',
        message: 'volume "sock" must not use hostPath',
        actual: '/run/containerd/containerd.sock',
      },
    ]);
  });

  it('passes other volume types, restricted ones included (the restricted level judges those)', () => {
    const [finding] = runCheckOn(
      hostpathVolumes,
      pod('[{name: cache, emptyDir: {}}, {name: nfs, nfs: {server: s, path: /}}]'),
    );
    assert.equal(finding?.status, 'pass');
  });
});
