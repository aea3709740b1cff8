/**
 * Shared types of the image reader (images/oci): the platform, the resource limits, the layers of
 * an opened image and the diagnostics codes it emits.
 *
 * Diagnostic codes (all name the image in `location.file`, and the layer and file in `location.path`
 * and in the message):
 * - `image.path-traversal`   a tar entry (or hard-link target) whose name leaves the root through `..`: skipped
 * - `image.absolute-path`    a tar entry with a leading `/`: kept, re-rooted inside the image
 * - `image.too-large`        a tar entry declaring a size above `limits.maxEntryBytes`: skipped
 * - `image.file-too-large`   a wanted file above its size cap: listed, content not kept
 * - `image.retain-cap`       a wanted file not kept because `limits.maxRetainedBytes` was reached
 * - `image.decompression-bomb` a layer expanding past `maxLayerBytes`/`maxImageBytes` or `maxRatio`: the rest of the layer is skipped
 * - `image.truncated`        a layer blob shorter than its descriptor, or a tar/gzip/zstd stream that ends early: files read so far are kept
 * - `image.corrupt-layer`    a layer whose compressed stream or tar headers are invalid: files read so far are kept
 * - `image.symlink-loop`     a wanted symlink that does not resolve (loop or too deep)
 * - `image.symlink-parent`   an entry below a symlinked directory that cannot be resolved: skipped
 * - `image.unsupported-entry` a whiteout with an unexpected shape, or similar
 * A digest mismatch (blob, uncompressed diff ID, manifest, config) is never a diagnostic: it throws
 * `InputError` naming the image and the layer.
 */
import type { Writable } from 'node:stream';
import type { Diagnostic } from '#core';

/** `os/arch[/variant]`, e.g. linux/amd64, linux/arm64/v8, linux/arm/v7. */
export interface Platform {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string;
}

export interface ImageLimits {
  /** A single tar entry declaring more bytes than this is skipped (`image.too-large`). */
  readonly maxEntryBytes: number;
  /** Cap on a retained (wanted) file when `wanted` answers `true`. */
  readonly maxFileBytes: number;
  /** Cap on all retained file contents together. */
  readonly maxRetainedBytes: number;
  /** Uncompressed bytes of one layer. */
  readonly maxLayerBytes: number;
  /** Uncompressed bytes of all layers together. */
  readonly maxImageBytes: number;
  /** Uncompressed/compressed ratio of a layer, checked once it has produced `ratioGraceBytes`. */
  readonly maxRatio: number;
  readonly ratioGraceBytes: number;
  /** Symlink hops when resolving a path. */
  readonly maxSymlinkHops: number;
  /** Entries in one layer (metadata is kept per entry). */
  readonly maxEntries: number;
}

const GiB = 1024 * 1024 * 1024;
const MiB = 1024 * 1024;

export const DEFAULT_LIMITS: ImageLimits = {
  maxEntryBytes: 8 * GiB,
  maxFileBytes: 64 * MiB,
  maxRetainedBytes: 512 * MiB,
  maxLayerBytes: 16 * GiB,
  maxImageBytes: 32 * GiB,
  maxRatio: 200,
  ratioGraceBytes: 256 * MiB,
  maxSymlinkHops: 40,
  maxEntries: 2_000_000,
};

export type ImageFormat = 'oci-layout' | 'oci-archive' | 'docker-archive' | 'rootfs';
export type Compression = 'gzip' | 'zstd' | 'none';

/** One layer of an opened image, in application order (index 0 is the base). */
export interface LayerRef {
  readonly index: number;
  /** Digest of the blob as stored (compressed), `sha256:...`; undefined when the archive does not say (old docker save). */
  readonly digest?: string;
  /** Digest of the uncompressed tar, from the config's rootfs.diff_ids: what packages record as their layer. */
  readonly diffId: string;
  readonly mediaType: string;
  /** Declared size of the stored blob (descriptor size, or the archive member size). */
  readonly size: number;
  /** Where the blob is inside the source (for messages): `blobs/sha256/...`, `<hex>.tar`. */
  readonly blobPath: string;
}

/** What callers learn about an image besides its files. */
export interface ImageInfo {
  /** Reference (`repo:tag`) when the source names one, else the source path. */
  readonly name: string;
  readonly source: string;
  readonly format: ImageFormat;
  readonly platform?: Platform;
  readonly manifestDigest?: string;
  readonly configDigest?: string;
  readonly config?: ImageConfigSummary;
  readonly layers: readonly LayerRef[];
}

export interface ImageConfigSummary {
  readonly architecture: string;
  readonly os: string;
  readonly variant?: string;
  readonly created?: string;
  readonly env: readonly string[];
  readonly user?: string;
  readonly entrypoint?: readonly string[];
  readonly cmd?: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
  readonly history: readonly { readonly created?: string; readonly createdBy?: string; readonly emptyLayer: boolean }[];
  readonly diffIds: readonly string[];
}

/** An opened image: metadata plus a way to stream each layer's uncompressed tar. */
export interface ImageHandle {
  readonly info: ImageInfo;
  /**
   * Streams the layer's uncompressed tar into `sink` (e.g. a tar-stream extract). The blob digest
   * and diff ID are checked while streaming; a mismatch makes the returned promise reject with
   * InputError. A stream problem (truncation, corrupt data, bomb, an error raised by the sink)
   * resolves with diagnostics; the sink has then seen the bytes read so far.
   */
  streamLayer(layer: LayerRef, sink: Writable, budget: LayerBudget): Promise<LayerOutcome>;
  /**
   * Hashes the layer's blob against its digest without decompressing it (for layers whose contents
   * come from the layer cache): 'unverifiable' when the blob is missing, truncated or compressed
   * without a digest; a mismatch rejects with InputError.
   */
  verifyLayer(layer: LayerRef): Promise<'verified' | 'unverifiable'>;
  /** Problems found while indexing an outer archive (truncated or corrupt tar): reported, not fatal. */
  readonly archiveDiagnostics: readonly Diagnostic[];
  /** Removes temporary files (decompressed outer archives). */
  close(): Promise<void>;
}

/** Shared byte counters across the layers of one read (image-wide bomb limit). */
export interface LayerBudget {
  readonly limits: ImageLimits;
  uncompressedSoFar: number;
}

export interface LayerOutcome {
  readonly compression: Compression;
  readonly compressedBytes: number;
  readonly uncompressedBytes: number;
  /** False when the layer was cut short (truncated, corrupt, bomb): its diff ID was not checked. */
  readonly complete: boolean;
  readonly diagnostics: readonly Diagnostic[];
}
