/**
 * Pod Security Standards, Baseline, "HostPath Volumes": the pod must not mount a directory or
 * file of the node.
 * Reads: spec.volumes[*].hostPath
 * Allowed: unset.
 * Upstream: check `hostPathVolumes` (hostPathVolumes_1_0, v1.0+), reason "hostPath volumes",
 * detail 'volumes "a", "b"'. Overridden in the restricted level by volume-types.
 * Source: https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
 */
import type { PodView, Violation } from '#core';
import {
  definePssCheck,
  joinQuote,
  PSS_STANDARD_URL,
  type PssResult,
  plural,
  upstreamSource,
} from '../../../lib/pss.ts';

function hostPathVolumes_1_0(pod: PodView): PssResult {
  const volumes = pod.spec.volumes;
  if (!volumes) {
    return undefined;
  }
  const names: string[] = [];
  const violations: Violation[] = [];
  for (let i = 0; i < volumes.length; i++) {
    const volume = volumes[i];
    if (volume?.hostPath == null) {
      continue;
    }
    names.push(volume.name);
    violations.push({
      path: `${pod.specPath}.volumes[${i}].hostPath`,
      message: `volume "${volume.name}" must not use hostPath`,
      ...(volume.hostPath.path === undefined ? {} : { actual: volume.hostPath.path }),
    });
  }
  if (names.length === 0) {
    return undefined;
  }
  return {
    reason: 'hostPath volumes',
    detail: `${plural('volume', 'volumes', names.length)} ${joinQuote(names)}`,
    violations,
  };
}

export const hostpathVolumes = definePssCheck({
  level: 'baseline',
  upstreamId: 'hostPathVolumes',
  revisions: [{ since: 0, evaluate: hostPathVolumes_1_0 }],
  meta: {
    id: 'PAL-K8S-0004',
    slug: 'hostpath-volumes',
    title: 'Pod mounts a hostPath volume',
    description:
      'A hostPath volume exposes the node’s filesystem to the container; writable mounts of paths such as /, /etc, /var/lib/kubelet or a container runtime socket hand over the node.',
    severity: 'high',
    maturity: 'stable',
    frameworks: [
      { framework: 'pss-baseline', control: 'hostpath-volumes' },
      { framework: 'cis-kubernetes-1.9', control: '5.2.12' },
      { framework: 'mitre-attack-containers', control: 'T1611' },
      { framework: 'mitre-attack-containers', control: 'T1552.001' },
      { framework: 'mcsb-v1', control: 'PV-2' },
    ],
    remediation: {
      summary: 'Replace hostPath volumes with emptyDir, configMap, secret, projected or persistentVolumeClaim volumes.',
    },
    references: [PSS_STANDARD_URL, upstreamSource('check_hostPathVolumes.go')],
  },
});
