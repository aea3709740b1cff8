/**
 * hostPath volumes must not expose sensitive node locations, and no hostPath may be writable.
 * Reads: spec.volumes[*].hostPath.path; spec.{initContainers,containers,ephemeralContainers}[*]
 * .volumeMounts[*].{name,readOnly,subPath}.
 * Fails:
 * - a hostPath that is, lies under, or contains a sensitive node location (table below). Locations
 *   holding secrets fail even read-only (reading /etc/kubernetes or /var/lib/kubelet already yields
 *   cluster credentials); public files (OS binaries, CA bundles, time zone, kernel modules) fail
 *   only when writable. Reported once per mounting container, or once for the volume if no
 *   container mounts it (the kubelet still sets it up, and `*OrCreate` types create it on the node);
 * - any other hostPath mounted without readOnly: true (writes to the node survive the pod and can
 *   plant files other node components trust).
 * Paths are normalised first: repeated "/" and "." segments are dropped, ".." is resolved (the API
 * server rejects it, but manifests scanned offline were never validated), and /var/run is read as
 * /run (a symlink on every mainstream distribution). A mount's subPath is
 * appended (a mount of /var with subPath "log" exposes /var/log only); subPathExpr is expanded at
 * runtime, so the volume's own path is judged. Windows paths are judged only by the writable rule.
 * Pod Security Standards (baseline) forbid every hostPath volume; this check ranks what a given
 * hostPath exposes, for workloads that are exempt from PSS (node agents, CSI and CNI drivers) and
 * for clusters without PSS enforcement. Container runtime sockets are also reported, as critical,
 * by container-runtime-socket.
 * Compared with Defender for Containers (policy 098fc59e): Defender needs an allow-list of path
 * prefixes before it can say anything, treats every location alike, and matches raw strings
 * (`//etc` and `/var/run/x` versus `/run/x` differ); we ship the list of dangerous locations,
 * normalise paths, honour subPath and say what each finding exposes.
 * Sources: https://kubernetes.io/docs/concepts/storage/volumes/#hostpath,
 * https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline,
 * CIS Kubernetes Benchmark 5.2.12, Defender recommendation f0debc84.
 */
import type { Violation } from '#core';
import { defineCheck, outcome } from '../../../check.ts';
import { hostPathVolumes, normalizeLinuxPath } from '../../../lib/host-path.ts';
import type { Workload } from '../../../lib/pod.ts';

interface Location {
  /** Normalised node path. */
  readonly path: string;
  /** What a container gains by mounting it. */
  readonly exposes: string;
  /** Sensitive even when mounted read-only (it holds secrets), not only when writable. */
  readonly readOnlyToo: boolean;
}

function at(path: string, exposes: string, readOnlyToo = true): Location {
  return { path, exposes, readOnlyToo };
}

/**
 * Sensitive node locations. The most specific entry containing a path decides; entries with
 * readOnlyToo=false are public files (OS binaries, CA bundles, time zones) that are harmless to
 * read and dangerous only to write, so common read-only mounts such as /etc/localtime or
 * /lib/modules pass.
 */
const LOCATIONS: readonly Location[] = [
  at('/', 'the entire node filesystem'),
  at('/etc', 'node configuration and credentials (shadow, sudoers, cron, SSH)'),
  at('/etc/kubernetes', 'kubeconfigs and the cluster PKI'),
  at('/etc/ssl/certs', "the node's trusted CA certificates", false),
  at('/etc/pki/ca-trust', "the node's trusted CA certificates", false),
  at('/etc/pki/tls/certs', "the node's trusted CA certificates", false),
  at('/etc/ca-certificates', "the node's trusted CA certificates", false),
  at('/etc/localtime', "the node's time zone", false),
  at('/etc/timezone', "the node's time zone", false),
  at('/etc/os-release', "the node's OS identification", false),
  at('/etc/machine-id', "the node's machine id", false),
  at('/root', "root's home directory (SSH keys and credentials)"),
  at('/home', 'user home directories (SSH keys and credentials)'),
  at('/proc', 'host processes, their memory and environment, and kernel tunables'),
  at('/sys', 'kernel, device and cgroup control interfaces'),
  at('/dev', 'host devices, disks included'),
  at('/boot', 'the kernel and bootloader', false),
  at('/lib/modules', 'kernel modules', false),
  at('/usr', 'host binaries and libraries', false),
  at('/bin', 'host binaries', false),
  at('/sbin', 'host system binaries', false),
  at('/lib', 'host libraries', false),
  at('/lib64', 'host libraries', false),
  at('/opt/cni', 'CNI plugin binaries the kubelet runs as root', false),
  at('/var/lib/kubelet', "kubelet credentials and every pod's volumes and secrets"),
  at('/var/lib/etcd', 'the etcd database, with every cluster secret'),
  at('/var/lib/docker', "container runtime storage (every container's filesystem)"),
  at('/var/lib/containerd', "container runtime storage (every container's filesystem)"),
  at('/var/lib/containers', "container runtime storage (every container's filesystem)"),
  at('/run/docker.sock', 'the Docker API (full control of the node)'),
  at('/run/docker', 'the Docker runtime sockets (full control of the node)'),
  at('/run/containerd', 'the containerd API (full control of the node)'),
  at('/run/crio', 'the CRI-O API (full control of the node)'),
  at('/run/cri-dockerd.sock', 'the cri-dockerd API (full control of the node)'),
  at('/run/dockershim.sock', 'the dockershim API (full control of the node)'),
  at('/run/podman', 'the Podman API (full control of the node)'),
  at('/run/k3s', 'the k3s containerd API (full control of the node)'),
  at('/run/dbus', 'the system D-Bus (control of systemd and host services)'),
  at('/run/systemd', "systemd's control sockets"),
];

/** Normalise an absolute Linux path; undefined for Windows paths (drive letters, UNC, pipes). */
function normalizeHostPath(path: string): string | undefined {
  if (/^[A-Za-z]:/.test(path) || path.startsWith('\\')) {
    return undefined;
  }
  return normalizeLinuxPath(path);
}

function contains(location: string, path: string): boolean {
  return path === location || (location !== '/' && path.startsWith(`${location}/`));
}

/** Why a (normalised) path mounted this way is sensitive, or undefined when it is not. */
function sensitivity(path: string, readOnly: boolean): string | undefined {
  let best: Location | undefined;
  for (const location of LOCATIONS) {
    if (contains(location.path, path) && (best === undefined || location.path.length > best.path.length)) {
      best = location;
    }
  }
  if (best && (best.readOnlyToo || !readOnly)) {
    return best.exposes;
  }
  // A parent directory of a sensitive location exposes it too: /var holds /var/lib/kubelet.
  for (const location of LOCATIONS) {
    if (location.path !== path && contains(path, location.path) && (location.readOnlyToo || !readOnly)) {
      return `contains ${location.path}: ${location.exposes}`;
    }
  }
  return undefined;
}

export const sensitiveHostPath = defineCheck<Workload>({
  meta: {
    id: 'PAL-K8S-0109',
    slug: 'sensitive-host-path',
    title: 'hostPath volume exposes a sensitive node location or is writable',
    description:
      'A hostPath volume gives the container a piece of the node: mounting locations such as /etc, /var/lib/kubelet or /proc leaks node and cluster credentials or leads straight to node takeover, and a writable hostPath lets the container plant files the node trusts. This complements the Pod Security Standards ban on hostPath by ranking what each mount exposes.',
    severity: 'high',
    maturity: 'stable',
    targets: [{ class: 'workload' }],
    frameworks: [
      { framework: 'cis-kubernetes-1.9', control: '5.2.12' },
      { framework: 'mitre-attack-containers', control: 'T1611' },
      { framework: 'mitre-attack-containers', control: 'T1552.001' },
      { framework: 'mcsb-v1', control: 'PV-2' },
    ],
    remediation: {
      summary:
        'Replace the hostPath volume with an emptyDir, configMap, secret, projected or persistent volume, or mount a narrow non-sensitive host directory with readOnly: true.',
      kubernetesPatch: [
        'spec:',
        '  template:',
        '    spec:',
        '      containers:',
        '        - name: <container>',
        '          volumeMounts:',
        '            - name: <volume>',
        '              mountPath: <path>',
        '              readOnly: true',
      ].join('\n'),
    },
    references: [
      'https://kubernetes.io/docs/concepts/storage/volumes/#hostpath',
      'https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline',
      'https://learn.microsoft.com/azure/defender-for-cloud/kubernetes-workload-protections',
    ],
    scope: 'object',
    admission: true,
  },
  evaluate(workload) {
    const violations: Violation[] = [];
    for (const { volume, hostPath, path: volumePath, mounts } of hostPathVolumes(workload.pod)) {
      for (const { container, containerPath, mount, mountIndex, effective } of mounts) {
        const normalized = normalizeHostPath(effective);
        const readOnly = mount.readOnly === true;
        const why = normalized === undefined ? undefined : sensitivity(normalized, readOnly);
        const access = readOnly ? 'read-only' : 'writable';
        const subject = `container "${container.name}" mounts host path "${effective}" ${access} (volume "${volume.name}")`;
        if (why !== undefined) {
          violations.push({
            path: volumePath,
            message: `${subject}: ${why}`,
            container: container.name,
            actual: hostPath,
          });
        } else if (!readOnly) {
          violations.push({
            path: `${containerPath}.volumeMounts[${mountIndex}].readOnly`,
            message: subject,
            container: container.name,
            actual: hostPath,
          });
        }
      }
      if (mounts.length === 0) {
        const normalized = normalizeHostPath(hostPath);
        // Nothing reads or writes it yet; judge what it exposes, as for a read-only mount.
        const why = normalized === undefined ? undefined : sensitivity(normalized, true);
        if (why !== undefined) {
          violations.push({
            path: volumePath,
            message: `volume "${volume.name}" maps host path "${hostPath}" although no container mounts it: ${why}`,
            actual: hostPath,
          });
        }
      }
    }
    return outcome(violations);
  },
});
