/**
 * CycloneDX 1.6 JSON (https://cyclonedx.org/docs/1.6/json/), built with @cyclonedx/cyclonedx-library.
 *
 * - metadata.component: the image (type container) or directory (type application), with the
 *   manifest digest as a SHA-256 hash; metadata.tools.components: Palisade.
 * - components: the OS (type operating-system, name = family, version = release) and one `library`
 *   per package (OS packages too, as CycloneDX has no separate type for them): name, version, purl,
 *   licences, and `palisade:*` properties for analyzer, kind, location, line, layer, source package,
 *   arch and dev.
 * - bom-refs are the purl, or purl#<hash of location> when one purl occurs at several locations,
 *   so repeated runs over the same packages give identical output apart from serialNumber and
 *   timestamp (both injectable). Lists are sorted by the serializer.
 * - vulnerabilities (optional): one per advisory id, with source, a rating (score, severity,
 *   method, vector), description, 'Upgrade to X' recommendation, advisories (reference URLs),
 *   references (aliases) and affects (component bom-ref, version, status affected).
 */
import { randomUUID } from 'node:crypto';
import { Enums, Models, Serialize, Spec } from '@cyclonedx/cyclonedx-library';
import type { Collected, Diagnostic, Package } from '#core';
import { assignIds, canonicalSpdxExpression, isSimpleLicense, PROPERTY, packageKey } from './common.ts';
import type { SbomSubject, SbomWriteOptions, VulnerabilityRecord } from './types.ts';

const SEVERITY: Readonly<Record<NonNullable<VulnerabilityRecord['severity']>, Enums.Vulnerability.Severity>> = {
  none: Enums.Vulnerability.Severity.None,
  low: Enums.Vulnerability.Severity.Low,
  medium: Enums.Vulnerability.Severity.Medium,
  high: Enums.Vulnerability.Severity.High,
  critical: Enums.Vulnerability.Severity.Critical,
  unknown: Enums.Vulnerability.Severity.Unknown,
};

const METHOD: Readonly<Record<NonNullable<VulnerabilityRecord['method']>, Enums.Vulnerability.RatingMethod>> = {
  CVSSv2: Enums.Vulnerability.RatingMethod.CVSSv2,
  CVSSv3: Enums.Vulnerability.RatingMethod.CVSSv3,
  CVSSv31: Enums.Vulnerability.RatingMethod.CVSSv31,
  CVSSv4: Enums.Vulnerability.RatingMethod.CVSSv4,
  other: Enums.Vulnerability.RatingMethod.Other,
};

/**
 * Licences as CycloneDX allows them: either licence objects (SPDX id, or name for anything not on
 * the SPDX list) or exactly one expression. Several declared licences that are all valid SPDX
 * become one `(a) AND (b)` expression when any of them is compound.
 */
function addLicenses(component: Models.Component, licenses: readonly string[] | undefined): void {
  const declared = (licenses ?? []).map((text) => text.trim()).filter((text) => text.length > 0);
  if (declared.length === 0) {
    return;
  }
  const canonical = declared.map(canonicalSpdxExpression);
  const allValid = canonical.every((expression) => expression !== undefined);
  const anyCompound = canonical.some((expression) => expression !== undefined && !isSimpleLicense(expression));
  if (allValid && anyCompound) {
    const joined =
      canonical.length === 1
        ? (canonical[0] as string)
        : canonical.map((e) => (isSimpleLicense(e as string) ? e : `(${e})`)).join(' AND ');
    component.licenses.add(new Models.LicenseExpression(joined));
    return;
  }
  for (const [index, text] of declared.entries()) {
    const expression = canonical[index];
    component.licenses.add(
      expression !== undefined && isSimpleLicense(expression) && !expression.startsWith('LicenseRef-')
        ? new Models.SpdxLicense(expression)
        : new Models.NamedLicense(text),
    );
  }
}

function packageComponent(pkg: Package, bomRef: string): Models.Component {
  const component = new Models.Component(Enums.ComponentType.Library, pkg.name, {
    bomRef,
    version: pkg.version,
    purl: pkg.purl,
  });
  addLicenses(component, pkg.licenses);
  const add = (name: string, value: string | number | boolean | undefined): void => {
    if (value !== undefined && value !== '') {
      component.properties.add(new Models.Property(name, String(value)));
    }
  };
  add(PROPERTY.analyzer, pkg.analyzer);
  add(PROPERTY.kind, pkg.kind);
  add(PROPERTY.location, pkg.location.path);
  add(PROPERTY.line, pkg.location.line);
  add(PROPERTY.layer, pkg.location.layer);
  add(PROPERTY.sourceName, pkg.sourceName);
  add(PROPERTY.sourceVersion, pkg.sourceVersion);
  add(PROPERTY.arch, pkg.arch);
  add(PROPERTY.dev, pkg.dev ? true : undefined);
  return component;
}

function subjectComponent(subject: SbomSubject): Models.Component {
  const type = subject.kind === 'directory' ? Enums.ComponentType.Application : Enums.ComponentType.Container;
  const component = new Models.Component(type, subject.name, { bomRef: `subject:${subject.name}` });
  const digest = /^sha256:([0-9a-f]{64})$/.exec(subject.digest ?? '');
  if (digest?.[1]) {
    component.hashes.set(Enums.HashAlgorithm['SHA-256'], digest[1]);
  }
  if (subject.digest) {
    component.properties.add(new Models.Property(PROPERTY.imageDigest, subject.digest));
  }
  return component;
}

function osComponent(subject: SbomSubject): Models.Component | undefined {
  const os = subject.os;
  if (!os) {
    return undefined;
  }
  const component = new Models.Component(Enums.ComponentType.OperatingSystem, os.family, {
    bomRef: `os:${os.family}@${os.release}`,
    version: os.release,
  });
  if (os.prettyName) {
    component.description = os.prettyName;
  }
  component.properties.add(new Models.Property(PROPERTY.osEcosystem, os.ecosystem));
  component.properties.add(new Models.Property(PROPERTY.osSource, os.source));
  return component;
}

function aliasSource(id: string): Models.Vulnerability.Source {
  if (/^CVE-\d{4}-\d+$/.test(id)) {
    return new Models.Vulnerability.Source({ name: 'NVD', url: `https://nvd.nist.gov/vuln/detail/${id}` });
  }
  if (/^GHSA(-[23456789cfghjmpqrvwx]{4}){3}$/.test(id)) {
    return new Models.Vulnerability.Source({ name: 'GitHub', url: `https://github.com/advisories/${id}` });
  }
  return new Models.Vulnerability.Source({
    name: 'OSV',
    url: `https://osv.dev/vulnerability/${encodeURIComponent(id)}`,
  });
}

function validUrl(text: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(text) && URL.canParse(text);
}

function vulnerability(record: VulnerabilityRecord): Models.Vulnerability.Vulnerability {
  const vuln = new Models.Vulnerability.Vulnerability({ bomRef: `vulnerability:${record.id}`, id: record.id });
  if (record.source?.name || record.source?.url) {
    vuln.source = new Models.Vulnerability.Source({
      ...(record.source.name ? { name: record.source.name } : {}),
      ...(record.source.url && validUrl(record.source.url) ? { url: record.source.url } : {}),
    });
  }
  if (record.severity !== undefined || record.score !== undefined || record.vector !== undefined) {
    vuln.ratings.add(
      new Models.Vulnerability.Rating({
        ...(record.score !== undefined && Number.isFinite(record.score) ? { score: record.score } : {}),
        ...(record.severity ? { severity: SEVERITY[record.severity] } : {}),
        ...(record.method ? { method: METHOD[record.method] } : {}),
        ...(record.vector ? { vector: record.vector } : {}),
        ...(vuln.source ? { source: vuln.source } : {}),
      }),
    );
  }
  if (record.description) {
    vuln.description = record.description;
  }
  if (record.fixedVersion) {
    vuln.recommendation = `Upgrade to ${record.fixedVersion}`;
  }
  for (const url of record.references ?? []) {
    if (validUrl(url)) {
      vuln.advisories.add(new Models.Vulnerability.Advisory(url));
    }
  }
  for (const alias of record.aliases ?? []) {
    if (alias !== record.id && alias.trim() !== '') {
      vuln.references.add(new Models.Vulnerability.Reference(alias, aliasSource(alias)));
    }
  }
  return vuln;
}

function union(a: readonly string[] | undefined, b: readonly string[] | undefined): string[] | undefined {
  const all = [...new Set([...(a ?? []), ...(b ?? [])])];
  return all.length > 0 ? all : undefined;
}

function mergeRecords(first: VulnerabilityRecord, next: VulnerabilityRecord): VulnerabilityRecord {
  const aliases = union(first.aliases, next.aliases);
  const references = union(first.references, next.references);
  return {
    ...next,
    ...Object.fromEntries(Object.entries(first).filter(([, value]) => value !== undefined)),
    ...(aliases ? { aliases } : {}),
    ...(references ? { references } : {}),
  } as VulnerabilityRecord;
}

/** The BOM model, for callers that want to add to it before serializing. */
export function buildCycloneDx(
  subject: SbomSubject,
  packages: readonly Package[],
  vulnerabilities: readonly VulnerabilityRecord[] = [],
  options: SbomWriteOptions = {},
): Collected<Models.Bom> {
  const diagnostics: Diagnostic[] = [];
  const bom = new Models.Bom();
  bom.serialNumber = options.serialNumber ?? `urn:uuid:${randomUUID()}`;
  bom.metadata.timestamp = options.timestamp ?? new Date();
  bom.metadata.tools.components.add(
    new Models.Component(Enums.ComponentType.Application, subject.tool.name, { version: subject.tool.version }),
  );
  const root = subjectComponent(subject);
  bom.metadata.component = root;

  const os = osComponent(subject);
  if (os) {
    bom.components.add(os);
    root.dependencies.add(os.bomRef);
  }
  const components = new Map<string, Models.Component>();
  const byPurl = new Map<string, Models.Component>();
  for (const [key, { id, pkg }] of assignIds(packages)) {
    const component = packageComponent(pkg, id);
    components.set(key, component);
    if (!byPurl.has(pkg.purl)) {
      byPurl.set(pkg.purl, component);
    }
    bom.components.add(component);
    root.dependencies.add(component.bomRef);
  }

  // Records of one advisory are merged: affects from all, aliases and references united, every other
  // field from the first record (in id, purl, location order) that has it, so input order never matters.
  const order = vulnerabilities
    .map((record, index) => ({ record, index, key: `${record.id}\u0001${packageKey(record.package)}` }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.index - b.index));
  const groups = new Map<string, { merged: VulnerabilityRecord; refs: Map<string, string> }>();
  for (const { record, index } of order) {
    const component = components.get(packageKey(record.package)) ?? byPurl.get(record.package.purl);
    if (!component) {
      diagnostics.push({
        level: 'error',
        code: 'sbom.vulnerability-unknown-package',
        message: `${record.id} affects ${record.package.purl}, which is not among the BOM's packages; left out`,
        location: { file: '<cyclonedx>', path: `vulnerabilities[${index}]` },
      });
      continue;
    }
    const group = groups.get(record.id);
    if (!group) {
      groups.set(record.id, {
        merged: record,
        refs: new Map([[component.bomRef.value ?? '', record.package.version]]),
      });
      continue;
    }
    group.merged = mergeRecords(group.merged, record);
    if (!group.refs.has(component.bomRef.value ?? '')) {
      group.refs.set(component.bomRef.value ?? '', record.package.version);
    }
  }
  const refByValue = new Map(
    [...components.values()].map((component) => [component.bomRef.value ?? '', component.bomRef]),
  );
  for (const { merged, refs } of groups.values()) {
    const vuln = vulnerability(merged);
    for (const [value, version] of refs) {
      const ref = refByValue.get(value);
      if (!ref) {
        continue;
      }
      vuln.affects.add(
        new Models.Vulnerability.Affect(ref, {
          versions: new Models.Vulnerability.AffectedVersionRepository([
            new Models.Vulnerability.AffectedSingleVersion(version, {
              status: Enums.Vulnerability.AffectStatus.Affected,
            }),
          ]),
        }),
      );
    }
    bom.vulnerabilities.add(vuln);
  }
  return { value: bom, diagnostics };
}

const serializer = new Serialize.JsonSerializer(new Serialize.JSON.Normalize.Factory(Spec.Spec1dot6));

/** CycloneDX 1.6 JSON text (2-space indented, lists sorted). */
export function writeCycloneDx(
  subject: SbomSubject,
  packages: readonly Package[],
  vulnerabilities: readonly VulnerabilityRecord[] = [],
  options: SbomWriteOptions = {},
): Collected<string> {
  const built = buildCycloneDx(subject, packages, vulnerabilities, options);
  return {
    value: `${serializer.serialize(built.value, { sortLists: true, space: 2 })}\n`,
    diagnostics: built.diagnostics,
  };
}
