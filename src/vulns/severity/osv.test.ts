import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { isCvssError, scoreVector } from './cvss.ts';
import { severityFromOsv } from './osv.ts';

const V31 = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N'; // 6.1 medium
const V40 = 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:N/VA:N/SC:N/SI:N/SA:N/E:A'; // 8.7 high
const V2 = 'AV:N/AC:L/Au:N/C:C/I:C/A:C'; // 10.0 high (NVD v2)

describe('severityFromOsv', () => {
  it('prefers the highest CVSS version present', () => {
    const result = severityFromOsv({
      severity: [
        { type: 'CVSS_V2', score: V2 },
        { type: 'CVSS_V4', score: V40 },
        { type: 'CVSS_V3', score: V31 },
      ],
    });
    assert.deepEqual(result, {
      severity: 'high',
      source: 'cvss',
      score: 8.7,
      vector: V40,
      version: '4.0',
      errors: [],
    });
  });

  it('falls back to a lower version when the higher one does not parse, and reports it', () => {
    const result = severityFromOsv({
      severity: [
        { type: 'CVSS_V4', score: 'CVSS:4.0/AV:N' },
        { type: 'CVSS_V3', score: V31 },
      ],
    });
    assert.equal(result.version, '3.1');
    assert.equal(result.score, 6.1);
    assert.equal(result.severity, 'medium');
    assert.equal(result.errors.length, 1);
    assert.match(result.errors[0] ?? '', /CVSS_V4 "CVSS:4.0\/AV:N": missing base metrics AC/);
  });

  it('uses the affected-level severity instead of the top-level one', () => {
    const result = severityFromOsv(
      { severity: [{ type: 'CVSS_V3', score: V31 }] },
      { severity: [{ type: 'CVSS_V2', score: V2 }] },
    );
    assert.equal(result.version, '2.0');
    assert.equal(result.severity, 'high');
  });

  it('keeps the top-level severity when the affected entry has none', () => {
    const result = severityFromOsv({ severity: [{ type: 'CVSS_V3', score: V31 }] }, { ecosystem_specific: {} });
    assert.equal(result.score, 6.1);
  });

  it('prefers a vector over the GitHub rating', () => {
    const result = severityFromOsv({
      id: 'GHSA-xxxx-xxxx-xxxx',
      severity: [{ type: 'CVSS_V3', score: V31 }],
      database_specific: { severity: 'CRITICAL' },
    });
    assert.equal(result.source, 'cvss');
    assert.equal(result.severity, 'medium');
  });

  it('maps GitHub ratings (LOW/MODERATE/HIGH/CRITICAL)', () => {
    const map = (word: string) => severityFromOsv({ id: 'GHSA-aaaa-bbbb-cccc', database_specific: { severity: word } });
    assert.deepEqual(
      ['LOW', 'MODERATE', 'HIGH', 'CRITICAL'].map((w) => map(w).severity),
      ['low', 'medium', 'high', 'critical'],
    );
    assert.equal(map('MODERATE').source, 'ghsa');
    assert.equal(map('MODERATE').rating, 'MODERATE');
  });

  it('maps Ubuntu priorities from a severity entry of type Ubuntu', () => {
    const map = (score: string) =>
      severityFromOsv({ id: 'UBUNTU-CVE-2025-0001', severity: [{ type: 'Ubuntu', score }] });
    assert.deepEqual(
      ['negligible', 'low', 'medium', 'high', 'critical'].map((w) => map(w).severity),
      ['low', 'low', 'medium', 'high', 'critical'],
    );
    assert.equal(map('medium').source, 'ubuntu');
  });

  it('maps Debian urgencies and ignores "not yet assigned"', () => {
    const map = (urgency: string) =>
      severityFromOsv({ id: 'DEBIAN-CVE-2024-0001' }, { ecosystem_specific: { urgency } });
    assert.deepEqual(
      ['unimportant', 'low', 'medium**', 'high*'].map((w) => map(w).severity),
      ['low', 'low', 'medium', 'high'],
    );
    assert.equal(map('low').source, 'debian');
    assert.deepEqual(map('not yet assigned'), { severity: 'unknown', errors: [] });
    assert.deepEqual(map('end-of-life'), { severity: 'unknown', errors: [] });
  });

  it('maps Red Hat severities (Important is high)', () => {
    const map = (severity: string) => severityFromOsv({ id: 'RHSA-2024:0001', database_specific: { severity } });
    assert.deepEqual(
      ['Low', 'Moderate', 'Important', 'Critical'].map((w) => map(w).severity),
      ['low', 'medium', 'high', 'critical'],
    );
    assert.equal(map('Important').source, 'redhat');
  });

  it('is unknown without any rating, and survives malformed fields', () => {
    assert.deepEqual(severityFromOsv({}), { severity: 'unknown', errors: [] });
    assert.deepEqual(
      severityFromOsv({ severity: 'CVSS:3.1/AV:N', database_specific: ['HIGH'] }, { severity: [null, 3, {}] }),
      { severity: 'unknown', errors: [] },
    );
    assert.deepEqual(severityFromOsv({ database_specific: { severity: 'SEVERE' } }), {
      severity: 'unknown',
      errors: [],
    });
  });

  it('reports an unscorable vector even when a rating then decides', () => {
    const result = severityFromOsv({
      id: 'GHSA-aaaa-bbbb-cccc',
      severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L' }],
      database_specific: { severity: 'HIGH' },
    });
    assert.equal(result.severity, 'high');
    assert.equal(result.source, 'ghsa');
    assert.equal(result.errors.length, 1);
  });
});

// ---------------------------------------------------------------------------------------------
// Real advisories (../shared/data/osv-records, see its README): every vector must score.
// ---------------------------------------------------------------------------------------------

const DATA = fileURLToPath(new URL('../../../../shared/data/osv-records/', import.meta.url));
const skipReason = existsSync(DATA) ? false : `real OSV records not found at ${DATA} (shared/data is absent)`;

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      return files(path);
    }
    return /\.(json|ya?ml)$/.test(entry.name) ? [path] : [];
  });
}

interface FoundVector {
  readonly file: string;
  readonly vector: string;
}

/** Every OSV severity entry (type CVSS_*) and every GitHub API `vector_string` in a document. */
function collectVectors(value: unknown, file: string, out: FoundVector[]): void {
  if (Array.isArray(value)) {
    for (const item of value) {
      collectVectors(item, file, out);
    }
    return;
  }
  if (typeof value !== 'object' || value === null) {
    return;
  }
  const object = value as Record<string, unknown>;
  if (typeof object.type === 'string' && object.type.startsWith('CVSS_') && typeof object.score === 'string') {
    out.push({ file, vector: object.score });
  }
  if (typeof object.vector_string === 'string') {
    out.push({ file, vector: object.vector_string });
  }
  for (const child of Object.values(object)) {
    collectVectors(child, file, out);
  }
}

function osvRecords(value: unknown): Record<string, unknown>[] {
  const items = Array.isArray(value) ? value : [value];
  return items.filter(
    (item): item is Record<string, unknown> =>
      typeof item === 'object' && item !== null && typeof (item as Record<string, unknown>).id === 'string',
  );
}

describe('real OSV advisories', { skip: skipReason }, () => {
  const documents = skipReason
    ? []
    : files(DATA).flatMap((file) => {
        const text = readFileSync(file, 'utf8');
        try {
          return [{ file: relative(DATA, file), value: file.endsWith('.json') ? JSON.parse(text) : parseYaml(text) }];
        } catch {
          return []; // not a JSON/YAML document (none expected); vectors are what this test is about
        }
      });

  it('scores every CVSS vector found, within 0–10', () => {
    const vectors: FoundVector[] = [];
    for (const document of documents) {
      collectVectors(document.value, document.file, vectors);
    }
    const byVersion = new Map<string, number>();
    const failures: string[] = [];
    for (const { file, vector } of vectors) {
      const result = scoreVector(vector);
      if (isCvssError(result)) {
        failures.push(`${file}: ${vector}: ${result.error}`);
        continue;
      }
      assert.ok(result.score >= 0 && result.score <= 10, `${file}: ${vector} scored ${result.score}`);
      byVersion.set(result.version, (byVersion.get(result.version) ?? 0) + 1);
    }
    console.log(
      `[severity] scored ${vectors.length - failures.length}/${vectors.length} real vectors: ${[...byVersion]
        .map(([v, n]) => `v${v} ${n}`)
        .join(', ')}`,
    );
    assert.deepEqual(failures, []);
    assert.ok(vectors.length >= 40, `expected the data set's ~50 vectors, found ${vectors.length}`);
  });

  it('reports how often a vector and the GitHub rating agree (printed, not asserted)', () => {
    let both = 0;
    let agree = 0;
    const disagreements: string[] = [];
    for (const document of documents) {
      for (const advisory of osvRecords(document.value)) {
        const fromVector = severityFromOsv(advisory);
        const dbSpecific = advisory.database_specific;
        if (fromVector.source !== 'cvss' || typeof dbSpecific !== 'object' || dbSpecific === null) {
          continue;
        }
        const ghsa = severityFromOsv({ id: advisory.id, database_specific: dbSpecific });
        if (ghsa.source !== 'ghsa') {
          continue;
        }
        both++;
        if (ghsa.severity === fromVector.severity) {
          agree++;
        } else {
          disagreements.push(
            `${String(advisory.id)}: ${fromVector.vector} = ${fromVector.score} ${fromVector.severity}, GitHub ${ghsa.rating}`,
          );
        }
      }
    }
    console.log(`[severity] vector and GitHub rating agree on ${agree}/${both} advisories that carry both`);
    for (const line of disagreements) {
      console.log(`[severity]   differs: ${line}`);
    }
    assert.ok(both > 0, 'the data set has GHSA records with both a vector and a rating');
  });
});
