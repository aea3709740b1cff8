/** images: reading images, root filesystems and project directories into packages and SBOMs. */
export type { AnalyzeContext, Analyzer, FileInput } from './analyzer.ts';
export { ANALYZERS, LANG_ANALYZERS, OS_ANALYZERS } from './analyzers/index.ts';
export {
  analyzeFilesystem,
  type CollectOptions,
  collectPackages,
  defaultImageCache,
  ownedFiles,
  rpmFileNames,
  type ScannedSource,
  type SourceType,
} from './inventory.ts';
export * from './oci/index.ts';
export { detectOs, type ReadFile } from './os/detect.ts';
export { isUbuntuLts, osvEcosystem, purlDistro, purlNamespace } from './os/distro.ts';
export {
  type ArtifactFile,
  type AuthOptions,
  type ClientOptions,
  type Credentials,
  DEFAULT_PLATFORM as DEFAULT_REGISTRY_PLATFORM,
  type Descriptor,
  type ImageIndex,
  type ImageManifest,
  MANIFEST_ACCEPT,
  MEDIA_TYPES,
  type PullArtifactOptions,
  type PullArtifactResult,
  type PullOptions,
  type PullResult,
  type PushArtifactOptions,
  type PushResult,
  parsePlatform as parseRegistryPlatform,
  parseReference,
  parseWwwAuthenticate,
  pullArtifact,
  pullImage,
  pushArtifact,
  RegistryClient,
  type RegistryReference,
  resolveCredentials,
  selectPlatform,
  TITLE_ANNOTATION,
} from './registry/index.ts';
export { buildCycloneDx, writeCycloneDx } from './sbom/cyclonedx.ts';
export {
  detectSbomFormat,
  type ReadSbomOptions,
  readCycloneDx,
  readSbom,
  readSpdx,
  type SbomContents,
  type SbomFormat,
} from './sbom/read.ts';
export { buildSpdx, type SpdxDocument, writeSpdx } from './sbom/spdx.ts';
export type {
  SbomSubject,
  SbomTool,
  SbomWriteOptions,
  VulnerabilityRatingMethod,
  VulnerabilityRecord,
} from './sbom/types.ts';
