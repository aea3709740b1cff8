/**
 * From a source to its packages: open the source (an image archive or layout, a registry
 * reference pulled into a local layout, a root filesystem or project directory, or an existing
 * SBOM), walk its final filesystem view once, detect the OS and run every analyzer whose path
 * test matches a file. Every package records the file and the layer that introduced it.
 *
 * When an image or a root filesystem has no detectable OS, or an OS package database could not
 * be read, the result says so with an error-level diagnostic ('os.undetected',
 * 'packages.unreadable'): a scan must never report "no vulnerabilities" because it saw nothing.
 */
import { readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Collected, Diagnostic, Logger, OsRelease, Package } from '#core';
import { InputError } from '#core';
import type { AnalyzeContext, Analyzer } from './analyzer.ts';
import { ANALYZERS } from './analyzers/index.ts';
import type { FsEntry, VirtualFs } from './oci/filesystem.ts';
import { parsePlatform } from './oci/platform.ts';
import { type ImageFilesystem, readImageFilesystem } from './oci/read.ts';
import type { ImageInfo, ImageLimits } from './oci/types.ts';
import { detectOs } from './os/detect.ts';
import { type PullOptions, pullImage } from './registry/pull.ts';
import { parseReference } from './registry/reference.ts';
import { readSbom } from './sbom/read.ts';

/** Files OS detection reads (detect.ts). */
const OS_RELEASE_FILES = new Set([
  'etc/os-release',
  'usr/lib/os-release',
  'etc/alpine-release',
  'etc/debian_version',
  'etc/redhat-release',
  'etc/system-release',
  'etc/lsb-release',
  'etc/centos-release',
  'etc/fedora-release',
  'etc/SuSE-release',
]);

export type SourceType = 'image' | 'registry' | 'rootfs' | 'project' | 'sbom';

export interface ScannedSource {
  /** What the user named: a path or a registry reference. */
  readonly name: string;
  readonly type: SourceType;
  /** Image details (digest, platform, layers) for images and registry pulls. */
  readonly image?: ImageInfo;
  readonly layers?: ImageFilesystem['layers'];
  readonly os?: OsRelease;
  readonly packages: readonly Package[];
  /** Number of files handed to analyzers. */
  readonly filesAnalyzed: number;
}

export interface CollectOptions {
  /** `os/arch[/variant]`; default linux/amd64 for indexes. */
  readonly platform?: string;
  readonly limits?: Partial<ImageLimits>;
  readonly analyzers?: readonly Analyzer[];
  readonly logger?: Logger;
  /** Registry pulls: cache directory, credentials, insecure hosts. */
  readonly registry?: Partial<Omit<PullOptions, 'platform'>>;
  /** Treat the source as a registry reference even when a path of that name exists. */
  readonly forceRegistry?: boolean;
}

/** Analyzers reading a path, and the largest size any of them accepts. */
function wantedBy(analyzers: readonly Analyzer[]): (path: string, size: number) => boolean | number {
  return (path) => {
    if (OS_RELEASE_FILES.has(path)) {
      return 1024 * 1024;
    }
    let max = 0;
    for (const analyzer of analyzers) {
      if (analyzer.matches(path) && analyzer.maxFileBytes > max) {
        max = analyzer.maxFileBytes;
      }
    }
    return max > 0 ? max : false;
  };
}

/**
 * The layer that installed a dpkg package: the layer of its file list
 * (`var/lib/dpkg/info/<name>[:<arch>].list`), which dpkg writes when it installs the package and
 * leaves alone when later layers install others. The status file itself is rewritten by every
 * layer that installs or removes anything, so its layer says little. Distroless images have no
 * lists; their status.d files are per package already.
 */
function dpkgLayer(files: VirtualFs, pkg: Package): string | undefined {
  const candidates = pkg.arch
    ? [`var/lib/dpkg/info/${pkg.name}:${pkg.arch}.list`, `var/lib/dpkg/info/${pkg.name}.list`]
    : [`var/lib/dpkg/info/${pkg.name}.list`];
  for (const path of candidates) {
    const entry = files.stat(path);
    if (entry?.layer) {
      return entry.layer;
    }
  }
  return undefined;
}

/** Run the analyzers over a filesystem view. */
export async function analyzeFilesystem(
  files: VirtualFs,
  analyzers: readonly Analyzer[],
  logger?: Logger,
): Promise<Collected<{ os?: OsRelease; packages: Package[]; filesAnalyzed: number; osDatabases: number }>> {
  const diagnostics: Diagnostic[] = [];
  const detected = await detectOs((path) => files.readFile(path));
  diagnostics.push(...detected.diagnostics);
  const os = detected.value;
  const ctx: AnalyzeContext = {
    ...(os ? { os } : {}),
    ...(logger ? { logger } : {}),
    readFile: (path) => files.readFile(path),
  };
  const packages: Package[] = [];
  let filesAnalyzed = 0;
  let osDatabases = 0;
  const entries: FsEntry[] = [];
  for (const entry of files.entries()) {
    if (entry.type === 'file') {
      entries.push(entry);
    }
  }
  for (const entry of entries) {
    for (const analyzer of analyzers) {
      if (!analyzer.matches(entry.path)) {
        continue;
      }
      if (analyzer.kind === 'os') {
        osDatabases++;
      }
      if (!entry.readable) {
        if (entry.omitted === undefined) {
          diagnostics.push({
            level: 'error',
            code: 'packages.unreadable',
            message: `${entry.path} could not be read, so ${analyzer.id} did not analyze it`,
            location: { file: entry.path },
          });
        }
        continue; // the reader already reported why (too large, retain cap)
      }
      filesAnalyzed++;
      try {
        const result = await analyzer.analyze(
          {
            path: entry.path,
            size: entry.size,
            ...(entry.layer ? { layer: entry.layer } : {}),
            read: async () => {
              const content = await files.readFile(entry.path);
              if (!content) {
                throw new InputError('input.invalid', `${entry.path} vanished while it was analyzed`);
              }
              return content;
            },
          },
          ctx,
        );
        for (const pkg of result.value) {
          const layer =
            (analyzer.id === 'os/dpkg' ? dpkgLayer(files, pkg) : undefined) ?? pkg.location.layer ?? entry.layer;
          packages.push(layer && layer !== pkg.location.layer ? { ...pkg, location: { ...pkg.location, layer } } : pkg);
        }
        diagnostics.push(...result.diagnostics);
        if (
          analyzer.kind === 'os' &&
          result.value.length === 0 &&
          result.diagnostics.some((d) => d.level === 'error')
        ) {
          diagnostics.push({
            level: 'error',
            code: 'packages.unreadable',
            message: `the OS package database ${entry.path} could not be read: vulnerabilities of OS packages cannot be reported`,
            location: { file: entry.path },
          });
        }
      } catch (error) {
        diagnostics.push({
          level: 'error',
          code: 'analyzer.failed',
          message: `${analyzer.id} failed on ${entry.path}: ${error instanceof Error ? error.message : String(error)}`,
          location: { file: entry.path },
        });
      }
    }
  }
  return {
    value: { ...(os ? { os } : {}), packages, filesAnalyzed, osDatabases },
    diagnostics,
  };
}

async function looksLikeSbom(path: string): Promise<boolean> {
  const info = await stat(path);
  if (!info.isFile() || info.size > 512 * 1024 * 1024) {
    return false;
  }
  const handle = await readFile(path);
  const head = handle.subarray(0, 4096).toString('utf8').trimStart();
  return head.startsWith('{') && /"(bomFormat|spdxVersion)"\s*:/.test(handle.subarray(0, 65536).toString('utf8'));
}

/** Where pulled images are kept: $XDG_CACHE_HOME/palisade/images or ~/.cache/palisade/images. */
export function defaultImageCache(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'palisade', 'images');
}

/** Text that can only be a path: starts with '/', './', '../' or '~', or ends like an archive or SBOM. */
function looksLikePath(source: string): boolean {
  return /^(?:\/|\.{1,2}\/|~)/.test(source) || /\.(?:tar|tgz|tar\.gz|json|zip)$/i.test(source);
}

async function pathExists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Read a source into its packages. Throws InputError for a source that cannot be opened at all. */
export async function collectPackages(source: string, options: CollectOptions = {}): Promise<Collected<ScannedSource>> {
  const analyzers = options.analyzers ?? ANALYZERS;
  const diagnostics: Diagnostic[] = [];
  const isPath = !options.forceRegistry && (await pathExists(source));
  if (isPath && (await looksLikeSbom(source))) {
    const content = await readFile(source);
    const sbom = readSbom(content, source);
    return {
      value: {
        name: source,
        type: 'sbom',
        ...(sbom.value.os ? { os: sbom.value.os } : {}),
        packages: sbom.value.packages,
        filesAnalyzed: 1,
      },
      diagnostics: sbom.diagnostics,
    };
  }
  let path = source;
  let type: SourceType = 'image';
  if (!isPath && !options.forceRegistry && looksLikePath(source)) {
    throw new InputError('input.not-found', `${source} does not exist (and is not a registry reference)`, {
      location: { file: source },
    });
  }
  if (!isPath) {
    // Not a path: a registry reference (parseReference throws a UsageError naming the text).
    parseReference(source);
    const pulled = await pullImage(source, {
      ...options.registry,
      cacheDir: options.registry?.cacheDir ?? defaultImageCache(),
      ...(options.platform ? { platform: options.platform } : {}),
    });
    diagnostics.push(...pulled.diagnostics);
    path = pulled.layoutDir;
    type = 'registry';
  }
  const read = await readImageFilesystem(path, {
    ...(options.platform ? { platform: parsePlatform(options.platform) } : {}),
    ...(options.limits ? { limits: options.limits } : {}),
    wanted: wantedBy(analyzers),
  });
  diagnostics.push(...read.diagnostics);
  const { image, files, layers } = read.value;
  if (image.format === 'rootfs') {
    type = 'rootfs';
  }
  const analyzed = await analyzeFilesystem(files, analyzers, options.logger);
  diagnostics.push(...analyzed.diagnostics);
  const { os, packages, filesAnalyzed, osDatabases } = analyzed.value;
  if (type === 'rootfs' && !os && osDatabases === 0) {
    type = 'project'; // a directory of lockfiles or an application tree, not a distribution
  }
  if (!os && type !== 'project') {
    diagnostics.push({
      level: 'error',
      code: 'os.undetected',
      message: `the operating system of ${source} could not be detected: OS package vulnerabilities are not reported`,
      location: { file: source },
    });
  }
  return {
    value: {
      name: source,
      type,
      ...(type === 'project' ? {} : { image }),
      ...(layers.length > 0 ? { layers } : {}),
      ...(os ? { os } : {}),
      packages,
      filesAnalyzed,
    },
    diagnostics,
  };
}
