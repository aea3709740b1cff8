import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { imageTagLatest } from './image-tag-latest.ts';

const SHA = 'sha256:6a0e8d3bd1a8a1f5f5c0f6c2e3e5a3d0b8e2f1c4a7d6b5e4f3a2b1c0d9e8f7a6';

function statusOf(image: string): string | undefined {
  const [finding] = runCheckOn(
    imageTagLatest,
    `
apiVersion: v1
kind: Pod
metadata: { name: p, namespace: ns }
spec:
  containers:
    - { name: c, image: ${JSON.stringify(image)} }
`,
  );
  return finding?.status;
}

describe('image-tag-latest', () => {
  const table: readonly (readonly [string, 'pass' | 'fail'])[] = [
    ['nginx', 'fail'],
    ['nginx:latest', 'fail'],
    ['localhost:5000/app', 'fail'],
    ['myacr.azurecr.io/api:latest', 'fail'],
    ['nginx:1.27.2', 'pass'],
    ['nginx:Latest', 'pass'],
    ['nginx:latest-alpine', 'pass'],
    [`nginx@${SHA}`, 'pass'],
    [`nginx:latest@${SHA}`, 'pass'],
    ['localhost:5000', 'pass'],
    ['NGINX', 'fail'],
  ];
  for (const [image, status] of table) {
    it(`${image} → ${status}`, () => {
      assert.equal(statusOf(image), status);
    });
  }

  it('names each offending container with the exact reason; blank images are skipped', () => {
    const [finding] = runCheckOn(
      imageTagLatest,
      `
apiVersion: batch/v1
kind: CronJob
metadata: { name: backup, namespace: ops }
spec:
  schedule: "@daily"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          initContainers:
            - { name: wait, image: busybox }
          containers:
            - { name: backup, image: "ghcr.io/org/backup:latest" }
            - { name: placeholder, image: "" }
            - { name: pinned, image: "ghcr.io/org/tool:2.1" }
`,
    );
    assert.equal(finding?.status, 'fail');
    assert.deepEqual(finding?.violations, [
      {
        path: 'spec.jobTemplate.spec.template.spec.initContainers[0].image',
        message: 'container "wait" uses image "busybox" without a tag, which means "latest"',
        container: 'wait',
        actual: 'busybox',
      },
      {
        path: 'spec.jobTemplate.spec.template.spec.containers[0].image',
        message: 'container "backup" uses image "ghcr.io/org/backup:latest" with the mutable tag "latest"',
        container: 'backup',
        actual: 'ghcr.io/org/backup:latest',
      },
    ]);
  });

  it('reports an invalid reference instead of guessing', () => {
    const [finding] = runCheckOn(
      imageTagLatest,
      `
apiVersion: v1
kind: Pod
metadata: { name: p, namespace: ns }
spec:
  containers:
    - { name: c, image: "app:" }
`,
    );
    assert.deepEqual(finding?.violations, [
      {
        path: 'spec.containers[0].image',
        message:
          'container "c" uses image "app:", which is not a valid reference (tag "" is not valid (letters, digits, "_", "." and "-", at most 128, not starting with "." or "-"))',
        container: 'c',
        actual: 'app:',
      },
    ]);
  });
});
