/**
 * The check and framework catalogue as text: `palisade checks list`, `palisade frameworks list`
 * and docs/reference/checks.md are all rendered from check metadata here.
 */
import type { AnyCheck } from './checks/index.ts';
import { CHECKS } from './checks/index.ts';
import { FRAMEWORKS } from './frameworks/index.ts';

function targetText(check: AnyCheck): string {
  return check.meta.targets
    .map((t) => ('class' in t ? t.class : t.apiGroup === undefined ? t.kind : `${t.kind} (${t.apiGroup || 'core'})`))
    .join(', ');
}

function frameworkText(check: AnyCheck): string {
  return check.meta.frameworks.map((f) => `${f.framework} ${f.control}`).join(', ');
}

export interface CheckListEntry {
  readonly id: string;
  readonly slug: string;
  readonly aliases: readonly string[];
  readonly title: string;
  readonly description: string;
  readonly severity: string;
  readonly maturity: string;
  readonly scope: string;
  readonly admission: boolean;
  readonly targets: readonly string[];
  readonly frameworks: readonly { framework: string; control: string }[];
  readonly remediation: string;
  readonly references: readonly string[];
}

export function checkList(checks: readonly AnyCheck[] = CHECKS): CheckListEntry[] {
  return checks.map(({ meta }) => ({
    id: meta.id,
    slug: meta.slug,
    aliases: meta.aliases ?? [],
    title: meta.title,
    description: meta.description,
    severity: meta.severity,
    maturity: meta.maturity,
    scope: meta.scope,
    admission: meta.admission,
    targets: meta.targets.map((t) => ('class' in t ? t.class : t.kind)),
    frameworks: meta.frameworks.map((f) => ({ framework: f.framework, control: f.control })),
    remediation: meta.remediation.summary,
    references: meta.references,
  }));
}

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, col) => Math.max(...rows.map((r) => (r[col] ?? '').length))) ?? [];
  return rows
    .map((r) =>
      r
        .map((cell, col) => (col === r.length - 1 ? cell : cell.padEnd(widths[col] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function renderCheckList(format: 'table' | 'json', checks: readonly AnyCheck[] = CHECKS): string {
  if (format === 'json') {
    return `${JSON.stringify(checkList(checks), null, 2)}\n`;
  }
  const rows = [
    ['ID', 'SLUG', 'SEVERITY', 'MATURITY', 'TARGETS', 'TITLE'],
    ...checks.map((c) => [c.meta.id, c.meta.slug, c.meta.severity, c.meta.maturity, targetText(c), c.meta.title]),
  ];
  return `${table(rows)}\n\n${checks.length} checks. Framework mappings: palisade checks list --format json\n`;
}

export function renderFrameworkList(format: 'table' | 'json', checks: readonly AnyCheck[] = CHECKS): string {
  const entries = FRAMEWORKS.map((f) => ({
    id: f.id,
    title: f.title,
    version: f.version,
    source: f.source,
    includes: f.includes ?? [],
    controls: f.controls.map((c) => ({
      id: c.id,
      title: c.title,
      automated: c.automated,
      checks: checks
        .filter((k) => k.meta.frameworks.some((r) => r.framework === f.id && r.control === c.id))
        .map((k) => k.meta.id),
    })),
  }));
  if (format === 'json') {
    return `${JSON.stringify(entries, null, 2)}\n`;
  }
  const rows = [
    ['ID', 'VERSION', 'CONTROLS', 'COVERED', 'TITLE'],
    ...entries.map((e) => [
      e.id,
      e.version,
      String(e.controls.length),
      String(e.controls.filter((c) => c.checks.length > 0).length),
      e.title,
    ]),
  ];
  return `${table(rows)}\n`;
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** docs/reference/checks.md, generated; a test fails when the committed file differs. */
export function renderChecksMarkdown(checks: readonly AnyCheck[] = CHECKS): string {
  const lines = [
    '# Check reference',
    '',
    '<!-- Generated from check metadata by `npm run docs`. Do not edit by hand: a test fails when this file is stale. -->',
    '',
    `${checks.length} checks. Severity and maturity are defaults; exemptions and selection are described in [configuration](config.md).`,
    '',
    '| ID | Slug | Title | Severity | Maturity | Targets | Admission |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...checks.map(
      (c) =>
        `| [${c.meta.id}](#${c.meta.id.toLowerCase()}) | \`${c.meta.slug}\` | ${escapeCell(c.meta.title)} | ${c.meta.severity} | ${c.meta.maturity} | ${escapeCell(targetText(c))} | ${c.meta.admission ? 'yes' : 'no'} |`,
    ),
    '',
  ];
  for (const { meta } of checks) {
    lines.push(`## ${meta.id}`, '', `**${meta.title}** (\`${meta.slug}\`)`, '', meta.description, '');
    lines.push(`- Severity: ${meta.severity}; maturity: ${meta.maturity}; scope: ${meta.scope}`);
    if (meta.aliases?.length) {
      lines.push(`- Aliases: ${meta.aliases.map((a) => `\`${a}\``).join(', ')}`);
    }
    if (meta.overrides?.length) {
      lines.push(`- Supersedes: ${meta.overrides.join(', ')} when both are selected`);
    }
    lines.push(`- Frameworks: ${frameworkText({ meta } as AnyCheck)}`);
    lines.push(`- Remediation: ${meta.remediation.summary}`);
    for (const step of meta.remediation.steps ?? []) {
      lines.push(`  - ${step}`);
    }
    if (meta.remediation.kubernetesPatch) {
      lines.push(
        '',
        '  ```yaml',
        ...meta.remediation.kubernetesPatch
          .trimEnd()
          .split('\n')
          .map((l) => `  ${l}`),
        '  ```',
      );
    }
    if (meta.remediation.command) {
      lines.push('', '  ```sh', `  ${meta.remediation.command}`, '  ```');
    }
    lines.push(`- References: ${meta.references.map((r) => `<${r}>`).join(', ')}`, '');
  }
  return `${lines.join('\n')}`;
}
