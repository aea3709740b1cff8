/**
 * `palisade checks list` and `palisade frameworks list`: the catalogue, from check metadata.
 */
import { Command, Option } from 'commander';
import type { CliIo } from '../io.ts';

export function checksCommand(io: CliIo): Command {
  const checks = new Command('checks').description('Inspect the posture checks');
  checks
    .command('list')
    .description('List every check with id, slug, title, severity, maturity, targets and framework mappings')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .action(async (options: { format: 'table' | 'json' }) => {
      const { renderCheckList } = await import('#posture');
      await io.stdout(renderCheckList(options.format));
    });
  return checks;
}

export function frameworksCommand(io: CliIo): Command {
  const frameworks = new Command('frameworks').description('Inspect the compliance frameworks checks map to');
  frameworks
    .command('list')
    .description('List frameworks with their controls and how many checks cover each')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .action(async (options: { format: 'table' | 'json' }) => {
      const { renderFrameworkList } = await import('#posture');
      await io.stdout(renderFrameworkList(options.format));
    });
  return frameworks;
}
