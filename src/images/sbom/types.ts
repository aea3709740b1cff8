/**
 * What an SBOM is written about, and the vulnerability records a CycloneDX BOM can carry.
 */
import type { OsRelease, Package } from '#core';

export interface SbomTool {
  readonly name: 'palisade';
  readonly version: string;
}

export interface SbomSubject {
  /** Image reference ('docker.io/library/debian:12') or scanned directory. */
  readonly name: string;
  /** 'image' (the default) describes a container image, 'directory' a project or root filesystem. */
  readonly kind?: 'image' | 'directory';
  /** Image manifest digest, 'sha256:<64 hex>'. */
  readonly digest?: string;
  readonly os?: OsRelease;
  readonly tool: SbomTool;
}

/** Options shared by the writers; fixed values make the output byte-for-byte reproducible. */
export interface SbomWriteOptions {
  /** Creation time; defaults to now. */
  readonly timestamp?: Date;
  /** CycloneDX `serialNumber` ('urn:uuid:...'); defaults to a random UUID. */
  readonly serialNumber?: string;
  /** SPDX `documentNamespace`; defaults to one derived from the subject and the packages. */
  readonly documentNamespace?: string;
}

export type VulnerabilityRatingMethod = 'CVSSv2' | 'CVSSv3' | 'CVSSv31' | 'CVSSv4' | 'other';

/**
 * One advisory matched against one package, as the vulnerability report hands it over. Records
 * with the same `id` are merged into one CycloneDX vulnerability affecting several components.
 */
export interface VulnerabilityRecord {
  /** Advisory id: 'CVE-2024-1234', 'GHSA-xxxx-xxxx-xxxx', 'DSA-5000-1'. */
  readonly id: string;
  readonly aliases?: readonly string[];
  /** Database the advisory comes from ('OSV', 'GitHub', 'Debian') and its page. */
  readonly source?: { readonly name?: string; readonly url?: string };
  readonly severity?: 'none' | 'low' | 'medium' | 'high' | 'critical' | 'unknown';
  readonly score?: number;
  readonly vector?: string;
  readonly method?: VulnerabilityRatingMethod;
  readonly description?: string;
  /** First version without the vulnerability; becomes the recommendation 'Upgrade to X'. */
  readonly fixedVersion?: string;
  /** Advisory and reference URLs. */
  readonly references?: readonly string[];
  /** The affected package, exactly as it is in the package list the BOM is written from. */
  readonly package: Pick<Package, 'purl' | 'version' | 'location'>;
}
