import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { containerRuntimeSocket } from './container-runtime-socket.ts';

function messagesFor(hostPath: string, subPath?: string): string[] {
  const [finding] = runCheckOn(
    containerRuntimeSocket,
    `
apiVersion: v1
kind: Pod
metadata: { name: ci, namespace: ci }
spec:
  containers:
    - name: runner
      image: runner:1
      volumeMounts:
        - name: sock
          mountPath: /var/run/docker.sock
          readOnly: true
${subPath === undefined ? '' : `          subPath: ${subPath}\n`}  volumes:
    - name: sock
      hostPath: { path: ${JSON.stringify(hostPath)} }
`,
  );
  return finding?.violations.map((v) => v.message) ?? [];
}

describe('container-runtime-socket', () => {
  const table: readonly (readonly [string, string | undefined, string | undefined])[] = [
    ['/var/run/docker.sock', undefined, 'the Docker socket'],
    ['/run/docker.sock', undefined, 'the Docker socket'],
    ['/run/containerd/containerd.sock', undefined, 'the containerd socket'],
    ['/var/run/containerd', undefined, 'the containerd socket'],
    ['/run/k3s/containerd/containerd.sock', undefined, 'the containerd socket'],
    ['/var/run/crio/crio.sock', undefined, 'the CRI-O socket'],
    ['/run/podman/podman.sock', undefined, 'the Podman socket'],
    ['/var/run/cri-dockerd.sock', undefined, 'the cri-dockerd socket'],
    ['/var/run', undefined, 'a parent directory of the container runtime sockets'],
    ['/run', 'docker.sock', 'the Docker socket'],
    ['/run', 'xtables.lock', undefined],
    ['/', undefined, 'a parent directory of the container runtime sockets'],
    ['/srv/custom/docker.sock', undefined, 'the Docker socket'],
    ['\\\\.\\pipe\\docker_engine', undefined, 'the Docker named pipe'],
    ['\\\\.\\pipe\\containerd-containerd', undefined, 'the containerd named pipe'],
    ['\\\\.\\pipe\\other', undefined, undefined],
    ['/var/run/secrets', undefined, undefined],
    ['/var/lib/docker', undefined, undefined],
    ['/run/xtables.lock', undefined, undefined],
  ];
  for (const [hostPath, subPath, exposes] of table) {
    it(`${hostPath}${subPath ? ` + ${subPath}` : ''} → ${exposes ?? 'pass'}`, () => {
      const effective = subPath ? `${hostPath}/${subPath}` : hostPath;
      assert.deepEqual(
        messagesFor(hostPath, subPath),
        exposes === undefined ? [] : [`container "runner" mounts host path "${effective}" (volume "sock"): ${exposes}`],
      );
    });
  }

  it('reports every mounting container, init included, and unmounted socket volumes', () => {
    const [finding] = runCheckOn(
      containerRuntimeSocket,
      `
apiVersion: batch/v1
kind: Job
metadata: { name: build, namespace: ci }
spec:
  template:
    spec:
      restartPolicy: Never
      initContainers:
        - name: prepare
          image: tool:1
          volumeMounts: [ { name: docker, mountPath: /var/run/docker.sock } ]
      containers:
        - name: build
          image: docker:27-cli
          volumeMounts: [ { name: docker, mountPath: /var/run/docker.sock, readOnly: true } ]
      volumes:
        - name: docker
          hostPath: { path: /var/run/docker.sock, type: Socket }
        - name: spare
          hostPath: { path: /run/containerd/containerd.sock }
`,
    );
    assert.equal(finding?.status, 'fail');
    assert.deepEqual(finding?.violations, [
      {
        path: 'spec.template.spec.volumes[0].hostPath.path',
        message: 'container "prepare" mounts host path "/var/run/docker.sock" (volume "docker"): the Docker socket',
        container: 'prepare',
        actual: '/var/run/docker.sock',
      },
      {
        path: 'spec.template.spec.volumes[0].hostPath.path',
        message: 'container "build" mounts host path "/var/run/docker.sock" (volume "docker"): the Docker socket',
        container: 'build',
        actual: '/var/run/docker.sock',
      },
      {
        path: 'spec.template.spec.volumes[1].hostPath.path',
        message:
          'volume "spare" maps host path "/run/containerd/containerd.sock" although no container mounts it: the containerd socket',
        actual: '/run/containerd/containerd.sock',
      },
    ]);
  });
});
