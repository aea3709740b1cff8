/** Registry client over the OCI distribution API v2: references, auth, pull to an OCI layout, artifacts. */
export {
  type AuthOptions,
  type Challenge,
  type Credentials,
  parseWwwAuthenticate,
  type ResolvedCredentials,
  resolveCredentials,
} from './auth.ts';
export {
  type BlobSource,
  type ClientOptions,
  type FetchedManifest,
  RegistryClient,
  type RepositoryTarget,
} from './client.ts';
export {
  type Descriptor,
  type ImageIndex,
  type ImageManifest,
  MANIFEST_ACCEPT,
  MEDIA_TYPES,
  type Platform,
} from './manifest.ts';
export {
  DEFAULT_PLATFORM,
  type PlatformSpec,
  type PullOptions,
  type PullResult,
  parsePlatform,
  pullImage,
  selectPlatform,
} from './pull.ts';
export {
  type ArtifactFile,
  type PullArtifactOptions,
  type PullArtifactResult,
  type PulledArtifactFile,
  type PushArtifactOptions,
  type PushResult,
  pullArtifact,
  pushArtifact,
  TITLE_ANNOTATION,
} from './push.ts';
export { parseReference, type RegistryReference } from './reference.ts';
