/**
 * Images must name a specific version: not the tag `latest`, and not an untagged reference
 * (which the runtime resolves as `latest`).
 * Reads: spec.{initContainers,containers,ephemeralContainers}[*].image
 * Allowed: a reference with a digest (whatever its tag: the digest is what gets pulled), or with an
 * explicit tag other than `latest`. Tags are case-sensitive, so only `latest` itself is flagged.
 * Containers with a blank image (OpenShift image change triggers fill it in) are skipped. An image
 * reference that cannot be parsed fails, since what it resolves to cannot be known.
 * Compared with Azure Policy 021f8078 ("container images should not include latest image tag"):
 * same rule, applied to the parsed reference: a port is not mistaken for a tag
 * (`localhost:5000/app` has no tag), and a `:latest@sha256:…` reference counts as pinned, since
 * the runtime pulls the digest and ignores the tag.
 * Sources: https://kubernetes.io/docs/concepts/containers/images/#image-names,
 * https://kubernetes.io/docs/concepts/configuration/overview/#container-images
 */
import type { Violation } from '#core';
import { defineCheck, outcome } from '../../../check.ts';
import { containerImage } from '../../../lib/image.ts';
import { CONTAINER_FIELDS, type Workload } from '../../../lib/pod.ts';

export const imageTagLatest = defineCheck<Workload>({
  meta: {
    id: 'PAL-K8S-0105',
    slug: 'image-tag-latest',
    title: 'Container image uses the latest tag or no tag',
    description:
      'The `latest` tag (and an untagged image, which means `latest`) points at whatever was pushed last, so nodes can run different code for the same pod, rollbacks do not roll back, and a pushed malicious image is picked up on the next restart.',
    severity: 'medium',
    maturity: 'stable',
    targets: [{ class: 'workload' }],
    frameworks: [
      { framework: 'mitre-attack-containers', control: 'T1525' },
      { framework: 'mitre-attack-containers', control: 'T1204.003' },
      { framework: 'mcsb-v1', control: 'DS-6' },
    ],
    remediation: {
      summary: 'Reference each image by an immutable version tag or, better, by digest.',
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
      'https://kubernetes.io/docs/concepts/configuration/overview/#container-images',
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
        if (parsed.valid) {
          const { tag, digest } = parsed.reference;
          if (digest !== undefined || (tag !== undefined && tag !== 'latest')) {
            continue;
          }
        }
        violations.push({
          path: `${specPath}.${field}[${index}].image`,
          message: !parsed.valid
            ? `container "${container.name}" uses image "${image}", which is not a valid reference (${parsed.reason})`
            : parsed.reference.tag === undefined
              ? `container "${container.name}" uses image "${image}" without a tag, which means "latest"`
              : `container "${container.name}" uses image "${image}" with the mutable tag "latest"`,
          container: container.name,
          actual: image,
        });
      }
    }
    return outcome(violations);
  },
});
