/**
 * Commander options generated from the option table, and their resolution with
 * precedence flag > environment > config file > default.
 */
import { existsSync } from 'node:fs';
import { type Command, Option } from 'commander';
import {
  type Config,
  ConfigError,
  configValue,
  DEFAULT_CONFIG_FILES,
  envValue,
  loadConfigFile,
  type OptionDef,
  parseByteSize,
  UsageError,
} from '#core';

export function addTableOptions(command: Command, table: readonly OptionDef[]): Command {
  for (const def of table) {
    const flags = def.type === 'boolean' ? `--${def.flag}` : `--${def.flag} ${def.placeholder ?? '<value>'}`;
    let description = def.description;
    if (def.env) {
      description += ` [env: ${def.env}]`;
    }
    const option = new Option(flags, description);
    if (def.choices) {
      option.choices(def.choices);
    }
    if (def.type === 'list') {
      option.argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), ...value.split(',')]);
    }
    if (def.default !== undefined && def.type !== 'boolean') {
      option.default(def.default, Array.isArray(def.default) ? def.default.join(',') : String(def.default));
    }
    command.addOption(option);
  }
  return command;
}

export interface Resolved {
  readonly values: Readonly<Record<string, unknown>>;
  readonly config?: Config;
  readonly configFile?: string;
}

function check(def: OptionDef, value: unknown, origin: string): unknown {
  if (def.choices && typeof value === 'string' && !def.choices.includes(value)) {
    throw new UsageError(`${origin}: "${value}" is not one of ${def.choices.join(', ')}`);
  }
  if (def.type === 'size' && typeof value === 'string') {
    const bytes = parseByteSize(value);
    if (!Number.isFinite(bytes) || bytes <= 0) {
      throw new UsageError(`${origin}: "${value}" is not a size such as 64MiB, 10MB or 1048576`);
    }
    return bytes;
  }
  return value;
}

/** Resolve every option of the table for a parsed command. */
export async function resolveOptions(
  command: Command,
  table: readonly OptionDef[],
  env: NodeJS.ProcessEnv,
  cwd: string,
): Promise<Resolved> {
  const opts = command.opts<Record<string, unknown>>();
  const flagName = (def: OptionDef): string => def.flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
  // Unless the root program enables positional options, commander gives a parent command every
  // flag it knows, wherever it is on the line (`detect serve --rules r.yaml` sets detect's --rules):
  // a flag of this command's table given to its parent is this command's own.
  const parent = command.parent;
  const fromCli = (def: OptionDef): unknown => {
    const key = flagName(def);
    if (command.getOptionValueSource(key) === 'cli') return opts[key];
    return parent?.getOptionValueSource(key) === 'cli' ? parent.getOptionValue(key) : undefined;
  };

  const configDef = table.find((d) => d.name === 'config');
  let configFile = configDef ? ((fromCli(configDef) ?? envValue(configDef, env)) as string | undefined) : undefined;
  if (configFile !== undefined && !existsSync(configFile)) {
    throw new ConfigError('config.invalid', `config file not found: ${configFile}`, { location: { file: configFile } });
  }
  configFile ??= DEFAULT_CONFIG_FILES.map((f) => `${cwd}/${f}`).find((f) => existsSync(f));
  const config = configFile ? await loadConfigFile(configFile) : undefined;

  const values: Record<string, unknown> = {};
  for (const def of table) {
    const cli = fromCli(def);
    if (cli !== undefined) {
      values[def.name] = check(def, cli, `--${def.flag}`);
      continue;
    }
    const fromEnv = envValue(def, env);
    if (fromEnv !== undefined) {
      values[def.name] = check(def, fromEnv, `environment variable ${def.env}`);
      continue;
    }
    const fromConfig = config ? configValue(def, config) : undefined;
    if (fromConfig !== undefined) {
      values[def.name] = fromConfig; // already validated by the config schema
      continue;
    }
    if (def.default !== undefined) {
      values[def.name] = check(def, def.default, `default of --${def.flag}`);
    }
  }
  return { values, ...(config ? { config } : {}), ...(configFile ? { configFile } : {}) };
}
