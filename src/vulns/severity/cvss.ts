/**
 * CVSS vector strings → base score and qualitative severity.
 *
 * Specifications:
 * - CVSS v2: https://www.first.org/cvss/v2/guide (section 2.4 vector, 3.2.1 base equation)
 * - CVSS v3.0: https://www.first.org/cvss/v3.0/specification-document
 * - CVSS v3.1: https://www.first.org/cvss/v3.1/specification-document (section 6 vector string,
 *   section 5 qualitative rating scale, section 7 equations, appendix A Roundup)
 * - CVSS v4.0: https://www.first.org/cvss/v4.0/specification-document (section 7 vector string,
 *   section 6 qualitative rating scale, section 8 scoring)
 *
 * The arithmetic is done by `ae-cvss-calculator`; this module is the strict gate in front of it. That
 * library is a lenient calculator (it ignores unknown metrics, fills missing ones with "X" and scores
 * them as 0), so every vector is first checked here against the metric tables of its version: known
 * prefix, known metric names, allowed values, no repeated metric, every base metric present. Anything
 * else is an `{ error }` naming the problem.
 *
 * Two deviations are tolerated because their meaning is unambiguous and real advisories carry them
 * (seen in the GitHub advisory and PyPA data under shared/data/osv-records); each is reported in
 * `notes` so a caller can surface it:
 * - v4.0 metrics out of the order the v4.0 specification (section 7) prescribes (v3.x allows any
 *   order anyway);
 * - one trailing '/'.
 *
 * What "the score" is, per version:
 * - v2, v3.0, v3.1: the Base Score. Temporal and environmental metrics in the vector are validated and
 *   then ignored, as NVD and the GitHub advisory database report the base score.
 * - v3.0 vectors are scored with the v3.1 formula. The base equations of 3.0 and 3.1 are the same;
 *   3.1 only redefined Roundup so that floating-point error cannot push a score up by 0.1 (v3.1
 *   specification, appendix A), so a 3.0 vector gets the score 3.0 intended.
 * - v4.0: the score of the vector as written, which the v4.0 specification (section 1.3, "CVSS
 *   Nomenclature") names CVSS-B, CVSS-BT, CVSS-BE or CVSS-BTE after the metric groups it uses;
 *   v4.0 has no separate base score once threat metrics are present. `nomenclature` says which.
 *
 * Severity: v3.x and v4.0 use the rating scale of their specification (None 0.0, Low 0.1–3.9,
 * Medium 4.0–6.9, High 7.0–8.9, Critical 9.0–10.0). v2 has no scale of its own; NVD's v2 ranges
 * are used (Low 0.0–3.9, Medium 4.0–6.9, High 7.0–10.0; https://nvd.nist.gov/vuln-metrics/cvss).
 */
import cvssCalculator from 'ae-cvss-calculator';

export type CvssVersion = '2.0' | '3.0' | '3.1' | '4.0';
export type CvssSeverity = 'none' | 'low' | 'medium' | 'high' | 'critical';

export interface CvssScore {
  readonly version: CvssVersion;
  /** 0.0–10.0, one decimal. */
  readonly score: number;
  readonly severity: CvssSeverity;
  /** The vector as given (trimmed). */
  readonly vector: string;
  /** v4.0 only: which metric groups the score uses. */
  readonly nomenclature?: 'CVSS-B' | 'CVSS-BT' | 'CVSS-BE' | 'CVSS-BTE';
  /** Tolerated deviations from the specification's syntax, when any. */
  readonly notes?: readonly string[];
}

export interface CvssError {
  readonly error: string;
}

/** Longest vector accepted: a v4.0 vector with every metric set is about 250 characters. */
const MAX_VECTOR_LENGTH = 512;

type MetricTable = Readonly<Record<string, readonly string[]>>;

const V2_BASE: MetricTable = {
  AV: ['L', 'A', 'N'],
  AC: ['H', 'M', 'L'],
  Au: ['M', 'S', 'N'],
  C: ['N', 'P', 'C'],
  I: ['N', 'P', 'C'],
  A: ['N', 'P', 'C'],
};
const V2_OTHER: MetricTable = {
  E: ['U', 'POC', 'F', 'H', 'ND'],
  RL: ['OF', 'TF', 'W', 'U', 'ND'],
  RC: ['UC', 'UR', 'C', 'ND'],
  CDP: ['N', 'L', 'LM', 'MH', 'H', 'ND'],
  TD: ['N', 'L', 'M', 'H', 'ND'],
  CR: ['L', 'M', 'H', 'ND'],
  IR: ['L', 'M', 'H', 'ND'],
  AR: ['L', 'M', 'H', 'ND'],
};

const V3_BASE: MetricTable = {
  AV: ['N', 'A', 'L', 'P'],
  AC: ['L', 'H'],
  PR: ['N', 'L', 'H'],
  UI: ['N', 'R'],
  S: ['U', 'C'],
  C: ['H', 'L', 'N'],
  I: ['H', 'L', 'N'],
  A: ['H', 'L', 'N'],
};
const V3_OTHER: MetricTable = {
  E: ['X', 'H', 'F', 'P', 'U'],
  RL: ['X', 'U', 'W', 'T', 'O'],
  RC: ['X', 'C', 'R', 'U'],
  CR: ['X', 'H', 'M', 'L'],
  IR: ['X', 'H', 'M', 'L'],
  AR: ['X', 'H', 'M', 'L'],
  MAV: ['X', 'N', 'A', 'L', 'P'],
  MAC: ['X', 'L', 'H'],
  MPR: ['X', 'N', 'L', 'H'],
  MUI: ['X', 'N', 'R'],
  MS: ['X', 'U', 'C'],
  MC: ['X', 'H', 'L', 'N'],
  MI: ['X', 'H', 'L', 'N'],
  MA: ['X', 'H', 'L', 'N'],
};

const V4_BASE: MetricTable = {
  AV: ['N', 'A', 'L', 'P'],
  AC: ['L', 'H'],
  AT: ['N', 'P'],
  PR: ['N', 'L', 'H'],
  UI: ['N', 'P', 'A'],
  VC: ['H', 'L', 'N'],
  VI: ['H', 'L', 'N'],
  VA: ['H', 'L', 'N'],
  SC: ['H', 'L', 'N'],
  SI: ['H', 'L', 'N'],
  SA: ['H', 'L', 'N'],
};
const V4_THREAT: MetricTable = { E: ['X', 'A', 'P', 'U'] };
const V4_ENVIRONMENTAL: MetricTable = {
  CR: ['X', 'H', 'M', 'L'],
  IR: ['X', 'H', 'M', 'L'],
  AR: ['X', 'H', 'M', 'L'],
  MAV: ['X', 'N', 'A', 'L', 'P'],
  MAC: ['X', 'L', 'H'],
  MAT: ['X', 'N', 'P'],
  MPR: ['X', 'N', 'L', 'H'],
  MUI: ['X', 'N', 'P', 'A'],
  MVC: ['X', 'H', 'L', 'N'],
  MVI: ['X', 'H', 'L', 'N'],
  MVA: ['X', 'H', 'L', 'N'],
  MSC: ['X', 'H', 'L', 'N'],
  MSI: ['X', 'S', 'H', 'L', 'N'],
  MSA: ['X', 'S', 'H', 'L', 'N'],
};
const V4_SUPPLEMENTAL: MetricTable = {
  S: ['X', 'N', 'P'],
  AU: ['X', 'N', 'Y'],
  R: ['X', 'A', 'U', 'I'],
  V: ['X', 'D', 'C'],
  RE: ['X', 'L', 'M', 'H'],
  U: ['X', 'Clear', 'Green', 'Amber', 'Red'],
};

interface ParsedVector {
  readonly metrics: ReadonlyMap<string, string>;
  readonly notes: readonly string[];
}

/** Splits `K:V/K:V...` and checks names, values, repeats and base completeness. */
function parseMetrics(
  body: string,
  base: MetricTable,
  others: readonly MetricTable[],
  ordered: boolean,
): ParsedVector | CvssError {
  const notes: string[] = [];
  let text = body;
  if (text.endsWith('/')) {
    text = text.slice(0, -1);
    notes.push("trailing '/' ignored");
  }
  if (text === '') {
    return { error: 'no metrics' };
  }
  const tables = [base, ...others];
  const order = tables.flatMap((table) => Object.keys(table));
  const metrics = new Map<string, string>();
  let lastIndex = -1;
  let outOfOrder = false;
  for (const part of text.split('/')) {
    const colon = part.indexOf(':');
    if (colon <= 0) {
      return { error: `"${part}" is not a METRIC:VALUE pair` };
    }
    const name = part.slice(0, colon);
    const value = part.slice(colon + 1);
    const table = tables.find((t) => Object.hasOwn(t, name));
    const allowed = table?.[name];
    if (!allowed) {
      return { error: `unknown metric "${name}"` };
    }
    if (!allowed.includes(value)) {
      return { error: `metric ${name} has invalid value "${value}" (allowed: ${allowed.join(', ')})` };
    }
    if (metrics.has(name)) {
      return { error: `metric ${name} is repeated` };
    }
    const index = order.indexOf(name);
    if (ordered && index < lastIndex && !outOfOrder) {
      outOfOrder = true;
      notes.push(`metric ${name} is out of the order the specification prescribes`);
    }
    lastIndex = index;
    metrics.set(name, value);
  }
  const missing = Object.keys(base).filter((name) => !metrics.has(name));
  if (missing.length > 0) {
    return { error: `missing base metric${missing.length > 1 ? 's' : ''} ${missing.join(', ')}` };
  }
  return { metrics, notes };
}

function withNotes(parsed: ParsedVector): { notes?: readonly string[] } {
  return parsed.notes.length > 0 ? { notes: parsed.notes } : {};
}

function baseOnly(parsed: ParsedVector, base: MetricTable): string {
  return Object.keys(base)
    .map((name) => `${name}:${parsed.metrics.get(name)}`)
    .join('/');
}

/** Qualitative rating of the v3.1/v4.0 specifications. */
export function severityOfScore(score: number): CvssSeverity {
  if (score === 0) {
    return 'none';
  }
  if (score < 4) {
    return 'low';
  }
  if (score < 7) {
    return 'medium';
  }
  if (score < 9) {
    return 'high';
  }
  return 'critical';
}

/** NVD's CVSS v2 ranges: Low 0.0–3.9, Medium 4.0–6.9, High 7.0–10.0. */
function severityOfV2Score(score: number): CvssSeverity {
  if (score < 4) {
    return 'low';
  }
  return score < 7 ? 'medium' : 'high';
}

function checkedScore(score: number | undefined, vector: string): number | CvssError {
  if (score === undefined || !Number.isFinite(score) || score < 0 || score > 10) {
    return { error: `calculator returned no valid score for ${vector}` };
  }
  return Math.round(score * 10) / 10;
}

function scoreV2(vector: string): CvssScore | CvssError {
  const parsed = parseMetrics(vector, V2_BASE, [V2_OTHER], false);
  if ('error' in parsed) {
    return parsed;
  }
  const score = checkedScore(new cvssCalculator.Cvss2(baseOnly(parsed, V2_BASE)).calculateScores().base, vector);
  if (typeof score !== 'number') {
    return score;
  }
  return { version: '2.0', score, severity: severityOfV2Score(score), vector, ...withNotes(parsed) };
}

function scoreV3(version: '3.0' | '3.1', body: string, vector: string): CvssScore | CvssError {
  const parsed = parseMetrics(body, V3_BASE, [V3_OTHER], false);
  if ('error' in parsed) {
    return parsed;
  }
  const calculator = new cvssCalculator.Cvss3P1(`CVSS:3.1/${baseOnly(parsed, V3_BASE)}`);
  const score = checkedScore(calculator.calculateScores().base, vector);
  if (typeof score !== 'number') {
    return score;
  }
  return { version, score, severity: severityOfScore(score), vector, ...withNotes(parsed) };
}

function definedIn(parsed: ParsedVector, table: MetricTable): boolean {
  return Object.keys(table).some((name) => {
    const value = parsed.metrics.get(name);
    return value !== undefined && value !== 'X';
  });
}

function scoreV4(body: string, vector: string): CvssScore | CvssError {
  const parsed = parseMetrics(body, V4_BASE, [V4_THREAT, V4_ENVIRONMENTAL, V4_SUPPLEMENTAL], true);
  if ('error' in parsed) {
    return parsed;
  }
  // The calculator gets the metrics in the specification's order, whatever order the vector had.
  const order = [V4_BASE, V4_THREAT, V4_ENVIRONMENTAL, V4_SUPPLEMENTAL].flatMap((table) => Object.keys(table));
  const canonical = order.flatMap((name) => {
    const value = parsed.metrics.get(name);
    return value === undefined ? [] : [`${name}:${value}`];
  });
  const calculator = new cvssCalculator.Cvss4P0(`CVSS:4.0/${canonical.join('/')}`);
  const score = checkedScore(calculator.calculateScores().overall, vector);
  if (typeof score !== 'number') {
    return score;
  }
  const threat = definedIn(parsed, V4_THREAT);
  const environmental = definedIn(parsed, V4_ENVIRONMENTAL);
  const nomenclature = threat ? (environmental ? 'CVSS-BTE' : 'CVSS-BT') : environmental ? 'CVSS-BE' : 'CVSS-B';
  return { version: '4.0', score, severity: severityOfScore(score), vector, nomenclature, ...withNotes(parsed) };
}

/**
 * Scores one CVSS vector: `CVSS:4.0/...`, `CVSS:3.1/...`, `CVSS:3.0/...`, or a bare v2 vector
 * (`AV:N/AC:L/Au:N/C:P/I:P/A:P`, optionally in parentheses as NVD printed them). Never throws.
 */
export function scoreVector(input: string): CvssScore | CvssError {
  if (typeof input !== 'string') {
    return { error: 'vector is not a string' };
  }
  const vector = input.trim();
  if (vector.length === 0) {
    return { error: 'empty vector' };
  }
  if (vector.length > MAX_VECTOR_LENGTH) {
    return { error: `vector is ${vector.length} characters long (at most ${MAX_VECTOR_LENGTH})` };
  }
  const prefixed = /^CVSS:(\d+\.\d+)\/(.*)$/.exec(vector);
  if (prefixed) {
    const [, version = '', body = ''] = prefixed;
    if (version === '3.0' || version === '3.1') {
      return scoreV3(version, body, vector);
    }
    if (version === '4.0') {
      return scoreV4(body, vector);
    }
    return { error: `unsupported CVSS version "${version}"` };
  }
  if (vector.startsWith('CVSS:')) {
    return { error: 'malformed "CVSS:<version>/" prefix' };
  }
  const bare = vector.startsWith('(') && vector.endsWith(')') ? vector.slice(1, -1) : vector;
  const v2 = scoreV2(bare);
  if ('error' in v2) {
    return { error: `not a CVSS v3/v4 vector (no "CVSS:" prefix) nor a valid v2 vector: ${v2.error}` };
  }
  return { ...v2, vector };
}

export function isCvssError(result: CvssScore | CvssError): result is CvssError {
  return 'error' in result;
}
