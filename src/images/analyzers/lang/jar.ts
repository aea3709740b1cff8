/**
 * Java archives: jar, war and ear files, and the archives nested in them (`WEB-INF/lib/*.jar`,
 * Spring Boot's `BOOT-INF/lib/*.jar`, an ear's modules), recursively.
 *
 * Formats:
 * - Zip container: PKWARE APPNOTE.TXT (https://pkware.cachefly.net/webdocs/casestudies/APPNOTE.TXT).
 * - JAR File Specification, manifest section
 *   (https://docs.oracle.com/en/java/javase/21/docs/specs/jar/jar.html#jar-manifest): `Name: value`
 *   lines, continuation lines starting with one space, the main section first.
 * - `META-INF/maven/<groupId>/<artifactId>/pom.properties`, written by Maven Archiver
 *   (https://maven.apache.org/shared/maven-archiver/#pom-properties-content): `groupId`,
 *   `artifactId`, `version` in java.util.Properties format
 *   (https://docs.oracle.com/javase/8/docs/api/java/util/Properties.html#load-java.io.Reader-).
 *
 * Which coordinates an archive gets, in order:
 * 1. every `pom.properties` in it (a shaded jar holds several: each is a package);
 * 2. without one, the manifest: version from `Implementation-Version` or `Bundle-Version`,
 *    artifact from the file name, `Bundle-SymbolicName` or `Implementation-Title`, group from
 *    `Implementation-Vendor-Id`;
 * 3. without a usable manifest, the file name `<artifact>-<version>.jar`.
 * 2 and 3 are guesses: they come with an info diagnostic (`jar.guessed-coordinates`). Without a
 * groupId (always the case for 3) no package is reported, only an info diagnostic naming the
 * artifact and version (`jar.no-group-id`): OSV's Maven names are `groupId:artifactId` and Maven
 * purls require the group, so such a package could be neither matched nor written.
 *
 * Package names are `groupId:artifactId`, purls `pkg:maven/<groupId>/<artifactId>@<version>`.
 * A package found in a nested archive is located at `<outer path>!/<entry path>` (the `jar:` URL
 * convention). Nesting depth, the size of one nested archive and the bytes inflated for one
 * top-level file are bounded, against zip bombs.
 */
import { PackageURL } from 'packageurl-js';
import type { Entry } from 'yauzl';
import type { Collected, Diagnostic, Package } from '#core';
import type { Analyzer, FileInput } from '../../analyzer.ts';
import { closeZip, listZip, readZipEntry } from './lib/zip.ts';

const ID = 'lang/jar';
const ARCHIVE = /\.(?:jar|war|ear|par|sar|kar|hpi|jpi)$/i;
const POM_PROPERTIES = /^META-INF\/maven\/[^/]+\/[^/]+\/pom\.properties$/;
const MANIFEST = 'META-INF/MANIFEST.MF';

/** Bounds against zip bombs and hostile nesting. */
export interface JarLimits {
  /** Archives inside archives: a war's jar is depth 1. */
  readonly maxDepth: number;
  /** Largest nested archive read into memory. */
  readonly maxNestedBytes: number;
  /** Most bytes inflated from one top-level file, nested archives and metadata together. */
  readonly maxTotalBytes: number;
  /** Largest pom.properties or manifest read. */
  readonly maxMetadataBytes: number;
}

export const JAR_LIMITS: JarLimits = {
  maxDepth: 4,
  maxNestedBytes: 128 * 1024 * 1024,
  maxTotalBytes: 512 * 1024 * 1024,
  maxMetadataBytes: 1024 * 1024,
};

interface Budget {
  readonly limits: JarLimits;
  remaining: number;
}

interface Coordinates {
  groupId?: string;
  artifactId?: string;
  version?: string;
}

/** The analyzer with other limits (tests use small ones). */
export function createJarAnalyzer(limits: JarLimits): Analyzer {
  return {
    ...jarAnalyzer,
    async analyze(file: FileInput): Promise<Collected<Package[]>> {
      return analyzeFile(file, limits);
    },
  };
}

export const jarAnalyzer: Analyzer = {
  id: ID,
  version: 1,
  kind: 'lang',
  ecosystem: 'Maven',
  maxFileBytes: 512 * 1024 * 1024,

  matches(path: string): boolean {
    return ARCHIVE.test(path);
  },

  async analyze(file: FileInput): Promise<Collected<Package[]>> {
    return analyzeFile(file, JAR_LIMITS);
  },
};

async function analyzeFile(file: FileInput, limits: JarLimits): Promise<Collected<Package[]>> {
  const diagnostics: Diagnostic[] = [];
  const packages: Package[] = [];
  const budget: Budget = { limits, remaining: limits.maxTotalBytes };
  await analyzeArchive(await file.read(), file.path, 0, budget, file, packages, diagnostics);
  return { value: packages, diagnostics };
}

async function analyzeArchive(
  data: Buffer,
  displayPath: string,
  depth: number,
  budget: Budget,
  file: FileInput,
  packages: Package[],
  diagnostics: Diagnostic[],
): Promise<void> {
  const problem = (level: Diagnostic['level'], code: string, message: string): void => {
    diagnostics.push({ level, code, message, location: { file: displayPath } });
  };
  const listing = await listZip(data);
  if (!('entries' in listing)) {
    problem('error', 'jar.invalid-zip', `not a readable zip archive: ${listing.error}`);
    return;
  }
  const { zip, entries } = listing;
  try {
    if (listing.error) {
      problem(
        'error',
        'jar.invalid-zip',
        `zip central directory is damaged after ${entries.length} entries: ${listing.error}`,
      );
    }
    const read = async (entry: Entry, limit: number): Promise<Buffer | undefined> => {
      const name = entry.fileName;
      if (entry.uncompressedSize > budget.remaining) {
        problem(
          'error',
          'jar.too-large',
          `${name}: ${entry.uncompressedSize} bytes would exceed what is inflated for one file (${budget.limits.maxTotalBytes}); not read`,
        );
        return undefined;
      }
      const result = await readZipEntry(zip, entry, limit);
      if (!Buffer.isBuffer(result)) {
        problem('error', 'jar.invalid-entry', `${name}: ${result.error}`);
        return undefined;
      }
      budget.remaining -= result.length;
      return result;
    };

    // 1. pom.properties
    const found: { coords: Required<Coordinates>; entry: string }[] = [];
    for (const entry of entries.filter((e) => POM_PROPERTIES.test(e.fileName))) {
      const content = await read(entry, budget.limits.maxMetadataBytes);
      if (!content) {
        continue;
      }
      const props = parseProperties(content.toString('latin1'));
      const coords = {
        groupId: props.get('groupId'),
        artifactId: props.get('artifactId'),
        version: props.get('version'),
      };
      const missing = (['groupId', 'artifactId', 'version'] as const).filter((k) => !coords[k]);
      if (missing.length > 0) {
        problem('error', 'jar.invalid-pom-properties', `${entry.fileName} has no ${missing.join(', ')}`);
        continue;
      }
      found.push({ coords: coords as Required<Coordinates>, entry: entry.fileName });
    }

    // The manifest: licenses for a single-artifact jar, coordinates when there is no pom.properties.
    const manifestEntry = entries.find((e) => e.fileName === MANIFEST);
    const manifestData = manifestEntry ? await read(manifestEntry, budget.limits.maxMetadataBytes) : undefined;
    const manifest = manifestData ? parseManifest(manifestData.toString('utf8')) : new Map<string, string>();
    const license = manifest.get('Bundle-License');
    const licenses = license && found.length <= 1 ? [license] : undefined;

    const pushPackage = (groupId: string, artifactId: string, version: string, lic: string[] | undefined): void => {
      const pkg = mavenPackage(groupId, artifactId, version, displayPath, file, lic);
      if (typeof pkg === 'string') {
        problem('error', 'jar.invalid-coordinates', pkg);
      } else {
        packages.push(pkg);
      }
    };
    for (const { coords } of found) {
      pushPackage(coords.groupId, coords.artifactId, coords.version, licenses);
    }
    if (found.length === 0) {
      const guess = fromManifest(manifest, displayPath) ?? fromFileName(displayPath);
      const { groupId, artifactId, version } = guess?.coords ?? {};
      if (guess && groupId && artifactId && version) {
        problem(
          'info',
          'jar.guessed-coordinates',
          `no pom.properties; ${groupId}:${artifactId}@${version} guessed from ${guess.source}`,
        );
        pushPackage(groupId, artifactId, version, licenses);
      } else if (guess) {
        // A Maven package needs its group: OSV names are `groupId:artifactId`, purls require it.
        problem(
          'info',
          'jar.no-group-id',
          `no pom.properties; ${guess.source} gives ${artifactId} ${version} but no groupId: not reported`,
        );
      } else if (!entries.some((e) => ARCHIVE.test(e.fileName))) {
        problem('info', 'jar.no-coordinates', 'no pom.properties, manifest version or versioned file name: no package');
      }
    }

    // Nested archives.
    for (const entry of entries.filter((e) => ARCHIVE.test(e.fileName) && !e.fileName.endsWith('/'))) {
      const nestedPath = `${displayPath}!/${entry.fileName}`;
      if (depth + 1 > budget.limits.maxDepth) {
        problem(
          'warning',
          'jar.too-deep',
          `${entry.fileName}: nested more than ${budget.limits.maxDepth} archives deep; not read`,
        );
        continue;
      }
      if (entry.uncompressedSize > budget.limits.maxNestedBytes) {
        problem(
          'error',
          'jar.too-large',
          `${entry.fileName}: nested archive of ${entry.uncompressedSize} bytes is over the limit of ${budget.limits.maxNestedBytes}; not read`,
        );
        continue;
      }
      const nested = await read(entry, budget.limits.maxNestedBytes);
      if (nested) {
        await analyzeArchive(nested, nestedPath, depth + 1, budget, file, packages, diagnostics);
      }
    }
  } finally {
    closeZip(zip);
  }
}

function mavenPackage(
  groupId: string,
  artifactId: string,
  version: string,
  path: string,
  file: FileInput,
  licenses: readonly string[] | undefined,
): Package | string {
  let purl: string;
  try {
    purl = new PackageURL('maven', groupId, artifactId, version, undefined, undefined).toString();
  } catch (error) {
    return `${groupId}:${artifactId}@${version} cannot be written as a purl: ${(error as Error).message}`;
  }
  const pkg: Package = {
    name: `${groupId}:${artifactId}`,
    version,
    ecosystem: 'Maven',
    purl,
    kind: 'lang',
    analyzer: ID,
    location: file.layer ? { path, layer: file.layer } : { path },
  };
  return licenses ? { ...pkg, licenses } : pkg;
}

function fromManifest(
  manifest: Map<string, string>,
  path: string,
): { coords: Coordinates; source: string } | undefined {
  const version = manifest.get('Implementation-Version') ?? manifest.get('Bundle-Version');
  if (!version) {
    return undefined;
  }
  const symbolic = manifest.get('Bundle-SymbolicName')?.split(';')[0]?.trim();
  const artifactId = fromFileName(path)?.coords.artifactId ?? symbolic ?? manifest.get('Implementation-Title');
  if (!artifactId || /\s/.test(artifactId)) {
    return undefined;
  }
  const groupId = manifest.get('Implementation-Vendor-Id');
  return { coords: groupId ? { groupId, artifactId, version } : { artifactId, version }, source: MANIFEST };
}

/** `commons-lang3-3.12.0.jar` → commons-lang3 3.12.0; the version starts at the first `-<digit>`. */
export function fromFileName(path: string): { coords: Coordinates; source: string } | undefined {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const m = /^(.+?)-(\d[0-9A-Za-z._+-]*)\.[A-Za-z]+$/.exec(base);
  if (!m) {
    return undefined;
  }
  return { coords: { artifactId: m[1]!, version: m[2]! }, source: `the file name ${base}` };
}

/** java.util.Properties `load`: comments, `=`/`:`/space separators, continuations, escapes. */
export function parseProperties(text: string): Map<string, string> {
  const props = new Map<string, string>();
  const lines = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!.replace(/^[ \t\f]+/, '');
    if (line === '' || line.startsWith('#') || line.startsWith('!')) {
      continue;
    }
    // A line ending in an odd number of backslashes continues on the next one.
    while (/(?:^|[^\\])(?:\\\\)*\\$/.test(line) && i + 1 < lines.length) {
      line = line.slice(0, -1) + lines[++i]!.replace(/^[ \t\f]+/, '');
    }
    let k = 0;
    while (k < line.length && !'=: \t\f'.includes(line[k]!)) {
      k += line[k] === '\\' ? 2 : 1;
    }
    const key = unescapeProperty(line.slice(0, k));
    let rest = line.slice(k).replace(/^[ \t\f]*/, '');
    if (rest.startsWith('=') || rest.startsWith(':')) {
      rest = rest.slice(1).replace(/^[ \t\f]*/, '');
    }
    props.set(key, unescapeProperty(rest).trim());
  }
  return props;
}

function unescapeProperty(text: string): string {
  return text.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, c: string) => {
    if (c.length === 5) {
      return String.fromCharCode(Number.parseInt(c.slice(1), 16));
    }
    return c === 't' ? '\t' : c === 'n' ? '\n' : c === 'r' ? '\r' : c === 'f' ? '\f' : c;
  });
}

/** The main section of a manifest: header names are case-insensitive, kept as first written. */
export function parseManifest(text: string): Map<string, string> {
  const headers = new Map<string, string>();
  const canonical = new Map<string, string>();
  let current: string | undefined;
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (line === '') {
      break; // end of the main section
    }
    if (line.startsWith(' ')) {
      if (current !== undefined) {
        headers.set(current, headers.get(current)! + line.slice(1));
      }
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) {
      current = undefined;
      continue;
    }
    const name = line.slice(0, colon);
    const key = canonical.get(name.toLowerCase()) ?? name;
    canonical.set(name.toLowerCase(), key);
    headers.set(key, line.slice(colon + 1).replace(/^ /, ''));
    current = key;
  }
  // Look-ups by the spec's spelling find any casing.
  for (const [lower, key] of canonical) {
    for (const name of [
      'Implementation-Version',
      'Implementation-Title',
      'Implementation-Vendor-Id',
      'Bundle-Version',
      'Bundle-SymbolicName',
      'Bundle-License',
    ]) {
      if (lower === name.toLowerCase() && key !== name) {
        headers.set(name, headers.get(key)!);
      }
    }
  }
  for (const [key, value] of headers) {
    headers.set(key, value.trim());
  }
  return headers;
}
