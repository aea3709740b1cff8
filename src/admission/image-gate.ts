/**
 * The image gate (issue #5, item 4): judge every container image of a workload (init, regular
 * and ephemeral containers) at admission, as Defender for Containers' gated deployment does, with
 * Palisade's own scan results:
 *
 * - registries: the image's registry/repository (normalised: `nginx` is docker.io/library/nginx)
 *   must match an allow-list glob; a glob without '/' names a registry host;
 * - digests: the image must be pinned by digest;
 * - vulnerabilities: the latest `palisade image --format json` report of the image (matched by
 *   digest first, else by registry/repository:tag; the newest report wins) must have no affected,
 *   unsuppressed vulnerability at or above a severity; an image without a report is allowed,
 *   warned about or denied, as configured (Defender lets unscanned images through);
 * - exemptions by CVE, image glob and namespace glob, each with an optional last day; an expired
 *   exemption does not apply and is reported.
 *
 * Each rule denies or warns. On UPDATE only images that the old object did not run are judged, so
 * an unrelated change (a label, the replica count) never fails because a CVE was found since.
 * `check` never throws.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { z } from 'zod';
import {
  type AdmissionRuleAction,
  atLeast,
  type Container,
  type ImageGateConfig,
  type ImageGateExemption,
  type ImageGateRule,
  isSeverity,
  matchesAnyGlob,
  matchesGlob,
  type Resource,
  type Severity,
  severityRank,
} from '#core';
import { toResource, workloadKind } from '#inventory';
import { type ImageReference, imageToCheck, parseImageReference } from '#posture';
import { AdmissionRequest } from './review.ts';

// ---------------------------------------------------------------------------------------------
// Scan results

/** One vulnerability of a report, as much as the gate needs. */
export interface ScannedVulnerability {
  readonly id: string;
  readonly aliases: readonly string[];
  /** 'unknown' when the report gives none the gate knows (never counted). */
  readonly severity: Severity | 'unknown';
  readonly fixable: boolean;
  readonly packageName: string;
}

/** What one `palisade image --format json` report says about one image. */
export interface ImageScanResult {
  /** The report's file (relative to the results directory when loaded from one). */
  readonly file: string;
  /** When the scan was written (the file's modification time). */
  readonly timestamp: Date;
  /** subject.type: 'registry', 'image', ... */
  readonly type: string;
  /** subject.name: the reference or path scanned. */
  readonly name: string;
  /** Digests the report is about: subject.digest and the digest of subject.name, when it has one. */
  readonly digests: readonly string[];
  /** `registry/repository:tag` for registry scans by tag (implicit tag: latest). */
  readonly reference?: string;
  /** Affected, unsuppressed vulnerabilities (indeterminate and suppressed ones are left out). */
  readonly vulnerabilities: readonly ScannedVulnerability[];
}

export interface ScanResultProblem {
  readonly file: string;
  readonly message: string;
}

const ReportVulnerability = z.looseObject({
  id: z.string().min(1),
  aliases: z.array(z.string()).optional(),
  status: z.string(),
  severity: z.string(),
  fixedVersion: z.string().nullable().optional(),
  package: z.looseObject({ name: z.string() }),
  suppressed: z.looseObject({}).optional(),
});

const ImageReport = z.looseObject({
  schemaVersion: z.string().regex(/^1\.\d+$/, 'expected schema version 1.x'),
  tool: z.looseObject({ name: z.string(), version: z.string() }),
  subject: z.looseObject({ type: z.string().min(1), name: z.string(), digest: z.string().optional() }),
  vulnerabilities: z.array(ReportVulnerability),
});

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `registry/repository:tag` (tag latest when unset), the key reports and images meet on. */
function referenceKey(reference: ImageReference): string {
  return `${reference.registry}/${reference.repository}:${reference.tag ?? 'latest'}`;
}

/**
 * Read one report (the text of a file written by `palisade image --format json`). Returns why it
 * is not one (never quoting it) instead of throwing.
 */
export function parseImageScanReport(
  text: string,
  file: string,
  timestamp: Date,
): { result: ImageScanResult } | { problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { problem: `not valid JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (
    isRecord(value) &&
    isRecord(value.tool) &&
    typeof value.tool.name === 'string' &&
    value.tool.name !== 'palisade'
  ) {
    return { problem: `written by "${value.tool.name}", not by palisade` };
  }
  if (isRecord(value) && value.subject === undefined && Array.isArray(value.findings)) {
    return { problem: 'a posture scan report, not an image report (no "subject")' };
  }
  const parsed = ImageReport.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('') ?? '';
    return {
      problem: `not a \`palisade image --format json\` report: ${path ? path.replace(/^\./, '') : '(root)'}: ${issue?.message ?? 'invalid'}`,
    };
  }
  const report = parsed.data;
  if (report.tool.name !== 'palisade') {
    return { problem: `written by "${report.tool.name}", not by palisade` };
  }
  const digests: string[] = [];
  if (report.subject.digest) {
    digests.push(report.subject.digest);
  }
  let reference: string | undefined;
  if (report.subject.type === 'registry') {
    const named = parseImageReference(report.subject.name);
    if (named.valid) {
      if (named.reference.digest && !digests.includes(named.reference.digest)) {
        digests.push(named.reference.digest);
      }
      if (named.reference.tag !== undefined || named.reference.digest === undefined) {
        reference = referenceKey(named.reference);
      }
    }
  }
  const vulnerabilities: ScannedVulnerability[] = [];
  for (const v of report.vulnerabilities) {
    if (v.status !== 'affected' || v.suppressed !== undefined) {
      continue;
    }
    vulnerabilities.push({
      id: v.id,
      aliases: v.aliases ?? [],
      severity: isSeverity(v.severity) ? v.severity : 'unknown',
      fixable: typeof v.fixedVersion === 'string' && v.fixedVersion !== '',
      packageName: v.package.name,
    });
  }
  return {
    result: {
      file,
      timestamp,
      type: report.subject.type,
      name: report.subject.name,
      digests,
      ...(reference === undefined ? {} : { reference }),
      vulnerabilities,
    },
  };
}

export interface LoadScanResultsOptions {
  /** Files larger than this are skipped and reported (default 64 MiB). */
  readonly maxFileSize?: number;
  /** At most this many files are read (default 10,000); the rest are reported. */
  readonly maxFiles?: number;
}

export interface LoadedScanResults {
  readonly results: readonly ImageScanResult[];
  /** Files that were skipped, with why: not JSON, not a palisade image report, too large, unreadable. */
  readonly problems: readonly ScanResultProblem[];
}

/**
 * Every `*.json` report under a directory (recursively, in name order). Bad and foreign files are
 * reported and skipped; the valid rest is kept. Throws only when the directory cannot be listed.
 */
export async function loadImageScanResults(
  dir: string,
  options: LoadScanResultsOptions = {},
): Promise<LoadedScanResults> {
  const maxFileSize = options.maxFileSize ?? 64 * 1024 * 1024;
  const maxFiles = options.maxFiles ?? 10_000;
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((e) => e.isFile() && e.name.toLowerCase().endsWith('.json'))
    .map((e) => join(e.parentPath, e.name))
    .sort();
  const results: ImageScanResult[] = [];
  const problems: ScanResultProblem[] = [];
  for (const [index, path] of files.entries()) {
    const file = relative(dir, path);
    if (index >= maxFiles) {
      problems.push({ file, message: `skipped: more than ${maxFiles} report files` });
      continue;
    }
    try {
      const info = await stat(path);
      if (info.size > maxFileSize) {
        problems.push({ file, message: `skipped: ${info.size} bytes is larger than the limit of ${maxFileSize}` });
        continue;
      }
      const parsed = parseImageScanReport(await readFile(path, 'utf8'), file, info.mtime);
      if ('problem' in parsed) {
        problems.push({ file, message: parsed.problem });
      } else {
        results.push(parsed.result);
      }
    } catch (error) {
      problems.push({ file, message: `unreadable: ${error instanceof Error ? error.message : String(error)}` });
    }
  }
  return { results, problems };
}

/** Reports indexed by digest and by reference; the newest report of an image wins. */
export interface ImageScanIndex {
  readonly size: number;
  /** The report for an image, and whether it matched by digest or by reference. */
  find(
    reference: ImageReference,
  ): { readonly result: ImageScanResult; readonly by: 'digest' | 'reference' } | undefined;
}

function newer(a: ImageScanResult, b: ImageScanResult): boolean {
  const dt = a.timestamp.getTime() - b.timestamp.getTime();
  return dt !== 0 ? dt > 0 : a.file > b.file;
}

export function indexImageScanResults(results: readonly ImageScanResult[]): ImageScanIndex {
  const byDigest = new Map<string, ImageScanResult>();
  const byReference = new Map<string, ImageScanResult[]>();
  for (const result of results) {
    for (const digest of result.digests) {
      const known = byDigest.get(digest);
      if (!known || newer(result, known)) {
        byDigest.set(digest, result);
      }
    }
    if (result.reference !== undefined) {
      const list = byReference.get(result.reference) ?? [];
      list.push(result);
      byReference.set(result.reference, list);
    }
  }
  for (const list of byReference.values()) {
    list.sort((a, b) => (newer(a, b) ? -1 : newer(b, a) ? 1 : 0));
  }
  return {
    size: results.length,
    find(reference) {
      if (reference.digest !== undefined) {
        const result = byDigest.get(reference.digest);
        if (result) {
          return { result, by: 'digest' };
        }
        if (reference.tag === undefined) {
          return undefined; // pinned by digest only: a report by tag may be of another image
        }
      }
      const candidates = byReference.get(referenceKey(reference)) ?? [];
      // A report of the same tag whose digest is not the pinned one is about another image.
      const result = candidates.find(
        (c) => reference.digest === undefined || c.digests.length === 0 || c.digests.includes(reference.digest),
      );
      return result ? { result, by: 'reference' } : undefined;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The gate

export type UnscannedAction = 'allow' | 'warn' | 'deny';

export interface ImageGateOptions {
  readonly registries?: { readonly allow: readonly string[]; readonly action?: AdmissionRuleAction };
  readonly digests?: { readonly action?: AdmissionRuleAction };
  readonly vulnerabilities?: {
    /** The reports (a function is asked at each check, so a reloaded index takes effect). */
    readonly results: ImageScanIndex | (() => ImageScanIndex);
    readonly severity?: Severity;
    readonly action?: AdmissionRuleAction;
    readonly unscanned?: UnscannedAction;
    readonly ignoreUnfixed?: boolean;
  };
  readonly exemptions?: readonly ImageGateExemption[];
  /** Today, for exemption expiry (default: the clock at each check). */
  readonly now?: () => Date;
}

/** One container's image and what the gate found. */
export interface ImageVerdict {
  /** `container "web"`, `init container "setup"`, `ephemeral container "debug"`. */
  readonly container: string;
  readonly image: string;
  /** Field path of the image, e.g. `spec.template.spec.containers[0].image`. */
  readonly path: string;
  /** Set when the reference parsed. */
  readonly reference?: ImageReference;
  /** The report used, when the vulnerability rule ran and found one. */
  readonly scan?: { readonly file: string; readonly by: 'digest' | 'reference' };
  readonly denials: readonly string[];
  readonly warnings: readonly string[];
}

export interface ImageGateResult {
  /** One message per (container, rule) that denies. The request is refused when any. */
  readonly denials: readonly string[];
  /** One message per (container, rule) that warns, plus expired exemptions that no longer apply. */
  readonly warnings: readonly string[];
  /** Audit annotations (keys without '/'): image-gate-denied, -warned, -exempted, -expired-exemptions, -unscanned. */
  readonly annotations: Readonly<Record<string, string>>;
  readonly images: readonly ImageVerdict[];
  /** Why nothing was judged (operation, subresource, not a workload, no pod template). */
  readonly skipped?: string;
}

export interface ImageGate {
  /** Judge an AdmissionRequest, a Resource (inventory) or a plain Kubernetes object. Never throws. */
  check(input: unknown, options?: { readonly namespace?: string }): ImageGateResult;
}

/** At most this many vulnerability ids in a message; the rest are counted. */
const MAX_IDS_SHOWN = 5;
/** Audit annotation values are cut at this length. */
const MAX_ANNOTATION_LENGTH = 4096;

export const IMAGE_GATE_ANNOTATIONS = {
  denied: 'image-gate-denied',
  warned: 'image-gate-warned',
  exempted: 'image-gate-exempted',
  expired: 'image-gate-expired-exemptions',
  unscanned: 'image-gate-unscanned',
} as const;

/**
 * True when an image matches one of the globs: a glob with '/' against `registry/repository` and
 * the normalised reference, a glob without '/' against the registry host.
 */
export function imageMatches(reference: ImageReference, patterns: readonly string[]): boolean {
  const name = `${reference.registry}/${reference.repository}`;
  return patterns.some((pattern) =>
    pattern.includes('/')
      ? matchesGlob(name, pattern) || matchesGlob(reference.normalized, pattern)
      : matchesGlob(reference.registry, pattern),
  );
}

function today(now: Date): string {
  return now.toISOString().slice(0, 10);
}

function displayId(v: ScannedVulnerability): string {
  return v.id.startsWith('CVE-') ? v.id : (v.aliases.find((a) => a.startsWith('CVE-')) ?? v.id);
}

function cap(text: string): string {
  return text.length <= MAX_ANNOTATION_LENGTH ? text : `${text.slice(0, MAX_ANNOTATION_LENGTH - 1)}…`;
}

interface ContainerRef {
  readonly label: string;
  readonly container: Container;
  readonly path: string;
}

function containersOf(resource: Resource): ContainerRef[] {
  const pod = resource.pod;
  if (!pod) {
    return [];
  }
  const refs: ContainerRef[] = [];
  const lists = [
    ['initContainers', 'init container', pod.spec.initContainers],
    ['containers', 'container', pod.spec.containers],
    ['ephemeralContainers', 'ephemeral container', pod.spec.ephemeralContainers],
  ] as const;
  for (const [field, label, list] of lists) {
    for (const [i, container] of (list ?? []).entries()) {
      refs.push({ label: `${label} "${container.name}"`, container, path: `${pod.specPath}.${field}[${i}]` });
    }
  }
  return refs;
}

/** Images the pod template of an object runs (for UPDATE: what is already running). */
function imagesOf(object: unknown, kind: string, group: string): Set<string> {
  const images = new Set<string>();
  const workload = workloadKind(kind, group);
  let node: unknown = object;
  for (const segment of workload?.templatePath ?? []) {
    node = isRecord(node) ? node[segment] : undefined;
  }
  const spec = isRecord(node) ? node.spec : undefined;
  if (!isRecord(spec)) {
    return images;
  }
  for (const field of ['initContainers', 'containers', 'ephemeralContainers']) {
    const list = spec[field];
    for (const container of Array.isArray(list) ? list : []) {
      if (isRecord(container) && typeof container.image === 'string') {
        images.add(container.image);
      }
    }
  }
  return images;
}

function isResource(value: unknown): value is Resource {
  return isRecord(value) && typeof value.key === 'string' && isRecord(value.object) && isRecord(value.source);
}

interface Subject {
  readonly resource?: Resource;
  readonly namespace?: string;
  /** Images the old object ran (UPDATE). */
  readonly previous?: ReadonlySet<string>;
  readonly skipped?: string;
}

function subjectOf(input: unknown, namespaceOverride: string | undefined): Subject {
  if (isResource(input)) {
    return { resource: input, ...(input.namespace === undefined ? {} : { namespace: input.namespace }) };
  }
  const request =
    isRecord(input) && 'uid' in input && 'operation' in input ? AdmissionRequest.safeParse(input) : undefined;
  if (request && !request.success) {
    return { skipped: 'not an AdmissionReview request' };
  }
  let object: unknown = input;
  let previous: Set<string> | undefined;
  let namespace = namespaceOverride;
  if (request?.success) {
    const r = request.data;
    if (r.operation !== 'CREATE' && r.operation !== 'UPDATE') {
      return { skipped: `operation ${r.operation}` };
    }
    const sub = r.subResource ?? '';
    if (sub !== '' && !(r.kind.kind === 'Pod' && sub === 'ephemeralcontainers')) {
      return { skipped: `subresource ${r.resource.resource}/${sub}` };
    }
    if (!workloadKind(r.kind.kind, r.kind.group)) {
      return { skipped: `kind ${r.kind.group ? `${r.kind.kind}.${r.kind.group}` : r.kind.kind} is not a workload` };
    }
    if (!isRecord(r.object)) {
      return { skipped: 'the request has no object' };
    }
    const { group, version, kind } = r.kind;
    object = { ...r.object, apiVersion: r.object.apiVersion ?? (group ? `${group}/${version}` : version), kind };
    if (r.operation === 'UPDATE') {
      previous = imagesOf(r.oldObject, kind, group);
    }
    namespace ??= r.namespace;
  }
  const built = toResource(object, { file: 'admission' });
  const resource = built.resource;
  if (!resource?.pod) {
    return { skipped: resource?.podError ?? 'the object has no pod template' };
  }
  namespace ??= resource.namespace;
  return {
    resource,
    ...(namespace === undefined || namespace === '' ? {} : { namespace }),
    ...(previous ? { previous } : {}),
  };
}

interface ActiveExemption {
  readonly index: number;
  readonly exemption: ImageGateExemption;
  readonly expired: boolean;
}

function describeExemption(e: ActiveExemption): string {
  return `exemptions[${e.index}] (${e.exemption.reason})`;
}

/** Build the gate. Options are read once; the scan index (when a function) at each check. */
export function createImageGate(options: ImageGateOptions): ImageGate {
  const registries = options.registries;
  const digests = options.digests;
  const vulns = options.vulnerabilities;
  const exemptions = options.exemptions ?? [];
  const strictest: AdmissionRuleAction | undefined = [
    registries?.action ?? (registries ? 'deny' : undefined),
    digests?.action ?? (digests ? 'deny' : undefined),
    vulns?.action ?? (vulns ? 'deny' : undefined),
  ].reduce<AdmissionRuleAction | undefined>(
    (acc, a) => (a === 'deny' || acc === 'deny' ? 'deny' : (a ?? acc)),
    undefined,
  );

  return {
    check(input, checkOptions = {}) {
      try {
        return run(input, checkOptions.namespace);
      } catch (error) {
        // Never throw: an internal problem is a denial when any rule denies, else a warning.
        const message = `image gate could not judge the object: ${error instanceof Error ? error.message : String(error)}`;
        return {
          denials: strictest === 'deny' ? [message] : [],
          warnings: strictest === 'deny' ? [] : [message],
          annotations: {
            [strictest === 'deny' ? IMAGE_GATE_ANNOTATIONS.denied : IMAGE_GATE_ANNOTATIONS.warned]: message,
          },
          images: [],
        };
      }
    },
  };

  function run(input: unknown, namespaceOverride: string | undefined): ImageGateResult {
    const subject = subjectOf(input, namespaceOverride);
    if (!subject.resource) {
      return { denials: [], warnings: [], annotations: {}, images: [], skipped: subject.skipped ?? 'nothing to judge' };
    }
    const date = today(options.now?.() ?? new Date());
    const namespace = subject.namespace;
    const index = vulns ? (typeof vulns.results === 'function' ? vulns.results() : vulns.results) : undefined;
    const denials: string[] = [];
    const warnings: string[] = [];
    const exempted: string[] = [];
    const expiredNotes = new Set<string>();
    const unscanned: string[] = [];
    const images: ImageVerdict[] = [];

    for (const ref of containersOf(subject.resource)) {
      const image = imageToCheck(ref.container.image);
      if (image === undefined || subject.previous?.has(image)) {
        continue;
      }
      const own = { denials: [] as string[], warnings: [] as string[] };
      const who = `${ref.label} image "${image}"`;
      const emit = (action: AdmissionRuleAction, reason: string): void => {
        (action === 'deny' ? own.denials : own.warnings).push(`${who}: ${reason}`);
      };
      const parsed = parseImageReference(image);
      if (!parsed.valid) {
        if (strictest) {
          emit(strictest, `not a valid image reference: ${parsed.reason}`);
        }
        images.push({ container: ref.label, image, path: `${ref.path}.image`, ...own });
        denials.push(...own.denials);
        warnings.push(...own.warnings);
        continue;
      }
      const reference = parsed.reference;
      // Exemptions whose image and namespace selectors match this container.
      const matching: ActiveExemption[] = [];
      for (const [i, exemption] of exemptions.entries()) {
        if (exemption.images && !imageMatches(reference, exemption.images)) {
          continue;
        }
        if (exemption.namespaces && (namespace === undefined || !matchesAnyGlob(namespace, exemption.namespaces))) {
          continue;
        }
        matching.push({ index: i, exemption, expired: exemption.expires !== undefined && exemption.expires < date });
      }
      const ruleExemption = (rule: ImageGateRule): ActiveExemption | undefined => {
        const candidates = matching.filter(
          (m) =>
            m.exemption.cves === undefined && (m.exemption.rules === undefined || m.exemption.rules.includes(rule)),
        );
        const live = candidates.find((m) => !m.expired);
        if (live) {
          exempted.push(`${who}: ${rule} by ${describeExemption(live)}`);
          return live;
        }
        for (const m of candidates) {
          expiredNotes.add(
            `${describeExemption(m)} expired on ${m.exemption.expires} and no longer applies to ${who} (${rule})`,
          );
        }
        return undefined;
      };

      if (registries) {
        const name = `${reference.registry}/${reference.repository}`;
        if (!imageMatches(reference, registries.allow) && !ruleExemption('registries')) {
          emit(
            registries.action ?? 'deny',
            `${name} is not from an allowed registry (allowed: ${registries.allow.join(', ')})`,
          );
        }
      }
      if (digests && reference.digest === undefined && !ruleExemption('digests')) {
        emit(digests.action ?? 'deny', 'is not pinned by digest (use <image>@sha256:<digest>)');
      }
      let scan: ImageVerdict['scan'];
      if (vulns && index) {
        const found = index.find(reference);
        const threshold = vulns.severity ?? 'high';
        if (!found) {
          const unscannedAction = vulns.unscanned ?? 'warn';
          unscanned.push(who);
          if (unscannedAction !== 'allow' && !ruleExemption('vulnerabilities')) {
            emit(unscannedAction, 'has no Palisade scan result (scan it with `palisade image --format json`)');
          }
        } else {
          scan = { file: found.result.file, by: found.by };
          const counted = new Map<string, Severity>();
          const expiredCves = new Map<string, ActiveExemption>();
          const cveExempted = new Map<string, ActiveExemption>();
          for (const v of found.result.vulnerabilities) {
            if (v.severity === 'unknown' || !atLeast(v.severity, threshold)) {
              continue;
            }
            if (vulns.ignoreUnfixed && !v.fixable) {
              continue;
            }
            const ids = [v.id, ...v.aliases];
            const byCve = matching.filter((m) => m.exemption.cves?.some((c) => ids.includes(c)));
            const live = byCve.find((m) => !m.expired);
            if (live) {
              cveExempted.set(displayId(v), live);
              continue;
            }
            for (const m of byCve) {
              expiredCves.set(`${displayId(v)}|${m.index}`, m);
            }
            const id = displayId(v);
            const known = counted.get(id);
            if (!known || severityRank(v.severity) > severityRank(known)) {
              counted.set(id, v.severity);
            }
          }
          for (const [id, m] of cveExempted) {
            exempted.push(`${who}: ${id} by ${describeExemption(m)}`);
          }
          for (const [key, m] of expiredCves) {
            expiredNotes.add(
              `${describeExemption(m)} expired on ${m.exemption.expires} and no longer applies to ${key.split('|')[0]} in ${who}`,
            );
          }
          if (counted.size > 0 && !ruleExemption('vulnerabilities')) {
            const sorted = [...counted].sort(
              ([a, sa], [b, sb]) => severityRank(sb) - severityRank(sa) || (a < b ? -1 : a > b ? 1 : 0),
            );
            const shown = sorted.slice(0, MAX_IDS_SHOWN).map(([id, s]) => `${id} (${s})`);
            const more = sorted.length > MAX_IDS_SHOWN ? `, and ${sorted.length - MAX_IDS_SHOWN} more` : '';
            emit(
              vulns.action ?? 'deny',
              `${sorted.length} ${sorted.length === 1 ? 'vulnerability' : 'vulnerabilities'} at or above ${threshold} in its latest scan (${found.result.file}, matched by ${found.by}): ${shown.join(', ')}${more}`,
            );
          }
        }
      }
      images.push({
        container: ref.label,
        image,
        path: `${ref.path}.image`,
        reference,
        ...(scan ? { scan } : {}),
        ...own,
      });
      denials.push(...own.denials);
      warnings.push(...own.warnings);
    }
    warnings.push(...expiredNotes);
    const annotations: Record<string, string> = {};
    const put = (key: string, values: readonly string[]): void => {
      if (values.length > 0) {
        annotations[key] = cap(values.join('; '));
      }
    };
    put(IMAGE_GATE_ANNOTATIONS.denied, denials);
    put(
      IMAGE_GATE_ANNOTATIONS.warned,
      images.flatMap((i) => i.warnings),
    );
    put(IMAGE_GATE_ANNOTATIONS.exempted, exempted);
    put(IMAGE_GATE_ANNOTATIONS.expired, [...expiredNotes]);
    put(IMAGE_GATE_ANNOTATIONS.unscanned, unscanned);
    return { denials, warnings, annotations, images };
  }
}

/**
 * The gate of a config section (`admission.imageGate`), loading the results directory of the
 * vulnerability rule (relative paths from `baseDir`). Problems with report files are returned,
 * not thrown; an unreadable results directory throws.
 */
export async function loadImageGate(
  config: ImageGateConfig,
  options: { readonly baseDir?: string; readonly now?: () => Date } & LoadScanResultsOptions = {},
): Promise<{ readonly gate: ImageGate; readonly problems: readonly ScanResultProblem[]; readonly reports: number }> {
  let problems: readonly ScanResultProblem[] = [];
  let index: ImageScanIndex | undefined;
  if (config.vulnerabilities) {
    const dir = resolve(options.baseDir ?? '.', config.vulnerabilities.results);
    const loaded = await loadImageScanResults(dir, options);
    problems = loaded.problems;
    index = indexImageScanResults(loaded.results);
  }
  const gate = createImageGate({
    ...(config.registries ? { registries: config.registries } : {}),
    ...(config.digests ? { digests: config.digests } : {}),
    ...(config.vulnerabilities && index
      ? {
          vulnerabilities: {
            results: index,
            severity: config.vulnerabilities.severity,
            action: config.vulnerabilities.action,
            unscanned: config.vulnerabilities.unscanned,
            ignoreUnfixed: config.vulnerabilities.ignoreUnfixed,
          },
        }
      : {}),
    ...(config.exemptions ? { exemptions: config.exemptions } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  return { gate, problems, reports: index?.size ?? 0 };
}
