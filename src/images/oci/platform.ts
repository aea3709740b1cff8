/**
 * Platforms as `os/arch[/variant]` (https://github.com/opencontainers/image-spec/blob/main/image-index.md#platform-variants),
 * normalised the way registries and runtimes name them: x86_64 → amd64, aarch64 → arm64, and
 * arm64's default variant v8 is the same as no variant.
 */
import { UsageError } from '#core';
import type { Platform } from './types.ts';

export const DEFAULT_PLATFORM: Platform = { os: 'linux', architecture: 'amd64' };

const ARCH_ALIASES: Readonly<Record<string, string>> = { x86_64: 'amd64', 'x86-64': 'amd64', aarch64: 'arm64' };

function normaliseArch(arch: string): string {
  const lower = arch.toLowerCase();
  return ARCH_ALIASES[lower] ?? lower;
}

function normaliseVariant(arch: string, variant: string | undefined): string | undefined {
  if (!variant) {
    return undefined;
  }
  const lower = variant.toLowerCase();
  return arch === 'arm64' && lower === 'v8' ? undefined : lower;
}

/** Parses `linux/amd64`, `linux/arm64/v8`; throws UsageError on other shapes. */
export function parsePlatform(text: string): Platform {
  const parts = text.trim().split('/');
  if (parts.length < 2 || parts.length > 3 || parts.some((part) => part === '')) {
    throw new UsageError(`platform "${text}" is not os/arch[/variant] (e.g. linux/amd64, linux/arm64/v8)`);
  }
  const [os, architecture, variant] = parts as [string, string, string | undefined];
  return variant ? { os, architecture, variant } : { os, architecture };
}

export function formatPlatform(platform: Platform): string {
  return `${platform.os}/${platform.architecture}${platform.variant ? `/${platform.variant}` : ''}`;
}

/**
 * True when `candidate` satisfies `wanted`. A wanted platform without a variant accepts any
 * variant (linux/arm accepts linux/arm/v7); with a variant, the variants must be equal.
 */
export function platformMatches(wanted: Platform, candidate: Platform): boolean {
  const wantedArch = normaliseArch(wanted.architecture);
  const candidateArch = normaliseArch(candidate.architecture);
  if (wanted.os.toLowerCase() !== candidate.os.toLowerCase() || wantedArch !== candidateArch) {
    return false;
  }
  const wantedVariant = normaliseVariant(wantedArch, wanted.variant);
  if (wantedVariant === undefined) {
    return true;
  }
  return wantedVariant === normaliseVariant(candidateArch, candidate.variant);
}
