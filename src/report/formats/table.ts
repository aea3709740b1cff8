/**
 * Table: the human report for a terminal.
 * - header: tool and version, Pod Security Standards version, selected frameworks;
 * - failing, unsuppressed findings grouped by severity (critical → info), then by resource (in
 *   file and line order), each with its violations and a `fix:` line;
 * - suppressed findings in their own short section (source, expiry, reason);
 * - error findings (checks that could not judge) and input diagnostics (`file:line:col`);
 * - with `--status all`, one compact row per check (passed / failed / suppressed / n/a / error
 *   counts) instead of one line per pass, so 50,000 findings stay readable;
 * - the kinds no selected check reads, and a final summary line over every finding.
 * Colour (picocolors) only when options.color is set; otherwise no escape code is written.
 */
import pc from 'picocolors';
import {
  type Diagnostic,
  type Finding,
  formatLocation,
  type ResourceRef,
  type ScanReport,
  type ScoreGroup,
  SEVERITIES,
  type Severity,
  VULNERABILITY_SEVERITIES,
  type VulnerabilitySeverity,
} from '#core';
import type { OutputFormat, RenderOptions } from '../format.ts';
import { displayPath } from '../paths.ts';

type Colors = ReturnType<typeof pc.createColors>;

function plural(count: number, word: string, many = `${word}s`): string {
  return `${count} ${count === 1 ? word : many}`;
}

/**
 * Word-wrap `text` (which may start with spaces) to `width` columns; continuation lines start
 * with `indent`. A word longer than the width stays whole on its own line.
 */
function wrap(text: string, indent: string, width: number | undefined): string[] {
  if (width === undefined || text.length <= width) {
    return [text];
  }
  // Leading spaces and a list bullet stay glued to the first word.
  const lead = /^ *(?:[-~] )?/.exec(text)?.[0] ?? '';
  const [firstWord = '', ...words] = text.slice(lead.length).split(' ');
  const lines: string[] = [];
  let current = `${lead}${firstWord}`;
  let start = lead.length;
  for (const word of words) {
    if (current.length + 1 + word.length > width && current.length > start) {
      lines.push(current.trimEnd());
      current = `${indent}${word}`;
      start = indent.length;
    } else {
      current += ` ${word}`;
    }
  }
  lines.push(current);
  return lines;
}

function subject(ref: Pick<ResourceRef, 'kind' | 'namespace' | 'name'>): string {
  return ref.namespace ? `${ref.kind} ${ref.namespace}/${ref.name}` : `${ref.kind} ${ref.name}`;
}

function where(ref: ResourceRef, cwd: string): string {
  if (!ref.source) {
    return '';
  }
  const file = displayPath(ref.source.file, cwd);
  return ref.source.line === undefined ? file : `${file}:${ref.source.line}`;
}

function severityColor(c: Colors, severity: Severity): (text: string) => string {
  switch (severity) {
    case 'critical':
      return (text) => c.bold(c.red(text));
    case 'high':
      return c.red;
    case 'medium':
      return c.yellow;
    case 'low':
      return c.cyan;
    case 'info':
      return c.dim;
  }
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Order resources by file and line, then identity, so the report reads like the input. */
function compareResources(a: ResourceRef, b: ResourceRef): number {
  return (
    compareText(a.source?.file ?? '', b.source?.file ?? '') ||
    (a.source?.line ?? 0) - (b.source?.line ?? 0) ||
    compareText(a.kind, b.kind) ||
    compareText(a.namespace ?? '', b.namespace ?? '') ||
    compareText(a.name, b.name)
  );
}

function resourceKey(ref: ResourceRef): string {
  return [ref.kind, ref.namespace ?? '', ref.name, ref.source?.file ?? '', ref.source?.line ?? ''].join('\u0000');
}

/** Group findings by resource, resources in input order, findings by check id. */
function byResource(findings: readonly Finding[]): Finding[][] {
  const groups = new Map<string, Finding[]>();
  for (const finding of findings) {
    const key = resourceKey(finding.resource);
    let group = groups.get(key);
    if (!group) {
      group = [];
      groups.set(key, group);
    }
    group.push(finding);
  }
  const out = [...groups.values()];
  for (const group of out) {
    group.sort((a, b) => compareText(a.checkId, b.checkId));
  }
  return out.sort((a, b) => compareResources(a[0]!.resource, b[0]!.resource));
}

function resourceLine(c: Colors, ref: ResourceRef, cwd: string): string {
  const location = where(ref, cwd);
  return location ? `${c.bold(subject(ref))}  ${c.dim(`(${location})`)}` : c.bold(subject(ref));
}

function failingSection(out: string[], c: Colors, findings: readonly Finding[], options: RenderOptions): void {
  for (const severity of SEVERITIES) {
    const group = findings.filter((f) => f.severity === severity);
    if (group.length === 0) {
      continue;
    }
    const color = severityColor(c, severity);
    out.push(`${color(severity.toUpperCase())}  ${plural(group.length, 'failing finding')}`, '');
    for (const resourceFindings of byResource(group)) {
      out.push(resourceLine(c, resourceFindings[0]!.resource, options.cwd));
      for (const finding of resourceFindings) {
        out.push(`  ${color(finding.checkId)}  ${finding.title}`);
        const items =
          finding.violations.length > 0
            ? finding.violations.map((v) => (v.path ? `${v.path}: ${v.message}` : v.message))
            : [finding.message];
        for (const item of items) {
          out.push(...wrap(`    - ${item}`, '      ', options.width));
        }
        for (const v of finding.exemptedViolations ?? []) {
          const text = `    ~ ${v.path}: ${v.message} (exempted: ${v.suppressed.reason})`;
          out.push(...wrap(text, '      ', options.width).map((line) => c.dim(line)));
        }
        const [first = '', ...rest] = wrap(`    fix: ${finding.remediation.summary}`, '         ', options.width);
        out.push(first.replace('    fix:', `    ${c.green('fix:')}`), ...rest);
      }
      out.push('');
    }
  }
}

function suppressedSection(out: string[], c: Colors, findings: readonly Finding[], options: RenderOptions): void {
  if (findings.length === 0) {
    return;
  }
  out.push(`${c.bold('SUPPRESSED')}  ${plural(findings.length, 'finding')}`);
  for (const group of byResource(findings)) {
    for (const finding of group) {
      const suppression = finding.suppressed!;
      const location = where(finding.resource, options.cwd);
      out.push(
        `  ${c.dim(finding.checkId)}  ${subject(finding.resource)}${location ? `  ${c.dim(`(${location})`)}` : ''}  ${finding.title}`,
      );
      const by = suppression.source === 'annotation' ? 'annotation' : `config ${suppression.origin}`;
      const until = suppression.expires ? `until ${suppression.expires}` : 'no expiry';
      const containers = suppression.containers ? `, containers ${suppression.containers.join(', ')}` : '';
      const text = `    why: ${suppression.reason} (${by}${containers}, ${until})`;
      out.push(...wrap(text, '      ', options.width).map((line) => c.dim(line)));
    }
  }
  out.push('');
}

function errorSection(
  out: string[],
  c: Colors,
  findings: readonly Finding[],
  options: RenderOptions,
  heading = `${c.magenta('ERRORS')}  ${plural(findings.length, 'check result')} could not be judged`,
): void {
  if (findings.length === 0) {
    return;
  }
  out.push(heading);
  for (const group of byResource(findings)) {
    for (const finding of group) {
      const location = where(finding.resource, options.cwd);
      out.push(
        `  ${c.magenta(finding.checkId)}  ${subject(finding.resource)}${location ? `  ${c.dim(`(${location})`)}` : ''}  ${finding.title}`,
      );
      out.push(...wrap(`    ${finding.reason ?? finding.message}`, '    ', options.width));
    }
  }
  out.push('');
}

function diagnosticColor(c: Colors, level: Diagnostic['level']): (text: string) => string {
  return level === 'error' ? c.red : level === 'warning' ? c.yellow : c.dim;
}

function diagnosticSection(out: string[], c: Colors, diagnostics: readonly Diagnostic[], options: RenderOptions): void {
  if (diagnostics.length === 0) {
    return;
  }
  const counts = (['error', 'warning', 'info'] as const)
    .map((level) => [level, diagnostics.filter((d) => d.level === level).length] as const)
    .filter(([, n]) => n > 0)
    .map(([level, n]) => plural(n, level));
  out.push(`${c.bold('DIAGNOSTICS')}  ${counts.join(', ')}`);
  for (const d of diagnostics) {
    const location = formatLocation({ ...d.location, file: displayPath(d.location.file, options.cwd) });
    const color = diagnosticColor(c, d.level);
    const text = `  ${location}  ${d.level}  ${d.code}  ${d.message}`;
    const [first = '', ...rest] = wrap(text, '    ', options.width);
    const head = `  ${location}  ${d.level}`;
    out.push(first.replace(head, `  ${location}  ${color(d.level)}`), ...rest);
  }
  out.push('');
}

interface CheckCounts {
  readonly checkId: string;
  readonly title: string;
  readonly severity: Severity;
  passed: number;
  failed: number;
  suppressed: number;
  notApplicable: number;
  errors: number;
}

function checkSection(out: string[], c: Colors, findings: readonly Finding[]): void {
  const byCheck = new Map<string, CheckCounts>();
  for (const f of findings) {
    let counts = byCheck.get(f.checkId);
    if (!counts) {
      counts = {
        checkId: f.checkId,
        title: f.title,
        severity: f.severity,
        passed: 0,
        failed: 0,
        suppressed: 0,
        notApplicable: 0,
        errors: 0,
      };
      byCheck.set(f.checkId, counts);
    }
    if (f.status === 'pass') {
      counts.passed++;
    } else if (f.status === 'not-applicable') {
      counts.notApplicable++;
    } else if (f.status === 'error' || f.status === 'indeterminate') {
      counts.errors++;
    } else if (f.suppressed) {
      counts.suppressed++;
    } else {
      counts.failed++;
    }
  }
  if (byCheck.size === 0) {
    return;
  }
  const rows = [...byCheck.values()].sort((a, b) => compareText(a.checkId, b.checkId));
  const headers = ['check', 'severity', 'passed', 'failed', 'suppressed', 'n/a', 'error/unknown'] as const;
  const cells = rows.map((r) => [
    r.checkId,
    r.severity,
    String(r.passed),
    String(r.failed),
    String(r.suppressed),
    String(r.notApplicable),
    String(r.errors),
  ]);
  const widths = headers.map((h, i) => cells.reduce((w, row) => Math.max(w, row[i]!.length), h.length));
  const format = (row: readonly string[]): string =>
    row.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  out.push(`${c.bold('RESULTS BY CHECK')}  ${plural(rows.length, 'check')}`, c.dim(`  ${format(headers)}  title`));
  for (const [i, row] of cells.entries()) {
    out.push(`  ${format(row)}  ${rows[i]!.title}`);
  }
  out.push('');
}

function scoreLine(group: ScoreGroup): string {
  return `${group.current} of ${group.max} points (${group.percent}%)`;
}

/** Secure score: the total with its controls, then each subscription and cluster. */
function scoreSection(out: string[], c: Colors, report: ScanReport): void {
  const score = report.score;
  if (!score) {
    return;
  }
  out.push(`${c.bold('SECURE SCORE')}  ${scoreLine(score.total)}`);
  const rows = score.total.controls.map((control) => [
    control.title,
    `${control.current}/${control.maxPoints}`,
    `${control.healthy} healthy`,
    `${control.unhealthy} unhealthy`,
  ]);
  const widths = [0, 1, 2, 3].map((i) => rows.reduce((w, row) => Math.max(w, row[i]?.length ?? 0), 0));
  for (const row of rows) {
    out.push(
      `  ${row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ')}`,
    );
  }
  for (const [label, groups] of [
    ['subscription', score.subscriptions],
    ['cluster', score.clusters],
  ] as const) {
    for (const group of groups) {
      out.push(
        `  ${c.dim(label)} ${group.id === group.name || group.id === 'unknown' ? group.name : `${group.name} (${group.id})`}: ${scoreLine(group)}`,
      );
    }
  }
  out.push('');
}

/** Per-control compliance of the frameworks chosen with --framework; manual controls are listed as such. */
function complianceSection(out: string[], c: Colors, report: ScanReport): void {
  const mark: Record<string, (text: string) => string> = {
    passed: c.green,
    failed: c.red,
    indeterminate: c.yellow,
    'not-assessed': c.dim,
    manual: c.dim,
  };
  for (const framework of report.compliance ?? []) {
    const counts = Object.entries(framework.summary)
      .filter(([, n]) => n > 0)
      .map(([status, n]) => `${n} ${status}`)
      .join(', ');
    out.push(`${c.bold('COMPLIANCE')}  ${framework.title} ${framework.version} (${framework.framework}): ${counts}`);
    const width = framework.controls.reduce((w, control) => Math.max(w, control.id.length), 0);
    for (const control of framework.controls) {
      const color = mark[control.status] ?? c.dim;
      const detail =
        control.status === 'failed'
          ? `  ${control.failed} failing (${control.checks.join(', ')})`
          : control.checks.length > 0
            ? `  (${control.checks.join(', ')})`
            : '';
      out.push(`  ${control.id.padEnd(width)}  ${color(control.status.padEnd(13))}  ${control.title}${c.dim(detail)}`);
    }
    out.push('');
  }
}

function summaryLine(c: Colors, report: ScanReport): string {
  const { summary } = report;
  const failed = SEVERITIES.reduce((n, s) => n + (summary.failed[s] ?? 0), 0);
  const bySeverity = SEVERITIES.filter((s) => (summary.failed[s] ?? 0) > 0).map((s) => `${summary.failed[s]} ${s}`);
  const failedText = `${failed} failed${bySeverity.length > 0 ? ` (${bySeverity.join(', ')})` : ''}`;
  const parts = [
    failed > 0 ? c.red(failedText) : c.green(failedText),
    `${summary.suppressed} suppressed`,
    `${summary.findings.pass ?? 0} passed`,
  ];
  const notApplicable = summary.findings['not-applicable'] ?? 0;
  if (notApplicable > 0) {
    parts.push(`${notApplicable} not applicable`);
  }
  const errors = summary.findings.error ?? 0;
  if (errors > 0) {
    parts.push(c.magenta(plural(errors, 'error')));
  }
  const indeterminate = summary.findings.indeterminate ?? 0;
  if (indeterminate > 0) {
    parts.push(c.yellow(`${indeterminate} indeterminate`));
  }
  return `${plural(summary.resources, 'resource')}, ${plural(summary.checks, 'check')}: ${parts.join(', ')}`;
}

function vulnerabilityColor(c: Colors, severity: VulnerabilitySeverity): (text: string) => string {
  return severity === 'unknown' ? c.dim : severityColor(c, severity);
}

/** Image and directory scans: vulnerabilities grouped by severity, then by package. */
function renderVulnerabilities(report: ScanReport, options: RenderOptions): string {
  const c = pc.createColors(options.color);
  const subject = report.subject;
  const vulnerabilities = report.vulnerabilities ?? [];
  const summary = report.summary.vulnerabilities;
  const lines: string[] = [
    `${c.bold(`${report.tool.name} ${report.tool.version}`)}  ${subject?.type ?? 'image'} ${subject?.name ?? ''}`,
  ];
  const facts: string[] = [];
  if (subject?.os) {
    facts.push(subject.os.name ?? `${subject.os.family} ${subject.os.release}`);
  }
  if (subject?.platform) {
    facts.push(subject.platform);
  }
  if (subject?.digest) {
    facts.push(subject.digest);
  }
  if (subject?.layers) {
    facts.push(plural(subject.layers.length, 'layer'));
  }
  if (facts.length > 0) {
    lines.push(c.dim(facts.join('  ')));
  }
  lines.push('');
  const affected = vulnerabilities.filter((v) => v.status === 'affected' && !v.suppressed);
  const layerIndex = new Map((subject?.layers ?? []).map((l, i) => [l.diffId, i + 1]));
  if (affected.length === 0) {
    lines.push(c.green('No affected vulnerabilities.'), '');
  }
  for (const severity of VULNERABILITY_SEVERITIES) {
    const group = affected
      .filter((v) => v.severity === severity)
      .sort((a, b) => compareText(a.package.name, b.package.name) || compareText(a.id, b.id));
    if (group.length === 0) {
      continue;
    }
    const color = vulnerabilityColor(c, severity);
    lines.push(color(c.bold(`${severity.toUpperCase()}  ${plural(group.length, 'vulnerability', 'vulnerabilities')}`)));
    for (const v of group) {
      const cve = v.aliases.find((a) => a.startsWith('CVE-'));
      const id = cve && cve !== v.id ? `${v.id} (${cve})` : v.id;
      const fix = v.fixedVersion ? `fixed in ${v.fixedVersion}` : c.dim('no fix yet');
      const layer = v.layer && layerIndex.has(v.layer) ? `  layer ${layerIndex.get(v.layer)}` : '';
      lines.push(`  ${color(id)}  ${v.package.name} ${v.package.version}  ${fix}${c.dim(layer)}`);
      lines.push(...wrap(`    ${v.title}`, '    ', options.width));
      if (v.proof) {
        lines.push(
          c.dim(`    ${v.proof.ecosystem} ${v.proof.packageName} ${v.proof.range}: ${v.proof.comparisons.join('; ')}`),
        );
      }
      lines.push(c.dim(`    ${v.location.path}${v.location.line ? `:${v.location.line}` : ''}`));
    }
    lines.push('');
  }
  const silenced = vulnerabilities.filter((v) => v.status === 'affected' && v.suppressed);
  if (silenced.length > 0) {
    lines.push(c.bold(`SUPPRESSED  ${plural(silenced.length, 'vulnerability', 'vulnerabilities')}`));
    for (const v of silenced) {
      const until = v.suppressed?.expires ? ` until ${v.suppressed.expires}` : '';
      lines.push(
        `  ${v.id}  ${v.package.name} ${v.package.version}  ${v.suppressed?.source}${until}: ${v.suppressed?.reason}`,
      );
    }
    lines.push('');
  }
  const undecided = vulnerabilities.filter((v) => v.status === 'indeterminate');
  if (undecided.length > 0) {
    lines.push(
      c.magenta(c.bold(`INDETERMINATE  ${plural(undecided.length, 'advisory', 'advisories')} could not be decided`)),
    );
    for (const v of undecided) {
      lines.push(`  ${v.id}  ${v.package.name} ${v.package.version}: ${v.reason ?? ''}`);
    }
    lines.push('');
  }
  diagnosticSection(lines, c, report.diagnostics, options);
  if (summary) {
    const counts = VULNERABILITY_SEVERITIES.filter((s) => (summary.bySeverity[s] ?? 0) > 0).map(
      (s) => `${summary.bySeverity[s]} ${s}`,
    );
    const total = affected.length;
    const text = `${plural(total, 'vulnerability', 'vulnerabilities')}${counts.length > 0 ? ` (${counts.join(', ')})` : ''}`;
    lines.push(
      `${plural(summary.packages, 'package')}: ${total > 0 ? c.red(text) : c.green(text)}, ${summary.fixable} fixable, ${summary.suppressed} suppressed, ${summary.indeterminate} indeterminate`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function render(report: ScanReport, options: RenderOptions): string {
  if (report.vulnerabilities !== undefined) {
    return renderVulnerabilities(report, options);
  }
  const c = pc.createColors(options.color);
  const { summary } = report;
  const frameworks = summary.frameworks.length > 0 ? summary.frameworks.join(', ') : 'all checks';
  const lines = [
    `${c.bold(`${report.tool.name} ${report.tool.version}`)}  PSS ${summary.pssVersion}  frameworks: ${frameworks}`,
    '',
  ];
  const failing: Finding[] = [];
  const suppressed: Finding[] = [];
  const errors: Finding[] = [];
  const unknown: Finding[] = [];
  for (const finding of report.findings) {
    if (finding.status === 'fail') {
      (finding.suppressed ? suppressed : failing).push(finding);
    } else if (finding.status === 'error') {
      errors.push(finding);
    } else if (finding.status === 'indeterminate') {
      unknown.push(finding);
    }
  }
  if (failing.length === 0) {
    lines.push(c.green('No failing findings.'), '');
  } else {
    failingSection(lines, c, failing, options);
  }
  suppressedSection(lines, c, suppressed, options);
  errorSection(lines, c, errors, options);
  errorSection(
    lines,
    c,
    unknown,
    options,
    `${c.yellow('INDETERMINATE')}  ${plural(unknown.length, 'check result')} need a value the input does not give (never counted as passing)`,
  );
  scoreSection(lines, c, report);
  complianceSection(lines, c, report);
  diagnosticSection(lines, c, report.diagnostics, options);
  if (options.status === 'all') {
    checkSection(lines, c, report.findings);
  }
  const unknownKinds = Object.entries(summary.unknownKinds).sort(([a], [b]) => compareText(a, b));
  if (unknownKinds.length > 0) {
    const list = unknownKinds.map(([kind, n]) => `${kind} ${n}`).join(', ');
    lines.push(c.dim(`No check targets these kinds (cross-object checks may still read them): ${list}`));
  }
  lines.push(summaryLine(c, report));
  return `${lines.join('\n')}\n`;
}

export const table: OutputFormat = {
  id: 'table',
  title: 'Terminal table (grouped by severity and resource)',
  mediaType: 'text/plain; charset=utf-8',
  fileExtension: 'txt',
  render,
};
