/**
 * docs/reference/cli.md: the --help text of every command, generated so the docs cannot drift.
 */
import type { Command } from 'commander';
import type { CliIo } from './io.ts';
import { buildProgram } from './main.ts';

const silentIo: CliIo = {
  cwd: '.',
  env: {},
  stdoutIsTTY: false,
  stdout: async () => {},
  stderr: () => {},
  readStdin: async () => '',
  setExitCode: () => {},
};

function helpOf(command: Command): string {
  command.configureHelp({ helpWidth: 100 });
  return command.helpInformation();
}

export function renderCliMarkdown(): string {
  const program = buildProgram(silentIo);
  const sections: string[] = [
    '# CLI reference',
    '',
    '<!-- Generated from the command definitions by `npm run docs`. Do not edit by hand: a test fails when this file is stale. -->',
    '',
    '## palisade',
    '',
    '```text',
    helpOf(program).trimEnd(),
    '```',
    '',
  ];
  const visit = (command: Command, prefix: string): void => {
    for (const sub of command.commands) {
      const name = `${prefix} ${sub.name()}`;
      sections.push(`## ${name}`, '', '```text', helpOf(sub).trimEnd(), '```', '');
      visit(sub, name);
    }
  };
  visit(program, 'palisade');
  return sections.join('\n');
}
