import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { hostpathVolumes } from './hostpath-volumes.ts';
import { volumeTypes } from './volume-types.ts';

const pod = (volumes: string): string => `apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop}
spec:
  containers: [{name: app, image: app:1}]
  volumes: ${volumes}
`;

describe('volume-types', () => {
  it('overrides hostpath-volumes', () => {
    assert.deepEqual(volumeTypes.meta.overrides, [hostpathVolumes.meta.id]);
  });

  it('names restricted volumes and their types', () => {
    const [finding] = runCheckOn(
      volumeTypes,
      pod(
        '[{name: a, nfs: {server: s, path: /}}, {name: b, emptyDir: {}}, {name: c, hostPath: {path: /}}, {name: d, nfs: {server: t, path: /}}]',
      ),
      { pssVersion: { major: 1, minor: 0 } },
    );
    assert.equal(
      finding?.message,
      'Pod "shop/web" violates PodSecurity "restricted:v1.0": restricted volume types (volumes "a", "c", "d" use restricted volume types "hostPath", "nfs")',
    );
    assert.deepEqual(finding?.violations, [
      { path: 'spec.volumes[0].nfs', message: 'volume "a" uses restricted volume type "nfs"', actual: 'nfs' },
      {
        path: 'spec.volumes[2].hostPath',
        message: 'volume "c" uses restricted volume type "hostPath"',
        actual: 'hostPath',
      },
      { path: 'spec.volumes[3].nfs', message: 'volume "d" uses restricted volume type "nfs"', actual: 'nfs' },
    ]);
  });

  it('allows the nine allowed types at every version, and a volume without source (defaulted to emptyDir)', () => {
    const volumes = `[{name: a, configMap: {name: c}}, {name: b, csi: {driver: d}}, {name: c, downwardAPI: {}},
      {name: d, emptyDir: {}}, {name: e, ephemeral: {}}, {name: f, image: {reference: "r/i:1"}},
      {name: g, persistentVolumeClaim: {claimName: p}}, {name: h, projected: {sources: []}}, {name: i, secret: {secretName: s}},
      {name: j}]`;
    assert.equal(runCheckOn(volumeTypes, pod(volumes), { pssVersion: { major: 1, minor: 0 } })[0]?.status, 'pass');
  });
});
