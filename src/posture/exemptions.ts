/**
 * Exemptions silence failing findings without hiding them: a silenced finding keeps status
 * 'fail', gains `suppressed` (source, reason, expiry, origin) and no longer counts for the exit
 * code. Two sources:
 * - config (`exemptions:` in palisade.yaml): by check, namespace, name, kind, labels, containers;
 * - annotations on the object or its pod template:
 *     palisade.io/ignore: "PAL-K8S-0003,host-ports/istio-proxy"   (check, or check/container)
 *     palisade.io/ignore-reason: "why"          (required; without it the annotation is not honoured)
 *     palisade.io/ignore-until: "2026-12-31"     (optional, inclusive)
 * Config can forbid annotation exemptions for chosen checks or namespaces, so workload owners
 * cannot silence what the platform team requires. Expired and refused exemptions are reported
 * as diagnostics and the finding stays failing.
 */
import type { AnnotationPolicy, Diagnostic, Exemption, Finding, Resource, Suppression, Violation } from '#core';
import { matchesAnyGlob } from '#core';
import type { AnyCheck } from './checks/index.ts';

export const IGNORE_ANNOTATION = 'palisade.io/ignore';
export const IGNORE_REASON_ANNOTATION = 'palisade.io/ignore-reason';
export const IGNORE_UNTIL_ANNOTATION = 'palisade.io/ignore-until';

export interface ExemptionOptions {
  readonly exemptions: readonly Exemption[];
  /** Config file the exemptions came from, for `origin`. */
  readonly configFile?: string;
  readonly annotations: AnnotationPolicy;
  /** Today, for expiry (injected for tests). */
  readonly now: Date;
  /** Resolves a check id, slug or alias to the check id. */
  readonly resolveCheck: (key: string) => AnyCheck | undefined;
}

interface Rule {
  readonly checks: ReadonlySet<string> | 'all';
  readonly containers?: ReadonlySet<string>;
  readonly suppression: Suppression;
  readonly expired: boolean;
  readonly matches: (resource: Resource) => boolean;
}

function today(now: Date): string {
  return now.toISOString().slice(0, 10);
}

function labelsOf(resource: Resource): Record<string, string> {
  return { ...resource.pod?.metadata.labels, ...resource.object.metadata?.labels };
}

function resolveChecks(keys: readonly string[], options: ExemptionOptions, unknown: (key: string) => void) {
  if (keys.includes('*')) {
    return 'all' as const;
  }
  const ids = new Set<string>();
  for (const key of keys) {
    const check = options.resolveCheck(key);
    if (check) {
      ids.add(check.meta.id);
    } else {
      unknown(key);
    }
  }
  return ids;
}

function configRules(options: ExemptionOptions, diagnostics: Diagnostic[]): Rule[] {
  const file = options.configFile ?? 'config';
  const date = today(options.now);
  return options.exemptions.map((exemption, index) => {
    const origin = `${file}: exemptions[${index}]`;
    const checks = resolveChecks(exemption.checks, options, (key) =>
      diagnostics.push({
        level: 'warning',
        code: 'exemption.unknown-check',
        message: `exemptions[${index}] names unknown check "${key}"`,
        location: { file, path: `exemptions[${index}].checks` },
      }),
    );
    const expired = exemption.expires !== undefined && exemption.expires < date;
    if (expired) {
      diagnostics.push({
        level: 'warning',
        code: 'exemption.expired',
        message: `exemptions[${index}] expired on ${exemption.expires} and no longer applies (${exemption.reason})`,
        location: { file, path: `exemptions[${index}].expires` },
      });
    }
    const { namespaces, names, kinds, labels } = exemption;
    return {
      checks,
      ...(exemption.containers ? { containers: new Set(exemption.containers) } : {}),
      suppression: {
        source: 'config',
        reason: exemption.reason,
        origin,
        ...(exemption.expires ? { expires: exemption.expires } : {}),
      },
      expired,
      matches(resource: Resource): boolean {
        if (namespaces && !matchesAnyGlob(resource.namespace ?? '', namespaces)) {
          return false;
        }
        if (names && !matchesAnyGlob(resource.name, names)) {
          return false;
        }
        if (kinds && !kinds.includes(resource.kind)) {
          return false;
        }
        if (labels) {
          const own = labelsOf(resource);
          return Object.entries(labels).every(([k, v]) => own[k] === v);
        }
        return true;
      },
    };
  });
}

interface AnnotationEntry {
  readonly checkId: string;
  readonly container?: string;
}

const NO_RULES: readonly Rule[] = Object.freeze([]);

/** Annotation exemptions of one resource (object metadata and pod template metadata). */
function annotationRules(resource: Resource, options: ExemptionOptions, diagnostics: Diagnostic[]): readonly Rule[] {
  if (
    resource.object.metadata?.annotations?.[IGNORE_ANNOTATION] === undefined &&
    resource.pod?.metadata.annotations?.[IGNORE_ANNOTATION] === undefined
  ) {
    return NO_RULES; // the common case, without building anything
  }
  const sources = [{ annotations: resource.object.metadata?.annotations, path: 'metadata.annotations' }];
  if (resource.pod && resource.pod.metadataPath !== 'metadata') {
    sources.push({ annotations: resource.pod.metadata.annotations, path: `${resource.pod.metadataPath}.annotations` });
  }
  const rules: Rule[] = [];
  const location = {
    file: resource.source.file,
    ...(resource.source.line === undefined ? {} : { line: resource.source.line }),
  };
  const subject = `${resource.kind} "${resource.namespace ? `${resource.namespace}/` : ''}${resource.name}"`;
  for (const { annotations, path } of sources) {
    const value = annotations?.[IGNORE_ANNOTATION];
    if (value === undefined) {
      continue;
    }
    if (!options.annotations.enabled) {
      diagnostics.push({
        level: 'warning',
        code: 'exemption.annotations-disabled',
        message: `${subject} carries ${IGNORE_ANNOTATION} but annotation exemptions are disabled in the config`,
        location: { ...location, path },
      });
      continue;
    }
    const reason = annotations?.[IGNORE_REASON_ANNOTATION]?.trim();
    if (!reason) {
      diagnostics.push({
        level: 'warning',
        code: 'exemption.no-reason',
        message: `${subject}: ${IGNORE_ANNOTATION} is not honoured without a ${IGNORE_REASON_ANNOTATION} annotation`,
        location: { ...location, path },
      });
      continue;
    }
    const until = annotations?.[IGNORE_UNTIL_ANNOTATION]?.trim();
    if (until !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(until)) {
      diagnostics.push({
        level: 'warning',
        code: 'exemption.invalid-expiry',
        message: `${subject}: ${IGNORE_UNTIL_ANNOTATION} "${until}" is not a YYYY-MM-DD date; the exemption is not honoured`,
        location: { ...location, path },
      });
      continue;
    }
    const expired = until !== undefined && until < today(options.now);
    if (expired) {
      diagnostics.push({
        level: 'warning',
        code: 'exemption.expired',
        message: `${subject}: annotation exemption expired on ${until} and no longer applies`,
        location: { ...location, path },
      });
    }
    const entries: AnnotationEntry[] = [];
    for (const raw of value.split(',')) {
      const item = raw.trim();
      if (!item) {
        continue;
      }
      const [key = '', container] = item.split('/', 2);
      const check = options.resolveCheck(key);
      if (!check) {
        diagnostics.push({
          level: 'warning',
          code: 'exemption.unknown-check',
          message: `${subject}: ${IGNORE_ANNOTATION} names unknown check "${key}"`,
          location: { ...location, path },
        });
        continue;
      }
      const forbidden =
        options.annotations.forbid.checks.includes('*') ||
        options.annotations.forbid.checks.some((k) => options.resolveCheck(k)?.meta.id === check.meta.id) ||
        (resource.namespace !== undefined && matchesAnyGlob(resource.namespace, options.annotations.forbid.namespaces));
      if (forbidden) {
        diagnostics.push({
          level: 'warning',
          code: 'exemption.forbidden',
          message: `${subject}: annotation exemption of ${check.meta.id} is not allowed by the config (annotations.forbid); the finding stays`,
          location: { ...location, path },
        });
        continue;
      }
      entries.push(container ? { checkId: check.meta.id, container } : { checkId: check.meta.id });
    }
    for (const entry of entries) {
      rules.push({
        checks: new Set([entry.checkId]),
        ...(entry.container ? { containers: new Set([entry.container]) } : {}),
        suppression: {
          source: 'annotation',
          reason,
          origin: `${path}["${IGNORE_ANNOTATION}"]`,
          ...(until ? { expires: until } : {}),
        },
        expired,
        matches: () => true,
      });
    }
  }
  return rules;
}

function applyRule(finding: Finding, rule: Rule): Finding {
  if (!rule.containers) {
    return { ...finding, suppressed: rule.suppression };
  }
  const kept: Violation[] = [];
  const exempted: (Violation & { suppressed: Suppression })[] = [...(finding.exemptedViolations ?? [])];
  for (const violation of finding.violations) {
    if (violation.container !== undefined && rule.containers.has(violation.container)) {
      exempted.push({ ...violation, suppressed: rule.suppression });
    } else {
      kept.push(violation);
    }
  }
  if (kept.length === finding.violations.length) {
    return finding;
  }
  if (kept.length === 0) {
    return {
      ...finding,
      exemptedViolations: exempted,
      suppressed: { ...rule.suppression, containers: [...rule.containers] },
    };
  }
  return { ...finding, violations: kept, exemptedViolations: exempted };
}

/** Config rules first, then annotation rules; the first rule that silences the finding wins. */
function applyRules(finding: Finding, rules: readonly Rule[], resource: Resource): Finding {
  let current = finding;
  for (const rule of rules) {
    if (current.suppressed) {
      break;
    }
    if (rule.checks !== 'all' && !rule.checks.has(finding.checkId)) {
      continue;
    }
    if (!rule.matches(resource)) {
      continue;
    }
    current = applyRule(current, rule);
  }
  return current;
}

/**
 * Apply exemptions to failing findings. `resourceOf` maps a finding to its resource.
 * Returns new findings (same order) and the diagnostics about exemptions.
 */
export function applyExemptions(
  findings: readonly Finding[],
  resourceOf: (finding: Finding) => Resource | undefined,
  options: ExemptionOptions,
): { findings: Finding[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const fromConfig = configRules(options, diagnostics).filter((r) => !r.expired);
  const annotationCache = new Map<Resource, readonly Rule[]>();
  const out: Finding[] = [];
  for (const finding of findings) {
    if (finding.status !== 'fail') {
      out.push(finding);
      continue;
    }
    const resource = resourceOf(finding);
    if (!resource) {
      out.push(finding);
      continue;
    }
    let fromAnnotations = annotationCache.get(resource);
    if (!fromAnnotations) {
      fromAnnotations = annotationRules(resource, options, diagnostics).filter((r) => !r.expired);
      annotationCache.set(resource, fromAnnotations);
    }
    if (fromConfig.length === 0 && fromAnnotations.length === 0) {
      out.push(finding);
      continue;
    }
    let current = applyRules(finding, fromConfig, resource);
    current = applyRules(current, fromAnnotations, resource);
    out.push(current);
  }
  return { findings: out, diagnostics };
}
