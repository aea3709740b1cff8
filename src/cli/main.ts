/**
 * The palisade command line: a thin layer over the library API (src/index.ts).
 */
import { Command, CommanderError } from 'commander';
import { PalisadeError, TOOL_VERSION } from '#core';
import { admissionCommand } from './commands/admission.ts';
import { automateCommand, automationCommand } from './commands/automate.ts';
import { checksCommand, frameworksCommand } from './commands/checks.ts';
import { dbCommand } from './commands/db.ts';
import { detectCommand } from './commands/detect.ts';
import { imageCommand, sbomCommand } from './commands/image.ts';
import { rulesCommand } from './commands/rules.ts';
import { scanCommand } from './commands/scan.ts';
import { EXIT } from './exit-codes.ts';
import { type CliIo, processIo } from './io.ts';

export function buildProgram(io: CliIo): Command {
  const program = new Command('palisade')
    .description(
      'Security for Kubernetes, OpenShift and Azure Red Hat OpenShift: posture checks (Pod Security Standards, workload hardening, RBAC, network) and image vulnerability scanning',
    )
    .version(TOOL_VERSION, '-V, --version')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({
      writeOut: (text) => {
        void io.stdout(text);
      },
      writeErr: (text) => io.stderr(text),
    });
  program.addCommand(scanCommand(io));
  program.addCommand(imageCommand(io));
  program.addCommand(sbomCommand(io));
  program.addCommand(dbCommand(io));
  program.addCommand(checksCommand(io));
  program.addCommand(frameworksCommand(io));
  program.addCommand(detectCommand(io));
  program.addCommand(rulesCommand(io));
  program.addCommand(admissionCommand(io));
  program.addCommand(automateCommand(io));
  program.addCommand(automationCommand(io));
  for (const command of program.commands) {
    command.exitOverride();
    for (const sub of command.commands) {
      sub.exitOverride();
    }
  }
  return program;
}

/** Run the CLI; resolves to the exit code (also set through io). */
export async function run(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  let code: number = EXIT.ok;
  const setExitCode = io.setExitCode;
  const tracked: CliIo = {
    ...io,
    setExitCode: (c) => {
      code = c;
      setExitCode(c);
    },
  };
  try {
    await buildProgram(tracked).parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end with code 0; anything else is a usage error.
      code = error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    } else if (error instanceof PalisadeError) {
      io.stderr(`palisade: ${error.message}\n`);
      code = error.code.startsWith('external.') ? EXIT.runtime : EXIT.usage;
    } else {
      io.stderr(
        `palisade: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      code = EXIT.runtime;
    }
    setExitCode(code);
  }
  return code;
}
