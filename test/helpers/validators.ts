/**
 * Validators shared by the report-format tests: the JSON report against
 * docs/reference/report.schema.json (JSON Schema 2020-12, ajv), SARIF against the official
 * SARIF 2.1.0 schema (draft-04, shipped in @microsoft/jest-sarif), and the extra constraints
 * GitHub code scanning puts on uploaded SARIF.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import ajvDraft04 from 'ajv-draft-04';
import type { Log } from 'sarif';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const REPORT_SCHEMA_PATH = `${REPO_ROOT}docs/reference/report.schema.json`;
export const REPORT_DOC_PATH = `${REPO_ROOT}docs/reference/report-json.md`;
const SARIF_SCHEMA_PATH = `${REPO_ROOT}node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json`;

export function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** RFC 3986 URI reference: no whitespace, well-formed percent escapes, parseable. */
function isUriReference(value: string): boolean {
  return /^[^\s%]*(?:%[0-9A-Fa-f]{2}[^\s%]*)*$/.test(value) && URL.canParse(value, 'file:///base/');
}

const FORMATS = {
  uri: (value: string) => /^[A-Za-z][A-Za-z0-9+.-]*:/.test(value) && isUriReference(value) && URL.canParse(value),
  'uri-reference': isUriReference,
  'date-time': (value: string) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/.test(value),
};

function errorsOf(errors: readonly { instancePath: string; message?: string }[] | null | undefined): string[] {
  return (errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`.trim());
}

const reportAjv = new Ajv2020({ allErrors: true, strict: true });
const validateReportFn = reportAjv.compile(readJson(REPORT_SCHEMA_PATH) as object);

/** Problems of a JSON report against report.schema.json; empty when valid. */
export function reportSchemaErrors(value: unknown): string[] {
  return validateReportFn(value) ? [] : errorsOf(validateReportFn.errors);
}

// The official schema has a pattern (language) that is only valid without the regex 'u' flag.
// CommonJS module: under NodeNext the default import is module.exports, whose `default` is the class.
const sarifAjv = new ajvDraft04.default({ strict: false, allErrors: true, unicodeRegExp: false });
for (const [name, check] of Object.entries(FORMATS)) {
  sarifAjv.addFormat(name, { type: 'string', validate: check });
}
const validateSarifFn = sarifAjv.compile(readJson(SARIF_SCHEMA_PATH) as object);

/** Problems of a SARIF log against the official SARIF 2.1.0 schema; empty when valid. */
export function sarifSchemaErrors(value: unknown): string[] {
  return validateSarifFn(value) ? [] : errorsOf(validateSarifFn.errors);
}

const SECURITY_SEVERITY = /^(?:10(?:\.0)?|\d(?:\.\d)?)$/;

/**
 * What GitHub code scanning needs beyond the schema: a version and a `$schema`, each result with
 * a rule known to the driver, a physical location with a URI and a startLine ≥ 1, and every rule
 * with a `security-severity` between 0.0 and 10.0 and the `security` tag.
 */
export function githubProblems(log: Log): string[] {
  const problems: string[] = [];
  if (log.version !== '2.1.0' || !log.$schema) {
    problems.push('log needs version 2.1.0 and $schema');
  }
  for (const [r, run] of log.runs.entries()) {
    const rules = run.tool.driver.rules ?? [];
    const ids = rules.map((rule) => rule.id);
    if (new Set(ids).size !== ids.length) {
      problems.push(`run ${r}: rule ids are not unique`);
    }
    for (const rule of rules) {
      const severity = rule.properties?.['security-severity'];
      if (typeof severity !== 'string' || !SECURITY_SEVERITY.test(severity)) {
        problems.push(`rule ${rule.id}: security-severity ${String(severity)} is not a number string 0.0–10.0`);
      }
      const tags = rule.properties?.tags;
      if (!Array.isArray(tags) || !tags.includes('security')) {
        problems.push(`rule ${rule.id}: tags lack "security"`);
      }
      if (!rule.shortDescription?.text || !rule.fullDescription?.text) {
        problems.push(`rule ${rule.id}: needs shortDescription and fullDescription`);
      }
    }
    for (const [i, result] of (run.results ?? []).entries()) {
      if (!result.ruleId || !ids.includes(result.ruleId)) {
        problems.push(`result ${i}: ruleId ${String(result.ruleId)} is not a rule of the driver`);
      } else if (result.ruleIndex !== undefined && ids[result.ruleIndex] !== result.ruleId) {
        problems.push(`result ${i}: ruleIndex ${result.ruleIndex} does not point at ${result.ruleId}`);
      }
      if (!result.message.text) {
        problems.push(`result ${i}: message.text is empty`);
      }
      const physical = result.locations?.[0]?.physicalLocation;
      if (!physical?.artifactLocation?.uri) {
        problems.push(`result ${i}: no physical location URI`);
      }
      const line = physical?.region?.startLine;
      if (typeof line !== 'number' || line < 1) {
        problems.push(`result ${i}: startLine ${String(line)} is not ≥ 1`);
      }
    }
  }
  return problems;
}

/** The JSON report documentation, as text. */
export function readReportDoc(): string {
  return readFileSync(REPORT_DOC_PATH, 'utf8');
}
