/**
 * SPDX 2.3 JSON (https://spdx.github.io/spdx-spec/v2.3/), written by hand.
 *
 * - Document creation information (spec clause 6): spdxVersion SPDX-2.3, dataLicense CC0-1.0,
 *   SPDXID SPDXRef-DOCUMENT, name, documentNamespace, creationInfo (creators 'Tool: palisade-<v>',
 *   created as YYYY-MM-DDThh:mm:ssZ).
 * - Packages (clause 7): the subject (primaryPackagePurpose CONTAINER, or SOURCE for a directory),
 *   the OS (OPERATING-SYSTEM) and one LIBRARY per package, each with a unique SPDXID made of the
 *   allowed characters (letters, digits, '.', '-'), downloadLocation NOASSERTION, filesAnalyzed
 *   false (no file list, so no verification code is due), licenseConcluded NOASSERTION,
 *   copyrightText NOASSERTION, and the purl as a PACKAGE-MANAGER external reference.
 * - licenseDeclared: the declared licences when every one is a valid SPDX licence expression over
 *   identifiers of the SPDX licence list or LicenseRef-s (several are joined with AND: each applies
 *   as declared, the conservative reading), written in canonical case; otherwise NOASSERTION, with
 *   the declared text kept in licenseComments so nothing is lost.
 * - Relationships (clause 11): DOCUMENT DESCRIBES subject; subject CONTAINS OS and each package.
 * - documentNamespace: unless given, https://spdx.org/spdxdocs/palisade-<name>-<hash>, the hash
 *   over subject, tool version and package identities, so the same input gives the same document.
 */
import type { Package } from '#core';
import { assignIds, canonicalSpdxExpression, isSimpleLicense, sha256Hex } from './common.ts';
import type { SbomSubject, SbomWriteOptions } from './types.ts';

export interface SpdxExternalRef {
  readonly referenceCategory: 'PACKAGE-MANAGER';
  readonly referenceType: 'purl';
  readonly referenceLocator: string;
}

export interface SpdxPackage {
  readonly SPDXID: string;
  readonly name: string;
  readonly versionInfo?: string;
  readonly downloadLocation: 'NOASSERTION';
  readonly filesAnalyzed: false;
  readonly licenseConcluded: 'NOASSERTION';
  readonly licenseDeclared: string;
  readonly licenseComments?: string;
  readonly copyrightText: 'NOASSERTION';
  readonly sourceInfo?: string;
  readonly description?: string;
  readonly checksums?: readonly { readonly algorithm: 'SHA256'; readonly checksumValue: string }[];
  readonly externalRefs?: readonly SpdxExternalRef[];
  readonly primaryPackagePurpose: 'CONTAINER' | 'SOURCE' | 'OPERATING-SYSTEM' | 'LIBRARY';
}

export interface SpdxRelationship {
  readonly spdxElementId: string;
  readonly relationshipType: 'DESCRIBES' | 'CONTAINS';
  readonly relatedSpdxElement: string;
}

export interface SpdxDocument {
  readonly spdxVersion: 'SPDX-2.3';
  readonly dataLicense: 'CC0-1.0';
  readonly SPDXID: 'SPDXRef-DOCUMENT';
  readonly name: string;
  readonly documentNamespace: string;
  readonly creationInfo: { readonly creators: readonly string[]; readonly created: string };
  readonly packages: readonly SpdxPackage[];
  readonly relationships: readonly SpdxRelationship[];
}

/** SPDX identifiers allow only letters, digits, '.' and '-' after 'SPDXRef-' (clause 7.2). */
export function sanitizeSpdxId(text: string): string {
  const cleaned = text
    .replace(/[^A-Za-z0-9.-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-|-$/g, '');
  return cleaned.slice(0, 100) || 'x';
}

/** Created time without fractional seconds, as clause 6.9 shows it. */
function spdxTime(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

function declaredLicense(licenses: readonly string[] | undefined): {
  licenseDeclared: string;
  licenseComments?: string;
} {
  const declared = (licenses ?? []).map((text) => text.trim()).filter((text) => text.length > 0);
  if (declared.length === 0) {
    return { licenseDeclared: 'NOASSERTION' };
  }
  const canonical = declared.map(canonicalSpdxExpression);
  if (canonical.every((expression) => expression !== undefined)) {
    const joined =
      canonical.length === 1
        ? (canonical[0] as string)
        : canonical.map((e) => (isSimpleLicense(e as string) ? e : `(${e})`)).join(' AND ');
    return { licenseDeclared: joined };
  }
  return {
    licenseDeclared: 'NOASSERTION',
    licenseComments: `Declared licence text that is not a valid SPDX licence expression: ${declared.join('; ')}`,
  };
}

function sourceInfo(pkg: Package): string | undefined {
  if (!pkg.sourceName || (pkg.sourceName === pkg.name && !pkg.sourceVersion)) {
    return undefined;
  }
  return `built package from: ${pkg.sourceName}${pkg.sourceVersion ? ` ${pkg.sourceVersion}` : ''}`;
}

export function buildSpdx(
  subject: SbomSubject,
  packages: readonly Package[],
  options: SbomWriteOptions = {},
): SpdxDocument {
  const ids = assignIds(packages);
  const used = new Set<string>(['SPDXRef-DOCUMENT']);
  const uniqueId = (base: string): string => {
    let id = `SPDXRef-${sanitizeSpdxId(base)}`;
    for (let n = 2; used.has(id); n++) {
      id = `SPDXRef-${sanitizeSpdxId(base)}-${n}`;
    }
    used.add(id);
    return id;
  };

  const subjectId = uniqueId(
    `${subject.kind === 'directory' ? 'DocumentRoot-Directory' : 'DocumentRoot-Image'}-${subject.name}`,
  );
  const digest = /^sha256:([0-9a-f]{64})$/.exec(subject.digest ?? '')?.[1];
  const root: SpdxPackage = {
    SPDXID: subjectId,
    name: subject.name,
    ...(subject.digest ? { versionInfo: subject.digest } : {}),
    downloadLocation: 'NOASSERTION',
    filesAnalyzed: false,
    licenseConcluded: 'NOASSERTION',
    licenseDeclared: 'NOASSERTION',
    copyrightText: 'NOASSERTION',
    ...(digest ? { checksums: [{ algorithm: 'SHA256', checksumValue: digest }] } : {}),
    primaryPackagePurpose: subject.kind === 'directory' ? 'SOURCE' : 'CONTAINER',
  };
  const out: SpdxPackage[] = [root];
  const relationships: SpdxRelationship[] = [
    { spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: subjectId },
  ];

  if (subject.os) {
    const os = subject.os;
    const osId = uniqueId(`OperatingSystem-${os.family}-${os.release}`);
    out.push({
      SPDXID: osId,
      name: os.family,
      versionInfo: os.release,
      downloadLocation: 'NOASSERTION',
      filesAnalyzed: false,
      licenseConcluded: 'NOASSERTION',
      licenseDeclared: 'NOASSERTION',
      copyrightText: 'NOASSERTION',
      ...(os.prettyName ? { description: os.prettyName } : {}),
      primaryPackagePurpose: 'OPERATING-SYSTEM',
    });
    relationships.push({ spdxElementId: subjectId, relationshipType: 'CONTAINS', relatedSpdxElement: osId });
  }

  const sorted = [...ids.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const { id, pkg } of sorted) {
    const hash = sha256Hex(id).slice(0, 12);
    const spdxId = uniqueId(`Package-${pkg.ecosystem}-${pkg.name}-${hash}`);
    const info = sourceInfo(pkg);
    out.push({
      SPDXID: spdxId,
      name: pkg.name,
      versionInfo: pkg.version,
      downloadLocation: 'NOASSERTION',
      filesAnalyzed: false,
      licenseConcluded: 'NOASSERTION',
      ...declaredLicense(pkg.licenses),
      copyrightText: 'NOASSERTION',
      ...(info ? { sourceInfo: info } : {}),
      externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: pkg.purl }],
      primaryPackagePurpose: 'LIBRARY',
    });
    relationships.push({ spdxElementId: subjectId, relationshipType: 'CONTAINS', relatedSpdxElement: spdxId });
  }

  const namespace =
    options.documentNamespace ??
    `https://spdx.org/spdxdocs/palisade-${sanitizeSpdxId(subject.name)}-${sha256Hex(
      JSON.stringify([subject.name, subject.digest ?? '', subject.tool.version, sorted.map((entry) => entry.id)]),
    ).slice(0, 32)}`;

  return {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name: subject.name,
    documentNamespace: namespace,
    creationInfo: {
      creators: [`Tool: ${subject.tool.name}-${subject.tool.version}`],
      created: spdxTime(options.timestamp ?? new Date()),
    },
    packages: out,
    relationships,
  };
}

/** SPDX 2.3 JSON text (2-space indented). */
export function writeSpdx(subject: SbomSubject, packages: readonly Package[], options: SbomWriteOptions = {}): string {
  return `${JSON.stringify(buildSpdx(subject, packages, options), null, 2)}\n`;
}
