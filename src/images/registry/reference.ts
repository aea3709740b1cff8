/**
 * Image references for pulling: `[registry/]repository[:tag][@digest]`, parsed with the grammar of
 * distribution/reference and normalised as Docker does, plus what the client needs to reach the
 * registry (API host, scheme).
 *
 * Grammar (https://github.com/distribution/reference, reference.go / regexp.go comments):
 *   reference  := name [":" tag] ["@" digest]
 *   name       := [domain "/"] remote-name          at most 255 characters
 *   domain     := host [":" port-number]           host: DNS labels joined by ".", or "[" IPv6 "]"
 *   remote-name:= path-component ("/" path-component)*
 *   path-component := [a-z0-9]+ ((\.|_|__|-+)[a-z0-9]+)*
 *   tag        := [\w][\w.-]{0,127}
 *   digest     := algorithm ":" hex; algorithm := [A-Za-z][A-Za-z0-9]*([+._-][A-Za-z][A-Za-z0-9]*)*,
 *                 hex >= 32 digits; sha256 exactly 64 and sha512 128 lower-case hex digits
 * Docker's normalisation (normalize.go): the text before the first "/" is a registry only when it
 * contains "." or ":", is "localhost", or has an upper-case letter; otherwise the registry is
 * docker.io ("index.docker.io" is an alias) and a one-segment repository gets "library/".
 * No tag and no digest means tag "latest". When both are given the digest decides what is pulled.
 * Docker Hub's API lives at registry-1.docker.io.
 */
import { isLoopbackHost, UsageError } from '#core';

export interface RegistryReference {
  /** Registry as users write it, lower-cased, with port: 'docker.io', 'localhost:5000', '[::1]:5000'. */
  readonly registry: string;
  /** Host[:port] that serves the API: 'registry-1.docker.io' for Docker Hub, else `registry`. */
  readonly apiHost: string;
  /** Repository path: 'library/nginx'. */
  readonly repository: string;
  /** Tag as written, or 'latest' when the reference had neither tag nor digest. */
  readonly tag?: string;
  /** 'algorithm:hex' when pinned. */
  readonly digest?: string;
  /** What to ask the registry for: the digest when present, else the tag. */
  readonly reference: string;
  /** 'docker.io/library/nginx:latest', 'host/a:tag@sha256:…'. */
  readonly normalized: string;
  /** registry/repository, no tag or digest. */
  readonly name: string;
}

export const DOCKER_HUB = 'docker.io';
export const DOCKER_HUB_API = 'registry-1.docker.io';
const DOCKER_HUB_ALIASES: ReadonlySet<string> = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);
const NAME_MAX = 255;

const LABEL = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN_RE = new RegExp(`^(?:${LABEL}(?:\\.${LABEL})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?$`);
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const PATH_RE = new RegExp(`^${COMPONENT}(?:/${COMPONENT})*$`);
const TAG_RE = /^\w[\w.-]{0,127}$/;
const DIGEST_RE = /^([A-Za-z][A-Za-z0-9]*(?:[+._-][A-Za-z][A-Za-z0-9]*)*):([0-9a-fA-F]{32,})$/;
const FIXED_DIGESTS: Readonly<Record<string, RegExp>> = { sha256: /^[a-f0-9]{64}$/, sha512: /^[a-f0-9]{128}$/ };
const ANONYMOUS_ID_RE = /^[a-f0-9]{64}$/;

function fail(text: string, reason: string): never {
  throw new UsageError(`invalid image reference "${text}": ${reason}`);
}

/** Validates `algorithm:hex`; returns a reason when invalid. */
export function digestProblem(digest: string): string | undefined {
  const match = DIGEST_RE.exec(digest);
  if (!match) {
    return `digest "${digest}" is not <algorithm>:<hex digits, at least 32>`;
  }
  const fixed = FIXED_DIGESTS[match[1] ?? ''];
  if (fixed && !fixed.test(match[2] ?? '')) {
    return `${match[1]} digest "${digest}" must have ${match[1] === 'sha256' ? 64 : 128} lower-case hex digits`;
  }
  return undefined;
}

function isDomain(segment: string): boolean {
  return segment.includes('.') || segment.includes(':') || segment === 'localhost' || segment !== segment.toLowerCase();
}

/** Parse and normalise; throws UsageError naming the text and the problem. */
export function parseReference(text: string): RegistryReference {
  const input = text.trim();
  if (input === '') {
    fail(text, 'it is empty');
  }
  if (ANONYMOUS_ID_RE.test(input)) {
    fail(text, 'a 64-hex-digit string is an image ID, not a repository name');
  }
  let rest = input;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    const problem = digestProblem(digest);
    if (problem) {
      fail(text, problem);
    }
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/') && !rest.slice(colon).includes(']')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG_RE.test(tag)) {
      fail(text, `tag "${tag}" must be 1-128 of [A-Za-z0-9_.-], not starting with "." or "-"`);
    }
  }
  if (rest.length > NAME_MAX) {
    fail(text, `name is longer than ${NAME_MAX} characters`);
  }
  let registry = DOCKER_HUB;
  let repository = rest;
  const slash = rest.indexOf('/');
  if (slash !== -1 && isDomain(rest.slice(0, slash))) {
    const domain = rest.slice(0, slash);
    if (!DOMAIN_RE.test(domain)) {
      fail(text, `registry "${domain}" is not a valid host[:port]`);
    }
    registry = domain.toLowerCase();
    repository = rest.slice(slash + 1);
  } else if (slash === -1 && (rest.startsWith('[') || /:\d+$/.test(rest))) {
    fail(text, 'a registry host needs a repository after it ("host:port/name")');
  }
  if (repository !== repository.toLowerCase() && PATH_RE.test(repository.toLowerCase())) {
    fail(text, `repository "${repository}" must be lower-case`);
  }
  if (!PATH_RE.test(repository)) {
    fail(text, `repository "${repository}" must be path components of [a-z0-9] joined by ".", "_", "__" or "-"`);
  }
  if (DOCKER_HUB_ALIASES.has(registry)) {
    registry = DOCKER_HUB;
    if (!repository.includes('/')) {
      repository = `library/${repository}`;
    }
  }
  if (tag === undefined && digest === undefined) {
    tag = 'latest';
  }
  const name = `${registry}/${repository}`;
  const normalized = `${name}${tag === undefined ? '' : `:${tag}`}${digest === undefined ? '' : `@${digest}`}`;
  return {
    registry,
    apiHost: registry === DOCKER_HUB ? DOCKER_HUB_API : registry,
    repository,
    ...(tag === undefined ? {} : { tag }),
    ...(digest === undefined ? {} : { digest }),
    reference: digest ?? tag ?? 'latest',
    normalized,
    name,
  };
}

/** The host part of `host[:port]`, without IPv6 brackets: '::1', 'localhost', 'example.com'. */
export function hostname(hostPort: string): string {
  if (hostPort.startsWith('[')) {
    return hostPort.slice(1, hostPort.indexOf(']'));
  }
  const colon = hostPort.lastIndexOf(':');
  return colon === -1 ? hostPort : hostPort.slice(0, colon);
}

/** Loopback hosts speak plain HTTP by default (as Docker treats them as insecure registries). */
export function isLoopback(hostPort: string): boolean {
  return isLoopbackHost(hostname(hostPort));
}
