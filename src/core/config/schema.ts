/**
 * The configuration file (`palisade.yaml`): one zod schema. Unknown keys are errors that name
 * the file, line and key. Every option that can also be set by flag or environment variable is
 * declared once in options.ts.
 */
import { z } from 'zod';
import { SEVERITIES } from '../model/severity.ts';

const IsoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD')
  .refine((s) => {
    const date = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(s);
  }, 'not a real calendar date');

/** '64MiB', '10MB', '512KiB', '1048576' → bytes. */
export const ByteSize = z.union([
  z.number().int().positive(),
  z
    .string()
    .regex(/^\d+(?:\.\d+)?\s*(?:[KMGT]i?B?|B)?$/i, 'expected a size such as 64MiB, 10MB or 1048576')
    .transform(parseByteSize),
]);

export function parseByteSize(text: string): number {
  const match = /^(?<num>\d+(?:\.\d+)?)\s*(?<unit>[KMGT]i?B?|B)?$/i.exec(text.trim());
  if (!match?.groups?.num) {
    return Number.NaN;
  }
  const unit = (match.groups.unit ?? 'B').toUpperCase();
  const binary = unit.includes('I');
  const power = { B: 0, K: 1, M: 2, G: 3, T: 4 }[unit[0] as 'B' | 'K' | 'M' | 'G' | 'T'] ?? 0;
  return Math.round(Number(match.groups.num) * (binary || unit === 'B' ? 1024 : 1000) ** power);
}

export const FailOn = z.enum([...SEVERITIES, 'none']);
export type FailOn = z.infer<typeof FailOn>;

export const Exemption = z.strictObject({
  /** Why the finding is acceptable. Required: an exemption without a reason is not an exemption. */
  reason: z.string().min(1, 'an exemption needs a reason'),
  /** Check ids, slugs or aliases; '*' for all checks. */
  checks: z.array(z.string().min(1)).min(1, 'name at least one check (or "*")'),
  /** Namespace globs ('team-*'). Unset: any namespace. */
  namespaces: z.array(z.string().min(1)).optional(),
  /** Resource name globs. Unset: any name. */
  names: z.array(z.string().min(1)).optional(),
  /** Kinds ('Deployment'). Unset: any kind. */
  kinds: z.array(z.string().min(1)).optional(),
  /** Labels the resource (or its pod template) must carry, all of them. */
  labels: z.record(z.string(), z.string()).optional(),
  /** Only violations of these containers (sidecars); pod-level violations stay. */
  containers: z.array(z.string().min(1)).optional(),
  /** Last day (inclusive) the exemption applies, YYYY-MM-DD. */
  expires: IsoDate.optional(),
});
export type Exemption = z.infer<typeof Exemption>;

/** Silences vulnerabilities by advisory id or alias (CVE), optionally only for some packages. */
export const VulnerabilityExemption = z.strictObject({
  /** Why the vulnerability is acceptable. Required. */
  reason: z.string().min(1, 'an exemption needs a reason'),
  /** Advisory ids or aliases: 'CVE-2024-1234', 'GHSA-xxxx-xxxx-xxxx', 'DSA-5678-1'. */
  ids: z.array(z.string().min(1)).min(1, 'name at least one vulnerability id'),
  /** Package name globs ('libssl*'). Unset: any package. */
  packages: z.array(z.string().min(1)).optional(),
  /** Last day (inclusive) the exemption applies, YYYY-MM-DD. */
  expires: IsoDate.optional(),
});
export type VulnerabilityExemption = z.infer<typeof VulnerabilityExemption>;

export const AnnotationPolicy = z.strictObject({
  /** Honour `palisade.io/ignore` annotations at all (default true). */
  enabled: z.boolean().default(true),
  /** Annotation exemptions are not honoured for these checks or namespaces (config beats annotations). */
  forbid: z
    .strictObject({
      checks: z.array(z.string().min(1)).default([]),
      namespaces: z.array(z.string().min(1)).default([]),
    })
    .default({ checks: [], namespaces: [] }),
});
export type AnnotationPolicy = z.infer<typeof AnnotationPolicy>;

/** Pod Security Admission's modes, in the order it evaluates them. */
export const ADMISSION_MODES = ['enforce', 'warn', 'audit'] as const;
export type AdmissionMode = (typeof ADMISSION_MODES)[number];

/** A policy version as the `-version` namespace labels spell it (PSA's grammar: no leading zeros). */
const AdmissionVersion = z
  .string()
  .regex(/^(?:latest|v1\.(?:0|[1-9]\d*))$/, 'expected "latest" or "v1.N" (e.g. v1.30)');
/** privileged, baseline, restricted, palisade, or a framework id; checked against the frameworks at load. */
const AdmissionLevel = z.string().min(1);

/**
 * Admission (issue #5), shaped like Pod Security Admission's AdmissionConfiguration
 * (`defaults` with `<mode>` and `<mode>-version`, `exemptions`), so a PodSecurityConfiguration
 * can be carried over by hand.
 */
export const AdmissionConfig = z.strictObject({
  /** The policy of a namespace without labels for a mode. */
  defaults: z
    .strictObject({
      enforce: AdmissionLevel.optional(),
      'enforce-version': AdmissionVersion.optional(),
      warn: AdmissionLevel.optional(),
      'warn-version': AdmissionVersion.optional(),
      audit: AdmissionLevel.optional(),
      'audit-version': AdmissionVersion.optional(),
    })
    .optional(),
  /** Requests these match are allowed without evaluation (PSA's exemptions, plus groups). */
  exemptions: z
    .strictObject({
      /** Namespace names or globs ('team-*'). */
      namespaces: z.array(z.string().min(1)).optional(),
      /** Authenticated user names (userInfo.username), exact. */
      usernames: z.array(z.string().min(1)).optional(),
      /** Groups (userInfo.groups), exact. */
      groups: z.array(z.string().min(1)).optional(),
      /** Pod runtimeClassName values, exact. */
      runtimeClasses: z.array(z.string().min(1)).optional(),
    })
    .optional(),
  /** A mode without palisade.io labels uses the namespace's pod-security.kubernetes.io labels (default true). */
  honorPodSecurityLabels: z.boolean().optional(),
  /** What enforce does when a request cannot be evaluated: Fail (deny, default) or Ignore (allow). */
  failurePolicy: z.enum(['Fail', 'Ignore']).optional(),
});
export type AdmissionConfig = z.infer<typeof AdmissionConfig>;

export const Config = z.strictObject({
  apiVersion: z.literal('palisade.io/v1alpha1').optional(),
  kind: z.literal('Config').optional(),
  scan: z
    .strictObject({
      failOn: FailOn.optional(),
      frameworks: z.array(z.string().min(1)).optional(),
      pssVersion: z.string().optional(),
      maxFileSize: ByteSize.optional(),
      checks: z
        .strictObject({
          include: z.array(z.string().min(1)).optional(),
          exclude: z.array(z.string().min(1)).optional(),
        })
        .optional(),
      experimental: z.boolean().optional(),
    })
    .optional(),
  settings: z
    .strictObject({
      allowedRegistries: z.array(z.string().min(1)).optional(),
      systemNamespaces: z.array(z.string().min(1)).optional(),
      dangerousCapabilities: z.array(z.string().min(1)).optional(),
    })
    .optional(),
  exemptions: z.array(Exemption).optional(),
  annotations: AnnotationPolicy.optional(),
  /** Image and directory scans (`palisade image`). */
  vulnerabilities: z
    .strictObject({
      /** Vulnerability database file (default: $XDG_CACHE_HOME/palisade/vulndb.sqlite). */
      database: z.string().min(1).optional(),
      /** Warn when the database's stalest source is older than this many days (default 7). */
      warnAfterDays: z.number().int().positive().optional(),
      /** Fail (exit 2) when it is older than this many days (default 30). */
      failAfterDays: z.number().int().positive().optional(),
      /** Cache of analysed layers (default: $XDG_CACHE_HOME/palisade/layers). */
      layerCacheDir: z.string().min(1).optional(),
      /** Leave out vulnerabilities that have no fixed version yet. */
      ignoreUnfixed: z.boolean().optional(),
      exemptions: z.array(VulnerabilityExemption).optional(),
    })
    .optional(),
  /** Admission decisions (`palisade admission review`, later the webhook). */
  admission: AdmissionConfig.optional(),
});
export type Config = z.infer<typeof Config>;
