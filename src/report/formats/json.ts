/**
 * JSON: the documented, stable report contract (docs/reference/report-json.md, JSON Schema in
 * docs/reference/report.schema.json). One object { schemaVersion, tool, summary, findings,
 * score (Azure and ARO checks), clusters, diagnostics }; keys in a fixed order, optional fields omitted when unset (never null),
 * 2-space indent, trailing newline. `findings` follows the status filter; `summary` always
 * counts every finding. Linear in the number of findings: objects shared by the findings of one
 * check (frameworks, remediation) are normalised once and reused.
 */
import type {
  ClusterRef,
  ControlRef,
  Diagnostic,
  Finding,
  FrameworkCompliance,
  Remediation,
  ReportSummary,
  ResourceRef,
  ScanReport,
  ScanSubject,
  ScoreGroup,
  SecureScore,
  Suppression,
  Violation,
  Vulnerability,
  VulnerabilitySummary,
} from '#core';
import { FINDING_STATUSES, SEVERITIES, VULNERABILITY_SEVERITIES } from '#core';
import { type OutputFormat, type StatusFilter, selectFindings } from '../format.ts';

type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json | undefined };
type JsonObject = { readonly [key: string]: Json | undefined };

/** The summary in contract key order (unknown kinds sorted by name). */
export function jsonSummary(summary: ReportSummary): JsonObject {
  const unknownKinds: Record<string, number> = {};
  for (const kind of Object.keys(summary.unknownKinds).sort()) {
    unknownKinds[kind] = summary.unknownKinds[kind] ?? 0;
  }
  return {
    resources: summary.resources,
    checks: summary.checks,
    files: summary.files,
    findings: Object.fromEntries(FINDING_STATUSES.map((s) => [s, summary.findings[s] ?? 0])),
    failed: Object.fromEntries(SEVERITIES.map((s) => [s, summary.failed[s] ?? 0])),
    suppressed: summary.suppressed,
    unknownKinds,
    diagnostics: {
      error: summary.diagnostics.error ?? 0,
      warning: summary.diagnostics.warning ?? 0,
      info: summary.diagnostics.info ?? 0,
    },
    pssVersion: summary.pssVersion,
    frameworks: [...summary.frameworks],
    vulnerabilities: summary.vulnerabilities && vulnerabilitySummaryOf(summary.vulnerabilities),
  };
}

function resourceOf(ref: ResourceRef): JsonObject {
  const source = ref.source;
  return {
    kind: ref.kind,
    apiVersion: ref.apiVersion,
    namespace: ref.namespace,
    name: ref.name,
    id: ref.id,
    cluster: ref.cluster,
    source: source && {
      file: source.file,
      line: source.line,
      column: source.column,
      document: source.document,
      parameters: source.parameters,
    },
  };
}

function scoreGroupOf(group: ScoreGroup): JsonObject {
  return {
    id: group.id,
    name: group.name,
    current: group.current,
    max: group.max,
    percent: group.percent,
    controls: group.controls.map((c) => ({
      id: c.id,
      title: c.title,
      maxPoints: c.maxPoints,
      healthy: c.healthy,
      unhealthy: c.unhealthy,
      current: c.current,
    })),
  };
}

function scoreOf(score: SecureScore): JsonObject {
  return {
    total: scoreGroupOf(score.total),
    subscriptions: score.subscriptions.map(scoreGroupOf),
    clusters: score.clusters.map(scoreGroupOf),
  };
}

function complianceOf(framework: FrameworkCompliance): JsonObject {
  return {
    framework: framework.framework,
    title: framework.title,
    version: framework.version,
    summary: { ...framework.summary },
    controls: framework.controls.map((c) => ({
      id: c.id,
      title: c.title,
      section: c.section,
      status: c.status,
      checks: [...c.checks],
      failed: c.failed,
      indeterminate: c.indeterminate,
      assessed: c.assessed,
    })),
  };
}

function clusterOf(cluster: ClusterRef): JsonObject {
  return {
    id: cluster.id,
    name: cluster.name,
    aroResourceId: cluster.aroResourceId,
    apiServerUrl: cluster.apiServerUrl,
    linkedBy: cluster.linkedBy,
    objects: cluster.objects,
  };
}

function violationOf(violation: Violation): JsonObject {
  return {
    path: violation.path,
    message: violation.message,
    container: violation.container,
    actual: violation.actual as Json | undefined,
  };
}

function suppressionOf(suppression: Suppression): JsonObject {
  return {
    source: suppression.source,
    reason: suppression.reason,
    expires: suppression.expires,
    origin: suppression.origin,
    containers: suppression.containers && [...suppression.containers],
  };
}

function frameworksOf(refs: readonly ControlRef[]): Json {
  return refs.map((ref) => ({ framework: ref.framework, control: ref.control }));
}

function remediationOf(remediation: Remediation): JsonObject {
  return {
    summary: remediation.summary,
    steps: remediation.steps && [...remediation.steps],
    kubernetesPatch: remediation.kubernetesPatch,
    command: remediation.command,
    azureCli: remediation.azureCli,
    armPatch: remediation.armPatch,
    armApiVersion: remediation.armApiVersion,
    bicep: remediation.bicep,
    action: remediation.action,
  };
}

function diagnosticOf(diagnostic: Diagnostic): JsonObject {
  const { location } = diagnostic;
  return {
    level: diagnostic.level,
    code: diagnostic.code,
    message: diagnostic.message,
    location: { file: location.file, line: location.line, column: location.column, path: location.path },
  };
}

function subjectOf(subject: ScanSubject): JsonObject {
  return {
    type: subject.type,
    name: subject.name,
    digest: subject.digest,
    platform: subject.platform,
    os: subject.os && { family: subject.os.family, release: subject.os.release, name: subject.os.name },
    layers: subject.layers?.map((l) => ({ diffId: l.diffId, createdBy: l.createdBy })),
    database: subject.database && { path: subject.database.path, ageDays: subject.database.ageDays },
  };
}

function vulnerabilitySummaryOf(summary: VulnerabilitySummary): JsonObject {
  return {
    packages: summary.packages,
    bySeverity: Object.fromEntries(VULNERABILITY_SEVERITIES.map((s) => [s, summary.bySeverity[s] ?? 0])),
    affected: summary.affected,
    fixable: summary.fixable,
    indeterminate: summary.indeterminate,
    suppressed: summary.suppressed,
  };
}

/** A vulnerability in contract key order. */
export function vulnerabilityOf(v: Vulnerability): JsonObject {
  const { proof } = v;
  return {
    id: v.id,
    aliases: [...v.aliases],
    status: v.status,
    severity: v.severity,
    severitySource: v.severitySource,
    cvss: v.cvss && { version: v.cvss.version, vector: v.cvss.vector, score: v.cvss.score },
    title: v.title,
    package: {
      name: v.package.name,
      version: v.package.version,
      ecosystem: v.package.ecosystem,
      purl: v.package.purl,
      sourceName: v.package.sourceName,
    },
    fixedVersion: v.fixedVersion,
    layer: v.layer,
    location: { path: v.location.path, line: v.location.line, layer: v.location.layer },
    reason: v.reason,
    proof: proof && {
      advisory: proof.advisory,
      modified: proof.modified,
      ecosystem: proof.ecosystem,
      packageName: proof.packageName,
      by: proof.by,
      affectedIndex: proof.affectedIndex,
      rangeIndex: proof.rangeIndex,
      rangeType: proof.rangeType,
      range: proof.range,
      comparedVersion: proof.comparedVersion,
      comparisons: [...proof.comparisons],
    },
    references: [...v.references],
    suppressed: v.suppressed && {
      source: v.suppressed.source,
      reason: v.suppressed.reason,
      expires: v.suppressed.expires,
      origin: v.suppressed.origin,
    },
    fingerprint: v.fingerprint,
  };
}

/** Memoise a normaliser by object identity: findings of one check share these objects. */
function cached<T extends object>(normalise: (value: T) => Json): (value: T) => Json {
  const cache = new Map<T, Json>();
  return (value) => {
    let out = cache.get(value);
    if (out === undefined) {
      out = normalise(value);
      cache.set(value, out);
    }
    return out;
  };
}

/**
 * The report as a plain JSON value in contract order (what `--format json` prints).
 * Fields whose value is undefined are left out by JSON.stringify.
 */
export function toJsonReport(report: ScanReport, status: StatusFilter): JsonObject {
  const frameworks = cached(frameworksOf);
  const remediation = cached(remediationOf);
  const findings = selectFindings(report.findings, status).map(
    (finding: Finding): JsonObject => ({
      checkId: finding.checkId,
      slug: finding.slug,
      status: finding.status,
      severity: finding.severity,
      title: finding.title,
      message: finding.message,
      resource: resourceOf(finding.resource),
      violations: finding.violations.map(violationOf),
      frameworks: frameworks(finding.frameworks),
      remediation: remediation(finding.remediation),
      reason: finding.reason,
      suppressed: finding.suppressed && suppressionOf(finding.suppressed),
      exemptedViolations: finding.exemptedViolations?.map((v) => ({
        ...violationOf(v),
        suppressed: suppressionOf(v.suppressed),
      })),
      fingerprint: finding.fingerprint,
    }),
  );
  return {
    schemaVersion: report.schemaVersion,
    tool: { name: report.tool.name, version: report.tool.version },
    subject: report.subject && subjectOf(report.subject),
    summary: jsonSummary(report.summary),
    findings,
    score: report.score && scoreOf(report.score),
    compliance: report.compliance?.map(complianceOf),
    clusters: report.clusters?.map(clusterOf),
    vulnerabilities: report.vulnerabilities?.map(vulnerabilityOf),
    diagnostics: report.diagnostics.map(diagnosticOf),
  };
}

const q = JSON.stringify;

/** Key/value lines of an object at an indent, skipping undefined values (as JSON.stringify does). */
function fields(indent: string, entries: readonly (readonly [string, string | undefined])[]): string {
  const lines: string[] = [];
  for (const [key, value] of entries) {
    if (value !== undefined) {
      lines.push(`${indent}${q(key)}: ${value}`);
    }
  }
  return lines.join(',\n');
}

function scalar(value: unknown): string | undefined | null {
  if (value === undefined) {
    return undefined;
  }
  if (value === null || typeof value !== 'object') {
    return typeof value === 'function' || typeof value === 'symbol' ? undefined : q(value);
  }
  return null; // an object or array: not handled by the fast path
}

/**
 * A finding's text at array depth, written directly for the common shape (no reason, no
 * suppression, scalar `actual`): the same bytes JSON.stringify would give, without building an
 * intermediate object or re-indenting. Returns undefined for other shapes.
 */
function fastFindingText(finding: Finding, frameworks: string, remediation: string): string | undefined {
  if (finding.reason !== undefined || finding.suppressed || finding.exemptedViolations) {
    return undefined;
  }
  let violations = '[]';
  if (finding.violations.length > 0) {
    const items: string[] = [];
    for (const v of finding.violations) {
      const actual = scalar(v.actual);
      if (actual === null) {
        return undefined;
      }
      items.push(
        `        {\n${fields('          ', [
          ['path', q(v.path)],
          ['message', q(v.message)],
          ['container', v.container === undefined ? undefined : q(v.container)],
          ['actual', actual],
        ])}\n        }`,
      );
    }
    violations = `[\n${items.join(',\n')}\n      ]`;
  }
  const r = finding.resource;
  const source = r.source
    ? `{\n${fields('          ', [
        ['file', q(r.source.file)],
        ['line', r.source.line === undefined ? undefined : q(r.source.line)],
        ['column', r.source.column === undefined ? undefined : q(r.source.column)],
        ['document', r.source.document === undefined ? undefined : q(r.source.document)],
        ['parameters', r.source.parameters === undefined ? undefined : q(r.source.parameters)],
      ])}\n        }`
    : undefined;
  const resource = `{\n${fields('        ', [
    ['kind', q(r.kind)],
    ['apiVersion', q(r.apiVersion)],
    ['namespace', r.namespace === undefined ? undefined : q(r.namespace)],
    ['name', q(r.name)],
    ['id', r.id === undefined ? undefined : q(r.id)],
    ['cluster', r.cluster === undefined ? undefined : q(r.cluster)],
    ['source', source],
  ])}\n      }`;
  return `    {\n${fields('      ', [
    ['checkId', q(finding.checkId)],
    ['slug', q(finding.slug)],
    ['status', q(finding.status)],
    ['severity', q(finding.severity)],
    ['title', q(finding.title)],
    ['message', q(finding.message)],
    ['resource', resource],
    ['violations', violations],
    ['frameworks', frameworks],
    ['remediation', remediation],
    ['fingerprint', q(finding.fingerprint)],
  ])}\n    }`;
}

/** The sentinel in its only possible place: the value of a finding's frameworks or remediation key. */
const SHARED = /^( {6}"(?:frameworks|remediation)": )"\\u0000(\d+)"/gm;
const FINDINGS_MARK = '\u0000findings';

/**
 * The same text as `JSON.stringify(toJsonReport(report, status), null, 2)`, built finding by
 * finding: the frameworks and remediation that all findings of a check share are rendered once
 * and spliced in, so a report of 100,000+ findings is not one giant object to stringify.
 * A test proves the two are byte-identical.
 */
export function renderJsonText(report: ScanReport, status: StatusFilter): string {
  return [...jsonChunks(report, status)].join('');
}

/** renderJsonText in pieces: the head, then each finding, then the tail. */
export function* jsonChunks(report: ScanReport, status: StatusFilter): Generator<string> {
  const fragments: string[] = [];
  const ids = new Map<object, number>();
  /** A sentinel standing for a shared value, rendered once at a finding's field depth (6 spaces). */
  const shared = (value: object, normalise: () => Json): string => {
    let id = ids.get(value);
    if (id === undefined) {
      id = fragments.length;
      fragments.push(JSON.stringify(normalise(), null, 2).replace(/\n/g, '\n      '));
      ids.set(value, id);
    }
    return `\u0000${id}`;
  };
  const head = JSON.stringify(
    {
      schemaVersion: report.schemaVersion,
      tool: { name: report.tool.name, version: report.tool.version },
      subject: report.subject && subjectOf(report.subject),
      summary: jsonSummary(report.summary),
      findings: FINDINGS_MARK,
      score: report.score && scoreOf(report.score),
      compliance: report.compliance?.map(complianceOf),
      clusters: report.clusters?.map(clusterOf),
      vulnerabilities: report.vulnerabilities?.map(vulnerabilityOf),
      diagnostics: report.diagnostics.map(diagnosticOf),
    },
    null,
    2,
  );
  const mark = `\n  "findings": ${JSON.stringify(FINDINGS_MARK)},\n`;
  const at = head.indexOf(mark);
  const selected = selectFindings(report.findings, status);
  if (selected.length === 0) {
    yield `${head.slice(0, at)}\n  "findings": [],\n${head.slice(at + mark.length)}\n`;
    return;
  }
  yield `${head.slice(0, at)}\n  "findings": [\n`;
  let first = true;
  for (const finding of selected) {
    const fast = fastFindingText(
      finding,
      fragments[Number(shared(finding.frameworks, () => frameworksOf(finding.frameworks)).slice(1))] ?? '',
      fragments[Number(shared(finding.remediation, () => remediationOf(finding.remediation)).slice(1))] ?? '',
    );
    if (fast !== undefined) {
      yield `${first ? '' : ',\n'}${fast}`;
      first = false;
      continue;
    }
    const object = {
      checkId: finding.checkId,
      slug: finding.slug,
      status: finding.status,
      severity: finding.severity,
      title: finding.title,
      message: finding.message,
      resource: resourceOf(finding.resource),
      violations: finding.violations.map(violationOf),
      frameworks: shared(finding.frameworks, () => frameworksOf(finding.frameworks)),
      remediation: shared(finding.remediation, () => remediationOf(finding.remediation)),
      reason: finding.reason,
      suppressed: finding.suppressed && suppressionOf(finding.suppressed),
      exemptedViolations: finding.exemptedViolations?.map((v) => ({
        ...violationOf(v),
        suppressed: suppressionOf(v.suppressed),
      })),
      fingerprint: finding.fingerprint,
    };
    const text = `${first ? '' : ',\n'}    ${JSON.stringify(object, null, 2).replace(/\n/g, '\n    ')}`;
    first = false;
    yield text.replace(SHARED, (_, key: string, id: string) => `${key}${fragments[Number(id)] ?? ''}`);
  }
  yield `\n  ],\n${head.slice(at + mark.length)}\n`;
}

export const json: OutputFormat = {
  id: 'json',
  title: 'JSON report (stable contract, docs/reference/report-json.md)',
  mediaType: 'application/json',
  fileExtension: 'json',
  render(report, options) {
    return renderJsonText(report, options.status);
  },
  renderChunks(report, options) {
    return jsonChunks(report, options.status);
  },
};
