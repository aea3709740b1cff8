/**
 * hostPath volumes and the mounts that use them, for the checks that judge what a pod can reach
 * on its node. Source: Kubernetes API reference, core/v1 HostPathVolumeSource and VolumeMount.
 */
import type { Container, PodView, Volume } from '#core';
import { containersOf } from './pod.ts';

type VolumeMount = NonNullable<Container['volumeMounts']>[number];

export interface HostPathMount {
  readonly container: Container;
  /** Field path of the container: 'spec.template.spec.containers[0]'. */
  readonly containerPath: string;
  readonly mount: VolumeMount;
  readonly mountIndex: number;
  /** The host path the container actually sees: hostPath plus the mount's subPath. */
  readonly effective: string;
}

export interface HostPathVolume {
  readonly volume: Volume;
  readonly hostPath: string;
  /** Field path of the volume's hostPath.path. */
  readonly path: string;
  /** Every mount of this volume, in container order (init, regular, ephemeral). */
  readonly mounts: readonly HostPathMount[];
}

/** The pod's hostPath volumes (those with a path), each with the mounts that use it. */
export function hostPathVolumes(pod: PodView): HostPathVolume[] {
  const volumes = pod.spec.volumes;
  if (!volumes?.some((v) => v.hostPath?.path !== undefined)) {
    return [];
  }
  const containers = containersOf(pod);
  const out: HostPathVolume[] = [];
  for (const [v, volume] of volumes.entries()) {
    const hostPath = volume.hostPath?.path;
    if (hostPath === undefined) {
      continue;
    }
    const mounts: HostPathMount[] = [];
    for (const { container, path } of containers) {
      for (const [mountIndex, mount] of (container.volumeMounts ?? []).entries()) {
        if (mount.name === volume.name) {
          const effective = mount.subPath ? `${hostPath}/${mount.subPath}` : hostPath;
          mounts.push({ container, containerPath: path, mount, mountIndex, effective });
        }
      }
    }
    out.push({ volume, hostPath, path: `${pod.specPath}.volumes[${v}].hostPath.path`, mounts });
  }
  return out;
}

/**
 * Normalise a Linux path: resolve '.', '..' and repeated slashes, and fold /var/run into /run
 * (on every current distribution /var/run is a link to /run).
 */
export function normalizeLinuxPath(path: string): string {
  const parts: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') {
      continue;
    }
    if (segment === '..') {
      parts.pop();
    } else {
      parts.push(segment);
    }
  }
  const normalized = `/${parts.join('/')}`;
  return normalized === '/var/run' || normalized.startsWith('/var/run/') ? `/run${normalized.slice(8)}` : normalized;
}
