/**
 * Pod Security Standards, Restricted, "Volume Types": the pod may use only volume types that do
 * not reach the node or external storage directly; other storage must come through a
 * PersistentVolumeClaim.
 * Reads: spec.volumes[*] (the volume source key)
 * Allowed: configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim,
 *   projected, secret. Every other source (hostPath, nfs, iscsi, gitRepo, …) is forbidden. A volume
 *   with no source is allowed: the API server defaults it to emptyDir before admission runs, which is
 *   what upstream's own fixtures expect ("implicit empty dir").
 * Upstream: check `restrictedVolumes` (restrictedVolumes_1_0, v1.0+; the `image` type was added to
 *   that single revision in Kubernetes v1.33, so it is allowed at every policy version), reason
 *   "restricted volume types", detail 'volume "a" uses restricted volume type "nfs"'.
 *   Overrides hostpath-volumes.
 * Source: https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
 */
import type { PodView, Violation } from '#core';
import {
  definePssCheck,
  joinQuote,
  PSS_STANDARD_URL,
  type PssResult,
  plural,
  sortedUnique,
  upstreamSource,
} from '../../../lib/pss.ts';
import { hostpathVolumes } from './hostpath-volumes.ts';

const ALLOWED_SOURCES: readonly string[] = [
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'image',
  'persistentVolumeClaim',
  'projected',
  'secret',
];

/** Forbidden sources in the order upstream tests them (the first one present names the type). */
const RESTRICTED_SOURCES: readonly string[] = [
  'hostPath',
  'gcePersistentDisk',
  'awsElasticBlockStore',
  'gitRepo',
  'nfs',
  'iscsi',
  'glusterfs',
  'rbd',
  'flexVolume',
  'cinder',
  'cephfs',
  'flocker',
  'fc',
  'azureFile',
  'vsphereVolume',
  'quobyte',
  'azureDisk',
  'photonPersistentDisk',
  'portworxVolume',
  'scaleIO',
  'storageos',
];

function restrictedVolumes_1_0(pod: PodView): PssResult {
  const volumes = pod.spec.volumes;
  if (!volumes) {
    return undefined;
  }
  const names: string[] = [];
  const types: string[] = [];
  const violations: Violation[] = [];
  for (let i = 0; i < volumes.length; i++) {
    const volume = volumes[i];
    if (!volume) {
      continue;
    }
    const source: Readonly<Record<string, unknown>> = volume;
    if (ALLOWED_SOURCES.some((key) => source[key] != null)) {
      continue;
    }
    const type = RESTRICTED_SOURCES.find((key) => source[key] != null);
    if (type === undefined) {
      // No source at all: defaulted to emptyDir by the API server.
      continue;
    }
    names.push(volume.name);
    types.push(type);
    violations.push({
      path: `${pod.specPath}.volumes[${i}].${type}`,
      message: `volume "${volume.name}" uses restricted volume type "${type}"`,
      actual: type,
    });
  }
  if (names.length === 0) {
    return undefined;
  }
  const distinct = sortedUnique(types);
  return {
    reason: 'restricted volume types',
    detail: `${plural('volume', 'volumes', names.length)} ${joinQuote(names)} ${plural('uses', 'use', names.length)} ${plural('restricted volume type', 'restricted volume types', distinct.length)} ${joinQuote(distinct)}`,
    violations,
  };
}

export const volumeTypes = definePssCheck({
  level: 'restricted',
  upstreamId: 'restrictedVolumes',
  revisions: [{ since: 0, evaluate: restrictedVolumes_1_0 }],
  overrides: hostpathVolumes,
  meta: {
    id: 'PAL-K8S-0013',
    slug: 'volume-types',
    title: 'Pod uses a restricted volume type',
    description:
      'Inline volume sources such as hostPath, nfs, iscsi or gitRepo reach the node or external storage directly, bypassing the PersistentVolume objects that administrators control.',
    severity: 'medium',
    maturity: 'stable',
    frameworks: [
      { framework: 'pss-restricted', control: 'volume-types' },
      { framework: 'cis-kubernetes-1.9', control: '5.2.12' },
      { framework: 'mitre-attack-containers', control: 'T1611' },
      { framework: 'mcsb-v1', control: 'PV-2' },
    ],
    remediation: {
      summary:
        'Replace inline volume sources other than configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected and secret with a PersistentVolumeClaim.',
    },
    references: [PSS_STANDARD_URL, upstreamSource('check_restrictedVolumes.go')],
  },
});
