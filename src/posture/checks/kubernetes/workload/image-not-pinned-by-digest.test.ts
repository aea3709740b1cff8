import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { imageNotPinnedByDigest } from './image-not-pinned-by-digest.ts';

const SHA = 'sha256:6a0e8d3bd1a8a1f5f5c0f6c2e3e5a3d0b8e2f1c4a7d6b5e4f3a2b1c0d9e8f7a6';

function findingFor(...images: readonly string[]) {
  const containers = images.map((image, i) => `    - { name: c${i}, image: ${JSON.stringify(image)} }`).join('\n');
  const [finding] = runCheckOn(
    imageNotPinnedByDigest,
    `
apiVersion: v1
kind: Pod
metadata: { name: p, namespace: ns }
spec:
  containers:
${containers}
`,
  );
  assert.ok(finding);
  return finding;
}

describe('image-not-pinned-by-digest', () => {
  const table: readonly (readonly [string, 'pass' | 'fail'])[] = [
    [`nginx@${SHA}`, 'pass'],
    [`myacr.azurecr.io/api:1.4.0@${SHA}`, 'pass'],
    [`registry.example/app@sha512:${'ab'.repeat(64)}`, 'pass'],
    ['nginx:1.27', 'fail'],
    ['nginx', 'fail'],
    ['nginx@sha256:1234', 'fail'],
    [`nginx@sha256:${'A'.repeat(64)}`, 'fail'],
  ];
  for (const [image, status] of table) {
    it(`${image.slice(0, 60)} → ${status}`, () => {
      assert.equal(findingFor(image).status, status);
    });
  }

  it('names each unpinned container', () => {
    const finding = findingFor(`a@${SHA}`, 'b:1', 'c@sha256:xyz');
    assert.deepEqual(finding.violations, [
      {
        path: 'spec.containers[1].image',
        message: 'container "c1" uses image "b:1" without a digest',
        container: 'c1',
        actual: 'b:1',
      },
      {
        path: 'spec.containers[2].image',
        message:
          'container "c2" uses image "c@sha256:xyz", which is not a valid reference (digest "sha256:xyz" is not <algorithm>:<hex>)',
        container: 'c2',
        actual: 'c@sha256:xyz',
      },
    ]);
  });

  it('checks init and ephemeral containers, skips blank images', () => {
    const [finding] = runCheckOn(
      imageNotPinnedByDigest,
      `
apiVersion: v1
kind: Pod
metadata: { name: p, namespace: ns }
spec:
  initContainers:
    - { name: init, image: "init:1" }
  containers:
    - { name: app, image: "app@${SHA}" }
    - { name: blank, image: "  " }
  ephemeralContainers:
    - { name: dbg, image: "busybox:1.36" }
`,
    );
    assert.deepEqual(
      finding?.violations.map((v) => v.path),
      ['spec.initContainers[0].image', 'spec.ephemeralContainers[0].image'],
    );
  });
});
