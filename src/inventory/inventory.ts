/**
 * An inventory is the set of resources one scan sees, indexed for cross-object checks.
 */
import type { Resource } from '#core';

export interface Inventory {
  readonly resources: readonly Resource[];
  /** Resources of a kind (any API group unless given). */
  ofKind(kind: string, apiGroup?: string): readonly Resource[];
  /** Namespaced resources in a namespace. */
  inNamespace(namespace: string): readonly Resource[];
  /** A Kubernetes or OpenShift object by kind, namespace and name (Azure resources: by id, see posture/lib/azure.ts). */
  get(kind: string, namespace: string | undefined, name: string): Resource | undefined;
  /** Every namespace seen: Namespace/Project objects plus namespaces that resources name. */
  namespaces(): readonly string[];
}

const EMPTY: readonly Resource[] = Object.freeze([]);

export function buildInventory(resources: readonly Resource[]): Inventory {
  const byKind = new Map<string, Resource[]>();
  const byNamespace = new Map<string, Resource[]>();
  const byKey = new Map<string, Resource>();
  for (const resource of resources) {
    let list = byKind.get(resource.kind);
    if (!list) {
      list = [];
      byKind.set(resource.kind, list);
    }
    list.push(resource);
    if (resource.namespace !== undefined) {
      let nsList = byNamespace.get(resource.namespace);
      if (!nsList) {
        nsList = [];
        byNamespace.set(resource.namespace, nsList);
      }
      nsList.push(resource);
    }
    if (resource.azure) {
      continue; // get(kind, namespace, name) serves Kubernetes lookups; Azure resources are found by id
    }
    const key = `${resource.kind}/${resource.namespace ?? ''}/${resource.name}`;
    if (!byKey.has(key)) {
      byKey.set(key, resource);
    }
  }
  let namespaces: readonly string[] | undefined;
  // Cross-object checks ask for the same (kind, group) once per resource they evaluate: filter once.
  const byKindAndGroup = new Map<string, readonly Resource[]>();
  return {
    resources,
    ofKind(kind, apiGroup) {
      const list = byKind.get(kind) ?? EMPTY;
      if (apiGroup === undefined) {
        return list;
      }
      const key = `${apiGroup}/${kind}`;
      let filtered = byKindAndGroup.get(key);
      if (!filtered) {
        filtered = list.filter((r) => r.group === apiGroup);
        byKindAndGroup.set(key, filtered);
      }
      return filtered;
    },
    inNamespace: (namespace) => byNamespace.get(namespace) ?? EMPTY,
    get: (kind, namespace, name) => byKey.get(`${kind}/${namespace ?? ''}/${name}`),
    namespaces() {
      if (!namespaces) {
        const set = new Set(byNamespace.keys());
        for (const kind of ['Namespace', 'Project']) {
          for (const r of byKind.get(kind) ?? EMPTY) {
            set.add(r.name);
          }
        }
        namespaces = [...set].sort();
      }
      return namespaces;
    },
  };
}
