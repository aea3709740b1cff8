/**
 * An analyzer reads one kind of package file (dpkg status, package-lock.json, a Go binary...) and
 * returns the packages it declares. Analyzers never touch the disk or an archive themselves: the
 * walker (images/oci, images/fs) finds matching files, enforces size limits and hands them over.
 * One file per analyzer under analyzers/os or analyzers/lang, listed in analyzers/index.ts.
 */
import type { Collected, Ecosystem, Logger, OsRelease, Package } from '#core';

/** A file handed to an analyzer. */
export interface FileInput {
  /** Path inside the image or scanned directory, '/'-separated, no leading '/': 'var/lib/dpkg/status'. */
  readonly path: string;
  readonly size: number;
  /** Layer (diff ID) the file comes from, for images. */
  readonly layer?: string;
  /** The whole content (already bounded by the analyzer's maxFileBytes). */
  read(): Promise<Buffer>;
}

export interface AnalyzeContext {
  /** The detected OS, when known: analyzers of OS packages use it for purls (`distro=debian-12`). */
  readonly os?: OsRelease;
  readonly logger?: Logger;
  /**
   * Reads another file of the same filesystem (final view, after all layers), for formats that
   * span files (an RPM database directory, a dpkg status.d directory). Undefined when absent.
   */
  readFile?(path: string): Promise<Buffer | undefined>;
}

export interface Analyzer {
  /** Hierarchical, unique, equal to the file's folder and slug: 'os/dpkg', 'lang/npm-lock'. */
  readonly id: string;
  /** Bump whenever the output for the same input changes (it keys the layer cache). */
  readonly version: number;
  readonly kind: 'os' | 'lang';
  /** The ecosystem of the packages it returns, when fixed (OS analyzers take it from the OS). */
  readonly ecosystem?: Ecosystem;
  /** Files above this size are skipped with a diagnostic by the walker. */
  readonly maxFileBytes: number;
  /** Cheap, path-only test. */
  matches(path: string): boolean;
  /** Everything it could parse, plus a diagnostic (file, line) for each part it could not. */
  analyze(file: FileInput, ctx: AnalyzeContext): Promise<Collected<Package[]>>;
}
