/**
 * Which cluster each resource belongs to, so that findings on an ARO cluster resource
 * (`Microsoft.RedHatOpenShift/openShiftClusters`) and on the cluster's own objects (APIServer,
 * OAuth, workloads...) are reported, and scored, together.
 *
 * The Kubernetes objects of one input describe one cluster. They are linked to an ARO resource
 * when the cluster's `Infrastructure` object (`status.apiServerURL`) or `ClusterVersion`
 * (`spec.clusterID`) names the same API server or cluster as the ARO resource's
 * `apiserverProfile.url` / `clusterProfile.domain`; when the input holds exactly one ARO cluster
 * and cluster objects that carry no identity, they are linked to it too (said in the link's `how`).
 * Source: ARM Microsoft.RedHatOpenShift/openShiftClusters; config.openshift.io/v1 Infrastructure, ClusterVersion.
 */
import type { ClusterRef, Resource } from '#core';

export interface ClusterLinks {
  readonly clusters: readonly ClusterRef[];
  /** The cluster a resource belongs to, linked or not (for per-cluster scores). */
  clusterOf(resource: Resource): string | undefined;
  /**
   * The ARO cluster a resource belongs to when the input links the cluster objects to an ARO
   * resource (recorded in findings as `resource.cluster`); undefined otherwise.
   */
  aroClusterOf(resource: Resource): string | undefined;
  /** Whether the cluster objects were linked to an ARO resource. */
  readonly linked: boolean;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function field(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) {
    current = isRecord(current) ? current[key] : undefined;
  }
  return current;
}

function hostOf(url: unknown): string | undefined {
  if (typeof url !== 'string') {
    return undefined;
  }
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

const ARO_TYPE = 'Microsoft.RedHatOpenShift/openShiftClusters';

export function linkClusters(resources: readonly Resource[]): ClusterLinks {
  const aro = resources.filter((r) => r.azure?.type === ARO_TYPE);
  let objects = 0;
  let infraHost: string | undefined;
  let infraUrl: string | undefined;
  let clusterId: string | undefined;
  for (const r of resources) {
    if (r.azure) {
      continue;
    }
    objects++;
    if (r.kind === 'Infrastructure' && r.group === 'config.openshift.io') {
      const url = field(r.object, 'status', 'apiServerURL');
      if (infraHost === undefined && typeof url === 'string') {
        infraHost = hostOf(url);
        infraUrl = url;
      }
    } else if (r.kind === 'ClusterVersion' && r.group === 'config.openshift.io') {
      const id = field(r.object, 'spec', 'clusterID');
      clusterId ??= typeof id === 'string' ? id : undefined;
    }
  }
  const clusters: ClusterRef[] = [];
  let objectsCluster: string | undefined;
  for (const r of aro) {
    const azure = r.azure;
    if (!azure) {
      continue;
    }
    const url = field(azure.arm, 'properties', 'apiserverProfile', 'url');
    const host = hostOf(url);
    const domain = field(azure.arm, 'properties', 'clusterProfile', 'domain');
    let linkedBy: ClusterRef['linkedBy'];
    if (objects > 0 && objectsCluster === undefined) {
      if (host !== undefined && infraHost !== undefined && host === infraHost) {
        linkedBy = 'api-server-url';
      } else if (
        (host === undefined || infraHost === undefined) &&
        typeof domain === 'string' &&
        infraHost !== undefined &&
        (infraHost.startsWith(`api.${domain.toLowerCase()}.`) || infraHost.endsWith(`.${domain.toLowerCase()}`))
      ) {
        linkedBy = 'domain';
      } else if (aro.length === 1 && infraHost === undefined && clusterId === undefined) {
        linkedBy = 'only-cluster';
      }
    }
    const id = azure.id ?? `aro:${azure.name}`;
    if (linkedBy) {
      objectsCluster = id;
    }
    clusters.push({
      id,
      name: azure.name,
      ...(azure.id === undefined ? {} : { aroResourceId: azure.id }),
      ...(typeof url === 'string' ? { apiServerUrl: url } : {}),
      ...(linkedBy ? { linkedBy } : {}),
      objects: linkedBy ? objects : 0,
    });
  }
  if (objects > 0 && objectsCluster === undefined) {
    const name = clusterId ?? infraHost;
    objectsCluster = name === undefined ? 'kubernetes' : `openshift:${name}`;
    clusters.push({
      id: objectsCluster,
      name: name ?? 'cluster objects in the input',
      ...(infraUrl === undefined ? {} : { apiServerUrl: infraUrl }),
      objects,
    });
  }
  const aroIds = new Map(aro.map((r) => [r, r.azure?.id ?? `aro:${r.azure?.name ?? r.name}`]));
  const linked = clusters.some((c) => c.linkedBy !== undefined);
  const clusterOf = (resource: Resource): string | undefined =>
    resource.azure ? aroIds.get(resource) : objectsCluster;
  return {
    clusters,
    clusterOf,
    aroClusterOf: (resource) => (linked ? clusterOf(resource) : undefined),
    linked,
  };
}
