export * from './azure/index.ts';
export { type DocumentKind, documentKind, toAnyResource } from './document.ts';
export { buildInventory, type Inventory } from './inventory.ts';
export { CLUSTER_SCOPED_KINDS, groupOf, WORKLOAD_KINDS, type WorkloadKind, workloadKind } from './kinds.ts';
export { decode, isListObject, jsonElementLines } from './manifests/decode.ts';
export {
  DEFAULT_MAX_FILE_BYTES,
  type LoadOptions,
  type LoadResult,
  type LoadStats,
  loadManifests,
} from './manifests/load.ts';
export { toResource } from './resource.ts';
