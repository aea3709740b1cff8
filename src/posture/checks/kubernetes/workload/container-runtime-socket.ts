/**
 * Workloads must not mount the container runtime's API socket.
 * Reads: spec.volumes[*].hostPath.path; spec.{initContainers,containers,ephemeralContainers}[*]
 * .volumeMounts[*].{name,subPath}.
 * Fails: a hostPath that is a runtime socket or a socket directory, or a parent directory of one
 * (/run, /var/run, /), or any file named like a runtime socket (docker.sock, containerd.sock,
 * crio.sock, cri-dockerd.sock, dockershim.sock, podman.sock, buildkitd.sock) wherever it lives;
 * on Windows, the Docker and containerd named pipes (\\.\pipe\docker_engine,
 * \\.\pipe\containerd-containerd).
 * readOnly does not help: connecting to a Unix socket needs no write access to the mount, and
 * whoever talks to the runtime can start a privileged container with the node's root filesystem
 * mounted, which is root on the node. Reported once per mounting container, or once for the
 * volume if no container mounts it.
 * Paths are normalised as in sensitive-host-path (/var/run is /run; "." and ".." resolved) and a
 * mount's subPath is appended.
 * Sources: https://kubernetes.io/docs/concepts/storage/volumes/#hostpath,
 * https://docs.docker.com/engine/security/#docker-daemon-attack-surface,
 * https://kubernetes.io/docs/tasks/administer-cluster/migrating-from-dockershim/find-out-runtime-you-use/
 */
import type { Violation } from '#core';
import { defineCheck, outcome } from '../../../check.ts';
import { hostPathVolumes, normalizeLinuxPath } from '../../../lib/host-path.ts';
import type { Workload } from '../../../lib/pod.ts';

/** Runtime sockets and socket directories (normalised), with the runtime they control. */
const RUNTIME_PATHS: readonly (readonly [path: string, runtime: string])[] = [
  ['/run/docker.sock', 'Docker'],
  ['/run/docker', 'Docker'],
  ['/run/containerd', 'containerd'],
  ['/run/k3s/containerd', 'containerd'],
  ['/run/crio', 'CRI-O'],
  ['/run/cri-dockerd.sock', 'cri-dockerd'],
  ['/run/dockershim.sock', 'dockershim'],
  ['/run/podman', 'Podman'],
  ['/run/buildkit', 'BuildKit'],
];

const SOCKET_NAMES: Readonly<Record<string, string>> = {
  'docker.sock': 'Docker',
  'containerd.sock': 'containerd',
  'crio.sock': 'CRI-O',
  'cri-dockerd.sock': 'cri-dockerd',
  'dockershim.sock': 'dockershim',
  'podman.sock': 'Podman',
  'buildkitd.sock': 'BuildKit',
};

const WINDOWS_PIPES: Readonly<Record<string, string>> = {
  docker_engine: 'Docker',
  'containerd-containerd': 'containerd',
};
const WINDOWS_PIPE_RE = /^[\\/]{2}\.[\\/]pipe[\\/](?<name>[^\\/]+)$/i;

/** What a host path exposes of a container runtime, or undefined when nothing. */
function runtimeExposure(hostPath: string): string | undefined {
  const pipe = WINDOWS_PIPE_RE.exec(hostPath)?.groups?.name?.toLowerCase();
  if (pipe !== undefined) {
    const runtime = WINDOWS_PIPES[pipe];
    return runtime === undefined ? undefined : `the ${runtime} named pipe`;
  }
  if (/^[A-Za-z]:/.test(hostPath) || hostPath.startsWith('\\')) {
    return undefined;
  }
  const path = normalizeLinuxPath(hostPath);
  for (const [location, runtime] of RUNTIME_PATHS) {
    if (path === location || path.startsWith(`${location}/`)) {
      return `the ${runtime} socket`;
    }
  }
  for (const [location] of RUNTIME_PATHS) {
    if (path === '/' || location.startsWith(`${path}/`)) {
      return 'a parent directory of the container runtime sockets';
    }
  }
  const runtime = SOCKET_NAMES[path.slice(path.lastIndexOf('/') + 1)];
  return runtime === undefined ? undefined : `the ${runtime} socket`;
}

export const containerRuntimeSocket = defineCheck<Workload>({
  meta: {
    id: 'PAL-K8S-0110',
    slug: 'container-runtime-socket',
    title: 'Workload mounts the container runtime socket',
    description:
      "Whoever can talk to the Docker, containerd or CRI-O socket can start a privileged container with the node's filesystem mounted, which is root on the node and every pod on it, whatever the pod's own security context says. A read-only mount does not prevent this.",
    severity: 'critical',
    maturity: 'stable',
    targets: [{ class: 'workload' }],
    frameworks: [
      { framework: 'cis-kubernetes-1.9', control: '5.2.12' },
      { framework: 'mitre-attack-containers', control: 'T1611' },
      { framework: 'mitre-attack-containers', control: 'T1610' },
      { framework: 'mitre-attack-containers', control: 'T1609' },
      { framework: 'mcsb-v1', control: 'PA-7' },
      { framework: 'mcsb-v1', control: 'PV-2' },
    ],
    remediation: {
      summary:
        'Remove the runtime socket volume; build images with a daemonless builder (Buildah, Kaniko, OpenShift Builds) and read container metadata from the Kubernetes API or the CRI with a dedicated, audited agent.',
    },
    references: [
      'https://kubernetes.io/docs/concepts/storage/volumes/#hostpath',
      'https://docs.docker.com/engine/security/#docker-daemon-attack-surface',
    ],
    scope: 'object',
    admission: true,
  },
  evaluate(workload) {
    const violations: Violation[] = [];
    for (const { volume, hostPath, path, mounts } of hostPathVolumes(workload.pod)) {
      for (const { container, effective } of mounts) {
        const exposes = runtimeExposure(effective);
        if (exposes !== undefined) {
          violations.push({
            path,
            message: `container "${container.name}" mounts host path "${effective}" (volume "${volume.name}"): ${exposes}`,
            container: container.name,
            actual: hostPath,
          });
        }
      }
      const exposes = mounts.length > 0 ? undefined : runtimeExposure(hostPath);
      if (exposes !== undefined) {
        violations.push({
          path,
          message: `volume "${volume.name}" maps host path "${hostPath}" although no container mounts it: ${exposes}`,
          actual: hostPath,
        });
      }
    }
    return outcome(violations);
  },
});
