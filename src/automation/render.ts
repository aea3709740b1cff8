/**
 * A subject described for people: the headline, severity, facts, message and remediation that the
 * notification actions (Slack, Teams) turn into messages. Pure functions. Every value is bounded
 * (long strings end with '…', lists are capped) so that one message stays within what the
 * receivers accept: Slack takes 3,000 characters per section text, 2,000 per field, 10 fields and
 * 50 blocks; a Teams card must stay under 28 KB.
 */
import type { Alert, Finding, Severity } from '#core';
import { describeTarget, type Subject } from './types.ts';

export interface SummaryField {
  readonly name: string;
  readonly value: string;
}

export interface SubjectSummary {
  /** One line: the title and what it is about (at most 150 characters, Slack's header limit). */
  readonly headline: string;
  readonly severity: Severity;
  /** The alert's or finding's message (bounded). */
  readonly message: string;
  /** Facts, at most `LIMITS.fields`, each value bounded. */
  readonly fields: readonly SummaryField[];
  /** Remediation lines, at most `LIMITS.remediationLines`. */
  readonly remediation: readonly string[];
  /** Where to look at the object, when there is a place (the Azure portal for Azure resources). */
  readonly link?: string;
}

/** The bounds every summary keeps. */
export const LIMITS = {
  headline: 150,
  message: 1500,
  fields: 10,
  fieldName: 40,
  fieldValue: 300,
  /** The violations field holds several lines. */
  violationsValue: 1200,
  violationLine: 200,
  violationsShown: 5,
  remediationLines: 8,
  remediationLine: 500,
} as const;

/**
 * `text` cut to at most `max` characters, ending with '…' when cut (never splitting a surrogate
 * pair).
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return '';
  let cut = max - 1;
  const last = text.charCodeAt(cut - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut -= 1;
  return `${text.slice(0, cut)}…`;
}

/** `text` on one line (runs of whitespace become one space), bounded. */
export function oneLine(text: string, max: number): string {
  return truncate(text.replace(/\s+/g, ' ').trim(), max);
}

function field(name: string, value: string, max: number = LIMITS.fieldValue): SummaryField {
  return { name: oneLine(name, LIMITS.fieldName), value: truncate(value.trim(), max) };
}

/** The last segment of an ARM id (the resource's name). */
function armName(id: string): string {
  const parts = id.split('/').filter((p) => p !== '');
  return parts[parts.length - 1] ?? id;
}

/** 'Pod "shop/web-1"', 'Microsoft.Storage/storageAccounts "stprod01"', or the target's description. */
function targetLabel(subject: Subject): string {
  const target = subject.target;
  if (target.type === 'azure') return `${target.resourceType} "${armName(target.id)}"`;
  return describeTarget(target);
}

export function subjectSummary(subject: Subject): SubjectSummary {
  const headline = oneLine(`${subject.title}: ${targetLabel(subject)}`, LIMITS.headline);
  const message = truncate(subject.message.trim(), LIMITS.message);
  const body = subject.type === 'alert' ? alertParts(subject.alert) : findingParts(subject.finding);
  return {
    headline,
    severity: subject.severity,
    message,
    fields: body.fields.slice(0, LIMITS.fields),
    remediation: body.remediation
      .map((line) => line.trim())
      .filter((line) => line !== '')
      .slice(0, LIMITS.remediationLines)
      .map((line) => truncate(line, LIMITS.remediationLine)),
    ...(body.link ? { link: body.link } : {}),
  };
}

interface Parts {
  fields: SummaryField[];
  remediation: string[];
  link?: string;
}

/** 'create pods/exec shop/web-1', 'list secrets shop', 'delete clusterroles admin'. */
export function alertTargetText(target: Alert['target']): string {
  const where = target.namespace
    ? target.name
      ? `${target.namespace}/${target.name}`
      : target.namespace
    : target.name;
  return [target.verb, target.resource, where].filter((x) => x !== '').join(' ');
}

function alertParts(alert: Alert): Parts {
  const fields: SummaryField[] = [
    field('Rule', alert.ruleId),
    field('Severity', alert.severity),
    field('MITRE ATT&CK', [alert.mitre.tactic, alert.mitre.technique].filter((x) => x).join(' / ') || '-'),
    field('Actor', alert.actor.user || '-'),
    field('Target', alertTargetText(alert.target) || '-'),
    field('Count', String(alert.count)),
    field('First seen', alert.firstSeen),
    field('Last seen', alert.lastSeen),
  ];
  if (alert.actor.sourceIPs.length > 0) {
    const shown = alert.actor.sourceIPs.slice(0, 5).join(', ');
    const more = alert.actor.sourceIPs.length - 5;
    fields.push(field('Source IPs', more > 0 ? `${shown} … and ${more} more` : shown));
  }
  if (alert.incidentId) fields.push(field('Incident', alert.incidentId));
  return { fields, remediation: [...alert.remediation] };
}

/** 'Deployment shop/web' or the ARM id. */
export function findingResourceText(resource: Finding['resource']): string {
  if (resource.id) return resource.id;
  return resource.namespace
    ? `${resource.kind} ${resource.namespace}/${resource.name}`
    : `${resource.kind} ${resource.name}`;
}

/** The violations, one line each: the first `LIMITS.violationsShown`, then '… and N more'. */
export function violationLines(violations: Finding['violations']): string[] {
  const lines = violations
    .slice(0, LIMITS.violationsShown)
    .map((v) => oneLine(v.path ? `${v.message} (${v.path})` : v.message, LIMITS.violationLine));
  const more = violations.length - LIMITS.violationsShown;
  if (more > 0) lines.push(`… and ${more} more`);
  return lines;
}

function findingParts(finding: Finding): Parts {
  const r = finding.resource;
  const fields: SummaryField[] = [
    field('Check', finding.checkId),
    field('Severity', finding.severity),
    field('Resource', findingResourceText(r)),
  ];
  if (r.source?.file) {
    fields.push(field('Source', r.source.line === undefined ? r.source.file : `${r.source.file}:${r.source.line}`));
  }
  if (r.cluster) fields.push(field('Cluster', r.cluster));
  if (finding.violations.length > 0) {
    fields.push(
      field(
        `Violations (${finding.violations.length})`,
        violationLines(finding.violations)
          .map((line) => `• ${line}`)
          .join('\n'),
        LIMITS.violationsValue,
      ),
    );
  }
  const fix = finding.remediation;
  const remediation = [fix.summary];
  if (fix.command) remediation.push(`Command: ${fix.command}`);
  if (fix.azureCli) remediation.push(`Azure CLI: ${fix.azureCli}`);
  const link = r.id?.startsWith('/subscriptions/') ? `https://portal.azure.com/#resource${r.id}` : undefined;
  return { fields, remediation, ...(link ? { link } : {}) };
}
