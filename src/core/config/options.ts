/**
 * The option table: every scan option declared once, with its config-file key, CLI flag,
 * environment variable, default, allowed values and description. The CLI flags and
 * docs/reference/config.md are generated from it. Precedence: flag > environment > file > default.
 */
import { SEVERITIES } from '../model/severity.ts';

export type OptionType = 'string' | 'boolean' | 'list' | 'size';

export interface OptionDef {
  /** Name in resolved options. */
  readonly name: string;
  /** Key path in palisade.yaml; unset for CLI-only options. */
  readonly configPath?: readonly string[];
  /** Long flag without dashes, e.g. 'fail-on'. */
  readonly flag: string;
  /** Placeholder for the value in help, e.g. '<severity>'. */
  readonly placeholder?: string;
  readonly env?: string;
  readonly type: OptionType;
  readonly default?: string | boolean | readonly string[];
  readonly choices?: readonly string[];
  readonly description: string;
}

export const OUTPUT_FORMATS = ['table', 'json', 'sarif'] as const;

export const SCAN_OPTIONS: readonly OptionDef[] = [
  {
    name: 'format',
    flag: 'format',
    placeholder: '<format>',
    env: 'PALISADE_FORMAT',
    type: 'string',
    default: 'table',
    choices: OUTPUT_FORMATS,
    description: 'Report format.',
  },
  {
    name: 'output',
    flag: 'output',
    placeholder: '<file>',
    env: 'PALISADE_OUTPUT',
    type: 'string',
    description: 'Write the report to this file instead of standard output.',
  },
  {
    name: 'status',
    flag: 'status',
    placeholder: '<which>',
    env: 'PALISADE_STATUS',
    type: 'string',
    default: 'fail',
    choices: ['fail', 'all'],
    description: 'Findings to print: failing ones (and errors), or every finding.',
  },
  {
    name: 'failOn',
    configPath: ['scan', 'failOn'],
    flag: 'fail-on',
    placeholder: '<severity>',
    env: 'PALISADE_FAIL_ON',
    type: 'string',
    default: 'high',
    choices: [...SEVERITIES, 'none'],
    description: 'Exit 1 when an unsuppressed finding fails at or above this severity ("none": never).',
  },
  {
    name: 'frameworks',
    configPath: ['scan', 'frameworks'],
    flag: 'framework',
    placeholder: '<id>',
    env: 'PALISADE_FRAMEWORKS',
    type: 'list',
    description:
      'Run only the checks mapped to this framework (repeatable), e.g. pss-baseline or pss-restricted (which includes baseline).',
  },
  {
    name: 'pssVersion',
    configPath: ['scan', 'pssVersion'],
    flag: 'pss-version',
    placeholder: '<vX.Y|latest>',
    env: 'PALISADE_PSS_VERSION',
    type: 'string',
    default: 'latest',
    description: 'Pod Security Standards version to apply, as the pod-security.kubernetes.io/enforce-version label.',
  },
  {
    name: 'include',
    configPath: ['scan', 'checks', 'include'],
    flag: 'check',
    placeholder: '<id>',
    env: 'PALISADE_CHECKS',
    type: 'list',
    description: 'Run only these checks (id, slug or alias; repeatable).',
  },
  {
    name: 'exclude',
    configPath: ['scan', 'checks', 'exclude'],
    flag: 'skip-check',
    placeholder: '<id>',
    env: 'PALISADE_SKIP_CHECKS',
    type: 'list',
    description: 'Never run these checks (id, slug or alias; repeatable).',
  },
  {
    name: 'experimental',
    configPath: ['scan', 'experimental'],
    flag: 'experimental',
    env: 'PALISADE_EXPERIMENTAL',
    type: 'boolean',
    default: false,
    description: 'Also run experimental checks.',
  },
  {
    name: 'maxFileSize',
    configPath: ['scan', 'maxFileSize'],
    flag: 'max-file-size',
    placeholder: '<size>',
    env: 'PALISADE_MAX_FILE_SIZE',
    type: 'size',
    default: '64MiB',
    description: 'Skip input files larger than this (with a diagnostic), e.g. 64MiB.',
  },
  {
    name: 'allowedRegistries',
    configPath: ['settings', 'allowedRegistries'],
    flag: 'allowed-registry',
    placeholder: '<prefix>',
    env: 'PALISADE_ALLOWED_REGISTRIES',
    type: 'list',
    description: 'Registries (host or host/path prefix, globs allowed) images may come from (repeatable).',
  },
  {
    name: 'parameters',
    flag: 'parameters',
    placeholder: '<file>',
    env: 'PALISADE_PARAMETERS',
    type: 'list',
    description:
      "ARM parameters file to expand the input's templates with, as `az deployment group create --parameters` (repeatable; default: <name>.parameters[.<env>].json beside each template).",
  },
  {
    name: 'strict',
    flag: 'strict',
    env: 'PALISADE_STRICT',
    type: 'boolean',
    default: false,
    description: 'Exit 2 when the input had errors (malformed or skipped files), even if checks passed.',
  },
  {
    name: 'config',
    flag: 'config',
    placeholder: '<file>',
    env: 'PALISADE_CONFIG',
    type: 'string',
    description: 'Config file (default: palisade.yaml in the working directory, if present).',
  },
  {
    name: 'logLevel',
    flag: 'log-level',
    placeholder: '<level>',
    env: 'PALISADE_LOG_LEVEL',
    type: 'string',
    default: 'warn',
    choices: ['silent', 'error', 'warn', 'info', 'debug'],
    description: 'Log verbosity (logs go to standard error).',
  },
];

function shared(name: string): OptionDef {
  const def = SCAN_OPTIONS.find((d) => d.name === name);
  if (!def) {
    throw new Error(`option ${name} is not in SCAN_OPTIONS`);
  }
  return def;
}

export const IMAGE_OUTPUT_FORMATS = ['table', 'json', 'sarif', 'cyclonedx'] as const;

/** Options of `palisade image`: the shared output, gating and config options plus image ones. */
export const IMAGE_OPTIONS: readonly OptionDef[] = [
  {
    ...shared('format'),
    choices: IMAGE_OUTPUT_FORMATS,
    description: 'Report format (cyclonedx: a CycloneDX 1.6 BOM with vulnerabilities).',
  },
  shared('output'),
  shared('failOn'),
  {
    name: 'platform',
    flag: 'platform',
    placeholder: '<os/arch[/variant]>',
    env: 'PALISADE_PLATFORM',
    type: 'string',
    description: 'Image of a multi-arch index to scan (default linux/amd64).',
  },
  {
    name: 'database',
    configPath: ['vulnerabilities', 'database'],
    flag: 'db',
    placeholder: '<file>',
    env: 'PALISADE_DB',
    type: 'string',
    description: 'Vulnerability database file (default: $XDG_CACHE_HOME/palisade/vulndb.sqlite).',
  },
  {
    name: 'ignoreUnfixed',
    configPath: ['vulnerabilities', 'ignoreUnfixed'],
    flag: 'ignore-unfixed',
    env: 'PALISADE_IGNORE_UNFIXED',
    type: 'boolean',
    default: false,
    description: 'Leave out vulnerabilities that have no fixed version yet.',
  },
  {
    name: 'vex',
    flag: 'vex',
    placeholder: '<file>',
    env: 'PALISADE_VEX',
    type: 'list',
    description: 'OpenVEX or CycloneDX VEX document; not_affected statements silence vulnerabilities (repeatable).',
  },
  {
    name: 'skipLayerCache',
    flag: 'skip-layer-cache',
    env: 'PALISADE_SKIP_LAYER_CACHE',
    type: 'boolean',
    default: false,
    description: 'Read every layer, without the cache of analysed layers.',
  },
  {
    name: 'layerCacheDir',
    configPath: ['vulnerabilities', 'layerCacheDir'],
    flag: 'layer-cache-dir',
    placeholder: '<dir>',
    env: 'PALISADE_LAYER_CACHE_DIR',
    type: 'string',
    description: 'Cache of analysed layers (default: $XDG_CACHE_HOME/palisade/layers).',
  },
  {
    name: 'username',
    flag: 'username',
    placeholder: '<user>',
    env: 'PALISADE_REGISTRY_USERNAME',
    type: 'string',
    description: 'Registry user name (default: credentials from ~/.docker/config.json).',
  },
  {
    name: 'password',
    flag: 'password',
    placeholder: '<password>',
    env: 'PALISADE_REGISTRY_PASSWORD',
    type: 'string',
    description: 'Registry password or token (prefer the environment variable).',
  },
  {
    name: 'insecureRegistries',
    flag: 'insecure-registry',
    placeholder: '<host>',
    env: 'PALISADE_INSECURE_REGISTRIES',
    type: 'list',
    description: 'Registry hosts reached over plain HTTP (loopback hosts always are) (repeatable).',
  },
  shared('strict'),
  shared('config'),
  shared('logLevel'),
];

/** A value from the environment, typed per the option. */
export function envValue(def: OptionDef, env: NodeJS.ProcessEnv): string | boolean | string[] | undefined {
  if (!def.env) {
    return undefined;
  }
  const raw = env[def.env];
  if (raw === undefined || raw === '') {
    return undefined;
  }
  switch (def.type) {
    case 'boolean':
      return /^(?:1|true|yes|on)$/i.test(raw);
    case 'list':
      return raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    default:
      return raw;
  }
}

/** The value at a config path, if the config sets it. */
export function configValue(def: OptionDef, config: unknown): unknown {
  if (!def.configPath) {
    return undefined;
  }
  let node: unknown = config;
  for (const key of def.configPath) {
    if (typeof node !== 'object' || node === null) {
      return undefined;
    }
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}
