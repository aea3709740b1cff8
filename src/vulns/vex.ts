/**
 * VEX input: statements that a product is not affected by a vulnerability silence it, with the
 * statement's justification as the reason. Two formats:
 * - OpenVEX (https://github.com/openvex/spec/blob/main/OPENVEX-SPEC.md): `statements[]` with
 *   `vulnerability` ({ name } or a string in older drafts, plus `aliases`), `products[]`
 *   ({ "@id": purl } or a string; `subcomponents[]` too), `status` and `justification` /
 *   `impact_statement`.
 * - CycloneDX VEX (https://cyclonedx.org/capabilities/vex/): `vulnerabilities[]` with `id`,
 *   `analysis.state` ('not_affected', 'false_positive', 'resolved'...) and `affects[].ref` (a purl
 *   or a bom-ref resolved through `components[]`).
 * Only "not affected" states silence (OpenVEX 'not_affected' and 'fixed'; CycloneDX
 * 'not_affected', 'false_positive' and 'resolved'). A product matches a package when the purls
 * are equal ignoring qualifiers and subpath, or when the statement's purl has no version and the
 * rest is equal. Malformed documents are diagnostics naming the file and JSON path.
 */

import { z } from 'zod';
import type { Collected, Diagnostic, Vulnerability } from '#core';

export interface VexStatement {
  readonly vulnerability: string;
  readonly aliases: readonly string[];
  /** purls the statement covers; empty means every product of the document. */
  readonly products: readonly string[];
  readonly reason: string;
  readonly origin: string;
}

const OpenVexProduct = z.union([
  z.string(),
  z.looseObject({
    '@id': z.string().optional(),
    identifiers: z.looseObject({ purl: z.string().optional() }).optional(),
    subcomponents: z
      .array(
        z.union([
          z.string(),
          z.looseObject({
            '@id': z.string().optional(),
            identifiers: z.looseObject({ purl: z.string().optional() }).optional(),
          }),
        ]),
      )
      .optional(),
  }),
]);

const OpenVex = z.looseObject({
  '@context': z.string().regex(/openvex/i),
  statements: z.array(
    z.looseObject({
      vulnerability: z.union([
        z.string(),
        z.looseObject({
          name: z.string().optional(),
          '@id': z.string().optional(),
          aliases: z.array(z.string()).optional(),
        }),
      ]),
      products: z.array(OpenVexProduct).optional(),
      status: z.enum(['not_affected', 'affected', 'fixed', 'under_investigation']),
      justification: z.string().optional(),
      impact_statement: z.string().optional(),
      status_notes: z.string().optional(),
    }),
  ),
});

const CycloneDxVex = z.looseObject({
  bomFormat: z.literal('CycloneDX'),
  components: z.array(z.looseObject({ 'bom-ref': z.string().optional(), purl: z.string().optional() })).optional(),
  vulnerabilities: z.array(
    z.looseObject({
      id: z.string(),
      references: z.array(z.looseObject({ id: z.string() })).optional(),
      analysis: z
        .looseObject({
          state: z.string().optional(),
          justification: z.string().optional(),
          detail: z.string().optional(),
        })
        .optional(),
      affects: z.array(z.looseObject({ ref: z.string() })).optional(),
    }),
  ),
});

/** A VEX document that does not follow its schema: one error naming the first problem and where. */
function invalidDocument(format: string, error: z.ZodError, file: string): Collected<VexStatement[]> {
  const issue = error.issues[0];
  return {
    value: [],
    diagnostics: [
      {
        level: 'error',
        code: 'vex.invalid',
        message: `${format} document is invalid: ${issue?.message ?? 'unknown problem'}`,
        location: { file, ...(issue ? { path: issuePath(issue.path) } : {}) },
      },
    ],
  };
}

function issuePath(path: readonly PropertyKey[]): string {
  return path
    .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
    .join('')
    .replace(/^\./, '');
}

function productPurls(product: z.infer<typeof OpenVexProduct>): string[] {
  if (typeof product === 'string') {
    return [product];
  }
  const own = product.identifiers?.purl ?? product['@id'];
  const subs = (product.subcomponents ?? []).flatMap((s) =>
    typeof s === 'string' ? [s] : [s.identifiers?.purl ?? s['@id'] ?? ''].filter(Boolean),
  );
  // A statement about subcomponents of an image applies to those packages.
  return subs.length > 0 ? subs : own ? [own] : [];
}

/** Read one VEX document. Unknown formats and invalid shapes are errors naming the file. */
export function readVex(content: Buffer, file: string): Collected<VexStatement[]> {
  const diagnostics: Diagnostic[] = [];
  let raw: unknown;
  try {
    raw = JSON.parse(content.toString('utf8'));
  } catch (error) {
    return {
      value: [],
      diagnostics: [
        {
          level: 'error',
          code: 'vex.syntax',
          message: `VEX document is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
          location: { file },
        },
      ],
    };
  }
  const isObject = typeof raw === 'object' && raw !== null;
  if (isObject && '@context' in (raw as object)) {
    const parsed = OpenVex.safeParse(raw);
    if (!parsed.success) {
      return invalidDocument('OpenVEX', parsed.error, file);
    }
    const statements = parsed.data.statements.flatMap((s, index): VexStatement[] => {
      if (s.status !== 'not_affected' && s.status !== 'fixed') {
        return [];
      }
      const vuln = typeof s.vulnerability === 'string' ? { name: s.vulnerability } : s.vulnerability;
      const name = vuln.name ?? vuln['@id'];
      if (!name) {
        diagnostics.push({
          level: 'warning',
          code: 'vex.no-vulnerability',
          message: `statement ${index + 1} names no vulnerability; it is ignored`,
          location: { file, path: `statements[${index}].vulnerability` },
        });
        return [];
      }
      const why = s.justification ?? s.impact_statement ?? s.status_notes ?? s.status;
      return [
        {
          vulnerability: name,
          aliases: 'aliases' in vuln && Array.isArray(vuln.aliases) ? vuln.aliases : [],
          products: (s.products ?? []).flatMap(productPurls),
          reason: `VEX ${s.status}: ${why}`,
          origin: `${file}#statements[${index}]`,
        },
      ];
    });
    return { value: statements, diagnostics };
  }
  if (isObject && 'bomFormat' in (raw as object)) {
    const parsed = CycloneDxVex.safeParse(raw);
    if (!parsed.success) {
      return invalidDocument('CycloneDX VEX', parsed.error, file);
    }
    const refs = new Map<string, string>();
    for (const component of parsed.data.components ?? []) {
      if (component['bom-ref'] && component.purl) {
        refs.set(component['bom-ref'], component.purl);
      }
    }
    const silencing = new Set(['not_affected', 'false_positive', 'resolved']);
    const statements = parsed.data.vulnerabilities.flatMap((v, index): VexStatement[] => {
      const state = v.analysis?.state;
      if (!state || !silencing.has(state)) {
        return [];
      }
      return [
        {
          vulnerability: v.id,
          aliases: (v.references ?? []).map((r) => r.id),
          products: (v.affects ?? []).map((a) => refs.get(a.ref) ?? a.ref),
          reason: `VEX ${state}${v.analysis?.justification ? `: ${v.analysis.justification}` : ''}${v.analysis?.detail ? ` (${v.analysis.detail})` : ''}`,
          origin: `${file}#vulnerabilities[${index}]`,
        },
      ];
    });
    return { value: statements, diagnostics };
  }
  return {
    value: [],
    diagnostics: [
      {
        level: 'error',
        code: 'vex.unknown-format',
        message: 'not an OpenVEX (@context) or CycloneDX (bomFormat) document',
        location: { file },
      },
    ],
  };
}

/** 'pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64' → base 'pkg:deb/debian/openssl' and version. */
function splitPurl(purl: string): { base: string; version?: string } {
  const noQualifiers = purl.split(/[?#]/, 1)[0] ?? purl;
  const at = noQualifiers.lastIndexOf('@');
  const slash = noQualifiers.lastIndexOf('/');
  if (at > slash) {
    return { base: noQualifiers.slice(0, at).toLowerCase(), version: decodeURIComponent(noQualifiers.slice(at + 1)) };
  }
  return { base: noQualifiers.toLowerCase() };
}

function productMatches(product: string, purl: string): boolean {
  const want = splitPurl(product);
  const have = splitPurl(purl);
  return want.base === have.base && (want.version === undefined || want.version === have.version);
}

/** Silence vulnerabilities that a statement declares not affecting their package. */
export function applyVex(
  vulnerabilities: readonly Vulnerability[],
  statements: readonly VexStatement[],
): Vulnerability[] {
  return vulnerabilities.map((v) => {
    if (v.suppressed) {
      return v;
    }
    const ids = new Set([v.id, ...v.aliases].map((id) => id.toUpperCase()));
    const statement = statements.find(
      (s) =>
        [s.vulnerability, ...s.aliases].some((id) => ids.has(id.toUpperCase())) &&
        (s.products.length === 0 || s.products.some((p) => productMatches(p, v.package.purl))),
    );
    return statement ? { ...v, suppressed: { source: 'vex', reason: statement.reason, origin: statement.origin } } : v;
  });
}
