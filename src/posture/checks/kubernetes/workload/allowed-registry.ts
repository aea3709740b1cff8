/**
 * Images must come from an allowed registry.
 * Reads: spec.{initContainers,containers,ephemeralContainers}[*].image; settings.allowedRegistries.
 * Allowed: an image whose normalised reference (see lib/image.ts: `nginx` is
 * `docker.io/library/nginx`, `index.docker.io` is `docker.io`, hosts are lower-cased) matches an
 * entry of settings.allowedRegistries. An entry is a registry host, with port if any
 * (`myacr.azurecr.io`, `registry.internal:5000`), optionally followed by a repository prefix
 * (`ghcr.io/my-org`, `docker.io/library`). `*` matches any run of characters within one host or
 * path segment and `?` one character (`*.azurecr.io`, `ghcr.io/my-org/*`). A prefix matches whole
 * path segments only: `ghcr.io/my-org` allows `ghcr.io/my-org/app` but not `ghcr.io/my-org-evil/app`.
 * A leading scheme (`https://`) and trailing `/` in entries are ignored.
 * Containers with a blank image (OpenShift image change triggers fill it in) are skipped. An image
 * reference that cannot be parsed fails: its origin cannot be shown to be allowed.
 * Not applicable when settings.allowedRegistries is empty.
 * Compared with Defender for Containers (policy febd0533 with a regex such as `^.+azurecr.io/.+$`):
 * a regex over the raw string also accepts `evil.example/azurecr.io/x` and the Docker Hub image
 * `evilazurecr-io/x` (the unescaped "." matches "-"), and must spell out Docker Hub's implicit
 * names; we match the parsed registry host and whole path segments.
 * Ephemeral containers are checked too: a debug image pulled onto the node is as much a supply
 * chain risk as any other.
 * Sources: https://github.com/distribution/reference (reference grammar),
 * https://kubernetes.io/docs/concepts/containers/images/, Defender recommendation 8d244d29.
 */
import type { Violation } from '#core';
import { defineCheck, notApplicable, outcome } from '../../../check.ts';
import { containerImage, DOCKER_HUB_REGISTRY, type ImageReference } from '../../../lib/image.ts';
import { CONTAINER_FIELDS, type Workload } from '../../../lib/pod.ts';

interface RegistryRule {
  readonly host: RegExp;
  readonly path?: RegExp;
}

function segmentGlob(text: string): string {
  return text
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '[^/]*')
    .replace(/\?/g, '[^/]');
}

function compileRule(entry: string): RegistryRule | undefined {
  const text = entry
    .trim()
    .replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')
    .replace(/\/+$/, '');
  if (text === '') {
    return undefined;
  }
  const slash = text.indexOf('/');
  let host = (slash === -1 ? text : text.slice(0, slash)).toLowerCase();
  if (host === 'index.docker.io') {
    host = DOCKER_HUB_REGISTRY;
  }
  const path = slash === -1 ? '' : text.slice(slash + 1);
  return {
    host: new RegExp(`^${segmentGlob(host)}$`),
    ...(path === '' ? {} : { path: new RegExp(`^${segmentGlob(path)}(?:/.*)?$`) }),
  };
}

/** Compiled once per settings list (the array is the same object for a whole scan). */
const compiled = new WeakMap<readonly string[], readonly RegistryRule[]>();

function rulesFor(entries: readonly string[]): readonly RegistryRule[] {
  let rules = compiled.get(entries);
  if (!rules) {
    rules = entries.map(compileRule).filter((r): r is RegistryRule => r !== undefined);
    compiled.set(entries, rules);
  }
  return rules;
}

function isAllowed(reference: ImageReference, rules: readonly RegistryRule[]): boolean {
  for (const rule of rules) {
    if (rule.host.test(reference.registry) && (rule.path === undefined || rule.path.test(reference.repository))) {
      return true;
    }
  }
  return false;
}

export const allowedRegistry = defineCheck<Workload>({
  meta: {
    id: 'PAL-K8S-0104',
    slug: 'allowed-registry',
    title: 'Container image comes from a registry that is not allowed',
    description:
      'Images from arbitrary registries bypass the scanning, signing and retention controls of the registries the organisation trusts, and make typosquatted or malicious images one typo away. Restricting images to allowed registries keeps the supply chain auditable.',
    severity: 'high',
    maturity: 'stable',
    targets: [{ class: 'workload' }],
    frameworks: [
      { framework: 'mitre-attack-containers', control: 'T1204.003' },
      { framework: 'mitre-attack-containers', control: 'T1525' },
      { framework: 'mcsb-v1', control: 'DS-6' },
    ],
    remediation: {
      summary:
        'Push the image to an allowed registry and reference it from there, or add its registry to allowedRegistries if it is trusted.',
      kubernetesPatch: [
        'spec:',
        '  template:',
        '    spec:',
        '      containers:',
        '        - name: <container>',
        '          image: <allowed-registry>/<repository>@sha256:<digest>',
      ].join('\n'),
    },
    references: [
      'https://kubernetes.io/docs/concepts/containers/images/',
      'https://github.com/distribution/reference/blob/main/reference.go',
      'https://learn.microsoft.com/azure/defender-for-cloud/kubernetes-workload-protections',
    ],
    scope: 'object',
    admission: true,
  },
  evaluate(workload, ctx) {
    const rules = rulesFor(ctx.settings.allowedRegistries);
    if (rules.length === 0) {
      return notApplicable('no allowed registries configured: set settings.allowedRegistries');
    }
    const violations: Violation[] = [];
    const { spec, specPath } = workload.pod;
    for (const field of CONTAINER_FIELDS) {
      for (const [index, container] of (spec[field] ?? []).entries()) {
        const parsed = containerImage(container);
        if (parsed === undefined) {
          continue;
        }
        const image = container.image;
        if (parsed.valid && isAllowed(parsed.reference, rules)) {
          continue;
        }
        violations.push({
          path: `${specPath}.${field}[${index}].image`,
          message: parsed.valid
            ? `container "${container.name}" uses image "${image}" (${parsed.reference.registry}/${parsed.reference.repository}) from outside the allowed registries`
            : `container "${container.name}" uses image "${image}", which is not a valid reference (${parsed.reason})`,
          container: container.name,
          actual: image,
        });
      }
    }
    return outcome(violations);
  },
});
