/**
 * Manifest and index documents of the OCI image spec and Docker's schema 2, parsed with zod.
 * Specs: https://github.com/opencontainers/image-spec/blob/main/manifest.md, image-index.md,
 * descriptor.md; https://distribution.github.io/distribution/spec/manifest-v2-2/ (Docker schema 2).
 */
import { z } from 'zod';
import { InputError } from '#core';
import { digestProblem } from './reference.ts';

export const MEDIA_TYPES = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociEmpty: 'application/vnd.oci.empty.v1+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerSchema1: 'application/vnd.docker.distribution.manifest.v1+json',
  dockerSchema1Signed: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
} as const;

export const INDEX_TYPES: ReadonlySet<string> = new Set([MEDIA_TYPES.ociIndex, MEDIA_TYPES.dockerList]);
export const MANIFEST_TYPES: ReadonlySet<string> = new Set([MEDIA_TYPES.ociManifest, MEDIA_TYPES.dockerManifest]);
/** Accept header for manifests: without it, distribution converts or refuses (schema 1, 404 for OCI). */
export const MANIFEST_ACCEPT = [
  MEDIA_TYPES.ociIndex,
  MEDIA_TYPES.ociManifest,
  MEDIA_TYPES.dockerList,
  MEDIA_TYPES.dockerManifest,
].join(', ');

const digestSchema = z.string().superRefine((value, ctx) => {
  const problem = digestProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

export const platformSchema = z
  .object({
    architecture: z.string(),
    os: z.string(),
    variant: z.string().optional(),
    'os.version': z.string().optional(),
    'os.features': z.array(z.string()).optional(),
  })
  .loose();
export type Platform = z.infer<typeof platformSchema>;

export const descriptorSchema = z
  .object({
    mediaType: z.string().min(1),
    digest: digestSchema,
    size: z.number().int().nonnegative(),
    urls: z.array(z.string()).optional(),
    annotations: z.record(z.string(), z.string()).optional(),
    platform: platformSchema.optional(),
    artifactType: z.string().optional(),
    data: z.string().optional(),
  })
  .loose();
export type Descriptor = z.infer<typeof descriptorSchema>;

export const imageManifestSchema = z
  .object({
    schemaVersion: z.literal(2),
    mediaType: z.string().optional(),
    artifactType: z.string().optional(),
    config: descriptorSchema,
    layers: z.array(descriptorSchema),
    subject: descriptorSchema.optional(),
    annotations: z.record(z.string(), z.string()).optional(),
  })
  .loose();
export type ImageManifest = z.infer<typeof imageManifestSchema>;

export const imageIndexSchema = z
  .object({
    schemaVersion: z.literal(2),
    mediaType: z.string().optional(),
    artifactType: z.string().optional(),
    manifests: z.array(descriptorSchema),
    annotations: z.record(z.string(), z.string()).optional(),
  })
  .loose();
export type ImageIndex = z.infer<typeof imageIndexSchema>;

export type ParsedManifest =
  | { readonly kind: 'index'; readonly mediaType: string; readonly index: ImageIndex }
  | { readonly kind: 'manifest'; readonly mediaType: string; readonly manifest: ImageManifest };

/**
 * Parse manifest bytes. `contentType` is the response's Content-Type; the document's own
 * mediaType wins when present. `what` names the source in errors.
 */
export function parseManifest(bytes: Uint8Array, contentType: string | undefined, what: string): ParsedManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (error) {
    throw new InputError('input.invalid', `${what}: manifest is not JSON (${(error as Error).message})`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new InputError('input.invalid', `${what}: manifest is not a JSON object`);
  }
  const record = raw as Record<string, unknown>;
  const declared = typeof record.mediaType === 'string' ? record.mediaType : undefined;
  const header = contentType?.split(';')[0]?.trim().toLowerCase();
  let mediaType = declared ?? header ?? '';
  if (!INDEX_TYPES.has(mediaType) && !MANIFEST_TYPES.has(mediaType)) {
    // OCI allows mediaType to be absent; fall back on the shape.
    if (declared === undefined && Array.isArray(record.manifests)) mediaType = MEDIA_TYPES.ociIndex;
    else if (declared === undefined && 'config' in record) mediaType = MEDIA_TYPES.ociManifest;
  }
  if (
    mediaType === MEDIA_TYPES.dockerSchema1 ||
    mediaType === MEDIA_TYPES.dockerSchema1Signed ||
    record.schemaVersion === 1
  ) {
    throw new InputError(
      'input.unsupported',
      `${what}: Docker schema 1 manifests are not supported (deprecated format)`,
    );
  }
  if (INDEX_TYPES.has(mediaType)) {
    const parsed = imageIndexSchema.safeParse(raw);
    if (!parsed.success) throw invalid(what, 'index', parsed.error);
    return { kind: 'index', mediaType, index: parsed.data };
  }
  if (MANIFEST_TYPES.has(mediaType)) {
    const parsed = imageManifestSchema.safeParse(raw);
    if (!parsed.success) throw invalid(what, 'manifest', parsed.error);
    return { kind: 'manifest', mediaType, manifest: parsed.data };
  }
  throw new InputError('input.unsupported', `${what}: unsupported manifest media type "${mediaType || '(none)'}"`);
}

function invalid(what: string, kind: string, error: z.ZodError): InputError {
  const issue = error.issues[0];
  const path = issue?.path.join('.') ?? '';
  return new InputError('input.invalid', `${what}: invalid ${kind} at "${path}": ${issue?.message ?? 'invalid'}`, {
    location: { file: what, path },
  });
}

export function formatPlatform(platform: Pick<Platform, 'os' | 'architecture' | 'variant'> | undefined): string {
  if (!platform) return 'unknown';
  return `${platform.os}/${platform.architecture}${platform.variant ? `/${platform.variant}` : ''}`;
}
