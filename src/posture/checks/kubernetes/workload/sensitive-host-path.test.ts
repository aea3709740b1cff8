import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { sensitiveHostPath } from './sensitive-host-path.ts';

function podMounting(hostPath: string, mount: { readOnly?: boolean; subPath?: string } = {}): string {
  return `
apiVersion: v1
kind: Pod
metadata: { name: agent, namespace: ops }
spec:
  containers:
    - name: agent
      image: agent:1
      volumeMounts:
        - name: host
          mountPath: /host
${mount.readOnly === undefined ? '' : `          readOnly: ${mount.readOnly}\n`}${mount.subPath === undefined ? '' : `          subPath: ${mount.subPath}\n`}  volumes:
    - name: host
      hostPath: { path: ${JSON.stringify(hostPath)} }
`;
}

function messagesFor(hostPath: string, mount: { readOnly?: boolean; subPath?: string } = {}): string[] {
  const [finding] = runCheckOn(sensitiveHostPath, podMounting(hostPath, mount));
  return finding?.violations.map((v) => v.message) ?? [];
}

describe('sensitive-host-path', () => {
  const table: readonly (readonly [string, { readOnly?: boolean; subPath?: string }, string | undefined])[] = [
    [
      '/etc/kubernetes',
      { readOnly: true },
      'container "agent" mounts host path "/etc/kubernetes" read-only (volume "host"): kubeconfigs and the cluster PKI',
    ],
    [
      '/etc/kubernetes/pki/',
      { readOnly: true },
      'container "agent" mounts host path "/etc/kubernetes/pki/" read-only (volume "host"): kubeconfigs and the cluster PKI',
    ],
    [
      '/etc',
      {},
      'container "agent" mounts host path "/etc" writable (volume "host"): node configuration and credentials (shadow, sudoers, cron, SSH)',
    ],
    [
      '/',
      { readOnly: true },
      'container "agent" mounts host path "/" read-only (volume "host"): the entire node filesystem',
    ],
    [
      '/var',
      { readOnly: true },
      'container "agent" mounts host path "/var" read-only (volume "host"): contains /var/lib/kubelet: kubelet credentials and every pod\'s volumes and secrets',
    ],
    [
      '/var/run/docker.sock',
      { readOnly: true },
      'container "agent" mounts host path "/var/run/docker.sock" read-only (volume "host"): the Docker API (full control of the node)',
    ],
    [
      '//var/./lib/../lib/kubelet',
      { readOnly: true },
      'container "agent" mounts host path "//var/./lib/../lib/kubelet" read-only (volume "host"): kubelet credentials and every pod\'s volumes and secrets',
    ],
    [
      '/tmp/../etc',
      { readOnly: true },
      'container "agent" mounts host path "/tmp/../etc" read-only (volume "host"): node configuration and credentials (shadow, sudoers, cron, SSH)',
    ],
    [
      '/var',
      { readOnly: true, subPath: 'lib/etcd' },
      'container "agent" mounts host path "/var/lib/etcd" read-only (volume "host"): the etcd database, with every cluster secret',
    ],
    ['/var', { readOnly: true, subPath: 'log' }, undefined],
    ['/var/log', { readOnly: true }, undefined],
    ['/var/log', {}, 'container "agent" mounts host path "/var/log" writable (volume "host")'],
    ['/var/log', { readOnly: false }, 'container "agent" mounts host path "/var/log" writable (volume "host")'],
    ['/etc/localtime', { readOnly: true }, undefined],
    ['/etc/ssl/certs', { readOnly: true }, undefined],
    [
      '/etc/ssl/certs',
      {},
      'container "agent" mounts host path "/etc/ssl/certs" writable (volume "host"): the node\'s trusted CA certificates',
    ],
    ['/lib/modules', { readOnly: true }, undefined],
    [
      '/usr/bin',
      {},
      'container "agent" mounts host path "/usr/bin" writable (volume "host"): host binaries and libraries',
    ],
    ['/opt', { readOnly: true }, undefined],
    [
      '/opt',
      {},
      'container "agent" mounts host path "/opt" writable (volume "host"): contains /opt/cni: CNI plugin binaries the kubelet runs as root',
    ],
    ['/etcetera', { readOnly: true }, undefined],
    [
      '/proc/sys',
      { readOnly: true },
      'container "agent" mounts host path "/proc/sys" read-only (volume "host"): host processes, their memory and environment, and kernel tunables',
    ],
    ['C:\\ProgramData', {}, 'container "agent" mounts host path "C:\\ProgramData" writable (volume "host")'],
    ['C:\\ProgramData', { readOnly: true }, undefined],
  ];
  for (const [hostPath, mount, message] of table) {
    it(`${hostPath} ${JSON.stringify(mount)} → ${message === undefined ? 'pass' : 'fail'}`, () => {
      assert.deepEqual(messagesFor(hostPath, mount), message === undefined ? [] : [message]);
    });
  }

  it('uses exact paths: the volume for sensitive locations, the mount for writable ones', () => {
    const [finding] = runCheckOn(
      sensitiveHostPath,
      `
apiVersion: apps/v1
kind: DaemonSet
metadata: { name: node-agent, namespace: monitoring }
spec:
  selector: { matchLabels: { app: node-agent } }
  template:
    metadata: { labels: { app: node-agent } }
    spec:
      initContainers:
        - name: setup
          image: agent:1
          volumeMounts: [ { name: kubelet, mountPath: /kubelet, readOnly: true } ]
      containers:
        - name: agent
          image: agent:1
          volumeMounts:
            - { name: data, mountPath: /data }
            - { name: kubelet, mountPath: /kubelet }
      volumes:
        - name: data
          hostPath: { path: /srv/agent, type: DirectoryOrCreate }
        - name: kubelet
          hostPath: { path: /var/lib/kubelet }
        - name: unused
          hostPath: { path: /root }
        - name: scratch
          emptyDir: {}
`,
    );
    assert.equal(finding?.status, 'fail');
    assert.deepEqual(finding?.violations, [
      {
        path: 'spec.template.spec.containers[0].volumeMounts[0].readOnly',
        message: 'container "agent" mounts host path "/srv/agent" writable (volume "data")',
        container: 'agent',
        actual: '/srv/agent',
      },
      {
        path: 'spec.template.spec.volumes[1].hostPath.path',
        message:
          'container "setup" mounts host path "/var/lib/kubelet" read-only (volume "kubelet"): kubelet credentials and every pod\'s volumes and secrets',
        container: 'setup',
        actual: '/var/lib/kubelet',
      },
      {
        path: 'spec.template.spec.volumes[1].hostPath.path',
        message:
          'container "agent" mounts host path "/var/lib/kubelet" writable (volume "kubelet"): kubelet credentials and every pod\'s volumes and secrets',
        container: 'agent',
        actual: '/var/lib/kubelet',
      },
      {
        path: 'spec.template.spec.volumes[2].hostPath.path',
        message:
          'volume "unused" maps host path "/root" although no container mounts it: root\'s home directory (SSH keys and credentials)',
        actual: '/root',
      },
    ]);
  });

  it('passes pods without hostPath volumes', () => {
    const [finding] = runCheckOn(
      sensitiveHostPath,
      `
apiVersion: v1
kind: Pod
metadata: { name: web, namespace: shop }
spec:
  containers:
    - { name: web, image: web:1, volumeMounts: [ { name: tmp, mountPath: /tmp } ] }
  volumes:
    - { name: tmp, emptyDir: {} }
`,
    );
    assert.equal(finding?.status, 'pass');
  });
});
