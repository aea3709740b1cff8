/**
 * SARIF 2.1.0 (OASIS), as GitHub code scanning accepts it.
 * One run. tool.driver.rules: one reportingDescriptor per check that appears in the shown
 * findings, sorted by id, with help built from the remediation and GitHub's
 * `security-severity` / `precision` / `tags` properties. results: one per failing finding
 * (suppressed ones carry `suppressions`), located at the resource's first line, with a logical
 * location naming the resource and a partial fingerprint. Diagnostics and error findings (a
 * check could not judge) become tool execution notifications.
 * Sources: https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html,
 * https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning
 */
import { createHash } from 'node:crypto';
import type {
  Invocation,
  Location,
  Log,
  Notification,
  ReportingDescriptor,
  Result,
  Run,
  Suppression as SarifSuppression,
} from 'sarif';
import type {
  Diagnostic,
  Finding,
  Remediation,
  ResourceRef,
  ScanReport,
  Severity,
  SourceLocation,
  Suppression,
  Vulnerability,
  VulnerabilitySeverity,
} from '#core';
import { type CheckMeta, checkRegistry, type Maturity } from '#posture';
import { type OutputFormat, selectFindings } from '../format.ts';
import { artifactLocation, directoryUri, SRCROOT, STDIN_FILE } from '../paths.ts';
import { jsonSummary } from './json.ts';

export const SARIF_SCHEMA_URI =
  'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
/** Key of the partial fingerprint: sha256 of Finding.fingerprint (check id + resource identity). */
export const FINGERPRINT_KEY = 'palisadeFingerprint/v1';

/** GitHub maps security-severity to critical (≥ 9.0), high (7.0–8.9), medium (4.0–6.9) and low. */
const SECURITY_SEVERITY: Readonly<Record<Severity, string>> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
  info: '1.0',
};

const LEVEL: Readonly<Record<Severity, Result.level>> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
};

const PRECISION: Readonly<Record<Maturity, string>> = {
  stable: 'very-high',
  beta: 'high',
  experimental: 'medium',
  deprecated: 'medium',
};

/** 'host-ports' → 'HostPorts'. */
export function pascalCase(slug: string): string {
  return slug
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
}

function helpText(remediation: Remediation, references: readonly string[]): string {
  const parts = [remediation.summary];
  if (remediation.steps?.length) {
    parts.push(`Steps:\n${remediation.steps.map((step, i) => `${i + 1}. ${step}`).join('\n')}`);
  }
  if (remediation.kubernetesPatch) {
    parts.push(`Merge patch:\n${remediation.kubernetesPatch.trimEnd()}`);
  }
  if (remediation.command) {
    parts.push(`Command:\n${remediation.command.trimEnd()}`);
  }
  if (remediation.azureCli) {
    parts.push(`Azure CLI:\n${remediation.azureCli.trimEnd()}`);
  }
  if (remediation.bicep) {
    parts.push(`Bicep:\n${remediation.bicep.trimEnd()}`);
  }
  if (references.length > 0) {
    parts.push(`References:\n${references.map((url) => `- ${url}`).join('\n')}`);
  }
  return parts.join('\n\n');
}

function fence(language: string, code: string): string {
  // A fence longer than any backtick run inside the code keeps the block closed.
  const longest = Math.max(2, ...[...code.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = '`'.repeat(longest + 1);
  return `${ticks}${language}\n${code.trimEnd()}\n${ticks}`;
}

function helpMarkdown(remediation: Remediation, references: readonly string[]): string {
  const parts = [`**Fix:** ${remediation.summary}`];
  if (remediation.steps?.length) {
    parts.push(remediation.steps.map((step, i) => `${i + 1}. ${step}`).join('\n'));
  }
  if (remediation.kubernetesPatch) {
    parts.push(`Merge patch:\n\n${fence('yaml', remediation.kubernetesPatch)}`);
  }
  if (remediation.command) {
    parts.push(`Command:\n\n${fence('sh', remediation.command)}`);
  }
  if (remediation.azureCli) {
    parts.push(`Azure CLI:\n\n${fence('sh', remediation.azureCli)}`);
  }
  if (remediation.bicep) {
    parts.push(`Bicep:\n\n${fence('bicep', remediation.bicep)}`);
  }
  if (references.length > 0) {
    parts.push(`References:\n\n${references.map((url) => `- <${url}>`).join('\n')}`);
  }
  return parts.join('\n\n');
}

/**
 * The rule (reportingDescriptor) of a check, from one of its findings and, when this build knows
 * the check, its metadata (description, references, maturity); otherwise from the finding alone.
 */
export function sarifRule(finding: Finding, meta: CheckMeta | undefined): ReportingDescriptor {
  const references = meta?.references ?? [];
  const remediation = finding.remediation;
  const platform = finding.checkId.startsWith('PAL-OCP-') ? ['kubernetes', 'openshift'] : ['kubernetes'];
  const tags = ['security', ...platform, ...finding.frameworks.map((ref) => `${ref.framework}/${ref.control}`)];
  return {
    id: finding.checkId,
    name: pascalCase(finding.slug),
    shortDescription: { text: finding.title },
    fullDescription: { text: meta?.description ?? finding.title },
    ...(references[0] ? { helpUri: references[0] } : {}),
    help: { text: helpText(remediation, references), markdown: helpMarkdown(remediation, references) },
    defaultConfiguration: { level: LEVEL[finding.severity] },
    properties: {
      tags,
      'security-severity': SECURITY_SEVERITY[finding.severity],
      precision: meta ? PRECISION[meta.maturity] : 'high',
    },
  };
}

function region(line: number | undefined, column: number | undefined): { startLine: number; startColumn?: number } {
  const startLine = line !== undefined && line >= 1 ? line : 1;
  return column !== undefined && column >= 1 ? { startLine, startColumn: column } : { startLine };
}

function qualifiedName(ref: ResourceRef): string {
  return ref.namespace ? `${ref.kind}/${ref.namespace}/${ref.name}` : `${ref.kind}/${ref.name}`;
}

function resultLocation(ref: ResourceRef, cwd: string): Location {
  const source = ref.source;
  return {
    physicalLocation: {
      artifactLocation: artifactLocation(source?.file ?? STDIN_FILE, cwd),
      region: region(source?.line, source?.column),
    },
    logicalLocations: [{ name: ref.name, fullyQualifiedName: qualifiedName(ref), kind: 'resource' }],
  };
}

function suppressionOf(suppression: Suppression): SarifSuppression {
  const until = suppression.expires ? ` (until ${suppression.expires})` : '';
  return {
    kind: suppression.source === 'annotation' ? 'inSource' : 'external',
    status: 'accepted',
    justification: `${suppression.reason}${until}`,
    properties: {
      origin: suppression.origin,
      ...(suppression.expires ? { expires: suppression.expires } : {}),
      ...(suppression.containers ? { containers: [...suppression.containers] } : {}),
    },
  };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function resultOf(finding: Finding, ruleIndex: number, cwd: string): Result {
  const { resource } = finding;
  return {
    ruleId: finding.checkId,
    ruleIndex,
    level: LEVEL[finding.severity],
    message: { text: finding.message },
    locations: [resultLocation(resource, cwd)],
    partialFingerprints: { [FINGERPRINT_KEY]: sha256(finding.fingerprint) },
    ...(finding.suppressed ? { suppressions: [suppressionOf(finding.suppressed)] } : {}),
    properties: {
      severity: finding.severity,
      resource: {
        kind: resource.kind,
        apiVersion: resource.apiVersion,
        ...(resource.namespace === undefined ? {} : { namespace: resource.namespace }),
        name: resource.name,
      },
      violations: finding.violations.map((v) => ({
        path: v.path,
        message: v.message,
        ...(v.container === undefined ? {} : { container: v.container }),
      })),
      ...(finding.exemptedViolations?.length
        ? {
            exemptedViolations: finding.exemptedViolations.map((v) => ({
              path: v.path,
              message: v.message,
              ...(v.container === undefined ? {} : { container: v.container }),
              justification: v.suppressed.reason,
            })),
          }
        : {}),
    },
  };
}

function notificationLocation(location: SourceLocation, cwd: string): Location {
  return {
    physicalLocation: {
      artifactLocation: artifactLocation(location.file, cwd),
      ...(location.line === undefined ? {} : { region: region(location.line, location.column) }),
    },
  };
}

const NOTIFICATION_LEVEL: Readonly<Record<Diagnostic['level'], Notification.level>> = {
  error: 'error',
  warning: 'warning',
  info: 'note',
};

function diagnosticNotification(diagnostic: Diagnostic, cwd: string): Notification {
  return {
    level: NOTIFICATION_LEVEL[diagnostic.level],
    message: { text: diagnostic.message },
    descriptor: { id: diagnostic.code },
    locations: [notificationLocation(diagnostic.location, cwd)],
    ...(diagnostic.location.path ? { properties: { path: diagnostic.location.path } } : {}),
  };
}

function errorNotification(finding: Finding, ruleIndex: number, cwd: string): Notification {
  return {
    level: 'error',
    message: { text: finding.message },
    descriptor: { id: 'check.error' },
    associatedRule: { id: finding.checkId, index: ruleIndex },
    locations: [resultLocation(finding.resource, cwd)],
  };
}

const VULN_LEVEL: Readonly<Record<VulnerabilitySeverity, Result.level>> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
  unknown: 'warning',
};

/** CVSS-like score GitHub code scanning reads from `security-severity`, from the score or the severity. */
const SEVERITY_SCORE: Readonly<Record<VulnerabilitySeverity, string>> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '2.0',
  info: '0.0',
  unknown: '5.0',
};

function vulnerabilityRule(v: Vulnerability): ReportingDescriptor {
  const help = [
    v.title,
    v.fixedVersion ? `Upgrade ${v.package.name} to ${v.fixedVersion} or later.` : 'No fixed version is known yet.',
    ...v.references.slice(0, 5),
  ].join('\n');
  return {
    id: v.id,
    name: v.id.replace(/[^A-Za-z0-9]/g, ''),
    shortDescription: { text: v.title },
    fullDescription: { text: v.title },
    ...(v.references[0] ? { helpUri: v.references[0] } : {}),
    help: { text: help },
    properties: {
      tags: ['security', 'vulnerability', v.package.ecosystem],
      'security-severity': v.cvss ? v.cvss.score.toFixed(1) : SEVERITY_SCORE[v.severity],
      ...(v.aliases.length > 0 ? { aliases: [...v.aliases] } : {}),
    },
  };
}

function vulnerabilityResult(v: Vulnerability, ruleIndex: number, cwd: string): Result {
  const fix = v.fixedVersion ? `fixed in ${v.fixedVersion}` : 'no fix yet';
  return {
    ruleId: v.id,
    ruleIndex,
    level: VULN_LEVEL[v.severity],
    message: {
      text: `${v.package.name} ${v.package.version} (${v.package.ecosystem}) is affected by ${v.id}${v.aliases.length > 0 ? ` (${v.aliases.join(', ')})` : ''}: ${v.title}; ${fix}.`,
    },
    locations: [
      {
        physicalLocation: {
          artifactLocation: artifactLocation(v.location.path, cwd),
          region: region(v.location.line, undefined),
        },
        logicalLocations: [{ name: v.package.name, fullyQualifiedName: v.package.purl, kind: 'package' }],
      },
    ],
    partialFingerprints: { [FINGERPRINT_KEY]: sha256(v.fingerprint) },
    ...(v.suppressed
      ? {
          suppressions: [
            {
              kind: 'external',
              status: 'accepted',
              justification: `${v.suppressed.reason}${v.suppressed.expires ? ` (until ${v.suppressed.expires})` : ''}`,
              properties: { origin: v.suppressed.origin, source: v.suppressed.source },
            },
          ],
        }
      : {}),
    properties: {
      severity: v.severity,
      package: { ...v.package },
      fixedVersion: v.fixedVersion,
      ...(v.layer ? { layer: v.layer } : {}),
      ...(v.proof ? { proof: { range: v.proof.range, comparisons: [...v.proof.comparisons] } } : {}),
    },
  };
}

/** The SARIF log of a report (what `--format sarif` prints). */
export function toSarifLog(
  report: ScanReport,
  options: { readonly status: 'fail' | 'all'; readonly cwd: string },
): Log {
  const shown = selectFindings(report.findings, options.status);
  const firstByCheck = new Map<string, Finding>();
  for (const finding of shown) {
    if (!firstByCheck.has(finding.checkId)) {
      firstByCheck.set(finding.checkId, finding);
    }
  }
  const ruleIds = [...firstByCheck.keys()].sort();
  const ruleIndex = new Map(ruleIds.map((id, i) => [id, i]));
  const rules = ruleIds.map((id) => sarifRule(firstByCheck.get(id)!, checkRegistry.get(id)?.meta));
  const results: Result[] = [];
  const errors: Notification[] = [];
  for (const finding of shown) {
    const index = ruleIndex.get(finding.checkId)!;
    if (finding.status === 'fail') {
      results.push(resultOf(finding, index, options.cwd));
    } else if (finding.status === 'indeterminate') {
      // SARIF 3.27.9: kind "review" is a result a person must judge; it carries no level.
      results.push({ ...resultOf(finding, index, options.cwd), kind: 'review', level: 'none' });
    } else if (finding.status === 'error') {
      errors.push(errorNotification(finding, index, options.cwd));
    }
  }
  const affected = (report.vulnerabilities ?? []).filter((v) => v.status === 'affected');
  const firstByAdvisory = new Map<string, Vulnerability>();
  for (const v of affected) {
    if (!firstByAdvisory.has(v.id) && !ruleIndex.has(v.id)) {
      firstByAdvisory.set(v.id, v);
    }
  }
  for (const id of [...firstByAdvisory.keys()].sort()) {
    ruleIndex.set(id, rules.length);
    rules.push(vulnerabilityRule(firstByAdvisory.get(id)!));
  }
  for (const v of affected) {
    results.push(vulnerabilityResult(v, ruleIndex.get(v.id)!, options.cwd));
  }
  const invocation: Invocation = {
    // The scan ran to completion; unreadable input and checks that could not judge are notifications.
    executionSuccessful: true,
    toolExecutionNotifications: [...report.diagnostics.map((d) => diagnosticNotification(d, options.cwd)), ...errors],
  };
  const run: Run = {
    tool: {
      driver: {
        name: report.tool.name,
        version: report.tool.version,
        semanticVersion: report.tool.version,
        rules,
      },
    },
    invocations: [invocation],
    originalUriBaseIds: { [SRCROOT]: { uri: directoryUri(options.cwd) } },
    results,
    columnKind: 'utf16CodeUnits',
    properties: { schemaVersion: report.schemaVersion, summary: jsonSummary(report.summary) },
  };
  return { $schema: SARIF_SCHEMA_URI, version: '2.1.0', runs: [run] };
}

export const sarif: OutputFormat = {
  id: 'sarif',
  title: 'SARIF 2.1.0 (GitHub code scanning)',
  mediaType: 'application/sarif+json',
  fileExtension: 'sarif',
  render(report, options) {
    return `${JSON.stringify(toSarifLog(report, options), null, 2)}\n`;
  },
};
