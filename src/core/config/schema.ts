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

/** An OpenShift minor version, '4.18'. YAML reads an unquoted 4.20 as the number 4.2, so it must be quoted. */
const OpenShiftMinor = z
  .string({
    error: (issue) =>
      typeof issue.input === 'number'
        ? `expected a quoted minor version such as "4.18": YAML reads the unquoted ${issue.input} as a number (4.20 would be 4.2)`
        : 'expected a minor version such as "4.18"',
  })
  .regex(/^(?:0|[1-9]\d*)\.(?:0|[1-9]\d*)$/, 'expected a minor version such as "4.18" (major.minor, no patch)');

/**
 * The supported-version window of the OpenShift checks (ClusterVersion and ARO cluster version),
 * instead of the calendars built into Palisade.
 */
export const OpenShiftSupport = z
  .strictObject({
    /** Minors older than this are unsupported, this one and newer ones supported; replaces the calendars. */
    oldestSupportedMinor: OpenShiftMinor.optional(),
    /** Judge the built-in calendars as of this date (YYYY-MM-DD) instead of the date they were read. */
    asOf: IsoDate.optional(),
  })
  .refine((s) => s.oldestSupportedMinor === undefined || s.asOf === undefined, {
    message:
      'set oldestSupportedMinor or asOf, not both: oldestSupportedMinor replaces the calendars, so asOf would not be used',
    path: ['asOf'],
  });
export type OpenShiftSupport = z.infer<typeof OpenShiftSupport>;

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

/** What an admission rule does when it matches: refuse the request, or admit it with a warning. */
export const AdmissionRuleAction = z.enum(['deny', 'warn']);
export type AdmissionRuleAction = z.infer<typeof AdmissionRuleAction>;

/** The image gate's rules an exemption can name. */
export const IMAGE_GATE_RULES = ['registries', 'digests', 'vulnerabilities'] as const;
export type ImageGateRule = (typeof IMAGE_GATE_RULES)[number];

/** Lets images through the image gate: some CVEs, or whole rules, for some images and namespaces. */
export const ImageGateExemption = z
  .strictObject({
    /** Why it is acceptable. Required. */
    reason: z.string().min(1, 'an exemption needs a reason'),
    /** Vulnerability ids or aliases (CVE-…, GHSA-…): only these stop counting. Unset: the rules below. */
    cves: z.array(z.string().min(1)).min(1).optional(),
    /** Image globs on registry/repository (`myacr.azurecr.io/legacy/*`) or the full reference. Unset: any. */
    images: z.array(z.string().min(1)).min(1).optional(),
    /** Namespace globs. Unset: any namespace. */
    namespaces: z.array(z.string().min(1)).min(1).optional(),
    /** Rules the exemption lifts when it names no CVEs (default: all of them). */
    rules: z.array(z.enum(IMAGE_GATE_RULES)).min(1).optional(),
    /** Last day (inclusive) the exemption applies, YYYY-MM-DD. */
    expires: IsoDate.optional(),
  })
  .refine((e) => e.cves !== undefined || e.images !== undefined || e.namespaces !== undefined, {
    message: 'name cves, images or namespaces (an exemption for everything would switch the gate off)',
  });
export type ImageGateExemption = z.infer<typeof ImageGateExemption>;

/** The admission image gate: registries, digests and scan results of the images a workload runs. */
export const ImageGateConfig = z.strictObject({
  /** Only images from these registry/repository globs; a glob without '/' is a registry host. */
  registries: z
    .strictObject({ allow: z.array(z.string().min(1)).min(1), action: AdmissionRuleAction.default('deny') })
    .optional(),
  /** Images must be pinned by digest (`image@sha256:…`). */
  digests: z.strictObject({ action: AdmissionRuleAction.default('deny') }).optional(),
  /** Vulnerabilities in the latest `palisade image --format json` report of each image. */
  vulnerabilities: z
    .strictObject({
      /** Directory of `palisade image --format json` reports (read recursively, *.json). */
      results: z.string().min(1),
      /** Vulnerabilities at or above this severity count (default high). */
      severity: z.enum(SEVERITIES).default('high'),
      action: AdmissionRuleAction.default('deny'),
      /** An image without a report: allow, warn or deny (default warn). */
      unscanned: z.enum(['allow', 'warn', 'deny']).default('warn'),
      /** Vulnerabilities without a fixed version do not count. */
      ignoreUnfixed: z.boolean().default(false),
    })
    .optional(),
  exemptions: z.array(ImageGateExemption).optional(),
});
export type ImageGateConfig = z.infer<typeof ImageGateConfig>;

/** Secure defaults added by the mutating webhook. */
export const MUTATION_DEFAULTS = [
  'seccompProfile',
  'allowPrivilegeEscalation',
  'dropCapabilities',
  'runAsNonRoot',
] as const;
export type MutationDefault = (typeof MUTATION_DEFAULTS)[number];

/** Mutation, for namespaces labelled `palisade.io/mutate: "true"`. */
export const MutationConfig = z.strictObject({
  /** Which defaults to add (default: all). */
  defaults: z.array(z.enum(MUTATION_DEFAULTS)).optional(),
  /** Images known to run as a non-root user (globs as the image gate's): they get runAsNonRoot. */
  nonRootImages: z.array(z.string().min(1)).optional(),
});
export type MutationConfig = z.infer<typeof MutationConfig>;

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
  /** Registries, digests and vulnerability scan results of the images (the image gate). */
  imageGate: ImageGateConfig.optional(),
  /** Secure defaults added to workloads of namespaces that opt in (the mutating webhook). */
  mutation: MutationConfig.optional(),
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
      openshiftSupport: OpenShiftSupport.optional(),
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
