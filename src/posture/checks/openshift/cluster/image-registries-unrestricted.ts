/**
 * The cluster must restrict which registries images are pulled from, and allow no insecure registry.
 * Reads: Image "cluster" (config.openshift.io/v1) spec.registrySources.{allowedRegistries,
 *   blockedRegistries, insecureRegistries} and spec.allowedRegistriesForImport[*].{domainName,insecure}.
 * Compliant: allowedRegistries or blockedRegistries non-empty (the two are mutually exclusive; an
 *   allow list is the stronger control), no entry in insecureRegistries, and no
 *   allowedRegistriesForImport entry with insecure: true.
 * Absent: with neither list set no registry is denied (openshift/api config/v1 RegistrySources:
 *   allowedRegistries "are the only registries permitted ... All other registries are denied",
 *   blockedRegistries "cannot be used ... All other registries are permitted"), and no registry is
 *   insecure; an absent registrySources fails on the missing allow or block list only.
 * One violation for the missing allow/block list at spec.registrySources, one per insecure
 *   registry at spec.registrySources.insecureRegistries[i], one per insecure import at
 *   spec.allowedRegistriesForImport[i].insecure.
 * Not applicable: an Image not named "cluster" (only "cluster" configures the container runtime).
 * Source: OpenShift "Image configuration resources" (image.config.openshift.io/cluster); openshift/api
 *   config/v1 types_image.go; Azure Red Hat OpenShift landing zone (approved registries only).
 */
import { z } from 'zod';
import type { Resource, Violation } from '#core';
import { defineCheck, notApplicable, outcome } from '../../../check.ts';
import { parseObject } from '../../../lib/object.ts';

const StrList = z.array(z.string()).nullish();

const ImageSchema = z.looseObject({
  spec: z
    .looseObject({
      registrySources: z
        .looseObject({ allowedRegistries: StrList, blockedRegistries: StrList, insecureRegistries: StrList })
        .nullish(),
      allowedRegistriesForImport: z
        .array(z.looseObject({ domainName: z.string().nullish(), insecure: z.boolean().nullish() }))
        .nullish(),
    })
    .nullish(),
});

export const imageRegistriesUnrestricted = defineCheck<Resource>({
  meta: {
    id: 'PAL-OCP-0206',
    slug: 'image-registries-unrestricted',
    title: 'Cluster pulls images from any registry or from insecure registries',
    description:
      'Without an allow list (or at least a block list) of registries, any workload can run images from any public registry, including typo-squatted or compromised ones. An insecure registry is reached over plain HTTP or without certificate checks, so its images can be swapped in transit.',
    severity: 'medium',
    maturity: 'stable',
    targets: [{ kind: 'Image', apiGroup: 'config.openshift.io' }],
    scope: 'object',
    admission: false,
    securityControl: 'remediate-security-configurations',
    frameworks: [
      { framework: 'aro-landing-zone', control: 'ARO-REG-2' },
      { framework: 'mcsb-v1', control: 'DS-6' },
      { framework: 'mcsb-v1', control: 'AM-2' },
    ],
    remediation: {
      summary:
        'Set spec.registrySources.allowedRegistries on the Image "cluster" to the registries the cluster needs, and remove insecure registries.',
      steps: [
        'List the registries in use: oc get pods -A -o jsonpath=\'{..image}\' | tr " " "\\n" | cut -d/ -f1 | sort -u',
        'Keep the registries the platform needs in the allow list: quay.io, registry.redhat.io, image-registry.openshift-image-registry.svc:5000 and, on ARO, arosvc.azurecr.io and arosvc.<region>.data.azurecr.io; otherwise nodes cannot pull platform images.',
        'Apply the patch below; the Machine Config Operator rolls the change out to every node.',
      ],
      command:
        'oc patch image.config.openshift.io cluster --type=merge -p \'{"spec":{"registrySources":{"allowedRegistries":["quay.io","registry.redhat.io","image-registry.openshift-image-registry.svc:5000","arosvc.azurecr.io","<registry>.azurecr.io"],"insecureRegistries":[]}}}\'',
      kubernetesPatch:
        'spec:\n  registrySources:\n    allowedRegistries:\n      - quay.io\n      - registry.redhat.io\n      - image-registry.openshift-image-registry.svc:5000\n      - arosvc.azurecr.io\n      - <registry>.azurecr.io\n    insecureRegistries: []\n',
    },
    references: [
      'https://docs.openshift.com/container-platform/latest/openshift_images/image-configuration.html',
      'https://docs.openshift.com/container-platform/latest/rest_api/config_apis/image-config-openshift-io-v1.html',
    ],
  },
  evaluate(resource) {
    if (resource.name !== 'cluster') {
      return notApplicable('only the Image named "cluster" configures the container runtime of the nodes');
    }
    const spec = parseObject(ImageSchema, resource).spec;
    const sources = spec?.registrySources;
    const violations: Violation[] = [];
    if ((sources?.allowedRegistries?.length ?? 0) === 0 && (sources?.blockedRegistries?.length ?? 0) === 0) {
      violations.push({
        path: 'spec.registrySources',
        message:
          'neither spec.registrySources.allowedRegistries nor blockedRegistries is set, so pods can run images from any registry',
      });
    }
    for (const [index, registry] of (sources?.insecureRegistries ?? []).entries()) {
      violations.push({
        path: `spec.registrySources.insecureRegistries[${index}]`,
        message: `registry "${registry}" is listed as insecure, so images are pulled from it over plain HTTP or without TLS certificate verification`,
        actual: registry,
      });
    }
    for (const [index, entry] of (spec?.allowedRegistriesForImport ?? []).entries()) {
      if (entry.insecure === true) {
        violations.push({
          path: `spec.allowedRegistriesForImport[${index}].insecure`,
          message: `image streams may import from "${entry.domainName ?? ''}" insecurely, over plain HTTP`,
          actual: true,
        });
      }
    }
    return outcome(violations);
  },
});
