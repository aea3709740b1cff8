/**
 * Walking a workload's pod template: every container (init, regular, ephemeral) with its field path.
 */
import type { Container, PodSpec, PodView, Resource } from '#core';

export const CONTAINER_FIELDS = ['initContainers', 'containers', 'ephemeralContainers'] as const;
export type ContainerField = (typeof CONTAINER_FIELDS)[number];

export interface ContainerRef {
  readonly container: Container;
  /** 'spec.template.spec.containers[1]' */
  readonly path: string;
  readonly field: ContainerField;
  readonly index: number;
}

/** A resource whose pod template was found and validated. */
export type Workload = Resource & { readonly pod: PodView };

export function isWorkload(resource: Resource): resource is Workload {
  return resource.pod !== undefined;
}

/** Containers in the order upstream Pod Security admission visits them: init, regular, ephemeral. */
export function containersOf(pod: PodView): ContainerRef[] {
  const refs: ContainerRef[] = [];
  for (const field of CONTAINER_FIELDS) {
    const list = pod.spec[field];
    if (!list) {
      continue;
    }
    for (let index = 0; index < list.length; index++) {
      const container = list[index];
      if (container) {
        refs.push({ container, path: `${pod.specPath}.${field}[${index}]`, field, index });
      }
    }
  }
  return refs;
}

/** `"a", "b"` — quoted, comma-separated names for messages. */
export function joinQuoted(names: readonly string[]): string {
  return names.map((n) => `"${n}"`).join(', ');
}

/** 'container' or 'containers' — for messages that name one or more offenders. */
export function pluralize(singular: string, plural: string, count: number): string {
  return count === 1 ? singular : plural;
}

/**
 * Windows pods: spec.os.name (what the API validates) or a kubernetes.io/os node selector.
 * The workload hardening checks use this for Linux-only settings. Not the same test as
 * lib/pss.ts isWindowsPod, which follows upstream Pod Security admission (spec.os.name only).
 */
export function runsOnWindows(spec: PodSpec): boolean {
  const selector = spec.nodeSelector;
  return (
    spec.os?.name === 'windows' ||
    (typeof selector === 'object' &&
      selector !== null &&
      (selector as Record<string, unknown>)['kubernetes.io/os'] === 'windows')
  );
}
