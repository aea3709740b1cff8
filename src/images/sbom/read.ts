/**
 * Reads an existing SBOM back into packages, so `palisade image` can match an SBOM made elsewhere.
 *
 * - CycloneDX JSON 1.4–1.6 (https://cyclonedx.org/docs/1.6/json/); 1.2, 1.3 and 1.7 are read with a
 *   warning (the fields read here are the same). Components are walked recursively (nested
 *   `components`); the OS comes from a component of type operating-system.
 * - SPDX JSON 2.2 and 2.3 (https://spdx.github.io/spdx-spec/v2.3/); 2.1 with a warning. The purl
 *   comes from externalRefs of type purl (category PACKAGE-MANAGER in 2.3, PACKAGE_MANAGER in 2.2);
 *   the OS from a package with primaryPackagePurpose OPERATING-SYSTEM.
 *
 * The ecosystem and the OSV package name come from the purl (type + namespace, see common.ts). A
 * component that cannot become a package (no purl, an unparsable purl, a purl type or distribution
 * Palisade has no advisories for, no version) is a diagnostic naming the file and JSON path, never
 * silently dropped. A document that is not JSON, not an SBOM or of an unsupported version is an
 * InputError naming the file; one malformed component is a diagnostic and the others are kept.
 * Components of type file and the document's own subject (metadata.component, the SPDX package
 * the document DESCRIBES) are not packages and are skipped without a diagnostic.
 */
import { PackageURL } from 'packageurl-js';
import { z } from 'zod';
import {
  type Collected,
  type Diagnostic,
  type Ecosystem,
  InputError,
  type OsRelease,
  type Package,
  type PackageLocation,
} from '#core';
import { LANG_PURL_TYPES, OS_FAMILIES, OS_PURL_NAMESPACES, PROPERTY } from './common.ts';

export type SbomFormat = 'cyclonedx' | 'spdx';

export interface SbomContents {
  readonly format: SbomFormat;
  /** '1.6', '2.3'... */
  readonly specVersion: string;
  /** What the SBOM describes (image reference, directory), when it says. */
  readonly subject?: string;
  readonly os?: OsRelease;
  readonly packages: readonly Package[];
}

export interface ReadSbomOptions {
  /** Larger documents are refused (InputError 'input.too-large'). Default 256 MiB. */
  readonly maxBytes?: number;
}

const DEFAULT_MAX_BYTES = 256 * 1024 * 1024;
const MAX_DEPTH = 32;

// ------------------------------------------------------------------------------------------------
// Shapes (only the fields read; everything else passes through)
// ------------------------------------------------------------------------------------------------

const Property = z.object({ name: z.string(), value: z.string().optional() });
const CdxLicenseChoice = z.union([
  z.object({ expression: z.string() }),
  z.object({ license: z.object({ id: z.string().optional(), name: z.string().optional() }) }),
]);
const CdxComponent = z.object({
  type: z.string(),
  name: z.string(),
  group: z.string().optional(),
  version: z.string().optional(),
  description: z.string().optional(),
  purl: z.string().optional(),
  'bom-ref': z.string().optional(),
  licenses: z.array(CdxLicenseChoice).optional(),
  properties: z.array(Property).optional(),
  components: z.array(z.unknown()).optional(),
});
type CdxComponent = z.infer<typeof CdxComponent>;

const CdxDocument = z.object({
  bomFormat: z.literal('CycloneDX'),
  specVersion: z.string(),
  metadata: z.object({ component: z.unknown().optional() }).optional(),
  components: z.array(z.unknown()).optional(),
});

const SpdxExternalRef = z.object({
  referenceCategory: z.string(),
  referenceType: z.string(),
  referenceLocator: z.string(),
});
const SpdxPackage = z.object({
  SPDXID: z.string(),
  name: z.string(),
  versionInfo: z.string().optional(),
  licenseDeclared: z.string().optional(),
  licenseConcluded: z.string().optional(),
  sourceInfo: z.string().optional(),
  description: z.string().optional(),
  externalRefs: z.array(SpdxExternalRef).optional(),
  primaryPackagePurpose: z.string().optional(),
});
type SpdxPackage = z.infer<typeof SpdxPackage>;

const SpdxDocument = z.object({
  spdxVersion: z.string(),
  SPDXID: z.string(),
  name: z.string().optional(),
  documentDescribes: z.array(z.string()).optional(),
  packages: z.array(z.unknown()).optional(),
  relationships: z
    .array(z.object({ spdxElementId: z.string(), relationshipType: z.string(), relatedSpdxElement: z.string() }))
    .optional(),
});

function issuePath(prefix: string, issue: z.core.$ZodIssue): string {
  return issue.path.reduce<string>(
    (path, key) => (typeof key === 'number' ? `${path}[${key}]` : `${path}.${String(key)}`),
    prefix,
  );
}

function zodMessage(error: z.ZodError, prefix: string): { path: string; message: string } {
  const issue = error.issues[0];
  if (!issue) {
    return { path: prefix, message: 'invalid' };
  }
  return { path: issuePath(prefix, issue), message: issue.message };
}

// ------------------------------------------------------------------------------------------------
// purl → package
// ------------------------------------------------------------------------------------------------

interface PurlPackage {
  readonly ecosystem: Ecosystem;
  readonly name: string;
  readonly version?: string;
  readonly kind: 'os' | 'lang';
  readonly arch?: string;
  readonly sourceName?: string;
  readonly sourceVersion?: string;
}

/** The source package named by a purl `upstream` qualifier (deb 'name' or 'name@version', rpm '<n>-<v>-<r>.src.rpm', apk origin). */
function upstream(type: string, value: string | undefined): { sourceName?: string; sourceVersion?: string } {
  if (!value) {
    return {};
  }
  if (type === 'rpm') {
    const match = /^(.+)-[^-]+-[^-]+\.src\.rpm$/.exec(value);
    return { sourceName: match?.[1] ?? value };
  }
  const at = value.indexOf('@');
  return at > 0 ? { sourceName: value.slice(0, at), sourceVersion: value.slice(at + 1) } : { sourceName: value };
}

function fromPurl(text: string, os: OsRelease | undefined): PurlPackage | string {
  let purl: PackageURL;
  try {
    purl = PackageURL.fromString(text);
  } catch (error) {
    return `purl "${text}" does not parse: ${error instanceof Error ? error.message : String(error)}`;
  }
  const qualifiers = purl.qualifiers ?? {};
  const namespace = purl.namespace ?? undefined;
  const distros = OS_PURL_NAMESPACES[purl.type];
  if (distros) {
    const ecosystem =
      (namespace ? distros[namespace.toLowerCase()] : undefined) ??
      (!namespace && os && Object.values(distros).includes(os.ecosystem) ? os.ecosystem : undefined);
    if (!ecosystem) {
      return `purl "${text}": ${purl.type} packages of distribution "${namespace ?? '(none)'}" have no OSV ecosystem Palisade knows`;
    }
    let version = purl.version ?? undefined;
    const epoch = qualifiers.epoch;
    if (version && purl.type === 'rpm' && epoch && !version.includes(':')) {
      version = `${epoch}:${version}`;
    }
    return {
      ecosystem,
      name: purl.name,
      ...(version ? { version } : {}),
      kind: 'os',
      ...(qualifiers.arch ? { arch: qualifiers.arch } : {}),
      ...upstream(purl.type, qualifiers.upstream),
    };
  }
  const ecosystem = LANG_PURL_TYPES[purl.type];
  if (!ecosystem) {
    return `purl "${text}": type "${purl.type}" has no OSV ecosystem Palisade matches`;
  }
  let name = purl.name;
  if (namespace) {
    name = ecosystem === 'Maven' ? `${namespace}:${purl.name}` : `${namespace}/${purl.name}`;
  }
  return { ecosystem, name, ...(purl.version ? { version: purl.version } : {}), kind: 'lang' };
}

// ------------------------------------------------------------------------------------------------
// OS
// ------------------------------------------------------------------------------------------------

/** The release as advisories name it: Alpine major.minor, Debian and the RHEL family the major. */
function advisoryRelease(family: string, version: string): string {
  if (family === 'alpine') {
    return /^(\d+\.\d+)/.exec(version)?.[1] ?? version;
  }
  if (['debian', 'rhel', 'redhat', 'centos', 'rocky', 'alma', 'almalinux', 'fedora'].includes(family)) {
    return /^(\d+)/.exec(version)?.[1] ?? version;
  }
  return version;
}

function osFrom(
  name: string,
  version: string | undefined,
  file: string,
  path: string,
  diagnostics: Diagnostic[],
  description?: string,
): OsRelease | undefined {
  const family = name.trim().toLowerCase();
  const ecosystem = OS_FAMILIES[family];
  if (!ecosystem || !version) {
    diagnostics.push({
      level: 'warning',
      code: 'sbom.unknown-os',
      message: `operating system "${name}"${version ? ` ${version}` : ' without a version'} is not one Palisade has advisories for; OS packages are matched by their purl only`,
      location: { file, path },
    });
    return undefined;
  }
  return {
    family: family === 'redhat' ? 'rhel' : family === 'almalinux' ? 'alma' : family,
    release: advisoryRelease(family, version),
    ecosystem,
    ...(description ? { prettyName: description } : {}),
    source: `${file} (${path})`,
  };
}

// ------------------------------------------------------------------------------------------------
// Entry points
// ------------------------------------------------------------------------------------------------

function parseJson(content: Buffer | string, file: string, maxBytes: number): unknown {
  const size = typeof content === 'string' ? Buffer.byteLength(content) : content.length;
  if (size > maxBytes) {
    throw new InputError('input.too-large', `${file}: SBOM is ${size} bytes, more than the ${maxBytes} allowed`, {
      location: { file },
    });
  }
  const text = typeof content === 'string' ? content : content.toString('utf8');
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new InputError('input.invalid', `${file}: not a JSON document (${(error as Error).message})`, {
      location: { file },
      cause: error,
    });
  }
}

/** 'cyclonedx' or 'spdx' for a parsed JSON value that looks like one, undefined otherwise. */
export function detectSbomFormat(value: unknown): SbomFormat | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return undefined;
  }
  const object = value as Record<string, unknown>;
  if ('bomFormat' in object) {
    return 'cyclonedx';
  }
  if ('spdxVersion' in object) {
    return 'spdx';
  }
  return undefined;
}

/**
 * Reads one CycloneDX or SPDX JSON document. Throws InputError (with the file and, where known,
 * the JSON path) when the document as a whole cannot be read; returns a diagnostic for each
 * component that cannot become a package.
 */
export function readSbom(
  content: Buffer | string,
  file: string,
  options: ReadSbomOptions = {},
): Collected<SbomContents> {
  const json = parseJson(content, file, options.maxBytes ?? DEFAULT_MAX_BYTES);
  const format = detectSbomFormat(json);
  if (format === 'cyclonedx') {
    return readCycloneDx(json, file);
  }
  if (format === 'spdx') {
    return readSpdx(json, file);
  }
  const hint =
    typeof json === 'object' && json !== null && '@context' in json
      ? ' (SPDX 3 JSON-LD is not supported; use SPDX 2.3 JSON)'
      : '';
  throw new InputError(
    'input.unsupported',
    `${file}: not a CycloneDX or SPDX JSON document (no "bomFormat" or "spdxVersion")${hint}`,
    { location: { file, path: '$' } },
  );
}

function propertyMap(properties: CdxComponent['properties']): Map<string, string> {
  const map = new Map<string, string>();
  for (const property of properties ?? []) {
    if (property.value !== undefined && !map.has(property.name)) {
      map.set(property.name, property.value);
    }
  }
  return map;
}

function cdxLicenses(licenses: CdxComponent['licenses']): string[] {
  const out: string[] = [];
  for (const choice of licenses ?? []) {
    if ('expression' in choice) {
      out.push(choice.expression);
    } else if (choice.license.id ?? choice.license.name) {
      out.push((choice.license.id ?? choice.license.name) as string);
    }
  }
  return out;
}

export function readCycloneDx(json: unknown, file: string): Collected<SbomContents> {
  const document = CdxDocument.safeParse(json);
  if (!document.success) {
    const { path, message } = zodMessage(document.error, '$');
    throw new InputError('input.invalid', `${file}: not a valid CycloneDX document at ${path}: ${message}`, {
      location: { file, path },
    });
  }
  const { specVersion } = document.data;
  const diagnostics: Diagnostic[] = [];
  if (!['1.4', '1.5', '1.6'].includes(specVersion)) {
    if (!['1.2', '1.3', '1.7'].includes(specVersion)) {
      throw new InputError(
        'input.unsupported',
        `${file}: CycloneDX specVersion "${specVersion}" is not supported (1.2–1.7)`,
        {
          location: { file, path: '$.specVersion' },
        },
      );
    }
    diagnostics.push({
      level: 'warning',
      code: 'sbom.version',
      message: `CycloneDX ${specVersion} is read as 1.6 (Palisade reads 1.4–1.6)`,
      location: { file, path: '$.specVersion' },
    });
  }

  const subjectParsed = CdxComponent.safeParse(document.data.metadata?.component);
  const subject = subjectParsed.success ? subjectParsed.data.name : undefined;
  const found: { component: CdxComponent; path: string }[] = [];
  let os: OsRelease | undefined;

  const walk = (items: readonly unknown[], prefix: string, depth: number): void => {
    if (depth > MAX_DEPTH) {
      diagnostics.push({
        level: 'error',
        code: 'sbom.too-deep',
        message: `components nested more than ${MAX_DEPTH} levels deep are not read`,
        location: { file, path: prefix },
      });
      return;
    }
    for (const [index, item] of items.entries()) {
      const path = `${prefix}[${index}]`;
      const parsed = CdxComponent.safeParse(item);
      if (!parsed.success) {
        const issue = zodMessage(parsed.error, path);
        diagnostics.push({
          level: 'error',
          code: 'sbom.invalid-component',
          message: `component is malformed at ${issue.path}: ${issue.message}`,
          location: { file, path: issue.path },
        });
        continue;
      }
      const component = parsed.data;
      if (component.type === 'operating-system') {
        os ??= osFrom(component.name, component.version, file, path, diagnostics, component.description);
      } else if (component.type !== 'file') {
        found.push({ component, path });
      }
      if (component.components) {
        walk(component.components, `${path}.components`, depth + 1);
      }
    }
  };
  walk(document.data.components ?? [], '$.components', 0);

  const packages: Package[] = [];
  for (const { component, path } of found) {
    const pkg = toPackage(
      {
        name: component.group
          ? `${component.group}${component.purl?.startsWith('pkg:maven/') ? ':' : '/'}${component.name}`
          : component.name,
        version: component.version,
        purl: component.purl,
        licenses: cdxLicenses(component.licenses),
        properties: propertyMap(component.properties),
        analyzer: 'sbom/cyclonedx',
      },
      os,
      file,
      path,
      diagnostics,
    );
    if (pkg) {
      packages.push(pkg);
    }
  }
  return {
    value: { format: 'cyclonedx', specVersion, ...(subject ? { subject } : {}), ...(os ? { os } : {}), packages },
    diagnostics,
  };
}

interface ComponentFields {
  /** The component's own full name (CycloneDX group joined as the ecosystem writes it). */
  readonly name: string;
  readonly version: string | undefined;
  readonly purl: string | undefined;
  readonly licenses: readonly string[];
  readonly properties: ReadonlyMap<string, string>;
  readonly analyzer: string;
  readonly sourceInfo?: string;
}

function toPackage(
  fields: ComponentFields,
  os: OsRelease | undefined,
  file: string,
  path: string,
  diagnostics: Diagnostic[],
): Package | undefined {
  const label = `"${fields.name}"${fields.version ? ` ${fields.version}` : ''}`;
  if (!fields.purl) {
    diagnostics.push({
      level: 'warning',
      code: 'sbom.no-purl',
      message: `component ${label} has no package URL, so it cannot be matched against advisories`,
      location: { file, path },
    });
    return undefined;
  }
  const fromUrl = fromPurl(fields.purl, os);
  if (typeof fromUrl === 'string') {
    diagnostics.push({
      level: 'warning',
      code: 'sbom.unmatchable-purl',
      message: `component ${label}: ${fromUrl}; it cannot be matched against advisories`,
      location: { file, path: `${path}.purl` },
    });
    return undefined;
  }
  const version = fields.version || fromUrl.version;
  if (!version) {
    diagnostics.push({
      level: 'warning',
      code: 'sbom.no-version',
      message: `component ${label} (${fields.purl}) has no version, so it cannot be matched against advisories`,
      location: { file, path },
    });
    return undefined;
  }
  const property = (name: string): string | undefined => fields.properties.get(name) || undefined;
  const line = Number(property(PROPERTY.line));
  const layer = property(PROPERTY.layer);
  const location: PackageLocation = {
    path: property(PROPERTY.location) ?? file,
    ...(Number.isInteger(line) && line > 0 ? { line } : {}),
    ...(layer ? { layer } : {}),
  };
  const kindProperty = property(PROPERTY.kind);
  const sourceName = property(PROPERTY.sourceName) ?? fromUrl.sourceName ?? sourceFromInfo(fields.sourceInfo);
  const sourceVersion = property(PROPERTY.sourceVersion) ?? fromUrl.sourceVersion;
  const arch = property(PROPERTY.arch) ?? fromUrl.arch;
  // The purl's name is normalised for some types (PyPI lower-cases it); keep the component's own
  // spelling when it is the same name.
  const normal = (text: string): string => text.toLowerCase().replace(/[-_.]+/g, '-');
  const name = normal(fields.name) === normal(fromUrl.name) ? fields.name : fromUrl.name;
  return {
    name,
    version,
    ecosystem: fromUrl.ecosystem,
    purl: fields.purl,
    kind: kindProperty === 'os' || kindProperty === 'lang' ? kindProperty : fromUrl.kind,
    analyzer: property(PROPERTY.analyzer) ?? fields.analyzer,
    location,
    ...(sourceName ? { sourceName } : {}),
    ...(sourceVersion ? { sourceVersion } : {}),
    ...(arch ? { arch } : {}),
    ...(fields.licenses.length > 0 ? { licenses: fields.licenses } : {}),
    ...(property(PROPERTY.dev) === 'true' ? { dev: true } : {}),
  };
}

/** SPDX sourceInfo as Palisade and other tools write it: 'built package from: <name> [<version>]'. */
function sourceFromInfo(info: string | undefined): string | undefined {
  return info ? /^built package from:\s*(\S+)/.exec(info)?.[1] : undefined;
}

const NO_LICENSE = new Set(['NOASSERTION', 'NONE']);

export function readSpdx(json: unknown, file: string): Collected<SbomContents> {
  const document = SpdxDocument.safeParse(json);
  if (!document.success) {
    const { path, message } = zodMessage(document.error, '$');
    throw new InputError('input.invalid', `${file}: not a valid SPDX document at ${path}: ${message}`, {
      location: { file, path },
    });
  }
  const specVersion = document.data.spdxVersion.replace(/^SPDX-/, '');
  const diagnostics: Diagnostic[] = [];
  if (!['2.2', '2.3'].includes(specVersion)) {
    if (specVersion !== '2.1') {
      throw new InputError(
        'input.unsupported',
        `${file}: spdxVersion "${document.data.spdxVersion}" is not supported (SPDX-2.1–2.3)`,
        {
          location: { file, path: '$.spdxVersion' },
        },
      );
    }
    diagnostics.push({
      level: 'warning',
      code: 'sbom.version',
      message: 'SPDX 2.1 is read as 2.3 (Palisade reads 2.2 and 2.3)',
      location: { file, path: '$.spdxVersion' },
    });
  }

  const described = new Set(document.data.documentDescribes ?? []);
  for (const relationship of document.data.relationships ?? []) {
    if (relationship.relationshipType === 'DESCRIBES' && relationship.spdxElementId === 'SPDXRef-DOCUMENT') {
      described.add(relationship.relatedSpdxElement);
    }
  }

  const parsed: { pkg: SpdxPackage; path: string }[] = [];
  for (const [index, item] of (document.data.packages ?? []).entries()) {
    const path = `$.packages[${index}]`;
    const result = SpdxPackage.safeParse(item);
    if (!result.success) {
      const issue = zodMessage(result.error, path);
      diagnostics.push({
        level: 'error',
        code: 'sbom.invalid-package',
        message: `package is malformed at ${issue.path}: ${issue.message}`,
        location: { file, path: issue.path },
      });
      continue;
    }
    parsed.push({ pkg: result.data, path });
  }

  let os: OsRelease | undefined;
  let subject: string | undefined;
  for (const { pkg, path } of parsed) {
    if (pkg.primaryPackagePurpose === 'OPERATING-SYSTEM' && !os) {
      os = osFrom(pkg.name, pkg.versionInfo, file, path, diagnostics, pkg.description);
    }
  }

  const packages: Package[] = [];
  for (const { pkg, path } of parsed) {
    if (pkg.primaryPackagePurpose === 'OPERATING-SYSTEM') {
      continue;
    }
    const purls = (pkg.externalRefs ?? []).filter((ref) => ref.referenceType === 'purl');
    if (
      described.has(pkg.SPDXID) &&
      (purls.length === 0 || /^pkg:(oci|docker)\//.test(purls[0]?.referenceLocator ?? ''))
    ) {
      subject ??= pkg.name;
      continue;
    }
    const licenses = [pkg.licenseDeclared, pkg.licenseConcluded].find((text) => text && !NO_LICENSE.has(text));
    const result = toPackage(
      {
        name: pkg.name,
        version: pkg.versionInfo,
        purl: purls[0]?.referenceLocator,
        licenses: licenses ? [licenses] : [],
        properties: new Map(),
        analyzer: 'sbom/spdx',
        ...(pkg.sourceInfo ? { sourceInfo: pkg.sourceInfo } : {}),
      },
      os,
      file,
      path,
      diagnostics,
    );
    if (result) {
      packages.push(result);
    }
  }
  subject ??= document.data.name;
  return {
    value: { format: 'spdx', specVersion, ...(subject ? { subject } : {}), ...(os ? { os } : {}), packages },
    diagnostics,
  };
}
