/**
 * Images should be pinned by digest.
 * Reads: spec.{initContainers,containers,ephemeralContainers}[*].image
 * Allowed: a reference with a digest (`repo@sha256:…` or `repo:tag@sha256:…`); the digest is
 * validated (sha256: 64 and sha512: 128 lower-case hex digits).
 * Every tag, even a version tag, can be moved to another image by whoever can push to the
 * repository; only a digest names fixed content. Containers with a blank image (OpenShift image
 * change triggers fill it in with a digest) are skipped. An image reference that cannot be parsed
 * fails.
 * Low severity: many teams rely on immutable tags enforced by the registry instead (ACR "locked"
 * tags, ECR immutable tags), which this check cannot see.
 * Sources: https://kubernetes.io/docs/concepts/containers/images/#image-names,
 * https://github.com/opencontainers/image-spec/blob/main/descriptor.md#digests
 */
import type { Violation } from '#core';
import { defineCheck, outcome } from '../../../check.ts';
import { containerImage } from '../../../lib/image.ts';
import { CONTAINER_FIELDS, type Workload } from '../../../lib/pod.ts';

export const imageNotPinnedByDigest = defineCheck<Workload>({
  meta: {
    id: 'PAL-K8S-0106',
    slug: 'image-not-pinned-by-digest',
    title: 'Container image is not pinned by digest',
    description:
      'A tag can be moved to different content by anyone who can push to the repository, so the same manifest can run different code tomorrow. A digest names exactly one image and makes deployments reproducible and tamper-evident.',
    severity: 'low',
    maturity: 'stable',
    targets: [{ class: 'workload' }],
    frameworks: [
      { framework: 'mitre-attack-containers', control: 'T1525' },
      { framework: 'mcsb-v1', control: 'DS-6' },
    ],
    remediation: {
      summary:
        'Reference each image by digest, e.g. registry/repository:1.2.3@sha256:<digest>, and let a bot update the digests.',
      kubernetesPatch: [
        'spec:',
        '  template:',
        '    spec:',
        '      containers:',
        '        - name: <container>',
        '          image: <registry>/<repository>:<version>@sha256:<digest>',
      ].join('\n'),
    },
    references: [
      'https://kubernetes.io/docs/concepts/containers/images/#image-names',
      'https://github.com/opencontainers/image-spec/blob/main/descriptor.md#digests',
    ],
    scope: 'object',
    admission: true,
  },
  evaluate(workload) {
    const violations: Violation[] = [];
    const { spec, specPath } = workload.pod;
    for (const field of CONTAINER_FIELDS) {
      for (const [index, container] of (spec[field] ?? []).entries()) {
        const parsed = containerImage(container);
        if (parsed === undefined) {
          continue;
        }
        const image = container.image;
        if (parsed.valid && parsed.reference.digest !== undefined) {
          continue;
        }
        violations.push({
          path: `${specPath}.${field}[${index}].image`,
          message: parsed.valid
            ? `container "${container.name}" uses image "${image}" without a digest`
            : `container "${container.name}" uses image "${image}", which is not a valid reference (${parsed.reason})`,
          container: container.name,
          actual: image,
        });
      }
    }
    return outcome(violations);
  },
});
