/**
 * images/oci: reading images from local sources (OCI layout, OCI archive, docker save, root
 * filesystem directory) into one virtual filesystem. See read.ts for the entry point.
 */
export type { BlobSource } from './blob-source.ts';
export { CACHE_FORMAT, defaultLayerCacheDir, LayerCache, type LayerKey, type LayerRecord } from './cache.ts';
export type { EntryType, FsEntry, Resolution, VirtualFs } from './filesystem.ts';
export { DEFAULT_PLATFORM, formatPlatform, parsePlatform, platformMatches } from './platform.ts';
export {
  type ImageFilesystem,
  type LayerReadStats,
  type LayerResults,
  type LayerSummary,
  type OpenedImage,
  openImageFilesystem,
  type PathVersion,
  type ReadImageOptions,
  readImageFilesystem,
  type Wanted,
  walkLayers,
} from './read.ts';
export { detectSource, type OpenImageOptions, openImage, type SourceKind } from './source.ts';
export {
  type Compression,
  DEFAULT_LIMITS,
  type ImageConfigSummary,
  type ImageFormat,
  type ImageHandle,
  type ImageInfo,
  type ImageLimits,
  type LayerRef,
  type Platform,
} from './types.ts';
