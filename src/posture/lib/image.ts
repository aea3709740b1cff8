/**
 * Container image references: split `[registry/]repository[:tag][@digest]` into its parts and
 * normalise it the way the container runtimes do, so checks compare like with like.
 *
 * Grammar (distribution/reference, the OCI distribution spec's name/tag/digest rules):
 *   reference  := name [":" tag] ["@" digest]
 *   name       := [domain "/"] path             (at most 255 characters)
 *   domain     := host [":" port]              host: DNS name, IPv4, or "[" IPv6 "]"
 *   path       := component ("/" component)*   component: [a-z0-9]+ ((\.|_|__|-+)[a-z0-9]+)*
 *   tag        := [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}
 *   digest     := algorithm ":" hex            algorithm: [A-Za-z][A-Za-z0-9]* ([+._-] [A-Za-z][A-Za-z0-9]*)*,
 *                                              hex: ≥ 32 hex digits; sha256 needs exactly 64 and sha512
 *                                              128 lower-case hex digits (OCI registered algorithms)
 * Domain rule (Docker's familiar names): the first path segment is a registry only when it
 * contains "." or ":", is "localhost", or has an upper-case letter; otherwise the image is on
 * Docker Hub. Docker Hub defaults: registry "docker.io" ("index.docker.io" is an alias), and a
 * single-segment repository gets the "library/" namespace: `nginx` → `docker.io/library/nginx`.
 * A reference with neither tag nor digest means tag "latest" to the runtime; `tag` stays unset
 * here so callers can tell an explicit tag from the implicit one.
 *
 * Sources: https://github.com/distribution/reference (reference.go, normalize.go grammar comments),
 * https://github.com/opencontainers/distribution-spec/blob/main/spec.md#pulling-manifests,
 * https://github.com/opencontainers/image-spec/blob/main/descriptor.md#digests
 */

import type { Container } from '#core';

/** A parsed, normalised image reference. */
export interface ImageReference {
  /** Registry host (lower-cased), with port when given: 'docker.io', 'myacr.azurecr.io', 'localhost:5000'. */
  readonly registry: string;
  /** Repository path inside the registry: 'library/nginx', 'team/api'. */
  readonly repository: string;
  /** The tag as written; unset when the reference has none. */
  readonly tag?: string;
  /** 'sha256:<64 hex>' when the reference is pinned by digest. */
  readonly digest?: string;
  /** 'registry/repository[:tag][@digest]', fully qualified. */
  readonly normalized: string;
}

/** The outcome of parsing: a reference, or why the text is not one. */
export type ParsedImage =
  | { readonly valid: true; readonly reference: ImageReference }
  | { readonly valid: false; readonly reason: string };

export const DOCKER_HUB_REGISTRY = 'docker.io';
const DOCKER_HUB_ALIASES: ReadonlySet<string> = new Set(['docker.io', 'index.docker.io']);
const NAME_MAX_LENGTH = 255;

const DOMAIN_RE =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:.]+\])(?::[0-9]+)?$/;
const PATH_RE = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const TAG_RE = /^[\w][\w.-]{0,127}$/;
const DIGEST_RE = /^(?<algorithm>[A-Za-z][A-Za-z0-9]*(?:[+._-][A-Za-z][A-Za-z0-9]*)*):(?<hex>[0-9a-fA-F]{32,})$/;
/** Registered algorithms have fixed lengths and lower-case hex (OCI image-spec, descriptor.md). */
const REGISTERED_DIGESTS: Readonly<Record<string, RegExp>> = {
  sha256: /^[a-f0-9]{64}$/,
  sha512: /^[a-f0-9]{128}$/,
};

function invalid(reason: string): ParsedImage {
  return { valid: false, reason };
}

/** True when Docker would read `segment` (the text before the first '/') as a registry host. */
function isDomainSegment(segment: string): boolean {
  return segment.includes('.') || segment.includes(':') || segment === 'localhost' || segment !== segment.toLowerCase();
}

function checkDigest(digest: string): string | undefined {
  const match = DIGEST_RE.exec(digest);
  const algorithm = match?.groups?.algorithm;
  const hex = match?.groups?.hex;
  if (algorithm === undefined || hex === undefined) {
    return `digest "${digest}" is not <algorithm>:<hex>`;
  }
  const fixed = REGISTERED_DIGESTS[algorithm];
  if (fixed && !fixed.test(hex)) {
    return `${algorithm} digest must be ${algorithm === 'sha256' ? 64 : 128} lower-case hex digits`;
  }
  return undefined;
}

/** Parse without the cache. Never throws: a bad reference is `{ valid: false, reason }`. */
export function parseImageReferenceUncached(text: string): ParsedImage {
  const input = text.trim();
  if (input === '') {
    return invalid('image reference is empty');
  }
  let rest = input;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    const problem = checkDigest(digest);
    if (problem) {
      return invalid(problem);
    }
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG_RE.test(tag)) {
      return invalid(
        `tag "${tag}" is not valid (letters, digits, "_", "." and "-", at most 128, not starting with "." or "-")`,
      );
    }
  }
  if (rest.length > NAME_MAX_LENGTH) {
    return invalid(`repository name is longer than ${NAME_MAX_LENGTH} characters`);
  }
  let registry = DOCKER_HUB_REGISTRY;
  let repository = rest;
  const slash = rest.indexOf('/');
  if (slash !== -1 && isDomainSegment(rest.slice(0, slash))) {
    const domain = rest.slice(0, slash);
    if (!DOMAIN_RE.test(domain)) {
      return invalid(`registry "${domain}" is not a valid host[:port]`);
    }
    registry = domain.toLowerCase();
    repository = rest.slice(slash + 1);
  }
  if (!PATH_RE.test(repository)) {
    return invalid(
      `repository "${repository}" is not valid (lower-case letters, digits and single separators ".", "_", "__", "-")`,
    );
  }
  if (DOCKER_HUB_ALIASES.has(registry)) {
    registry = DOCKER_HUB_REGISTRY;
    if (!repository.includes('/')) {
      repository = `library/${repository}`;
    }
  }
  let normalized = `${registry}/${repository}`;
  if (tag !== undefined) {
    normalized += `:${tag}`;
  }
  if (digest !== undefined) {
    normalized += `@${digest}`;
  }
  // Shared through the caches: typed readonly, and built with a fixed shape (no spread, no freeze)
  // because this runs for every container of every scanned workload.
  const reference: ImageReference =
    digest === undefined
      ? tag === undefined
        ? { registry, repository, normalized }
        : { registry, repository, tag, normalized }
      : tag === undefined
        ? { registry, repository, digest, normalized }
        : { registry, repository, tag, digest, normalized };
  return { valid: true, reference };
}

/**
 * Bounded cache by reference text: many workloads share images. Results are shared, never
 * mutated (readonly types). Cleared when full to bound memory in long-running processes (the
 * admission webhook); the next calls simply parse again.
 */
const CACHE_LIMIT = 16384;
const cache = new Map<string, ParsedImage>();

/** Parse and normalise an image reference (cached). Never throws. */
export function parseImageReference(text: string): ParsedImage {
  let parsed = cache.get(text);
  if (parsed === undefined) {
    parsed = parseImageReferenceUncached(text);
    if (cache.size >= CACHE_LIMIT) {
      cache.clear();
    }
    cache.set(text, parsed);
  }
  return parsed;
}

/**
 * The image to judge, or undefined when the container has none: unset or blank. OpenShift
 * DeploymentConfigs with an ImageChange trigger leave the image blank (" ") and the trigger fills
 * it in with a digest-pinned reference from the image stream, so there is nothing to check yet.
 */
export function imageToCheck(image: string | undefined): string | undefined {
  return image === undefined || image.trim() === '' ? undefined : image;
}

/**
 * Per container object: the image checks (allowed registry, tag, digest) all read the same
 * containers, so each container's reference is parsed once per scan whatever the string cache
 * holds. Entries go away with the scanned objects.
 */
const byContainer = new WeakMap<Container, ParsedImage>();

/**
 * The parsed image of a container, or undefined when it has no image to judge (see imageToCheck).
 * Never throws.
 */
export function containerImage(container: Container): ParsedImage | undefined {
  let parsed = byContainer.get(container);
  if (parsed === undefined) {
    const image = imageToCheck(container.image);
    if (image === undefined) {
      return undefined;
    }
    parsed = parseImageReference(image);
    byContainer.set(container, parsed);
  }
  return parsed;
}
