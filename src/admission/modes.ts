/**
 * The admission policy of a namespace: for each mode (enforce, warn, audit) a level and a Pod
 * Security Standards version, read from namespace labels exactly as Pod Security Admission reads
 * `pod-security.kubernetes.io/<mode>` and `pod-security.kubernetes.io/<mode>-version`
 * (https://kubernetes.io/docs/concepts/security/pod-security-admission/, and upstream's
 * `PolicyToEvaluate` in k8s.io/pod-security-admission/api/helpers.go):
 *
 * - `palisade.io/<mode>`: the level. `privileged` (nothing), `baseline` (framework pss-baseline),
 *   `restricted` (pss-restricted, which includes baseline), `palisade` (every admission-capable
 *   check), or any framework id (`palisade frameworks list`).
 * - `palisade.io/<mode>-version`: `latest` or `v1.N`, the Pod Security Standards version the checks
 *   apply. A version newer than Palisade knows evaluates as the newest it knows.
 * - A label that is absent falls back to the cluster default (config `admission.defaults`), level
 *   and version independently, as in PSA.
 * - Invalid values, as PSA: an invalid enforce level is `restricted` (fail closed), an invalid warn
 *   or audit level is `privileged` (fail open), an invalid version is `latest`; each is reported
 *   (the caller turns them into a warning and an `error` audit annotation).
 * - `honorPodSecurityLabels` (default true): a mode with no `palisade.io/<mode>` nor
 *   `palisade.io/<mode>-version` label reads the namespace's `pod-security.kubernetes.io` labels
 *   for that mode instead, with PSA's own levels only (privileged, baseline, restricted).
 */
import { ADMISSION_MODES, type AdmissionConfig, type AdmissionMode, UsageError } from '#core';
import { getFramework, LATEST_PSS_VERSION, type PssVersion, parsePssVersion } from '#posture';

export const PALISADE_LABEL_PREFIX = 'palisade.io/';
export const POD_SECURITY_LABEL_PREFIX = 'pod-security.kubernetes.io/';

/** PSA's levels. */
export const POD_SECURITY_LEVELS = ['privileged', 'baseline', 'restricted'] as const;
/** The word levels Palisade adds to PSA's (besides framework ids). */
export const PALISADE_LEVEL = 'palisade';

/** Framework each Pod Security Standards level selects. */
const LEVEL_FRAMEWORKS: Readonly<Record<string, string>> = {
  baseline: 'pss-baseline',
  restricted: 'pss-restricted',
};

export interface LevelVersion {
  /** privileged, baseline, restricted, palisade, or a framework id. */
  readonly level: string;
  /** The version as written ('latest' or 'v1.N'), for messages: `restricted:latest`. */
  readonly versionText: string;
  /** The version evaluated (clamped to the newest Palisade knows). */
  readonly version: PssVersion;
  /** Where the level came from. */
  readonly source: 'palisade-label' | 'pod-security-label' | 'default';
}

export interface PolicyError {
  readonly label: string;
  readonly value: string;
  readonly message: string;
}

export interface NamespacePolicy {
  readonly enforce: LevelVersion;
  readonly warn: LevelVersion;
  readonly audit: LevelVersion;
  /** Invalid label values, each already replaced by PSA's fallback. */
  readonly errors: readonly PolicyError[];
}

export type DefaultPolicy = Omit<NamespacePolicy, 'errors'>;

/** Which checks a level runs: none, every admission check, or those mapped to these frameworks. */
export type LevelSelection =
  | { readonly kind: 'none' }
  | { readonly kind: 'all' }
  | { readonly kind: 'frameworks'; readonly frameworks: readonly string[] };

export function levelSelection(level: string): LevelSelection | undefined {
  if (level === 'privileged') {
    return { kind: 'none' };
  }
  if (level === PALISADE_LEVEL) {
    return { kind: 'all' };
  }
  const framework = LEVEL_FRAMEWORKS[level] ?? level;
  return getFramework(framework) ? { kind: 'frameworks', frameworks: [framework] } : undefined;
}

export function isPalisadeLevel(level: string): boolean {
  return levelSelection(level) !== undefined;
}

function isPodSecurityLevel(level: string): boolean {
  return (POD_SECURITY_LEVELS as readonly string[]).includes(level);
}

/** `restricted:latest`, as PSA names a level and version in its messages. */
export function formatLevelVersion(value: Pick<LevelVersion, 'level' | 'versionText'>): string {
  return `${value.level}:${value.versionText}`;
}

/** True when no mode evaluates anything. */
export function fullyPrivileged(policy: DefaultPolicy): boolean {
  return ADMISSION_MODES.every((mode) => policy[mode].level === 'privileged');
}

const VERSION = /^v1\.(?:0|[1-9]\d*)$/;

function parseVersion(text: string): PssVersion | undefined {
  if (text !== 'latest' && !VERSION.test(text)) {
    return undefined;
  }
  return parsePssVersion(text); // cannot throw on PSA's grammar
}

const LATEST: Pick<LevelVersion, 'version' | 'versionText'> = { version: LATEST_PSS_VERSION, versionText: 'latest' };

/**
 * The cluster defaults from config (`admission.defaults`). Unset levels are `privileged` and unset
 * versions `latest`, as PSA's defaults. Throws UsageError naming the key of an unknown level.
 */
export function defaultPolicy(config: AdmissionConfig | undefined): DefaultPolicy {
  const defaults = config?.defaults ?? {};
  const entry = (mode: AdmissionMode): LevelVersion => {
    const level = defaults[mode] ?? 'privileged';
    if (!isPalisadeLevel(level)) {
      throw new UsageError(
        `admission.defaults.${mode}: unknown level "${level}": expected privileged, baseline, restricted, palisade or a framework id (see \`palisade frameworks list\`)`,
      );
    }
    const versionText = defaults[`${mode}-version`] ?? 'latest';
    const version = parseVersion(versionText);
    if (!version) {
      throw new UsageError(`admission.defaults.${mode}-version: "${versionText}" is not "latest" or "v1.N"`);
    }
    return { level, versionText, version, source: 'default' };
  };
  return { enforce: entry('enforce'), warn: entry('warn'), audit: entry('audit') };
}

function hasAny(labels: Readonly<Record<string, string>>, prefix: string, mode: AdmissionMode): boolean {
  return labels[`${prefix}${mode}`] !== undefined || labels[`${prefix}${mode}-version`] !== undefined;
}

function resolveMode(
  mode: AdmissionMode,
  labels: Readonly<Record<string, string>>,
  fallback: LevelVersion,
  prefix: string,
  valid: (level: string) => boolean,
  errors: PolicyError[],
): LevelVersion {
  const source = prefix === PALISADE_LABEL_PREFIX ? 'palisade-label' : 'pod-security-label';
  let { level } = fallback;
  let { version, versionText } = fallback;
  const levelLabel = `${prefix}${mode}`;
  const levelValue = labels[levelLabel];
  if (levelValue !== undefined) {
    if (valid(levelValue)) {
      level = levelValue;
    } else {
      // PSA: fail closed for enforce, open for warn and audit.
      level = mode === 'enforce' ? 'restricted' : 'privileged';
      errors.push({
        label: levelLabel,
        value: levelValue,
        message: `must be one of ${valid === isPodSecurityLevel ? POD_SECURITY_LEVELS.join(', ') : 'privileged, baseline, restricted, palisade or a framework id'}; evaluated as "${level}"`,
      });
    }
  }
  const versionLabel = `${prefix}${mode}-version`;
  const versionValue = labels[versionLabel];
  if (versionValue !== undefined) {
    const parsed = parseVersion(versionValue);
    if (parsed) {
      version = parsed;
      versionText = versionValue;
    } else {
      ({ version, versionText } = LATEST);
      errors.push({
        label: versionLabel,
        value: versionValue,
        message: 'must be "latest" or "v1.x"; evaluated as "latest"',
      });
    }
  }
  return { level, version, versionText, source: levelValue === undefined ? fallback.source : source };
}

export interface PolicyOptions {
  /** Read pod-security.kubernetes.io labels for modes without palisade.io labels (default true). */
  readonly honorPodSecurityLabels?: boolean;
}

/** The policy of a namespace with these labels, over the cluster defaults. Never throws. */
export function policyForNamespace(
  labels: Readonly<Record<string, string>> | undefined,
  defaults: DefaultPolicy,
  options: PolicyOptions = {},
): NamespacePolicy {
  const errors: PolicyError[] = [];
  if (!labels || Object.keys(labels).length === 0) {
    return { ...defaults, errors };
  }
  const honor = options.honorPodSecurityLabels ?? true;
  const resolve = (mode: AdmissionMode): LevelVersion => {
    if (hasAny(labels, PALISADE_LABEL_PREFIX, mode)) {
      return resolveMode(mode, labels, defaults[mode], PALISADE_LABEL_PREFIX, isPalisadeLevel, errors);
    }
    if (honor && hasAny(labels, POD_SECURITY_LABEL_PREFIX, mode)) {
      return resolveMode(mode, labels, defaults[mode], POD_SECURITY_LABEL_PREFIX, isPodSecurityLevel, errors);
    }
    return defaults[mode];
  };
  return { enforce: resolve('enforce'), warn: resolve('warn'), audit: resolve('audit'), errors };
}
